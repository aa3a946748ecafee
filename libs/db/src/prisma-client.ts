import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Database } from './database';
import { translateDatabaseOutage } from './database-unavailable';

/** What a generated `PrismaClient` constructor accepts from us: a driver adapter factory. */
export type PrismaDriverAdapter = PrismaPg | PrismaPGlite;

/** The constructor options we pass; every generated client accepts them. */
export interface PrismaClientWiring {
  adapter: PrismaDriverAdapter;
  transactionOptions?: { maxWait?: number };
}

/** A generated `PrismaClient` class (the `prisma-client` generator's `client.ts` export). */
export type PrismaClientClass<C> = new (options: PrismaClientWiring) => C;

/**
 * How long `$transaction` waits to start on PGlite unless the call says otherwise. There it
 * waits for the transaction holding the instance to end rather than for a free pooled
 * connection, and plain queries wait for that without any limit, so Prisma's 2 s default
 * would fail interactive transactions first under ordinary load.
 */
export const PGLITE_TRANSACTION_MAX_WAIT_MS = 10_000;

/** Builds the driver adapter that points Prisma at `db`'s pool or PGlite instance. */
export function createPrismaAdapter(db: Database): PrismaDriverAdapter {
  // The pool stays owned by `db`: disconnecting one service's client must not end it for the others.
  return db.kind === 'postgres'
    ? new PrismaPg(db.pool, { disposeExternalPool: false })
    : new PrismaPGlite(db.pglite);
}

/**
 * Instantiates a service's generated Prisma client on the shared database. Every service in a
 * process gets its own client; they all use the same pool or PGlite instance. `$disconnect()`
 * on a client leaves the database open: close it with `db.close()`.
 *
 * PGlite: interactive transactions of all clients run one at a time (see pglite-database.ts).
 * A second `$transaction` waits up to its `maxWait` ({@link PGLITE_TRANSACTION_MAX_WAIT_MS}
 * unless given) for the first to end. A query on any client other than `tx` made inside a
 * transaction waits for that same transaction to end: a deadlock until the transaction's
 * `timeout` (Prisma's default 5 s) rolls it back. Isolation levels passed to `$transaction`
 * are ignored by pglite-prisma-adapter (it sends SET TRANSACTION before BEGIN); transactions
 * that never overlap are serializable anyway.
 */
export function createPrismaClient<C>(PrismaClient: PrismaClientClass<C>, db: Database): C {
  const adapter = createPrismaAdapter(db);
  const client =
    db.kind === 'pglite'
      ? new PrismaClient({ adapter, transactionOptions: { maxWait: PGLITE_TRANSACTION_MAX_WAIT_MS } })
      : new PrismaClient({ adapter });
  return withOutagesTranslated(client);
}

/** The part of a generated client this module extends; every generated client has it. */
interface Extendable {
  $extends(extension: {
    query: {
      $allOperations(params: { args: unknown; query: (args: unknown) => Promise<unknown> }): Promise<unknown>;
    };
  }): Extendable;
  $transaction(...args: unknown[]): Promise<unknown>;
}

/**
 * Makes every query of the client (model operations and raw queries, inside transactions too)
 * and every `$transaction` reject with DatabaseUnavailableError when the database is down, so the
 * services' HTTP layer can answer 503 without knowing Prisma's error codes. The extension only
 * wraps calls; the client keeps the generated type, which it still implements.
 */
function withOutagesTranslated<C>(client: C): C {
  const extended = (client as unknown as Extendable).$extends({
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (error) {
          throw translateDatabaseOutage(error);
        }
      },
    },
  });
  // Starting an interactive transaction takes a connection before any query runs.
  const transaction = (...args: unknown[]) =>
    extended.$transaction(...args).catch((error: unknown) => {
      throw translateDatabaseOutage(error);
    });
  return new Proxy(extended, {
    get: (target, property, receiver) =>
      property === '$transaction' ? transaction : Reflect.get(target, property, receiver),
  }) as unknown as C;
}
