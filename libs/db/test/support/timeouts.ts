/**
 * A fresh PGlite runs initdb in WebAssembly: 2 s on an idle machine, over 10 s on two busy
 * cores (Jest runs suites in parallel). Hooks that open one get this much time.
 */
export const PGLITE_STARTUP_TIMEOUT_MS = 60_000;
