import type { PrismaClient } from '@stowage/registry-data';

/** How many rows one `deleteMany` inside a transaction removed, and from which model. */
export interface DeleteBatch {
  model: string;
  count: number;
}

const bound = (target: object, property: PropertyKey): unknown => {
  const value: unknown = Reflect.get(target, property, target);
  return typeof value === 'function' ? value.bind(target) : value;
};

/** Wraps a model so its `deleteMany` reports each result to `batches`. */
function recordingModel(model: object, name: string, batches: DeleteBatch[]): object {
  return new Proxy(model, {
    get(target, property) {
      if (property !== 'deleteMany') return bound(target, property);
      return async (args: unknown) => {
        const deleteMany = Reflect.get(target, property, target) as (
          args: unknown,
        ) => Promise<{ count: number }>;
        const result = await deleteMany.call(target, args);
        batches.push({ model: name, count: result.count });
        return result;
      };
    },
  });
}

/**
 * The same client, except that every `deleteMany` run inside `$transaction` is recorded: how a
 * test sees that a job deletes in bounded batches, one transaction each.
 */
export function recordingDeletes(prisma: PrismaClient, batches: DeleteBatch[]): PrismaClient {
  return new Proxy(prisma, {
    get(target, property) {
      if (property !== '$transaction') return bound(target, property);
      return (run: (tx: object) => Promise<unknown>) =>
        target.$transaction((tx) =>
          run(
            new Proxy(tx, {
              get(inner, name) {
                const value = bound(inner, name);
                return typeof name === 'string' && typeof value === 'object' && value !== null
                  ? recordingModel(value, name, batches)
                  : value;
              },
            }),
          ),
        );
    },
  });
}

/**
 * The same client, except that every `$transaction` after the first `committed` ones fails as
 * if the worker had been killed there: what survives shows what each transaction did on its own.
 */
export function dyingAfterTransactions(prisma: PrismaClient, committed: number): PrismaClient {
  let started = 0;
  return new Proxy(prisma, {
    get(target, property) {
      if (property !== '$transaction') return bound(target, property);
      return (...args: unknown[]) => {
        if (++started > committed) return Promise.reject(new Error('worker killed'));
        return (target.$transaction as (...a: unknown[]) => Promise<unknown>)(...args);
      };
    },
  });
}
