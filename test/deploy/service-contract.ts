import { NODE_FLAGS } from '../../services/launcher/src/node-flags';

/**
 * What every deployment of Stowage must give the services: their ports, entrypoints and the
 * environment their config schemas read. docker-compose.yml and k8s/ are both checked against
 * this one table, so the two cannot drift apart from each other or from the services.
 */
export interface ServiceContract {
  name: string;
  port: number;
  /** Owns tables, so it ships a `dist/migrate.js` that the migration step must run. */
  ownsTables: boolean;
  /** Other services this one calls, by env var. */
  calls: Record<string, string>;
  /** Credentials only this service reads, from the same Secret as SECRET_ENV. */
  secrets?: readonly string[];
}

export const SERVICES: readonly ServiceContract[] = [
  {
    name: 'gateway',
    port: 5000,
    ownsTables: false,
    calls: {
      AUTH_TOKEN_URL: 'auth-token',
      REGISTRY_URL: 'registry',
      DEPENDENCY_PROXY_URL: 'dependency-proxy',
      PACKAGE_REGISTRY_URL: 'package-registry',
    },
  },
  {
    name: 'auth-token',
    port: 5001,
    ownsTables: true,
    // Asks the registry's internal API whether projects have tags before renaming them.
    calls: { REGISTRY_URL: 'registry' },
    secrets: [
      'INITIAL_ROOT_PASSWORD',
      'INITIAL_ROOT_TOKEN',
      'SIGNING_KEY_ENCRYPTION_KEY',
      'INTERNAL_API_SECRET',
    ],
  },
  {
    name: 'registry',
    port: 5002,
    ownsTables: true,
    calls: { AUTH_TOKEN_URL: 'auth-token' },
    // Sent to auth-token's internal API and required on its own: the same value as auth-token's.
    secrets: ['INTERNAL_API_SECRET'],
  },
  {
    name: 'dependency-proxy',
    port: 5003,
    ownsTables: true,
    calls: { AUTH_TOKEN_URL: 'auth-token' },
    // Asks auth-token's internal API about groups; encrypts upstream passwords at rest (every
    // replica needs the same key, so it cannot be generated per pod).
    secrets: ['INTERNAL_API_SECRET', 'DEPENDENCY_PROXY_ENCRYPTION_KEY'],
  },
  {
    name: 'package-registry',
    port: 5004,
    ownsTables: true,
    calls: { AUTH_TOKEN_URL: 'auth-token' },
    // Asks auth-token's internal API who may read, publish and delete packages.
    secrets: ['INTERNAL_API_SECRET'],
  },
  { name: 'cleanup-worker', port: 5005, ownsTables: false, calls: {} },
];

export const PUBLIC_SERVICE = 'gateway';

/** Credentials: never in a ConfigMap or an image, always from a Secret. */
export const SECRET_ENV = ['DATABASE_URL', 'AMQP_URL', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/** Read by every service besides the secrets and the service URLs in `calls`. */
export const COMMON_ENV = [
  'HOST',
  'PORT',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_BUCKET',
  'S3_FORCE_PATH_STYLE',
  'LOG_LEVEL',
  'EXTERNAL_URL',
  'MIGRATE_ON_START',
] as const;

/** The credentials `service` reads: the shared ones and its own. */
export function secretEnv(service: ServiceContract): string[] {
  return [...SECRET_ENV, ...(service.secrets ?? [])];
}

/** Every key the Secret must hold. */
export const ALL_SECRET_KEYS = [...new Set(SERVICES.flatMap(secretEnv))];

/** Every env var `service` needs at run time. */
export function requiredEnv(service: ServiceContract): string[] {
  return [...secretEnv(service), ...COMMON_ENV, ...Object.keys(service.calls)];
}

/** How a deployment starts `service`: with the launcher's Node flags for it. */
export function mainCommand(service: string): string[] {
  return ['node', ...(NODE_FLAGS[service] ?? []), `services/${service}/dist/main.js`];
}

export function migrateScript(service: string): string {
  return `services/${service}/dist/migrate.js`;
}

export const MIGRATING_SERVICES = SERVICES.filter((s) => s.ownsTables).map((s) => s.name);
