import { DependencyUnavailableError, isNetworkFailure } from '@stowage/errors';

/**
 * The database could not be reached, dropped the connection, or is refusing connections: an
 * outage, not a bug. The HTTP layer answers 503; the data is as the last commit left it.
 */
export class DatabaseUnavailableError extends DependencyUnavailableError {
  override readonly name = 'DatabaseUnavailableError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super('database', message, options);
  }
}

/**
 * Prisma's codes for "no database to talk to": cannot reach (P1001), timed out (P1002, P1008),
 * server closed the connection (P1017), no pooled connection in time (P2024).
 */
const PRISMA_OUTAGE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** Driver adapter error kinds (@prisma/driver-adapter-utils) that mean the same. */
const ADAPTER_OUTAGE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/** SQLSTATEs of a server that is going away or not accepting connections yet. */
const OUTAGE_SQLSTATES = /^(08...|57P01|57P02|57P03|53300)$/;

/** What `pg` says when the server closes a connection under it (it sets no code). */
const CONNECTION_LOST = /^Connection terminated( unexpectedly| due to connection timeout)?$/;

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
}

/** True when a Prisma, driver adapter or `pg` error means the database is down. */
export function isDatabaseOutage(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (error instanceof DatabaseUnavailableError) return false;
  const { code, message, meta } = error as ErrorFields;
  if (typeof code === 'string' && (PRISMA_OUTAGE_CODES.has(code) || OUTAGE_SQLSTATES.test(code))) return true;
  const adapterCause = meta?.driverAdapterError?.cause;
  if (adapterCause) {
    if (ADAPTER_OUTAGE_KINDS.has(String(adapterCause.kind))) return true;
    if (adapterCause.kind === 'postgres' && OUTAGE_SQLSTATES.test(String(adapterCause.code))) return true;
  }
  if (typeof message === 'string' && CONNECTION_LOST.test(message)) return true;
  return isNetworkFailure(error);
}

/** `error` as DatabaseUnavailableError when it means an outage; otherwise `error` itself. */
export function translateDatabaseOutage(error: unknown): unknown {
  return isDatabaseOutage(error)
    ? new DatabaseUnavailableError('the database is unavailable', { cause: error })
    : error;
}
