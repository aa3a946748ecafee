import { InvalidBusArgumentError } from './errors';
import type { ConsumeOptions, DomainEvent } from './ports';

// Queue and group names end up inside RabbitMQ queue names (at most 255 bytes with the prefix
// and suffixes), so both adapters accept the same conservative set.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$/;
const EVENT_TYPE = /^[^*#\s]{1,200}$/;

export function assertValidName(kind: 'queue' | 'group' | 'prefix' | 'subscription', name: string): void {
  if (!NAME.test(name)) {
    throw new InvalidBusArgumentError(
      `invalid ${kind} name ${JSON.stringify(name)}: use 1-120 of [A-Za-z0-9_.-]`,
    );
  }
}

export function assertValidEvent(event: DomainEvent): void {
  if (!EVENT_TYPE.test(event.type)) {
    throw new InvalidBusArgumentError(`invalid event type ${JSON.stringify(event.type)}`);
  }
  if (!event.id) throw new InvalidBusArgumentError('an event needs an id');
}

export function assertValidPatterns(patterns: string[]): void {
  if (patterns.length === 0) throw new InvalidBusArgumentError('subscribe needs at least one pattern');
  for (const pattern of patterns) {
    if (!/^[^\s]{1,200}$/.test(pattern)) {
      throw new InvalidBusArgumentError(`invalid pattern ${JSON.stringify(pattern)}`);
    }
  }
}

export function assertValidDelay(delayMs: number | undefined): number {
  const delay = delayMs ?? 0;
  if (!Number.isFinite(delay) || delay < 0) {
    throw new InvalidBusArgumentError(`invalid delayMs ${String(delayMs)}`);
  }
  return Math.round(delay);
}

/** Consume options with defaults applied. */
export type RetryPolicy = Required<ConsumeOptions>;

export function resolveConsumeOptions(options: ConsumeOptions = {}): RetryPolicy {
  const policy = { prefetch: 1, maxAttempts: 5, baseBackoffMs: 1000, ...options };
  if (!Number.isInteger(policy.prefetch) || policy.prefetch < 1 || policy.prefetch > 65535) {
    throw new InvalidBusArgumentError(`prefetch must be an integer in 1..65535, not ${policy.prefetch}`);
  }
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new InvalidBusArgumentError(`maxAttempts must be a positive integer, not ${policy.maxAttempts}`);
  }
  if (!Number.isFinite(policy.baseBackoffMs) || policy.baseBackoffMs < 0) {
    throw new InvalidBusArgumentError(`baseBackoffMs must be >= 0, not ${policy.baseBackoffMs}`);
  }
  return policy;
}

/** Delay before the attempt after `failedAttempt`: `baseBackoffMs * 2^(failedAttempt-1)`. */
export function backoffDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  return Math.round(policy.baseBackoffMs * 2 ** (failedAttempt - 1));
}

/**
 * Payloads cross the bus as JSON. The in-process adapter round-trips them too, so a payload
 * that would not survive RabbitMQ (a Date, a Map, a BigInt) behaves the same in both modes.
 */
export function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new InvalidBusArgumentError('payload is not JSON-serialisable');
  return json;
}
