export { ConfigError } from './config-error';
export { loadConfig, collectEnvVars } from './load-config';
export type { ConfigSchema, OptionSchema } from './load-config';
export { parseInterval, redactUrl } from './formats';
export * from './shared-options';
export { describeOptions } from './describe-options';
export type { OptionDescription } from './describe-options';
