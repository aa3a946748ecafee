import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, newEvent, type Bus, type DomainEvent } from '@stowage/bus';
import { openDatabase, type Database } from '@stowage/db';
import { createSilentLogger } from '@stowage/logging';
import { OutboxRelay, recordEvent } from '@stowage/outbox';
import {
  AMQP_URL,
  deferred,
  deleteEverythingWithPrefix,
  describeWithComponents,
  POSTGRES_URL,
  uniqueName,
  waitFor,
} from '@stowage/testing';
import { ControllableEventBus } from './support/controllable-event-bus';
import { describeOutboxContract } from './support/outbox-contract';
import { createOutboxSchema, dropSchema, outboxRows, rawExecutor } from './support/outbox-schema';
import { seedPgliteDataDir } from '../../db/test/support/pglite-template';

// A fresh PGlite runs initdb in WebAssembly: seconds when idle, much longer on two busy cores.
const PGLITE_STARTUP_TIMEOUT_MS = 60_000;

describe('outbox on PGlite', () => {
  let dir: string;
  let db: Database;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stowage-outbox-'));
    await seedPgliteDataDir(dir);
    db = await openDatabase({ dataDir: dir });
  }, PGLITE_STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describeOutboxContract(() => db);
});

describeWithComponents(['postgres'], 'outbox on PostgreSQL', () => {
  let db: Database;

  beforeAll(async () => {
    db = await openDatabase({ url: POSTGRES_URL });
  });

  afterAll(async () => {
    await db?.close();
  });

  const harness = describeOutboxContract(() => db);

  it('when two relays run at once on one table, then each event is published exactly once', async () => {
    const events = Array.from({ length: 60 }, (_, i) => newEvent('test.concurrent', 'registry', { i }));
    await harness.commit(...events);
    // A second pool stands in for a second replica of the service.
    const peerDb = await openDatabase({ url: POSTGRES_URL });
    const peerBus = new ControllableEventBus(harness.bus);
    harness.bus.latencyMs = 2;
    const relays = [
      harness.relay({ batchSize: 5, pollIntervalMs: 10 }),
      harness.relay({ db: peerDb, events: peerBus, batchSize: 5, pollIntervalMs: 10 }),
    ];
    try {
      for (const relay of relays) relay.start();
      await waitFor('every event', () => harness.bus.published.length >= events.length);
      for (const relay of relays) await relay.stop();
    } finally {
      for (const relay of relays) await relay.stop();
      await peerDb.close();
    }

    const deliveries = harness.bus.deliveriesById();
    expect(harness.bus.published).toHaveLength(events.length);
    expect([...deliveries.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(deliveries.keys())).toEqual(new Set(events.map((event) => event.id)));
    // Both replicas took part: the second one's events went through peerBus.
    expect(peerBus.published.length).toBeGreaterThan(0);
    expect(peerBus.published.length).toBeLessThan(events.length);
    expect((await outboxRows(db, harness.schema)).every((row) => row.published)).toBe(true);
  });

  it('when a publish is waiting for the broker, then the relay holds no transaction and no row lock', async () => {
    const { bus } = harness;
    const event = newEvent('test.no-open-transaction', 'registry', {});
    await harness.commit(event);
    // The relay gets a pool of its own, named so that its sessions can be told apart.
    const applicationName = uniqueName('relay');
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('application_name', applicationName);
    const relayDb = await openDatabase({ url: url.toString() });
    const gate = deferred();
    const started = deferred();
    bus.gate = gate.promise;
    bus.onPublish = () => started.resolve();

    const relaying = harness.relay({ db: relayDb }).relayOnce();
    try {
      await started.promise;
      const { rows: sessions } = await db.query<{ state: string }>(
        `SELECT "state" FROM pg_stat_activity WHERE "application_name" = $1`,
        [applicationName],
      );
      expect(sessions.length).toBeGreaterThan(0);
      expect(sessions.filter((session) => session.state.startsWith('idle in transaction'))).toEqual([]);

      // Another session can lock the row the relay is publishing (NOWAIT fails at once otherwise).
      const { rows: locked } = await db.transaction((tx) =>
        tx.query(`SELECT "id" FROM "${harness.schema}"."outbox_events" WHERE "id" = $1 FOR UPDATE NOWAIT`, [
          event.id,
        ]),
      );
      expect(locked).toHaveLength(1);
    } finally {
      gate.resolve();
      await relaying.catch(() => undefined);
      await relayDb.close();
    }
    expect(bus.published).toEqual([event]);
  });
});

describeWithComponents(['postgres', 'rabbitmq'], 'outbox relaying to RabbitMQ', () => {
  const prefix = uniqueName('t');
  const group = 'outbox-e2e';
  let db: Database;
  let bus: Bus;
  let schema: string;

  beforeAll(async () => {
    db = await openDatabase({ url: POSTGRES_URL });
    schema = await createOutboxSchema(db);
    bus = createBus({ amqpUrl: AMQP_URL, prefix, connectionName: uniqueName(prefix) });
  });

  afterAll(async () => {
    await bus?.close();
    await deleteEverythingWithPrefix(AMQP_URL, prefix);
    if (db) {
      await dropSchema(db, schema);
      await db.close();
    }
  });

  it('when an event is committed, then the relay publishes it to RabbitMQ and a subscriber group receives it', async () => {
    const received: DomainEvent[] = [];
    const subscription = await bus.events.subscribe(group, ['container.#'], async (event) => {
      received.push(event);
    });
    const relay = new OutboxRelay({ db, schema, events: bus.events, logger: createSilentLogger() });
    const event = newEvent('container.manifest.pushed', 'registry', { repository: 'group/app', tag: 'v1' });
    try {
      relay.start();
      await db.transaction((tx) => recordEvent(rawExecutor(tx), schema, event));
      relay.nudge();
      await waitFor('the delivery', () => received.length === 1);
    } finally {
      await relay.stop();
      await subscription.close();
    }

    expect(received).toEqual([event]);
    expect(await outboxRows(db, schema)).toEqual([{ id: event.id, published: true }]);
  });
});
