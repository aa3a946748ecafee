import { createHash, randomBytes } from 'node:crypto';

/**
 * Token secrets. Prefixes follow GitLab's, so secret scanners that know GitLab tokens catch ours
 * too; 32 random bytes give 256 bits. Only a SHA-256 digest is stored: the tokens are random
 * enough that a fast hash cannot be reversed, and a digest lookup is one indexed read.
 */
export const TOKEN_PREFIX = {
  personalAccessToken: 'glpat-',
  deployToken: 'gldt-',
  jobToken: 'glcbt-',
} as const;

export type TokenKind = keyof typeof TOKEN_PREFIX;

/** Username a CI job logs in with, its job token as the password (as on GitLab). */
export const JOB_TOKEN_USERNAME = 'gitlab-ci-token';

const SECRET_BYTES = 32;

export interface NewToken {
  /** Shown to the caller once; never stored. */
  token: string;
  digest: string;
}

export function newToken(kind: TokenKind): NewToken {
  const token = TOKEN_PREFIX[kind] + randomBytes(SECRET_BYTES).toString('base64url');
  return { token, digest: digestToken(token) };
}

/** A browser session's secret, the `_stowage_session` cookie: no prefix, it never leaves a browser. */
export function newSessionToken(): NewToken {
  const token = randomBytes(SECRET_BYTES).toString('base64url');
  return { token, digest: digestToken(token) };
}

export function digestToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The kind a token's prefix announces, if any (the initial root token may have none). */
export function tokenKindOf(token: string): TokenKind | undefined {
  for (const [kind, prefix] of Object.entries(TOKEN_PREFIX) as [TokenKind, string][]) {
    if (token.startsWith(prefix)) return kind;
  }
  return undefined;
}

/** Identifies the credential behind a registry token, so verifiers can honour its revocation. */
export type CredentialId =
  | `personal_access_token:${number}`
  | `deploy_token:${number}`
  | `job_token:${number}`
  | `password:${number}`
  | `session:${number}`;
