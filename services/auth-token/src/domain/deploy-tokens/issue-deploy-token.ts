import type { DeployToken, PrismaClient } from '../../generated/prisma/client';
import type { DeployTokenScope } from '../scopes';
import { newToken } from '../tokens';
import { defaultDeployTokenUsername } from './deploy-token-fields';

export interface DeployTokenInput {
  owner: { projectId: number } | { namespaceId: number };
  name: string;
  scopes: DeployTokenScope[];
  expiresAt: Date | null;
  /** null: `gitlab+deploy-token-<id>`. */
  username: string | null;
}

/** Stores a new deploy token's digest (never the token) and hands back the secret once. */
export async function issueDeployToken(
  prisma: PrismaClient,
  input: DeployTokenInput,
): Promise<{ row: DeployToken; token: string }> {
  const { token, digest } = newToken('deployToken');
  const row = await prisma.$transaction(async (tx) => {
    const created = await tx.deployToken.create({
      data: {
        ...input.owner,
        name: input.name,
        scopes: input.scopes,
        expiresAt: input.expiresAt,
        tokenDigest: digest,
        // The default name holds the id, known only once the row exists.
        username: input.username ?? '',
      },
    });
    if (input.username !== null) return created;
    return tx.deployToken.update({
      where: { id: created.id },
      data: { username: defaultDeployTokenUsername(created.id) },
    });
  });
  return { row, token };
}
