#!/usr/bin/env bash
# Load benchmark for a running Vestibule server (loopback only).
#
#   BASE_URL=http://127.0.0.1:3000 SERVER_PID=<pid> bench/run.sh
#
# For each target (/healthz, /login, and the CSS, JS and WASM assets that /login
# links to) runs wrk with 2 threads and 32 connections for BENCH_DURATION
# seconds (default 10, at most 60) and prints requests/sec and p99 latency, plus
# the ratio of /login to /healthz throughput. Then measures the first-load
# transfer size (brotli) of /, the CSS, the JS and the WASM against a 250 KB
# budget (and of the signed-in pages with BENCH_COOKIE_JAR), and the server's
# resident memory when SERVER_PID is given.
#
# Bounded: every wrk run is wrapped in `timeout`, every curl has --max-time, and
# the script refuses any BASE_URL that is not on this machine's loopback.
#
# Environment:
#   BASE_URL          server to measure (default http://127.0.0.1:3000)
#   SERVER_PID        pid of the server process, to report VmRSS / VmHWM
#   BENCH_DURATION    seconds per wrk target (default 10, max 60)
#   BENCH_THREADS     wrk threads (default 2), BENCH_CONNECTIONS (default 32)
#   BUDGET_KB         first-load budget in KB (default 250)
#   ENFORCE_BUDGET=1  exit 1 when any measured first load is over budget
#   BENCH_COOKIE_JAR  curl cookie jar of a signed-in session: also measure the
#                     first load of every signed-in page (BENCH_GROUP_SLUG: and
#                     of that group's page and manage page)
#
# The server should run with VESTIBULE_THROTTLE=off only if sign-in endpoints are
# added here; the current targets are GETs that need no account.
set -euo pipefail

BASE_URL="${BASE_URL:-http://127.0.0.1:3000}"
BASE_URL="${BASE_URL%/}"
DURATION="${BENCH_DURATION:-10}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
BUDGET_KB="${BUDGET_KB:-250}"

die() { echo "bench: $*" >&2; exit 2; }

for tool in wrk curl awk grep sed timeout; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required (apt-get install wrk curl)"
done

[[ "$DURATION" =~ ^[0-9]+$ ]] && (( DURATION >= 1 && DURATION <= 60 )) || die "BENCH_DURATION must be 1..60 seconds"
[[ "$THREADS" =~ ^[0-9]+$ ]] && (( THREADS >= 1 && THREADS <= 8 )) || die "BENCH_THREADS must be 1..8"
[[ "$CONNECTIONS" =~ ^[0-9]+$ ]] && (( CONNECTIONS >= THREADS && CONNECTIONS <= 256 )) || die "BENCH_CONNECTIONS must be THREADS..256"

# --- Loopback only -----------------------------------------------------------
# Accept http://127.x.y.z[:port], http://localhost[:port], http://[::1][:port].
if [[ ! "$BASE_URL" =~ ^http://(127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|localhost|\[::1\])(:[0-9]{1,5})?$ ]]; then
  die "BASE_URL must be plain http on loopback (127.0.0.0/8, localhost or [::1]), got: $BASE_URL"
fi
# No proxy may redirect curl elsewhere.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
CURL=(curl --silent --show-error --max-time 10 --noproxy '*')

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# --- Server up? --------------------------------------------------------------
status="$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE_URL/healthz" || true)"
[[ "$status" == "200" ]] || die "$BASE_URL/healthz answered '$status' (is the server running?)"

# --- Discover the static assets from /login ---------------------------------
"${CURL[@]}" -o "$TMP/login.html" "$BASE_URL/login" || die "could not fetch /login"

# Make a path from an href/src: strip origin, keep only same-origin paths.
to_path() {
  local u="$1"
  u="${u#"$BASE_URL"}"
  case "$u" in
    /*) printf '%s\n' "$u" ;;
    *) return 1 ;;
  esac
}

first_match() { grep -oE "$1" "$TMP/login.html" | head -n1 || true; }

# Stylesheet: the href of a <link ... rel="stylesheet" ...> (attribute order free).
css_tag="$(grep -oiE '<link[^>]*rel="?stylesheet"?[^>]*>' "$TMP/login.html" | head -n1 || true)"
css_href="$(printf '%s' "$css_tag" | grep -oiE 'href="[^"]+"' | head -n1 | sed -E 's/^href="//; s/"$//' || true)"
[[ -n "$css_href" ]] || css_href="$(first_match '/pkg/[^"'"'"' )]+\.css')"
js_href="$(first_match '/pkg/[^"'"'"' )]+\.js')"
wasm_href="$(first_match '/pkg/[^"'"'"' )]+\.wasm')"
if [[ -z "$wasm_href" && -n "$js_href" ]]; then
  wasm_href="${js_href%.js}_bg.wasm"   # wasm-bindgen's naming
fi

CSS_PATH="$(to_path "$css_href" || true)"
JS_PATH="$(to_path "$js_href" || true)"
WASM_PATH="$(to_path "$wasm_href" || true)"
[[ -n "$CSS_PATH" ]] || echo "bench: warning: no stylesheet found in /login" >&2
[[ -n "$JS_PATH" ]] || echo "bench: warning: no /pkg/*.js found in /login" >&2
[[ -n "$WASM_PATH" ]] || echo "bench: warning: no .wasm found in /login" >&2

# --- wrk runs -----------------------------------------------------------------
# Convert wrk's latency ("812.34us", "1.36ms", "2.01s", "1.00m") to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n = n / 1000; else if (u == "s") n = n * 1000; else if (u == "m") n = n * 60000;
    printf "%.2f", n }'
}

declare -A RPS P99 ERRS
TARGETS=()

run_wrk() {
  local label="$1" path="$2"; shift 2
  local out="$TMP/wrk.$(( ${#TARGETS[@]} )).txt"
  TARGETS+=("$label|$path")
  echo "wrk: $path (${THREADS} threads, ${CONNECTIONS} connections, ${DURATION}s)" >&2
  if ! timeout --kill-after=5 $(( DURATION + 20 )) \
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency "$@" \
      "$BASE_URL$path" >"$out" 2>&1; then
    echo "bench: wrk failed for $path:" >&2
    cat "$out" >&2
    RPS[$path]="n/a"; P99[$path]="n/a"; ERRS[$path]="wrk failed"
    return 0
  fi
  RPS[$path]="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")"
  local p99raw
  p99raw="$(awk '/Latency Distribution/ { d = 1 } d && $1 == "99%" { print $2; exit }' "$out")"
  P99[$path]="$( [[ -n "$p99raw" ]] && to_ms "$p99raw" || echo n/a)"
  local non2xx sockerr
  non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")"
  sockerr="$(awk -F'Socket errors: ' '/Socket errors:/ { print $2 }' "$out")"
  ERRS[$path]="${non2xx:+non-2xx ${non2xx}}${sockerr:+${non2xx:+; }socket ${sockerr}}"
  [[ -n "${ERRS[$path]}" ]] || ERRS[$path]="-"
}

BR=(-H 'Accept-Encoding: br')
run_wrk "health" /healthz
run_wrk "login page" /login
[[ -n "$CSS_PATH" ]] && run_wrk "css (br)" "$CSS_PATH" "${BR[@]}"
[[ -n "$JS_PATH" ]] && run_wrk "js (br)" "$JS_PATH" "${BR[@]}"
[[ -n "$WASM_PATH" ]] && run_wrk "wasm (br)" "$WASM_PATH" "${BR[@]}"

echo
echo "== Throughput (wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s) against $BASE_URL =="
printf '%-12s %-48s %12s %12s  %s\n' "target" "path" "req/s" "p99 (ms)" "errors"
for t in "${TARGETS[@]}"; do
  label="${t%%|*}"; path="${t#*|}"
  shown="$path"; (( ${#shown} > 48 )) && shown="${shown:0:45}..."
  printf '%-12s %-48s %12s %12s  %s\n' "$label" "$shown" "${RPS[$path]}" "${P99[$path]}" "${ERRS[$path]}"
done
ratio="$(awk -v a="${RPS[/login]:-}" -v b="${RPS[/healthz]:-}" 'BEGIN {
  if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "n/a" }')"
echo "ratio /login : /healthz req/s = $ratio"

# --- First-load bytes ---------------------------------------------------------
echo
# Every page is a lazy route (cargo leptos build --split): a first load is the
# HTML, the CSS, the JS (main module and the chunk loader), the main WASM and
# the WASM chunks of that page's route. The chunk list comes from the split
# manifest on disk (what the router loads before hydrating), joined with
# every /pkg file the HTML itself references (its preload links).
SITE_PKG="${LEPTOS_SITE_ROOT:-target/site}/pkg"
ANY_OVER=0
measure() {
  local label="$1" path="$2"
  [[ -n "$path" ]] || { printf '%-8s %-48s %10s  %s\n' "$label" "(not found)" "-" "-"; return 0; }
  local line size enc code
  line="$("${CURL[@]}" --compressed -H 'Accept-Encoding: br' -o /dev/null \
      -w '%{http_code} %{size_download} %header{content-encoding}' "$BASE_URL$path" || echo "000 0 error")"
  read -r code size enc <<<"$line"
  [[ "$code" == "200" ]] || echo "bench: warning: $path answered $code" >&2
  total=$(( total + size ))
  local shown="$path"; (( ${#shown} > 48 )) && shown="${shown:0:45}..."
  printf '%-8s %-48s %10s  %s\n' "$label" "$shown" "$size" "${enc:-identity}"
}
first_load() { # $1 = page path, $2 = route name in the manifest (e.g. home)
  local page="$1" route="$2"
  echo "== First load of $page (Accept-Encoding: br; bytes as transferred) =="
  printf '%-8s %-48s %10s  %s\n' "part" "path" "bytes" "content-encoding"
  total=0
  measure html "$page"
  local html paths
  html="$("${CURL[@]}" "$BASE_URL$page")"
  paths="$( { grep -oE '(href|src)="/pkg/[^"]+"' <<<"$html" | sed -E 's/.*="([^"]+)"/\1/';
    python3 - "$SITE_PKG" "$route" <<'PY'
import glob, json, sys
pkg, route = sys.argv[1], sys.argv[2]
for m in glob.glob(f"{pkg}/__wasm_split_manifest*.json"):
    for key, chunks in json.load(open(m)).items():
        if key.startswith(f"__{route}_route_view_"):
            for c in chunks:
                print(f"/pkg/{c}.wasm")
PY
  } | sort -u)"
  local n=0
  for p in $paths; do
    case "$p" in *.css) measure css "$p" ;; *.js) measure js "$p" ;; *.wasm) measure wasm "$p" ;; esac
    n=$((n + 1))
  done
  total_kb="$(awk -v b="$total" 'BEGIN { printf "%.1f", b / 1024 }')"
  over="$(awk -v b="$total" -v k="$BUDGET_KB" 'BEGIN { print (b > k * 1024) ? 1 : 0 }')"
  [[ "$over" == 1 ]] && ANY_OVER=1
  if [[ "$over" == 1 ]]; then verdict="OVER budget"; else verdict="within budget"; fi
  echo "total first load of $page: ${total_kb} KB in $((n + 1)) files, of ${BUDGET_KB} KB budget (${verdict})"
  echo
}
first_load / home
first_load /login login
first_load /register register

# --- Signed-in pages -------------------------------------------------------------
# With BENCH_COOKIE_JAR (a curl cookie jar holding a signed-in session), the
# first load of every signed-in page, measured the same way; with
# BENCH_GROUP_SLUG also a group's page and its manage page (the account must
# own that group). bench/serve-and-run.sh prepares both on its throwaway
# database.
if [[ -n "${BENCH_COOKIE_JAR:-}" ]]; then
  jar="$BENCH_COOKIE_JAR"
  group_pages=()
  if [[ -n "${BENCH_GROUP_SLUG:-}" ]]; then
    group_pages=("/groups/$BENCH_GROUP_SLUG:group" "/groups/$BENCH_GROUP_SLUG/manage:manage_group")
  fi
  CURL+=(-b "$jar")
  summary=""
  for page_route in /account:profile /account/email:email /account/password:password \
      /account/sessions:sessions /account/activity:activity /account/delete:delete \
      /groups:groups /groups/new:new_group "${group_pages[@]}"; do
    first_load "${page_route%%:*}" "${page_route##*:}"
    summary+="$(printf '%-34s %8s KB  %s' "${page_route%%:*}" "$total_kb" "$verdict")"$'\n'
  done
  echo "== Signed-in first loads (budget ${BUDGET_KB} KB) =="
  printf '%s' "$summary"
fi

# --- Server memory --------------------------------------------------------------
if [[ -n "${SERVER_PID:-}" ]]; then
  echo
  if [[ -r "/proc/$SERVER_PID/status" ]]; then
    rss="$(awk '/^VmRSS:/ { print $2, $3 }' "/proc/$SERVER_PID/status")"
    hwm="$(awk '/^VmHWM:/ { print $2, $3 }' "/proc/$SERVER_PID/status")"
    echo "server (pid $SERVER_PID) RSS: ${rss:-n/a} (peak ${hwm:-n/a})"
  else
    echo "server (pid $SERVER_PID): /proc/$SERVER_PID/status not readable"
  fi
fi

if [[ "${ENFORCE_BUDGET:-0}" == 1 && "$ANY_OVER" == 1 ]]; then
  exit 1
fi
