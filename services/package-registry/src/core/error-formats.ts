import { STATUS_CODES } from 'node:http';
import { gitlabErrorFormat, type ErrorFormat } from '@stowage/http';
import { PackageError } from './package-errors';

/** A core refusal's status and message, for formats that word errors their own way. */
export function describePackageError(error: unknown): { status: number; message: string } | undefined {
  if (!(error instanceof PackageError)) return undefined;
  return { status: error.status, message: error.message };
}

/** GitLab's wording: `400 Bad request - <detail>`, `404 Package Not Found`. */
export function gitlabMessage(status: number, message: string): string {
  if (status === 404) return `404 ${message}`;
  return `${status} ${STATUS_CODES[status] ?? 'Error'} - ${message}`;
}

/** GitLab's `{"message": ...}` for the API's own errors and the core's refusals. */
export const packageGitlabErrorFormat: ErrorFormat = {
  ...gitlabErrorFormat,
  describe(error) {
    const known = describePackageError(error);
    if (known) return { status: known.status, body: { message: gitlabMessage(known.status, known.message) } };
    return gitlabErrorFormat.describe(error);
  },
};
