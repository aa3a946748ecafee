import { ApiError, type ErrorFormat } from '@stowage/http';
import { describePackageError } from '../../core/error-formats';

/**
 * npm's error shape: the CLI prints `body.error` after the status line (`E403 ... - <error>`).
 * `message` carries the same text for readers of GitLab's shape. Refusals from the core and from
 * access checks (GitLab's ApiError) keep their status and words.
 */
function npmBody(text: string) {
  return { error: text, message: text };
}

function apiErrorText(error: ApiError): string {
  const body = error.body as { message?: unknown; error?: unknown };
  if (typeof body.message === 'string') return body.message;
  if (typeof body.error === 'string') return body.error;
  return JSON.stringify(body.message ?? body);
}

export const npmErrorFormat: ErrorFormat = {
  describe(error) {
    const known = describePackageError(error);
    if (known) return { status: known.status, body: npmBody(known.message) };
    if (error instanceof ApiError) return { status: error.status, body: npmBody(apiErrorText(error)) };
    return undefined;
  },
  clientError(_status, message) {
    return npmBody(message);
  },
  serverError(logId) {
    return { ...npmBody('Internal Server Error'), log_id: logId };
  },
  unavailable() {
    return npmBody('Service Unavailable');
  },
};

/** The npm endpoints below `/api/v4`: project, group and instance level. */
export function isNpmPath(path: string): boolean {
  return (
    /^\/projects\/[^/]+\/packages\/npm(\/|$)/.test(path) ||
    /^\/groups\/[^/]+\/-\/packages\/npm(\/|$)/.test(path) ||
    /^\/packages\/npm(\/|$)/.test(path)
  );
}
