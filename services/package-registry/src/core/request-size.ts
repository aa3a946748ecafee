import type { Request } from 'express';
import { InvalidPackageInputError } from './package-errors';

/** The body length the client announced, or undefined for a chunked body. */
export function announcedLength(req: Request): number | undefined {
  const raw = req.get('Content-Length');
  if (raw === undefined) return undefined;
  if (!/^\d{1,16}$/.test(raw)) throw new InvalidPackageInputError('Content-Length is malformed');
  return Number(raw);
}
