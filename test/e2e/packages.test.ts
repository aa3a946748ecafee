import { describeWithComponents } from '@stowage/testing';
import { packageScenarios } from './support/packages/all-scenarios';
import { packageFixture } from './support/packages/package-fixture';
import { startStandalonePackageStack } from './support/packages/package-stack';
import { START_TIMEOUT_MS, STOP_TIMEOUT_MS } from './support/standalone';

// The package registry end to end in standalone mode (one process, PGlite, filesystem storage):
// each format with its real client through the gateway, the permission table over HTTP, bad
// input. Runs dist/, so build first.

describeWithComponents([], 'the package registry in standalone mode', () => {
  const fx = packageFixture('standalone', startStandalonePackageStack, {
    start: START_TIMEOUT_MS,
    stop: STOP_TIMEOUT_MS,
  });
  packageScenarios(fx);
});
