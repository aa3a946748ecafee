import { findSchemaDrift, type Database } from '@stowage/db';
import { Prisma as WidgetsPrisma } from '../fixtures/generated/widgets/client';
import { WIDGETS_SCHEMA, type FixtureClients } from './fixture-services';

/** How the contract reaches the migrated database and the fixture clients. */
export interface PrismaContractTarget {
  db(): Database;
  clients(): FixtureClients;
}

class Rollback extends Error {}

/**
 * Runs `statements` and `findSchemaDrift` in one transaction that is then rolled back, so a test
 * can break the schema without breaking it for the others (PostgreSQL DDL is transactional).
 */
async function driftAfter(target: PrismaContractTarget, statements: string): Promise<string[]> {
  let drift: string[] = [];
  await target
    .db()
    .transaction(async (tx) => {
      await tx.exec(statements);
      drift = await findSchemaDrift(target.clients().widgets, tx, WIDGETS_SCHEMA);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return drift;
}

/** Prisma clients of two services on one shared database, the same on PostgreSQL and PGlite. */
export function describePrismaContract(target: PrismaContractTarget): void {
  it('when a widget with parts is written, then every field type reads back unchanged', async () => {
    const { widgets } = target.clients();

    const created = await widgets.widget.create({
      data: {
        name: `round-trip-${Date.now()}`,
        sizeCm: 42,
        colour: 'BLUE',
        labels: ['a', 'b'],
        metadata: { nested: { ok: true } },
        parts: { create: [{ weight: new WidgetsPrisma.Decimal('12.50') }] },
      },
    });
    const read = await widgets.widget.findUniqueOrThrow({
      where: { id: created.id },
      include: { parts: true },
    });

    expect(read).toMatchObject({
      sizeCm: 42,
      colour: 'BLUE',
      labels: ['a', 'b'],
      metadata: { nested: { ok: true } },
    });
    expect(read.createdAt).toBeInstanceOf(Date);
    expect(read.parts).toHaveLength(1);
    expect(read.parts[0]?.weight.toString()).toBe('12.5');
    expect(typeof read.parts[0]?.id).toBe('bigint');
  });

  it('when two services run interactive transactions at once, then both commit', async () => {
    const { widgets, gadgets } = target.clients();
    const name = `concurrent-${Date.now()}`;

    const [widget, gadget] = await Promise.all([
      widgets.$transaction(async (tx) => {
        const w = await tx.widget.create({ data: { name, sizeCm: 1 } });
        await new Promise((resolve) => setTimeout(resolve, 50));
        return tx.widget.update({ where: { id: w.id }, data: { sizeCm: 2 } });
      }),
      gadgets.$transaction(async (tx) => {
        const g = await tx.gadget.create({ data: { name } });
        await new Promise((resolve) => setTimeout(resolve, 50));
        return tx.gadget.update({ where: { id: g.id }, data: { enabled: false } });
      }),
    ]);

    expect(await widgets.widget.findUnique({ where: { id: widget.id } })).toMatchObject({ sizeCm: 2 });
    expect(await gadgets.gadget.findUnique({ where: { id: gadget.id } })).toMatchObject({ enabled: false });
  });

  it('when one interactive transaction throws, then only its writes are rolled back', async () => {
    const { widgets, gadgets } = target.clients();
    const name = `rollback-${Date.now()}`;

    const [failed, committed] = await Promise.allSettled([
      widgets.$transaction(async (tx) => {
        await tx.widget.create({ data: { name, sizeCm: 1 } });
        throw new Error('changed my mind');
      }),
      gadgets.$transaction(async (tx) => tx.gadget.create({ data: { name } })),
    ]);

    expect(failed.status).toBe('rejected');
    expect(committed.status).toBe('fulfilled');
    expect(await widgets.widget.findUnique({ where: { name } })).toBeNull();
    expect(await gadgets.gadget.count({ where: { name } })).toBe(1);
  });

  it('when a unique constraint is violated, then Prisma reports P2002', async () => {
    const { widgets } = target.clients();
    const name = `unique-${Date.now()}`;
    await widgets.widget.create({ data: { name, sizeCm: 1 } });

    await expect(widgets.widget.create({ data: { name, sizeCm: 1 } })).rejects.toMatchObject({
      code: 'P2002',
    });
  });

  it('when the migrations match schema.prisma, then findSchemaDrift reports nothing', async () => {
    expect(await findSchemaDrift(target.clients().widgets, target.db(), WIDGETS_SCHEMA)).toEqual([]);
  });

  it('when a column is missing, then findSchemaDrift names it', async () => {
    const drift = await driftAfter(target, `ALTER TABLE "fixture_widgets"."widgets" DROP COLUMN "size_cm"`);

    expect(drift).toEqual(['column fixture_widgets.widgets.size_cm (Widget.sizeCm) is missing']);
  });

  it('when a table is missing or a column has the wrong type, then findSchemaDrift names both', async () => {
    const drift = await driftAfter(
      target,
      `DROP TABLE "fixture_widgets"."parts";
       ALTER TABLE "fixture_widgets"."widgets" ALTER COLUMN "size_cm" TYPE TEXT`,
    );

    expect(drift).toEqual([
      'column fixture_widgets.widgets.size_cm (Widget.sizeCm) is text, which cannot hold Prisma type Int',
      'table fixture_widgets.parts is missing (model Part)',
    ]);
  });

  it('when the table has a NOT NULL column the model lacks, then findSchemaDrift warns that creates will fail', async () => {
    // The default fills existing rows, then goes: the column ends up NOT NULL without one.
    const drift = await driftAfter(
      target,
      `ALTER TABLE "fixture_widgets"."widgets" ADD COLUMN "owner" TEXT NOT NULL DEFAULT 'someone';
       ALTER TABLE "fixture_widgets"."widgets" ALTER COLUMN "owner" DROP DEFAULT`,
    );

    expect(drift).toEqual([
      expect.stringContaining('fixture_widgets.widgets.owner is NOT NULL without a default'),
    ]);
  });
}
