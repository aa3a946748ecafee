import { OCI_ERROR_CODES } from './oci-error-codes';
import { ApiError, OciError } from './http-errors';

/** How one protocol writes its errors. */
export interface ErrorFormat {
  /** The status and body for an error this protocol knows, or undefined. */
  describe(error: unknown): { status: number; body: unknown } | undefined;
  /** A client error raised by the framework (malformed JSON, body too large, no such route). */
  clientError(status: number, message: string): unknown;
  /** A server error: a generic message and the id under which the detail was logged. */
  serverError(logId: string): unknown;
  /** A dependency is down (503): nothing to look up, the client should retry later. */
  unavailable(): unknown;
}

export const ociErrorFormat: ErrorFormat = {
  describe(error) {
    if (!(error instanceof OciError)) return undefined;
    const entry: Record<string, unknown> = { code: error.code, message: error.message };
    entry.detail = error.detail ?? null;
    return { status: error.status, body: { errors: [entry] } };
  },
  clientError(status, message) {
    const code = status === 404 ? 'NAME_UNKNOWN' : status === 413 ? 'SIZE_INVALID' : 'UNSUPPORTED';
    return { errors: [{ code, message, detail: null }] };
  },
  serverError(logId) {
    return {
      errors: [{ code: 'UNKNOWN', message: OCI_ERROR_CODES.UNKNOWN.message, detail: { log_id: logId } }],
    };
  },
  unavailable() {
    return { errors: [{ code: 'UNAVAILABLE', message: OCI_ERROR_CODES.UNAVAILABLE.message, detail: null }] };
  },
};

export const gitlabErrorFormat: ErrorFormat = {
  describe(error) {
    if (!(error instanceof ApiError)) return undefined;
    return { status: error.status, body: error.body };
  },
  clientError(status, message) {
    return { message: `${status} ${message}` };
  },
  serverError(logId) {
    return { message: '500 Internal Server Error', log_id: logId };
  },
  unavailable() {
    return { message: '503 Service Unavailable' };
  },
};
