import {
  BusUnavailableError,
  createBus,
  newEvent,
  RabbitMqEventBus,
  RabbitMqJobQueue,
  type DomainEvent,
  type Job,
} from '@stowage/bus';
import {
  AMQP_URL,
  closeConnectionFromServer,
  deleteEverythingWithPrefix,
  describeWithComponents,
  queuesBoundTo,
  queuesWithPrefix,
  sleep,
  uniqueName,
  waitFor,
} from '@stowage/testing';
import { connect } from 'amqplib';
import { runBusContract, type BusUnderTest } from './bus-contract';
import { TcpProxy } from './tcp-proxy';

describeWithComponents(['rabbitmq'], 'RabbitMQ bus', () => {
  const prefix = uniqueName('t');

  afterAll(async () => {
    await deleteEverythingWithPrefix(AMQP_URL, prefix);
    expect(await queuesWithPrefix(prefix)).toEqual([]);
  });

  function rabbitBus(options: { url?: string; connectionName?: string; operationTimeoutMs?: number } = {}) {
    const bus = createBus({
      amqpUrl: options.url ?? AMQP_URL,
      prefix,
      connectionName: options.connectionName ?? uniqueName(prefix),
      operationTimeoutMs: options.operationTimeoutMs,
    });
    return {
      events: bus.events as RabbitMqEventBus,
      jobs: bus.jobs as RabbitMqJobQueue,
      close: bus.close,
    } satisfies BusUnderTest;
  }

  // createBus connects in the background; tests start once the connection is up.
  async function connected<T extends BusUnderTest>(bus: T): Promise<T> {
    await waitFor('the connection', () =>
      bus.jobs.checkHealth().then(
        () => true,
        () => false,
      ),
    );
    return bus;
  }

  describe('contract', () => {
    runBusContract(() => connected(rabbitBus()), { replicaOf: () => connected(rabbitBus()) });
  });

  it('when createBus gets an amqpUrl, then it returns the RabbitMQ adapters', async () => {
    const bus = rabbitBus();
    expect(bus.events).toBeInstanceOf(RabbitMqEventBus);
    expect(bus.jobs).toBeInstanceOf(RabbitMqJobQueue);
    await bus.close();
  });

  it('when the broker closes the connection, then the bus reconnects and publishing and consuming resume', async () => {
    const connectionName = uniqueName(`${prefix}-conn`);
    const bus = rabbitBus({ connectionName });
    try {
      const events: DomainEvent[] = [];
      const jobs: Job[] = [];
      await bus.events.subscribe('reconnect', ['reconnect.#'], async (event) => void events.push(event));
      await bus.jobs.consume('reconnect', async (job) => void jobs.push(job));
      await bus.events.publish(newEvent('reconnect.before', 'test', {}));
      await bus.jobs.enqueue('reconnect', { when: 'before' });
      await waitFor('deliveries before the cut', () => events.length === 1 && jobs.length === 1);

      await closeConnectionFromServer(connectionName);

      // Publishing waits for the new connection; the consumers re-attach on their own.
      await bus.events.publish(newEvent('reconnect.after', 'test', {}));
      await bus.jobs.enqueue('reconnect', { when: 'after' });
      await waitFor('deliveries after the reconnect', () => events.length === 2 && jobs.length === 2);
      expect(events.map((event) => event.type)).toEqual(['reconnect.before', 'reconnect.after']);
      expect(jobs.map((job) => job.payload)).toEqual([{ when: 'before' }, { when: 'after' }]);
      await expect(bus.jobs.checkHealth()).resolves.toBeUndefined();
    } finally {
      await bus.close();
    }
  });

  describe('every-replica subscriptions', () => {
    const matching = (events: DomainEvent[], id: string) => events.some((event) => event.id === id);

    it('when a replica loses its connection, then it re-subscribes and receives events again', async () => {
      const connectionName = uniqueName(`${prefix}-replica`);
      const publisher = await connected(rabbitBus());
      const cutOff = await connected(rabbitBus({ connectionName }));
      try {
        const seen: Record<'publisher' | 'cutOff', DomainEvent[]> = { publisher: [], cutOff: [] };
        await publisher.events.subscribeEveryReplica('survivor', ['replica.#'], async (event) => {
          seen.publisher.push(event);
        });
        await cutOff.events.subscribeEveryReplica('survivor', ['replica.#'], async (event) => {
          seen.cutOff.push(event);
        });
        const before = newEvent('replica.before', 'test', {});
        await publisher.events.publish(before);
        await waitFor(
          'both before the cut',
          () => matching(seen.publisher, before.id) && matching(seen.cutOff, before.id),
        );

        await closeConnectionFromServer(connectionName);

        // Events routed while the replica had no queue are lost to it (documented); probe until
        // its new queue is bound, then every later event reaches it.
        await waitFor('the replica to re-subscribe', async () => {
          const probe = newEvent('replica.probe', 'test', {});
          await publisher.events.publish(probe);
          await sleep(50);
          return matching(seen.cutOff, probe.id);
        });
        const after = newEvent('replica.after', 'test', {});
        await publisher.events.publish(after);
        await waitFor(
          'both after the reconnect',
          () => matching(seen.publisher, after.id) && matching(seen.cutOff, after.id),
        );
        // The dead connection's exclusive queue is gone: one queue per live subscription.
        const serverNamed = (await queuesBoundTo(`${prefix}.events`)).filter((q) => q.startsWith('amq.gen-'));
        expect(serverNamed).toHaveLength(2);
      } finally {
        await Promise.all([publisher.close(), cutOff.close()]);
      }
    });

    it('when subscriptions and buses close, then their server-named queues are deleted', async () => {
      const exchange = `${prefix}.events`;
      const boundBefore = await queuesBoundTo(exchange);
      const first = await connected(rabbitBus());
      const second = await connected(rabbitBus());
      try {
        const subscription = await first.events.subscribeEveryReplica(
          'gone',
          ['gone.#'],
          async () => undefined,
        );
        await second.events.subscribeEveryReplica('gone', ['gone.#'], async () => undefined);
        const bound = (await queuesBoundTo(exchange)).filter((queue) => !boundBefore.includes(queue));
        expect(bound).toHaveLength(2);
        expect(bound.every((queue) => queue.startsWith('amq.gen-'))).toBe(true);

        await subscription.close();
        await waitFor(
          'the first queue to go',
          async () => (await queuesBoundTo(exchange)).filter((queue) => bound.includes(queue)).length === 1,
        );
        await second.close();
        await waitFor('the second queue to go', async () =>
          (await queuesBoundTo(exchange)).every((queue) => !bound.includes(queue)),
        );
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });
  });

  describe('through a proxy that can cut the network', () => {
    let proxy: TcpProxy;
    let proxiedUrl: string;

    beforeEach(async () => {
      const broker = new URL(AMQP_URL);
      proxy = await TcpProxy.start({ host: broker.hostname, port: Number(broker.port || 5672) });
      broker.port = String(proxy.port);
      proxiedUrl = broker.toString();
    });

    afterEach(async () => {
      await proxy.stop();
    });

    it('when the broker is unreachable for a while, then publishes wait for it and are delivered', async () => {
      const bus = rabbitBus({ url: proxiedUrl });
      try {
        const received: Job[] = [];
        await bus.jobs.consume('outage', async (job) => void received.push(job));
        proxy.cut();
        await waitFor('the bus to notice', async () =>
          bus.jobs.checkHealth().then(
            () => false,
            () => true,
          ),
        );

        let settled = false;
        const enqueued = bus.jobs.enqueue('outage', { during: 'outage' }).finally(() => (settled = true));
        await sleep(300);
        expect(settled).toBe(false);

        proxy.restore();
        await enqueued;
        await waitFor('the job', () => received.length === 1);
        expect(received[0]!.payload).toEqual({ during: 'outage' });
      } finally {
        proxy.restore();
        await bus.close();
      }
    });

    it('when an outage outlasts the operation timeout, then publish rejects with BusUnavailableError', async () => {
      const bus = await connected(rabbitBus({ url: proxiedUrl, operationTimeoutMs: 300 }));
      try {
        proxy.cut();
        await expect(bus.events.publish(newEvent('outage.event', 'test', {}))).rejects.toBeInstanceOf(
          BusUnavailableError,
        );
        await expect(bus.events.checkHealth()).rejects.toBeInstanceOf(BusUnavailableError);
      } finally {
        proxy.restore();
        await bus.close();
      }
    });
  });

  it('when a job queue is deleted behind the bus, then enqueue declares it again and keeps the job', async () => {
    const bus = await connected(rabbitBus());
    try {
      await bus.jobs.enqueue('deleted', { n: 1 });
      const admin = await connect(AMQP_URL);
      try {
        const channel = await admin.createChannel();
        await channel.deleteQueue(`${prefix}.jobs.deleted`);
        await channel.close();
      } finally {
        await admin.close();
      }
      await bus.jobs.enqueue('deleted', { n: 2 });
      const received: Job[] = [];
      await bus.jobs.consume('deleted', async (job) => void received.push(job));
      await waitFor('the job', () => received.length === 1);
      expect(received[0]!.payload).toEqual({ n: 2 });
    } finally {
      await bus.close();
    }
  });

  it('when a job body is not JSON, then it is dead-lettered without calling the handler', async () => {
    const bus = await connected(rabbitBus());
    try {
      let calls = 0;
      await bus.jobs.consume('garbled', async () => void calls++);
      const admin = await connect(AMQP_URL);
      try {
        const channel = await admin.createConfirmChannel();
        channel.sendToQueue(`${prefix}.jobs.garbled`, Buffer.from('{not json'), { messageId: 'garbled-1' });
        await channel.waitForConfirms();
        await channel.close();
      } finally {
        await admin.close();
      }
      await waitFor('the dead letter', async () => (await bus.jobs.deadLetters('garbled')).length === 1);
      expect(await bus.jobs.deadLetters('garbled')).toEqual([
        { id: 'garbled-1', queue: 'garbled', payload: '{not json', attempt: 1 },
      ]);
      expect(calls).toBe(0);
    } finally {
      await bus.close();
    }
  });

  it('when a job is dead-lettered, then it sits in <prefix>.jobs.<queue>.dead', async () => {
    const bus = rabbitBus();
    try {
      await bus.jobs.consume('named', async () => Promise.reject(new Error('no')), { maxAttempts: 1 });
      await bus.jobs.enqueue('named', {});
      await waitFor('the dead letter', async () => (await bus.jobs.deadLetters('named')).length === 1);
      expect(await queuesWithPrefix(prefix)).toEqual(
        expect.arrayContaining([`${prefix}.jobs.named`, `${prefix}.jobs.named.dead`]),
      );
    } finally {
      await bus.close();
    }
  });
});
