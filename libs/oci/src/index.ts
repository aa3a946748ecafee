export * from './media-types';
export * from './digests';
export * from './names';
export * from './manifest-references';
export * from './manifest-negotiation';
export * from './http/send-blob';
export * from './manifest-contents';
