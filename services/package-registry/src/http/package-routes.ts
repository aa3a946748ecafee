import express, { type Express, type Request } from 'express';
import type { ErrorFormat } from '@stowage/http';
import { packageGitlabErrorFormat } from '../core/error-formats';
import type { PackageContext } from '../core/package-context';
import { ALL_FORMATS } from '../formats';
import { packagesApi } from './api';

/** Each format's clients read errors in their own shape; GitLab's everywhere else. */
export function packageErrorFormat(req: Request): ErrorFormat {
  const path = req.path.replace(/^\/api\/v4/, '');
  return (
    ALL_FORMATS.find((format) => format.errors?.matches(path))?.errors?.format ?? packageGitlabErrorFormat
  );
}

/** GitLab's Packages API and every format's endpoints under `/api/v4` (the service's routes, and tests'). */
export function mountPackageRoutes(app: Express, ctx: PackageContext): void {
  const api = express.Router();
  packagesApi(api, ctx);
  for (const format of ALL_FORMATS) format.routes(api, ctx);
  app.use('/api/v4', api);
}
