import { describeWithComponents } from '@stowage/testing';
import { dependencyProxyScenarios } from './support/dependency-proxy/all-scenarios';
import { proxyFixture } from './support/dependency-proxy/proxy-fixture';
import { startDistributedProxyStack } from './support/dependency-proxy/proxy-stack';
import { DISTRIBUTED_START_TIMEOUT_MS, DISTRIBUTED_STOP_TIMEOUT_MS } from './support/distributed-stack';

// The dependency proxy end to end in distributed mode: one OS process per service on PostgreSQL,
// RabbitMQ and an S3 server, the same scenarios as standalone (see dependency-proxy.test.ts) plus
// the TTL policy, whose entries are aged by SQL on the run's own database. Memory is checked per
// service process. Runs dist/, so build first; needs a Docker engine, skopeo and docker-registry.

describeWithComponents(['docker', 'postgres', 'rabbitmq'], 'the dependency proxy in distributed mode', () => {
  const fx = proxyFixture('distributed', startDistributedProxyStack, {
    start: DISTRIBUTED_START_TIMEOUT_MS,
    stop: DISTRIBUTED_STOP_TIMEOUT_MS,
  });
  dependencyProxyScenarios(fx, { ttl: true });
});
