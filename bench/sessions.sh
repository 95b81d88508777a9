#!/usr/bin/env bash
# /account/sessions of a user with 20 sessions and 10,000 timeline events:
# requests per second and p99 at 32 connections, with activity tracking on
# and off, against /healthz in the same run. SQLite by default; set
# BENCH_DATABASE_URL=postgres://… (an empty database) for PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${CARGO_TARGET_DIR:-target}/release/vestibule"
PORT="${BENCH_PORT:-3921}"
DURATION="${BENCH_DURATION:-10}"
WORK="$(mktemp -d)"
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
export DATABASE_URL="${BENCH_DATABASE_URL:-sqlite://$WORK/bench.db}"
TOKEN=$("$BIN" bench-seed --username benchuser --password violet-ocean-lantern-42 --sessions 20 --events 10000 2>/dev/null | tail -n1)
run() { # $1 = on|off
  VESTIBULE_TRACK_ACTIVITY=$1 VESTIBULE_ADDR=127.0.0.1:$PORT VESTIBULE_DATA_DIR=$WORK VESTIBULE_THROTTLE=off \
    VESTIBULE_SESSION_IDLE_MINUTES=600 RUST_LOG=warn "$BIN" serve >"$WORK/server-$1.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS -o /dev/null -H "Cookie: vestibule_session=$TOKEN" "http://127.0.0.1:$PORT/account/sessions"
  rows=$(curl -fsS -H "Cookie: vestibule_session=$TOKEN" "http://127.0.0.1:$PORT/account/sessions" | grep -o 'aria-labelledby="s-' | wc -l)
  echo "== tracking $1 (${DATABASE_URL%%:*}): the page lists $rows active sessions"
  for target in /healthz /account/sessions; do
    out=$(timeout $((DURATION + 20)) wrk -t2 -c32 -d${DURATION}s --latency -H "Cookie: vestibule_session=$TOKEN" "http://127.0.0.1:$PORT$target")
    printf "   %-18s %10s req/s   p99 %s   %s\n" "$target" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
      "$(echo "$out" | awk '$1=="99%" {print $2}')" "$(echo "$out" | grep -E 'Non-2xx' || true)"
  done
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
}
run off
run on
