export type {
  AccessLevel,
  AuthorizeRequest,
  AuthorizeResponse,
  IdentityCredentials,
  JobPipeline,
  Principal,
  TargetRef,
} from './authorize-contract';
export { credentialsFromRequest } from './credentials-from-request';
export {
  IdentityThrottledError,
  IdentityUnauthorizedError,
  IdentityUnavailableError,
  MalformedCredentialsError,
} from './errors';
export {
  createIdentityClient,
  IDENTITY_EVENTS,
  type IdentityClient,
  type IdentityClientOptions,
} from './identity-client';
export { authorizeCaller, callerOf, identityFailure, targetRef, type Caller } from './api-caller';
