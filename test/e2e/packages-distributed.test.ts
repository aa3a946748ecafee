import { describeWithComponents } from '@stowage/testing';
import { packageScenarios } from './support/packages/all-scenarios';
import { packageFixture } from './support/packages/package-fixture';
import { startDistributedPackageStack } from './support/packages/package-stack';
import { DISTRIBUTED_START_TIMEOUT_MS, DISTRIBUTED_STOP_TIMEOUT_MS } from './support/distributed-stack';

// The package registry end to end in distributed mode: one OS process per service on
// PostgreSQL, RabbitMQ and an S3 server, the same scenarios as standalone (packages.test.ts).
// Runs dist/, so build first.

describeWithComponents(['postgres', 'rabbitmq'], 'the package registry in distributed mode', () => {
  const fx = packageFixture('distributed', startDistributedPackageStack, {
    start: DISTRIBUTED_START_TIMEOUT_MS,
    stop: DISTRIBUTED_STOP_TIMEOUT_MS,
  });
  packageScenarios(fx);
});
