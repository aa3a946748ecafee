export { OCI_ERROR_CODES } from './oci-error-codes';
export type { OciErrorCode, OciErrorDescriptor } from './oci-error-codes';
export { OciError, ApiError } from './http-errors';
export { ociErrorFormat, gitlabErrorFormat } from './error-format';
export type { ErrorFormat } from './error-format';
export { errorHandler, notFoundHandler } from './error-handler';
export type { ErrorFormatChoice } from './error-handler';
