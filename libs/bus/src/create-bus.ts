import { randomUUID } from 'node:crypto';
import { silentBusLogger, type BusLogger } from './bus-logger';
import { InProcessEventBus } from './in-process/in-process-event-bus';
import { InProcessJobQueue } from './in-process/in-process-job-queue';
import type { EventBus, JobQueue } from './ports';
import { RabbitConnection } from './rabbitmq/rabbit-connection';
import { RabbitMqEventBus } from './rabbitmq/rabbitmq-event-bus';
import { RabbitMqJobQueue } from './rabbitmq/rabbitmq-job-queue';

export interface CreateBusOptions {
  /** RabbitMQ URL; without it the bus lives inside this process (standalone mode). */
  amqpUrl?: string;
  /** First word of every RabbitMQ exchange and queue name. Default `stowage`. */
  prefix?: string;
  logger?: BusLogger;
  /** Name shown in RabbitMQ's connection list, e.g. the service name. */
  connectionName?: string;
  /** How long a publish or subscribe waits through a broker outage before rejecting. Default 30 s. */
  operationTimeoutMs?: number;
}

export interface Bus {
  events: EventBus;
  jobs: JobQueue;
  /** Closes both halves (waiting for running handlers), then the connection. */
  close(): Promise<void>;
}

/**
 * Picks the adapters for the mode: RabbitMQ when `amqpUrl` is set (one connection shared by
 * events and jobs, connected in the background so start-up does not fail while the broker is
 * still coming up; checkHealth reports it), in-process otherwise.
 */
export function createBus(options: CreateBusOptions = {}): Bus {
  const logger = options.logger ?? silentBusLogger;
  if (!options.amqpUrl) {
    const events = new InProcessEventBus({ logger });
    const jobs = new InProcessJobQueue({ logger });
    return { events, jobs, close: async () => void (await Promise.all([events.close(), jobs.close()])) };
  }
  const connection = new RabbitConnection({
    url: options.amqpUrl,
    logger,
    connectionName: options.connectionName ?? `stowage-${randomUUID()}`,
    operationTimeoutMs: options.operationTimeoutMs,
  });
  connection.start();
  const events = new RabbitMqEventBus({ connection, prefix: options.prefix, logger });
  const jobs = new RabbitMqJobQueue({ connection, prefix: options.prefix, logger });
  return {
    events,
    jobs,
    close: async () => {
      await Promise.all([events.close(), jobs.close()]);
      await connection.close();
    },
  };
}
