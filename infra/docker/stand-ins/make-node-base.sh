#!/usr/bin/env bash
# Makes a local stand-in for the Dockerfile's base image (node:20-bookworm-slim) on a machine that
# cannot pull images: Debian bookworm from debootstrap plus this machine's Node 20 at the official
# image's places (/usr/local/bin/node, /usr/local/lib/node_modules/{npm,corepack}, headers in
# /usr/local/include/node), user `node` (uid/gid 1000), PATH/CMD as upstream.
#
# So that `docker build --network host` can reach this machine's package mirrors, the stand-in
# also carries this machine's apt sources, CA bundle and npm settings. That is a property of the
# stand-in only: the project's own image never bakes in a registry, a mirror or a certificate.
#
# Usage: infra/docker/stand-ins/make-node-base.sh [tag]     (default tag: node:20-bookworm-slim)
set -euo pipefail
tag="${1:-node:20-bookworm-slim}"

node_bin="$(command -v node)"
node_prefix="$(dirname "$(dirname "$(readlink -f "$node_bin")")")"
case "$("$node_bin" --version)" in
  v20.*) ;;
  *) echo "this machine's Node is $("$node_bin" --version); the stand-in must be Node 20" >&2; exit 1 ;;
esac
command -v debootstrap >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq debootstrap; }

# The mirror this machine's apt uses (deb822 sources first, then the classic list).
mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
if [ -z "$mirror" ]; then
  mirror="$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)"
fi
[ -n "$mirror" ] || { echo "no apt mirror found in /etc/apt" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  exit 1
}

# Node, npm and corepack where the official image has them.
install -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules" "$root/usr/local/include"
for module in npm corepack; do
  cp -a "$node_prefix/lib/node_modules/$module" "$root/usr/local/lib/node_modules/"
done
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
ln -sf ../lib/node_modules/corepack/dist/corepack.js "$root/usr/local/bin/corepack"
cp -a "$node_prefix/include/node" "$root/usr/local/include/node"

# This machine's way out: apt sources, CA bundle, npm settings (see the header).
cp -a /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/"
[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/sources.list"
mkdir -p "$root/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
{
  echo "cafile=/etc/ssl/certs/ca-certificates.crt"
  echo "nodedir=/usr/local"
  for key in registry strict-ssl; do
    value="$(npm config get "$key" 2>/dev/null || true)"
    [ -n "$value" ] && [ "$value" != "undefined" ] && echo "$key=$value"
  done
} >"$root/usr/local/etc/npmrc"

chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_VERSION='"$("$node_bin" --version | tr -d v)" \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
docker run --rm "$tag" node -e 'console.log(`stand-in ready: node ${process.version}`)'
docker run --rm "$tag" npm --version >/dev/null
echo "$tag"
