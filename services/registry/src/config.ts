import {
  authTokenUrlOption,
  externalUrlOption,
  infrastructureOptions,
  listenOptions,
  loadConfig,
  loggingOptions,
  tokenIssuerOption,
  type AuthTokenUrlConfig,
  type ExternalUrlConfig,
  type InfrastructureConfig,
  type ListenConfig,
  type LoggingConfig,
  type TokenIssuerConfig,
} from '@stowage/config';

export interface RegistryConfig
  extends
    ListenConfig,
    LoggingConfig,
    InfrastructureConfig,
    ExternalUrlConfig,
    AuthTokenUrlConfig,
    TokenIssuerConfig {}

export const registrySchema = {
  ...listenOptions(5002),
  ...loggingOptions,
  ...infrastructureOptions,
  ...externalUrlOption,
  ...authTokenUrlOption,
  ...tokenIssuerOption,
};

export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  return loadConfig<RegistryConfig>(registrySchema, env);
}
