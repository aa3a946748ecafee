/** Reads the parts of an AWS SDK v3 error that adapters translate; anything else passes through. */
interface S3ErrorShape {
  name?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number };
}

export function s3ErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, Code } = error as S3ErrorShape;
  if (typeof Code === 'string') return Code;
  return typeof name === 'string' ? name : undefined;
}

export function s3Status(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as S3ErrorShape).$metadata?.httpStatusCode;
}

/** HEAD answers carry no body, so a missing object or bucket shows only as a 404 status. */
export function isS3NotFound(error: unknown, ...codes: string[]): boolean {
  const code = s3ErrorCode(error);
  return s3Status(error) === 404 || (code !== undefined && ['NotFound', ...codes].includes(code));
}
