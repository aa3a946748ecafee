import type { Namespace, Project } from '../generated/prisma/client';
import type { Principal } from '../domain/principal';

/** The answer of `POST /internal/v1/authorize`, member for member as libs/identity-client reads it. */

/** A job's pipeline, when the CI system named one when it asked for the job's token. */
function pipelineJson(jobToken: Extract<Principal, { kind: 'job_token' }>['jobToken']) {
  if (jobToken.pipelineId === null) return null;
  return { id: Number(jobToken.pipelineId), ref: jobToken.ref, sha: jobToken.sha };
}

export function principalJson(principal: Principal): Record<string, unknown> {
  switch (principal.kind) {
    case 'anonymous':
      return { kind: 'anonymous' };
    case 'user':
      return {
        kind: 'user',
        user_id: principal.user.id,
        username: principal.user.username,
        admin: principal.user.admin,
        credential: principal.credential,
      };
    case 'deploy_token':
      return {
        kind: 'deploy_token',
        deploy_token_id: principal.deployToken.id,
        username: principal.deployToken.username,
        credential: principal.credential,
      };
    case 'job_token':
      return {
        kind: 'job_token',
        user_id: principal.user.id,
        username: principal.user.username,
        project_id: principal.jobToken.projectId,
        credential: principal.credential,
        pipeline: pipelineJson(principal.jobToken),
      };
  }
}

/** `access_level`: the caller's role there, so services can apply rules GitLab states in roles. */
export function projectJson(project: Project, accessLevel: number): Record<string, unknown> {
  return {
    id: project.id,
    full_path: project.fullPath,
    visibility: project.visibility,
    access_level: accessLevel,
  };
}

/** Visibility lets the dependency proxy open a public group to anonymous pulls. */
export function groupJson(group: Namespace): Record<string, unknown> {
  return { id: group.id, full_path: group.fullPath, visibility: group.visibility };
}
