// Validates Kubernetes objects against the API's OpenAPI schemas with kubernetes-models.
//
// Runs as its own Node process because kubernetes-models ships only ES modules, which Jest's
// CommonJS runtime cannot load. Reads a JSON array of objects on stdin and writes a JSON array
// of {index, apiVersion, kind, name, errors} on stdout, one entry per object (errors empty when
// valid). Exits non-zero only if it could not run at all.
import { readFileSync } from 'node:fs';

/** `apps/v1` + `Deployment` -> `kubernetes-models/apps/v1/Deployment`; core `v1` has no group. */
function modelPath(apiVersion, kind) {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

async function validateOne(object, index) {
  const { apiVersion, kind } = object;
  const entry = { index, apiVersion, kind, name: object.metadata?.name, errors: [] };
  let Model;
  try {
    Model = (await import(modelPath(apiVersion, kind)))[kind];
  } catch {
    entry.errors.push(`no kubernetes-models class for ${apiVersion} ${kind}`);
    return entry;
  }
  if (typeof Model !== 'function') {
    entry.errors.push(`no kubernetes-models class for ${apiVersion} ${kind}`);
    return entry;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    const details = Array.isArray(error.errors)
      ? error.errors.map((e) => `${e.instancePath || '/'} ${e.message}`)
      : [String(error.message ?? error)];
    entry.errors.push(...details);
  }
  return entry;
}

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const [index, object] of objects.entries()) {
  results.push(await validateOne(object, index));
}
process.stdout.write(JSON.stringify(results));
