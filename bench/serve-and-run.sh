#!/usr/bin/env bash
# Starts the release server on a fresh SQLite database (throttling off, as
# SPEC.md allows for load tests), measures idle memory, runs the page/asset
# benchmark (bench/run.sh) and the sign-in benchmark (bench/signin.sh), and
# stops the server. Loopback only; every step is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${CARGO_TARGET_DIR:-target}/release/vestibule"
PORT="${BENCH_PORT:-3918}"
WORK="$(mktemp -d)"
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export DATABASE_URL="${BENCH_DATABASE_URL:-sqlite://$WORK/bench.db}"
export VESTIBULE_ADDR="127.0.0.1:$PORT" VESTIBULE_DATA_DIR="$WORK" VESTIBULE_THROTTLE=off
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}" RUST_LOG=warn
"$BIN" serve >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
sleep 3
echo "== idle server memory: $(awk '/VmRSS/ {print $2 " " $3}' /proc/$PID/status) RSS (database: ${DATABASE_URL%%:*})"
BASE_URL="http://127.0.0.1:$PORT" SERVER_PID=$PID bash bench/run.sh
BASE_URL="http://127.0.0.1:$PORT" SERVER_PID=$PID BIN="$BIN" bash bench/signin.sh
