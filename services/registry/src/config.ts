import {
  infrastructureOptions,
  listenOptions,
  loadConfig,
  loggingOptions,
  registryTokenOptions,
  type InfrastructureConfig,
  type ListenConfig,
  type LoggingConfig,
  type RegistryTokenConfig,
} from '@stowage/config';

export interface RegistryConfig
  extends ListenConfig, LoggingConfig, InfrastructureConfig, RegistryTokenConfig {}

export const registrySchema = {
  ...listenOptions(5002),
  ...loggingOptions,
  ...infrastructureOptions,
  ...registryTokenOptions,
};

export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  return loadConfig<RegistryConfig>(registrySchema, env);
}
