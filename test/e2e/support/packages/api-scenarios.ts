import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { waitFor } from '@stowage/testing';
import type { PackageFixture } from './package-fixture';

/**
 * GitLab's Packages API end to end: what a deletion through it does to storage once the
 * cleanup-worker has run (the stacks sweep every second with a one-second deletion delay,
 * package-stack.ts), and the listing a script would read.
 */

const fileKey = (bytes: Buffer) => {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return `packages/files/sha256/${sha256.slice(0, 2)}/${sha256}`;
};

interface PackageJson {
  id: number;
  name: string;
  version: string;
  _links: { delete_api_path?: string };
}

export function apiScenarios(fx: PackageFixture): void {
  const upload = async (name: string, bytes: Buffer) => {
    const { ids } = fx.world();
    const response = await fx.call(
      'PUT',
      `/projects/${ids.projects.private.id}/packages/generic/${name}/1.0.0/file.bin`,
      { as: { credential: ids.members.developer, via: 'private-token' }, body: bytes },
    );
    expect(response.status).toBe(201);
  };
  const listed = async (name: string): Promise<PackageJson[]> => {
    const { ids } = fx.world();
    const response = await fx.call(
      'GET',
      `/projects/${ids.projects.private.id}/packages?package_type=generic&package_name=${name}&order_by=name`,
      { as: { credential: ids.members.reporter, via: 'private-token' } },
    );
    expect(response.status).toBe(200);
    return (await response.json()) as PackageJson[];
  };
  const remove = async (pkg: PackageJson) => {
    const { ids } = fx.world();
    const response = await fx.call('DELETE', `/projects/${ids.projects.private.id}/packages/${pkg.id}`, {
      as: { credential: ids.members.maintainer, via: 'private-token' },
    });
    expect(response.status).toBe(204);
  };

  fx.step(
    'a package deleted through the API leaves storage once no other file uses its object; an object another package holds stays',
    async () => {
      const { stack } = fx.world();
      const prefix = `api-${fx.mode}-${randomBytes(3).toString('hex')}`;
      const own = randomBytes(4096);
      const shared = randomBytes(4096);
      await upload(`${prefix}-own`, own);
      await upload(`${prefix}-shared-a`, shared);
      await upload(`${prefix}-shared-b`, shared);
      const stored = await stack.storedKeys('packages/files/');
      expect(stored).toEqual(expect.arrayContaining([fileKey(own), fileKey(shared)]));

      const packages = await listed(prefix);
      expect(packages.map((pkg) => pkg.name)).toEqual([
        `${prefix}-own`,
        `${prefix}-shared-a`,
        `${prefix}-shared-b`,
      ]);
      // A reporter may not delete: GitLab leaves the delete link out.
      expect(packages[0]!._links.delete_api_path).toBeUndefined();

      await remove(packages[1]!);
      await remove(packages[0]!);
      expect((await listed(prefix)).map((pkg) => pkg.name)).toEqual([`${prefix}-shared-b`]);

      // The shared object's deletion was queued first: by the time the other one is gone, it was weighed too.
      await waitFor(
        "the deleted package's object to leave storage",
        async () => {
          await delay(200); // a storage listing per check, not a hundred a second
          return !(await stack.storedKeys('packages/files/')).includes(fileKey(own));
        },
        60_000,
      );
      expect(await stack.storedKeys('packages/files/')).toContain(fileKey(shared));
      const { ids } = fx.world();
      const download = await fx.call(
        'GET',
        `/projects/${ids.projects.private.id}/packages/generic/${prefix}-shared-b/1.0.0/file.bin`,
        { as: { credential: ids.members.reporter, via: 'private-token' } },
      );
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(shared)).toBe(true);
    },
  );
}
