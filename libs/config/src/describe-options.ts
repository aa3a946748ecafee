import type { OptionSchema } from './load-config';

export interface OptionDescription {
  env: string;
  doc: string;
  default: string;
}

type SchemaTree = { [key: string]: OptionSchema | SchemaTree };

/** Flattens a schema into rows for the configuration reference (README, `--help`). */
export function describeOptions(schema: object): OptionDescription[] {
  const rows: OptionDescription[] = [];
  const visit = (tree: SchemaTree) => {
    for (const node of Object.values(tree)) {
      if (typeof (node as OptionSchema).env === 'string') {
        const option = node as OptionSchema;
        rows.push({ env: option.env, doc: option.doc, default: JSON.stringify(option.default) });
      } else {
        visit(node as SchemaTree);
      }
    }
  };
  visit(schema as SchemaTree);
  return rows;
}
