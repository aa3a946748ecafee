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

export interface DependencyProxyConfig
  extends
    ListenConfig,
    LoggingConfig,
    InfrastructureConfig,
    ExternalUrlConfig,
    AuthTokenUrlConfig,
    TokenIssuerConfig {}

export const dependencyProxySchema = {
  ...listenOptions(5003),
  ...loggingOptions,
  ...infrastructureOptions,
  ...externalUrlOption,
  ...authTokenUrlOption,
  ...tokenIssuerOption,
};

export function loadDependencyProxyConfig(env: NodeJS.ProcessEnv = process.env): DependencyProxyConfig {
  return loadConfig<DependencyProxyConfig>(dependencyProxySchema, env);
}
