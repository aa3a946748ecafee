import { silentBusLogger, type BusLogger } from '../bus-logger';
import { BusClosedError } from '../errors';
import type { ConsumeOptions, DomainEvent, EventBus, EventHandler, Subscription } from '../ports';
import { topicMatches } from '../topic-pattern';
import {
  assertValidEvent,
  assertValidName,
  assertValidPatterns,
  resolveConsumeOptions,
  toJson,
} from '../validation';
import { EveryReplicaListener } from './every-replica-listener';
import type { InProcessBusOptions } from './in-process-bus-options';
import { MemoryQueue } from './memory-queue';
import { OpenSubscriptions } from '../open-subscriptions';

interface Group {
  patterns: Set<string>;
  queue: MemoryQueue<DomainEvent>;
}

/**
 * Event bus for standalone mode (every service in one Node process). It behaves like the
 * RabbitMQ adapter: each group is a queue that outlives its subscriptions and keeps the union of
 * the patterns it was bound with, replicas in a group compete, failures are retried with backoff
 * and then dead-lettered. Unlike RabbitMQ it keeps everything in memory: events that are queued,
 * waiting for a retry or dead-lettered are lost when the process stops or crashes (the outbox
 * still holds what was not yet published). Every-replica subscriptions each get their own copy
 * of every matching event (see EveryReplicaListener).
 */
export class InProcessEventBus implements EventBus {
  private readonly logger: BusLogger;
  private readonly groups = new Map<string, Group>();
  private readonly everyReplica = new Set<EveryReplicaListener>();
  private readonly subscriptions = new OpenSubscriptions();
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.logger = options.logger ?? silentBusLogger;
  }

  async publish(event: DomainEvent): Promise<void> {
    this.assertOpen();
    assertValidEvent(event);
    const json = toJson(event);
    for (const group of this.groups.values()) {
      if ([...group.patterns].some((pattern) => topicMatches(pattern, event.type))) {
        group.queue.push({ id: event.id, body: JSON.parse(json) as DomainEvent, attempt: 1 });
      }
    }
    for (const listener of this.everyReplica) {
      if (listener.matches(event.type)) listener.deliver(JSON.parse(json) as DomainEvent);
    }
  }

  async subscribe(
    group: string,
    patterns: string[],
    handler: EventHandler,
    options?: ConsumeOptions,
  ): Promise<Subscription> {
    this.assertOpen();
    assertValidName('group', group);
    assertValidPatterns(patterns);
    const policy = resolveConsumeOptions(options);
    const state = this.groupNamed(group);
    for (const pattern of patterns) state.patterns.add(pattern);
    const consumer = state.queue.addConsumer((message) => handler(message.body), policy);
    return this.subscriptions.add(consumer);
  }

  async subscribeEveryReplica(
    name: string,
    patterns: string[],
    handler: EventHandler,
  ): Promise<Subscription> {
    this.assertOpen();
    assertValidName('subscription', name);
    assertValidPatterns(patterns);
    const listener = new EveryReplicaListener(name, [...patterns], handler, this.logger);
    this.everyReplica.add(listener);
    return this.subscriptions.add(listener, () => this.everyReplica.delete(listener));
  }

  /** Events of `group` that exhausted their attempts, oldest first. */
  async deadLetters(group: string): Promise<DomainEvent[]> {
    return (this.groups.get(group)?.queue.deadLetters() ?? []).map((message) => message.body);
  }

  async checkHealth(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions.closeAll();
    for (const group of this.groups.values()) group.queue.dispose();
  }

  private groupNamed(name: string): Group {
    let group = this.groups.get(name);
    if (!group) {
      group = { patterns: new Set(), queue: new MemoryQueue(`events.${name}`, this.logger) };
      this.groups.set(name, group);
    }
    return group;
  }

  private assertOpen(): void {
    if (this.closed) throw new BusClosedError('event bus');
  }
}
