/**
 * The private claims that tie a token to who asked for it, so a verifier can refuse it once that
 * credential is revoked or that user blocked (see RevocationList):
 * - `user_id`: the user's id; absent for anonymous and deploy-token tokens.
 * - `credential`: what authenticated the request, e.g. `personal_access_token:3`,
 *   `deploy_token:4`, `job_token:9`, `password:1`; absent for anonymous tokens.
 */

/** Longest `credential` accepted; real ones are a kind and an id, far shorter. */
export const MAX_CREDENTIAL_LENGTH = 200;

export function isUserId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

export function isCredential(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CREDENTIAL_LENGTH;
}
