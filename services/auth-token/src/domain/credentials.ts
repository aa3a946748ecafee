/** The credential forms clients present (see the internal API in docs and the REST middleware). */
export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer' | 'private_token' | 'deploy_token' | 'job_token'; token: string };

/** Longest secret we look at; anything longer is refused without hashing megabytes. */
export const MAX_SECRET_LENGTH = 1024;
