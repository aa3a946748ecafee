export * from './client';
export * from './schema';
export * from './storage-keys';
export * from './jobs';
