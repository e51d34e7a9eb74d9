#!/usr/bin/env bash
# Starts a local Herald cluster and shows it delivering events:
#   redis-server -> publisher -> two gateways (-> HAProxy in front of them, if haproxy is installed)
# HAProxy also routes the publisher API (/v1/topics, /v1/events) to the publisher, so the browser demo
# page (/demo, served by the gateways) subscribes and publishes on one origin.
# Everything binds to 127.0.0.1 on free ports (never 6379) and lives in a temporary directory that is
# removed on exit. Ctrl-C stops every process this script started.
#
# Usage: scripts/local-cluster.sh [--demo-only] [--tls]
#   --demo-only          (or HERALD_DEMO_EXIT=1) stop and clean up right after the demo; exit status 1
#                        if the demo subscriber did not receive the demo events
#   --tls                also serve TLS with HTTP/2: a self-signed certificate is made at start in the
#                        temporary directory (its path is printed); the gateways get a TLS listener and
#                        HAProxy (if used) terminates TLS with HTTP/2 too, so the demo page can be opened
#                        over HTTP/2 (the browser will ask you to accept the certificate)
# Environment (all optional):
#   REDIS_PORT, PUBLISHER_PORT, GATEWAY1_PORT, GATEWAY2_PORT, LB_PORT    fixed ports instead of free ones
#   PUBLISHER_ADMIN_PORT, GATEWAY1_ADMIN_PORT, GATEWAY2_ADMIN_PORT        fixed admin ports
#   HERALD_JAVA_OPTS     JVM options for the three Java processes (default: -Xmx256m)
#   HERALD_NO_LB=1       do not start HAProxy even if it is installed
#   HERALD_KEEP_TMP=1    keep the temporary directory (logs, Redis data) on exit
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PUBLISHER_JAR="$ROOT/publisher/target/publisher.jar"
GATEWAY_JAR="$ROOT/gateway/target/gateway.jar"
HOST=127.0.0.1
TOPIC=demo
DEMO_ONLY="${HERALD_DEMO_EXIT:-0}"
USE_TLS=0
JAVA_OPTS_DEFAULT=(-Xmx256m)

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

for arg in "$@"; do
    case "$arg" in
        --demo-only) DEMO_ONLY=1 ;;
        --tls) USE_TLS=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

say() { printf '%s\n' "$*"; }
# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"

# --- prerequisites ------------------------------------------------------------------------------------
if ! command -v redis-server >/dev/null 2>&1; then
    echo "redis-server not found: install it with 'sudo apt-get install -y redis-server'" >&2
    exit 1
fi
command -v java >/dev/null 2>&1 || die "java not found: install Java 17 (sudo apt-get install -y openjdk-17-jdk-headless)"
command -v curl >/dev/null 2>&1 || die "curl not found: install it with 'sudo apt-get install -y curl'"

if [[ ! -f "$PUBLISHER_JAR" || ! -f "$GATEWAY_JAR" ]]; then
    command -v mvn >/dev/null 2>&1 || die "the jars are not built and mvn is not installed (sudo apt-get install -y maven)"
    say "Building the jars (mvn -B -q package -DskipTests) ..."
    (cd "$ROOT" && mvn -B -q package -DskipTests) || die "the build failed"
    [[ -f "$PUBLISHER_JAR" && -f "$GATEWAY_JAR" ]] || die "the build did not produce $PUBLISHER_JAR and $GATEWAY_JAR"
fi

# --- cleanup ------------------------------------------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/herald-local.XXXXXX")"
PIDS=()    # every long-running process we started, in start order
NAMES=()
CLEANED=0

cleanup() {
    [[ $CLEANED == 1 ]] && return
    CLEANED=1
    trap '' INT TERM
    local i pid waited
    # Stop in reverse order: load balancer, gateways, publisher, then Redis.
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        pid="${PIDS[$i]}"
        kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
    done
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        pid="${PIDS[$i]}"
        waited=0
        while kill -0 "$pid" 2>/dev/null && ((waited < 100)); do sleep 0.1; waited=$((waited + 1)); done
        if kill -0 "$pid" 2>/dev/null; then
            say "${NAMES[$i]} (pid $pid) did not stop in 10 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    if [[ "${HERALD_KEEP_TMP:-0}" == 1 ]]; then
        say "Kept $TMP (logs and Redis data)."
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'say ""; say "Stopping ..."; exit 130' INT
trap 'exit 143' TERM

# --- ports --------------------------------------------------------------------------------------------
USE_LB=0
if [[ "${HERALD_NO_LB:-0}" != 1 ]] && command -v haproxy >/dev/null 2>&1; then
    USE_LB=1
fi

pick_port REDIS_PORT --env
pick_port PUBLISHER_PORT --env
pick_port PUBLISHER_ADMIN_PORT --env
pick_port GATEWAY1_PORT --env
pick_port GATEWAY1_ADMIN_PORT --env
pick_port GATEWAY2_PORT --env
pick_port GATEWAY2_ADMIN_PORT --env
if [[ $USE_LB == 1 ]]; then pick_port LB_PORT --env; fi
if [[ $USE_TLS == 1 ]]; then
    pick_port GATEWAY1_TLS_PORT --env
    pick_port GATEWAY2_TLS_PORT --env
    if [[ $USE_LB == 1 ]]; then pick_port LB_TLS_PORT --env; fi
fi

# --- process helpers ----------------------------------------------------------------------------------
start() { # start NAME LOGFILE COMMAND...
    local name="$1" log="$2"
    shift 2
    "$@" >"$log" 2>&1 &
    PIDS+=("$!")
    NAMES+=("$name")
}

alive_or_die() { # alive_or_die INDEX LOGFILE
    local pid="${PIDS[$1]}" name="${NAMES[$1]}"
    if ! kill -0 "$pid" 2>/dev/null; then
        say "$name exited during start-up; last lines of $2:" >&2
        tail -n 30 "$2" >&2 || true
        exit 1
    fi
}

wait_until() { # wait_until INDEX LOGFILE SECONDS DESCRIPTION COMMAND...
    local index="$1" log="$2" seconds="$3" what="$4" deadline
    shift 4
    deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        alive_or_die "$index" "$log"
        if ((SECONDS >= deadline)); then
            say "$what did not become ready in ${seconds} s; last lines of $log:" >&2
            tail -n 30 "$log" >&2 || true
            exit 1
        fi
        sleep 0.2
    done
}

redis_pings() { [[ "$(redis_cmd PING 2>/dev/null)" == PONG ]]; }

healthy() { curl -fsS -o /dev/null --max-time 2 "$1/health"; }

java_opts=(${HERALD_JAVA_OPTS:-${JAVA_OPTS_DEFAULT[*]}})
REDIS_URI="redis://$HOST:$REDIS_PORT"
PUBLISHER_URL="http://$HOST:$PUBLISHER_PORT"
GATEWAY1_URL="http://$HOST:$GATEWAY1_PORT"
GATEWAY2_URL="http://$HOST:$GATEWAY2_PORT"
LB_URL=""
[[ $USE_LB == 1 ]] && LB_URL="http://$HOST:$LB_PORT"

herald_java() { # herald_java JAR HTTP_PORT ADMIN_PORT [TLS_PORT]
    if [[ -n "${4:-}" ]]; then
        printf '%s\n' "-Dherald.tls.enabled=true" "-Dherald.tls.port=$4" \
            "-Dherald.tls.certificate=$TMP/tls/cert.pem" "-Dherald.tls.private-key=$TMP/tls/key.pem"
    fi | { mapfile -t tls_args; printf '%s\n' java "${java_opts[@]}" "${tls_args[@]}" \
        "-Dherald.redis.uri=$REDIS_URI" \
        "-Dherald.http.host=$HOST" "-Dherald.http.port=$2" \
        "-Dherald.admin.host=$HOST" "-Dherald.admin.port=$3" \
        "-Dherald.gateway.drain.period=${HERALD_DRAIN_PERIOD:-2s}" \
        -jar "$1"; }
}

say "Starting a local Herald cluster in $TMP (one log file per process there)"

# --- redis --------------------------------------------------------------------------------------------
mkdir -p "$TMP/redis"
start redis "$TMP/redis.log" redis-server --port "$REDIS_PORT" --bind "$HOST" --save "" --appendonly yes \
    --dir "$TMP/redis" --daemonize no --protected-mode no
wait_until 0 "$TMP/redis.log" 15 "redis-server" redis_pings
say "  redis      $REDIS_URI"

# --- TLS (optional) -----------------------------------------------------------------------------------
GATEWAY1_TLS=""
GATEWAY2_TLS=""
if [[ $USE_TLS == 1 ]]; then
    command -v openssl >/dev/null 2>&1 || die "openssl not found: install it with 'sudo apt-get install -y openssl'"
    mkdir -p "$TMP/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$TMP/tls/key.pem" -out "$TMP/tls/cert.pem" >/dev/null 2>&1 || die "openssl could not make a certificate"
    cat "$TMP/tls/cert.pem" "$TMP/tls/key.pem" >"$TMP/tls/herald.pem"
    GATEWAY1_TLS=$GATEWAY1_TLS_PORT
    GATEWAY2_TLS=$GATEWAY2_TLS_PORT
    say "  tls        self-signed certificate $TMP/tls/cert.pem (key $TMP/tls/key.pem)"
fi

# --- publisher and gateways ---------------------------------------------------------------------------
mapfile -t cmd < <(herald_java "$PUBLISHER_JAR" "$PUBLISHER_PORT" "$PUBLISHER_ADMIN_PORT")
start publisher "$TMP/publisher.log" "${cmd[@]}"
mapfile -t cmd < <(herald_java "$GATEWAY_JAR" "$GATEWAY1_PORT" "$GATEWAY1_ADMIN_PORT" "$GATEWAY1_TLS")
start "gateway 1" "$TMP/gateway1.log" "${cmd[@]}"
mapfile -t cmd < <(herald_java "$GATEWAY_JAR" "$GATEWAY2_PORT" "$GATEWAY2_ADMIN_PORT" "$GATEWAY2_TLS")
start "gateway 2" "$TMP/gateway2.log" "${cmd[@]}"

wait_until 1 "$TMP/publisher.log" 60 "the publisher" healthy "$PUBLISHER_URL"
say "  publisher  $PUBLISHER_URL   (admin: http://$HOST:$PUBLISHER_ADMIN_PORT/metrics)"
wait_until 2 "$TMP/gateway1.log" 60 "gateway 1" healthy "$GATEWAY1_URL"
say "  gateway 1  $GATEWAY1_URL   (admin: http://$HOST:$GATEWAY1_ADMIN_PORT/metrics)"
wait_until 3 "$TMP/gateway2.log" 60 "gateway 2" healthy "$GATEWAY2_URL"
say "  gateway 2  $GATEWAY2_URL   (admin: http://$HOST:$GATEWAY2_ADMIN_PORT/metrics)"

# --- haproxy ------------------------------------------------------------------------------------------
if [[ $USE_LB == 1 ]]; then
    cat >"$TMP/haproxy.cfg" <<EOF
# Generated by scripts/local-cluster.sh: HAProxy in front of the two local gateways, and of the publisher
# for the publisher API's paths (so the demo page at /demo can publish on its own origin, without CORS).
# global and defaults (bounded socket buffers so slow clients are shed, SSE timeouts, retries) are those
# of the shipped deploy/haproxy/haproxy.cfg.
$(awk '/^[a-z]/ { keep = ($1 == "global" || $1 == "defaults") } keep' "$ROOT/deploy/haproxy/haproxy.cfg")

frontend herald
    bind $HOST:$LB_PORT
$( [[ $USE_TLS == 1 ]] && printf '    bind %s:%s ssl crt %s alpn h2,http/1.1' "$HOST" "$LB_TLS_PORT" "$TMP/tls/herald.pem" )
    acl publisher_api path /v1/topics /v1/events
    acl publisher_api path_beg /v1/topics/
    use_backend publisher if publisher_api
    use_backend publisher if { path /.well-known/mercure } METH_POST
    default_backend gateways

backend gateways
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    server gateway1 $HOST:$GATEWAY1_PORT check inter 2s fall 2 rise 1
    server gateway2 $HOST:$GATEWAY2_PORT check inter 2s fall 2 rise 1

backend publisher
    option httpchk GET /health
    http-check expect status 200
    server publisher $HOST:$PUBLISHER_PORT check inter 2s fall 2 rise 1
EOF
    start haproxy "$TMP/haproxy.log" haproxy -db -f "$TMP/haproxy.cfg"
    wait_until 4 "$TMP/haproxy.log" 15 "haproxy" healthy "$LB_URL"
    say "  haproxy    $LB_URL   (round-robin over both gateways, /v1/topics and /v1/events to the publisher; config: $TMP/haproxy.cfg)"
fi

SUBSCRIBE_URL="${LB_URL:-$GATEWAY1_URL}"
if [[ -n "$LB_URL" ]]; then
    DEMO_PAGE_URL="$LB_URL/demo"
else
    DEMO_PAGE_URL="$GATEWAY1_URL/demo?publisher=$PUBLISHER_URL"
fi

# --- how to use it ------------------------------------------------------------------------------------
cat <<EOF

Logs: $TMP/{redis,publisher,gateway1,gateway2${LB_URL:+,haproxy}}.log

Subscribe (leave it running in another terminal):
  curl -N '$SUBSCRIBE_URL/v1/stream?topic=$TOPIC'

Publish:
  curl -X POST '$PUBLISHER_URL/v1/topics/$TOPIC/events' -H 'Content-Type: application/json' -d '{"data":"hello"}'

Resume after a disconnect from the last id you received (nothing in between is lost):
  curl -N -H 'Last-Event-ID: <id>' '$SUBSCRIBE_URL/v1/stream?topic=$TOPIC'

Topic info:
  curl '$PUBLISHER_URL/v1/topics/$TOPIC'

EOF
if [[ $USE_TLS == 1 ]]; then
    TLS_BASE="https://$HOST:${LB_TLS_PORT:-$GATEWAY1_TLS_PORT}"
    cat <<EOF
TLS with HTTP/2 (self-signed: $TMP/tls/cert.pem):
  curl -N --http2 --cacert '$TMP/tls/cert.pem' '$TLS_BASE/v1/stream?topic=$TOPIC'
  demo page over HTTP/2: $TLS_BASE/demo   (accept the certificate in the browser)

EOF
fi

if [[ -n "$LB_URL" ]]; then
    cat <<EOF
Demo page in a browser (subscribes and publishes through HAProxy; open it twice to see the fan-out):
  $DEMO_PAGE_URL

EOF
else
    cat <<EOF
Demo page in a browser (no HAProxy: it subscribes on gateway 1 and publishes to the publisher, which is
another origin, so publishing from the page needs the publisher to allow $GATEWAY1_URL with CORS,
herald.cors.allowed-origins; without that, publish with curl and watch the page):
  $DEMO_PAGE_URL

EOF
fi

# --- demo ---------------------------------------------------------------------------------------------
say "Demo: a subscriber on $SUBSCRIBE_URL while 3 events are published to topic '$TOPIC' ..."
DEMO_OUT="$TMP/demo-subscriber.txt"
: >"$DEMO_OUT"
curl -sN --max-time 30 "$SUBSCRIBE_URL/v1/stream?topic=$TOPIC" >"$DEMO_OUT" 2>"$TMP/demo-curl.log" &
SUB_PID=$!
# The gateway flushes the headers and an opening comment at once: wait for them, so the subscription is
# registered before the first publish.
for _ in $(seq 1 30); do
    [[ -s "$DEMO_OUT" ]] && break
    sleep 0.1
done

IDS=()
demo_messages=("hello from Herald" "events fan out through Redis Streams" "bye")
for i in 1 2 3; do
    body=$(printf '{"event":"greeting","data":{"n":%d,"text":"%s"}}' "$i" "${demo_messages[$((i - 1))]}")
    reply=$(curl -sS --max-time 5 -X POST "$PUBLISHER_URL/v1/topics/$TOPIC/events" \
        -H 'Content-Type: application/json' -d "$body" || true)
    say "  POST /v1/topics/$TOPIC/events $body"
    say "    -> $reply"
    IDS+=("$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' <<<"$reply")")
    sleep 0.3
done
# Stop listening once the three events are in (or after 20 s on a very busy machine).
for _ in $(seq 1 200); do
    (($(grep -c '^event: greeting' "$DEMO_OUT" || true) >= 3)) && break
    sleep 0.1
done
kill "$SUB_PID" 2>/dev/null || true
wait "$SUB_PID" 2>/dev/null || true

say ""
say "What the subscriber received (curl -N '$SUBSCRIBE_URL/v1/stream?topic=$TOPIC'):"
sed 's/^/  | /' "$DEMO_OUT"
received=$(grep -c '^event: greeting' "$DEMO_OUT" || true)

resumed=0
if [[ -n "${IDS[0]:-}" ]]; then
    say ""
    say "Resuming from the first event's id (Last-Event-ID: ${IDS[0]}) replays the two after it from Redis:"
    curl -sN --max-time 2 -H "Last-Event-ID: ${IDS[0]}" "$SUBSCRIBE_URL/v1/stream?topic=$TOPIC" \
        >"$TMP/demo-resume.txt" 2>>"$TMP/demo-curl.log" || true
    sed 's/^/  | /' "$TMP/demo-resume.txt"
    resumed=$(grep -c '^event: greeting' "$TMP/demo-resume.txt" || true)
fi

say ""
if [[ "$received" == 3 && "$resumed" == 2 ]]; then
    say "Demo OK: the live subscriber received 3/3 events; the resumed one got the 2 it had not seen."
    demo_ok=1
else
    say "Demo FAILED: the live subscriber received $received/3 events, the resumed one $resumed/2 (expected 2)."
    say "Check the logs in $TMP (set HERALD_KEEP_TMP=1 to keep them after exit)."
    demo_ok=0
fi

if [[ "$DEMO_ONLY" == 1 ]]; then
    [[ $demo_ok == 1 ]] && exit 0 || exit 1
fi

# --- wait ---------------------------------------------------------------------------------------------
say ""
say "The cluster is running. Demo page: $DEMO_PAGE_URL"
say "Press Ctrl-C to stop it and remove $TMP."
while :; do
    for i in "${!PIDS[@]}"; do
        if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
            log_name="${NAMES[$i]// /}"
            say "${NAMES[$i]} (pid ${PIDS[$i]}) exited; last lines of its log:" >&2
            tail -n 30 "$TMP/$log_name.log" >&2 || true
            exit 1
        fi
    done
    sleep 1
done
