/** The credential forms clients present (see the internal API in docs and the REST middleware). */
export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer' | 'private_token' | 'deploy_token' | 'job_token'; token: string }
  /** The browser's session cookie (ADR 0013). */
  | { kind: 'session'; token: string }
  /**
   * The browser sign-in form: a username or email and the user's password, never a token (a
   * token must not open a session that outlives its scopes and expiry). No client sends this
   * kind over the internal API; only `POST /users/sign_in` makes it.
   */
  | { kind: 'password'; login: string; password: string };

/** Longest secret we look at; anything longer is refused without hashing megabytes. */
export const MAX_SECRET_LENGTH = 1024;
