#!/usr/bin/env bash
# What the audit log's fsync costs: GET /v1/properties/{id}/dossier with audit.fsync on and off.
#
# Builds release binaries into .build-bench, starts the department stubs once (0 ms latency) and,
# for every measured run, a fresh gateway on a high loopback port with its own audit folder and
# signing key. Runs alternate fsync ON/OFF/ON/OFF (ROUNDS times, at c=256 and at c=64) so slow
# drift of the machine hits both settings alike. After every run the gateway is stopped (which
# writes its last checkpoint), the log is verified with `exchange-gateway audit verify` and its
# access records are counted against the 200s wrk saw. Prints a markdown table and writes it to
# bench/results/audit-fsync-<UTC>.md.
#
# Usage:   bench/audit-fsync.sh
# Env:     BENCH_DURATION   wrk duration per measured run (default 10s), after a 2 s warm-up
#          ROUNDS           ON/OFF pairs per connection count (default 2); the table shows medians
#          TMPDIR           where the audit logs go (default /tmp); it must be the disk you care about
# Exit:    0 if every gateway stayed up and stopped cleanly, every log verified and held a record
#          for every 200 wrk counted; 1 otherwise.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

# --- settings ------------------------------------------------------------------------------

readonly HOST=127.0.0.1                      # loopback only; nothing here talks to another host
readonly LAND_PORT=19301 TAX_PORT=19302 HOUSE_PORT=19303
readonly GATEWAY_PORT=18380                  # not quick.sh's ports, not the dev gateway's
readonly PROPERTY_ID=LA2023001
readonly DOSSIER_URL="http://$HOST:$GATEWAY_PORT/v1/properties/$PROPERTY_ID/dossier"
readonly PURPOSE=bench                       # X-Purpose; the key is lib.sh's DEMO_API_KEY

readonly DURATION=${BENCH_DURATION:-10s}
readonly ROUNDS=${ROUNDS:-2}
readonly THREADS=2
readonly WRK_TIMEOUT=5s
readonly WARMUP=2s
readonly CONNECTIONS=(256 64)
readonly MODES=(on off)                      # order within a round: ON, OFF, ON, OFF, ...
readonly CHECKPOINT_EVERY=1000
readonly OTHER_CPU_WARN=15                   # % of the machine used by others before a run is called noisy

readonly SCRATCH=.build-bench
readonly BIN=$ROOT/$SCRATCH/release
readonly READY_TIMEOUT_S=10
readonly VERIFY_TIMEOUT_S=120
readonly STOP_GRACE_S=10                     # SIGTERM, then SIGKILL after this

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "audit-fsync.sh: ROUNDS must be a positive integer" >&2; exit 2; }

TMP=$(mktemp -d -t exchange-gateway-audit-bench.XXXXXX)
STUBS_PID=""
GATEWAY_PID=""
FAILED=0

# --- process management (is_alive, stop_process, cleanup, wait_for_http: bench/lib.sh) --------

# What cleanup (bench/lib.sh) stops, and the logs it shows when we fail.
stop_started() {
    stop_process "$GATEWAY_PID"
    stop_process "$STUBS_PID"
}
LOG_TAILS=("*.log" "run-*/gateway.log")
install_cleanup

start_stubs() {
    local port
    for port in "$LAND_PORT" "$TAX_PORT" "$HOUSE_PORT"; do require_port_free "$port"; done
    start_department_stubs STUBS_PID land=0,tax=0,house=0 "$TMP/stubs.log"
}

# The gateway runs in the run's folder: the config's audit path and signing key are relative,
# so the ON and OFF configs differ only in audit.fsync and every run still has its own log.
# /readyz is 200 only once the audit log is writable.
start_gateway() {
    local mode=$1 dir=$2
    require_port_free "$GATEWAY_PORT"
    is_alive "$STUBS_PID" || die "department-stubs died"
    ( cd "$dir" && exec "$BIN/exchange-gateway" serve --config "$TMP/gateway-fsync-$mode.json" ) \
        >"$dir/gateway.log" 2>&1 &
    GATEWAY_PID=$!
    wait_for_http "http://$HOST:$GATEWAY_PORT/readyz" "$GATEWAY_PID" exchange-gateway
}

# --- setup -----------------------------------------------------------------------------------

ensure_tools() {
    ensure_wrk
    require_tools wrk curl python3 swift timeout
}

# config/gateway.json moved to our loopback ports, with an audit section that is the same for
# both files except "fsync". Paths are relative to the gateway's working folder (the run's folder).
write_gateway_configs() {
    local mode
    for mode in "${MODES[@]}"; do
        write_gateway_config "$TMP/gateway-fsync-$mode.json" audit.path=./audit.jsonl \
            "audit.fsync=$([[ $mode == on ]] && echo true || echo false)" \
            audit.signing_key_file=signing.key "audit.checkpoint_every_records=$CHECKPOINT_EVERY"
    done
    "$BIN/exchange-gateway" config check "$TMP/gateway-fsync-on.json" >/dev/null \
        || die "generated config does not validate"
    # Belt and braces: the two files must differ in audit.fsync and nothing else.
    python3 - "$TMP/gateway-fsync-on.json" "$TMP/gateway-fsync-off.json" <<'PY' || die "configs differ in more than audit.fsync"
import json, sys
on, off = (json.load(open(p)) for p in sys.argv[1:])
assert on["audit"].pop("fsync") is True and off["audit"].pop("fsync") is False
assert on == off
PY
}

# --- wrk runs and parsing (run_wrk, parse_wrk: bench/lib.sh) ----------------------------------

# wrk latency ("850.00us", "32.83ms", "1.05s", "1.20m") in milliseconds.
latency_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
        else { print "nan" } }'
}

# Sets W_RPS W_P50_MS W_P99_MS W_200 W_ERRORS W_ERROR_TEXT W_INCOMPLETE.
parse_run() {
    parse_wrk "$1" incomplete
    W_P50_MS=$(latency_ms "${W_P50:-?}") W_P99_MS=$(latency_ms "${W_P99:-?}")
    if [[ -z $W_RPS || -z $W_200 ]]; then W_RPS="?"; W_200=0; W_ERROR_TEXT="wrk output unparsable"; FAILED=1; fi
}

# --- group-commit batches --------------------------------------------------------------------

# The audit writer thread does one write(2) per batch (and, with fsync on, one fsync(2) per
# batch), and is the only thread writing the audit file. The kernel counts write calls and bytes
# per thread in /proc/PID/task/TID/io, so the thread whose `wchar` equals the audit files' size
# is the writer, and its `syscw` is the number of batches (a short write would add one; not seen
# on a local disk). Read once the load has stopped and the writer is idle, before SIGTERM (whose
# closing checkpoint would be one more batch). Sets B_LINES B_WRITES ("?" if not found).
sample_batches() {
    local pid=$1 dir=$2 bytes task wchar syscw try
    B_LINES="?" B_WRITES="?"
    for try in $(seq 30); do                       # up to ~3 s for in-flight requests to finish
        sleep 0.1
        bytes=$(cat "$dir"/audit-*.jsonl | wc -c)
        for task in /proc/"$pid"/task/*; do
            read -r wchar syscw < <(awk '$1 == "wchar:" {w = $2} $1 == "syscw:" {s = $2} END {print w, s}' \
                "$task/io" 2>/dev/null) || continue
            if [[ $wchar == "$bytes" ]]; then
                # Stable for 0.2 s: no request still on its way into the log.
                sleep 0.2
                [[ $(cat "$dir"/audit-*.jsonl | wc -c) == "$bytes" ]] || continue 2
                B_LINES=$(cat "$dir"/audit-*.jsonl | wc -l)
                B_WRITES=$syscw
                return 0
            fi
        done
    done
}

# --- who else used the CPU -------------------------------------------------------------------

# This machine may be shared (builds, tests), and on 2 cores that moves the numbers far more than
# fsync does. Around each measured wrk run we read /proc/stat (machine busy = user + nice + system
# + irq + softirq ticks, as loopback TCP runs largely in softirq; steal separately) and the CPU
# ticks of our own processes: the gateway and the stubs (/proc/PID/stat utime+stime) and wrk (this
# shell's cutime+cstime: children that were waited for). "other" = busy - ours: other processes
# plus kernel threads (ext4/jbd2 journal commits, kworkers), so a few % is normal; tens of % means
# someone else was computing.
# (stat_ticks, process_ticks and machine_ticks are in bench/lib.sh.)
children_ticks() { stat_ticks "$$" 14 15; }      # cutime+cstime of the main shell ($$, also in $(...))
# Prints "total busy steal ours".
cpu_snapshot() {
    local machine ours
    machine=$(machine_ticks)
    ours=$(( $(process_ticks "$GATEWAY_PID") + $(process_ticks "$STUBS_PID") + $(children_ticks) ))
    echo "$machine $ours"
}
# cpu_share "BEFORE" "AFTER" sets C_BUSY C_OURS C_OTHER C_STEAL (percent of all cores).
cpu_share() {
    read -r C_BUSY C_OURS C_OTHER C_STEAL < <(awk -v a="$1" -v b="$2" 'BEGIN {
        split(a, x, " "); split(b, y, " ")
        total = y[1] - x[1]; if (total <= 0) total = 1
        busy = y[2] - x[2]; ours = y[4] - x[4]; other = busy - ours; if (other < 0) other = 0
        printf "%.0f %.0f %.0f %.0f\n", 100 * busy / total, 100 * ours / total, 100 * other / total, 100 * (y[3] - x[3]) / total }')
}

# --- the benchmark ---------------------------------------------------------------------------

declare -A RPS P50 P99 ERR ERR_TEXT BATCH                     # key "mode c" -> space-separated values per round
RUN_ROWS=()
RAW_OUTPUTS=()
VERIFY_FAILURES=0

measure_run() {
    local round=$1 mode=$2 connections=$3
    local tag="r$round-$mode-c$connections" dir="$TMP/run-r$round-$mode-c$connections"
    local warmup="$TMP/warmup-$tag.txt" output="$TMP/wrk-$tag.txt"
    mkdir -p "$dir"
    "$BIN/exchange-gateway" audit keygen --out "$dir/signing" >/dev/null

    log "round $round: fsync $mode, c=$connections (warm-up $WARMUP, then $DURATION)"
    start_gateway "$mode" "$dir"
    run_wrk "$warmup" "$connections" "$WARMUP" "$DOSSIER_URL" "$TMP/dossier.lua"
    local cpu_before
    cpu_before=$(cpu_snapshot)
    run_wrk "$output" "$connections" "$DURATION" "$DOSSIER_URL" "$TMP/dossier.lua"
    cpu_share "$cpu_before" "$(cpu_snapshot)"
    RAW_OUTPUTS+=("$output")
    if (( C_OTHER > OTHER_CPU_WARN )); then NOISY_RUNS+=("$tag (other ${C_OTHER}%)"); fi

    local alive=yes
    is_alive "$GATEWAY_PID" || { alive=no; FAILED=1; log "gateway died during $tag"; }
    parse_run "$output"
    local warm_200
    warm_200=$(awk '/^lua status 200:/ {print $4}' "$warmup")
    sample_batches "$GATEWAY_PID" "$dir"

    stop_process "$GATEWAY_PID"; local gateway_status=$STOP_STATUS; GATEWAY_PID=""
    local error_lines
    error_lines=$(gateway_error_lines "$dir/gateway.log")
    if [[ $gateway_status != 0 || $error_lines != 0 ]]; then
        FAILED=1
        log "gateway exit status $gateway_status, error log lines $error_lines"
        tail -n 20 "$dir/gateway.log" >&2
    fi

    # The log as the gateway left it (closing checkpoint included).
    local verify_text verify="FAIL" access ok_records
    if verify_audit "$dir/signing.pub" "$dir"; then
        verify="pass"
    else
        VERIFY_FAILURES=$((VERIFY_FAILURES + 1)); FAILED=1
        log "audit verify failed for $tag:"; printf '%s\n' "$VERIFY_OUTPUT" >&2
    fi
    verify_text=$(one_line "$VERIFY_OUTPUT")
    access=$(cat "$dir"/audit-*.jsonl | grep -c '"type":"access"' || true)
    ok_records=$(cat "$dir"/audit-*.jsonl | grep '"type":"access"' | grep -c '"http_status":200,' || true)
    # wrk stops counting at -d while requests are still in flight; the gateway finishes and
    # audits them, so the log holds up to `connections` more records than the 200s wrk saw,
    # per wrk run (warm-up and measured run: 2 x connections in all).
    local expected=$(( W_200 + ${warm_200:-0} )) count_ok=yes
    if (( ok_records < W_200 )); then count_ok=NO; FAILED=1; fi

    local gateway_exit=$gateway_status
    [[ $alive == yes ]] || gateway_exit+=" (died during the run)"

    local batch="n/a"
    if [[ $B_WRITES != "?" && $B_WRITES -gt 0 ]]; then
        batch=$(awk -v l="$B_LINES" -v w="$B_WRITES" 'BEGIN {printf "%.1f", l / w}')
    fi

    local key="$mode $connections"
    RPS[$key]+="$W_RPS " P50[$key]+="$W_P50_MS " P99[$key]+="$W_P99_MS " ERR[$key]+="$W_ERRORS "
    [[ $W_ERRORS == 0 && ${W_INCOMPLETE:-0} == 0 ]] || ERR_TEXT[$key]+="round $round: $W_ERROR_TEXT; "
    [[ $batch == n/a ]] || BATCH[$key]+="$batch "

    RUN_ROWS+=("| $round | $mode | $connections | $W_RPS | $W_P50_MS | $W_P99_MS | $W_ERROR_TEXT | $W_200 | $expected | $access | $ok_records | $count_ok | $verify | $B_LINES / $B_WRITES = $batch | $C_BUSY / $C_OURS / $C_OTHER / $C_STEAL | $gateway_exit |")
    VERIFY_LINES+=("- $tag: $verify — $verify_text")
    log "  $W_RPS dossiers/s, p50 ${W_P50_MS} ms, p99 ${W_P99_MS} ms, errors $W_ERROR_TEXT; 200s $W_200 (+$warm_200 warm-up), access records $access (200: $ok_records), verify $verify, lines/batch $batch, CPU busy/ours/other/steal ${C_BUSY}/${C_OURS}/${C_OTHER}/${C_STEAL}%"
}
VERIFY_LINES=()
NOISY_RUNS=()

# --- statistics and report ---------------------------------------------------------------------

# median "VALUES" [printf format, default %.2f]; "?" when there are none.
median() { tr ' ' '\n' <<<"$1" | awk 'NF && $1 == $1 + 0' | sort -g | awk -v f="${2:-%.2f}" '{v[NR] = $1} END {
    if (NR == 0) { print "?"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf f, m }'; }

sum() { tr ' ' '\n' <<<"$1" | awk 'NF {s += $1} END {print s + 0}'; }

write_report() {
    local stamp=$1 file=$2 command=$3
    local fs
    fs=$(df -PT "$TMP" | awk 'NR == 2 {print $2 " on " $1}')
    {
        echo "# Audit fsync on vs off — $stamp"
        echo
        machine_line "wrk, gateway and stubs"
        echo "- audit logs on: $fs (\`$(dirname "$TMP")\`)"
        echo "- command: \`$command\`"
        echo "- per run: fresh gateway, own audit folder, own Ed25519 key (\`exchange-gateway audit keygen\`), checkpoint every $CHECKPOINT_EVERY records;"
        echo "  configs differ only in \`audit.fsync\`; stubs at 0 ms latency; $WARMUP warm-up at the run's connection count, then"
        echo "  \`wrk -t $THREADS -c <connections> -d $DURATION --timeout $WRK_TIMEOUT --latency -s dossier.lua $DOSSIER_URL\`"
        echo "- order: for each round, c=${CONNECTIONS[0]} ON, OFF, then c=${CONNECTIONS[1]} ON, OFF; $ROUNDS rounds; table values are medians over rounds"
        echo "- errors = socket errors + non-2xx responses, summed over rounds; incomplete dossiers (200 without \`X-Dossier-Complete: true\`) listed too"
        echo
        echo "| fsync | connections | dossiers/s (median of $ROUNDS) | p50 | p99 | errors |"
        echo "|---|---|---|---|---|---|"
        local connections mode key
        for connections in "${CONNECTIONS[@]}"; do
            for mode in "${MODES[@]}"; do
                key="$mode $connections"
                printf '| %s | %s | %s | %s ms | %s ms | %s |\n' "$mode" "$connections" \
                    "$(median "${RPS[$key]}" %.0f)" "$(median "${P50[$key]}")" "$(median "${P99[$key]}")" \
                    "$(sum "${ERR[$key]}")${ERR_TEXT[$key]:+ (${ERR_TEXT[$key]%; })}"
            done
        done
        echo
        echo "| connections | ON/OFF throughput | mean lines per batch ON | mean lines per batch OFF |"
        echo "|---|---|---|---|"
        for connections in "${CONNECTIONS[@]}"; do
            local on off
            on=$(median "${RPS[on $connections]}") off=$(median "${RPS[off $connections]}")
            printf '| %s | %s | %s | %s |\n' "$connections" \
                "$(awk -v a="$on" -v b="$off" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "?"}')" \
                "$(median "${BATCH[on $connections]:-}" %.1f)" "$(median "${BATCH[off $connections]:-}" %.1f)"
        done
        echo
        echo "$VERDICT"
        echo
        if (( ${#NOISY_RUNS[@]} > 0 )); then
            echo "**Noisy machine:** processes other than the gateway, the stubs and wrk used more than ${OTHER_CPU_WARN}% of the CPU during: ${NOISY_RUNS[*]}."
            echo "Compare ON and OFF only within rounds of similar \"other\" CPU, or run again on a quiet machine."
        else
            echo "Machine quiet: other processes (and kernel threads) used at most ${OTHER_CPU_WARN}% of the CPU during every measured run."
        fi
        echo
        echo "Batch size: the audit writer does one \`write\` (and, with fsync on, one \`fsync\`) per group-commit batch; the"
        echo "thread whose \`/proc/PID/task/TID/io\` \`wchar\` equals the audit files' size is the writer, and its \`syscw\` is the"
        echo "number of batches. Lines per batch = audit lines (access records incl. warm-up, \`opened\`, checkpoints) / batches,"
        echo "sampled after wrk stopped and before SIGTERM."
        echo
        echo "CPU (per run, % of all $(nproc) cores during the measured wrk run): busy = user+nice+system+irq+softirq from /proc/stat;"
        echo "ours = gateway + stubs + wrk; other = busy - ours (other processes and kernel threads such as the ext4 journal); steal = hypervisor."
        echo
        echo "Audit verification (\`exchange-gateway audit verify --public-key DIR/signing.pub DIR\`, after the gateway stopped):"
        echo
        printf '%s\n' "${VERIFY_LINES[@]}"
        echo
        echo "Per run (200s = wrk's measured 200s; +warm-up = those plus the warm-up's; records = access lines in the log;"
        echo "records 200 = those with http_status 200, which must be ≥ wrk's 200s; in-flight requests at wrk's stop are audited"
        echo "but not counted by wrk):"
        echo
        echo "| round | fsync | c | dossiers/s | p50 ms | p99 ms | errors | 200s | 200s +warm-up | records | records 200 | ≥ 200s | verify | lines / batches | CPU % busy / ours / other / steal | gateway exit |"
        echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
        printf '%s\n' "${RUN_ROWS[@]}"
        echo
        print_raw_outputs "${RAW_OUTPUTS[@]}"
    } >"$file"
}

VERDICT=""
make_verdict() {
    local c=${CONNECTIONS[0]} on off
    on=$(median "${RPS[on $c]}") off=$(median "${RPS[off $c]}")
    VERDICT=$(awk -v on="$on" -v off="$off" -v c="$c" 'BEGIN {
        if (!(on + 0 > 0 && off + 0 > 0)) { printf "**No ON/OFF comparison at c=%s: throughput missing.**", c; exit }
        drop = (1 - on / off) * 100
        if (on < 0.9 * off)
            printf "**fsync ON is %.1f%% below OFF at c=%s (%.0f vs %.0f dossiers/s): more than the 10%% budget.**", drop, c, on, off
        else
            printf "fsync ON is within 10%% of OFF at c=%s (%.0f vs %.0f dossiers/s, %+.1f%%).", c, on, off, -drop }')
}

main() {
    local command="BENCH_DURATION=$DURATION ROUNDS=$ROUNDS bench/audit-fsync.sh"
    ensure_tools
    build_release
    mkdir -p bench/results
    write_gateway_configs
    # Headers the gateway requires; counts 200s and incomplete dossiers (a 200 can be partial).
    write_wrk_script "$TMP/dossier.lua" "$PURPOSE" with-200
    start_stubs

    local round connections mode
    for round in $(seq "$ROUNDS"); do
        for connections in "${CONNECTIONS[@]}"; do
            for mode in "${MODES[@]}"; do measure_run "$round" "$mode" "$connections"; done
        done
    done
    is_alive "$STUBS_PID" || { log "department-stubs died"; FAILED=1; }

    make_verdict
    publish_report audit-fsync '^<details>' write_report "$command"
    return "$FAILED"
}

main "$@"
