/**
 * Error codes of the OCI Distribution specification and Docker Registry API v2, with the status
 * and message distribution's `errcode` registry uses, so clients see what they expect.
 */
export interface OciErrorDescriptor {
  status: number;
  message: string;
  description: string;
}

export const OCI_ERROR_CODES = {
  BLOB_UNKNOWN: {
    status: 404,
    message: 'blob unknown to registry',
    description: 'The blob is not in the repository.',
  },
  BLOB_UPLOAD_INVALID: {
    status: 400,
    message: 'blob upload invalid',
    description: 'The upload failed or was rejected.',
  },
  BLOB_UPLOAD_UNKNOWN: {
    status: 404,
    message: 'blob upload unknown to registry',
    description: 'The upload was cancelled, expired or never existed.',
  },
  DIGEST_INVALID: {
    status: 400,
    message: 'provided digest did not match uploaded content',
    description: 'The content does not hash to the given digest, or the digest is malformed.',
  },
  MANIFEST_BLOB_UNKNOWN: {
    status: 400,
    message: 'blob unknown to registry',
    description: 'The manifest references a blob or manifest the repository does not have.',
  },
  MANIFEST_INVALID: {
    status: 400,
    message: 'manifest invalid',
    description: 'The manifest failed validation.',
  },
  MANIFEST_UNKNOWN: {
    status: 404,
    message: 'manifest unknown',
    description: 'No manifest by that tag or digest.',
  },
  MANIFEST_UNVERIFIED: {
    status: 400,
    message: 'manifest failed signature verification',
    description: 'The manifest signature did not verify.',
  },
  NAME_INVALID: {
    status: 400,
    message: 'invalid repository name',
    description: 'The name breaks the naming rules.',
  },
  NAME_UNKNOWN: {
    status: 404,
    message: 'repository name not known to registry',
    description: 'The repository does not exist.',
  },
  SIZE_INVALID: {
    status: 400,
    message: 'provided length did not match content length',
    description: 'The declared length and the content disagree.',
  },
  TAG_INVALID: {
    status: 400,
    message: 'manifest tag did not match URI',
    description: 'The tag is malformed.',
  },
  UNAUTHORIZED: {
    status: 401,
    message: 'authentication required',
    description: 'Credentials are missing or wrong.',
  },
  DENIED: {
    status: 403,
    message: 'requested access to the resource is denied',
    description: 'The credentials do not grant this action.',
  },
  UNSUPPORTED: {
    status: 405,
    message: 'The operation is unsupported.',
    description: 'The operation is not allowed.',
  },
  RANGE_INVALID: {
    status: 416,
    message: 'invalid content range',
    description: 'The Content-Range is out of order.',
  },
  PAGINATION_NUMBER_INVALID: {
    status: 400,
    message: 'invalid number of results requested',
    description: 'The `n` parameter is not a valid page size.',
  },
  TOOMANYREQUESTS: {
    status: 429,
    message: 'too many requests',
    description: 'The client is being rate limited.',
  },
  UNKNOWN: { status: 500, message: 'unknown error', description: 'An unexpected error occurred.' },
  UNAVAILABLE: { status: 503, message: 'service unavailable', description: 'A dependency is unavailable.' },
} satisfies Record<string, OciErrorDescriptor>;

export type OciErrorCode = keyof typeof OCI_ERROR_CODES;
