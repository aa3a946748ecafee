import { newEvent } from '@stowage/bus';
import { recordEvent, type RawExecutor } from '@stowage/outbox';
import { PACKAGE_REGISTRY_SCHEMA } from './schema';

/** A file was added to a package (a new package or version, or one more file of it). */
export const PACKAGE_PUBLISHED = 'package.published';
/** A package (every file of it) was deleted; its objects go once no other file uses them. */
export const PACKAGE_DELETED = 'package.deleted';

export interface PackageEventPayload {
  package_id: number;
  project_id: number;
  package_type: string;
  name: string;
  version: string | null;
}

export interface PackagePublishedPayload extends PackageEventPayload {
  file_name: string;
  size: number;
  sha256: string;
}

/** Records a package event in the caller's transaction (the outbox publishes it after commit). */
export function recordPackageEvent(
  tx: RawExecutor,
  type: typeof PACKAGE_PUBLISHED | typeof PACKAGE_DELETED,
  payload: PackageEventPayload | PackagePublishedPayload,
): Promise<void> {
  return recordEvent(tx, PACKAGE_REGISTRY_SCHEMA, newEvent(type, 'package-registry', payload));
}
