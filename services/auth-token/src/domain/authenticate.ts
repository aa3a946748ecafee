import type { PrismaClient, User } from '../generated/prisma/client';
import type { Credentials } from './credentials';
import { MAX_SECRET_LENGTH } from './credentials';
import { verifyPassword } from './passwords';
import type { Principal } from './principal';
import { isPersonalAccessTokenScope } from './scopes';
import { digestToken, JOB_TOKEN_USERNAME, tokenKindOf, type TokenKind } from './tokens';

/** `last_used_at` is refreshed at most this often, so busy tokens do not cost a write per use. */
const LAST_USED_RESOLUTION_MS = 60_000;

type Tx = Pick<PrismaClient, 'user' | 'personalAccessToken' | 'deployToken' | 'jobToken' | 'session'>;

const isActive = (user: User) => user.state === 'active';

/** A date-only expiry (`expires_at` of PATs and memberships) ends at the start of that UTC day. */
export function dateHasPassed(date: Date | null, now: Date): boolean {
  return date !== null && date.getTime() <= now.getTime();
}

async function personalAccessToken(prisma: Tx, token: string, now: Date): Promise<Principal | null> {
  const found = await prisma.personalAccessToken.findUnique({
    where: { tokenDigest: digestToken(token) },
    include: { user: true },
  });
  if (!found || found.revokedAt || dateHasPassed(found.expiresAt, now) || !isActive(found.user)) return null;
  await touch(found.lastUsedAt, now, () =>
    prisma.personalAccessToken.updateMany({ where: staleUse(found.id, now), data: { lastUsedAt: now } }),
  );
  const { user, ...pat } = found;
  return {
    kind: 'user',
    user,
    credential: `personal_access_token:${pat.id}`,
    scopes: pat.scopes.filter(isPersonalAccessTokenScope),
  };
}

async function deployToken(
  prisma: Tx,
  token: string,
  now: Date,
  username?: string,
): Promise<Principal | null> {
  const found = await prisma.deployToken.findUnique({ where: { tokenDigest: digestToken(token) } });
  if (!found || found.revokedAt || (found.expiresAt && found.expiresAt <= now)) return null;
  // Deploy tokens are bound to their username, as on GitLab.
  if (username !== undefined && username !== found.username) return null;
  await touch(found.lastUsedAt, now, () =>
    prisma.deployToken.updateMany({ where: staleUse(found.id, now), data: { lastUsedAt: now } }),
  );
  return { kind: 'deploy_token', deployToken: found, credential: `deploy_token:${found.id}` };
}

async function jobToken(prisma: Tx, token: string, now: Date): Promise<Principal | null> {
  const found = await prisma.jobToken.findUnique({
    where: { tokenDigest: digestToken(token) },
    include: { user: true },
  });
  if (!found || found.finishedAt || found.expiresAt <= now || !isActive(found.user)) return null;
  await touch(found.lastUsedAt, now, () =>
    prisma.jobToken.updateMany({ where: staleUse(found.id, now), data: { lastUsedAt: now } }),
  );
  const { user, ...job } = found;
  return { kind: 'job_token', jobToken: job, user, credential: `job_token:${job.id}` };
}

/** The user a sign-in form names: by email when the login has an `@` (usernames cannot), else by username. */
function userKey(login: string): { usernameKey: string } | { emailKey: string } {
  return login.includes('@') ? { emailKey: login.toLowerCase() } : { usernameKey: login.toLowerCase() };
}

async function password(
  prisma: Tx,
  key: { usernameKey: string } | { emailKey: string },
  secret: string,
): Promise<Principal | null> {
  const user = await prisma.user.findUnique({ where: key });
  // Always hash, even for an unknown user, so timing does not tell which usernames exist.
  const matches = await verifyPassword(secret, user?.passwordHash);
  if (!user || !matches || !isActive(user)) return null;
  return { kind: 'user', user, credential: `password:${user.id}`, scopes: null };
}

/** A browser session: the user with a password's rights (no scopes) while the session lives. */
async function session(prisma: Tx, token: string, now: Date): Promise<Principal | null> {
  const found = await prisma.session.findUnique({
    where: { tokenDigest: digestToken(token) },
    include: { user: true },
  });
  if (!found || found.revokedAt || found.expiresAt <= now || !isActive(found.user)) return null;
  await touch(found.lastUsedAt, now, () =>
    prisma.session.updateMany({ where: staleUse(found.id, now), data: { lastUsedAt: now } }),
  );
  return { kind: 'user', user: found.user, credential: `session:${found.id}`, scopes: null };
}

const staleUse = (id: number, now: Date) => ({
  id,
  OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }],
});

const isStale = (lastUsedAt: Date | null, now: Date) =>
  lastUsedAt === null || lastUsedAt.getTime() < now.getTime() - LAST_USED_RESOLUTION_MS;

/**
 * Records a use when the stored one is stale: a token used many times a second (every docker
 * pull asks /jwt/auth) costs no write at all. The write re-checks staleness, so concurrent uses
 * still record once. Bookkeeping only: a failure to record must not fail the login.
 */
async function touch(lastUsedAt: Date | null, now: Date, write: () => Promise<unknown>): Promise<void> {
  if (!isStale(lastUsedAt, now)) return;
  await write().catch(() => undefined);
}

const LOOKUP: Record<TokenKind, (prisma: Tx, token: string, now: Date) => Promise<Principal | null>> = {
  personalAccessToken,
  deployToken: (prisma, token, now) => deployToken(prisma, token, now),
  jobToken,
};

/** A bearer token may be any kind; its prefix says which (unprefixed: the initial root token). */
function anyToken(prisma: Tx, token: string, now: Date): Promise<Principal | null> {
  return LOOKUP[tokenKindOf(token) ?? 'personalAccessToken'](prisma, token, now);
}

/**
 * Resolves credentials to a principal, or null when they are not valid: unknown, revoked or
 * expired tokens, wrong passwords and blocked users all look the same to the caller.
 *
 * Basic credentials follow GitLab's rules for registry and package clients: the password may be
 * the user's password, a personal access token (any username), a deploy token (its username) or,
 * with username `gitlab-ci-token`, a CI job token. The sign-in form's `password` kind takes the
 * user's password only, and a `session` the browser's session cookie.
 */
export async function authenticate(
  prisma: Tx,
  credentials: Credentials,
  now: Date = new Date(),
): Promise<Principal | null> {
  const secret =
    credentials.kind === 'basic' || credentials.kind === 'password'
      ? credentials.password
      : credentials.token;
  if (secret.length === 0 || secret.length > MAX_SECRET_LENGTH) return null;
  switch (credentials.kind) {
    case 'private_token':
      return personalAccessToken(prisma, secret, now);
    case 'deploy_token':
      return deployToken(prisma, secret, now);
    case 'job_token':
      return jobToken(prisma, secret, now);
    case 'bearer':
      return anyToken(prisma, secret, now);
    case 'session':
      return session(prisma, secret, now);
    case 'password':
      return password(prisma, userKey(credentials.login), secret);
    case 'basic': {
      const { username } = credentials;
      if (username === JOB_TOKEN_USERNAME) return jobToken(prisma, secret, now);
      const kind = tokenKindOf(secret);
      if (kind === 'deployToken') return deployToken(prisma, secret, now, username);
      if (kind === 'personalAccessToken') return personalAccessToken(prisma, secret, now);
      if (kind === 'jobToken') return null;
      return (
        (await personalAccessToken(prisma, secret, now)) ??
        password(prisma, { usernameKey: username.toLowerCase() }, secret)
      );
    }
  }
}
