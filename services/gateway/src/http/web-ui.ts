import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

/** The built single-page app (`@stowage/web-ui`): its page and its hashed assets. */
export interface WebUi {
  indexHtml: Buffer;
  assetsDirectory: string;
}

/** Where the SPA's hashed assets are served (its Vite `base`); `-` is a reserved name. */
export const WEB_UI_ASSETS_PATH = '/-/ui/assets';

/**
 * Paths that are never pages: the APIs, the token service, the gateway's own endpoints. Anything
 * else a browser asks for as HTML is a page of the app, which reads its URL to decide what to show
 * (GitLab's page URLs nest group and project paths freely, so the gateway cannot list them).
 */
const NOT_PAGES = /^\/(?:v2|api|jwt|-|metrics)(?:\/|$)/;

// The page loads only its own files and talks only to this origin: an injected script or a
// framing site gets nowhere.
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-cache',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

/** The app as `pnpm run build` left it, or null when it was not built (the APIs work without it). */
export function builtWebUi(): WebUi | null {
  let packageJson: string;
  try {
    packageJson = require.resolve('@stowage/web-ui/package.json');
  } catch {
    return null;
  }
  return webUiIn(path.join(path.dirname(packageJson), 'dist'));
}

export function webUiIn(directory: string): WebUi | null {
  try {
    return {
      indexHtml: readFileSync(path.join(directory, 'index.html')),
      assetsDirectory: path.join(directory, 'assets'),
    };
  } catch {
    return null;
  }
}

/**
 * Serves the app ahead of the route table: its assets (named by content hash, so cached for good)
 * and its page for every GET of a page URL that asks for HTML. API clients (docker, npm, curl,
 * fetch) do not ask for HTML, so they reach the services exactly as before, including on paths a
 * browser would treat as pages.
 */
export function serveWebUi(ui: WebUi): Router {
  const router = express.Router();
  router.use(
    WEB_UI_ASSETS_PATH,
    express.static(ui.assetsDirectory, { immutable: true, maxAge: '365d', index: false, redirect: false }),
  );
  router.use(sendPage(ui));
  return router;
}

function sendPage(ui: WebUi): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_PAGES.test(req.path)) return next();
    if (!req.headers.accept?.includes('text/html')) return next();
    res.set(PAGE_HEADERS);
    res.set('Content-Length', String(ui.indexHtml.length));
    res.status(200).end(req.method === 'HEAD' ? undefined : ui.indexHtml);
  };
}
