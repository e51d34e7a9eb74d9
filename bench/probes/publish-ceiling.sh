#!/usr/bin/env bash
# Where a single-event publish's time goes, beside Nchan, in one run: `wrk -t2 -c32` (16 topics, one small
# event per request) against, in turn,
#   nchan    Nchan with its memory store, two workers (bench/nchan/nchan-memory.conf)
#   herald   Herald's publisher, defaults, on its own Redis (no gateway running)
#   empty    Undertow alone, answering the same request shape (EmptyPublishServer.java)
#   hop      the same, answering after a round trip through another thread, as a Redis client's loop does
# then Redis's own cost per call of publish.lua for one event, and of a script doing only its two XADDs.
# Prints requests/s and CPU microseconds per request of the server (and of Redis). Needs wrk, nginx with
# libnginx-mod-nchan, redis-server and built jars (mvn -B -q package -DskipTests).
#   bench/probes/publish-ceiling.sh [ROUNDS (2)] [SECONDS (15)]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-2}"
SECS="${2:-15}"
HOST=127.0.0.1
# shellcheck source=../../scripts/lib.sh
source "$ROOT/scripts/lib.sh"
for tool in wrk nginx redis-server redis-benchmark curl java; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
JAR="$ROOT/publisher/target/publisher.jar"
[[ -f $JAR ]] || die "build first: mvn -B -q package -DskipTests"
pick_port REDIS_PORT; pick_port PUB_PORT; pick_port PUB_ADMIN; pick_port EMPTY_PORT; pick_port HOP_PORT; pick_port NCHAN_PORT
TMP="$(mktemp -d "${TMPDIR:-/tmp}/herald-ceiling.XXXXXX")"
PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

mkdir -p "$TMP/redis" "$TMP/nginx"
redis-server --bind $HOST --port "$REDIS_PORT" --dir "$TMP/redis" --save "" --appendonly no >"$TMP/redis.log" 2>&1 &
REDIS_PID=$!; PIDS+=("$REDIS_PID")
nchan_conf "$ROOT/bench/nchan/nchan-memory.conf" "$TMP/nginx" "$NCHAN_PORT" 2 4096 2048 >"$TMP/nginx.conf"
nginx -p "$TMP/nginx" -c "$TMP/nginx.conf" -e "$TMP/nginx/error.log" >"$TMP/nginx.log" 2>&1 &
NGINX_PID=$!; PIDS+=("$NGINX_PID")
java -Xmx1g -Dherald.redis.uri="redis://$HOST:$REDIS_PORT" -Dherald.http.host=$HOST -Dherald.http.port="$PUB_PORT" \
    -Dherald.admin.port="$PUB_ADMIN" -jar "$JAR" >"$TMP/publisher.log" 2>&1 &
PUB_PID=$!; PIDS+=("$PUB_PID")
java -Xmx1g -cp "$JAR" "$ROOT/bench/probes/EmptyPublishServer.java" "$EMPTY_PORT" >"$TMP/empty.log" 2>&1 &
EMPTY_PID=$!; PIDS+=("$EMPTY_PID")
java -Xmx1g -cp "$JAR" "$ROOT/bench/probes/EmptyPublishServer.java" "$HOP_PORT" hop >"$TMP/hop.log" 2>&1 &
HOP_PID=$!; PIDS+=("$HOP_PID")
answers() { curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"data":1}' "http://$HOST:$1/v1/topics/x/events"; }
for port in "$PUB_PORT" "$EMPTY_PORT" "$HOP_PORT"; do
    tries=0
    until answers "$port"; do
        ((++tries < 150)) || die "nothing answers on port $port after 30 s: $(tail -n 5 "$TMP"/*.log)"
        sleep 0.2
    done
done
curl -fs -o /dev/null -X POST -d 1 "http://$HOST:$NCHAN_PORT/pub?id=x" || die "nginx did not start: $(cat "$TMP/nginx.log")"

ticks() { # CPU clock ticks of a process and its children that are still running (nginx's workers)
    local sum=0 pid
    for pid in "$1" $(pgrep -P "$1" || true); do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    echo "$sum"
}
HZ=$(getconf CLK_TCK)
measure() { # measure NAME PORT FORM PID SECONDS [quiet]
    local s0 r0 s1 r1 rps
    s0=$(ticks "$4"); r0=$(ticks "$REDIS_PID")
    rps=$(PUBLISH_FORM="$3" wrk -t2 -c32 -d"$5"s -s "$ROOT/bench/probes/publish.lua" "http://$HOST:$2" | awk '/Requests\/sec/ {print $2}')
    s1=$(ticks "$4"); r1=$(ticks "$REDIS_PID")
    [[ -n ${6:-} ]] && return
    awk -v n="$1" -v rps="$rps" -v s=$((s1 - s0)) -v r=$((r1 - r0)) -v d="$5" -v hz="$HZ" 'BEGIN {
        printf "  %-7s %9.0f requests/s   server %6.1f us/request   redis %5.1f us/request\n", n, rps, s * 1e6 / hz / (rps * d), r * 1e6 / hz / (rps * d) }'
}
SYSTEMS=("nchan $NCHAN_PORT nchan $NGINX_PID" "herald $PUB_PORT herald $PUB_PID" "empty $EMPTY_PORT herald $EMPTY_PID" "hop $HOP_PORT herald $HOP_PID")
echo "warming up (20 s each) ..."
for s in "${SYSTEMS[@]}"; do read -r -a a <<<"$s"; measure "${a[@]}" 20 quiet; done
for round in $(seq "$ROUNDS"); do
    echo "round $round (${SECS} s each):"
    for s in "${SYSTEMS[@]}"; do read -r -a a <<<"$s"; measure "${a[@]}" "$SECS"; done
done

# Redis alone: publish.lua for one event (the arguments the publisher sends with default retention) against
# a script that does only its two XADDs, 32 clients, usec per call from Redis's own command statistics.
script_cost() { # script_cost NAME SOURCE
    local sha
    sha=$(redis-cli -p "$REDIS_PORT" SCRIPT LOAD "$2")
    redis-cli -p "$REDIS_PORT" CONFIG RESETSTAT >/dev/null
    redis-benchmark -p "$REDIS_PORT" -n 100000 -c 32 -q EVALSHA "$sha" 3 '{p}f' '{p}h' '{p}h' 100000 86400000 t "" \
        '"hello world 0123456789"' "" 10000 86400000 "" 86400000 >/dev/null 2>&1
    redis-cli -p "$REDIS_PORT" INFO commandstats | awk -F'[=,]' -v n="$1" '/^cmdstat_evalsha/ { printf "  %-22s %6.1f us of Redis CPU per call\n", n, $6 }'
}
echo "Redis per call, one event:"
script_cost "publish.lua" "$(cat "$ROOT/common/src/main/resources/herald/publish.lua")"
script_cost "two XADDs only" "local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 't', ARGV[3], 'e', ARGV[4], 'd', ARGV[5], 'r', ARGV[6], 'ts', '0')
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], id, 'e', ARGV[4], 'd', ARGV[5], 'r', ARGV[6], 'ts', '0') return {id, 0}"
