import { canSeeGroup, canSeeProject } from '../visibility';
import type { Principal } from '../principal';
import {
  deployTokenCoversGroup,
  deployTokenCoversProject,
  jobTokenReach,
  type DecisionDb,
  type DecisionGroup,
  type DecisionProject,
} from './principal-role';

/**
 * Whether a principal may know a project or group exists. Callers answer "not found" for what
 * a principal may not see, so existence does not leak.
 */

/**
 * Public projects are seen by all; internal ones by signed-in users; private ones by members
 * (Guest+), by deploy tokens that work on them, and by job tokens as their user where the
 * project accepts the job's tokens.
 */
export async function maySeeProject(
  prisma: DecisionDb,
  principal: Principal,
  project: DecisionProject,
): Promise<boolean> {
  if (project.visibility === 'public') return true;
  switch (principal.kind) {
    case 'anonymous':
      return false;
    case 'deploy_token':
      return deployTokenCoversProject(prisma, principal.deployToken, project);
    case 'user':
    case 'job_token': {
      if (principal.user.state !== 'active') return false;
      if (
        principal.kind === 'job_token' &&
        (await jobTokenReach(prisma, principal.jobToken, project)) === 'none'
      ) {
        return false;
      }
      return canSeeProject(prisma, principal.user, project);
    }
  }
}

/**
 * Groups: public to all, internal to signed-in users, private to members (of the group, a group
 * beneath it or a project inside it) and to its deploy tokens.
 */
export async function maySeeGroup(
  prisma: DecisionDb,
  principal: Principal,
  group: DecisionGroup,
): Promise<boolean> {
  if (group.visibility === 'public') return true;
  switch (principal.kind) {
    case 'anonymous':
      return false;
    case 'deploy_token':
      return deployTokenCoversGroup(prisma, principal.deployToken, group.id);
    case 'user':
    case 'job_token':
      if (principal.user.state !== 'active') return false;
      // As GitLab: members of the group, of a group beneath it, or of a project inside it.
      return canSeeGroup(prisma, principal.user, group);
  }
}
