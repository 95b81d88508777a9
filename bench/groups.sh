#!/usr/bin/env bash
# Groups at scale: seeds 100,000 groups (vestibule seed-demo), then measures
# with wrk on loopback, in one run against /healthz:
#   - /groups as a visitor at 32 connections (served from the anonymous page
#     cache, as in production) and uncached (a non-session cookie bypasses it);
#   - search over the 100,000 groups through POST /api/list_groups with a
#     rotating set of queries, at 4 and at 32 connections (p99 latency).
# SQLite by default; BENCH_DATABASE_URL=postgres://… (an empty database) for PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${CARGO_TARGET_DIR:-target}/release/vestibule"
PORT="${BENCH_PORT:-3922}"
DURATION="${BENCH_DURATION:-10}"
NGROUPS="${BENCH_GROUPS:-100000}"
WORK="$(mktemp -d)"
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
export DATABASE_URL="${BENCH_DATABASE_URL:-sqlite://$WORK/bench.db}"
start=$(date +%s)
"$BIN" seed-demo --groups "$NGROUPS" >/dev/null 2>&1
echo "== ${DATABASE_URL%%:*}: seeded $NGROUPS groups in $(( $(date +%s) - start )) s"
VESTIBULE_ADDR=127.0.0.1:$PORT VESTIBULE_DATA_DIR=$WORK VESTIBULE_THROTTLE=off RUST_LOG=warn \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
hits=$(curl -fsS -X POST -H 'Accept: application/json' --data 'q=friendly&group_type=&tag=&sort=&after=' \
  "http://127.0.0.1:$PORT/api/list_groups" | grep -o '"slug"' | wc -l)
echo "   a search for 'friendly' returns a page of $hits groups"
report() { # $1 label, rest: wrk arguments
  local label=$1; shift
  out=$(timeout $((DURATION + 20)) wrk -t2 -d${DURATION}s --latency "$@")
  printf "   %-34s %10s req/s   p50 %-9s p99 %-9s %s\n" "$label" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1=="50%" {print $2}')" "$(echo "$out" | awk '$1=="99%" {print $2}')" \
    "$(echo "$out" | grep -E 'Non-2xx' || true)"
}
URL="http://127.0.0.1:$PORT"
report "/healthz (32 conn)" -c32 "$URL/healthz"
report "/groups visitor, cached (32 conn)" -c32 "$URL/groups"
report "/groups visitor, uncached (32)" -c32 -H "Cookie: bench=1" "$URL/groups"
report "search API (1 conn)" -c1 -t1 -s bench/search.lua "$URL"
report "search API (4 conn)" -c4 -s bench/search.lua "$URL"
report "search API (32 conn)" -c32 -s bench/search.lua "$URL"
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
