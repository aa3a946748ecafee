import { runServiceMain } from '@stowage/runtime';
import { loadPackageRegistryConfig } from './config';
import { startPackageRegistry } from './service';

runServiceMain(
  'package-registry',
  () => loadPackageRegistryConfig(),
  (context) => startPackageRegistry(context),
);
