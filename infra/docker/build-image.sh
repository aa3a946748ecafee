#!/usr/bin/env bash
# Builds the Stowage image from the committed Dockerfile with the tag that k8s/ and
# docker-compose.yml name (stowage:<version in package.json>), then prints its size and what it
# adds to its Node base. Fails when it adds more than MAX_ADDED_MB.
#
# Usage: infra/docker/build-image.sh [extra `docker build` arguments...]
#   STOWAGE_IMAGE  tag to build           (default: stowage:<version>)
#   NODE_IMAGE     the Node base image    (default: the Dockerfile's, node:20-bookworm-slim)
#   MAX_ADDED_MB   size budget over base  (default: 150)
#
# The classic builder is the default here (DOCKER_BUILDKIT=0): the Dockerfile needs no BuildKit
# feature, and the classic builder honours `--network host` without an entitlement, which a
# daemon started without a bridge network needs for the build's `apt-get` and `pnpm fetch`.
set -euo pipefail
cd "$(dirname "$0")/../.."

version="$(node -p "require('./package.json').version")"
image="${STOWAGE_IMAGE:-stowage:$version}"
node_image="${NODE_IMAGE:-$(sed -n 's/^ARG NODE_IMAGE=//p' infra/docker/Dockerfile)}"
max_added_mb="${MAX_ADDED_MB:-150}"

export DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-0}"
started=$SECONDS
docker build --network host --build-arg "NODE_IMAGE=$node_image" \
  -f infra/docker/Dockerfile -t "$image" "$@" .

mib() { echo $(($1 / 1024 / 1024)); }
image_bytes="$(docker image inspect -f '{{.Size}}' "$image")"
base_bytes="$(docker image inspect -f '{{.Size}}' "$node_image")"
added_mb="$(mib $((image_bytes - base_bytes)))"
echo "built $image in $((SECONDS - started)) s: $(mib "$image_bytes") MiB," \
  "of which $added_mb MiB on top of $node_image ($(mib "$base_bytes") MiB)"
if [ "$added_mb" -gt "$max_added_mb" ]; then
  echo "the image adds $added_mb MiB to its base, over the budget of $max_added_mb MiB;" \
    "its layers:" >&2
  docker history --format '{{.Size}}\t{{.CreatedBy}}' "$image" >&2
  exit 1
fi
