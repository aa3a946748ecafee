// Prints the configuration reference (a Markdown table) from every service's config schema.
// The README embeds its output; `pnpm run config:reference` regenerates it after `pnpm run build`.
const { describeOptions } = require('../../libs/config/dist');
const schemas = {
  'standalone (`pnpm start`)': require('../../services/launcher/dist/standalone-config').standaloneSchema,
  gateway: require('../../services/gateway/dist').gatewaySchema,
  'auth-token': require('../../services/auth-token/dist').authTokenSchema,
  registry: require('../../services/registry/dist').registrySchema,
  'dependency-proxy': require('../../services/dependency-proxy/dist').dependencyProxySchema,
  'package-registry': require('../../services/package-registry/dist').packageRegistrySchema,
  'cleanup-worker': require('../../services/cleanup-worker/dist').cleanupWorkerSchema,
};
const rows = new Map();
for (const [name, schema] of Object.entries(schemas)) {
  for (const o of describeOptions(schema)) {
    const key = o.env + '|' + o.default + '|' + o.doc;
    if (!rows.has(key)) rows.set(key, { ...o, used: [] });
    rows.get(key).used.push(name);
  }
}
console.log('| Variable | Default | Used by | Meaning |\n|---|---|---|---|');
for (const r of rows.values())
  console.log(
    `| \`${r.env}\` | \`${r.default}\` | ${r.used.length === 7 ? 'all' : r.used.join(', ')} | ${r.doc} |`,
  );
