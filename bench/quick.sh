#!/usr/bin/env bash
# Quick loopback benchmark of GET /v1/properties/{id}/dossier.
#
# Builds release binaries into a private scratch path, starts the department stubs and the
# gateway on high loopback ports, measures with wrk at c=64 and c=256 for two upstream-latency
# scenarios, then does one robustness run (2,000 requests at c=256). Prints a markdown table and
# writes it to bench/results/quick-<UTC>.md.
#
# Usage:   bench/quick.sh
# Env:     BENCH_DURATION   wrk duration per measured run (default 10s)
# Exit:    0 if every gateway stayed up and the robustness run passed, 1 otherwise.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --- settings ------------------------------------------------------------------------------

readonly HOST=127.0.0.1                      # loopback only; nothing here talks to another host
readonly LAND_PORT=19101 TAX_PORT=19102 HOUSE_PORT=19103
readonly GATEWAY_PORT=18080                  # high ports so a dev gateway on 8080/91xx is untouched
readonly PROPERTY_ID=LA2023001
readonly DOSSIER_URL="http://$HOST:$GATEWAY_PORT/v1/properties/$PROPERTY_ID/dossier"

readonly DURATION=${BENCH_DURATION:-10s}
readonly THREADS=2
readonly WRK_TIMEOUT=5s
readonly WARMUP=2s
readonly CONNECTIONS=(64 256)

# Scenario = label shown in the table + the stubs' --latency argument.
readonly SCENARIO_LABELS=("0 ms" "land 40 / tax 60 / house 80 ms")
readonly SCENARIO_LATENCIES=("land=0,tax=0,house=0" "land=40,tax=60,house=80")

# Robustness: with upstream latency all 256 connections are in flight at once (768 upstream
# transfers), which is the harder case for the gateway's concurrency limits than 0 ms stubs.
readonly ROBUST_REQUESTS=2000
readonly ROBUST_CONNECTIONS=256
readonly ROBUST_LATENCY="land=40,tax=60,house=80"
readonly ROBUST_MAX_DURATION=10s             # hard cap in case the gateway stalls

readonly SCRATCH=.build-bench
readonly BIN=$SCRATCH/release
readonly READY_TIMEOUT_S=10
readonly STOP_GRACE_S=5                      # SIGTERM, then SIGKILL after this (both programs drain on SIGTERM)

TMP=$(mktemp -d -t exchange-gateway-bench.XXXXXX)
STUBS_PID=""
GATEWAY_PID=""
FAILED=0                                     # set when a gateway dies or the robustness run fails

# --- process management (is_alive, stop_process, cleanup, wait_for_http: bench/lib.sh) --------

# What cleanup (bench/lib.sh) stops, and the logs it shows when we fail.
stop_started() {
    stop_process "$GATEWAY_PID"
    stop_process "$STUBS_PID"
}
LOG_TAILS=("*.log")
install_cleanup

# Logs are named per run (e.g. gateway-2.log) so a later run does not overwrite an earlier failure.
start_services() {
    local latency=$1 tag=$2 port
    for port in "$LAND_PORT" "$TAX_PORT" "$HOUSE_PORT" "$GATEWAY_PORT"; do require_port_free "$port"; done

    start_department_stubs STUBS_PID "$latency" "$TMP/stubs-$tag.log"

    "$BIN/exchange-gateway" serve --config "$TMP/gateway.json" >"$TMP/gateway-$tag.log" 2>&1 &
    GATEWAY_PID=$!
    wait_for_http "http://$HOST:$GATEWAY_PORT/healthz" "$GATEWAY_PID" exchange-gateway
}

# Stops both; reports the gateway's exit status: 0 = it drained and stopped cleanly on our SIGTERM,
# anything else = it crashed earlier or shut down badly. Its log is shown whenever that is not clean.
stop_services() {
    local tag=$1 gateway_status error_lines
    stop_process "$GATEWAY_PID"; gateway_status=$STOP_STATUS; GATEWAY_PID=""
    stop_process "$STUBS_PID"; STUBS_PID=""
    error_lines=$(gateway_error_lines "$TMP/gateway-$tag.log")
    log "gateway exit status: $gateway_status; error log lines: $error_lines"
    if [[ $gateway_status != 0 || $error_lines != 0 ]]; then
        printf -- '--- tail of gateway-%s.log ---\n' "$tag" >&2
        tail -n 20 "$TMP/gateway-$tag.log" >&2
    fi
}

# --- setup -----------------------------------------------------------------------------------

ensure_tools() {
    ensure_wrk
    require_tools wrk curl python3 swift
}

# config/gateway.json with every address moved to our loopback ports and the audit log into the
# temp folder; everything else unchanged (audit fsync stays on).
write_gateway_config_file() {
    write_gateway_config "$TMP/gateway.json" "audit.path=$TMP/audit/audit.jsonl"
}

# --- wrk runs and parsing (run_wrk, parse_wrk: bench/lib.sh) ----------------------------------

# wrk_dossier OUTPUT CONNECTIONS DURATION [STOP_AFTER_PER_THREAD]: the dossier URL with our Lua.
wrk_dossier() {
    run_wrk "$1" "$2" "$3" "$DOSSIER_URL" "$TMP/dossier.lua" "${4:-0}"
}

# Sets W_RPS W_P50 W_P99 W_REQUESTS W_ERRORS (socket errors + non-2xx) W_ERROR_TEXT W_INCOMPLETE.
parse_run() {
    parse_wrk "$1" "incomplete dossiers"
    [[ -n $W_RPS ]] || { W_RPS="?"; W_ERROR_TEXT="wrk output unparsable"; }
}

# --- the benchmark ---------------------------------------------------------------------------

TABLE_ROWS=()
RAW_OUTPUTS=()

measure_scenario() {
    local index=$1 label=${SCENARIO_LABELS[$1]} latency=${SCENARIO_LATENCIES[$1]} connections output
    log "scenario: upstream latency $label"
    start_services "$latency" "$index"

    log "warm-up ${WARMUP} at c=64"
    wrk_dossier "$TMP/warmup-$index.txt" 64 "$WARMUP"

    for connections in "${CONNECTIONS[@]}"; do
        output="$TMP/wrk-$index-c$connections.txt"
        log "wrk -c $connections -d $DURATION"
        wrk_dossier "$output" "$connections" "$DURATION"
        parse_run "$output"
        RAW_OUTPUTS+=("$output")
        if ! is_alive "$GATEWAY_PID"; then
            TABLE_ROWS+=("| $label | $connections | $W_RPS | $W_P50 | $W_P99 | $W_ERROR_TEXT; **gateway died** |")
            log "gateway died during c=$connections (its log follows when it is reaped)"
            FAILED=1
            break
        fi
        TABLE_ROWS+=("| $label | $connections | $W_RPS | $W_P50 | $W_P99 | $W_ERROR_TEXT |")
    done
    stop_services "$index"
}

ROBUST_SUMMARY=""

robustness_run() {
    local output="$TMP/wrk-robust.txt" per_thread=$(( (ROBUST_REQUESTS + THREADS - 1) / THREADS ))
    local alive=no healthy=no verdict=PASS
    log "robustness: $ROBUST_REQUESTS requests at c=$ROBUST_CONNECTIONS (latency $ROBUST_LATENCY)"
    start_services "$ROBUST_LATENCY" robust

    wrk_dossier "$output" "$ROBUST_CONNECTIONS" "$ROBUST_MAX_DURATION" "$per_thread"
    parse_run "$output"
    RAW_OUTPUTS+=("$output")
    sleep 0.5  # let a crash caused by the last requests surface before checking liveness
    is_alive "$GATEWAY_PID" && alive=yes
    curl -sf --max-time 2 -o /dev/null "http://$HOST:$GATEWAY_PORT/healthz" && healthy=yes

    local responses=$W_RESPONSES
    if [[ $alive != yes || $healthy != yes || $W_ERRORS != 0 || ${W_INCOMPLETE:-1} != 0 \
          || ${responses:-0} -lt $ROBUST_REQUESTS ]]; then
        verdict=FAIL
        FAILED=1
    fi
    ROBUST_SUMMARY="$verdict — ${responses:-?} responses (wrk: ${W_REQUESTS:-?} requests) at c=$ROBUST_CONNECTIONS, \
errors: $W_ERROR_TEXT, incomplete dossiers: ${W_INCOMPLETE:-?}, gateway alive afterwards (kill -0): $alive, \
/healthz afterwards: $healthy"
    stop_services robust
}

# --- report ----------------------------------------------------------------------------------

write_report() {
    local stamp=$1 file=$2 command=$3
    local cpu
    cpu=$(cpu_model)
    {
        echo "# Quick dossier benchmark — $stamp"
        echo
        echo "- machine: nproc=$(nproc), $cpu (wrk, gateway and stubs share these cores)"
        echo "- command: \`$command\`"
        echo "- wrk: \`wrk -t $THREADS -c <connections> -d $DURATION --timeout $WRK_TIMEOUT --latency -s dossier.lua $DOSSIER_URL\`, after a $WARMUP warm-up at c=64"
        echo "- errors = socket errors (connect/read/write/timeout) + non-2xx responses; incomplete dossiers (200 without \`X-Dossier-Complete: true\`) listed separately"
        echo
        echo "| upstream latency | connections | dossiers/s | p50 | p99 | errors |"
        echo "|---|---|---|---|---|---|"
        printf '%s\n' "${TABLE_ROWS[@]}"
        echo
        echo "Robustness ($ROBUST_REQUESTS requests, c=$ROBUST_CONNECTIONS, stubs $ROBUST_LATENCY, capped at $ROBUST_MAX_DURATION): $ROBUST_SUMMARY"
        echo
        print_raw_outputs "${RAW_OUTPUTS[@]}"
    } >"$file"
}

main() {
    local command="BENCH_DURATION=$DURATION bench/quick.sh"
    ensure_tools
    build_release
    mkdir -p bench/results
    write_gateway_config_file
    write_wrk_script "$TMP/dossier.lua" bench

    local index
    for index in "${!SCENARIO_LABELS[@]}"; do measure_scenario "$index"; done
    robustness_run

    # Printed up to the raw-output section.
    publish_report quick '^<details>' write_report "$command"
    return "$FAILED"
}

main "$@"
