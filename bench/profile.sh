#!/usr/bin/env bash
# Profiles the release gateway under load: department-stubs at 0 ms, wrk at c=64 for
# PROFILE_SECONDS, `perf record -e cpu-clock -g` on the gateway meanwhile. Prints throughput,
# CPU per dossier and the hottest shared objects and symbols. Loopback only, bounded in time.
#
# Usage: bench/profile.sh            Env: PROFILE_SECONDS (default 5), CONNECTIONS (default 64)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly SECONDS_TO_PROFILE=${PROFILE_SECONDS:-5}
readonly CONNECTIONS=${CONNECTIONS:-64}
readonly HOST=127.0.0.1
readonly GATEWAY_PORT=18680 LAND_PORT=19601 TAX_PORT=19602 HOUSE_PORT=19603
readonly BIN=.build-bench/release
readonly READY_TIMEOUT_S=10
TMP=$(mktemp -d -t exchange-gateway-profile.XXXXXX)
STUBS_PID="" GATEWAY="" WRK=""
# What cleanup (bench/lib.sh) stops. No log tails: this script prints only the profile; a service
# that does not get ready shows up in wrk's numbers (NOT_READY=true: wait, then go on quietly).
stop_started() { stop_process "$WRK"; stop_process "$GATEWAY"; stop_process "$STUBS_PID"; }
NOT_READY=true
install_cleanup

command -v perf >/dev/null || { apt-get install -y -qq linux-perf >/dev/null; }
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
swift build -c release --scratch-path .build-bench >/dev/null

write_gateway_config "$TMP/gateway.json" "audit.path=$TMP/audit/audit.jsonl"
write_wrk_headers "$TMP/headers.lua" profile

start_department_stubs STUBS_PID land=0,tax=0,house=0 "$TMP/stubs.log" || true
"$BIN/exchange-gateway" serve --config "$TMP/gateway.json" >"$TMP/gateway.log" 2>&1 &
GATEWAY=$!
wait_for_http "http://$HOST:$GATEWAY_PORT/readyz" "$GATEWAY" exchange-gateway || true

URL="http://$HOST:$GATEWAY_PORT/v1/properties/LA2023001/dossier"
timeout $((SECONDS_TO_PROFILE + 10)) wrk -t2 -c"$CONNECTIONS" -d"$((SECONDS_TO_PROFILE + 2))s" -s "$TMP/headers.lua" "$URL" >"$TMP/wrk.txt" &
WRK=$!
sleep 1
ticks_before=$(process_ticks "$GATEWAY")
perf record -q -e cpu-clock ${PERF_CALL_GRAPH:--g} -p "$GATEWAY" -o "$TMP/perf.data" -- sleep "$SECONDS_TO_PROFILE" 2>/dev/null
ticks_after=$(process_ticks "$GATEWAY")
wait $WRK
WRK=""
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
