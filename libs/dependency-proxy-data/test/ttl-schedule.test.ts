import { describeWithComponents } from '@stowage/testing';
import { claimDueTtlGroups, releaseTtlClaim, type PrismaClient } from '../src';
import { openPgliteProxyDb, openPostgresProxyDb, type ProxyDbFixture } from './support/proxy-db';
import { setTtlPolicy } from './support/proxy-fixtures';

const SETUP_TIMEOUT_MS = 120_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function ttlScheduleSuite(open: () => Promise<ProxyDbFixture>): void {
  let fixture: ProxyDbFixture;
  let prisma: PrismaClient;
  let nextGroup = 0;

  beforeAll(async () => {
    fixture = await open();
    prisma = fixture.prisma;
  }, SETUP_TIMEOUT_MS);
  afterAll(() => fixture?.close(), SETUP_TIMEOUT_MS);
  beforeEach(() => prisma.groupSettings.deleteMany());

  async function group(policy: Parameters<typeof setTtlPolicy>[2]): Promise<number> {
    const groupId = ++nextGroup;
    await setTtlPolicy(prisma, groupId, policy);
    return groupId;
  }
  const nextRunOf = async (groupId: number) =>
    (await prisma.groupSettings.findUniqueOrThrow({ where: { groupId } })).ttlNextRunAt;

  it('when groups with a TTL policy have never run or are past due, then they are claimed once and their next run moves one interval on', async () => {
    const never = await group({ enabled: true, nextRunAt: null });
    const overdue = await group({ enabled: true, nextRunAt: new Date(Date.now() - HOUR_MS) });
    await group({ enabled: true, nextRunAt: new Date(Date.now() + HOUR_MS) });
    await group({ enabled: false, nextRunAt: null });
    const now = new Date();

    const claims = await claimDueTtlGroups(prisma, now, { intervalMs: DAY_MS });

    expect(claims.map((claim) => claim.groupId)).toEqual([never, overdue]);
    expect((await nextRunOf(never))?.getTime()).toBe(now.getTime() + DAY_MS);
    expect(await claimDueTtlGroups(prisma, new Date(), { intervalMs: DAY_MS })).toEqual([]);
  });

  it('when a claim is released, then the group is due again; unless the row changed since', async () => {
    const released = await group({ enabled: true, nextRunAt: null });
    const changed = await group({ enabled: true, nextRunAt: null });
    const claims = await claimDueTtlGroups(prisma, new Date(), { intervalMs: DAY_MS });
    const later = new Date(Date.now() + 2 * DAY_MS);
    await prisma.groupSettings.update({ where: { groupId: changed }, data: { ttlNextRunAt: later } });

    expect(await releaseTtlClaim(prisma, claims[0]!)).toBe(true);
    expect(await releaseTtlClaim(prisma, claims[1]!)).toBe(false);
    expect(await nextRunOf(released)).toBeNull();
    expect(await nextRunOf(changed)).toEqual(later);
  });

  it('when several schedulers claim at once, then each due group is claimed by exactly one', async () => {
    const groups: number[] = [];
    for (let i = 0; i < 20; i++) groups.push(await group({ enabled: true, nextRunAt: null }));
    const others = await Promise.all([fixture.openClient(), fixture.openClient()]);
    try {
      // Each scheduler claims in small bites until nothing is due, all at the same time.
      const claimUntilDone = async (client: PrismaClient) => {
        const mine: number[] = [];
        for (;;) {
          const claims = await claimDueTtlGroups(client, new Date(), { intervalMs: DAY_MS, limit: 3 });
          if (claims.length === 0) return mine;
          mine.push(...claims.map((claim) => claim.groupId));
        }
      };
      const claimed = (
        await Promise.all([prisma, ...others.map((other) => other.prisma)].map(claimUntilDone))
      ).flat();
      expect(claimed.sort((a, b) => a - b)).toEqual(groups);
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
  });
}

describe('TTL scheduling on PGlite', () => {
  ttlScheduleSuite(openPgliteProxyDb);
});

describeWithComponents(['postgres'], 'TTL scheduling on PostgreSQL', () => {
  ttlScheduleSuite(() => openPostgresProxyDb('proxyttl'));
});
