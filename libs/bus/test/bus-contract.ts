import { newEvent, type DomainEvent, type EventBus, type Job, type JobQueue } from '@stowage/bus';
import { deferred, sleep, waitFor } from '@stowage/testing';

/** What each adapter pair must offer to run the contract (deadLetters is adapter-level for events). */
export interface BusUnderTest {
  events: EventBus & { deadLetters(group: string): Promise<DomainEvent[]> };
  jobs: JobQueue;
  close(): Promise<void>;
}

// Small enough that retry tests finish in well under a second per test.
const FAST_RETRY = { baseBackoffMs: 20, maxAttempts: 3 };

export interface BusContractOptions {
  /**
   * A second replica beside `bus`, over the same broker namespace: another connection for
   * RabbitMQ; for the in-process bus, where every replica lives in one process, the same bus
   * (with a `close` that leaves it open). The contract closes it after the test.
   */
  replicaOf(bus: BusUnderTest): Promise<BusUnderTest>;
}

/**
 * The behaviour every EventBus/JobQueue adapter must share, run once per adapter.
 * `createBus` returns a fresh bus over the same broker namespace on each call.
 */
export function runBusContract(createBus: () => Promise<BusUnderTest>, options: BusContractOptions): void {
  let bus: BusUnderTest;
  let counter = 0;
  // Group and queue names are unique per test: groups are durable and outlive their test.
  const fresh = (kind: string) => `${kind}-${Date.now().toString(36)}-${counter++}`;

  beforeEach(async () => {
    bus = await createBus();
  });

  afterEach(async () => {
    await bus.close();
  });

  describe('events', () => {
    it('when events are published, then a group receives exactly those matching its patterns', async () => {
      const received: string[] = [];
      await bus.events.subscribe(fresh('g'), ['container.*.pushed', 'package.#'], async (event) => {
        received.push(event.type);
      });
      const types = [
        'container.manifest.pushed',
        'container.tag.deleted',
        'container.manifest.blob.pushed',
        'package',
        'package.published',
        'package.npm.version.published',
        'packages.published',
        'identity.token.revoked',
      ];
      for (const type of types) await bus.events.publish(newEvent(type, 'test', {}));
      // One consumer with prefetch 1 sees events in order, so the sentinel arrives last.
      await bus.events.publish(newEvent('package.sentinel', 'test', {}));
      await waitFor('the sentinel', () => received.includes('package.sentinel'));
      expect(received).toEqual([
        'container.manifest.pushed',
        'package',
        'package.published',
        'package.npm.version.published',
        'package.sentinel',
      ]);
    });

    it('when two groups subscribe to the same events, then each group receives every event once', async () => {
      const byGroup: Record<'a' | 'b', string[]> = { a: [], b: [] };
      await bus.events.subscribe(fresh('a'), ['fanout.#'], async (event) => void byGroup.a.push(event.id));
      await bus.events.subscribe(fresh('b'), ['fanout.*'], async (event) => void byGroup.b.push(event.id));
      const events = [1, 2, 3].map((n) => newEvent('fanout.happened', 'test', { n }));
      for (const event of events) await bus.events.publish(event);
      await waitFor('both groups', () => byGroup.a.length >= 3 && byGroup.b.length >= 3);
      await sleep(100);
      const ids = events.map((event) => event.id);
      expect(byGroup.a).toEqual(ids);
      expect(byGroup.b).toEqual(ids);
    });

    it('when two subscribers share a group, then each event reaches exactly one of them', async () => {
      const group = fresh('shared');
      const seen: Record<'first' | 'second', string[]> = { first: [], second: [] };
      const handler = (who: 'first' | 'second') => async (event: DomainEvent) => {
        seen[who].push(event.id);
        await sleep(10);
      };
      await bus.events.subscribe(group, ['work.done'], handler('first'));
      await bus.events.subscribe(group, ['work.done'], handler('second'));
      const events = Array.from({ length: 10 }, (_, n) => newEvent('work.done', 'test', { n }));
      await Promise.all(events.map((event) => bus.events.publish(event)));
      await waitFor('all events', () => seen.first.length + seen.second.length >= 10);
      await sleep(100);
      const all = [...seen.first, ...seen.second];
      expect(all).toHaveLength(10);
      expect(new Set(all)).toEqual(new Set(events.map((event) => event.id)));
      expect(seen.first.length).toBeGreaterThan(0);
      expect(seen.second.length).toBeGreaterThan(0);
    });

    it('when a handler fails and then succeeds, then the event is redelivered until it succeeds', async () => {
      let calls = 0;
      const group = fresh('flaky');
      await bus.events.subscribe(
        group,
        ['flaky.event'],
        async () => {
          calls++;
          if (calls < 3) throw new Error(`failure ${calls}`);
        },
        FAST_RETRY,
      );
      const event = newEvent('flaky.event', 'test', { keep: 'me' });
      await bus.events.publish(event);
      await waitFor('three calls', () => calls >= 3);
      await sleep(150);
      expect(calls).toBe(3);
      expect(await bus.events.deadLetters(group)).toEqual([]);
    });

    it('when a handler always fails, then the event is dead-lettered after maxAttempts', async () => {
      let calls = 0;
      const group = fresh('doomed');
      await bus.events.subscribe(
        group,
        ['doomed.event'],
        async () => {
          calls++;
          throw new Error('always');
        },
        FAST_RETRY,
      );
      const event = newEvent('doomed.event', 'test', { n: 1 });
      await bus.events.publish(event);
      await waitFor('a dead letter', async () => (await bus.events.deadLetters(group)).length > 0);
      expect(await bus.events.deadLetters(group)).toEqual([event]);
      expect(calls).toBe(FAST_RETRY.maxAttempts);
    });

    it('when a group has no live subscriber, then its events wait for the next one', async () => {
      const group = fresh('durable');
      const first = await bus.events.subscribe(group, ['durable.event'], async () => undefined);
      await first.close();
      const event = newEvent('durable.event', 'test', { later: true });
      await bus.events.publish(event);
      const received = deferred<DomainEvent>();
      await bus.events.subscribe(group, ['durable.event'], async (e) => received.resolve(e));
      expect(await received.promise).toEqual(event);
    });

    it('when the bus is closed, then it waits for running handlers and then refuses to publish', async () => {
      const started = deferred();
      let finished = false;
      await bus.events.subscribe(fresh('slow'), ['slow.event'], async () => {
        started.resolve();
        await sleep(200);
        finished = true;
      });
      await bus.events.publish(newEvent('slow.event', 'test', {}));
      await started.promise;
      await bus.events.close();
      expect(finished).toBe(true);
      await expect(bus.events.publish(newEvent('slow.event', 'test', {}))).rejects.toThrow(/closed/);
      await expect(bus.events.checkHealth()).rejects.toThrow(/closed/);
    });
  });

  describe('every-replica events', () => {
    let replica: BusUnderTest;

    beforeEach(async () => {
      replica = await options.replicaOf(bus);
    });

    afterEach(async () => {
      await replica.close();
    });

    it('when two replicas subscribe under the same name, then each receives every matching event', async () => {
      const name = fresh('replicas');
      const seen: Record<'first' | 'second', string[]> = { first: [], second: [] };
      await bus.events.subscribeEveryReplica(name, ['broadcast.*'], async (event) => {
        seen.first.push(event.id);
      });
      await replica.events.subscribeEveryReplica(name, ['broadcast.*'], async (event) => {
        seen.second.push(event.id);
      });
      const events = [1, 2, 3].map((n) => newEvent('broadcast.happened', 'test', { n }));
      for (const event of events) await bus.events.publish(event);
      await replica.events.publish(newEvent('broadcast.deeper.ignored', 'test', {}));
      const sentinel = newEvent('broadcast.sentinel', 'test', {});
      await replica.events.publish(sentinel);
      await waitFor('the sentinel on both', () =>
        [seen.first, seen.second].every((ids) => ids.includes(sentinel.id)),
      );
      const expected = [...events.map((event) => event.id), sentinel.id];
      expect(seen.first).toEqual(expected);
      expect(seen.second).toEqual(expected);
    });

    it('when a group and an every-replica subscription match the same event, then both get it', async () => {
      const received: string[] = [];
      await bus.events.subscribe(fresh('grouped'), ['mixed.event'], async () => void received.push('group'));
      await bus.events.subscribeEveryReplica(fresh('each'), ['mixed.event'], async () => {
        received.push('replica');
      });
      await bus.events.publish(newEvent('mixed.event', 'test', {}));
      await waitFor('both deliveries', () => received.length >= 2);
      await sleep(100);
      expect(received.sort()).toEqual(['group', 'replica']);
    });

    it('when a handler throws, then that event is dropped, not retried, and later events still arrive', async () => {
      const calls: number[] = [];
      await bus.events.subscribeEveryReplica(fresh('throws'), ['fragile.event'], async (event) => {
        const { n } = event.payload as { n: number };
        calls.push(n);
        if (n === 1) throw new Error('cannot handle this one');
      });
      await bus.events.publish(newEvent('fragile.event', 'test', { n: 1 }));
      await bus.events.publish(newEvent('fragile.event', 'test', { n: 2 }));
      await waitFor('the second event', () => calls.includes(2));
      await sleep(150);
      expect(calls).toEqual([1, 2]);
    });

    it('when handlers are slow, then one subscription handles its events one at a time, in order', async () => {
      let running = 0;
      let maxRunning = 0;
      const order: number[] = [];
      await bus.events.subscribeEveryReplica(fresh('serial'), ['serial.event'], async (event) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(20);
        order.push((event.payload as { n: number }).n);
        running--;
      });
      for (let n = 0; n < 5; n++) await bus.events.publish(newEvent('serial.event', 'test', { n }));
      await waitFor('all events', () => order.length >= 5);
      expect(order).toEqual([0, 1, 2, 3, 4]);
      expect(maxRunning).toBe(1);
    });

    it('when a subscription is closed, then close waits for the running handler and no more events arrive', async () => {
      const started = deferred();
      let finished = false;
      let calls = 0;
      const subscription = await bus.events.subscribeEveryReplica(
        fresh('closing'),
        ['closing.event'],
        async () => {
          calls++;
          started.resolve();
          await sleep(200);
          finished = true;
        },
      );
      await bus.events.publish(newEvent('closing.event', 'test', { n: 1 }));
      await started.promise;
      await subscription.close();
      expect(finished).toBe(true);
      await bus.events.publish(newEvent('closing.event', 'test', { n: 2 }));
      await sleep(100);
      expect(calls).toBe(1);
      await expect(subscription.close()).resolves.toBeUndefined();
    });

    it('when the bus is closed, then its every-replica subscriptions stop and new ones are refused', async () => {
      const started = deferred();
      let finished = false;
      await bus.events.subscribeEveryReplica(fresh('bus-closing'), ['bus.closing'], async () => {
        started.resolve();
        await sleep(200);
        finished = true;
      });
      await bus.events.publish(newEvent('bus.closing', 'test', {}));
      await started.promise;
      await bus.events.close();
      expect(finished).toBe(true);
      await expect(
        bus.events.subscribeEveryReplica(fresh('late'), ['bus.closing'], async () => undefined),
      ).rejects.toThrow(/closed/);
    });

    it('when the name or the patterns are invalid, then subscribeEveryReplica rejects', async () => {
      await expect(
        bus.events.subscribeEveryReplica('bad name!', ['a.b'], async () => undefined),
      ).rejects.toThrow(/invalid subscription name/);
      await expect(
        bus.events.subscribeEveryReplica(fresh('none'), [], async () => undefined),
      ).rejects.toThrow(/at least one pattern/);
    });
  });

  describe('jobs', () => {
    it('when the bus is open, then checkHealth resolves', async () => {
      await expect(bus.jobs.checkHealth()).resolves.toBeUndefined();
      await expect(bus.events.checkHealth()).resolves.toBeUndefined();
    });

    it('when a job is enqueued with an id, then the consumer sees that id, the payload and attempt 1', async () => {
      const queue = fresh('q');
      const received = deferred<Job>();
      await bus.jobs.consume(queue, async (job) => received.resolve(job));
      const id = await bus.jobs.enqueue(queue, { repository: 'group/app', keep: 5 }, { id: 'job-1' });
      expect(id).toBe('job-1');
      expect(await received.promise).toEqual({
        id: 'job-1',
        queue,
        payload: { repository: 'group/app', keep: 5 },
        attempt: 1,
      });
    });

    it('when two consumers compete on a queue, then each job is handled exactly once', async () => {
      const queue = fresh('compete');
      const seen: Record<'first' | 'second', string[]> = { first: [], second: [] };
      const handler = (who: 'first' | 'second') => async (job: Job) => {
        seen[who].push(job.id);
        await sleep(10);
      };
      await bus.jobs.consume(queue, handler('first'));
      await bus.jobs.consume(queue, handler('second'));
      const ids = await Promise.all(Array.from({ length: 10 }, (_, n) => bus.jobs.enqueue(queue, { n })));
      await waitFor('all jobs', () => seen.first.length + seen.second.length >= 10);
      await sleep(100);
      const all = [...seen.first, ...seen.second];
      expect(all).toHaveLength(10);
      expect(new Set(all)).toEqual(new Set(ids));
      expect(seen.first.length).toBeGreaterThan(0);
      expect(seen.second.length).toBeGreaterThan(0);
    });

    it('when a job fails twice, then it is retried with increasing attempts and then succeeds', async () => {
      const queue = fresh('retry');
      const attempts: number[] = [];
      await bus.jobs.consume(
        queue,
        async (job) => {
          attempts.push(job.attempt);
          if (job.attempt < 3) throw new Error(`attempt ${job.attempt} fails`);
        },
        { ...FAST_RETRY, maxAttempts: 5 },
      );
      await bus.jobs.enqueue(queue, { n: 1 });
      await waitFor('the third attempt', () => attempts.length >= 3);
      await sleep(150);
      expect(attempts).toEqual([1, 2, 3]);
      expect(await bus.jobs.deadLetters(queue)).toEqual([]);
    });

    it('when a job keeps failing, then after maxAttempts it is in the dead-letter queue', async () => {
      const queue = fresh('dead');
      const attempts: number[] = [];
      await bus.jobs.consume(
        queue,
        async (job) => {
          attempts.push(job.attempt);
          throw new Error('broken');
        },
        FAST_RETRY,
      );
      const id = await bus.jobs.enqueue(queue, { doomed: true });
      await waitFor('a dead letter', async () => (await bus.jobs.deadLetters(queue)).length > 0);
      expect(await bus.jobs.deadLetters(queue)).toEqual([
        { id, queue, payload: { doomed: true }, attempt: 3 },
      ]);
      expect(attempts).toEqual([1, 2, 3]);
      // Reading dead letters leaves them in place.
      expect(await bus.jobs.deadLetters(queue)).toHaveLength(1);
    });

    it('when a job is delayed, then it is not delivered before the delay has passed', async () => {
      const queue = fresh('delay');
      const delivered = deferred<number>();
      await bus.jobs.consume(queue, async () => delivered.resolve(performance.now()));
      const start = performance.now();
      await bus.jobs.enqueue(queue, { later: true }, { delayMs: 400 });
      const early = await Promise.race([
        delivered.promise.then(() => 'delivered'),
        sleep(200).then(() => 'waiting'),
      ]);
      expect(early).toBe('waiting');
      const deliveredAt = await delivered.promise;
      // Timers may fire a millisecond early by the monotonic clock's rounding.
      expect(deliveredAt - start).toBeGreaterThanOrEqual(395);
    });

    it('when a consumer sets prefetch 2, then it never runs more than 2 jobs at once', async () => {
      const queue = fresh('prefetch');
      let running = 0;
      let maxRunning = 0;
      let done = 0;
      await bus.jobs.consume(
        queue,
        async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await sleep(50);
          running--;
          done++;
        },
        { prefetch: 2 },
      );
      await Promise.all(Array.from({ length: 6 }, (_, n) => bus.jobs.enqueue(queue, { n })));
      await waitFor('all jobs', () => done >= 6);
      expect(maxRunning).toBe(2);
    });

    it('when a subscription is closed, then close waits for the running handler and no more jobs arrive', async () => {
      const queue = fresh('closing');
      const started = deferred();
      let finished = false;
      let calls = 0;
      const subscription = await bus.jobs.consume(queue, async () => {
        calls++;
        started.resolve();
        await sleep(200);
        finished = true;
      });
      await bus.jobs.enqueue(queue, { n: 1 });
      await started.promise;
      await subscription.close();
      expect(finished).toBe(true);
      await bus.jobs.enqueue(queue, { n: 2 });
      await sleep(100);
      expect(calls).toBe(1);
    });

    it('when a payload is not JSON-serialisable, then enqueue rejects', async () => {
      await expect(bus.jobs.enqueue(fresh('bad'), undefined)).rejects.toThrow(/JSON/);
    });

    it('when a queue name is invalid, then enqueue and consume reject', async () => {
      await expect(bus.jobs.enqueue('bad name!', {})).rejects.toThrow(/invalid queue name/);
      await expect(bus.jobs.consume('', async () => undefined)).rejects.toThrow(/invalid queue name/);
    });
  });
}
