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
# A verified account that owns a group, for the signed-in first loads.
JAR="$WORK/cookies"; USER_NAME="firstload$RANDOM$RANDOM"; SLUG="g-$USER_NAME"
curl -fsS --max-time 10 -c "$JAR" -o /dev/null -H 'Accept: application/json' \
  --data-urlencode "username=$USER_NAME" --data-urlencode "email=$USER_NAME@example.com" \
  --data-urlencode "password=violet-ocean-lantern-42" "http://127.0.0.1:$PORT/api/register"
# The verification mail is written after the answer: wait for it (up to 10 s).
VERIFY=""
for _ in $(seq 1 50); do
VERIFY=$(python3 - "$WORK/outbox" <<'PY'
import email, glob, re, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(f, "rb"))
    for part in m.walk():
        if part.get_content_type() == "text/plain":
            hit = re.search(r"/verify-email\?token=[^\s]+", part.get_payload(decode=True).decode())
            if hit:
                print(hit.group(0))
PY
)
[ -n "$VERIFY" ] && break; sleep 0.2
done
# Opening the link shows a button; the button posts the token.
curl -fsS --max-time 10 -b "$JAR" -c "$JAR" -o /dev/null -H 'Accept: application/json' \
  --data-urlencode "token=${VERIFY#*token=}" "http://127.0.0.1:$PORT/api/confirm_email"
curl -fsS --max-time 10 -b "$JAR" -c "$JAR" -o /dev/null -H 'Accept: application/json' \
  --data-urlencode "name=Bench group $USER_NAME" --data-urlencode "slug=$SLUG" \
  --data-urlencode "description=A group for the first-load benchmark." \
  --data-urlencode "group_type=community" --data-urlencode "tags=bench" \
  --data-urlencode "max_members=" --data-urlencode "join_question=" \
  --data-urlencode "is_public=on" "http://127.0.0.1:$PORT/api/create_group" \
  || { echo "bench: could not create the group; its pages are left out" >&2; SLUG=""; }
BASE_URL="http://127.0.0.1:$PORT" SERVER_PID=$PID BENCH_COOKIE_JAR="$JAR" BENCH_GROUP_SLUG="$SLUG" bash bench/run.sh
BASE_URL="http://127.0.0.1:$PORT" SERVER_PID=$PID BIN="$BIN" bash bench/signin.sh
