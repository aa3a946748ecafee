// Removes what jest.global-setup.js named for the run: the PGlite template cluster.
const fs = require('node:fs');

module.exports = async () => {
  const template = process.env.STOWAGE_TEST_PGLITE_TEMPLATE;
  if (template) await fs.promises.rm(template, { recursive: true, force: true });
};
