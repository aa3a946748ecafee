import { ApiError } from '@stowage/http';
import type { Credentials } from '../domain/credentials';
import type { Ref } from '../domain/lookup';

/**
 * Abilities `POST /internal/v1/authorize` decides, by the target they are decided on.
 * `admin_package` exists on both (as in GitLab): it is decided on the project when the request
 * names one, otherwise on the group.
 */
export const PROJECT_ABILITIES = [
  'read_container_image',
  'create_container_image',
  'destroy_container_image',
  'read_package',
  'create_package',
  'destroy_package',
  'admin_package',
] as const;
export const GROUP_ABILITIES = ['read_dependency_proxy', 'admin_dependency_proxy', 'admin_package'] as const;

export type ProjectAbility = (typeof PROJECT_ABILITIES)[number];
export type GroupAbility = (typeof GROUP_ABILITIES)[number];
export type Ability = ProjectAbility | GroupAbility;

const ABILITIES = new Set<string>([...PROJECT_ABILITIES, ...GROUP_ABILITIES]);

const isProjectAbility = (ability: Ability): ability is ProjectAbility =>
  (PROJECT_ABILITIES as readonly string[]).includes(ability);

/** Kinds that carry one secret. `password` is not among them: only the sign-in form makes it. */
const TOKEN_KINDS = new Set(['bearer', 'private_token', 'deploy_token', 'job_token', 'session']);

/** Bounds that no real value reaches; longer ones are refused instead of being looked up. */
const MAX_USERNAME_LENGTH = 255;
const MAX_CLIENT_IP_LENGTH = 100;
const MAX_PATH_LENGTH = 2048;

export interface AuthorizeRequest {
  credentials: Credentials | null;
  clientIp: string | undefined;
  project: Ref | null;
  group: Ref | null;
  /** Deduplicated, in the order asked. */
  abilities: Ability[];
  /** The abilities decided on the project, and those decided on the group. */
  projectAbilities: ProjectAbility[];
  groupAbilities: GroupAbility[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Grape's wording, which GitLab API clients already handle.
const invalid = (field: string) => new ApiError(400, { error: `${field} is invalid` });

function parseCredentials(value: unknown): Credentials | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) throw invalid('credentials');
  const { kind, username, password, token } = value;
  if (kind === 'basic') {
    if (
      typeof username !== 'string' ||
      username.length > MAX_USERNAME_LENGTH ||
      typeof password !== 'string'
    ) {
      throw invalid('credentials');
    }
    return { kind, username, password };
  }
  if (typeof kind === 'string' && TOKEN_KINDS.has(kind) && typeof token === 'string') {
    return { kind: kind as Exclude<Credentials['kind'], 'basic' | 'password'>, token };
  }
  throw invalid('credentials');
}

function parseRef(field: string, value: unknown): Ref | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && value.length > 0 && value.length <= MAX_PATH_LENGTH) return value;
  throw invalid(field);
}

function parseClientIp(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.length > 0 && value.length <= MAX_CLIENT_IP_LENGTH) return value;
  throw invalid('client_ip');
}

function parseAbilities(value: unknown): Ability[] {
  if (value === undefined) throw ApiError.missingParameter('abilities');
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid('abilities');
  if (!value.every((item) => ABILITIES.has(item))) {
    throw new ApiError(400, { error: 'abilities does not have a valid value' });
  }
  return [...new Set(value as Ability[])];
}

/** Reads the JSON body of an authorize call, or throws the 400 that names what is wrong. */
export function parseAuthorizeRequest(body: unknown): AuthorizeRequest {
  if (!isRecord(body)) throw ApiError.badRequest('the body must be a JSON object');
  const project = parseRef('project', body.project);
  const abilities = parseAbilities(body.abilities);
  const onProject = (ability: Ability): ability is ProjectAbility =>
    isProjectAbility(ability) &&
    (project !== null || !(GROUP_ABILITIES as readonly string[]).includes(ability));
  return {
    credentials: parseCredentials(body.credentials),
    clientIp: parseClientIp(body.client_ip),
    project,
    group: parseRef('group', body.group),
    abilities,
    projectAbilities: abilities.filter(onProject),
    groupAbilities: abilities.filter((ability): ability is GroupAbility => !onProject(ability)),
  };
}
