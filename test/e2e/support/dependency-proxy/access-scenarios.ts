import { succeeded, failed } from '../client-runs';
import type { Credential } from '../identity-world';
import { proxyRequest, proxyToken, putProxySettings } from './proxy-api';
import type { ProxyFixture } from './proxy-fixture';

/**
 * Who may pull: nobody anonymously (a public group too) unless its Owner allows anonymous pulls;
 * on a private group a signed-in non-member is denied, while a member, a group deploy token and
 * a job token pull.
 */

export function accessScenarios(fx: ProxyFixture): void {
  const manifestOf = (groupPath: string, token?: string) => {
    const { stack, images } = fx.world();
    return proxyRequest(stack.base, {
      groupPath,
      image: 'access',
      rest: `manifests/${images.access.tag}`,
      token,
    });
  };

  fx.step(
    'when an anonymous client asks the proxy of a private or a public group, then it gets 401 with the dependency proxy challenge',
    async () => {
      const { stack, ids } = fx.world();

      const answers = await Promise.all([
        manifestOf(ids.privateGroup.path),
        manifestOf(ids.publicGroup.path),
      ]);

      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.headers['www-authenticate']).toContain(`Bearer realm="${stack.base}/jwt/auth"`);
        expect(answer.headers['www-authenticate']).toContain('service="dependency_proxy"');
        expect(JSON.parse(answer.body)).toEqual({
          errors: [expect.objectContaining({ code: 'UNAUTHORIZED' })],
        });
      }
    },
  );

  fx.step(
    "when the public group's Owner allows anonymous pulls, then an anonymous client pulls the manifest and its layer",
    async () => {
      const { stack, ids, images } = fx.world();
      await putProxySettings(stack.api, ids.publicGroup.id, { anonymous_pulls: true });
      // What docker does without a login: follow the challenge to an anonymous token.
      const anonymous = await proxyToken(stack.base, null, ids.publicGroup.path, 'access');

      const manifest = await manifestOf(ids.publicGroup.path, anonymous);
      const layer = await proxyRequest(stack.base, {
        groupPath: ids.publicGroup.path,
        image: 'access',
        rest: `blobs/${images.access.blobs[1]!.digest}`,
        token: anonymous,
      });

      expect(manifest).toMatchObject({
        status: 200,
        headers: { 'docker-content-digest': images.access.digest },
      });
      expect(layer.status).toBe(200);
      // Only on the public group: the private one keeps refusing anonymous tokens.
      const elsewhere = await proxyToken(stack.base, null, ids.privateGroup.path, 'access');
      expect((await manifestOf(ids.privateGroup.path, elsewhere)).status).toBe(401);
    },
  );

  fx.step(
    'when a signed-in user who is not a member pulls from the private group, then docker reports denied and the proxy answers 403 DENIED',
    async () => {
      const { stack, ids } = fx.world();
      await fx.dockerLogin(ids.outsider);
      const ref = `${fx.imageRef(ids.privateGroup.path, 'access')}:1`;

      const refused = failed(
        await fx.docker().docker(['pull', ref], { timeoutMs: 60_000 }),
        `docker pull ${ref}`,
      );

      expect(`${refused.stdout}${refused.stderr}`).toMatch(/denied/i);
      const token = await proxyToken(stack.base, ids.outsider, ids.privateGroup.path, 'access');
      const answer = await manifestOf(ids.privateGroup.path, token);
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({ errors: [expect.objectContaining({ code: 'DENIED' })] });
    },
  );

  const pullWithDocker = async (credential: Credential) => {
    const { ids, images } = fx.world();
    const ref = `${fx.imageRef(ids.privateGroup.path, 'access')}:1`;
    await fx.docker().docker(['image', 'rm', ref]);
    await fx.dockerLogin(credential);
    const run = await fx.docker$(['pull', ref]);
    expect(run.stdout).toContain(`Digest: ${images.access.digest}`);
  };

  fx.step('when a Guest of the private group pulls with docker, then the pull succeeds', () =>
    pullWithDocker(fx.world().ids.member),
  );

  fx.step(
    'when CI pulls with docker logged in as gitlab-ci-token with a job token of a project in the group, then the pull succeeds',
    () => pullWithDocker(fx.world().ids.jobToken),
  );

  fx.step(
    'when skopeo inspects through the proxy with a group deploy token that may only read the registry, then it gets the image',
    async () => {
      const { ids, images } = fx.world();
      const { username, secret } = ids.deployToken;

      const run = succeeded(
        await fx
          .containers()
          .skopeo([
            'inspect',
            '--tls-verify=false',
            '--creds',
            `${username}:${secret}`,
            `docker://${fx.imageRef(ids.privateGroup.path, 'access')}:1`,
          ]),
        'skopeo inspect with the deploy token',
      );

      expect(JSON.parse(run.stdout)).toMatchObject({ Digest: images.access.digest });
    },
  );
}
