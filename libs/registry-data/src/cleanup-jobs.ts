/**
 * The jobs the registry's REST API (and the cleanup-worker's policy scheduler) hand to the
 * cleanup-worker: their queue names and payloads, in one place so the producer and the consumer
 * cannot drift apart. Payloads are plain JSON (snake case, as they travel), read back with the
 * parsers below.
 */

/** Deletes a repository whose status the API set to `delete_scheduled`. */
export const REPOSITORY_DELETE_QUEUE = 'registry.repository.delete';

/** Deletes the tags of one repository that a bulk request's rules select. */
export const BULK_TAG_DELETE_QUEUE = 'registry.tags.bulk_delete';

export interface RepositoryDeleteJob {
  repository_id: number;
}

export interface BulkTagDeleteJob {
  repository_id: number;
  /** The pattern of the names to delete, as the client sent it (anchored when compiled). */
  name_regex_delete: string;
  /** The pattern of the names to keep whatever else matches. */
  name_regex_keep: string | null;
  /** How many of the newest matching tags to keep. */
  keep_n: number | null;
  /** GitLab's duration (`1h`, `7d`, `1month`): only tags older than that are deleted. */
  older_than: string | null;
  /** When the request was accepted: ages are measured from it, and later pushes are left alone. */
  requested_at: string;
}

/** A job whose payload no version of the API wrote; retrying cannot help. */
export class MalformedJobError extends Error {
  constructor(queue: string, problem: string) {
    super(`malformed ${queue} job: ${problem}`);
    this.name = 'MalformedJobError';
  }
}

type Fields = Record<string, unknown>;

function fieldsOf(queue: string, payload: unknown): Fields {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new MalformedJobError(queue, 'the payload is not an object');
  }
  return payload as Fields;
}

function repositoryIdOf(queue: string, fields: Fields): number {
  const id = fields.repository_id;
  if (!Number.isSafeInteger(id) || (id as number) < 1) throw new MalformedJobError(queue, 'repository_id');
  return id as number;
}

function optionalText(queue: string, fields: Fields, name: string): string | null {
  const value = fields[name] ?? null;
  if (value !== null && typeof value !== 'string') throw new MalformedJobError(queue, name);
  return value;
}

export function parseRepositoryDeleteJob(payload: unknown): RepositoryDeleteJob {
  const fields = fieldsOf(REPOSITORY_DELETE_QUEUE, payload);
  return { repository_id: repositoryIdOf(REPOSITORY_DELETE_QUEUE, fields) };
}

export function parseBulkTagDeleteJob(payload: unknown): BulkTagDeleteJob {
  const queue = BULK_TAG_DELETE_QUEUE;
  const fields = fieldsOf(queue, payload);
  const nameRegexDelete = optionalText(queue, fields, 'name_regex_delete');
  if (nameRegexDelete === null) throw new MalformedJobError(queue, 'name_regex_delete');
  const keepN = fields.keep_n ?? null;
  if (keepN !== null && (!Number.isSafeInteger(keepN) || (keepN as number) < 0)) {
    throw new MalformedJobError(queue, 'keep_n');
  }
  const requestedAt = optionalText(queue, fields, 'requested_at');
  if (requestedAt === null || Number.isNaN(Date.parse(requestedAt))) {
    throw new MalformedJobError(queue, 'requested_at');
  }
  return {
    repository_id: repositoryIdOf(queue, fields),
    name_regex_delete: nameRegexDelete,
    name_regex_keep: optionalText(queue, fields, 'name_regex_keep'),
    keep_n: keepN as number | null,
    older_than: optionalText(queue, fields, 'older_than'),
    requested_at: requestedAt,
  };
}

/** Runs a project's cleanup policy (scheduled, asked for through the API, or the rest of a run). */
export const CLEANUP_POLICY_RUN_QUEUE = 'cleanup.policy.run';

export interface CleanupPolicyRunJob {
  project_id: number;
  /**
   * When the run was queued. Ages are measured from it and tags pushed after it are left alone,
   * so a redelivered job, or the job that finishes a run, selects from the same tags.
   */
  queued_at: string;
}

export function parseCleanupPolicyRunJob(payload: unknown): CleanupPolicyRunJob {
  const queue = CLEANUP_POLICY_RUN_QUEUE;
  const fields = fieldsOf(queue, payload);
  const projectId = fields.project_id;
  if (!Number.isSafeInteger(projectId) || (projectId as number) < 1 || (projectId as number) > 2 ** 31 - 1) {
    throw new MalformedJobError(queue, 'project_id');
  }
  const queuedAt = optionalText(queue, fields, 'queued_at');
  if (queuedAt === null || Number.isNaN(Date.parse(queuedAt)))
    throw new MalformedJobError(queue, 'queued_at');
  return { project_id: projectId as number, queued_at: queuedAt };
}
