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

TMP=$(mktemp -d -t exchange-gateway-bench.XXXXXX)
STUBS_PID=""
GATEWAY_PID=""
FAILED=0                                     # set when a gateway dies or the robustness run fails

# --- process management ----------------------------------------------------------------------

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'quick.sh: %s\n' "$*" >&2; exit 1; }

# kill -0 alone is not enough: an exited child that bash has not reaped yet still "exists".
is_alive() {
    local pid=$1 state
    kill -0 "$pid" 2>/dev/null || return 1
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ $state != Z ]]
}

# SIGTERM (both programs drain and exit on it), escalate to SIGKILL after 5 s. Sets STOP_STATUS
# (not echoed: `wait` only works in this shell, not in a $(...) subshell).
STOP_STATUS=0
stop_process() {
    local pid=$1
    if is_alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do is_alive "$pid" || break; sleep 0.1; done
        if is_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    STOP_STATUS=0
    wait "$pid" 2>/dev/null || STOP_STATUS=$?
}

print_log_tails() {
    local file
    for file in "$TMP"/*.log; do
        [[ -s $file ]] || continue
        printf -- '--- tail of %s ---\n' "$(basename "$file")" >&2
        tail -n 20 "$file" >&2
    done
}

# Always runs: stop whatever is still running, show logs if we are failing, remove the tmp dir.
cleanup() {
    local status=$?
    if [[ -n $GATEWAY_PID ]]; then stop_process "$GATEWAY_PID"; fi
    if [[ -n $STUBS_PID ]]; then stop_process "$STUBS_PID"; fi
    if (( status != 0 )); then print_log_tails; fi
    rm -rf "$TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Fail early instead of silently benchmarking some other process that owns the port.
require_port_free() {
    if (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; then
        die "port $1 on $HOST is already in use"
    fi
}

# Poll until URL answers 2xx; give up after READY_TIMEOUT_S or as soon as PID has exited.
wait_for_http() {
    local url=$1 pid=$2 name=$3 deadline=$((SECONDS + READY_TIMEOUT_S))
    until curl -sf --max-time 1 -o /dev/null "$url"; do
        is_alive "$pid" || die "$name exited during startup"
        (( SECONDS < deadline )) || die "$name not ready at $url after ${READY_TIMEOUT_S}s"
        sleep 0.1
    done
}

# Logs are named per run (e.g. gateway-2.log) so a later run does not overwrite an earlier failure.
start_services() {
    local latency=$1 tag=$2 port
    for port in "$LAND_PORT" "$TAX_PORT" "$HOUSE_PORT" "$GATEWAY_PORT"; do require_port_free "$port"; done

    "$BIN/department-stubs" --host "$HOST" --land-port "$LAND_PORT" --tax-port "$TAX_PORT" \
        --house-port "$HOUSE_PORT" --latency "$latency" --fixtures stubs/fixtures \
        >"$TMP/stubs-$tag.log" 2>&1 &
    STUBS_PID=$!
    for port in "$LAND_PORT" "$TAX_PORT" "$HOUSE_PORT"; do
        wait_for_http "http://$HOST:$port/_stub/requests" "$STUBS_PID" department-stubs
    done

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
    error_lines=$(grep -c '"level":"error"' "$TMP/gateway-$tag.log" || true)
    log "gateway exit status: $gateway_status; error log lines: $error_lines"
    if [[ $gateway_status != 0 || $error_lines != 0 ]]; then
        printf -- '--- tail of gateway-%s.log ---\n' "$tag" >&2
        tail -n 20 "$TMP/gateway-$tag.log" >&2
    fi
}

# --- setup -----------------------------------------------------------------------------------

ensure_tools() {
    if ! command -v wrk >/dev/null; then
        log "installing wrk"
        apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }
    fi
    local tool
    for tool in wrk curl python3 swift; do command -v "$tool" >/dev/null || die "$tool is required"; done
}

build() {
    log "swift build -c release --scratch-path $SCRATCH"
    swift build -c release --scratch-path "$SCRATCH"
}

# config/gateway.json with every address moved to our loopback ports and the audit log into the
# temp folder; everything else unchanged (audit fsync stays on).
write_gateway_config() {
    python3 - config/gateway.json "$TMP/gateway.json" "$HOST" "$GATEWAY_PORT" \
        "$LAND_PORT" "$TAX_PORT" "$HOUSE_PORT" <<'PY'
import json, sys
source, target, host, gateway_port, land, tax, house = sys.argv[1:]
ports = {"land": land, "tax": tax, "house": house}
with open(source) as f:
    config = json.load(f)
config["listen"]["host"] = host
config["listen"]["port"] = int(gateway_port)
for upstream in config["sources"]:
    if upstream["name"] not in ports:
        sys.exit(f"unknown source {upstream['name']!r} in {source}")
    upstream["base_url"] = f"http://{host}:{ports[upstream['name']]}"
config["audit"]["path"] = target.rsplit("/", 1)[0] + "/audit/audit.jsonl"
with open(target, "w") as f:
    json.dump(config, f, indent=2)
PY
}

# A 200 dossier can still be partial (one department failed), which wrk alone would count as a
# success. This script counts responses without X-Dossier-Complete: true. With an argument N,
# each thread stops after N responses (used for the fixed-size robustness run).
write_wrk_script() {
    cat >"$TMP/dossier.lua" <<'LUA'
-- The dossier route needs a client key and a purpose (README, Security): the public demo clerk key.
wrk.headers["Authorization"] = "Bearer demo-only-clerk-key-do-not-use-in-production"
wrk.headers["X-Purpose"] = "bench"

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    stop_after = tonumber(args[1]) or 0
    responses = 0
    incomplete = 0
end

function response(status, headers, body)
    responses = responses + 1
    local complete
    for name, value in pairs(headers) do
        if string.lower(name) == "x-dossier-complete" then complete = value end
    end
    if complete ~= "true" then incomplete = incomplete + 1 end
    if stop_after > 0 and responses >= stop_after then wrk.thread:stop() end
end

function done(summary, latency, requests)
    local total_responses, total_incomplete = 0, 0
    for _, thread in ipairs(threads) do
        total_responses = total_responses + thread:get("responses")
        total_incomplete = total_incomplete + thread:get("incomplete")
    end
    io.write(string.format("lua responses: %d\nlua incomplete: %d\n", total_responses, total_incomplete))
end
LUA
}

# --- wrk runs and parsing --------------------------------------------------------------------

to_seconds() {
    local value=$1
    case $value in
        *ms) echo 1 ;;
        *s) echo "${value%s}" ;;
        *m) echo $(( ${value%m} * 60 )) ;;
        *h) echo $(( ${value%h} * 3600 )) ;;
        *) echo "$value" ;;
    esac
}

# run_wrk OUTPUT CONNECTIONS DURATION [STOP_AFTER_PER_THREAD]
# `timeout` is a second bound on top of -d, in case wrk itself hangs.
run_wrk() {
    local output=$1 connections=$2 duration=$3 stop_after=${4:-0}
    local limit=$(( $(to_seconds "$duration") + 30 ))
    timeout --kill-after=5 "$limit" \
        wrk -t "$THREADS" -c "$connections" -d "$duration" --timeout "$WRK_TIMEOUT" --latency \
            -s "$TMP/dossier.lua" "$DOSSIER_URL" -- "$stop_after" >"$output" 2>&1 || {
        log "wrk exited with status $? (output follows)"; cat "$output" >&2; }
}

# Sets W_RPS W_P50 W_P99 W_REQUESTS W_ERRORS (socket errors + non-2xx) W_ERROR_TEXT W_INCOMPLETE.
parse_wrk() {
    local file=$1 connect timeout non2xx socket_read socket_write
    W_RPS=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$file")
    W_P50=$(awk '$1 == "50%" {print $2}' "$file")
    W_P99=$(awk '$1 == "99%" {print $2}' "$file")
    W_REQUESTS=$(awk '/ requests in / {print $1}' "$file")
    W_INCOMPLETE=$(awk '/^lua incomplete:/ {print $3}' "$file")
    # wrk prints these two lines only when the counts are non-zero.
    read -r connect socket_read socket_write timeout < <(sed -n \
        's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' \
        "$file") || true
    non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$file")
    connect=${connect:-0} socket_read=${socket_read:-0} socket_write=${socket_write:-0}
    timeout=${timeout:-0} non2xx=${non2xx:-0}
    W_ERRORS=$(( connect + socket_read + socket_write + timeout + non2xx ))

    # "0", or the total followed by the non-zero kinds, e.g. "12 (timeout 10, non-2xx 2)".
    local details=""
    (( connect == 0 ))      || details+=", connect $connect"
    (( socket_read == 0 ))  || details+=", read $socket_read"
    (( socket_write == 0 )) || details+=", write $socket_write"
    (( timeout == 0 ))      || details+=", timeout $timeout"
    (( non2xx == 0 ))       || details+=", non-2xx $non2xx"
    W_ERROR_TEXT=$W_ERRORS
    [[ -z $details ]] || W_ERROR_TEXT+=" (${details#, })"
    [[ ${W_INCOMPLETE:-0} == 0 ]] || W_ERROR_TEXT+="; incomplete dossiers ${W_INCOMPLETE}"
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
    run_wrk "$TMP/warmup-$index.txt" 64 "$WARMUP"

    for connections in "${CONNECTIONS[@]}"; do
        output="$TMP/wrk-$index-c$connections.txt"
        log "wrk -c $connections -d $DURATION"
        run_wrk "$output" "$connections" "$DURATION"
        parse_wrk "$output"
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

    run_wrk "$output" "$ROBUST_CONNECTIONS" "$ROBUST_MAX_DURATION" "$per_thread"
    parse_wrk "$output"
    RAW_OUTPUTS+=("$output")
    sleep 0.5  # let a crash caused by the last requests surface before checking liveness
    is_alive "$GATEWAY_PID" && alive=yes
    curl -sf --max-time 2 -o /dev/null "http://$HOST:$GATEWAY_PORT/healthz" && healthy=yes

    local responses
    responses=$(awk '/^lua responses:/ {print $3}' "$output")
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
    cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
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
        echo "<details><summary>raw wrk output</summary>"
        echo
        local raw
        for raw in "${RAW_OUTPUTS[@]}"; do
            echo "\`$(basename "$raw")\`"
            echo '```'
            cat "$raw"
            echo '```'
        done
        echo "</details>"
    } >"$file"
}

main() {
    local command="BENCH_DURATION=$DURATION bench/quick.sh"
    ensure_tools
    build
    mkdir -p bench/results
    write_gateway_config
    write_wrk_script

    local index
    for index in "${!SCENARIO_LABELS[@]}"; do measure_scenario "$index"; done
    robustness_run

    local stamp results
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    results="bench/results/quick-$stamp.md"
    # Write to a .tmp (gitignored) first so an interrupted run never leaves a half-written report.
    write_report "$stamp" "$results.tmp" "$command"
    mv "$results.tmp" "$results"

    # Print everything up to the raw-output section.
    sed '/^<details>/,$d' "$results"
    log "written to $results"
    return "$FAILED"
}

main "$@"
