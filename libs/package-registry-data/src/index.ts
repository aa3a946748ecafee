export * from './client';
export * from './schema';
export * from './storage-keys';
export * from './package-status';
export * from './package-types';
export * from './package-events';
export * from './jobs';
export * from './storage-deletions';
