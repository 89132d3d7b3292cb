# Helpers shared by the benchmark scripts in bench/ (quick.sh, audit-fsync.sh, run.sh, profile.sh).
#
# Sourced, never run: it defines functions and one constant and starts nothing. Each script keeps
# its own settings (HOST and the *_PORT numbers, THREADS, WRK_TIMEOUT, READY_TIMEOUT_S,
# VERIFY_TIMEOUT_S, SCRATCH, BIN, TMP, ...); the functions read those globals when they are called,
# so one script's ports or timeouts never leak into another's. A script sources it before its `cd`:
#
#     source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Knobs a script may set (all optional):
#   LOG_CLOCK=1          log lines carry the UTC time (run.sh: its runs take many minutes)
#   NOT_READY=log|true   how wait_for_http reports a service that does not come up (default die)
#   STOP_GRACE_S         seconds between SIGTERM and SIGKILL in stop_process (default 10)
#   LOG_TAILS, LOG_TAIL_LINES  logs shown by cleanup when the script fails (globs under $TMP; 20)
#   KEEP_TMP_ALLOWED=1   cleanup honours KEEP_TMP=1 (run.sh's debugging option)
#   WRK_FAILURE_LINES    run_wrk shows only this many lines of a failed run's output (default all)
# and functions: stop_started (required by cleanup), after_cleanup (optional).

# The public demo clerk key from the README; the dossier route requires a client key.
readonly DEMO_API_KEY=demo-only-clerk-key-do-not-use-in-production

# --- messages ----------------------------------------------------------------------------------

# Progress goes to stderr, so that stdout carries only the report.
log() {
    if [[ ${LOG_CLOCK:-0} == 1 ]]; then
        printf '==> [%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
    else
        printf '==> %s\n' "$*" >&2
    fi
}

# Fatal: prefixed with the script's name; the EXIT trap (cleanup) still stops what was started.
die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Multi-line tool output (audit verify) as one line for a report row.
one_line() { printf '%s' "$1" | tr '\n' ' ' | sed 's/ *$//'; }

# --- process management ------------------------------------------------------------------------

# kill -0 alone is not enough: an exited child that bash has not reaped yet still "exists".
is_alive() {
    local pid=$1 state
    [[ -n $pid ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ -n $state && $state != Z ]]
}

# SIGTERM (the gateway, department-stubs and the peers drain and exit on it), SIGKILL after
# STOP_GRACE_S. Sets STOP_STATUS instead of printing it: `wait` only works in this shell, not in a
# $(...) subshell. An empty PID (nothing started yet) is a no-op with status 0.
STOP_STATUS=0
stop_process() {
    local pid=$1
    STOP_STATUS=0
    [[ -n $pid ]] || return 0
    if is_alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq $(( ${STOP_GRACE_S:-10} * 10 ))); do is_alive "$pid" || break; sleep 0.1; done
        if is_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    wait "$pid" 2>/dev/null || STOP_STATUS=$?
}

# The tails of the script's logs (LOG_TAILS: globs relative to $TMP), named relative to $TMP:
# when a run fails, the reason is usually in there and TMP is about to be removed.
print_log_tails() {
    local pattern file
    for pattern in ${LOG_TAILS[@]+"${LOG_TAILS[@]}"}; do
        for file in "$TMP"/$pattern; do
            [[ -f $file && -s $file ]] || continue
            printf -- '--- tail of %s ---\n' "${file#"$TMP"/}" >&2
            tail -n "${LOG_TAIL_LINES:-20}" "$file" >&2
        done
    done
}

# The EXIT trap (install_cleanup), so it runs on success, failure, die and Ctrl-C alike: stop what
# the script started (its stop_started), show its logs if it is failing, remove TMP, then exit with
# the status the script had. Nothing the bench starts may outlive it on the shared machine.
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_started || true
    if (( status != 0 )); then print_log_tails; fi
    if [[ ${KEEP_TMP_ALLOWED:-0} == 1 && ${KEEP_TMP:-0} == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    if declare -F after_cleanup >/dev/null; then after_cleanup; fi
    exit "$status"
}

# install_cleanup [MESSAGE]: cleanup on exit; Ctrl-C or SIGTERM exit with 130 (after logging
# MESSAGE), which runs cleanup too.
install_cleanup() {
    trap cleanup EXIT
    if (( $# > 0 )); then
        trap "log $(printf '%q' "$1"); exit 130" INT TERM
    else
        trap 'exit 130' INT TERM
    fi
}

# --- readiness ---------------------------------------------------------------------------------

# Fail early instead of silently benchmarking some other process that owns the port.
require_port_free() {
    if (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; then
        die "port $1 on $HOST is already in use"
    fi
}

# Poll until URL answers 2xx; give up after READY_TIMEOUT_S or as soon as PID has exited. The
# failure goes to NOT_READY (die: stop the script; log: report it and return 1 so the caller can
# go on; true: return 1 quietly).
wait_for_http() {
    local url=$1 pid=$2 name=$3 deadline=$((SECONDS + READY_TIMEOUT_S))
    until curl -sf --max-time 1 -o /dev/null "$url"; do
        is_alive "$pid" || { "${NOT_READY:-die}" "$name exited during startup"; return 1; }
        (( SECONDS < deadline )) || { "${NOT_READY:-die}" "$name not ready at $url after ${READY_TIMEOUT_S}s"; return 1; }
        sleep 0.1
    done
}

# start_department_stubs PIDVAR LATENCY LOGFILE: our department-stubs ($BIN) on the script's three
# loopback ports, LATENCY as "land=40,tax=60,house=80". The PID goes into the variable PIDVAR at
# once, so that cleanup stops the stubs even if they never get ready; returns once all three answer.
start_department_stubs() {
    local pidvar=$1 latency=$2 logfile=$3 pid port
    "$BIN/department-stubs" --host "$HOST" --land-port "$LAND_PORT" --tax-port "$TAX_PORT" \
        --house-port "$HOUSE_PORT" --latency "$latency" --fixtures stubs/fixtures >"$logfile" 2>&1 &
    pid=$!
    printf -v "$pidvar" '%s' "$pid"
    for port in "$LAND_PORT" "$TAX_PORT" "$HOUSE_PORT"; do
        wait_for_http "http://$HOST:$port/_stub/requests" "$pid" department-stubs || return 1
    done
}

# --- setup -------------------------------------------------------------------------------------

# wrk is the one tool these scripts install by themselves (run.sh has its own, longer list).
ensure_wrk() {
    if ! command -v wrk >/dev/null; then
        log "installing wrk"
        apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }
    fi
}

# Stop before building or starting anything when a tool is missing.
require_tools() {
    local tool
    for tool in "$@"; do command -v "$tool" >/dev/null || die "$tool is required"; done
}

# Release binaries in their own scratch path (SCRATCH), so that a debug build or a test run at the
# same time neither slows nor replaces what is measured.
build_release() {
    log "swift build -c release --scratch-path $SCRATCH"
    swift build -c release --scratch-path "$SCRATCH"
}

# write_gateway_config TARGET [KEY=VALUE...]: config/gateway.json with the listen address and each
# source's base_url moved to the script's loopback ports (HOST, GATEWAY_PORT, LAND/TAX/HOUSE_PORT),
# then the given settings: KEY is a dotted path ("audit.fsync"), VALUE is JSON (true, 1000, "x") or
# else taken as a string. Everything else stays as shipped, so the bench measures the real config.
write_gateway_config() {
    local target=$1; shift
    python3 - config/gateway.json "$target" "$HOST" "$GATEWAY_PORT" \
        "$LAND_PORT" "$TAX_PORT" "$HOUSE_PORT" "$@" <<'PY'
import json, sys
source, target, host, gateway_port, land, tax, house, *settings = sys.argv[1:]
ports = {"land": land, "tax": tax, "house": house}
with open(source) as f:
    config = json.load(f)
config["listen"]["host"] = host
config["listen"]["port"] = int(gateway_port)
for upstream in config["sources"]:
    if upstream["name"] not in ports:
        sys.exit(f"unknown source {upstream['name']!r} in {source}")
    upstream["base_url"] = f"http://{host}:{ports[upstream['name']]}"
for setting in settings:
    path, _, text = setting.partition("=")
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    *parents, key = path.split(".")
    node = config
    for name in parents:
        node = node.setdefault(name, {})
    node[key] = value
with open(target, "w") as f:
    json.dump(config, f, indent=2)
PY
}

# write_wrk_headers FILE PURPOSE: a wrk Lua script that only sends what the dossier route requires
# (the demo clerk's key and an X-Purpose), for runs that must not pay for a response() callback.
write_wrk_headers() {
    cat >"$1" <<LUA
-- The dossier route needs a client key and a purpose (README, Security): the public demo clerk key.
wrk.headers["Authorization"] = "Bearer $DEMO_API_KEY"
wrk.headers["X-Purpose"] = "$2"
LUA
}

# write_wrk_script FILE PURPOSE [with-200]: the headers, plus counts that wrk alone cannot give,
# printed from done(): responses, incomplete dossiers (a 200 can be partial: no
# X-Dossier-Complete: true) and, with "with-200", the 200s. A script argument N > 0 (after `--`)
# stops each thread after N responses (a fixed-size run).
write_wrk_script() {
    write_wrk_headers "$1" "$2"
    printf 'local report_200 = %s\n' "$([[ ${3:-} == with-200 ]] && echo true || echo false)" >>"$1"
    cat >>"$1" <<'LUA'

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    stop_after = tonumber(args[1] or "") or 0
    responses = 0
    ok200 = 0
    incomplete = 0
end

function response(status, headers, body)
    responses = responses + 1
    if status == 200 then ok200 = ok200 + 1 end
    local complete
    for name, value in pairs(headers) do
        if string.lower(name) == "x-dossier-complete" then complete = value end
    end
    if complete ~= "true" then incomplete = incomplete + 1 end
    if stop_after > 0 and responses >= stop_after then wrk.thread:stop() end
end

function done(summary, latency, requests)
    local total_responses, total_200, total_incomplete = 0, 0, 0
    for _, thread in ipairs(threads) do
        total_responses = total_responses + thread:get("responses")
        total_200 = total_200 + thread:get("ok200")
        total_incomplete = total_incomplete + thread:get("incomplete")
    end
    io.write(string.format("lua responses: %d\n", total_responses))
    if report_200 then io.write(string.format("lua status 200: %d\n", total_200)) end
    io.write(string.format("lua incomplete: %d\n", total_incomplete))
end
LUA
}

# --- wrk runs and parsing ----------------------------------------------------------------------

# A wrk duration ("10s", "2m") in whole seconds, for time bounds (anything in ms counts as 1 s).
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

# run_wrk OUTPUT CONNECTIONS DURATION URL SCRIPT [ARG...]: one wrk run (THREADS threads,
# WRK_TIMEOUT, --latency), ARGs passed to the Lua script after `--`. `timeout` bounds wrk even if it
# hangs. The subshell then notes wrk's exit status and CPU ticks (its children's cutime+cstime:
# timeout, and through it wrk) in OUTPUT.meta. A failed run is logged with its output (its last
# WRK_FAILURE_LINES lines if set).
run_wrk() {
    local output=$1 connections=$2 duration=$3 url=$4 script=$5; shift 5
    local limit=$(( $(to_seconds "$duration") + 30 )) script_args=() rc
    (( $# == 0 )) || script_args=(-- "$@")
    (
        set +e
        timeout --kill-after=5 "$limit" wrk -t "$THREADS" -c "$connections" -d "$duration" \
            --timeout "$WRK_TIMEOUT" --latency -s "$script" "$url" "${script_args[@]}" >"$output" 2>&1
        rc=$?
        read -r line <"/proc/$BASHPID/stat"
        line=${line##*) }
        read -r -a f <<<"$line"
        echo "$rc $(( f[13] + f[14] ))" >"$output.meta"
    )
    read -r rc _ <"$output.meta"
    [[ $rc != 0 ]] || return 0
    if [[ -n ${WRK_FAILURE_LINES:-} ]]; then
        log "wrk exited with status $rc"; tail -n "$WRK_FAILURE_LINES" "$output" >&2
    else
        log "wrk exited with status $rc (output follows)"; cat "$output" >&2
    fi
}

# wrk prints its "Socket errors: ..." and "Non-2xx or 3xx responses: N" lines only when the counts
# are non-zero. Sets W_CONNECT W_READ W_WRITE W_TIMEOUT, W_SOCKET (their sum), W_NON2XX,
# W_SOCKET_KINDS (the non-zero socket kinds, e.g. "read 3, timeout 2"; "" if none), W_ERRORS
# (socket + non-2xx) and W_ERROR_TEXT ("0", or the total and its kinds: "12 (timeout 10, non-2xx 2)").
parse_wrk_errors() {
    local file=$1
    read -r W_CONNECT W_READ W_WRITE W_TIMEOUT < <(sed -n \
        's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' \
        "$file") || true
    W_NON2XX=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$file")
    W_CONNECT=${W_CONNECT:-0} W_READ=${W_READ:-0} W_WRITE=${W_WRITE:-0} W_TIMEOUT=${W_TIMEOUT:-0}
    W_NON2XX=${W_NON2XX:-0}
    W_SOCKET=$(( W_CONNECT + W_READ + W_WRITE + W_TIMEOUT ))
    W_ERRORS=$(( W_SOCKET + W_NON2XX ))
    W_SOCKET_KINDS=""
    (( W_CONNECT == 0 )) || W_SOCKET_KINDS+=", connect $W_CONNECT"
    (( W_READ == 0 ))    || W_SOCKET_KINDS+=", read $W_READ"
    (( W_WRITE == 0 ))   || W_SOCKET_KINDS+=", write $W_WRITE"
    (( W_TIMEOUT == 0 )) || W_SOCKET_KINDS+=", timeout $W_TIMEOUT"
    W_SOCKET_KINDS=${W_SOCKET_KINDS#, }
    local kinds=$W_SOCKET_KINDS
    (( W_NON2XX == 0 )) || kinds+="${kinds:+, }non-2xx $W_NON2XX"
    W_ERROR_TEXT=$W_ERRORS
    [[ -z $kinds ]] || W_ERROR_TEXT+=" ($kinds)"
}

# parse_wrk FILE INCOMPLETE_LABEL: what a run with write_wrk_script's Lua printed. Sets W_RPS
# (rounded; "" if wrk printed none), W_P50 W_P99 (wrk's text, e.g. "32.83ms"), W_REQUESTS,
# W_RESPONSES W_200 W_INCOMPLETE ("" where the Lua printed none) and, as parse_wrk_errors, the
# errors; W_ERROR_TEXT gets "; INCOMPLETE_LABEL N" when dossiers were incomplete.
parse_wrk() {
    local file=$1 incomplete_label=$2
    W_RPS=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$file")
    W_P50=$(awk '$1 == "50%" {print $2}' "$file")
    W_P99=$(awk '$1 == "99%" {print $2}' "$file")
    W_REQUESTS=$(awk '/ requests in / {print $1}' "$file")
    W_RESPONSES=$(awk '/^lua responses:/ {print $3}' "$file")
    W_200=$(awk '/^lua status 200:/ {print $4}' "$file")
    W_INCOMPLETE=$(awk '/^lua incomplete:/ {print $3}' "$file")
    parse_wrk_errors "$file"
    [[ ${W_INCOMPLETE:-0} == 0 ]] || W_ERROR_TEXT+="; $incomplete_label ${W_INCOMPLETE}"
}

# --- CPU accounting ----------------------------------------------------------------------------

# stat_ticks PID A B: the sum of fields A and B of /proc/PID/stat, counted after the ") " that ends
# the command name (which may contain spaces); 0 if the process is gone.
stat_ticks() {
    local line
    line=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    awk -v a="$2" -v b="$3" '{sub(/^.*\) /, ""); print $a + $b}' <<<"$line"
}
process_ticks() { stat_ticks "$1" 12 13; }      # utime+stime of a process (all its threads)

# The machine's CPU ticks from /proc/stat as "total busy steal": busy = user + nice + system + irq
# + softirq, as loopback TCP runs largely in softirq; steal (the hypervisor's) separately.
machine_ticks() { awk '$1 == "cpu" {print $2+$3+$4+$5+$6+$7+$8+$9, $2+$3+$4+$7+$8, $9; exit}' /proc/stat; }

# --- exchange-gateway checks -------------------------------------------------------------------

# Error lines the gateway logged: a run whose gateway logged errors is not a clean run.
gateway_error_lines() { grep -c '"level":"error"' "$1" || true; }

# verify_audit PUBKEY DIR: `exchange-gateway audit verify` on the log the gateway left, bounded by
# VERIFY_TIMEOUT_S. Sets VERIFY_OUTPUT (what it printed) and returns its status.
verify_audit() {
    VERIFY_OUTPUT=$(timeout "$VERIFY_TIMEOUT_S" "$BIN/exchange-gateway" audit verify --public-key "$1" "$2" 2>&1)
}

# --- reports -----------------------------------------------------------------------------------

# The CPU model for a report's machine line ("" if /proc/cpuinfo names none).
cpu_model() { awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo; }

# machine_line WHO: the report line saying what ran on which machine; WHO shares its cores.
machine_line() {
    local cpu
    cpu=$(cpu_model)
    echo "- machine: nproc=$(nproc), ${cpu:-unknown CPU}, kernel $(uname -r); $1 share these cores"
}

# The collapsed raw-output section that ends a report. Each ENTRY is a wrk output file (shown
# under its file name) or "LABEL|FILE".
print_raw_outputs() {
    local entry
    echo "<details><summary>raw wrk output</summary>"
    echo
    for entry in "$@"; do
        if [[ $entry == *"|"* ]]; then echo "\`${entry%%|*}\`"; else echo "\`$(basename "$entry")\`"; fi
        echo '```'
        cat "${entry#*|}"
        echo '```'
    done
    echo "</details>"
}

# publish_report NAME MARKER WRITER [ARG...]: `WRITER STAMP FILE ARG...` writes the report into a
# .tmp first (gitignored), so that an interrupted run never leaves half a report; it then becomes
# bench/results/NAME-<UTC>.md and is printed up to the line matching MARKER (the long raw sections
# stay in the file only).
publish_report() {
    local name=$1 marker=$2 writer=$3 stamp results
    shift 3
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    results="bench/results/$name-$stamp.md"
    "$writer" "$stamp" "$results.tmp" "$@"
    mv "$results.tmp" "$results"
    sed "/$marker/,\$d" "$results"
    log "written to $results"
}
