import type { BusLogger } from '../bus-logger';
import type { RabbitConnection } from './rabbit-connection';

export interface RabbitBusOptions {
  /** Shared with the job queue; the caller (createBus) closes it after closing both. */
  connection: RabbitConnection;
  /** First word of every exchange and queue name. Default `stowage`. */
  prefix?: string;
  logger?: BusLogger;
}
