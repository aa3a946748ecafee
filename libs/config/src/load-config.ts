import convict from 'convict';
import { ConfigError } from './config-error';
import { FORMATS } from './formats';

/**
 * One option of a service's configuration. Every option must say which environment variable
 * sets it, what it means and its default, so the configuration reference can be generated
 * from the schemas alone.
 */
export interface OptionSchema<T = unknown> {
  doc: string;
  format: convict.SchemaObj<T>['format'];
  default: T;
  env: string;
  /** Secrets are never printed, not even in error messages. */
  sensitive?: boolean;
  nullable?: boolean;
}

/** A tree of options; nested objects group related options (`s3.bucket`). */
export type ConfigSchema = { [key: string]: OptionSchema | ConfigSchema };

let formatsRegistered = false;
function registerFormats(): void {
  if (formatsRegistered) return;
  for (const format of FORMATS) convict.addFormat(format);
  formatsRegistered = true;
}

/**
 * Builds, validates and returns the configuration from `env`. Any invalid or missing value
 * raises one ConfigError whose one-line message names each offending environment variable.
 */
export function loadConfig<T>(schema: ConfigSchema, env: NodeJS.ProcessEnv = process.env): T {
  registerFormats();
  const envVarByPath = collectEnvVars(schema);
  let config: convict.Config<T>;
  try {
    config = convict<T>(schema as unknown as convict.Schema<T>, { env, args: [] });
    config.validate({ allowed: 'strict' });
  } catch (error) {
    throw new ConfigError(describeFailure(error, envVarByPath));
  }
  return config.getProperties();
}

/** Every option of a schema with its dotted path (`s3.bucket`), depth first in declaration order. */
export function* optionsOf(tree: ConfigSchema, prefix = ''): Generator<[string, OptionSchema]> {
  for (const [key, node] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isOption(node)) yield [path, node];
    else yield* optionsOf(node, path);
  }
}

function isOption(node: OptionSchema | ConfigSchema): node is OptionSchema {
  return typeof (node as OptionSchema).doc === 'string' && 'default' in node;
}

/** Maps `s3.bucket` to `S3_BUCKET`, so convict's messages can be rewritten around the variable. */
export function collectEnvVars(tree: ConfigSchema): Map<string, string> {
  return new Map([...optionsOf(tree)].map(([path, option]) => [path, option.env]));
}
function describeFailure(error: unknown, envVarByPath: Map<string, string>): string {
  const raw = error instanceof Error ? error.message : String(error);
  const problems = raw
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^([\w.]+): (.*)$/.exec(line);
      const envVar = match ? envVarByPath.get(match[1]!) : undefined;
      if (!match || !envVar) return line;
      // convict appends ": value was ..." which may echo a secret; our formats say enough.
      return `${envVar}: ${match[2]!.replace(/: value was .*$/, '')}`;
    });
  return `invalid configuration: ${problems.join('; ')}`;
}
