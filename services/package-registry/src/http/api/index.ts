import type { Router } from 'express';
import type { PackageContext } from '../../core/package-context';

/**
 * GitLab's Packages API (`/projects/:id/packages`, `/groups/:id/packages`, files, pipelines,
 * protection rules, settings). Mounted before the formats: its paths do not overlap theirs.
 */
export function packagesApi(_router: Router, _ctx: PackageContext): void {
  // The listing, details and deletion endpoints arrive in the next commits (issue 11).
}
