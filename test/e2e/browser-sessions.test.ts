import { createHash } from 'node:crypto';
import { explainFailure } from './support/explain-failure';
import { randomSecret } from './support/identity-world';
import { waitUntil } from './support/processes';
import { restApi, type RestApi } from './support/rest-api';
import {
  START_TIMEOUT_MS,
  STOP_TIMEOUT_MS,
  startOwnStandalone,
  type OwnStandalone,
} from './support/standalone';

// A browser's session end to end (ADR 0013), standalone mode: root signs in with its password as
// the web UI does (fetch, same origin), then the cookie works on the identity API, on the package
// and registry REST APIs (through authorize), writes need the CSRF token, /v2 ignores the cookie,
// and sign-out ends it everywhere.

describe('browser sessions through the standalone gateway', () => {
  const rootPassword = randomSecret();
  let stowage: OwnStandalone | undefined;
  let root: RestApi;
  let privateProject: { id: number; path_with_namespace: string };

  const withServerOutput = <T>(body: () => Promise<T>) =>
    explainFailure(() => stowage?.instance.process.describe() ?? 'standalone was not started', body);
  const url = (path: string) => `${stowage!.instance.base}${path}`;

  /** Signs root in; the session cookie (as a Cookie header) and the CSRF token from its cookie. */
  async function signInAsRoot(): Promise<{ cookie: string; csrf: string; setCookie: string[] }> {
    const response = await fetch(url('/users/sign_in'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: `http://${stowage!.host}` },
      body: JSON.stringify({ login: 'root', password: rootPassword }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ username: 'root', is_admin: true });
    const setCookie = response.headers.getSetCookie();
    const value = (name: string) => {
      const line = setCookie.find((candidate) => candidate.startsWith(`${name}=`))!;
      return line.slice(name.length + 1, line.indexOf(';'));
    };
    return {
      cookie: `_stowage_session=${value('_stowage_session')}`,
      csrf: value('_stowage_csrf'),
      setCookie,
    };
  }

  beforeAll(async () => {
    stowage = await startOwnStandalone('e2e-sessions', { INITIAL_ROOT_PASSWORD: rootPassword });
    root = restApi(stowage.instance.base, stowage.rootToken);
    privateProject = await withServerOutput(() =>
      root.request('POST', '/projects', 201, { name: 'session-private', visibility: 'private' }),
    );
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await stowage?.stop();
  }, STOP_TIMEOUT_MS);

  it('when root signs in, then the cookies are set and the session works on every REST API, writes only with the CSRF token', async () => {
    await withServerOutput(async () => {
      const { cookie, csrf, setCookie } = await signInAsRoot();
      const token = cookie.slice(cookie.indexOf('=') + 1);
      expect(csrf).toBe(createHash('sha256').update(`csrf:${token}`).digest('base64url'));
      expect(setCookie.find((line) => line.startsWith('_stowage_session='))).toMatch(/HttpOnly/);

      const me = await fetch(url('/api/v4/user'), { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ username: 'root' });

      // The package and registry REST APIs ask auth-token's authorize with the cookie.
      const packages = await fetch(url(`/api/v4/projects/${privateProject.id}/packages`), {
        headers: { cookie },
      });
      expect(packages.status).toBe(200);
      const repositories = await fetch(url(`/api/v4/projects/${privateProject.id}/registry/repositories`), {
        headers: { cookie },
      });
      expect(repositories.status).toBe(200);
      // Without the cookie: anonymous, challenged for credentials.
      const anonymous = await fetch(url(`/api/v4/projects/${privateProject.id}/packages`));
      expect(anonymous.status).toBe(401);
      await Promise.all([packages, repositories, anonymous].map((response) => response.body?.cancel()));

      const upload = (headers: Record<string, string>) =>
        fetch(url(`/api/v4/projects/${privateProject.id}/packages/generic/from-browser/1.0.0/hello.txt`), {
          method: 'PUT',
          headers: { cookie, ...headers },
          body: 'hello',
        });
      const refused = await upload({});
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ message: '403 Forbidden - CSRF token is missing or invalid' });
      const crossSite = await upload({ 'x-csrf-token': csrf, origin: 'https://elsewhere.example.test' });
      expect(crossSite.status).toBe(403);
      await crossSite.body?.cancel();
      const stored = await upload({ 'x-csrf-token': csrf });
      expect(stored.status).toBe(201);
      await stored.body?.cancel();

      const created = await fetch(url('/api/v4/projects'), {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'made-in-the-browser' }),
      });
      expect(created.status).toBe(201);
      await created.body?.cancel();

      // The registry's /v2 takes its own tokens only.
      const v2 = await fetch(url('/v2/'), { headers: { cookie } });
      expect(v2.status).toBe(401);
      await v2.body?.cancel();
    });
  });

  it('when the browser signs out, then the cookie opens nothing any more and counts as anonymous', async () => {
    await withServerOutput(async () => {
      const { cookie, csrf } = await signInAsRoot();
      const packagesPath = `/api/v4/projects/${privateProject.id}/packages`;
      // The package registry's identity client now holds a "root may read" answer for 10 s.
      const before = await fetch(url(packagesPath), { headers: { cookie } });
      expect(before.status).toBe(200);
      await before.body?.cancel();

      const withoutToken = await fetch(url('/users/sign_out'), { method: 'POST', headers: { cookie } });
      expect(withoutToken.status).toBe(403);
      await withoutToken.body?.cancel();
      const signedOut = await fetch(url('/users/sign_out'), {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(signedOut.status).toBe(204);
      expect(signedOut.headers.getSetCookie().every((line) => /Max-Age=0/.test(line))).toBe(true);

      const me = await fetch(url('/api/v4/user'), { headers: { cookie } });
      expect(me.status).toBe(401);
      await me.body?.cancel();
      // A dead cookie is anonymous: it sees nothing private, and gets no Basic challenge, which
      // would open a browser's password dialog. identity.token.revoked cleared the cached answer
      // well before its 10 s ran out.
      const packages = await waitUntil(
        async () => {
          const response = await fetch(url(packagesPath), { headers: { cookie } });
          await response.body?.cancel();
          return response.status === 404 ? response : undefined;
        },
        { timeoutMs: 5_000, description: 'the package registry to forget the signed-out session' },
      );
      expect(packages.headers.get('www-authenticate')).toBeNull();
      const publicList = await fetch(url('/api/v4/projects'), { headers: { cookie } });
      expect(publicList.status).toBe(200);
      await publicList.body?.cancel();
    });
  });
});
