#!/usr/bin/env bash
# Checks the images scripts/build-images.sh made: starts a redis-server on this host and both containers
# with podman (host network, free ports), then publishes an event through the publisher container, reads
# it from the gateway container's stream with curl -N, and resumes with Last-Event-ID. Exit status 0 only
# if all of that worked; everything started is stopped on exit. Run as root (rootful podman).
#
# Usage: scripts/test-images.sh
# Environment: HERALD_PUBLISHER_IMAGE, HERALD_GATEWAY_IMAGE (default herald/{publisher,gateway}:local),
#   CONTAINERS_CONF (default scripts/podman/containers.conf)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOST=127.0.0.1
# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"

export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/scripts/podman/containers.conf}"
PUBLISHER_IMAGE="${HERALD_PUBLISHER_IMAGE:-herald/publisher:local}"
GATEWAY_IMAGE="${HERALD_GATEWAY_IMAGE:-herald/gateway:local}"
TOPIC=images
for tool in podman redis-server curl; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/herald-images.XXXXXX")"
NAME="herald-test-$$"
CONTAINERS=()
PIDS=()
cleanup() {
    local c p
    for c in "${CONTAINERS[@]}"; do podman rm -f -t 5 "$c" >/dev/null 2>&1 || true; done
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT

fail() { # fail MESSAGE: the containers' logs, then exit 1
    local c
    for c in "${CONTAINERS[@]}"; do
        printf -- '--- last lines of %s\n' "$c" >&2
        podman logs --tail 30 "$c" >&2 || true
    done
    die "$*"
}

await() { # await SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s
    local deadline=$((SECONDS + $1)) what="$2"
    shift 2
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || fail "$what: not within the time allowed"
        sleep 0.2
    done
}

pick_port REDIS_PORT
pick_port PUBLISHER_PORT
pick_port PUBLISHER_ADMIN_PORT
pick_port GATEWAY_PORT
pick_port GATEWAY_ADMIN_PORT

redis-server --port "$REDIS_PORT" --bind "$HOST" --save "" --appendonly no --daemonize no >"$TMP/redis.log" 2>&1 &
PIDS+=("$!")
await 15 "redis-server answering PING" bash -c "[[ \$(redis-cli -h $HOST -p $REDIS_PORT PING) == PONG ]]"

start_container() { # start_container NAME IMAGE HTTP_PORT ADMIN_PORT
    local started=$SECONDS
    CONTAINERS+=("$1")
    podman run -d --name "$1" --network host \
        -e HERALD_REDIS_URI="redis://$HOST:$REDIS_PORT" \
        -e HERALD_HTTP_HOST="$HOST" -e HERALD_HTTP_PORT="$3" \
        -e HERALD_ADMIN_HOST="$HOST" -e HERALD_ADMIN_PORT="$4" \
        "$2" >/dev/null || fail "podman could not start $2"
    await 60 "$2 ready (/health/ready)" curl -fsS --max-time 2 "http://$HOST:$4/health/ready"
    echo "ok: $2 started and ready in $((SECONDS - started)) s (http $3, admin $4)"
}
start_container "$NAME-publisher" "$PUBLISHER_IMAGE" "$PUBLISHER_PORT" "$PUBLISHER_ADMIN_PORT"
start_container "$NAME-gateway" "$GATEWAY_IMAGE" "$GATEWAY_PORT" "$GATEWAY_ADMIN_PORT"
# The publisher serves the API description from its jar (docs/openapi.yaml, built in).
curl -fsS --max-time 5 -o "$TMP/openapi.yaml" "http://$HOST:$PUBLISHER_PORT/v1/openapi.yaml" && grep -q "^openapi:" "$TMP/openapi.yaml" \
    || fail "the publisher image does not serve /v1/openapi.yaml"

STREAM="http://$HOST:$GATEWAY_PORT/v1/stream?topic=$TOPIC"
publish() { # publish DATA: prints the event's id
    local answer
    answer="$(curl -fsS --max-time 5 -X POST "http://$HOST:$PUBLISHER_PORT/v1/topics/$TOPIC/events" \
        -H 'Content-Type: application/json' -d "{\"data\":\"$1\"}")" || fail "publish of $1 failed"
    echo "publish $1: $answer" >&2
    sed -n 's/.*"id":"\([^"]*\)".*/\1/p' <<<"$answer"
}
connections() { curl -fsS --max-time 2 "http://$HOST:$GATEWAY_ADMIN_PORT/metrics" | sed -n 's/^herald_gateway_connections[{ ].* //p'; }
streams_open() { [[ "$(connections)" == "$1"* ]]; }

curl -sN "$STREAM" >"$TMP/stream" 2>&1 &
PIDS+=("$!")
await 15 "stream open on the gateway" streams_open 1
FIRST="$(publish first)"
await 15 "event 'first' on the stream" grep -qx 'data: first' "$TMP/stream"
echo "ok: curl -N $STREAM received id: $FIRST"
SECOND="$(publish second)"
await 15 "event 'second' on the stream" grep -qx 'data: second' "$TMP/stream"

curl -sN -H "Last-Event-ID: $FIRST" "$STREAM" >"$TMP/resumed" 2>&1 &
PIDS+=("$!")
await 15 "event 'second' after resuming from $FIRST" grep -qx 'data: second' "$TMP/resumed"
grep -qx 'data: first' "$TMP/resumed" && fail "the resumed stream repeated the event before Last-Event-ID"
grep -qx "id: $SECOND" "$TMP/resumed" || fail "the resumed stream lacks id: $SECOND"
echo "ok: resumed with Last-Event-ID $FIRST and received exactly id: $SECOND"
echo "images ok: $PUBLISHER_IMAGE and $GATEWAY_IMAGE publish, stream and resume"
