# Shell helpers shared by scripts/local-cluster.sh, scripts/bench.sh and bench/probes (sourced, not run). They expect
# HOST (the address everything binds to) and, for redis_cmd, REDIS_PORT.

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

PORTS_TAKEN=" "

port_in_use() {
    local port="$1"
    if (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; then
        return 0 # something answers there
    fi
    if command -v python3 >/dev/null 2>&1; then
        # Nothing listens; make sure we can also bind it (it may be held by a socket that is not listening).
        ! python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1], int(sys.argv[2])))' "$HOST" "$port" 2>/dev/null
    else
        return 1
    fi
}

# pick_port VAR [--env]: sets VAR to a free port in 20000-29999 (below the kernel's ephemeral range, so an
# outgoing connection cannot be holding it), never 6379, never one already picked. With --env, a value
# already in $VAR is used instead, once checked.
pick_port() {
    local var="$1" port="" tries=0
    [[ "${2:-}" == --env ]] && port="${!var:-}"
    if [[ -n "$port" ]]; then
        [[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "$var=$port is not a TCP port"
        [[ "$port" != 6379 ]] || die "$var=6379: this script never uses 6379, so a Redis already there is left alone"
        [[ "$PORTS_TAKEN" != *" $port "* ]] || die "$var=$port is also given for another service"
        port_in_use "$port" && die "$var=$port is already in use"
    else
        while :; do
            port=$((20000 + RANDOM % 10000))
            if [[ "$PORTS_TAKEN" != *" $port "* ]] && ! port_in_use "$port"; then break; fi
            tries=$((tries + 1))
            ((tries < 200)) || die "could not find a free port"
        done
    fi
    PORTS_TAKEN+="$port "
    printf -v "$var" '%s' "$port"
}

# redis_cmd ARGS...: one command to the Redis on $HOST:$REDIS_PORT, its reply on stdout; without redis-cli,
# a plain-text command over /dev/tcp (enough for PING and FLUSHALL).
redis_cmd() {
    if command -v redis-cli >/dev/null 2>&1; then
        redis-cli -h "$HOST" -p "$REDIS_PORT" "$@"
    else
        local reply
        exec 3<>"/dev/tcp/$HOST/$REDIS_PORT" || return 1
        printf '%s\r\n' "$*" >&3
        read -r -t 2 reply <&3 || true
        exec 3<&- 3>&-
        printf '%s\n' "${reply#+}"
    fi
}

# nchan_conf TEMPLATE PREFIX PORT WORKERS NOFILE WORKER_CONNECTIONS [REDIS_PORT]: prints bench/nchan/<TEMPLATE>
# with its placeholders filled in (as root, nginx's workers run as root too, to read the prefix).
nchan_conf() {
    local user_line=""
    [[ "$(id -u)" == 0 ]] && user_line="user root;"
    sed -e "s#@PREFIX@#$2#g" -e "s/@PORT@/$3/g" -e "s/@REDIS_PORT@/${7:-}/g" -e "s/@WORKERS@/$4/g" \
        -e "s/@NOFILE@/$5/g" -e "s/@WORKER_CONNECTIONS@/$6/g" -e "s/@USER_LINE@/$user_line/g" "$1"
}
