#!/usr/bin/env bash
# Profiles the release gateway under bench/run.sh's S1 load: upstreams answering at once, wrk at
# c=64. Measures the CPU per dossier for PROFILE_SECONDS without a profiler, then runs `perf record`
# on the gateway for as long. Prints throughput and CPU per dossier, then where that CPU goes: per
# stage of a dossier (shares from DWARF call graphs, in µs of the unprofiled CPU per dossier), the
# threads, the hottest shared objects and symbols. Loopback only, bounded in time.
#
# Usage: bench/profile.sh
# Env:   PROFILE_SECONDS  measured seconds (default 4)
#        CONNECTIONS      wrk connections (default 64)
#        STUB             nginx (default): the neutral stub and a different property per request, as
#                         in run.sh, so nothing is coalesced; swift: department-stubs and LA2023001
#                         for every request (identical upstream calls in flight are coalesced)
#        BODIES           fixtures (default) or small: what the nginx stub serves (bench/nginx.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/nginx.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly SECONDS_TO_PROFILE=${PROFILE_SECONDS:-4}
readonly CONNECTIONS=${CONNECTIONS:-64}
readonly STUB=${STUB:-nginx}
readonly HOST=127.0.0.1
readonly GATEWAY_PORT=18680 LAND_PORT=19601 TAX_PORT=19602 HOUSE_PORT=19603
readonly BIN=.build-bench/release
readonly READY_TIMEOUT_S=10
[[ $STUB == nginx || $STUB == swift ]] || die "STUB must be nginx or swift"
TMP=$(mktemp -d -t exchange-gateway-profile.XXXXXX)
chmod 0755 "$TMP"                                # nginx workers run as nobody and read fixtures here
NOFILE=$(ulimit -n)
STUBS_PID="" GATEWAY="" WRK=""
# What cleanup (bench/lib.sh) stops. No log tails: this script prints only the profile; a service
# that does not get ready shows up in wrk's numbers (NOT_READY=true: wait, then go on quietly).
stop_started() {
    stop_process "$WRK"; stop_process "$GATEWAY"
    if [[ $STUB == nginx && -n $STUBS_PID ]]; then stop_nginx "$TMP/stub" "$STUBS_PID"; else stop_process "$STUBS_PID"; fi
}
NOT_READY=true
install_cleanup

command -v perf >/dev/null || apt-get install -y -qq linux-perf >/dev/null
[[ $STUB == swift ]] || [[ -f /usr/lib/nginx/modules/ngx_http_echo_module.so ]] \
    || apt-get install -y -qq nginx libnginx-mod-http-echo >/dev/null
ensure_wrk
swift build -c release --scratch-path .build-bench >/dev/null

write_gateway_config "$TMP/gateway.json" "audit.path=$TMP/audit/audit.jsonl"
URL="http://$HOST:$GATEWAY_PORT/v1/properties/LA2023001/dossier"
if [[ $STUB == nginx ]]; then
    copy_stub_fixtures LA2023001 "${BODIES:-fixtures}"
    start_nginx_stub STUBS_PID "$TMP/stub" 0 0 0 || true
    WRK_ARGS=(-s bench/peers/wrk/dossier.lua "$URL" -- unique)
else
    start_department_stubs STUBS_PID land=0,tax=0,house=0 "$TMP/stubs.log" || true
    write_wrk_headers "$TMP/headers.lua" profile
    WRK_ARGS=(-s "$TMP/headers.lua" "$URL")
fi
"$BIN/exchange-gateway" serve --config "$TMP/gateway.json" >"$TMP/gateway.log" 2>&1 &
GATEWAY=$!
wait_for_http "http://$HOST:$GATEWAY_PORT/readyz" "$GATEWAY" exchange-gateway || true

# The CPU per dossier is measured first, without perf (whose DWARF stack copies cost CPU of their
# own): the gateway's CPU ticks and its audit records (one per dossier) over SECONDS_TO_PROFILE.
# Then perf samples the same load for as long, and its shares split that CPU into stages.
timeout $((2 * SECONDS_TO_PROFILE + 10)) wrk -t2 -c"$CONNECTIONS" -d"$((2 * SECONDS_TO_PROFILE + 2))s" "${WRK_ARGS[@]}" >"$TMP/wrk.txt" &
WRK=$!
audit_records() {
    curl -sf --max-time 2 "http://$HOST:$GATEWAY_PORT/metrics" \
        | awk '/^exchange_gateway_audit_records_total/ {sum += $NF} END {printf "%d", sum}'
}
sleep 1
ticks_before=$(process_ticks "$GATEWAY") records_before=$(audit_records)
sleep "$SECONDS_TO_PROFILE"
ticks_after=$(process_ticks "$GATEWAY") records_after=$(audit_records)
perf record -q -e cpu-clock -F 999 --call-graph=dwarf,16384 -p "$GATEWAY" -o "$TMP/perf.data" -- sleep "$SECONDS_TO_PROFILE" 2>/dev/null
wait $WRK
WRK=""
dossiers=$((records_after - records_before))
(( dossiers > 0 )) || die "no dossiers were answered while measuring (see wrk: $(tr '\n' ' ' <"$TMP/wrk.txt"))"
cpu_seconds=$(echo "($ticks_after - $ticks_before) / $(getconf CLK_TCK)" | bc -l)
us_per_dossier=$(echo "$cpu_seconds / $dossiers * 1000000" | bc -l)
printf 'stub: %s   bodies: %s   dossiers/s: %.0f   gateway CPU: %.2f cores   CPU per dossier: %.0f us (without perf)\n' \
    "$STUB" "${BODIES:-fixtures}" "$(echo "$dossiers / $SECONDS_TO_PROFILE" | bc -l)" \
    "$(echo "$cpu_seconds / $SECONDS_TO_PROFILE" | bc -l)" "$us_per_dossier"
grep -E 'Latency|Non-2xx|Socket' "$TMP/wrk.txt" || true

# Each sample goes to the first stage in this order with a pattern (before the =) on its stack or
# in its thread's name. The Swift stages come first: the event loops run them inside libcurl's and
# libmicrohttpd's callbacks, so their stacks hold curl_multi_socket_action or MHD_run below them.
echo "--- stages (share of the gateway's CPU under perf; µs: that share of the CPU per dossier without perf)"
perf script -i "$TMP/perf.data" -F comm,ip,sym 2>/dev/null | swift demangle --simplified \
    | awk -v per="$us_per_dossier" '
    BEGIN {
        n = split("AuditWriter.,audit-writer=audit writer thread: chaining the batch and write + fsync;" \
                  "AuditEntry.encoded,AuditLog.append=audit: the access record written as bytes and handed over;" \
                  "ViewWriter,JSONScanner,JSONStringReader,PIIDetector=the three bodies in one pass: validate + view + mask + captures;" \
                  "ConsistencyChecks=consistency checks;" \
                  "Dossier.encoded=writing the dossier;" \
                  "GatewayRouter.handle=routing and admission (inside the libmicrohttpd callback);" \
                  "curl_multi_socket_action,curl_multi_perform,CurlMulti.=libcurl + upstream TCP;" \
                  "MHD_run=libmicrohttpd + client TCP;" \
                  "epoll_wait,EventLoop.signalWakeup=event loops waiting and waking each other (epoll_wait + eventfd writes)", rules, ";")
        for (i = 1; i <= n; i++) { split(rules[i], r, "="); patterns[i] = r[1]; label[i] = r[2] }
        label[n + 1] = "the rest: tasks, routing, dossier assembly, metrics, allocation"
    }
    function stageOf(sample,   i, k, m, list) {
        for (i = 1; i <= n; i++) {
            m = split(patterns[i], list, ",")
            for (k = 1; k <= m; k++) if (index(sample, list[k])) return i
        }
        return n + 1
    }
    function flush() { if (sample != "") { count[stageOf(sample)]++; total++ } sample = "" }
    /^[^[:space:]]/ { flush() }
    { sample = sample "\n" $0 }
    END {
        flush()
        for (i = 1; i <= n + 1; i++) printf "%5.1f %%  %4.0f us  %s\n", 100 * count[i] / total, per * count[i] / total, label[i]
    }'
echo "--- threads"
perf report -i "$TMP/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep -E '^ +[0-9]'
echo "--- shared objects"
perf report -i "$TMP/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -12
echo "--- symbols (self)"
perf report -i "$TMP/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -25 \
    | sed -E 's/ +- +- *$//' | swift demangle --simplified | cut -c1-150
