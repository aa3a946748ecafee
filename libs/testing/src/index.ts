export * from './real-components';
export * from './unique-names';
export * from './s3-server';
