import { randomUUID } from 'node:crypto';
import type { DomainEvent } from './ports';

/** Builds an event with a fresh id and the current time, ready for `EventBus.publish`. */
export function newEvent<P>(type: string, source: string, payload: P): DomainEvent<P> {
  return { id: randomUUID(), type, occurredAt: new Date().toISOString(), source, payload };
}
