#!/usr/bin/env bash
# Sign-in throughput against the raw argon2id hash rate, side by side, and
# memory under 100 concurrent sign-ins. Needs a server started with
# VESTIBULE_THROTTLE=off (bench/serve-and-run.sh does that).
set -euo pipefail
BASE_URL="${BASE_URL:-http://127.0.0.1:3000}"
BIN="${BIN:-target/release/vestibule}"
DURATION="${BENCH_DURATION:-10}"
case "$BASE_URL" in http://127.*|http://localhost*) ;; *) echo "loopback only" >&2; exit 2;; esac
USER_NAME="bench_$RANDOM$RANDOM"
PASS="violet-ocean-lantern-42"
curl -fsS --max-time 10 -o /dev/null -H 'Accept: application/json' \
  --data-urlencode "username=$USER_NAME" --data-urlencode "email=$USER_NAME@example.com" \
  --data-urlencode "password=$PASS" "$BASE_URL/api/register"
LUA="$(mktemp)"
cat >"$LUA" <<LUA
wrk.method = "POST"
wrk.body = "login=$USER_NAME&password=$PASS"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
# The machine is shared and its speed drifts by 20 % within a minute, so the
# raw rate and the sign-in rate are measured in alternating short rounds
# (raw, sign-ins, raw, sign-ins, ...) and the totals are compared.
ROUNDS="${BENCH_ROUNDS:-3}"
STEP=$(( DURATION / 2 > 2 ? DURATION / 2 : 3 ))
# Two raw rates: the crate's plain `hash_password` (allocates and zeroes its
# 19 MiB each time) and the same hash with each thread's memory kept, as the
# server's verifier does. Both ratios are printed.
raw() { "$BIN" hash-rate --seconds "$STEP" "$@" | sed -E 's/.* = ([0-9.]+) hashes\/s/\1/'; }
for c in 4 8; do
  echo "== $c concurrent clients: $ROUNDS rounds of ${STEP} s raw argon2id (all cores, both ways) then ${STEP} s sign-ins"
  RAW_SUM=0; KEPT_SUM=0; RPS_SUM=0
  for r in $(seq 1 "$ROUNDS"); do
    RAW=$(raw)
    KEPT=$(raw --reuse-memory)
    OUT=$(timeout $((STEP + 30)) wrk -t2 -c$c -d${STEP}s --latency -s "$LUA" "$BASE_URL/api/login")
    RPS=$(echo "$OUT" | awk '/Requests\/sec/ {print $2}')
    BAD=$(echo "$OUT" | awk '/non-2xx or errors/ {print $NF}')
    P99=$(echo "$OUT" | awk '$1=="99%" {print $2}')
    printf "   round %d: raw %6.1f (memory kept %6.1f) hashes/s   sign-ins %6.1f/s (p99 %s, non-2xx or errors %s)\n" "$r" "$RAW" "$KEPT" "$RPS" "$P99" "$BAD"
    RAW_SUM=$(awk -v a="$RAW_SUM" -v b="$RAW" 'BEGIN { print a + b }')
    KEPT_SUM=$(awk -v a="$KEPT_SUM" -v b="$KEPT" 'BEGIN { print a + b }')
    RPS_SUM=$(awk -v a="$RPS_SUM" -v b="$RPS" 'BEGIN { print a + b }')
  done
  awk -v r="$RPS_SUM" -v h="$RAW_SUM" -v k="$KEPT_SUM" -v n="$ROUNDS" -v c="$c" 'BEGIN { printf "   %d clients: %.1f sign-ins/s; raw %.1f hashes/s: ratio %.2f (target >= 0.9); memory kept %.1f hashes/s: ratio %.2f\n", c, r / n, h / n, r / h, k / n, r / k }'
done
echo "== 100 concurrent sign-ins: peak RSS while they run"
PID="${SERVER_PID:-}"
PEAK=0
( timeout $((DURATION + 30)) wrk -t2 -c100 -d${DURATION}s --timeout 30s -s "$LUA" "$BASE_URL/api/login" | grep -E "Requests/sec|non-2xx" ) &
WRK=$!
while kill -0 $WRK 2>/dev/null; do
  if [ -n "$PID" ]; then
    R=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
    [ "$R" -gt "$PEAK" ] && PEAK=$R
  fi
  sleep 0.1
done
wait $WRK || true
[ -n "$PID" ] && echo "   peak RSS: $((PEAK / 1024)) MB (target < 200 MB)"
rm -f "$LUA"
