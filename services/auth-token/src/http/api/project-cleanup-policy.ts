import { ApiError } from '@stowage/http';
import { RegistryUnavailableError } from '../../adapters/registry-unavailable';
import type { CleanupPolicyJson } from '../../domain/projects/cleanup-policy-store';
import type { ApiContext } from './api-context';

/**
 * `container_expiration_policy_attributes` of `PUT /projects/:id` and the
 * `container_expiration_policy` of a project's JSON. The policy is the registry's (ADR 0007):
 * the attributes are checked there before the project changes (a refusal saves nothing) and
 * saved there after it.
 */

function storeOf(context: ApiContext) {
  if (!context.cleanupPolicies) {
    throw new RegistryUnavailableError('REGISTRY_URL is empty: cleanup policies cannot be reached');
  }
  return context.cleanupPolicies;
}

/** Checks the attributes without saving them: the registry's 400 (naming the field) otherwise. */
export async function checkCleanupPolicyAttributes(
  context: ApiContext,
  projectId: number,
  attributes: unknown,
): Promise<void> {
  const outcome = await storeOf(context).write(projectId, attributes, { dryRun: true });
  if (!outcome.ok) throw new ApiError(400, outcome.refusal);
}

/** Saves the attributes (already checked); next_run_at becomes now + cadence. */
export async function saveCleanupPolicyAttributes(
  context: ApiContext,
  projectId: number,
  attributes: unknown,
): Promise<CleanupPolicyJson> {
  const outcome = await storeOf(context).write(projectId, attributes, { dryRun: false });
  // The registry checks again; attributes that passed the dry run pass again, so this guards
  // only against the two services disagreeing on the contract.
  if (!outcome.ok) throw new ApiError(400, outcome.refusal);
  return outcome.policy;
}

/**
 * `{container_expiration_policy}` for a project's JSON. A project is still shown while the
 * registry cannot be asked, without the field (logged), as identity must not depend on it.
 */
export async function cleanupPolicyField(
  context: ApiContext,
  projectId: number,
): Promise<{ container_expiration_policy?: CleanupPolicyJson }> {
  if (!context.cleanupPolicies) return {};
  try {
    return { container_expiration_policy: await context.cleanupPolicies.read(projectId) };
  } catch (error) {
    if (!(error instanceof RegistryUnavailableError)) throw error;
    context.logger.warn('project shown without its cleanup policy: the registry did not answer', {
      projectId,
      error: error.message,
    });
    return {};
  }
}
