import { optionsOf, type ConfigSchema } from './load-config';

export interface OptionDescription {
  env: string;
  doc: string;
  default: string;
}

/** Flattens a schema into rows for the configuration reference (README, `--help`). */
export function describeOptions(schema: ConfigSchema): OptionDescription[] {
  return [...optionsOf(schema)].map(([, option]) => ({
    env: option.env,
    doc: option.doc,
    default: JSON.stringify(option.default),
  }));
}
