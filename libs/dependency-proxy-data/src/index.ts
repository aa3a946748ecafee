export * from './client';
export * from './schema';
export * from './storage-keys';
export * from './jobs';
export * from './group-settings';
export * from './cached-manifests';
export * from './cached-blobs';
