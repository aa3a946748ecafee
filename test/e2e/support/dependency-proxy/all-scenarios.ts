import { accessScenarios } from './access-scenarios';
import { cachingScenarios } from './caching-scenarios';
import { concurrencyScenario } from './concurrency-scenario';
import { lifecycleScenarios } from './lifecycle-scenarios';
import { multiArchScenario } from './multi-arch-scenario';
import type { ProxyFixture } from './proxy-fixture';
import { upstreamScenarios } from './upstream-scenarios';

/**
 * Every scenario of issue 10's "Must show", in the order they build on each other: the caching
 * steps leave `app:v1` cached for the outage, the purge comes after everything that reads the
 * cache, and the 200 MB layer comes late so the memory peaks it measures include all the rest.
 */
export function dependencyProxyScenarios(fx: ProxyFixture, options: { ttl: boolean }): void {
  cachingScenarios(fx);
  upstreamScenarios(fx);
  multiArchScenario(fx);
  accessScenarios(fx);
  concurrencyScenario(fx);
  lifecycleScenarios(fx, options);
}
