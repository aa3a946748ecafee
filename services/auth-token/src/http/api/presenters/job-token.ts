import type { JobToken, Project } from '../../../generated/prisma/client';
import { jobTokenStatus } from '../../../domain/job-tokens/job-token-status';
import { baseUrl } from './namespace';

/** A job token; `token` only in the create response. */
export function presentJobToken(row: JobToken, now: Date, token?: string) {
  return {
    id: row.id,
    ...(token !== undefined && { token }),
    project_id: row.projectId,
    user_id: row.userId,
    job_id: row.jobId,
    pipeline_id: row.pipelineId === null ? null : Number(row.pipelineId),
    ref: row.ref,
    sha: row.sha,
    expires_at: row.expiresAt.toISOString(),
    status: jobTokenStatus(row, now),
  };
}

/** The project basics GitLab lists in a job token allowlist. */
export function presentAllowlistedProject(project: Project, externalUrl: string) {
  return {
    id: project.id,
    name: project.name,
    path: project.path,
    path_with_namespace: project.fullPath,
    description: project.description,
    created_at: project.createdAt.toISOString(),
    web_url: `${baseUrl(externalUrl)}/${project.fullPath}`,
  };
}

/** GitLab's answer to adding a project to an allowlist: `source` is the guarded project. */
export function presentScopeLink(project: Project, admitted: Project) {
  return { source_project_id: project.id, target_project_id: admitted.id };
}
