export * from './real-components';
export * from './unique-names';
export * from './s3-server';
export * from './async-helpers';
export * from './rabbit-admin';
export * from './docker-cli';
export * from './run-command';
export * from './containers-cli';
