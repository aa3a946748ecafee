export * from './client';
export * from './schema';
export * from './storage-keys';
export * from './jobs';
export * from './cache-removal';
export * from './storage-deletions';
export * from './ttl-schedule';
export * from './ttl-run';
