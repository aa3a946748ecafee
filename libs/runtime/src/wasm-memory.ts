import v8 from 'node:v8';

/**
 * Keeps WebAssembly on V8's baseline compiler (Liftoff). Prisma's query compiler is a WebAssembly
 * module; V8's optimising tier recompiles its hot functions on background threads, whose malloc
 * arenas keep the compiler's memory afterwards: about 85 MB of resident memory per process that
 * served a few kinds of queries, which no JavaScript heap limit bounds. Liftoff code is slower but
 * the query compiler is a small part of a request. Standalone mode leaves V8 alone: PGlite is
 * PostgreSQL in WebAssembly there, and needs the optimised code.
 */
export function keepWasmOnBaselineCompiler(): void {
  v8.setFlagsFromString('--liftoff-only');
}
