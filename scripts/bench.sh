#!/usr/bin/env bash
# Runs the benchmark scenarios against Herald and, side by side, against Nchan (memory store and Redis
# store), then writes the report. Everything binds to 127.0.0.1 on free ports (never 6379) and lives in a
# temporary directory; every process this script starts is stopped on exit.
#
# Usage: scripts/bench.sh [options] [-- extra options for every bench.jar run]
#   --scenarios LIST   comma-separated, default: fanout,incident,wide,slow,resume,publish,scale
#   --systems LIST     comma-separated, default: herald,nchan-memory,nchan-redis
#   --smoke            small and short: a few hundred connections, 2 s warm-up, 4 s measured
#   --warmup S         warm-up seconds before each measured window (default 5)
#   --duration S       measured seconds (default 20)
#   --build            rebuild the jars even if they exist
#   --out DIR          results directory (default bench/results/<UTC timestamp>)
#   --no-install       do not apt-get install nginx/libnginx-mod-nchan when missing (skip Nchan instead)
# Environment: HERALD_JAVA_OPTS (gateway and publisher JVMs, default -Xmx1g), BENCH_JAVA_OPTS (the load
#   generator, default -Xmx1g), BENCH_NCHAN_WORKERS (default 2), BENCH_KEEP_TMP=1 keeps the temporary dir.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PUBLISHER_JAR="$ROOT/publisher/target/publisher.jar"
GATEWAY_JAR="${BENCH_GATEWAY_JAR:-$ROOT/gateway/target/gateway.jar}" # BENCH_GATEWAY_JAR: compare another build
BENCH_JAR="$ROOT/bench/target/bench.jar"
HOST=127.0.0.1
SCENARIOS="fanout,incident,wide,slow,resume,publish,scale"
SYSTEMS="herald,nchan-memory,nchan-redis"
SMOKE=0
WARMUP=""
DURATION=""
BUILD=0
OUT=""
INSTALL=1
EXTRA=()

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

while (($#)); do
    case "$1" in
        --scenarios) SCENARIOS="$2"; shift 2 ;;
        --systems) SYSTEMS="$2"; shift 2 ;;
        --smoke) SMOKE=1; shift ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --build) BUILD=1; shift ;;
        --out) OUT="$2"; shift 2 ;;
        --no-install) INSTALL=0; shift ;;
        --) shift; EXTRA=("$@"); break ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done

say() { printf '%s\n' "$*" >&2; }
# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"

# --- prerequisites ------------------------------------------------------------------------------------
command -v redis-server >/dev/null 2>&1 || die "redis-server not found (apt-get install -y redis-server)"
command -v java >/dev/null 2>&1 || die "java not found (apt-get install -y openjdk-17-jdk-headless)"
command -v curl >/dev/null 2>&1 || die "curl not found (apt-get install -y curl)"

if [[ $BUILD == 1 || ! -f "$PUBLISHER_JAR" || ! -f "$GATEWAY_JAR" || ! -f "$BENCH_JAR" ]]; then
    command -v mvn >/dev/null 2>&1 || die "mvn not found (apt-get install -y maven)"
    say "Building the jars (mvn -B -q package -DskipTests) ..."
    (cd "$ROOT" && mvn -B -q package -DskipTests) || die "the build failed"
fi

NCHAN_MODULE=/usr/lib/nginx/modules/ngx_nchan_module.so
want_nchan=0
[[ ",$SYSTEMS," == *",nchan-"* ]] && want_nchan=1
if [[ $want_nchan == 1 ]] && ! { command -v nginx >/dev/null 2>&1 && [[ -f $NCHAN_MODULE ]]; }; then
    if [[ $INSTALL == 1 && "$(id -u)" == 0 ]]; then
        say "Nchan is not installed; checking Debian's package ..."
        apt-get update -qq >/dev/null 2>&1 || true
        candidate="$(apt-cache policy libnginx-mod-nchan 2>/dev/null | sed -n 's/^ *Candidate: *//p')"
        if [[ -n "$candidate" && "$candidate" != "(none)" ]]; then
            say "Installing nginx and libnginx-mod-nchan $candidate ..."
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-nchan >/dev/null
        else
            say "The package libnginx-mod-nchan does not exist here (apt-cache policy: no candidate)."
        fi
    fi
    if ! { command -v nginx >/dev/null 2>&1 && [[ -f $NCHAN_MODULE ]]; }; then
        say "Nchan is not available: running Herald only."
        SYSTEMS="$(tr ',' '\n' <<<"$SYSTEMS" | grep -v '^nchan-' | paste -sd, -)"
    fi
fi
NGINX="$(command -v nginx || true)"

# Client and server sockets both count against the open-files limit, per process: raise ours (and so
# the servers') to the hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE="$(ulimit -n)"
[[ "$NOFILE" == unlimited ]] && NOFILE=1048576

if [[ -z "$OUT" ]]; then
    OUT="$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
fi
mkdir -p "$OUT/logs"
OUT="$(cd "$OUT" && pwd)"

# --- cleanup ------------------------------------------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/herald-bench.XXXXXX")"
declare -A PID_OF=()
CLEANED=0

stop() { # stop NAME: TERM, wait up to 10 s, then KILL
    local name="$1" pid waited=0
    pid="${PID_OF[$name]:-}"
    [[ -n "$pid" ]] || return 0
    unset "PID_OF[$name]"
    kill -TERM "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null && ((waited < 100)); do sleep 0.1; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name (pid $pid) did not stop in 10 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    [[ $CLEANED == 1 ]] && return
    CLEANED=1
    trap '' INT TERM
    local name
    for name in bench gateway2 gateway1 nginx publisher redis; do
        stop "$name"
    done
    for name in "${!PID_OF[@]}"; do stop "$name"; done
    if [[ "${BENCH_KEEP_TMP:-0}" == 1 ]]; then say "Kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'say ""; say "Stopping ..."; exit 130' INT
trap 'exit 143' TERM

# --- start-up ---------------------------------------------------------------------------------------
wait_for() { # wait_for NAME SECONDS COMMAND...: 1 if the process died meanwhile, exits on timeout
    local name="$1" seconds="$2" deadline
    shift 2
    deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if ! kill -0 "${PID_OF[$name]}" 2>/dev/null; then
            wait "${PID_OF[$name]}" 2>/dev/null
            say "$name exited during start-up (status $?); last lines of its log:"
            tail -n 30 "$OUT/logs/$name.log" >&2 || true
            unset "PID_OF[$name]"
            return 1
        fi
        ((SECONDS < deadline)) || { say "$name did not become ready in $seconds s"; tail -n 30 "$OUT/logs/$name.log" >&2; exit 1; }
        sleep 0.2
    done
}

# --- ports (lib.sh) -----------------------------------------------------------------------------------
pick_port REDIS_PORT
pick_port PUBLISHER_PORT
pick_port PUBLISHER_ADMIN
pick_port GW1_PORT
pick_port GW1_ADMIN
pick_port GW2_PORT
pick_port GW2_ADMIN
pick_port NCHAN_PORT

read -r -a HERALD_OPTS <<<"${HERALD_JAVA_OPTS:--Xmx1g}"
read -r -a BENCH_OPTS <<<"${BENCH_JAVA_OPTS:--Xmx1g}"
REDIS_URI="redis://$HOST:$REDIS_PORT"

start_redis() {
    mkdir -p "$TMP/redis"
    # No persistence: the benchmark measures the software, not this machine's shared disk.
    redis-server --bind "$HOST" --port "$REDIS_PORT" --dir "$TMP/redis" --save "" --appendonly no \
        --maxclients 10000 >"$OUT/logs/redis.log" 2>&1 &
    PID_OF[redis]=$!
    wait_for redis 10 redis_up || die "redis-server did not start"
}
redis_up() { [[ "$(redis_cmd PING 2>/dev/null)" == PONG ]]; }

start_publisher() {
    start_publisher_once || { say "retrying the publisher once"; start_publisher_once; } || die "the publisher did not start"
}

start_publisher_once() {
    # Retention above the resume scenario's 10 000 missed events (trimming is approximate).
    java "${HERALD_OPTS[@]}" -Dherald.redis.uri="$REDIS_URI" -Dherald.http.host="$HOST" -Dherald.http.port="$PUBLISHER_PORT" \
        -Dherald.admin.port="$PUBLISHER_ADMIN" -Dherald.retention.max-len=100000 \
        -jar "$PUBLISHER_JAR" >"$OUT/logs/publisher.log" 2>&1 &
    PID_OF[publisher]=$!
    wait_for publisher 60 curl -fsS --max-time 2 "http://$HOST:$PUBLISHER_PORT/health"
}

start_gateway() { # start_gateway N PORT ADMIN
    start_gateway_once "$@" || { say "retrying gateway$1 once"; start_gateway_once "$@"; } || die "gateway$1 did not start"
}

start_gateway_once() {
    local name="gateway$1"
    java "${HERALD_OPTS[@]}" -Dherald.redis.uri="$REDIS_URI" -Dherald.http.host="$HOST" -Dherald.http.port="$2" \
        -Dherald.admin.port="$3" -Dherald.http.io-threads=2 \
        -jar "$GATEWAY_JAR" >>"$OUT/logs/$name.log" 2>&1 &
    PID_OF[$name]=$!
    wait_for "$name" 60 curl -fsS --max-time 2 "http://$HOST:$2/health"
}

start_nginx() { # start_nginx memory|redis
    start_nginx_once "$1" || { say "retrying nginx once"; start_nginx_once "$1"; } || die "nginx did not start"
}

start_nginx_once() {
    local conf="$ROOT/bench/nchan/nchan-$1.conf" prefix="$TMP/nchan"
    rm -rf "$prefix"
    mkdir -p "$prefix"
    nchan_conf "$conf" "$prefix" "$NCHAN_PORT" "${BENCH_NCHAN_WORKERS:-2}" "$NOFILE" $((NOFILE - 500)) "$REDIS_PORT" >"$prefix/nginx.conf"
    "$NGINX" -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" >>"$OUT/logs/nginx.log" 2>&1 &
    PID_OF[nginx]=$!
    wait_for nginx 20 curl -fsS --max-time 2 "http://$HOST:$NCHAN_PORT/nchan_status"
}

stop_nginx() {
    if [[ -n "${PID_OF[nginx]:-}" ]]; then
        cat "$TMP/nchan/error.log" >>"$OUT/logs/nginx-error.log" 2>/dev/null || true
        stop nginx
    fi
}

# --- per-scenario parameters --------------------------------------------------------------------------
scenario_args() { # scenario_args SCENARIO -> prints one option per line
    local s="$1"
    if [[ $SMOKE == 1 ]]; then
        printf '%s\n' --warmup "${WARMUP:-2}" --duration "${DURATION:-4}" --drain 3
        case "$s" in
            fanout|incident) printf '%s\n' --connections 200 ;;
            slow) printf '%s\n' --connections 200 --shed-timeout 10 ;;
            wide) printf '%s\n' --connections 1000 ;;
            scale) printf '%s\n' --connections 2000 ;;
            resume) printf '%s\n' --missed 2000 --rounds 2 ;;
        esac
    else
        printf '%s\n' --warmup "${WARMUP:-5}" --duration "${DURATION:-20}"
        case "$s" in
            scale) printf '%s\n' --connections auto ;;
        esac
    fi
}

run_bench() { # run_bench SCENARIO SYSTEM ARGS...
    local scenario="$1" system="$2"
    shift 2
    local -a sargs
    mapfile -t sargs < <(scenario_args "$scenario")
    say ""
    say "=== $scenario against $system ==="
    # The generator runs in the foreground of this script; its progress goes to stderr and to the log.
    java "${BENCH_OPTS[@]}" -jar "$BENCH_JAR" "$scenario" "$@" "${sargs[@]}" --out "$OUT/$scenario-$system.json" \
        ${EXTRA[@]+"${EXTRA[@]}"} 2> >(tee -a "$OUT/logs/$scenario-$system.log" >&2) || say "$scenario against $system failed (exit $?)"
}

# --- run ----------------------------------------------------------------------------------------------
say "Results: $OUT"
say "Scenarios: $SCENARIOS; systems: $SYSTEMS; open-files limit $NOFILE"
start_redis
if [[ ",$SYSTEMS," == *",herald,"* ]]; then
    start_publisher
    # The publisher JVM stays up for the whole run: warm its JIT once (closed-loop single and batched
    # publishing, 30 s each, results discarded), as every gateway is warmed by each scenario's own warm-up.
    # Single-event publishing took ~25 s to reach its steady rate (C2 compiled for that long); after 10 s
    # it was still compiling through the publish scenario's measured window.
    say "Warming up the publisher ..."
    java "${BENCH_OPTS[@]}" -jar "$BENCH_JAR" publish --target herald --pub "http://$HOST:$PUBLISHER_PORT" --warmup 25 --duration 5 \
        --out "$TMP/publisher-warmup.json" >"$OUT/logs/publisher-warmup.log" 2>&1 || say "publisher warm-up failed (see logs)"
fi

IFS=',' read -r -a scenario_list <<<"$SCENARIOS"
IFS=',' read -r -a system_list <<<"$SYSTEMS"
for scenario in "${scenario_list[@]}"; do
    for system in "${system_list[@]}"; do
        redis_cmd FLUSHALL >/dev/null
        case "$system" in
            herald)
                if [[ $scenario == publish ]]; then
                    # Publishing alone, as Nchan's publishing and Redis's ceiling for the same writes are measured:
                    # no gateway. One tailing the feeds on these two cores took 0.3-0.45 of a core from the
                    # publisher and Redis at 7-9k events/s (what its reads cost is measured in the delivery scenarios).
                    run_bench "$scenario" herald --target herald --label herald --pub "http://$HOST:$PUBLISHER_PORT" \
                        --redis "$REDIS_URI" --server-pid "publisher=${PID_OF[publisher]}" --server-pid "redis=${PID_OF[redis]}"
                    continue
                fi
                start_gateway 1 "$GW1_PORT" "$GW1_ADMIN"
                subs="http://$HOST:$GW1_PORT"
                metrics="http://$HOST:$GW1_ADMIN/metrics"
                pids=(--server-pid "gateway=${PID_OF[gateway1]}")
                if [[ $scenario == resume ]]; then
                    # Two gateways: each client resumes on the other one than it left.
                    start_gateway 2 "$GW2_PORT" "$GW2_ADMIN"
                    subs+=",http://$HOST:$GW2_PORT"
                    metrics+=",http://$HOST:$GW2_ADMIN/metrics"
                    pids+=(--server-pid "gateway2=${PID_OF[gateway2]}")
                fi
                pids+=(--server-pid "redis=${PID_OF[redis]}" --aux-pid "publisher=${PID_OF[publisher]}")
                run_bench "$scenario" herald --target herald --label herald --pub "http://$HOST:$PUBLISHER_PORT" --sub "$subs" \
                    --metrics "$metrics" --redis "$REDIS_URI" "${pids[@]}"
                stop gateway2
                stop gateway1
                ;;
            nchan-memory|nchan-redis)
                store="${system#nchan-}"
                start_nginx "$store"
                pids=(--server-pid "nginx=${PID_OF[nginx]}")
                [[ $store == redis ]] && pids+=(--server-pid "redis=${PID_OF[redis]}")
                run_bench "$scenario" "$system" --target nchan --label "$system" --pub "http://$HOST:$NCHAN_PORT" \
                    --metrics "http://$HOST:$NCHAN_PORT/nchan_status" "${pids[@]}"
                stop_nginx
                ;;
            *) die "unknown system $system (herald, nchan-memory, nchan-redis)" ;;
        esac
    done
done

say ""
java -jar "$BENCH_JAR" report "$OUT"
say "Report: $OUT/report.html"
