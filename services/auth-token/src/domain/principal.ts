import type { DeployToken, JobToken, User } from '../generated/prisma/client';
import type { PersonalAccessTokenScope } from './scopes';
import type { CredentialId } from './tokens';

/** Who is asking, as established from the credentials a request carried. */
export type Principal =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      user: User;
      credential: CredentialId;
      /** The token's scopes; null when the user signed in with a password (no cap). */
      scopes: PersonalAccessTokenScope[] | null;
    }
  | { kind: 'deploy_token'; deployToken: DeployToken; credential: CredentialId }
  | { kind: 'job_token'; jobToken: JobToken; user: User; credential: CredentialId };

export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** The user a principal acts as, if any (deploy tokens act as nobody). */
export function actingUser(principal: Principal): User | undefined {
  return principal.kind === 'user' || principal.kind === 'job_token' ? principal.user : undefined;
}

/** The name that goes into a token's `sub` and audit lines. */
export function principalName(principal: Principal): string {
  switch (principal.kind) {
    case 'anonymous':
      return '';
    case 'deploy_token':
      return principal.deployToken.username;
    default:
      return principal.user.username;
  }
}
