#!/usr/bin/env bash
# What one dossier costs the gateway in instructions and system calls, per thread, over a fixed
# number of dossier requests: a count, not a time, so it holds on a machine whose two cores are
# shared (the CPU-time figures of profile.sh move with everyone else's load; these do not).
#
#   1. instructions: the release gateway runs under valgrind's callgrind, one profile per thread;
#      after WARMUP dossiers the counters are zeroed, DOSSIERS dossiers are asked for, the counters
#      are dumped. Each thread is put in a group by what ran on it (the event loops, which run
#      libmicrohttpd, libcurl and the requests' tasks; the audit writer; the rest: main and the
#      global task threads; an older build's curl thread and libmicrohttpd threads apart).
#   2. system calls (SYSCALLS=1, the default): the same gateway runs natively; after the warm-up
#      its threads' context switches are read from /proc over DOSSIERS dossiers (voluntary ones are
#      a thread going to sleep and being woken); then `strace -f` attaches to all its threads for
#      DOSSIERS more dossiers, and the calls are counted per thread and kind (epoll_ctl, epoll_wait,
#      eventfd reads and writes, futex, socket I/O); threads are told apart by what they do (the
#      event loops send the upstream GETs and the answers).
#
# Both divide by the dossiers asked for; every answer must be 200 and complete, else the run fails.
# The client is a small Python loop (CONNECTIONS keep-alive connections, a different property per
# request), so the count is exact; its own cost is not measured. Loopback only, bounded in time.
#
# Usage: bench/instructions.sh
# Env:   DOSSIERS     measured dossiers (default 300)
#        WARMUP       dossiers before measuring (default 60): connections opened, caches warm
#        CONNECTIONS  client connections, each asking one dossier after another (default 8)
#        STUB         nginx (default): the neutral stub, a different property per request (nothing
#                     coalesced or cached); swift: department-stubs, round-robin over its 7 ids
#        BODIES       fixtures (default) or small: what the nginx stub serves (bench/nginx.sh)
#        GATEWAY_BIN  measure this exchange-gateway binary instead of building the worktree's (e.g.
#                     a copy of an older build, to compare before and after)
#        SYSCALLS     1 (default) also counts system calls; 0 skips that pass
#        CALLGRIND    1 (default) counts instructions; 0 skips that pass
#        PROFILE_DIR  keep the measured per-thread profiles there (read them with callgrind_annotate);
#                     the curl thread's hottest functions are printed either way
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/nginx.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly DOSSIERS=${DOSSIERS:-300} WARMUP=${WARMUP:-60} CONNECTIONS=${CONNECTIONS:-8}
readonly STUB=${STUB:-nginx} SYSCALLS=${SYSCALLS:-1} CALLGRIND=${CALLGRIND:-1}
readonly HOST=127.0.0.1
readonly GATEWAY_PORT=18780 LAND_PORT=19701 TAX_PORT=19702 HOUSE_PORT=19703
readonly BIN=.build-bench/release SCRATCH=.build-bench
readonly READY_TIMEOUT_S=120                     # a Swift binary starts slowly under valgrind
readonly CLIENT_TIMEOUT_S=600
[[ $STUB == nginx || $STUB == swift ]] || die "STUB must be nginx or swift"
(( DOSSIERS > 0 && WARMUP >= 0 && CONNECTIONS > 0 )) || die "DOSSIERS and CONNECTIONS must be > 0"
TMP=$(mktemp -d -t exchange-gateway-instructions.XXXXXX)
chmod 0755 "$TMP"                                # nginx workers run as nobody and read fixtures here
NOFILE=$(ulimit -n)
STUBS_PID="" GATEWAY="" STRACE=""
stop_started() {
    stop_process "$STRACE"; stop_process "$GATEWAY"
    if [[ $STUB == nginx && -n $STUBS_PID ]]; then stop_nginx "$TMP/stub" "$STUBS_PID"; else stop_process "$STUBS_PID"; fi
}
LOG_TAILS=("gateway*.log" "stub/error.log")
install_cleanup "interrupted"

require_tools valgrind callgrind_control python3 curl cc
(( SYSCALLS == 0 )) || require_tools strace
[[ $STUB == swift ]] || [[ -f /usr/lib/nginx/modules/ngx_http_echo_module.so ]] \
    || apt-get install -y -qq nginx libnginx-mod-http-echo >/dev/null
build_release >/dev/null
GATEWAY_BIN=${GATEWAY_BIN:-$BIN/exchange-gateway}
[[ -x $GATEWAY_BIN ]] || die "no gateway binary at $GATEWAY_BIN"
for port in "$GATEWAY_PORT" "$LAND_PORT" "$TAX_PORT" "$HOUSE_PORT"; do require_port_free "$port"; done

if [[ $STUB == nginx ]]; then
    copy_stub_fixtures LA2023001 "${BODIES:-fixtures}"
    start_nginx_stub STUBS_PID "$TMP/stub" 0 0 0
else
    start_department_stubs STUBS_PID land=0,tax=0,house=0 "$TMP/stubs.log"
fi

# ask PHASE COUNT: COUNT dossiers over CONNECTIONS keep-alive connections; fails unless every
# answer is 200 with X-Dossier-Complete: true. PHASE keeps the ids of each phase apart.
ask() {
    timeout "$CLIENT_TIMEOUT_S" python3 - "$HOST" "$GATEWAY_PORT" "$1" "$2" "$CONNECTIONS" "$STUB" "$DEMO_API_KEY" <<'PY'
import collections, http.client, sys, threading
host, port, phase, count, connections, stub, key = sys.argv[1:]
port, count, connections = int(port), int(count), int(connections)
fixtures = ["LA2023001", "LA2023002", "LA2023003", "LA2023004",
            "341502001001GB00001F00010001", "341503002003GB00012F00020003", "341522001004GB00045F00010002"]
headers = {"Authorization": f"Bearer {key}", "X-Purpose": "instruction-count"}
outcomes = collections.Counter()
lock = threading.Lock()

def work(worker):
    connection = http.client.HTTPConnection(host, port, timeout=120)
    for n in range(worker, count, connections):
        pid = fixtures[n % len(fixtures)] if stub == "swift" else f"LA{phase}{n:09d}"
        connection.request("GET", f"/v1/properties/{pid}/dossier", headers=headers)
        response = connection.getresponse()
        response.read()
        complete = response.getheader("X-Dossier-Complete") == "true"
        with lock:
            outcomes[(response.status, complete)] += 1
    connection.close()

threads = [threading.Thread(target=work, args=(w,)) for w in range(connections)]
for thread in threads: thread.start()
for thread in threads: thread.join()
if outcomes != collections.Counter({(200, True): count}):
    sys.exit(f"answers other than 200 complete: {dict(outcomes)}")
PY
}

start_gateway() {    # LOG [WRAPPER...]: the gateway, behind WRAPPER if given; waits until ready
    local logfile=$1; shift
    "$@" "$GATEWAY_BIN" serve --config "$TMP/gateway.json" >"$logfile" 2>&1 &
    GATEWAY=$!
    wait_for_http "http://$HOST:$GATEWAY_PORT/readyz" "$GATEWAY" exchange-gateway
}

# --- pass 1: instructions per thread ------------------------------------------------------------
if (( CALLGRIND == 1 )); then
# valgrind 3.19 (bookworm) writes into the signal mask handed to sigsuspend, and libdispatch's main
# thread (dispatchMain, which `serve` parks in) hands it one in read-only memory: valgrind dies of
# SIGSEGV at start. A preloaded sigsuspend that passes a copy keeps valgrind alive; the gateway's
# own code is not changed by it.
cat >"$TMP/sigsuspend-copy.c" <<'C'
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
C
cc -shared -fPIC -O2 -o "$TMP/sigsuspend-copy.so" "$TMP/sigsuspend-copy.c"
write_gateway_config "$TMP/gateway.json" "audit.path=$TMP/audit1/audit.jsonl"
log "callgrind: $WARMUP warm-up + $DOSSIERS measured dossiers, $CONNECTIONS connections, $STUB stub"
start_gateway "$TMP/gateway-callgrind.log" env LD_PRELOAD="$TMP/sigsuspend-copy.so" valgrind --tool=callgrind --separate-threads=yes --dump-instr=no \
    --callgrind-out-file="$TMP/cg.out"
(( WARMUP == 0 )) || ask 1 "$WARMUP"
callgrind_control --zero "$GATEWAY" >/dev/null
ask 2 "$DOSSIERS"
callgrind_control --dump=measured "$GATEWAY" >/dev/null
stop_process "$GATEWAY"; GATEWAY=""

# The dump of the measured part is the first numbered one: cg.out.1-<thread>.
# Which of the gateway's threads a profile is, from what only that kind of thread calls: MHD_run
# (an event loop, which drives libmicrohttpd and libcurl), libcurl's socket interface without it
# (an older build's curl thread), fsync (the audit writer), epoll_wait without either (an older
# build's libmicrohttpd threads); main and the global task threads are the rest.
group_of() {    # FILE
    if grep -Eq 'fn=\([0-9]+\) MHD_run$' "$1"; then echo "event loops"
    elif grep -q 'curl_multi_socket_action' "$1"; then echo "curl thread"
    elif grep -Eq 'fn=\([0-9]+\) (fsync|fdatasync)$' "$1"; then echo "audit writer"
    elif grep -Eq 'fn=\([0-9]+\) epoll_wait$' "$1"; then echo "libmicrohttpd threads"
    else echo "the rest (task threads, main)"; fi
}
declare -A INSTRUCTIONS=()
total=0
for file in "$TMP"/cg.out.1-*; do
    [[ -f $file ]] || die "callgrind wrote no per-thread dump"
    count=$(awk '/^(summary|totals):/ {print $2; exit}' "$file")
    group=$(group_of "$file")
    INSTRUCTIONS[$group]=$(( ${INSTRUCTIONS[$group]:-0} + ${count:-0} ))
    total=$(( total + ${count:-0} ))
done

if [[ -n ${PROFILE_DIR:-} ]]; then mkdir -p "$PROFILE_DIR" && cp "$TMP"/cg.out.1-* "$PROFILE_DIR"/; fi

echo "gateway: $GATEWAY_BIN   stub: $STUB   dossiers: $DOSSIERS (after $WARMUP)   connections: $CONNECTIONS"
echo "--- instructions per dossier (callgrind, user space)"
for group in "event loops" "curl thread" "libmicrohttpd threads" "audit writer" "the rest (task threads, main)"; do
    [[ -n ${INSTRUCTIONS[$group]:-} ]] || continue
    printf '%10d  %s\n' $(( ${INSTRUCTIONS[$group]:-0} / DOSSIERS )) "$group"
done
printf '%10d  all threads\n' $(( total / DOSSIERS ))
echo "--- the hottest functions of the threads running libcurl (self, instructions per dossier)"
for file in "$TMP"/cg.out.1-*; do
    [[ $(group_of "$file") == "curl thread" || $(group_of "$file") == "event loops" ]] || continue
    # Self cost per function from the profile's cost lines (a line after `calls=` is the callee's
    # inclusive cost, not the caller's own); names are defined once per file as "(id) name", and
    # a function without a symbol (libcurl's static ones) is named after its object file.
    python3 - "$file" "$DOSSIERS" <<'PY' | swift demangle --simplified | cut -c1-130
import collections, os, re, sys
path, dossiers = sys.argv[1], int(sys.argv[2])
names, objects, own = {}, {}, collections.Counter()
def name(table, spec):
    match = re.match(r"\((\d+)\)(?: (.*))?", spec)
    if match.group(2) is not None: table[match.group(1)] = match.group(2)
    return table.get(match.group(1), match.group(1))
function, obj, after_call = None, "", False
for line in open(path):
    line = line.rstrip("\n")
    if line.startswith("ob="): obj = name(objects, line[3:])
    elif line.startswith("fn="):
        function = name(names, line[3:])
        if function.startswith("0x"): function = f"{os.path.basename(obj)}+{function}"
        after_call = False
    elif line.startswith("cfn="): name(names, line[4:])
    elif line.startswith("cob="): name(objects, line[4:])
    elif line.startswith("calls="): after_call = True
    elif function and line[:1] and (line[0].isdigit() or line[0] in "+-*"):
        if after_call: after_call = False
        else: own[function] += int(line.split()[1])
for function, count in own.most_common(20): print(f"{count // dossiers:10d}  {function}")
PY
done

fi

# --- pass 2: system calls per thread ------------------------------------------------------------
(( SYSCALLS == 1 )) || exit 0
write_gateway_config "$TMP/gateway.json" "audit.path=$TMP/audit2/audit.jsonl"
log "strace: $WARMUP warm-up + $DOSSIERS measured dossiers"
start_gateway "$TMP/gateway-native.log"
(( WARMUP == 0 )) || ask 3 "$WARMUP"
# Context switches of every thread over DOSSIERS dossiers, before strace (whose stops switch too).
context_switches() {    # prints "NAME VOLUNTARY INVOLUNTARY" per thread, its name without trailing digits
    for task in /proc/"$GATEWAY"/task/*; do
        awk -v name="$(tr -d '0-9' <"$task/comm" | sed 's/-$//')" \
            '/^voluntary_ctxt_switches/ {v=$2} /^nonvoluntary_ctxt_switches/ {n=$2} END {print name, v, n}' "$task/status"
    done
}
cpu_nanoseconds() {    # time on a CPU of all the process's threads so far, user and kernel (schedstat's first field)
    cat /proc/"$GATEWAY"/task/*/schedstat | awk '{sum += $1} END {printf "%d\n", sum}'
}
context_switches >"$TMP/switches-before"
cpu_before=$(cpu_nanoseconds)
ask 5 "$DOSSIERS"
cpu_after=$(cpu_nanoseconds)
context_switches >"$TMP/switches-after"
echo "--- CPU time per dossier, user and kernel (/proc schedstat, the same dossiers; unlike the counts it moves with the machine's load): $(( (cpu_after - cpu_before) / DOSSIERS / 1000 )) µs"
echo "--- context switches per dossier (/proc, without strace): voluntary (slept and was woken), involuntary"
awk -v n="$DOSSIERS" 'FNR == NR {v[$1] -= $2; i[$1] -= $3; next} {v[$1] += $2; i[$1] += $3}
    END {for (name in v) {printf "%-18s %9.2f %9.2f\n", name, v[name] / n, i[name] / n; tv += v[name]; ti += i[name]}
         printf "%-18s %9.2f %9.2f\n", "all threads", tv / n, ti / n}' "$TMP/switches-before" "$TMP/switches-after"
strace -f -qq -ff -o "$TMP/st" -e trace=epoll_ctl,epoll_wait,epoll_pwait,read,write,futex,sendto,recvfrom,sendmsg,recvmsg,writev,fsync,fdatasync \
    -p "$GATEWAY" 2>"$TMP/strace.log" &
STRACE=$!
# strace attaches to the threads one by one: wait until every thread has its file.
for _ in $(seq 100); do
    threads=$(ls "/proc/$GATEWAY/task" | wc -l)
    (( $(ls "$TMP"/st.* 2>/dev/null | wc -l) >= threads )) && break
    sleep 0.1
done
ask 4 "$DOSSIERS"
kill -INT "$STRACE" 2>/dev/null || true
wait "$STRACE" 2>/dev/null || true
STRACE=""

echo "--- system calls per dossier (strace; eventfd reads/writes are reads/writes of 8 bytes)"
printf '%-18s %9s %9s %9s %9s %9s %9s\n' thread epoll_ctl epoll_wait "efd read" "efd write" futex "socket io"
# Threads are told apart by what they do, not by name (Foundation may lose a thread's name): the
# event loops send the upstream GETs and the answers (an older build's curl thread only the GETs),
# the audit writer syncs, an older build's libmicrohttpd threads wait in epoll; the rest are task
# threads and main.
declare -A ROWS=()
for file in "$TMP"/st.*; do
    if grep -q '^sendto([0-9]*, "GET ' "$file" && grep -Eq '^(sendto|sendmsg|writev)\(.*HTTP/1\.1 ' "$file"; then group="event loops"
    elif grep -q '^sendto([0-9]*, "GET ' "$file"; then group="curl thread"
    elif grep -Eq '^f(data)?sync\(' "$file"; then group="audit writer"
    elif grep -Eq '^epoll_(p)?wait\(' "$file"; then group="MHD threads"
    else group="other"; fi
    ROWS[$group]+="$file "
done
for group in "event loops" "curl thread" "MHD threads" "audit writer" other; do
    [[ -n ${ROWS[$group]:-} ]] || continue
    # shellcheck disable=SC2086
    cat ${ROWS[$group]} | awk -v n="$DOSSIERS" -v g="$group" '
        /^epoll_ctl\(/ { ctl++ }
        /^epoll_(p)?wait\(/ { wait++ }
        /^read\(.*, 8\) += 8$/ { er++ }
        /^write\(.*, 8\) += 8$/ { ew++ }
        /^futex\(/ { fx++ }
        /^(sendto|recvfrom|sendmsg|recvmsg|writev)\(/ { io++ }
        END { printf "%-18s %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f\n", g, ctl/n, wait/n, er/n, ew/n, fx/n, io/n }'
done
