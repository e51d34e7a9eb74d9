#!/usr/bin/env bash
# Runs Mercure's own Playwright conformance suite (github.com/dunglas/mercure, conformance-tests/, AGPL) against
# a local Herald cluster: Redis, a publisher and two gateways behind HAProxy (scripts/local-cluster.sh), with
# the suite's HS256 key (Mercure's default, "!ChangeThisMercureHubJWTSecretKey!") as herald.auth.jwt.hs256-secret.
# The suite is never copied into this repository: it is extracted into a temporary directory, from
#   MERCURE_SUITE_DIR   a directory holding the suite (package.json, mercure.spec.ts), used as is; or
#   MERCURE_GIT_DIR     a (bare) clone of dunglas/mercure, archived at MERCURE_REF; or else
#                       a shallow clone of https://github.com/dunglas/mercure at MERCURE_REF.
#   MERCURE_REF         the suite's version (default v0.24.2, the newest stable 0.x hub: the draft protocol
#                       with "topic" selectors, URI Templates and the "mercure" JWT claim that Herald implements)
#   CHROMIUM            the browser (default /usr/bin/chromium; Playwright's own browsers are not downloaded)
# Needs what scripts/local-cluster.sh needs, plus haproxy, Node.js with npm, and Chromium. Extra arguments go to
# "npx playwright test". Exit status: Playwright's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REF="${MERCURE_REF:-v0.24.2}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
SECRET='!ChangeThisMercureHubJWTSecretKey!'
# shellcheck source=lib.sh
HOST=127.0.0.1
source "$ROOT/scripts/lib.sh"

command -v haproxy >/dev/null 2>&1 || die "haproxy not found (sudo apt-get install -y haproxy): the suite needs one origin for GET and POST"
command -v npm >/dev/null 2>&1 || die "npm not found (sudo apt-get install -y npm)"
[[ -x "$CHROMIUM" ]] || die "no Chromium at $CHROMIUM (sudo apt-get install -y chromium, or set CHROMIUM)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/herald-mercure-conformance.XXXXXX")"
CLUSTER_PID=""
cleanup() {
    if [[ -n "$CLUSTER_PID" ]] && kill -0 "$CLUSTER_PID" 2>/dev/null; then
        kill -TERM "$CLUSTER_PID" 2>/dev/null || true
        wait "$CLUSTER_PID" 2>/dev/null || true
    fi
    [[ "${HERALD_KEEP_TMP:-0}" == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT

# --- the suite ----------------------------------------------------------------------------------------
SUITE="$WORK/suite"
if [[ -n "${MERCURE_SUITE_DIR:-}" ]]; then
    cp -r "$MERCURE_SUITE_DIR" "$SUITE"
elif [[ -n "${MERCURE_GIT_DIR:-}" ]]; then
    mkdir -p "$WORK/archive"
    git --git-dir="$MERCURE_GIT_DIR" archive "$REF" conformance-tests | tar -x -C "$WORK/archive"
    mv "$WORK/archive/conformance-tests" "$SUITE"
else
    git clone -q --depth 1 --branch "$REF" https://github.com/dunglas/mercure "$WORK/mercure"
    mv "$WORK/mercure/conformance-tests" "$SUITE"
fi
echo "Mercure conformance suite $REF in $SUITE"
(cd "$SUITE" && npm ci --no-audit --no-fund --loglevel=error)
# Chromium only, Debian's binary, a plain list report; everything else as the suite's own config says.
cat >"$SUITE/herald.config.ts" <<CFG
import base from "./playwright.config";
export default {
  ...base,
  reporter: "list",
  projects: [{ name: "chromium", use: { ...base.projects![0].use, launchOptions: { executablePath: "$CHROMIUM" } } }],
};
CFG

# --- the cluster --------------------------------------------------------------------------------------
pick_port LB_PORT --env
export LB_PORT
HERALD_JAVA_OPTS="-Xmx256m -Dherald.auth.jwt.hs256-secret=$SECRET" HERALD_KEEP_TMP=0 \
    "$ROOT/scripts/local-cluster.sh" >"$WORK/cluster.log" 2>&1 &
CLUSTER_PID=$!
deadline=$((SECONDS + 120))
until grep -q 'The cluster is running' "$WORK/cluster.log" 2>/dev/null; do
    kill -0 "$CLUSTER_PID" 2>/dev/null || { cat "$WORK/cluster.log" >&2; die "the cluster did not start"; }
    ((SECONDS < deadline)) || { cat "$WORK/cluster.log" >&2; die "the cluster did not start within 120 s"; }
    sleep 0.5
done
BASE_URL="http://127.0.0.1:$LB_PORT/.well-known/mercure"
echo "Herald behind HAProxy: $BASE_URL"

# --- run ----------------------------------------------------------------------------------------------
cd "$SUITE"
BASE_URL="$BASE_URL" npx playwright test -c herald.config.ts "$@"
