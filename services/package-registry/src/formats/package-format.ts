import type { Router } from 'express';
import type { ErrorFormat } from '@stowage/http';
import type { PackageType } from '@stowage/package-registry-data';
import type { PackageContext } from '../core/package-context';

/**
 * A package format: its routes at GitLab's paths and, where its clients expect another error
 * shape than GitLab's `{"message"}`, its error format. Formats are built on the core (access,
 * staging, publishing, serving) and hold only what is particular to their protocol.
 */
export interface PackageFormat {
  type: PackageType;
  /** Mounts the routes on the `/api/v4` router (paths below it, e.g. `/projects/:id/packages/npm/...`). */
  routes(router: Router, ctx: PackageContext): void;
  /** The error format of the format's paths (below `/api/v4`), when not GitLab's. */
  errors?: { matches(path: string): boolean; format: ErrorFormat };
}
