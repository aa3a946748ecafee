export { DependencyUnavailableError, unavailableCause } from './dependency-unavailable-error';
export { isNetworkFailure } from './network-errors';
