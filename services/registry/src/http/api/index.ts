import { Router } from 'express';
import type { RestApiContext } from './rest-api-context';

/** GitLab's container registry REST API (`/api/v4/...registry/repositories...`). */
export function registryRestApi(_context: RestApiContext): Router {
  return Router();
}
