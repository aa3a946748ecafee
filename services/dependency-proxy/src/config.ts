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

export interface DependencyProxyConfig
  extends ListenConfig, LoggingConfig, InfrastructureConfig, RegistryTokenConfig {}

export const dependencyProxySchema = {
  ...listenOptions(5003),
  ...loggingOptions,
  ...infrastructureOptions,
  ...registryTokenOptions,
};

export function loadDependencyProxyConfig(env: NodeJS.ProcessEnv = process.env): DependencyProxyConfig {
  return loadConfig<DependencyProxyConfig>(dependencyProxySchema, env);
}
