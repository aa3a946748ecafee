import type { BusLogger } from '../bus-logger';

export interface InProcessBusOptions {
  logger?: BusLogger;
}
