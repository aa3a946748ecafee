import { randomBytes } from 'node:crypto';

/**
 * Tests share the machine's PostgreSQL and RabbitMQ with other runs, so every database, schema,
 * exchange and queue a test creates carries a unique, lowercase, identifier-safe name.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}
