import type { JobQueue } from '@stowage/bus';
import type { PrismaClient } from '@stowage/dependency-proxy-data';
import type { IdentityClient } from '@stowage/identity-client';
import type { SecretBox } from '../../ports/secret-box';

/** What the dependency proxy's GitLab REST API handlers work with. */
export interface ProxyApiContext {
  prisma: PrismaClient;
  jobs: JobQueue;
  identity: IdentityClient;
  secrets: SecretBox;
  /** The gateway's public URL, for pagination links. */
  externalUrl: string;
  /** Tells this replica's pull path that a group's settings changed. */
  onSettingsChanged?: (groupId: number) => void;
}
