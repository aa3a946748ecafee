import type { SqlRunner } from './database';

/**
 * The part of a generated client's runtime data model (`config.runtimeDataModel` in
 * `internal/class.ts`, kept on each instance as `_runtimeDataModel`) that names tables and
 * columns. The generator prunes it: no native types, no `isList`, no enum database names.
 */
interface RuntimeField {
  name: string;
  kind: string;
  type: string;
  dbName?: string | null;
}

interface RuntimeModel {
  dbName?: string | null;
  schema?: string | null;
  fields: RuntimeField[];
}

interface ColumnRow {
  tableName: string;
  columnName: string;
  dataType: string;
  udtName: string;
  isNullable: string;
  hasDefault: boolean;
}

// Column types (information_schema udt_name) each Prisma scalar may be stored in, per Prisma's
// PostgreSQL native types. Arrays carry a leading underscore and are accepted for any scalar,
// since the pruned model does not say which fields are lists.
const COMPATIBLE_TYPES: Record<string, readonly string[]> = {
  String: ['text', 'varchar', 'bpchar', 'uuid', 'xml', 'inet', 'citext', 'bit', 'varbit'],
  Int: ['int4', 'int2', 'oid'],
  BigInt: ['int8'],
  Float: ['float8', 'float4'],
  Decimal: ['numeric', 'money'],
  Boolean: ['bool'],
  DateTime: ['timestamp', 'timestamptz', 'date', 'time', 'timetz'],
  Json: ['json', 'jsonb'],
  Bytes: ['bytea'],
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function runtimeModels(prismaClient: object): Record<string, RuntimeModel> {
  const dataModel: unknown = Reflect.get(prismaClient, '_runtimeDataModel');
  if (!isRecord(dataModel) || !isRecord(dataModel.models)) {
    throw new Error(
      'findSchemaDrift: not a Prisma client (no _runtimeDataModel); pass a generated PrismaClient',
    );
  }
  return dataModel.models as Record<string, RuntimeModel>;
}

async function readColumns(db: SqlRunner, schema: string): Promise<Map<string, Map<string, ColumnRow>>> {
  const { rows } = await db.query<ColumnRow>(
    `SELECT table_name AS "tableName", column_name AS "columnName", data_type AS "dataType",
            udt_name AS "udtName", is_nullable AS "isNullable",
            (column_default IS NOT NULL OR is_identity = 'YES' OR is_generated = 'ALWAYS') AS "hasDefault"
       FROM information_schema.columns
      WHERE table_schema = $1`,
    [schema],
  );
  const tables = new Map<string, Map<string, ColumnRow>>();
  for (const row of rows) {
    const columns = tables.get(row.tableName) ?? new Map<string, ColumnRow>();
    columns.set(row.columnName, row);
    tables.set(row.tableName, columns);
  }
  return tables;
}

function typeMismatch(field: RuntimeField, column: ColumnRow): boolean {
  if (field.kind === 'enum') return column.dataType !== 'USER-DEFINED' && column.dataType !== 'ARRAY';
  const compatible = COMPATIBLE_TYPES[field.type];
  if (!compatible) return false; // a type we cannot judge (e.g. Unsupported(...)): say nothing
  const udt = column.dataType === 'ARRAY' ? column.udtName.replace(/^_/, '') : column.udtName;
  return !compatible.includes(udt);
}

/**
 * Compares what a generated Prisma client expects with the columns the migrations actually
 * created in `schema`, and describes every disagreement (empty when they agree): missing
 * tables and columns, column types that cannot hold the Prisma field type, and NOT NULL
 * columns without a default that the client cannot fill. Meant for each service's test that
 * runs its migrations and then checks them against its schema.prisma.
 */
export async function findSchemaDrift(
  prismaClient: object,
  db: SqlRunner,
  schema: string,
): Promise<string[]> {
  const models = runtimeModels(prismaClient);
  const tables = await readColumns(db, schema);
  const drift: string[] = [];

  for (const [modelName, model] of Object.entries(models)) {
    if (model.schema && model.schema !== schema) {
      drift.push(`model ${modelName} is mapped to schema ${model.schema}, not ${schema}`);
      continue;
    }
    const tableName = model.dbName ?? modelName;
    const columns = tables.get(tableName);
    if (!columns) {
      drift.push(`table ${schema}.${tableName} is missing (model ${modelName})`);
      continue;
    }
    const known = new Set<string>();
    for (const field of model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum')) {
      const columnName = field.dbName ?? field.name;
      known.add(columnName);
      const column = columns.get(columnName);
      const where = `${schema}.${tableName}.${columnName} (${modelName}.${field.name})`;
      if (!column) {
        drift.push(`column ${where} is missing`);
      } else if (typeMismatch(field, column)) {
        drift.push(`column ${where} is ${column.udtName}, which cannot hold Prisma type ${field.type}`);
      }
    }
    for (const column of columns.values()) {
      if (!known.has(column.columnName) && column.isNullable === 'NO' && !column.hasDefault) {
        drift.push(
          `column ${schema}.${tableName}.${column.columnName} is NOT NULL without a default but model ${modelName} ` +
            `has no field for it, so creates will fail`,
        );
      }
    }
  }
  return drift;
}
