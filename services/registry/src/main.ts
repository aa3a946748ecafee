import { runServiceMain } from '@stowage/runtime';
import { loadRegistryConfig } from './config';
import { startRegistry } from './service';

runServiceMain(
  'registry',
  () => loadRegistryConfig(),
  (context) => startRegistry(context),
);
