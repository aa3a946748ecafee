import type { AccessEntry } from './access-entry';

/** A token whose signature, issuer, audience, lifetime and claim shapes have all been checked. */
export interface VerifiedToken {
  /** `sub`: the username; empty for an anonymous token (a public pull without credentials). */
  subject: string;
  issuer: string;
  /** The audience the token was accepted for (one of the allowed ones). */
  audience: string;
  access: AccessEntry[];
  issuedAt: Date;
  expiresAt: Date;
  jwtId?: string;
  /** `user_id`: the user the token acts for; absent for anonymous and deploy-token tokens. */
  userId?: number;
  /** `credential`: what authenticated the request (`personal_access_token:3`...); absent when anonymous. */
  credential?: string;
  /** `kid` of the key that signed it. */
  keyId: string;
}
