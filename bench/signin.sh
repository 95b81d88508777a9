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
raw() { "$BIN" hash-rate --seconds "$DURATION" | tee /dev/stderr | sed -E 's/.* = ([0-9.]+) hashes\/s/\1/'; }
echo "== raw argon2id hash rate, all cores (measured before and after; the mean is used)"
RAW1=$(raw)
for c in 4 8; do
  echo "== sign-ins per second at $c concurrent clients"
  OUT=$(timeout $((DURATION + 30)) wrk -t2 -c$c -d${DURATION}s --latency -s "$LUA" "$BASE_URL/api/login")
  echo "$OUT" | grep -E "Requests/sec|99%|non-2xx"
  RPS=$(echo "$OUT" | awk '/Requests\/sec/ {print $2}')
  eval "RPS_$c=$RPS"
done
RAW2=$(raw)
RAW=$(awk -v a="$RAW1" -v b="$RAW2" 'BEGIN { printf "%.1f", (a + b) / 2 }')
for c in 4 8; do
  eval "RPS=\$RPS_$c"
  awk -v r="$RPS" -v h="$RAW" -v c="$c" 'BEGIN { printf "   %d clients: %.1f sign-ins/s, raw %.1f hashes/s, ratio %.2f (target >= 0.9)\n", c, r, h, r / h }'
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
