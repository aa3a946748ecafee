import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  generateSigningKey,
  signAccessToken,
  toJwks,
  TokenInvalidError,
  type AccessTokenClaims,
  type SigningKey,
} from '@stowage/auth';
import { createBus, newEvent, type Bus } from '@stowage/bus';
import { createMetrics, type Metrics } from '@stowage/http';
import { createSilentLogger, type Logger } from '@stowage/logging';
import { openRegistryTokenVerifier, type RegistryTokenVerifier } from '@stowage/runtime';
import {
  AMQP_URL,
  deleteEverythingWithPrefix,
  describeWithComponents,
  sleep,
  uniqueName,
  waitFor,
} from '@stowage/testing';

const ISSUER = 'stowage-test';
const AUDIENCE = 'container_registry';

let key: SigningKey;
let jwks: Server;
let authTokenUrl: string;

beforeAll(async () => {
  key = generateSigningKey();
  // Stands in for auth-token's JWKS endpoint (`<authTokenUrl>/-/jwks`).
  jwks = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(toJwks([key.publicJwk])));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  authTokenUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  jwks.closeAllConnections();
  await new Promise((resolve) => jwks.close(resolve));
});

const token = (claims: Partial<AccessTokenClaims> = {}) =>
  signAccessToken(key, {
    issuer: ISSUER,
    subject: 'alice',
    audience: AUDIENCE,
    access: [{ type: 'repository', name: 'group/app', actions: ['pull'] }],
    expiresInSeconds: 300,
    // A second in the past, so the revocation below (stamped now) is strictly later.
    issuedAt: new Date(Date.now() - 1000),
    ...claims,
  });

async function reasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) =>
      error instanceof TokenInvalidError ? error.reason : `not a TokenInvalidError: ${String(error)}`,
  );
}

interface Replica {
  tokens: RegistryTokenVerifier;
  metrics: Metrics;
  logger: Logger;
}

async function replicaOn(bus: Bus): Promise<Replica> {
  const metrics = createMetrics({ service: 'registry' });
  const logger = createSilentLogger();
  const tokens = await openRegistryTokenVerifier({
    authTokenUrl,
    issuer: ISSUER,
    audiences: [AUDIENCE],
    events: bus.events,
    name: 'registry',
    metrics,
    logger,
  });
  return { tokens, metrics, logger };
}

async function consumed(metrics: Metrics, type: string): Promise<number> {
  const { values } = await metrics.messagesConsumed.get();
  return values.find((value) => value.labels.type === type)?.value ?? 0;
}

/**
 * Two verifier replicas and the bus the events travel on. For the in-process bus both replicas
 * share one bus (standalone mode is one process); for RabbitMQ each has its own connection.
 */
function revocationScenarios(
  setUp: () => Promise<{ publisher: Bus; replicaBuses: [Bus, Bus] }>,
  teardown: () => Promise<void>,
) {
  let publisher: Bus;
  let replicas: Replica[];

  beforeEach(async () => {
    const buses = await setUp();
    publisher = buses.publisher;
    replicas = [await replicaOn(buses.replicaBuses[0]), await replicaOn(buses.replicaBuses[1])];
  });

  afterEach(async () => {
    await Promise.all(replicas.map((replica) => replica.tokens.close()));
    await teardown();
  });

  const everyReplicaRefuses = (jwt: string) =>
    waitFor('every replica to refuse the token', async () => {
      const reasons = await Promise.all(replicas.map((replica) => reasonOf(replica.tokens.verify(jwt))));
      return reasons.every((reason) => reason === 'revoked');
    });

  it('when a credential is revoked, then its token stops verifying on every replica and others still verify', async () => {
    const revoked = token({ userId: 2, credential: 'personal_access_token:3' });
    const other = token({ userId: 2, credential: 'personal_access_token:4' });
    for (const replica of replicas)
      await expect(replica.tokens.verify(revoked)).resolves.toMatchObject({ userId: 2 });

    await publisher.events.publish(
      newEvent('identity.token.revoked', 'auth-token', {
        credential: 'personal_access_token:3',
        user_id: 2,
        revoked_at: new Date().toISOString(),
      }),
    );

    await everyReplicaRefuses(revoked);
    for (const replica of replicas) {
      await expect(replica.tokens.verify(other)).resolves.toMatchObject({
        credential: 'personal_access_token:4',
      });
      expect(await consumed(replica.metrics, 'identity.token.revoked')).toBe(1);
    }
  });

  it('when a user is blocked, then every token of that user stops verifying on every replica', async () => {
    const password = token({ userId: 7, credential: 'password:7' });
    const job = token({ userId: 7, credential: 'job_token:1' });
    const deploy = token({ credential: 'deploy_token:4' });

    await publisher.events.publish(
      newEvent('identity.user.blocked', 'auth-token', { user_id: 7, blocked_at: new Date().toISOString() }),
    );

    await everyReplicaRefuses(password);
    await everyReplicaRefuses(job);
    for (const replica of replicas) await expect(replica.tokens.verify(deploy)).resolves.toBeDefined();
  });

  it('when a payload is malformed, then it is logged and skipped and later events still apply', async () => {
    const warnings = replicas.map((replica) => jest.spyOn(replica.logger, 'warn'));
    const jwt = token({ credential: 'deploy_token:9' });

    await publisher.events.publish(
      newEvent('identity.token.revoked', 'auth-token', { credential: 'deploy_token:9' }),
    );
    await publisher.events.publish(
      newEvent('identity.user.blocked', 'auth-token', { user_id: '7', blocked_at: new Date().toISOString() }),
    );
    await publisher.events.publish(newEvent('identity.token.revoked', 'auth-token', 'not an object'));
    await publisher.events.publish(
      newEvent('identity.token.revoked', 'auth-token', {
        credential: 'deploy_token:9',
        revoked_at: new Date().toISOString(),
      }),
    );

    await everyReplicaRefuses(jwt);
    for (const warn of warnings) {
      expect(warn).toHaveBeenCalledTimes(3);
      expect(warn).toHaveBeenCalledWith('identity event with a malformed payload ignored', expect.anything());
    }
  });

  it('when the verifier is closed, then it no longer hears events', async () => {
    const [first] = replicas as [Replica, Replica];
    await first.tokens.close();
    const jwt = token({ credential: 'personal_access_token:8' });

    await publisher.events.publish(
      newEvent('identity.token.revoked', 'auth-token', {
        credential: 'personal_access_token:8',
        revoked_at: new Date().toISOString(),
      }),
    );

    await waitFor(
      'the open replica',
      async () => (await reasonOf(replicas[1]!.tokens.verify(jwt))) === 'revoked',
    );
    await sleep(100);
    expect(await consumed(first.metrics, 'identity.token.revoked')).toBe(0);
    await expect(first.tokens.verify(jwt)).resolves.toBeDefined();
  });
}

describe('openRegistryTokenVerifier on the in-process bus', () => {
  let bus: Bus;
  revocationScenarios(
    async () => {
      bus = createBus();
      return { publisher: bus, replicaBuses: [bus, bus] };
    },
    () => bus.close(),
  );
});

describeWithComponents(['rabbitmq'], 'openRegistryTokenVerifier on RabbitMQ', () => {
  const prefix = uniqueName('rtv');
  let buses: Bus[] = [];

  afterAll(async () => {
    await deleteEverythingWithPrefix(AMQP_URL, prefix);
  });

  revocationScenarios(
    async () => {
      buses = [0, 1, 2].map((n) =>
        createBus({ amqpUrl: AMQP_URL, prefix, connectionName: uniqueName(`${prefix}-${n}`) }),
      );
      const [publisher, first, second] = buses as [Bus, Bus, Bus];
      return { publisher, replicaBuses: [first, second] };
    },
    async () => {
      await Promise.all(buses.map((bus) => bus.close()));
    },
  );
});
