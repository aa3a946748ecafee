import { runServiceMain } from '@stowage/runtime';
import { loadDependencyProxyConfig } from './config';
import { startDependencyProxy } from './service';

runServiceMain(
  'dependency-proxy',
  () => loadDependencyProxyConfig(),
  (context) => startDependencyProxy(context),
);
