import type { ProxyDb } from '@stowage/dependency-proxy-data';
import type { UpstreamRegistry } from '../ports/upstream-registry';
import { ProxyGroups } from './proxy-groups';

/** A database whose one group has anonymous pulls set to whatever `anonymousPulls` is now. */
function fakeDb() {
  const state = { reads: 0, anonymousPulls: false, fail: false };
  const db = {
    groupSettings: {
      findUnique: async () => {
        state.reads += 1;
        if (state.fail) throw new Error('database down');
        return {
          enabled: true,
          anonymousPulls: state.anonymousPulls,
          ttlEnabled: false,
          ttlDays: 90,
          upstreams: [],
        };
      },
    },
  } as unknown as ProxyDb;
  return { db, state };
}

const groupsOn = (db: ProxyDb) =>
  new ProxyGroups({
    db,
    secrets: { encrypt: (text) => text, decrypt: (text) => text },
    instanceUpstream: null,
    createClient: () => ({}) as UpstreamRegistry,
    settingsTtlMs: 60_000,
  });

describe('ProxyGroups.settings', () => {
  it('when a group is asked for twice, then the database is read once', async () => {
    const { db, state } = fakeDb();
    const groups = groupsOn(db);
    await groups.settings(1);
    await groups.settings(1);
    expect(state.reads).toBe(1);
  });

  it('when the settings were changed here (forget), then the next read sees the change', async () => {
    const { db, state } = fakeDb();
    const groups = groupsOn(db);
    await groups.settings(1);
    state.anonymousPulls = true;
    groups.forget(1);
    expect((await groups.settings(1)).anonymousPulls).toBe(true);
  });

  it('when a read fails, then it is not kept and the next request reads again', async () => {
    const { db, state } = fakeDb();
    const groups = groupsOn(db);
    state.fail = true;
    await expect(groups.settings(1)).rejects.toThrow('database down');
    state.fail = false;
    await expect(groups.settings(1)).resolves.toMatchObject({ enabled: true });
    expect(state.reads).toBe(2);
  });
});
