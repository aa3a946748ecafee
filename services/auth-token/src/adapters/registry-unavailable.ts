import { DependencyUnavailableError } from '@stowage/errors';

/** The registry did not answer an internal call as its contract says (down, timed out, wrong secret). */
export class RegistryUnavailableError extends DependencyUnavailableError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('registry', message, { cause: options.cause });
    this.name = 'RegistryUnavailableError';
  }
}
