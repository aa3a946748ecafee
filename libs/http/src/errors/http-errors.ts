import { OCI_ERROR_CODES, type OciErrorCode } from './oci-error-codes';

/**
 * Errors an HTTP handler throws to answer a client in its protocol's format. They live in the
 * HTTP layer: domain code throws domain errors, and each service's handlers translate them.
 */

/** An OCI / Docker Registry v2 error: `{"errors":[{"code","message","detail"}]}`. */
export class OciError extends Error {
  readonly status: number;
  constructor(
    readonly code: OciErrorCode,
    readonly detail?: unknown,
    message?: string,
  ) {
    super(message ?? OCI_ERROR_CODES[code].message);
    this.name = 'OciError';
    this.status = OCI_ERROR_CODES[code].status;
  }
}

/** A GitLab-style API error: `{"message": "404 Project Not Found"}` or field-keyed validation errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body:
      | { message: string | Record<string, string[]> }
      // Grape's parameter errors, and OAuth-style ones such as insufficient_scope.
      | { error: string; [detail: string]: string },
  ) {
    const { message, error } = body as { message?: unknown; error?: unknown };
    super(typeof message === 'string' ? message : typeof error === 'string' ? error : `${status}`);
    this.name = 'ApiError';
  }

  /** `404 Project Not Found`, as GitLab words it. */
  static notFound(what = ''): ApiError {
    return new ApiError(404, { message: `404 ${what ? `${what} ` : ''}Not Found` });
  }

  static unauthorized(): ApiError {
    return new ApiError(401, { message: '401 Unauthorized' });
  }

  static forbidden(): ApiError {
    return new ApiError(403, { message: '403 Forbidden' });
  }

  /** A 400 naming the field, as GitLab's Grape validations do: `{"message":{"name":["is too long"]}}`. */
  static invalidField(field: string, problem: string): ApiError {
    return new ApiError(400, { message: { [field]: [problem] } });
  }

  /** A required parameter is missing: `{"error":"name is missing"}`. */
  static missingParameter(name: string): ApiError {
    return new ApiError(400, { error: `${name} is missing` });
  }

  static badRequest(message: string): ApiError {
    return new ApiError(400, { message: `400 Bad request - ${message}` });
  }
}
