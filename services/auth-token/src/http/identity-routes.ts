import type { Express } from 'express';
import type { ApiContext } from './api/api-context';
import { apiRouter } from './api/api-router';
import { browserSessionsRouter } from './browser-sessions';
import { internalApiRouter } from './internal-api';
import { jwksRouter } from './jwks';
import { jwtAuthRouter } from './jwt-auth';

/** Every route auth-token serves. `/internal/v1` is for other services; the gateway never routes it. */
export function identityRoutes(app: Express, context: ApiContext): void {
  app.use(jwksRouter(context.prisma));
  app.use(jwtAuthRouter(context));
  app.use(browserSessionsRouter(context));
  app.use('/internal/v1', internalApiRouter(context));
  app.use('/api/v4', apiRouter(context));
}
