import { randomUUID } from 'node:crypto';
import { recordEvent, recordEvents, type RawExecutor } from '@stowage/outbox';
import { REGISTRY_SCHEMA } from './schema';

/** What the registry tells other services, through its outbox. */
export interface ContainerEventPayloads {
  'container.manifest.pushed': {
    repository: string;
    project_id: number;
    digest: string;
    media_type: string;
    /** The tag the push named, or null for a push by digest. */
    tag: string | null;
    size: number;
  };
  'container.tag.deleted': { repository: string; project_id: number; tag: string; digest: string };
  'container.repository.deleted': { repository: string; project_id: number };
}

export type ContainerEventType = keyof ContainerEventPayloads;

/** Records a container event in the caller's transaction (see @stowage/outbox). */
export function recordContainerEvent<T extends ContainerEventType>(
  tx: RawExecutor,
  type: T,
  payload: ContainerEventPayloads[T],
  source = 'registry',
): Promise<void> {
  return recordEvent(tx, REGISTRY_SCHEMA, {
    id: randomUUID(),
    type,
    source,
    occurredAt: new Date().toISOString(),
    payload,
  });
}

/** Records several container events of one type at once, in order (one INSERT per thousand). */
export function recordContainerEvents<T extends ContainerEventType>(
  tx: RawExecutor,
  type: T,
  payloads: readonly ContainerEventPayloads[T][],
  source = 'registry',
): Promise<void> {
  const occurredAt = new Date().toISOString();
  return recordEvents(
    tx,
    REGISTRY_SCHEMA,
    payloads.map((payload) => ({ id: randomUUID(), type, source, occurredAt, payload })),
  );
}
