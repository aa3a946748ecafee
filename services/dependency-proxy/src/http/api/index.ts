import express, { Router } from 'express';
import type { ProxyApiContext } from './api-context';
import { purgeCache } from './cache-purge';
import { listManifests } from './cached-manifests';
import { getCacheStorage } from './cache-storage';
import { getSettings, putSettings } from './settings';

/** Settings are a few upstreams; nothing legitimate comes near this. */
const BODY_LIMIT = '64kb';

/** The dependency proxy's GitLab-style REST API (`/api/v4/groups/:id/dependency_proxy/...`). */
export function dependencyProxyRestApi(context: ProxyApiContext): Router {
  const router = Router();
  const base = '/groups/:id/dependency_proxy';
  router.get(`${base}/settings`, getSettings(context));
  router.put(`${base}/settings`, express.json({ limit: BODY_LIMIT }), putSettings(context));
  router.get(`${base}/manifests`, listManifests(context));
  router.get(`${base}/storage`, getCacheStorage(context));
  router.delete(`${base}/cache`, purgeCache(context));
  return router;
}
