import type { JobQueue } from '@stowage/bus';
import type { IdentityClient } from '@stowage/identity-client';
import type { PrismaClient } from '@stowage/registry-data';

/** What the GitLab REST API handlers work with. */
export interface RestApiContext {
  prisma: PrismaClient;
  jobs: JobQueue;
  identity: IdentityClient;
  /** The registry's host as clients name it (`host:port`), for the `location` field. */
  registryHost: string;
  /** The gateway's public URL, for pagination links and `delete_api_path`. */
  externalUrl: string;
}
