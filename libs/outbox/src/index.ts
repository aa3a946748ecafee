export { OutboxRelay } from './outbox-relay';
export type { OutboxRelayOptions } from './outbox-relay';
export { recordEvent, recordEvents } from './record-event';
export type { RawExecutor } from './record-event';
export { outboxTableDdl } from './outbox-table';
