#!/usr/bin/env bash
# Profiles the release gateway under load: department-stubs at 0 ms, wrk at c=64 for
# PROFILE_SECONDS, `perf record -e cpu-clock -g` on the gateway meanwhile. Prints throughput,
# CPU per dossier and the hottest shared objects and symbols. Loopback only, bounded in time.
#
# Usage: bench/profile.sh            Env: PROFILE_SECONDS (default 5), CONNECTIONS (default 64)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly SECONDS_TO_PROFILE=${PROFILE_SECONDS:-5}
readonly CONNECTIONS=${CONNECTIONS:-64}
readonly GATEWAY_PORT=18680 LAND_PORT=19601 TAX_PORT=19602 HOUSE_PORT=19603
readonly BIN=.build-bench/release
TMP=$(mktemp -d -t exchange-gateway-profile.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

command -v perf >/dev/null || { apt-get install -y -qq linux-perf >/dev/null; }
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
swift build -c release --scratch-path .build-bench >/dev/null

python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
config = json.load(open("config/gateway.json"))
config["listen"]["port"] = 18680
config["audit"]["path"] = tmp + "/audit/audit.jsonl"
for source, port in zip(config["sources"], [19601, 19602, 19603]):
    source["base_url"] = f"http://127.0.0.1:{port}"
json.dump(config, open(tmp + "/gateway.json", "w"))
PY
cat > "$TMP/headers.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer demo-only-clerk-key-do-not-use-in-production"
wrk.headers["X-Purpose"] = "profile"
LUA

"$BIN/department-stubs" --land-port $LAND_PORT --tax-port $TAX_PORT --house-port $HOUSE_PORT >"$TMP/stubs.log" 2>&1 &
PIDS+=($!)
"$BIN/exchange-gateway" serve --config "$TMP/gateway.json" >"$TMP/gateway.log" 2>&1 &
GATEWAY=$!
PIDS+=($GATEWAY)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$GATEWAY_PORT/readyz" >/dev/null && break; sleep 0.1; done

URL="http://127.0.0.1:$GATEWAY_PORT/v1/properties/LA2023001/dossier"
timeout $((SECONDS_TO_PROFILE + 10)) wrk -t2 -c"$CONNECTIONS" -d"$((SECONDS_TO_PROFILE + 2))s" -s "$TMP/headers.lua" "$URL" >"$TMP/wrk.txt" &
WRK=$!
sleep 1
ticks_before=$(awk '{print $14 + $15}' "/proc/$GATEWAY/stat")
perf record -q -e cpu-clock ${PERF_CALL_GRAPH:--g} -p "$GATEWAY" -o "$TMP/perf.data" -- sleep "$SECONDS_TO_PROFILE" 2>/dev/null
ticks_after=$(awk '{print $14 + $15}' "/proc/$GATEWAY/stat")
wait $WRK
rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/wrk.txt")
cpu_seconds=$(echo "($ticks_after - $ticks_before) / $(getconf CLK_TCK)" | bc -l)
printf 'dossiers/s: %s   gateway CPU: %.2f cores   CPU per dossier: %.0f us\n' \
    "$rps" "$(echo "$cpu_seconds / $SECONDS_TO_PROFILE" | bc -l)" "$(echo "$cpu_seconds / $SECONDS_TO_PROFILE / $rps * 1000000" | bc -l)"
grep -E 'Latency|Non-2xx|Socket' "$TMP/wrk.txt" || true
echo "--- shared objects"
perf report -i "$TMP/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -12
if [[ -n ${PERF_CALL_GRAPH:-} ]]; then
    echo "--- inclusive (children)"
    perf report -i "$TMP/perf.data" --children --sort symbol --stdio 2>/dev/null | grep -E "^ +[0-9]" | head -${PERF_TOP:-60} \
        | sed -E "s/ +- +- *$//" | swift demangle --simplified | cut -c1-150
fi
echo "--- symbols (self)"
perf report -i "$TMP/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -25 \
    | sed -E 's/ +- +- *$//' | swift demangle --simplified | cut -c1-150
