import { DependencyUnavailableError } from '@stowage/errors';

/** The bus (or the subscription) was closed; nothing more is published or delivered through it. */
export class BusClosedError extends Error {
  constructor(what = 'bus') {
    super(`the ${what} is closed`);
    this.name = 'BusClosedError';
  }
}

/**
 * The broker could not be reached, or did not confirm, before the operation's deadline. A request
 * that needed the broker (enqueueing a job) answers 503; events wait in the outbox instead.
 */
export class BusUnavailableError extends DependencyUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('broker', message, options);
    this.name = 'BusUnavailableError';
  }
}

/** A caller passed a queue, group, event type or pattern that the bus cannot carry. */
export class InvalidBusArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidBusArgumentError';
  }
}
