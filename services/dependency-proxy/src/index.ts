export { startDependencyProxy } from './service';
export type { DependencyProxyStartOptions } from './service';
export { dependencyProxySchema, loadDependencyProxyConfig, proxyOptions } from './config';
export type { DependencyProxyConfig, ProxyConfig } from './config';
export { DEPENDENCY_PROXY_MIGRATIONS_DIR, DEPENDENCY_PROXY_SCHEMA } from './schema';
