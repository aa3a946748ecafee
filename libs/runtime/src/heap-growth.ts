import v8 from 'node:v8';

/**
 * Lets V8's heap grow to twice what a full collection left live before it starts the next one,
 * instead of a factor V8 picks from its recent GC timings, between 1.1 and 4.
 *
 * V8 counts memory outside its heap (ArrayBuffers, and in standalone mode PGlite's WebAssembly
 * memory, about 130 MB) in that limit. A request body arrives as one new 64 KiB ArrayBuffer per
 * socket read, freed only by the next scavenge; after some idle time V8 sometimes chose a factor
 * near its minimum, and a 1 GiB blob push then ran a full mark-compact for about every 20 MB
 * received: about 100 per push, 1.7 s of CPU on V8's helper threads on top of the 1.5 s the push
 * itself took, on a two-core machine (bench/README.md, "Fourth pass"). With a fixed factor of 2
 * the same push ran none. The flag is read at every collection, so setting it at run time works.
 * Called once, first thing, by runMain.
 */
export function growHeapSteadily(): void {
  v8.setFlagsFromString('--heap-growing-percent=100');
}
