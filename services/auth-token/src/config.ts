import {
  infrastructureOptions,
  listenOptions,
  loadConfig,
  loggingOptions,
  tokenIssuerOption,
  type InfrastructureConfig,
  type ListenConfig,
  type LoggingConfig,
  type TokenIssuerConfig,
} from '@stowage/config';

export interface AuthTokenConfig
  extends ListenConfig, LoggingConfig, InfrastructureConfig, TokenIssuerConfig {}

export const authTokenSchema = {
  ...listenOptions(5001),
  ...loggingOptions,
  ...infrastructureOptions,
  ...tokenIssuerOption,
};

export function loadAuthTokenConfig(env: NodeJS.ProcessEnv = process.env): AuthTokenConfig {
  return loadConfig<AuthTokenConfig>(authTokenSchema, env);
}
