import {
  connect,
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type Message,
  type Options,
} from 'amqplib';
import { describeError, silentBusLogger, type BusLogger } from '../bus-logger';
import { BusClosedError, BusUnavailableError } from '../errors';
import { withDeadline, withHeartbeat } from './connection-utils';
import { publishConfirmed, PUBLISH_TAG_HEADER } from './publish-confirmed';

export interface RabbitConnectionOptions {
  /** `amqp://user:pass@host:port/vhost`. */
  url: string;
  logger?: BusLogger;
  /** Shown in the broker's connection list; helps operators (and tests) find this client. */
  connectionName?: string;
  /** How long publishes, declarations and subscribes wait through an outage before rejecting. Default 30 s. */
  operationTimeoutMs?: number;
  /** First and longest pause between reconnect attempts. Default 100 ms and 5 s. */
  reconnectDelayMs?: { initial: number; max: number };
  /** AMQP heartbeat, which is how a silently dead TCP connection is noticed. Default 15 s. */
  heartbeatSeconds?: number;
}

/** Something that must be set up again on every new connection (a consumer, for instance). */
export interface ConnectionListener {
  onConnect(model: ChannelModel): Promise<void>;
}

export interface PublishRequest {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
  /**
   * Declares what the message is routed to; runs once per connection (and again if the
   * broker returns the message as unroutable, e.g. because the queue was deleted), or before
   * every publish when `everyTime` is set (for queues that expire when unused).
   */
  topology?: { key: string; declare: (channel: Channel) => Promise<void>; everyTime?: boolean };
}

type State = 'idle' | 'connecting' | 'connected' | 'closed';

/**
 * Owns the one AMQP connection of a process and keeps it alive: it reconnects with capped
 * exponential backoff after a broker restart or a lost socket, tells listeners (consumers) so
 * they re-declare their queues and consume again, and publishes through a ConfirmChannel so a
 * publish resolves only once the broker has taken responsibility for the message. Operations
 * attempted during an outage wait for the next connection until their deadline, then reject
 * with BusUnavailableError.
 */
export class RabbitConnection {
  private readonly logger: BusLogger;
  private readonly operationTimeoutMs: number;
  private readonly listeners = new Set<ConnectionListener>();
  private readonly waiters = new Set<{
    resolve: (model: ChannelModel) => void;
    reject: (e: Error) => void;
  }>();
  private state: State = 'idle';
  private model: ChannelModel | null = null;
  private generation = 0;
  private confirmChannel: Promise<ConfirmChannel> | null = null;
  private declared = new Map<string, Promise<void>>();
  /** Tags of mandatory messages the broker returned as unroutable, until their confirm arrives. */
  private readonly returnedTags = new Set<string>();
  private lastError: unknown;
  private retryTimer: NodeJS.Timeout | null = null;
  private wakeRetry: (() => void) | null = null;
  private connecting: Promise<void> | null = null;

  constructor(private readonly options: RabbitConnectionOptions) {
    this.logger = options.logger ?? silentBusLogger;
    this.operationTimeoutMs = options.operationTimeoutMs ?? 30_000;
  }

  /** Starts connecting in the background (idempotent); operations wait for the connection. */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'connecting';
    this.connecting = this.connectLoop();
  }

  /** The live connection, or null during an outage. */
  get current(): ChannelModel | null {
    return this.state === 'connected' ? this.model : null;
  }

  /** Resolves with the live connection, waiting through an outage until `deadline` (epoch ms). */
  waitForConnection(deadline = this.deadline()): Promise<ChannelModel> {
    this.start();
    if (this.state === 'closed') return Promise.reject(new BusClosedError('connection'));
    if (this.model && this.state === 'connected') return Promise.resolve(this.model);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (model: ChannelModel) => {
          clearTimeout(timer);
          resolve(model);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(
        () => {
          this.waiters.delete(waiter);
          reject(this.unavailable());
        },
        Math.max(0, deadline - Date.now()),
      );
      this.waiters.add(waiter);
    });
  }

  /**
   * Registers a listener, runs it on the current connection (waiting for one until the operation
   * timeout) and again after every reconnect. Returns a function that unregisters it.
   */
  async addListener(listener: ConnectionListener): Promise<() => void> {
    const remove = () => {
      this.listeners.delete(listener);
    };
    this.listeners.add(listener);
    try {
      await this.withConnection((model) => listener.onConnect(model));
    } catch (error) {
      remove();
      throw error;
    }
    return remove;
  }

  /**
   * Runs `operation` on the live connection; if the connection drops underneath it, waits for
   * the next one and runs it again, until the operation timeout. Operations must therefore be
   * safe to repeat (declarations are; publishes may then be delivered twice, which consumers
   * tolerate because every consumer is idempotent).
   */
  async withConnection<T>(
    operation: (model: ChannelModel) => Promise<T>,
    options: { once?: boolean } = {},
  ): Promise<T> {
    const deadline = this.deadline();
    for (;;) {
      const model = options.once ? this.current : await this.waitForConnection(deadline);
      if (!model) throw this.unavailable();
      const generation = this.generation;
      try {
        return await withDeadline(operation(model), deadline, () => this.unavailable());
      } catch (error) {
        if (options.once || !(await this.lostConnectionSince(generation)) || Date.now() >= deadline)
          throw error;
        this.logger.warn('bus: connection lost during an operation, retrying', {
          error: describeError(error),
        });
      }
    }
  }

  /**
   * Publishes and resolves once the broker confirms; see withConnection for retry semantics.
   * With `once`, fails at once instead of waiting for or retrying on another connection (a
   * consumer re-queueing a delivery wants that: after a reconnect the broker redelivers anyway).
   */
  async publish(request: PublishRequest, options: { once?: boolean } = {}): Promise<void> {
    await this.withConnection(async () => {
      const channel = await this.getConfirmChannel();
      const topology = request.topology;
      if (topology?.everyTime) await topology.declare(channel);
      else if (topology) await this.declareOnce(channel, topology.key, topology.declare);
      const returned = await publishConfirmed(channel, request, this.returnedTags);
      if (returned && topology) {
        // Someone deleted the queue since we declared it: declare again and publish once more.
        this.declared.delete(topology.key);
        await this.declareOnce(channel, topology.key, topology.declare);
        if (await publishConfirmed(channel, request, this.returnedTags)) {
          throw new BusUnavailableError(`message to ${request.routingKey} was unroutable`);
        }
      }
    }, options);
  }

  /** Declares topology once per connection, for publishers that need it to exist. */
  async ensureDeclared(key: string, declare: (channel: Channel) => Promise<void>): Promise<void> {
    await this.withConnection(async () => this.declareOnce(await this.getConfirmChannel(), key, declare));
  }

  /** Resolves when the broker answers on this connection; rejects otherwise. */
  async checkHealth(): Promise<void> {
    if (this.state === 'closed') throw new BusClosedError('connection');
    const model = this.model;
    if (!model || this.state !== 'connected') throw this.unavailable();
    // Opening a channel is a round trip to the broker, so a half-open socket fails here.
    const channel = await withDeadline(model.createChannel(), Date.now() + 5000, () => this.unavailable());
    channel.on('error', () => undefined);
    await channel.close();
  }

  /** Stops reconnecting, rejects waiting operations and closes the connection. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.wakeRetry?.();
    for (const waiter of this.waiters) waiter.reject(new BusClosedError('connection'));
    this.waiters.clear();
    this.listeners.clear();
    await this.connecting;
    const model = this.model;
    this.model = null;
    this.confirmChannel = null;
    if (model) await model.close().catch(() => undefined);
  }

  private async connectLoop(): Promise<void> {
    const { initial, max } = this.options.reconnectDelayMs ?? { initial: 100, max: 5000 };
    let delay = initial;
    while (this.state === 'connecting') {
      try {
        const model = await connect(withHeartbeat(this.options.url, this.options.heartbeatSeconds ?? 15), {
          // Bounds the TCP and AMQP handshake, so close() never waits on a black-holed broker.
          timeout: 10_000,
          clientProperties: { connection_name: this.options.connectionName ?? 'stowage-bus' },
        });
        if (this.state !== 'connecting') {
          await model.close().catch(() => undefined);
          return;
        }
        this.adopt(model);
        return;
      } catch (error) {
        this.lastError = error;
        this.logger.warn('bus: cannot connect to RabbitMQ, will retry', {
          error: describeError(error),
          delayMs: delay,
        });
        await this.pause(delay);
        delay = Math.min(delay * 2, max);
      }
    }
  }

  private adopt(model: ChannelModel): void {
    model.on('error', (error: Error) => {
      this.lastError = error;
      this.logger.warn('bus: RabbitMQ connection error', { error: describeError(error) });
    });
    model.on('close', (error?: Error) => this.onClosed(model, error));
    model.on('blocked', (reason: string) => this.logger.warn('bus: RabbitMQ blocked publishing', { reason }));
    model.on('unblocked', () => this.logger.info('bus: RabbitMQ unblocked publishing'));
    this.model = model;
    this.generation++;
    this.declared = new Map();
    this.confirmChannel = null;
    this.state = 'connected';
    this.logger.info('bus: connected to RabbitMQ', { generation: this.generation });
    for (const waiter of this.waiters) waiter.resolve(model);
    this.waiters.clear();
    for (const listener of this.listeners) {
      listener.onConnect(model).catch((error: unknown) => {
        this.logger.error('bus: could not re-attach after reconnecting', { error: describeError(error) });
      });
    }
  }

  private onClosed(model: ChannelModel, error?: Error): void {
    if (model !== this.model || this.state === 'closed') return;
    this.model = null;
    this.confirmChannel = null;
    this.lastError = error ?? new Error('connection closed');
    this.state = 'connecting';
    this.logger.warn('bus: lost the RabbitMQ connection, reconnecting', {
      error: error ? describeError(error) : undefined,
    });
    this.connecting = this.connectLoop();
  }

  private getConfirmChannel(): Promise<ConfirmChannel> {
    const model = this.model;
    if (!model) return Promise.reject(this.unavailable());
    if (!this.confirmChannel) {
      const created = model.createConfirmChannel().then((channel) => {
        channel.on('error', (error: Error) => {
          this.logger.warn('bus: publishing channel error', { error: describeError(error) });
        });
        channel.on('close', () => {
          if (this.confirmChannel === created) this.confirmChannel = null;
        });
        channel.on('return', (message: Message) => {
          const tag: unknown = message.properties.headers?.[PUBLISH_TAG_HEADER];
          if (typeof tag === 'string') this.returnedTags.add(tag);
        });
        return channel;
      });
      created.catch(() => {
        if (this.confirmChannel === created) this.confirmChannel = null;
      });
      this.confirmChannel = created;
    }
    return this.confirmChannel;
  }

  private declareOnce(
    channel: Channel,
    key: string,
    declare: (channel: Channel) => Promise<void>,
  ): Promise<void> {
    let done = this.declared.get(key);
    if (!done) {
      const declared = this.declared;
      done = declare(channel);
      declared.set(key, done);
      done.catch(() => declared.delete(key));
    }
    return done;
  }

  /** True when the connection that `generation` names is gone (closing events settle first). */
  private async lostConnectionSince(generation: number): Promise<boolean> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.generation !== generation || this.state !== 'connected';
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeRetry = () => {
        this.wakeRetry = null;
        if (this.retryTimer) clearTimeout(this.retryTimer);
        this.retryTimer = null;
        resolve();
      };
      this.retryTimer = setTimeout(() => this.wakeRetry?.(), ms);
    });
  }

  private deadline(): number {
    return Date.now() + this.operationTimeoutMs;
  }

  private unavailable(): Error {
    if (this.state === 'closed') return new BusClosedError('connection');
    return new BusUnavailableError(
      `RabbitMQ is unavailable${this.lastError ? `: ${describeError(this.lastError)}` : ''}`,
      { cause: this.lastError },
    );
  }
}
