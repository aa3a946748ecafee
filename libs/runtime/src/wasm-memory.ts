import v8 from 'node:v8';

/**
 * Keeps WebAssembly on V8's baseline compiler (Liftoff). Prisma's query compiler is a WebAssembly
 * module, and in standalone mode so is PGlite (PostgreSQL). V8's optimising tier recompiles their
 * hot functions on background threads, whose malloc arenas keep the compiler's memory afterwards:
 * about 85 MB of resident memory per process that served a few kinds of queries, which no
 * JavaScript heap limit bounds, and about 90 MB more in standalone mode for PGlite. Liftoff code
 * is slower, but WebAssembly is a small part of a request: in standalone mode the process spent
 * the same CPU time per manifest GET either way (bench/README.md, "Memory of the standalone
 * process"). Call it before the first module is compiled; modules compiled earlier keep tiering up.
 */
export function keepWasmOnBaselineCompiler(): void {
  v8.setFlagsFromString('--liftoff-only');
}
