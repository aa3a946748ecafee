import { describeWithComponents } from '@stowage/testing';
import { dependencyProxyScenarios } from './support/dependency-proxy/all-scenarios';
import { proxyFixture } from './support/dependency-proxy/proxy-fixture';
import { startStandaloneProxyStack } from './support/dependency-proxy/proxy-stack';
import { START_TIMEOUT_MS, STOP_TIMEOUT_MS } from './support/standalone';

// The dependency proxy end to end in standalone mode (one process, PGlite): docker and skopeo
// pull through the gateway from upstreams on loopback, Debian's docker-registry (no auth, its
// access log counts what reached it) and a second standalone Stowage (token auth). Images are
// made from random bytes and pushed with skopeo, so nothing leaves the machine. The TTL scenario
// runs in distributed mode only: it ages entries by SQL, and PGlite belongs to the running
// process. Runs dist/, so build first; needs a Docker engine, skopeo and docker-registry.

describeWithComponents(['docker'], 'the dependency proxy in standalone mode', () => {
  const fx = proxyFixture('standalone', startStandaloneProxyStack, {
    start: START_TIMEOUT_MS,
    stop: STOP_TIMEOUT_MS,
  });
  dependencyProxyScenarios(fx, { ttl: false });
});
