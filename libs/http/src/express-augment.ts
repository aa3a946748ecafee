import type { Logger } from '@stowage/logging';

declare global {
  // Express merges its Request type through this global namespace; there is no module alternative.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Request id: the caller's valid `X-Request-Id` or a fresh UUID. */
      id: string;
      /** Child logger carrying request id (and, once known, principal and resource). */
      log: Logger;
    }
  }
}

export {};
