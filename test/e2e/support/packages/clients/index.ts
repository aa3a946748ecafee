/**
 * The real package clients (npm, twine, pip, Maven, curl) driven the way users drive them, for
 * the package registry's end-to-end tests (test/e2e/support/packages/*-scenarios.ts use them),
 * and a recording proxy that shows what the clients send.
 */
export * from './client-auth';
export * from './client-home';
export * from './npm-client';
export * from './python-dists';
export * from './pypi-client';
export * from './maven-files';
export * from './maven-client';
export * from './recording-server';
export * from './forwarding-route';
