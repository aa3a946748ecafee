#!/usr/bin/env bash
# Smoke-runs the built image the two ways users run it, with the real docker client:
#  1. standalone in a container on a named volume: docker push and pull through it; a second
#     container on the same volume is refused while the first runs; after `docker kill` (SIGKILL)
#     a new container takes the volume over and still serves what was pushed;
#  2. the compose stack of docker-compose.yml: every service healthy, docker push and pull through
#     the gateway.
#
# Usage: infra/docker/smoke-test.sh          (after infra/docker/build-image.sh)
#   STOWAGE_IMAGE     image under test                       (default: stowage:<version>)
#   SMOKE_PORT        host port of the standalone container  (default: 15000)
#   STOWAGE_PORT      host port of the compose gateway       (default: 15100)
#   SMOKE_STAND_INS=1 run compose with the local stand-ins for postgres, rabbitmq and minio
#                     (infra/docker/stand-ins/make-stand-ins.sh), for machines without their images
# The daemon must be able to run `--network host` containers and reach its registries on loopback.
set -euo pipefail
cd "$(dirname "$0")/../.."

version="$(node -p "require('./package.json').version")"
image="${STOWAGE_IMAGE:-stowage:$version}"
standalone_port="${SMOKE_PORT:-15000}"
compose_port="${STOWAGE_PORT:-15100}"
run_id="stowage-smoke-$$"
root_password="smoke-root-password-$$"
root_token="glpat-smoke-root-token-$$-0123456789"

work="$(mktemp -d)"
# A private docker config: the logins below stay out of the user's ~/.docker/config.json.
export DOCKER_CONFIG="$work/docker-config"
mkdir -p "$DOCKER_CONFIG"
compose=(docker-compose -p "$run_id" -f docker-compose.yml)

step() { echo "== $(date +%T) $*"; }
fail() {
  echo "SMOKE TEST FAILED: $*" >&2
  exit 1
}

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    for container in $(docker ps -aq --filter "label=$run_id"); do
      echo "--- logs of $(docker inspect -f '{{.Name}}' "$container")" >&2
      docker logs --tail 60 "$container" >&2 2>&1 || true
    done
    if [ -n "${compose_started:-}" ]; then
      "${compose[@]}" ps >&2 || true
      "${compose[@]}" logs --tail 40 >&2 || true
    fi
  fi
  docker ps -aq --filter "label=$run_id" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker volume rm -f "$run_id-data" >/dev/null 2>&1 || true
  [ -n "${compose_started:-}" ] && "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1
  docker image ls -q --filter "label=$run_id" | xargs -r docker rmi -f >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# Waits until GET <url> answers 2xx, or fails after <seconds>.
wait_until_ready() {
  local url="$1" seconds="$2" what="$3" started=$SECONDS
  until curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null; do
    [ $((SECONDS - started)) -lt "$seconds" ] || fail "$what was not ready within $seconds s ($url)"
    sleep 1
  done
  echo "$what ready after $((SECONDS - started)) s"
}

# Waits until a container's log has a line matching <pattern> (grep -F); false after <seconds>.
wait_for_log() {
  local container="$1" pattern="$2" seconds="$3" started=$SECONDS
  until docker logs "$container" 2>&1 | grep -qF "$pattern"; do
    [ $((SECONDS - started)) -lt "$seconds" ] || return 1
    sleep 1
  done
}

# Waits until every container matching the `docker ps` filter <filter> that has a healthcheck
# reports healthy.
wait_until_healthy() {
  local filter="$1" seconds="$2" started=$SECONDS states
  while :; do
    states="$(docker ps -q --filter "$filter" |
      xargs -r docker inspect -f '{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}')"
    grep -qvE ' (healthy|none)$' <<<"$states" || return 0
    [ $((SECONDS - started)) -lt "$seconds" ] || fail "not healthy within $seconds s: $states"
    sleep 2
  done
}

# Makes a one-layer image here (nothing is pulled) with content of its own, labelled so clean-up
# finds it, and prints its reference.
make_test_image() {
  local name="$run_id-src:$1"
  mkdir -p "$work/rootfs-$1"
  echo "stowage smoke test $run_id, image $1" >"$work/rootfs-$1/hello.txt"
  tar -C "$work/rootfs-$1" -c . | docker import --change "LABEL $run_id=1" - "$name" >/dev/null
  echo "$name"
}

# Logs in as root, makes sure the project root/smoke exists, pushes a new test image to it as
# tag <tag>, removes every local copy and pulls it back: the pulled image must have the same id.
push_and_pull() {
  local host="$1" tag="$2" ref="$1/root/smoke:$2" api="http://$1/api/v4/projects"
  curl -fs -o /dev/null -H "Private-Token: $root_token" "$api/root%2Fsmoke" ||
    curl -fsS -o /dev/null -H "Private-Token: $root_token" -H 'Content-Type: application/json' \
      -d '{"name":"smoke","visibility":"private"}' "$api" ||
    fail "could not create the project root/smoke on $host"
  docker login "$host" -u root --password-stdin <<<"$root_password" >/dev/null
  docker tag "$(make_test_image "$tag")" "$ref"
  local pushed
  pushed="$(docker image inspect -f '{{.Id}}' "$ref")"
  docker push "$ref"
  docker rmi -f "$pushed" >/dev/null
  docker pull "$ref"
  [ "$(docker image inspect -f '{{.Id}}' "$ref")" = "$pushed" ] || fail "pulled $ref is not what was pushed"
  docker rmi -f "$pushed" >/dev/null
  echo "pushed and pulled $ref"
}

# Runs the standalone launcher in a container on the shared volume.
standalone() {
  docker run --label "$run_id=1" --network host -v "$run_id-data:/data" \
    -e PORT="$standalone_port" -e INITIAL_ROOT_PASSWORD="$root_password" \
    -e INITIAL_ROOT_TOKEN="$root_token" --health-interval 2s "$@" "$image" node services/launcher/dist/standalone.js
}

docker image inspect "$image" >/dev/null 2>&1 || fail "no image $image: run infra/docker/build-image.sh first"
started=$SECONDS

step "standalone: first container on volume $run_id-data"
first="$(standalone -d --name "$run_id-first")"
wait_until_ready "http://127.0.0.1:$standalone_port/-/readiness" 90 "standalone"
wait_for_log "$first" "\"listening\":\"0.0.0.0:$standalone_port\"" 10 ||
  fail "the standalone log does not name the address it listens on (0.0.0.0:$standalone_port)"
[ "$(docker exec "$first" id -u)" = 1000 ] || fail "the container does not run as uid 1000"
wait_until_healthy "label=$run_id" 30
push_and_pull "127.0.0.1:$standalone_port" before-kill

step "standalone: the web UI's page and its script"
page="$(curl -fsS -H 'Accept: text/html' "http://127.0.0.1:$standalone_port/users/sign_in")" ||
  fail "GET /users/sign_in as a browser did not answer the web UI's page"
script="$(grep -o '/-/ui/assets/[^"]*\.js' <<<"$page" | head -1)"
[ -n "$script" ] || fail "the web UI's page names no script: $page"
curl -fsS -o /dev/null "http://127.0.0.1:$standalone_port$script" || fail "the web UI's script $script is not served"

step "standalone: a second container on the same volume is refused while the first runs"
set +e
second_output="$(timeout 120 docker run --rm --label "$run_id=1" --network host -v "$run_id-data:/data" \
  -e PORT=$((standalone_port + 1)) "$image" node services/launcher/dist/standalone.js 2>&1)"
second_status=$?
set -e
if [ "$second_status" -eq 0 ] || [ "$second_status" -eq 124 ]; then
  fail "the second container was not refused (exit $second_status): $second_output"
fi
grep -q "in use by another running Stowage process" <<<"$second_output" ||
  fail "the second container failed for another reason: $second_output"
curl -fsS -o /dev/null "http://127.0.0.1:$standalone_port/-/readiness" || fail "the first container stopped serving"

step "standalone: docker kill, then a successor on the same volume"
docker kill "$first" >/dev/null
standalone -d --name "$run_id-successor" >/dev/null
wait_until_ready "http://127.0.0.1:$standalone_port/-/readiness" 90 "the successor"
docker pull "127.0.0.1:$standalone_port/root/smoke:before-kill" >/dev/null ||
  fail "the successor lost the image pushed before the kill"
docker rmi -f "127.0.0.1:$standalone_port/root/smoke:before-kill" >/dev/null
push_and_pull "127.0.0.1:$standalone_port" after-kill
docker ps -aq --filter "label=$run_id" | xargs -r docker rm -f >/dev/null

step "compose: docker-compose.yml with $image"
export STOWAGE_IMAGE="$image" STOWAGE_PORT="$compose_port" STOWAGE_EXTERNAL_URL="http://127.0.0.1:$compose_port"
export STOWAGE_ROOT_PASSWORD="$root_password" STOWAGE_ROOT_TOKEN="$root_token"
if [ "${SMOKE_STAND_INS:-0}" = 1 ]; then
  eval "$(infra/docker/stand-ins/make-stand-ins.sh | grep '^export ')"
fi
compose_started=1
compose_up_at=$SECONDS
"${compose[@]}" up -d --no-build
wait_until_ready "http://127.0.0.1:$compose_port/-/readiness" 240 "the compose stack's gateway"
wait_until_healthy "label=com.docker.compose.project=$run_id" 120
echo "compose stack healthy $((SECONDS - compose_up_at)) s after up"
push_and_pull "127.0.0.1:$compose_port" compose

step "smoke test passed in $((SECONDS - started)) s"
