// One Jest run for the whole workspace. Tests import workspace libraries from source
// (moduleNameMapper), so `jest` alone needs no build; only tests that spawn
// processes run the compiled `dist/` output, which `pnpm test` builds first.
const common = {
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
    // jose 6 (used by jwks-rsa 4) ships only ESM, which Jest cannot require() before Node 24.9
    // (plain Node 20.19+ can, so production needs nothing): compile it to CommonJS for tests.
    '/node_modules/\\.pnpm/jose@[^/]+/node_modules/jose/.+\\.js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
    // PGlite's CommonJS build loads node modules and its WASM through import(), which Jest's VM
    // rejects without --experimental-vm-modules; swc (isModule) rewrites those into require().
    '/@electric-sql/pglite/dist/.+\\.cjs$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        isModule: true,
      },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!\\.pnpm/jose@|jose/|\\.pnpm/@electric-sql\\+pglite@|@electric-sql/pglite/)',
  ],
  moduleNameMapper: {
    '^@stowage/([a-z-]+)$': ['<rootDir>/libs/$1/src', '<rootDir>/services/$1/src'],
  },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/jest.setup.js'],
};

module.exports = {
  // Integration tests start databases and processes; on a busy 2-core machine that takes seconds.
  testTimeout: 30_000,
  // Two workers even on two cores (Jest's default there is one): most of an integration or
  // end-to-end file's time is spent waiting on child processes, Docker, PostgreSQL and RabbitMQ,
  // not on Jest's own CPU. Tests share nothing that would collide: databases, vhosts, queues,
  // buckets, ports and client config directories are unique per file (see libs/testing).
  maxWorkers: 2,
  testSequencer: '<rootDir>/jest.sequencer.js',
  globalSetup: '<rootDir>/jest.global-setup.js',
  globalTeardown: '<rootDir>/jest.global-teardown.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services}/*/src/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services}/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
      slowTestThreshold: 30,
    },
  ],
};
