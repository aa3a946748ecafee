import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { createTokenVerifier, type AccessEntry, type VerifiedToken } from '@stowage/auth';
import { TEST_ISSUER } from './identity-app';

/** Basic credentials as docker sends them to the token endpoint. */
export interface BasicLogin {
  username: string;
  password: string;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  /** The token, verified against the app's own JWKS; only on a 200. */
  verified?: VerifiedToken;
}

export interface TokenService {
  /** Asks `/jwt/auth` for a token, as docker does, and verifies what comes back. */
  requestToken(options: {
    service?: string;
    /** Each one is sent as its own `scope` parameter. */
    scopes?: string[];
    login?: BasicLogin | null;
    /** Sent as X-Forwarded-For (the app trusts the gateway's), to act from another address. */
    ip?: string;
  }): Promise<TokenAnswer>;
  /** Shortcut: the verified `access` claim of a 200, failing the test otherwise. */
  access(scopes: string[], login?: BasicLogin | null, service?: string): Promise<AccessEntry[]>;
  close(): Promise<void>;
}

/**
 * Serves the app on a loopback port, so tokens are checked exactly as a registry checks them:
 * by `createTokenVerifier` fetching the signing keys from the app's `/-/jwks`.
 */
export async function serveTokenService(app: Express): Promise<TokenService> {
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const verifier = createTokenVerifier({
    jwksUri: `http://127.0.0.1:${port}/-/jwks`,
    issuer: TEST_ISSUER,
    audiences: ['container_registry', 'dependency_proxy'],
  });

  const service: TokenService = {
    async requestToken({ service: name = 'container_registry', scopes = [], login, ip }) {
      const query = new URLSearchParams({ service: name, account: login?.username ?? '' });
      for (const scope of scopes) query.append('scope', scope);
      let call = request(server).get(`/jwt/auth?${query.toString()}`);
      if (login) call = call.auth(login.username, login.password);
      if (ip) call = call.set('X-Forwarded-For', ip);
      const response = await call;
      const answer: TokenAnswer = {
        status: response.status,
        body: response.body as Record<string, unknown>,
        headers: response.headers as Record<string, string>,
      };
      if (response.status === 200) answer.verified = await verifier.verify(String(answer.body.token), name);
      return answer;
    },
    async access(scopes, login, name) {
      const answer = await service.requestToken({ scopes, login, ...(name ? { service: name } : {}) });
      if (!answer.verified)
        throw new Error(`expected a token, got ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.verified.access;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The JWKS client keeps its connection alive; do not wait for it to time out.
        server.closeAllConnections();
      }),
  };
  return service;
}

/** The header and payload of a JWT, unverified, for asserting its exact shape. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  return { header, payload };
}
