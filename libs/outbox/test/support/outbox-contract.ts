import { InProcessEventBus, InvalidBusArgumentError, newEvent, type DomainEvent } from '@stowage/bus';
import type { Database } from '@stowage/db';
import { createSilentLogger } from '@stowage/logging';
import { OutboxRelay, recordEvent, recordEvents, type OutboxRelayOptions } from '@stowage/outbox';
import { deferred, hasSettled, sleep, waitFor } from '@stowage/testing';
import { ControllableEventBus } from './controllable-event-bus';
import {
  claimedIds,
  createOutboxSchema,
  dropSchema,
  outboxRows,
  publishedAt,
  rawExecutor,
} from './outbox-schema';

export interface OutboxHarness {
  db: Database;
  schema: string;
  bus: ControllableEventBus;
  /** A relay on this test's table and bus, stopped after the test. */
  relay(options?: Partial<OutboxRelayOptions>): OutboxRelay;
  /** Records `events` in one transaction that commits. */
  commit(...events: DomainEvent[]): Promise<void>;
}

/**
 * Behaviour every database the outbox runs on must show. `db()` is opened once by the caller;
 * each test gets its own schema and outbox table, dropped afterwards.
 */
export function describeOutboxContract(db: () => Database): OutboxHarness {
  const harness = {} as OutboxHarness;
  let relays: OutboxRelay[] = [];
  let inner: InProcessEventBus;

  beforeEach(async () => {
    harness.db = db();
    harness.schema = await createOutboxSchema(harness.db);
    inner = new InProcessEventBus();
    harness.bus = new ControllableEventBus(inner);
    relays = [];
    harness.relay = (options = {}) => {
      const relay = new OutboxRelay({
        db: harness.db,
        schema: harness.schema,
        events: harness.bus,
        logger: createSilentLogger(),
        ...options,
      });
      relays.push(relay);
      return relay;
    };
    harness.commit = (...events) =>
      harness.db.transaction(async (tx) => {
        for (const event of events) await recordEvent(rawExecutor(tx), harness.schema, event);
      });
  });

  afterEach(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await inner.close();
    await dropSchema(harness.db, harness.schema);
  });

  it('when an event is recorded in a transaction that commits, then the relay publishes it once, unchanged', async () => {
    const { bus } = harness;
    const received: DomainEvent[] = [];
    await bus.subscribe('observer', ['#'], async (event) => void received.push(event));
    const event = newEvent('container.manifest.pushed', 'registry', {
      repository: 'group/app',
      digest: 'sha256:' + 'a'.repeat(64),
      tags: ['latest', 'v1'],
      size: 1234,
      labels: { 'org.opencontainers.image.title': 'App – ünïcode' },
      signed: false,
      parent: null,
    });

    await harness.commit(event);
    const relay = harness.relay();

    expect(await relay.relayOnce()).toBe(1);
    expect(await relay.relayOnce()).toBe(0);
    expect(bus.published).toEqual([event]);
    await waitFor('the subscriber', () => received.length === 1);
    expect(received[0]).toEqual(event);
    expect(await outboxRows(harness.db, harness.schema)).toEqual([{ id: event.id, published: true }]);
  });

  it('when an event is recorded in a transaction that rolls back, then it is never published', async () => {
    const event = newEvent('package.published', 'package-registry', { name: 'left-pad' });

    await expect(
      harness.db.transaction(async (tx) => {
        await recordEvent(rawExecutor(tx), harness.schema, event);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const relay = harness.relay();

    expect(await relay.relayOnce()).toBe(0);
    expect(harness.bus.published).toEqual([]);
    expect(await outboxRows(harness.db, harness.schema)).toEqual([]);
  });

  it('when publishing fails, then the events stay unpublished and a later pass publishes them', async () => {
    const { bus } = harness;
    const events = [
      newEvent('container.tag.deleted', 'registry', { tag: 'a' }),
      newEvent('container.tag.deleted', 'registry', { tag: 'b' }),
    ];
    await harness.commit(...events);
    bus.behaviour = 'reject';
    const relay = harness.relay({ pollIntervalMs: 20 });

    relay.start();
    await waitFor('failed passes', () => bus.failures >= 2);
    bus.behaviour = 'accept';
    await waitFor('the events', () => bus.published.length >= events.length);
    await relay.stop();

    expect(bus.published).toEqual(events);
    expect(await outboxRows(harness.db, harness.schema)).toEqual(
      expect.arrayContaining(events.map((event) => ({ id: event.id, published: true }))),
    );
  });

  it('when relayOnce meets a failing broker, then it rejects and leaves the event for the next call', async () => {
    const { bus } = harness;
    const event = newEvent('identity.token.revoked', 'auth-token', { tokenId: 7 });
    await harness.commit(event);
    const relay = harness.relay();

    bus.behaviour = 'reject';
    await expect(relay.relayOnce()).rejects.toThrow('broker unavailable');
    expect(await outboxRows(harness.db, harness.schema)).toEqual([{ id: event.id, published: false }]);

    bus.behaviour = 'accept';
    expect(await relay.relayOnce()).toBe(1);
    expect(bus.published).toEqual([event]);
  });

  it('when the broker fails partway through a batch, then the rest follow later and nothing is published twice', async () => {
    const { bus } = harness;
    const base = Date.parse('2030-01-01T00:00:00.000Z');
    const events = [0, 1, 2].map((i) => ({
      ...newEvent('container.blob.deleted', 'registry', { i }),
      occurredAt: new Date(base + i).toISOString(),
    }));
    await harness.commit(...events);
    let calls = 0;
    bus.onPublish = () => {
      calls++;
      bus.behaviour = calls === 2 ? 'reject' : 'accept';
    };
    const relay = harness.relay();

    await expect(relay.relayOnce()).rejects.toThrow('broker unavailable');
    expect(await outboxRows(harness.db, harness.schema)).toEqual(
      expect.arrayContaining([
        { id: events[0]!.id, published: true },
        { id: events[1]!.id, published: false },
        { id: events[2]!.id, published: false },
      ]),
    );
    // Released rather than left claimed: the next pass retries them without waiting for a lease.
    expect(await claimedIds(harness.db, harness.schema)).toEqual([]);
    expect(await relay.relayOnce()).toBe(2);
    expect(await relay.relayOnce()).toBe(0);

    expect(bus.published.map((event) => event.id)).toEqual(events.map((event) => event.id));
  });

  it('when the broker confirms a while after the claim, then published_at is not earlier than the confirm', async () => {
    const { bus } = harness;
    const event = newEvent('test.confirm-time', 'registry', {});
    await harness.commit(event);
    const gate = deferred();
    const started = deferred();
    bus.gate = gate.promise;
    bus.onPublish = () => started.resolve();

    const relaying = harness.relay().relayOnce();
    await started.promise;
    // Puts the claim clearly before the confirm, so marking with the claim's time would show.
    await sleep(50);
    gate.resolve();
    expect(await relaying).toBe(1);

    const marked = (await publishedAt(harness.db, harness.schema)).get(event.id);
    const confirmed = bus.confirmedAt.get(event.id);
    expect(marked).toBeInstanceOf(Date);
    expect(confirmed).toBeInstanceOf(Date);
    expect(marked!.getTime()).toBeGreaterThanOrEqual(confirmed!.getTime());
  });

  it('when a relay dies after claiming events, then others leave them alone until the claim expires, then publish them in order', async () => {
    const { bus } = harness;
    const base = Date.parse('2030-01-01T00:00:00.000Z');
    const events = [0, 1].map((i) => ({
      ...newEvent('test.crashed-claim', 'registry', { i }),
      occurredAt: new Date(base + i).toISOString(),
    }));
    await harness.commit(...events);
    // The "crashed" relay claims the batch and never gets past its first publish.
    const crashedBus = new ControllableEventBus(bus);
    const stuck = deferred();
    const claimed = deferred();
    crashedBus.gate = stuck.promise;
    crashedBus.onPublish = () => claimed.resolve();
    const crashedPass = harness.relay({ events: crashedBus }).relayOnce();
    const survivor = harness.relay();
    try {
      await claimed.promise;

      expect(await survivor.relayOnce()).toBe(0);
      // The lease runs out (moved back rather than waited for).
      await harness.db.query(
        `UPDATE "${harness.schema}"."outbox_events"
            SET "claimed_until" = CURRENT_TIMESTAMP - INTERVAL '1 second' WHERE "claimed_until" IS NOT NULL`,
      );
      expect(await survivor.relayOnce()).toBe(events.length);
      expect(bus.published).toEqual(events);
    } finally {
      // The stuck relay's broker fails at last; releasing its claim must not undo the survivor's marks.
      crashedBus.behaviour = 'reject';
      stuck.resolve();
    }
    await expect(crashedPass).rejects.toThrow('broker unavailable');
    expect(await outboxRows(harness.db, harness.schema)).toEqual(
      expect.arrayContaining(events.map((event) => ({ id: event.id, published: true }))),
    );
    expect(await survivor.relayOnce()).toBe(0);
    expect(bus.published).toEqual(events);
  });

  it('when half the claim lease has passed during a batch, then the relay starts no further publish and releases the rest', async () => {
    const { bus } = harness;
    const base = Date.parse('2030-01-01T00:00:00.000Z');
    const events = [0, 1, 2].map((i) => ({
      ...newEvent('test.lease-half', 'registry', { i }),
      occurredAt: new Date(base + i).toISOString(),
    }));
    await harness.commit(...events);
    const gate = deferred();
    const started = deferred();
    bus.gate = gate.promise;
    bus.onPublish = () => started.resolve();

    // Long enough for the first publish to start well inside the first half even on a busy machine.
    const relaying = harness.relay({ claimLeaseMs: 2_000 }).relayOnce();
    await started.promise;
    // The claim was made before the first publish started, so more than half the lease is gone.
    await sleep(1_100);
    bus.gate = undefined;
    gate.resolve();

    expect(await relaying).toBe(1);
    expect(bus.published).toEqual([events[0]]);
    expect(await claimedIds(harness.db, harness.schema)).toEqual([]);
    expect(await harness.relay().relayOnce()).toBe(2);
    expect(bus.published).toEqual(events);
  });

  it('when an event has a type the bus refuses, then recordEvent rejects it and the transaction rolls back', async () => {
    const bad = newEvent('container.*.pushed', 'registry', {});

    await expect(harness.commit(bad)).rejects.toBeInstanceOf(InvalidBusArgumentError);
    await expect(harness.commit({ ...bad, type: '' })).rejects.toBeInstanceOf(InvalidBusArgumentError);

    expect(await outboxRows(harness.db, harness.schema)).toEqual([]);
  });

  it('when events were recorded out of order, then they are published in occurred_at order', async () => {
    const base = Date.parse('2030-01-01T00:00:00.000Z');
    const at = (offsetMs: number, name: string) => ({
      ...newEvent(`test.${name}`, 'registry', {}),
      occurredAt: new Date(base + offsetMs).toISOString(),
    });
    await harness.commit(at(2000, 'third'));
    await harness.commit(at(0, 'first'), at(3000, 'fourth'));
    await harness.commit(at(1000, 'second'));

    expect(await harness.relay().relayOnce()).toBe(4);
    expect(harness.bus.published.map((event) => event.type)).toEqual([
      'test.first',
      'test.second',
      'test.third',
      'test.fourth',
    ]);
  });

  it('when events share an occurred_at, then they are published in the order they were recorded', async () => {
    const occurredAt = new Date().toISOString();
    const events = Array.from({ length: 20 }, (_, i) => ({
      ...newEvent(`test.same.${i}`, 'registry', {}),
      occurredAt,
    }));
    await harness.commit(...events.slice(0, 10));
    await harness.commit(...events.slice(10));

    expect(await harness.relay().relayOnce()).toBe(events.length);
    expect(harness.bus.published.map((event) => event.type)).toEqual(events.map((event) => event.type));
  });

  it('when events are recorded together with recordEvents, then they are published unchanged, in the given order', async () => {
    const occurredAt = new Date().toISOString();
    const events = Array.from({ length: 1203 }, (_, i) => ({
      ...newEvent(`test.many.${i}`, 'registry', { index: i }),
      occurredAt,
    }));
    await harness.db.transaction((tx) => recordEvents(rawExecutor(tx), harness.schema, events));

    let relayed = 0;
    const relay = harness.relay();
    for (let round = 0; round < 20 && relayed < events.length; round++) relayed += await relay.relayOnce();
    expect(harness.bus.published).toEqual(events);
    await expect(
      harness.db.transaction((tx) =>
        recordEvents(rawExecutor(tx), harness.schema, [
          newEvent('test.fine', 'registry', {}),
          { ...events[0]!, type: 'a b' },
        ]),
      ),
    ).rejects.toBeInstanceOf(InvalidBusArgumentError);
  });

  it('when there are more events than one batch, then the running relay publishes them all', async () => {
    const events = Array.from({ length: 25 }, (_, i) => newEvent('test.batch', 'registry', { i }));
    await harness.commit(...events);
    const relay = harness.relay({ batchSize: 10, pollIntervalMs: 60_000 });

    relay.start();
    await waitFor('every event', () => harness.bus.published.length === events.length);
    expect(new Set(harness.bus.published.map((event) => event.id)).size).toBe(events.length);
  });

  it('when published events are older than retainPublishedMs, then a pass deletes them and keeps the rest', async () => {
    const old = newEvent('test.prune.old', 'registry', {});
    const recent = newEvent('test.prune.recent', 'registry', {});
    await harness.commit(old);
    expect(await harness.relay().relayOnce()).toBe(1);
    await harness.db.query(
      `UPDATE "${harness.schema}"."outbox_events" SET "published_at" = CURRENT_TIMESTAMP - INTERVAL '1 hour'`,
    );
    await harness.commit(recent);

    // A new relay prunes on its first pass, then at most hourly.
    expect(await harness.relay({ retainPublishedMs: 10 * 60_000 }).relayOnce()).toBe(1);

    expect(await outboxRows(harness.db, harness.schema)).toEqual([{ id: recent.id, published: true }]);
  });

  it('when nudged, then the relay publishes without waiting for the poll interval', async () => {
    const { bus } = harness;
    const first = newEvent('test.nudge.first', 'registry', {});
    const second = newEvent('test.nudge.second', 'registry', {});
    // Not started: it neither listens for notices nor polls until nudged, then polls in a minute.
    const relay = harness.relay({ pollIntervalMs: 60_000, idlePollIntervalMs: 60_000 });
    await harness.commit(first);
    relay.nudge();
    await waitFor('the first nudged pass', () => bus.published.length === 1, 5_000);

    await harness.commit(second);
    await sleep(200);
    expect(bus.published).toEqual([first]);
    relay.nudge();
    await waitFor('the second nudged pass', () => bus.published.length === 2, 5_000);

    expect(bus.published).toEqual([first, second]);
  });

  it('when a transaction that records events commits, then its notice wakes the relay, with no nudge and no poll', async () => {
    const { bus } = harness;
    const first = newEvent('test.notice.first', 'registry', {});
    const second = newEvent('test.notice.second', 'registry', {});
    const relay = harness.relay({ pollIntervalMs: 60_000, idlePollIntervalMs: 60_000 });
    relay.start();
    expect(await relay.listeningForCommits()).toBe(true);
    await sleep(300); // the passes of the start and of the listen found nothing; no poll for a minute

    await harness.commit(first);
    await waitFor('the first notice', () => bus.published.length === 1, 5_000);
    await harness.commit(second);
    await waitFor('the second notice', () => bus.published.length === 2, 5_000);

    expect(bus.published).toEqual([first, second]);
  });

  it('when rows come without a notice, then the relay still finds them at its idle poll', async () => {
    const event = newEvent('test.notice.missed', 'registry', {});
    const relay = harness.relay({ pollIntervalMs: 60_000, idlePollIntervalMs: 100 });
    relay.start();
    expect(await relay.listeningForCommits()).toBe(true);
    await sleep(300);

    await insertWithoutNotice(harness, event);

    await waitFor('the idle poll', () => harness.bus.published.length === 1, 5_000);
  });

  it('when stop() is called during a pass, then it resolves only after the pass has finished', async () => {
    const { bus } = harness;
    const gate = deferred();
    const started = deferred();
    bus.gate = gate.promise;
    bus.onPublish = () => started.resolve();
    const event = newEvent('test.stop', 'registry', {});
    await harness.commit(event);
    const relay = harness.relay({ pollIntervalMs: 10 });

    relay.start();
    await started.promise;
    const stopping = relay.stop();
    await sleep(50);
    expect(await hasSettled(stopping)).toBe(false);
    gate.resolve();
    await stopping;

    expect(bus.published).toEqual([event]);
    expect(await outboxRows(harness.db, harness.schema)).toEqual([{ id: event.id, published: true }]);
    // A stopped relay ignores nudges and no longer polls.
    bus.gate = undefined;
    await harness.commit(newEvent('test.after-stop', 'registry', {}));
    relay.nudge();
    await sleep(100);
    expect(bus.published).toEqual([event]);
  });

  return harness;
}

/** Records `event` with a plain INSERT, which sends no notice (as a writer before notices did). */
async function insertWithoutNotice(harness: OutboxHarness, event: DomainEvent): Promise<void> {
  await harness.db.query(
    `INSERT INTO "${harness.schema}"."outbox_events" ("id", "type", "source", "payload", "occurred_at")
     VALUES ($1::uuid, $2, $3, $4::jsonb, $5::timestamptz)`,
    [event.id, event.type, event.source, JSON.stringify(event.payload ?? null), event.occurredAt],
  );
}
