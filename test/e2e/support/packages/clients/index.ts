/**
 * The real package clients (npm, twine, pip, Maven, curl) driven the way users drive them, for
 * the package registry's end-to-end tests, plus loopback stand-ins that record what the clients
 * send. See /test/e2e/package-clients-toolkit.test.ts for each helper in use.
 */
export * from './client-auth';
export * from './client-home';
export * from './npm-client';
export * from './verdaccio-server';
export * from './python-dists';
export * from './pypi-client';
export * from './pypi-stand-in-route';
export * from './maven-files';
export * from './maven-client';
export * from './generic-client';
export * from './recording-server';
export * from './file-repository-route';
export * from './forwarding-route';
