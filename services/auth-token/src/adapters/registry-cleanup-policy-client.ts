import { callInternalApi, type InternalAnswer } from '@stowage/http';
import type {
  CleanupPolicyJson,
  CleanupPolicyStore,
  CleanupPolicyWrite,
} from '../domain/projects/cleanup-policy-store';
import { registryEndpoint } from './registry-endpoint';
import { RegistryUnavailableError } from './registry-unavailable';

export interface RegistryCleanupPolicyClientOptions {
  /** The registry's internal base URL, asked at every call (standalone mode learns it late). */
  registryUrl: () => string | undefined;
  /** Sent as X-Stowage-Internal-Secret when set (INTERNAL_API_SECRET, shared with the registry). */
  internalSecret?: string;
  /** Deadline of one call. Default 5 s: a person is waiting for the project update. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A 400 of the registry in one of GitLab's two shapes; anything else is outside the contract. */
function isRefusal(body: unknown): body is Extract<CleanupPolicyWrite, { ok: false }>['refusal'] {
  return isObject(body) && (isObject(body.message) || typeof body.error === 'string');
}

/**
 * The registry's `/internal/v1/projects/:project_id/cleanup_policy` (GET, PUT). Rejects with
 * RegistryUnavailableError when the registry is unknown, unreachable, too slow, or answers
 * outside the contract (a 403 means INTERNAL_API_SECRET differs between the services).
 */
export function registryCleanupPolicyClient(options: RegistryCleanupPolicyClientOptions): CleanupPolicyStore {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function call(projectId: number, method: 'GET' | 'PUT', payload?: unknown): Promise<InternalAnswer> {
    const endpoint = registryEndpoint(
      options.registryUrl,
      `internal/v1/projects/${projectId}/cleanup_policy`,
    );
    try {
      return await callInternalApi(endpoint, payload, { method, secret: options.internalSecret, timeoutMs });
    } catch (error) {
      throw new RegistryUnavailableError('the registry did not answer the cleanup policy call', {
        cause: error,
      });
    }
  }

  function policyOf(answer: InternalAnswer): CleanupPolicyJson {
    if (answer.status !== 200 || !isObject(answer.body)) {
      throw new RegistryUnavailableError(
        `the registry answered the cleanup policy call with ${answer.status}`,
      );
    }
    return answer.body;
  }

  return {
    async read(projectId) {
      return policyOf(await call(projectId, 'GET'));
    },
    async write(projectId, attributes, { dryRun }) {
      const answer = await call(projectId, 'PUT', { attributes, dry_run: dryRun });
      if (answer.status === 400 && isRefusal(answer.body)) return { ok: false, refusal: answer.body };
      return { ok: true, policy: policyOf(answer) };
    },
  };
}
