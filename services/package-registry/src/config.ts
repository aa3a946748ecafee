import {
  authTokenUrlOption,
  externalUrlOption,
  infrastructureOptions,
  listenOptions,
  loadConfig,
  loggingOptions,
  type AuthTokenUrlConfig,
  type ExternalUrlConfig,
  type InfrastructureConfig,
  type ListenConfig,
  type LoggingConfig,
} from '@stowage/config';

export interface PackageRegistryConfig
  extends ListenConfig, LoggingConfig, InfrastructureConfig, ExternalUrlConfig, AuthTokenUrlConfig {}

export const packageRegistrySchema = {
  ...listenOptions(5004),
  ...loggingOptions,
  ...infrastructureOptions,
  ...externalUrlOption,
  ...authTokenUrlOption,
};

export function loadPackageRegistryConfig(env: NodeJS.ProcessEnv = process.env): PackageRegistryConfig {
  return loadConfig<PackageRegistryConfig>(packageRegistrySchema, env);
}
