/**
 * Integration tests run against real servers (PostgreSQL, RabbitMQ, a Docker engine). On a
 * laptop without one of them those tests are skipped; CI sets REQUIRE_REAL_COMPONENTS=1 so a
 * missing server fails the run instead of being skipped silently.
 *
 * Jest's global setup (jest.global-setup.js) probes every component once and records the result
 * in AVAILABLE_COMPONENTS_ENV, which test files read synchronously when they declare tests.
 */
export const REQUIRE_REAL_COMPONENTS_ENV = 'REQUIRE_REAL_COMPONENTS';
export const AVAILABLE_COMPONENTS_ENV = 'STOWAGE_TEST_AVAILABLE_COMPONENTS';

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * `docker` is a Docker engine the `docker` client on PATH can use (DOCKER_HOST, else the default
 * socket); tests drive it with {@link createDockerCli}. `chromium` is a Chromium the web UI's
 * browser tests can start (CHROMIUM_PATH, else Debian's /usr/bin/chromium).
 */
export type ComponentName = 'postgres' | 'rabbitmq' | 'docker' | 'chromium';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function realComponentsRequired(): boolean {
  const value = process.env[REQUIRE_REAL_COMPONENTS_ENV];
  return value === '1' || value === 'true';
}

function availableComponents(): Set<string> {
  return new Set((process.env[AVAILABLE_COMPONENTS_ENV] ?? '').split(',').filter(Boolean));
}

/**
 * `describe` for tests that need real servers: runs when all are available, otherwise skips
 * (global setup has already failed the run if REQUIRE_REAL_COMPONENTS=1).
 */
export function describeWithComponents(components: ComponentName[], name: string, body: () => void): void {
  const available = availableComponents();
  const missing = components.filter((c) => !available.has(c));
  if (missing.length === 0) {
    describe(name, body);
  } else {
    describe.skip(`${name} (skipped: ${missing.join(', ')} not reachable)`, body);
  }
}
