import { callInternalApi, type InternalAnswer } from '@stowage/http';
import type { RegistryTags } from '../domain/projects/registry-rename-guard';
import { registryEndpoint } from './registry-endpoint';
import { RegistryUnavailableError } from './registry-unavailable';

export interface RegistryTagsClientOptions {
  /**
   * The registry's internal base URL (e.g. `http://registry:5002`), asked at every call:
   * standalone mode starts auth-token before the registry, so it is unknown at first (undefined).
   */
  registryUrl: () => string | undefined;
  /** Sent as X-Stowage-Internal-Secret when set (INTERNAL_API_SECRET, shared with the registry). */
  internalSecret?: string;
  /** Deadline of one call, body included. Default 5 s: a person is waiting for the rename. */
  timeoutMs?: number;
}

/** The registry's MAX_PROJECT_IDS (services/registry/src/http/internal/tags-present-request.ts). */
const IDS_PER_CALL = 1000;
const DEFAULT_TIMEOUT_MS = 5_000;

function parseAnswer(body: unknown): number[] | null {
  const ids = (body as { project_ids_with_tags?: unknown } | null)?.project_ids_with_tags;
  return Array.isArray(ids) && ids.every((id) => Number.isSafeInteger(id)) ? (ids as number[]) : null;
}

/**
 * Asks the registry's `POST /internal/v1/projects/tags-present`, in calls of at most
 * IDS_PER_CALL ids (a group rename asks about every project beneath the group).
 * Rejects with RegistryUnavailableError when no URL is known yet, on a network error or
 * timeout, on any status but 200 (a 403 means INTERNAL_API_SECRET differs between the
 * services), or on an answer outside the contract.
 */
export function registryTagsClient(options: RegistryTagsClientOptions): RegistryTags {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function ask(endpoint: string, projectIds: number[]): Promise<number[]> {
    let response: InternalAnswer;
    try {
      response = await callInternalApi(
        endpoint,
        { project_ids: projectIds },
        { secret: options.internalSecret, timeoutMs },
      );
    } catch (error) {
      throw new RegistryUnavailableError('the registry did not answer the tags-present call', {
        cause: error,
      });
    }
    if (response.status !== 200) {
      throw new RegistryUnavailableError(
        `the registry answered the tags-present call with ${response.status}`,
      );
    }
    const answer = parseAnswer(response.body);
    if (!answer)
      throw new RegistryUnavailableError('the registry answered the tags-present call outside the contract');
    return answer;
  }

  return {
    async projectsWithTags(projectIds) {
      const endpoint = registryEndpoint(options.registryUrl, 'internal/v1/projects/tags-present');
      const tagged: number[] = [];
      for (let start = 0; start < projectIds.length; start += IDS_PER_CALL) {
        tagged.push(...(await ask(endpoint, projectIds.slice(start, start + IDS_PER_CALL))));
      }
      return tagged;
    },
  };
}
