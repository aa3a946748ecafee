#!/usr/bin/env bash
# Builds local stand-ins for the images docker-compose.yml runs next to Stowage (postgres:16,
# rabbitmq:3-management, minio/minio, minio/mc), for a machine that cannot pull them. Each is built
# from Debian packages or npm on the local node:20-bookworm-slim stand-in (made first by
# make-node-base.sh when that tag is missing), with `docker build --network host` so the build
# reaches this machine's package mirrors. See README.md beside this file.
#
# Usage: infra/docker/stand-ins/make-stand-ins.sh [--rebuild]
#   An image whose tag exists and was built from the same files (a label holds their hash) is kept
#   unless --rebuild is given, which builds it again without Docker's cache, so with the current
#   Debian and npm packages (the node base is never rebuilt here: remove its tag, or run
#   make-node-base.sh, for that).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

rebuild=false
cache=()
case "${1:-}" in
  '') ;;
  --rebuild) rebuild=true cache=(--no-cache) ;;
  *) echo "usage: $0 [--rebuild]" >&2; exit 2 ;;
esac

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

if ! has_image node:20-bookworm-slim; then
  echo "== node:20-bookworm-slim is missing: making its stand-in"
  "$here/make-node-base.sh" node:20-bookworm-slim
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# build TAG DIR [FILE...]: docker build with DIR as the context, plus each FILE at its root.
build() {
  local tag="$1" dir="$2" source file
  shift 2
  local extras=()
  for file in "$@"; do extras+=(-C "$(dirname "$file")" "$(basename "$file")"); done
  # A hash of the context's file names and contents (the same wherever the checkout is).
  source="$( (cd "$dir" && find . -type f | sort | xargs sha256sum && cat "$@" </dev/null) |
    sha256sum | cut -c1-16)"
  if [ "$rebuild" = false ] && has_image "$tag" &&
    [ "$(docker image inspect -f '{{index .Config.Labels "stowage.stand-in.source"}}' "$tag")" = "$source" ]; then
    echo "== $tag is up to date (--rebuild to build it again)"
    return
  fi
  echo "== building $tag"
  tar -c -C "$dir" . "${extras[@]}" | DOCKER_BUILDKIT=0 docker build --network host "${cache[@]}" \
    --label "stowage.stand-in.source=$source" --tag "$tag" - >"$log" 2>&1 || {
    tail -30 "$log" >&2
    echo "building $tag failed" >&2
    exit 1
  }
}

build stowage-stand-in/postgres:16 "$here/postgres"
build stowage-stand-in/rabbitmq:3 "$here/rabbitmq"
# The MinIO stand-in runs s3rver with the patches that the project's tests use.
build stowage-stand-in/minio:latest "$here/minio" "$repo/libs/testing/s3rver-patches.js"

docker images --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E '^(stowage-stand-in/|node:20-bookworm-slim)'
cat <<'USE'

Use them with docker-compose (the compose file defaults to the real images):
export POSTGRES_IMAGE=stowage-stand-in/postgres:16 RABBITMQ_IMAGE=stowage-stand-in/rabbitmq:3
export MINIO_IMAGE=stowage-stand-in/minio:latest MC_IMAGE=stowage-stand-in/minio:latest
USE
