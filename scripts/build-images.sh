#!/usr/bin/env bash
# Builds the two Herald images (herald/publisher:local, herald/gateway:local) from the repository's
# Dockerfile with podman, on base images made here from Debian packages: public image registries are not
# needed, only a Debian mirror and Maven Central.
#   debootstrap --variant=minbase bookworm  ->  localhost/herald-base/debian:bookworm (podman import)
#   + openjdk-17-jdk-headless maven         ->  localhost/herald-base/build:bookworm    (BUILD_IMAGE)
#   + openjdk-17-jre-headless curl          ->  localhost/herald-base/runtime:bookworm  (RUNTIME_IMAGE)
#   with --compose, also redis-server and haproxy bases for docker-compose.yml (HERALD_REDIS_IMAGE,
#   HERALD_HAPROXY_IMAGE, see docs/deployment.md).
# A base is made only when podman does not have it; the debootstrap tree is kept as a tarball in
# $HERALD_IMAGE_CACHE (default /var/cache/herald-images), so even a wiped podman store is quick to refill.
# Needs root (debootstrap, rootful podman with host networking).
#
# Usage: scripts/build-images.sh [--bases-only] [--compose]
# Environment: HERALD_IMAGE_CACHE, HERALD_DEBIAN_MIRROR (default http://deb.debian.org/debian),
#   CONTAINERS_CONF (default scripts/podman/containers.conf: runc, no default ulimits)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"

BASES_ONLY=0
COMPOSE=0
for arg in "$@"; do
    case "$arg" in
        --bases-only) BASES_ONLY=1 ;;
        --compose) COMPOSE=1 ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument: $arg (try --help)" ;;
    esac
done

export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/scripts/podman/containers.conf}"
CACHE="${HERALD_IMAGE_CACHE:-/var/cache/herald-images}"
MIRROR="${HERALD_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
MINBASE=localhost/herald-base/debian:bookworm
BUILD_BASE=localhost/herald-base/build:bookworm
RUNTIME_BASE=localhost/herald-base/runtime:bookworm

[[ "$(id -u)" == 0 ]] || die "run as root: debootstrap and the rootful podman used here need it"
command -v podman >/dev/null 2>&1 || die "podman not found (apt-get install -y podman runc)"

timed() { # timed WHAT COMMAND...: runs COMMAND and reports how long it took
    local what="$1" start=$SECONDS
    shift
    "$@"
    printf '%s: %d s\n' "$what" $((SECONDS - start))
}

minbase() {
    podman image exists "$MINBASE" && return
    local tarball="$CACHE/debian-bookworm-minbase.tar"
    if [[ ! -s "$tarball" ]]; then
        command -v debootstrap >/dev/null 2>&1 || die "debootstrap not found (apt-get install -y debootstrap)"
        mkdir -p "$CACHE"
        local dir
        dir="$(mktemp -d "$CACHE/rootfs.XXXXXX")"
        debootstrap --variant=minbase bookworm "$dir" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
            || { rm -rf "$dir"; die "debootstrap failed; see $CACHE/debootstrap.log"; }
        rm -f "$dir"/var/cache/apt/archives/*.deb # downloaded packages, already installed
        tar -C "$dir" -c . >"$tarball.tmp" && mv "$tarball.tmp" "$tarball"
        rm -rf "$dir"
    fi
    podman import "$tarball" "$MINBASE" >/dev/null
}

base() { # base IMAGE PACKAGES...: the minimal Debian base plus these packages
    local image="$1" ctx
    shift
    podman image exists "$image" && return
    minbase
    ctx="$(mktemp -d)"
    printf '%s\n' "FROM $MINBASE" \
        "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $* \\" \
        "    && rm -rf /var/lib/apt/lists/*" >"$ctx/Containerfile"
    if [[ " $* " == *" maven "* && -s /etc/ssl/certs/java/cacerts ]]; then
        # Maven in the build image trusts what this host's Java trusts: behind a TLS-intercepting proxy
        # (as on the CI host) Maven Central's certificate is signed by the proxy's CA.
        cp /etc/ssl/certs/java/cacerts "$ctx/cacerts"
        printf '%s\n' "COPY cacerts /etc/ssl/certs/java/cacerts" >>"$ctx/Containerfile"
    fi
    podman build --network host -q -t "$image" "$ctx" >/dev/null || { rm -rf "$ctx"; die "could not build $image"; }
    rm -rf "$ctx"
}

timed "base $BUILD_BASE" base "$BUILD_BASE" openjdk-17-jdk-headless maven
timed "base $RUNTIME_BASE" base "$RUNTIME_BASE" openjdk-17-jre-headless curl ca-certificates
if [[ $COMPOSE == 1 ]]; then
    timed "base localhost/herald-base/redis:bookworm" base localhost/herald-base/redis:bookworm redis-server redis-tools
    timed "base localhost/herald-base/haproxy:bookworm" base localhost/herald-base/haproxy:bookworm haproxy openssl
fi
[[ $BASES_ONLY == 1 ]] && exit 0

for target in publisher gateway; do
    timed "image herald/$target:local" podman build --network host --target "$target" \
        --build-arg BUILD_IMAGE="$BUILD_BASE" --build-arg RUNTIME_IMAGE="$RUNTIME_BASE" \
        -t "herald/$target:local" "$ROOT"
done
# Each build leaves the previous images and its intermediate stages untagged; without this, repeated CI
# runs fill the disk (about 0.8 GB a build). The bases stay (tagged). An old image that a running container
# still uses (a compose stack left up, a test running beside this build) cannot go: that is no reason to fail.
podman image prune -f >/dev/null 2>&1 || echo "note: some unused images were kept (a container still uses them)" >&2
