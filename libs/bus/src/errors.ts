/** The bus (or the subscription) was closed; nothing more is published or delivered through it. */
export class BusClosedError extends Error {
  constructor(what = 'bus') {
    super(`the ${what} is closed`);
    this.name = 'BusClosedError';
  }
}

/** The broker could not be reached, or did not confirm, before the operation's deadline. */
export class BusUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
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
