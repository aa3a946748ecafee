// pnpm hook: adjusts dependency manifests before resolution.
//
// @prisma/client declares `prisma` (the CLI) and `typescript` as optional peers. Because both are
// in the workspace as devDependencies, pnpm links them as resolved peers, and a production install
// (`pnpm install --prod`, the container image) then carries the CLI, Prisma Studio, TypeScript and
// a second PGlite: about 180 MB that nothing runs. The generated clients import only
// `@prisma/client/runtime`; `prisma generate` runs at build time from the devDependency.
function readPackage(manifest) {
  if (manifest.name === '@prisma/client') {
    for (const peer of ['prisma', 'typescript']) {
      delete manifest.peerDependencies?.[peer];
      delete manifest.peerDependenciesMeta?.[peer];
    }
  }
  return manifest;
}

module.exports = { hooks: { readPackage } };
