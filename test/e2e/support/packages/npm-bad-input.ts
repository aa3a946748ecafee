import type { PackageFixture } from './package-fixture';
import { npmPublishDocument } from './npm-probes';
import { MAX_FILE_BYTES } from './package-stack';
import { truncatedPut } from './truncated-put';

/**
 * Bad npm publishes over HTTP, as a broken or hostile client would send them: each answers 4xx
 * in npm's shape (`{"error": ...}`, what the CLI prints), never 500, and leaves no package and no
 * stored object behind.
 */
export function npmBadInputScenario(fx: PackageFixture): void {
  fx.step("bad npm publishes answer npm's errors and store nothing", async () => {
    const { ids, stack } = fx.world();
    const project = ids.projects.internal;
    const as = { credential: ids.members.developer, via: 'bearer' as const };
    const publishPath = (name: string) => `/projects/${project.id}/packages/npm/${name}`;
    const tarball = Buffer.from('a tarball');
    const before = await stack.storedKeys('packages/files/');
    const valid = npmPublishDocument('bad-json', '1.0.0', tarball);
    const refusals: [string, string, string | Buffer, number][] = [
      ['malformed JSON', publishPath('bad-json'), `${valid.slice(0, -2)},}`, 400],
      ['a name npm refuses', publishPath('Bad-Name'), npmPublishDocument('Bad-Name', '1.0.0', tarball), 400],
      [
        'traversal in the name',
        publishPath('..%2F..%2Fetc'),
        npmPublishDocument('../../etc', '1.0.0', tarball),
        404,
      ],
      [
        'a version that is not semver',
        publishPath('bad-version'),
        npmPublishDocument('bad-version', '1.0', tarball),
        400,
      ],
      [
        'a wrong shasum',
        publishPath('bad-sha1'),
        npmPublishDocument('bad-sha1', '1.0.0', tarball, { shasum: '0'.repeat(40) }),
        400,
      ],
      [
        'a wrong integrity',
        publishPath('bad-sha512'),
        npmPublishDocument('bad-sha512', '1.0.0', tarball, {
          integrity: `sha512-${Buffer.alloc(64).toString('base64')}`,
        }),
        400,
      ],
      [
        'an oversized tarball',
        publishPath('bad-big'),
        npmPublishDocument('bad-big', '1.0.0', Buffer.alloc(MAX_FILE_BYTES + 1)),
        413,
      ],
    ];
    for (const [what, requestPath, body, status] of refusals) {
      const response = await fx.call('PUT', requestPath, {
        as,
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      const answer = (await response.json()) as { error?: unknown };
      expect({ what, status: response.status, error: typeof answer.error }).toEqual({
        what,
        status,
        error: 'string',
      });
    }
    const cut = npmPublishDocument('bad-cut', '1.0.0', Buffer.alloc(60_000, 1)).slice(0, 50_000);
    await truncatedPut(stack.base, publishPath('bad-cut'), ids.members.developer.secret, cut);
    for (const name of ['bad-json', 'bad-version', 'bad-sha1', 'bad-sha512', 'bad-big', 'bad-cut']) {
      const metadata = await fx.call('GET', publishPath(name), { as });
      expect({ name, status: metadata.status }).toEqual({ name, status: 404 });
    }
    expect((await stack.storedKeys('packages/files/')).sort()).toEqual(before.sort());
  });
}
