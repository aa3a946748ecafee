import { runServiceMain } from '@stowage/runtime';
import { loadAuthTokenConfig } from './config';
import { startAuthToken } from './service';

runServiceMain(
  'auth-token',
  () => loadAuthTokenConfig(),
  (context) => startAuthToken(context),
);
