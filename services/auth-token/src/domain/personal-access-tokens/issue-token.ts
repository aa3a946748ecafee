import type { PersonalAccessToken, Prisma } from '../../generated/prisma/client';
import type { PersonalAccessTokenScope } from '../scopes';
import { newToken } from '../tokens';

export interface PersonalAccessTokenInput {
  userId: number;
  name: string;
  description: string;
  scopes: PersonalAccessTokenScope[];
  /** Start of the UTC day on which the token stops working; null: never. */
  expiresAt: Date | null;
}

export interface IssuedPersonalAccessToken {
  row: PersonalAccessToken;
  /** The secret, for the one response that shows it. */
  token: string;
}

/** Stores a new token's digest (never the token) and hands back the secret once. */
export async function issuePersonalAccessToken(
  tx: Pick<Prisma.TransactionClient, 'personalAccessToken'>,
  input: PersonalAccessTokenInput,
): Promise<IssuedPersonalAccessToken> {
  const { token, digest } = newToken('personalAccessToken');
  const row = await tx.personalAccessToken.create({
    data: {
      userId: input.userId,
      name: input.name,
      description: input.description,
      scopes: input.scopes,
      expiresAt: input.expiresAt,
      tokenDigest: digest,
    },
  });
  return { row, token };
}
