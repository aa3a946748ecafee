#!/bin/sh
# Removes from a production install what no service loads at run time; the image's build stage
# runs it after `pnpm install --prod`. Everything removed here is named by what it is, so a
# dependency upgrade that moves files fails the image's smoke test instead of shipping dead weight.
set -eu
cd "${1:-.}"
store=node_modules/.pnpm

# re2 is compiled in the build stage: keep the addon it loads (build/Release/re2.node) and its
# JavaScript, drop the vendored C++ sources of RE2 and Abseil and the compiler's object files.
for re2 in "$store"/re2@*/node_modules/re2; do
  [ -f "$re2/build/Release/re2.node" ] || { echo "re2 was not built: $re2" >&2; exit 1; }
  find "$re2/build" -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
  find "$re2/build/Release" -mindepth 1 -maxdepth 1 ! -name re2.node -exec rm -rf {} +
  rm -rf "$re2/vendor"
done

# @prisma/client ships a query compiler for every database in two builds (fast and small) and
# source maps; the generated clients use PostgreSQL's fast build only (see their `runtime` import).
for runtime in "$store"/@prisma+client@*/node_modules/@prisma/client/runtime; do
  find "$runtime" -maxdepth 1 -name 'query_compiler_*' ! -name 'query_compiler_fast_bg.postgresql.*' -delete
  find "$runtime" -maxdepth 1 -name '*.map' -delete
done
