#!/usr/bin/env bash
# Runs the Playwright suite against the release server on a fresh SQLite
# database in a temporary folder, then stops the server (SIGTERM, R4).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${CARGO_TARGET_DIR:-target}/release/vestibule"
PORT="${E2E_PORT:-3917}"
WORK="$(mktemp -d)"
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export DATABASE_URL="sqlite://$WORK/e2e.db"
export VESTIBULE_ADDR="127.0.0.1:$PORT"
export VESTIBULE_DATA_DIR="$WORK"
export VESTIBULE_OUTBOX_DIR="$WORK/outbox"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "server did not start:"; cat "$WORK/server.log"; exit 1; }
cd end2end
status=0
BASE_URL="http://127.0.0.1:$PORT" OUTBOX_DIR="$WORK/outbox" E2E_REPORT="$WORK/report.json" \
  npx playwright test ${E2E_ARGS:-} || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (tail) ---"; tail -n 60 "$WORK/server.log"
  # Repeated last: CI keeps only the end of the output.
  echo "--- failed tests ---"; node failures.mjs "$WORK/report.json" || true
fi
# Secrets must never reach the log (S35): the suite's passwords all start with this prefix.
if grep -q "correct-horse-" "$WORK/server.log"; then echo "a password reached the server log"; status=1; fi
exit "$status"
