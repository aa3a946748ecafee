export * from './review-batch';
export * from './manifest-reviews';
export * from './blob-reviews';
export * from './storage-deletions';
export * from './abandoned-uploads';
export * from './backlog';
