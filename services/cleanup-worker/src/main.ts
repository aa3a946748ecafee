import { runServiceMain } from '@stowage/runtime';
import { loadCleanupWorkerConfig } from './config';
import { startCleanupWorker } from './service';

runServiceMain(
  'cleanup-worker',
  () => loadCleanupWorkerConfig(),
  (context) => startCleanupWorker(context),
);
