/**
 * The little the bus needs from a logger. A winston logger satisfies it, and tests pass
 * `silentBusLogger` instead of mocking a logging module.
 */
export interface BusLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** Drops every message; the default when the caller passes no logger. */
export const silentBusLogger: BusLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Message and name of whatever a handler threw, safe to put in a log line or a header. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
