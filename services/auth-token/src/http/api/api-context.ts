import type { Logger } from '@stowage/logging';
import type { FailedLoginThrottle } from '../../domain/failed-login-throttle';
import type { CleanupPolicyStore } from '../../domain/projects/cleanup-policy-store';
import type { RenameGuards } from '../../domain/projects/rename-guard';
import type { PrismaClient } from '../../generated/prisma/client';

/** What every identity HTTP handler needs. */
export interface ApiContext {
  prisma: PrismaClient;
  /** Service logger; audit lines go through `audit()` in http/audit.ts. */
  logger: Logger;
  /** Public URL of the gateway, for `web_url`, `Link` headers and registry image prefixes. */
  externalUrl: string;
  throttle: FailedLoginThrottle;
  /** Lifetime of browser sessions (AUTH_SESSION_TTL_SECONDS). */
  sessionTtlSeconds: number;
  /** Wakes the outbox relay after a commit that recorded events, so they leave at once. */
  nudgeOutbox(): void;
  /** The key registry tokens are signed with now (decrypted). */
  signingKey(): Promise<{ kid: string; privateKeyPem: string }>;
  /** `iss` of registry tokens. */
  issuer: string;
  registryTokenTtlSeconds: number;
  /** Secret callers of /internal/v1 must present; empty: none required. */
  internalApiSecret: string;
  /** Asked before projects change full path (registry tags); absent: every move is allowed. */
  renameGuards?: RenameGuards;
  /** Projects' cleanup policies, kept by the registry; absent without a registry URL. */
  cleanupPolicies?: CleanupPolicyStore;
}
