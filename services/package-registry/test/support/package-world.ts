import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIdentityClient } from '@stowage/identity-client';
import { openIdentityApp, type IdentityApp } from '../../../auth-token/test/support/identity-app';
import type { PackageLimits } from '../../src/core/package-context';
import { openRegistryApp, type RegistryAppFixture } from './registry-app';

export const EXTERNAL_URL = 'http://packages.example.test';

/** Two PGlite databases start and migrate: slow on a busy 2-core machine. */
export const WORLD_TIMEOUT_MS = 180_000;

export interface PackageWorld extends RegistryAppFixture {
  /** auth-token's routes on their own database, answering the registry's authorize calls. */
  identity: IdentityApp;
}

/**
 * The package registry's routes (registry-app.ts) asking a real auth-token: its routes over
 * loopback HTTP, uncached so each test sees its own fixtures.
 */
export async function openPackageWorld(limits: Partial<PackageLimits> = {}): Promise<PackageWorld> {
  const identity = await openIdentityApp();
  const server = http.createServer(identity.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const registry = await openRegistryApp({
    identity: createIdentityClient({ authTokenUrl: `http://127.0.0.1:${port}`, cacheTtlMs: 0 }),
    externalUrl: EXTERNAL_URL,
    limits,
  });
  return {
    ...registry,
    identity,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await registry.close();
      await identity.close();
    },
  };
}
