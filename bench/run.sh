#!/usr/bin/env bash
# Peer comparison of GET /v1/properties/{id}/dossier (issue #6).
#
# Starts, on loopback only, upstream department stubs with a configurable latency per source
# (nginx serving the LA2023001 fixtures after an echo_sleep, or our department-stubs), and one at
# a time the gateways under test, all doing the same fan-out over land, tax and house:
#
#   exchange-gateway  release build (.build-bench), audit ON (fsync, signed checkpoints), clerk
#                     views ON, config derived from config/gateway.json
#   nginx-lua         nginx + lua-nginx-module, ngx.location.capture_multi over keep-alive upstreams
#   go                Go net/http, a goroutine per source, one shared http.Transport
#   flask             the seed's design: Flask's threaded built-in server, sequential requests.get
#
# and drives each with the same wrk script (by default every request for a different property,
# so that nobody can coalesce upstream calls) in four scenarios:
#
#   S1  upstreams 0 ms                                   c=64
#   S2  land 40 / tax 60 / house 80 ms                   c=256
#   S3  all 100 ms                                       c=4096
#   S4  land 40 / house 80 ms, tax answers only after 5 s (every gateway times it out at 1 s), c=256
#
# flask is capped at c=64 and 10 s per run (marked in the table). Records dossiers/s, p50/p99/p99.9,
# socket errors and non-2xx, peak RSS of the gateway's process tree, the CPU split between the
# gateway, the stub, wrk and everything else, and exchange-gateway's throughput ÷ each peer's.
# Writes bench/results/peers-<UTC>.md and prints it (up to the raw sections).
#
# Usage:   bench/run.sh
# Env:     BENCH_DURATION  measured wrk duration per run (default 10s), after BENCH_WARMUP (default 2s)
#          STUB            nginx (default) or swift (our department-stubs) for the main runs
#          BODIES          fixtures (default): the nginx stub serves LA2023001's records (about 1 KB each);
#                          small: three scalar fields of each (about 100 bytes; see bench/nginx.sh)
#          ID_MODE         unique (default; with STUB=swift: fixtures) | single | fixtures: which property
#                          each request asks for (see bench/peers/wrk/dossier.lua)
#          SANITY          1 (default): with STUB=nginx and unique ids, three more exchange-gateway runs
#                          with every request for the same id (its coalescing best case): S2 and S3 on
#                          the nginx stub, S2 on department-stubs (does the stub change the picture?)
#          SCENARIOS       subset, e.g. "S1 S4" (default "S1 S2 S3 S4")
#          PEERS           subset/order (default "exchange-gateway nginx-lua go flask")
#          BENCH_MAX_MINUTES  watchdog for the whole script (default 60)
# Exit:    0 if every gateway answered its check, stayed up, stopped cleanly and (exchange-gateway)
#          left an audit log that verifies; 1 otherwise. The report is written either way.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/nginx.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
SCRIPT_START=$SECONDS

# --- settings ------------------------------------------------------------------------------

readonly HOST=127.0.0.1                          # loopback only; nothing here talks to another host
readonly LAND_PORT=19501 TAX_PORT=19502 HOUSE_PORT=19503   # not quick.sh's 191xx nor audit-fsync's 193xx
readonly GATEWAY_PORT=18580 LUA_PORT=18581 GO_PORT=18582 FLASK_PORT=18583
readonly PURPOSE=peer-bench                     # X-Purpose; the key is lib.sh's DEMO_API_KEY

readonly DURATION=${BENCH_DURATION:-10s}
readonly WARMUP=${BENCH_WARMUP:-2s}
readonly STUB=${STUB:-nginx}
readonly BODIES=${BODIES:-fixtures}
readonly SANITY=${SANITY:-1}
# Which property each request asks for (bench/peers/wrk/dossier.lua): unique ids by default, so
# that no gateway can coalesce identical upstream calls; department-stubs only knows its fixtures.
if [[ $STUB == swift ]]; then ID_MODE=${ID_MODE:-fixtures}; else ID_MODE=${ID_MODE:-unique}; fi
readonly ID_MODE
readonly THREADS=2
readonly WRK_TIMEOUT=5s
readonly SOURCE_TIMEOUT_MS=1000                  # every gateway, every scenario
readonly FLASK_MAX_CONNECTIONS=64
readonly FLASK_MAX_DURATION_S=10
readonly FOREIGN_WRK_WAIT_S=300                  # wait at most this long for someone else's wrk
readonly QUIET_CPU_PCT=${QUIET_CPU_PCT:-25}      # others' CPU (% of all cores) above which we wait before a run
readonly QUIET_WAIT_S=${QUIET_WAIT_S:-120}       # ... for at most this long per run
readonly QUIET_BUDGET_S=${QUIET_BUDGET_S:-900}   # ... and this long over the whole script
readonly MAX_MINUTES=${BENCH_MAX_MINUTES:-60}
readonly READY_TIMEOUT_S=20
readonly VERIFY_TIMEOUT_S=180
readonly STOP_GRACE_S=10                         # SIGTERM, then SIGKILL after this (the gateway drains for up to 5 s)
readonly FIXTURE_ID=LA2023001

read -r -a SCENARIO_LIST <<<"${SCENARIOS:-S1 S2 S3 S4}"
read -r -a PEER_LIST <<<"${PEERS:-exchange-gateway nginx-lua go flask}"

# Scenario -> "land tax house" latency in ms (tax 5000 = answers only after 5 s), connections, label.
declare -A SC_LATENCY=([S1]="0 0 0" [S2]="40 60 80" [S3]="100 100 100" [S4]="40 5000 80")
declare -A SC_CONNECTIONS=([S1]=64 [S2]=256 [S3]=4096 [S4]=256)
declare -A SC_LABEL=(
    [S1]="S1: upstreams 0 ms, c=64"
    [S2]="S2: land 40 / tax 60 / house 80 ms, c=256"
    [S3]="S3: all upstreams 100 ms, c=4096"
    [S4]="S4: land 40 / house 80 ms, tax silent for 5 s (1 s source timeout), c=256"
)
declare -A PEER_PORT=([exchange-gateway]=$GATEWAY_PORT [nginx-lua]=$LUA_PORT [go]=$GO_PORT [flask]=$FLASK_PORT)

[[ $STUB == nginx || $STUB == swift ]] || { echo "run.sh: STUB must be nginx or swift" >&2; exit 2; }
[[ $BODIES =~ ^(fixtures|small)$ ]] || { echo "run.sh: BODIES must be fixtures or small" >&2; exit 2; }
[[ $ID_MODE =~ ^(unique|single|fixtures)$ ]] || { echo "run.sh: ID_MODE must be unique, single or fixtures" >&2; exit 2; }
[[ ! ($STUB == swift && $ID_MODE == unique) ]] || { echo "run.sh: department-stubs answers 404 to unknown ids; use ID_MODE=fixtures or single" >&2; exit 2; }
for s in "${SCENARIO_LIST[@]}"; do [[ -n ${SC_CONNECTIONS[$s]:-} ]] || { echo "run.sh: unknown scenario $s" >&2; exit 2; }; done
for p in "${PEER_LIST[@]}"; do [[ -n ${PEER_PORT[$p]:-} ]] || { echo "run.sh: unknown peer $p" >&2; exit 2; }; done

readonly SCRATCH=.build-bench
readonly PEERS_DIR=$ROOT/bench/peers

TMP=$(mktemp -d -t exchange-gateway-peers.XXXXXX)
chmod 0755 "$TMP"                                # nginx workers run as nobody and read files here
BIN=$TMP/bin
FAILED=0
NOFILE=0

# Everything we start, so that the trap can stop it.
STUB_KIND="" STUB_PID="" STUB_PREFIX=""          # nginx stub: prefix dir holds nginx.conf + nginx.pid
PEER_KIND="" PEER_PID="" PEER_PREFIX=""
SAMPLER_PID=""
WATCHDOG_PID=""

# How bench/lib.sh's helpers behave here: timestamped log lines (runs take minutes), a gateway
# that does not come up is a failed row rather than the end of the script, and cleanup shows 15
# lines of every log, honours KEEP_TMP=1 and reports the total time; wrk failures show 5 lines.
LOG_CLOCK=1
NOT_READY=log
LOG_TAILS=("*/*.log" "*.log") LOG_TAIL_LINES=15
KEEP_TMP_ALLOWED=1
WRK_FAILURE_LINES=5

# --- process management (is_alive, stop_process, cleanup: bench/lib.sh) -------------------------

stop_sampler() {
    if [[ -n $SAMPLER_PID ]]; then
        kill -TERM "$SAMPLER_PID" 2>/dev/null || true
        wait "$SAMPLER_PID" 2>/dev/null || true
        SAMPLER_PID=""
    fi
}

stop_peer() {
    STOP_STATUS=0
    [[ -n $PEER_PID ]] || return 0
    if [[ $PEER_KIND == nginx-lua ]]; then stop_nginx "$PEER_PREFIX" "$PEER_PID"; else stop_process "$PEER_PID"; fi
    PEER_PID="" PEER_KIND="" PEER_PREFIX=""
}

stop_stub() {
    [[ -n $STUB_PID ]] || return 0
    if [[ $STUB_KIND == nginx ]]; then stop_nginx "$STUB_PREFIX" "$STUB_PID"; else stop_process "$STUB_PID"; fi
    STUB_PID="" STUB_KIND="" STUB_PREFIX=""
}

# What cleanup (bench/lib.sh) stops first, and what it says last.
stop_started() {
    stop_sampler
    stop_peer || true
    stop_stub || true
    if [[ -n $WATCHDOG_PID ]]; then kill -TERM "$WATCHDOG_PID" 2>/dev/null || true; wait "$WATCHDOG_PID" 2>/dev/null || true; fi
}
after_cleanup() { log "total time $(( SECONDS - SCRIPT_START )) s"; }
install_cleanup interrupted

# The whole script is bounded: after MAX_MINUTES the watchdog sends us SIGTERM (-> cleanup).
start_watchdog() {
    (
        sleep "$(( MAX_MINUTES * 60 ))" &
        sleeper=$!
        trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
        wait "$sleeper" && kill -TERM $$ 2>/dev/null
    ) &
    WATCHDOG_PID=$!
}

# --- someone else's load ---------------------------------------------------------------------

# Is PID a descendant of this script?
is_ours() {
    local pid=$1 parent
    while [[ -n $pid && $pid != 0 && $pid != 1 ]]; do
        [[ $pid == "$$" ]] && return 0
        parent=$(awk '{sub(/^.*\) /, ""); print $2}' "/proc/$pid/stat" 2>/dev/null) || return 1
        pid=$parent
    done
    return 1
}

foreign_wrk() {
    local pid found=""
    for pid in $(pgrep -x wrk || true); do is_ours "$pid" || found+="$pid "; done
    echo "$found"
}

# Another engineer may load-test on this machine: wait (bounded) while a wrk that is not ours runs.
# Sets WAITED_S and FOREIGN_AT_START ("" if none was left when we started).
wait_for_quiet() {
    local start=$SECONDS others
    WAITED_S=0 FOREIGN_AT_START=""
    others=$(foreign_wrk)
    [[ -n $others ]] || return 0
    if [[ -n $others ]]; then
        log "another wrk is running (pid $others); waiting up to ${FOREIGN_WRK_WAIT_S}s"
        while [[ -n $others ]] && (( SECONDS - start < FOREIGN_WRK_WAIT_S )); do
            sleep 2
            others=$(foreign_wrk)
        done
        [[ -z $others ]] || log "another wrk is still running after ${FOREIGN_WRK_WAIT_S}s; measuring anyway (run marked)"
    fi
    WAITED_S=$(( SECONDS - start ))
    FOREIGN_AT_START=$others
}

# Builds and tests of other engineers move the numbers on 2 cores far more than anything we
# compare. Before each measured run, sample 1 s of /proc/stat: busy ticks minus the gateway's and
# the stub's (idle or finishing warm-up requests) = everybody else. While that is above
# QUIET_CPU_PCT, wait (bounded per run and over the whole script); then measure anyway and mark
# the row. Sets CPU_WAITED_S and CPU_NOTE.
CPU_WAITED_TOTAL=0
others_busy_pct() {
    local m0 m1 p0 p1 s0 s1
    m0=$(machine_ticks) p0=$(tree_ticks "$PEER_PID") s0=$(tree_ticks "$STUB_PID")
    sleep 1
    m1=$(machine_ticks) p1=$(tree_ticks "$PEER_PID") s1=$(tree_ticks "$STUB_PID")
    awk -v a="$m0" -v b="$m1" -v ours=$(( p1 - p0 + s1 - s0 )) 'BEGIN {
        split(a, x, " "); split(b, y, " "); total = y[1] - x[1]; if (total <= 0) total = 1
        other = y[2] - x[2] - ours; if (other < 0) other = 0; printf "%.0f", 100 * other / total }'
}
wait_for_cpu() {
    local start=$SECONDS pct limit
    CPU_NOTE=""
    limit=$(( QUIET_BUDGET_S - CPU_WAITED_TOTAL )); (( limit < QUIET_WAIT_S )) || limit=$QUIET_WAIT_S
    pct=$(others_busy_pct)
    if (( pct > QUIET_CPU_PCT )); then
        log "other processes use ${pct}% of the CPU; waiting up to ${limit}s for them to drop to ${QUIET_CPU_PCT}%"
        while (( pct > QUIET_CPU_PCT && SECONDS - start < limit )); do
            sleep 3
            pct=$(others_busy_pct)
        done
        (( pct <= QUIET_CPU_PCT )) || { CPU_NOTE="others used ${pct}% CPU just before the run"; log "measuring anyway: $CPU_NOTE"; }
    fi
    CPU_WAITED_S=$(( SECONDS - start - 1 ))
    (( CPU_WAITED_S >= 0 )) || CPU_WAITED_S=0
    CPU_WAITED_TOTAL=$(( CPU_WAITED_TOTAL + CPU_WAITED_S ))
}

# --- setup -----------------------------------------------------------------------------------

CJSON_DIR=""
ensure_tools() {
    local missing=()
    command -v nginx >/dev/null || missing+=(nginx)
    [[ -e /usr/lib/nginx/modules/ngx_http_lua_module.so ]] || missing+=(libnginx-mod-http-lua)
    [[ -e /usr/lib/nginx/modules/ngx_http_echo_module.so ]] || missing+=(libnginx-mod-http-echo)
    compgen -G '/usr/lib/*/lua/5.1/cjson.so' >/dev/null || missing+=(lua-cjson)
    command -v go >/dev/null || missing+=(golang-go)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v curl >/dev/null || missing+=(curl)
    if (( ${#missing[@]} > 0 )); then
        log "apt-get install -y ${missing[*]}"
        timeout 600 apt-get update
        timeout 1200 apt-get install -y "${missing[@]}"
    fi
    if ! python3 -c 'import flask, requests' 2>/dev/null; then
        log "pip install flask requests"
        timeout 900 python3 -m pip install flask requests
    fi
    require_tools nginx go wrk curl python3 swift timeout ps pgrep
    CJSON_DIR=$(dirname "$(compgen -G '/usr/lib/*/lua/5.1/cjson.so' | head -n 1)")
}

raise_nofile() {
    if ! ulimit -n 65536 2>/dev/null; then
        ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
        log "could not raise open files to 65536 (hard limit $(ulimit -Hn)); using $(ulimit -n)"
    fi
    NOFILE=$(ulimit -n)
    (( NOFILE >= 16384 )) || log "warning: open files limit $NOFILE is low for c=4096 (peers hold 4 sockets per request)"
}

# Release build, then a private copy of the binaries so that a rebuild during our run cannot
# change what we measure. The gateway engineer may be building (or editing) in the same scratch
# path at the same time: a failed build, or a binary that cannot even check the shipped config,
# is retried after 60 s, up to BUILD_ATTEMPTS times.
build() {
    local attempt attempts=${BUILD_ATTEMPTS:-6}
    mkdir -p "$BIN"
    for (( attempt = 1; ; attempt++ )); do
        log "swift build -c release --scratch-path $SCRATCH (attempt $attempt of $attempts)"
        if timeout 1800 swift build -c release --scratch-path "$SCRATCH" >"$TMP/swift-build.log" 2>&1; then
            cp "$SCRATCH/release/exchange-gateway" "$SCRATCH/release/department-stubs" "$BIN/"
            if timeout 20 "$BIN/exchange-gateway" config check config/gateway.json >"$TMP/smoke.log" 2>&1 \
                    && timeout 20 "$BIN/department-stubs" --help >>"$TMP/smoke.log" 2>&1; then
                break
            fi
            log "the built exchange-gateway cannot check config/gateway.json (or department-stubs --help fails):"
            grep -v '^\s*$' "$TMP/smoke.log" | head -n 8 >&2
        else
            tail -n 20 "$TMP/swift-build.log" >&2
        fi
        (( attempt < attempts )) || die "no working release build after $attempts attempts"
        log "retrying in 60 s (someone may be building or editing the sources)"
        sleep 60
    done
    GATEWAY_SHA=$(sha256sum "$BIN/exchange-gateway" | cut -c1-16)

    log "go build (standard library only, GOPROXY=off)"
    ( cd "$PEERS_DIR/go" && GOFLAGS=-mod=mod GOPROXY=off timeout 600 go build -o "$BIN/go-peer" . ) \
        || die "go peer build failed"
    GO_VERSION=$(go version | awk '{print $3}')
    NGINX_VERSION=$(nginx -v 2>&1 | sed 's/.*nginx\///')
    PY_VERSION=$(python3 -c 'import sys, importlib.metadata as m; print("Python %s, Flask %s, requests %s" % (sys.version.split()[0], m.version("flask"), m.version("requests")))')
    WRK_VERSION=$( { wrk -v 2>&1 || true; } | awk 'NR == 1 {print $2}')

    # Files nginx workers (user nobody) must read.
    copy_stub_fixtures "$FIXTURE_ID" "$BODIES"
    cp "$PEERS_DIR/nginx-lua/dossier.lua" "$TMP/dossier-peer.lua"
    cp "$PEERS_DIR/nginx-lua/stats.lua" "$TMP/stats-peer.lua"
    chmod a+r "$TMP/dossier-peer.lua" "$TMP/stats-peer.lua"
    WRK_SCRIPT=$PEERS_DIR/wrk/dossier.lua
}

# --- upstream stubs --------------------------------------------------------------------------

# start_stubs KIND "LAND TAX HOUSE" TAG. With department-stubs, a tax delay of 5000 becomes the
# fault id LA-FAULT-TAX-TIMEOUT (never answers); see property_id_for.
start_stubs() {
    local kind=$1 tag=$3 land tax house port
    read -r land tax house <<<"$2"
    for port in "$LAND_PORT" "$TAX_PORT" "$HOUSE_PORT"; do require_port_free "$port"; done
    if [[ $kind == nginx ]]; then
        STUB_PREFIX=$TMP/stub-$tag STUB_KIND=nginx
        start_nginx_stub STUB_PID "$STUB_PREFIX" "$land" "$tax" "$house" || die "nginx stub did not start"
    else
        (( tax == 5000 )) && tax=0
        mkdir -p "$TMP/stub-$tag"
        STUB_KIND=swift STUB_PREFIX=""
        start_department_stubs STUB_PID "land=$land,tax=$tax,house=$house" "$TMP/stub-$tag/stubs.log" \
            || die "department-stubs did not start"
    fi
}

property_id_for() {     # SCENARIO STUBKIND
    if [[ $1 == S4 && $2 == swift ]]; then echo LA-FAULT-TAX-TIMEOUT; else echo "$FIXTURE_ID"; fi
}

# Each stub path answers 200 application/json with a JSON object, about as late as configured;
# the silent tax of S4 must not answer within 1.5 s.
STUB_CHECK_LINES=()
check_stubs() {
    local scenario=$1 kind=$2 id land tax house source path port delay out meta
    id=$(property_id_for "$scenario" "$kind")
    read -r land tax house <<<"${SC_LATENCY[$scenario]}"
    for source in land tax house; do
        case $source in
            land) path=/land/$id port=$LAND_PORT delay=$land ;;
            tax) path=/property-tax/$id port=$TAX_PORT delay=$tax ;;
            house) path=/house/$id port=$HOUSE_PORT delay=$house ;;
        esac
        out=$TMP/stub-check.json
        if (( delay >= 5000 )); then
            if meta=$(curl -s --max-time 1.5 -o /dev/null -w '%{http_code}' "http://$HOST:$port$path"); then
                die "$kind stub: $source answered ($meta) although it should stay silent for 5 s"
            fi
            STUB_CHECK_LINES+=("- $scenario $kind stub $source: silent for 1.5 s (as intended)")
            continue
        fi
        meta=$(curl -s --max-time 3 -o "$out" -w '%{http_code} %{time_total} %{content_type}' "http://$HOST:$port$path") \
            || die "$kind stub: $source did not answer"
        python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert isinstance(d, dict) and d' "$out" \
            || die "$kind stub: $source body is not a JSON object"
        [[ $meta =~ ^200\ [0-9.]+\ application/json ]] || die "$kind stub: $source answered '$meta'"
        STUB_CHECK_LINES+=("- $scenario $kind stub $source: $(awk '{t = $2; $1 = $2 = ""; printf "HTTP 200, %s, %.0f ms (configured %s ms)", substr($0, 3), t * 1000, d}' d="$delay" <<<"$meta")")
    done
}

# --- the gateways under test -------------------------------------------------------------------

# config/gateway.json with our ports, a 1 s timeout per source, audit (fsync + signing key) in DIR,
# and no per-address connection limit: wrk opens all of S3's 4096 connections from 127.0.0.1,
# where real clerks' desks each have their own few (the peers have no such limit either).
write_gateway_config_in() {
    local dir=$1
    write_gateway_config "$dir/gateway.json" "audit.path=$dir/audit/audit.jsonl" audit.fsync=true \
        "audit.signing_key_file=$dir/signing.key" server.per_ip_connection_limit=0
    python3 - "$dir/gateway.json" "$SOURCE_TIMEOUT_MS" <<'PY'
import json, sys
target, timeout_ms = sys.argv[1], int(sys.argv[2])
with open(target) as f:
    config = json.load(f)
for upstream in config["sources"]:
    upstream["timeout_ms"] = timeout_ms
    upstream["connect_timeout_ms"] = min(upstream.get("connect_timeout_ms", 300), timeout_ms)
server = config.setdefault("server", {})
server["connection_limit"] = max(server.get("connection_limit", 10000), 5000)   # c=4096 must fit
with open(target, "w") as f:
    json.dump(config, f, indent=2)
PY
}

write_lua_peer_conf() {
    local prefix=$1 pool=4096
    cat >"$prefix/nginx.conf" <<EOF
# Peer: nginx + lua-nginx-module, parallel subrequests over keep-alive upstream pools.
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
$(nginx_main_context "$prefix" error)
http {
    access_log off;
    default_type application/json;
$(nginx_keepalive_and_temp_paths "$prefix")
    lua_package_cpath "$CJSON_DIR/?.so;;";
    lua_shared_dict outcomes 1m;

    upstream land_upstream  { server $HOST:$LAND_PORT;  keepalive $pool; keepalive_requests 1000000; keepalive_timeout 60s; }
    upstream tax_upstream   { server $HOST:$TAX_PORT;   keepalive $pool; keepalive_requests 1000000; keepalive_timeout 60s; }
    upstream house_upstream { server $HOST:$HOUSE_PORT; keepalive $pool; keepalive_requests 1000000; keepalive_timeout 60s; }

    server {
        listen $HOST:$LUA_PORT backlog=8192 reuseport;
        set \$source_timeout_ms $SOURCE_TIMEOUT_MS;

        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_pass_request_headers off;
        proxy_pass_request_body off;
        proxy_connect_timeout 300ms;
        proxy_send_timeout ${SOURCE_TIMEOUT_MS}ms;
        proxy_read_timeout ${SOURCE_TIMEOUT_MS}ms;
        proxy_buffer_size 16k;
        proxy_buffers 8 16k;

        location = /healthz { return 200 '{"status":"ok"}'; }
        location = /_stats { content_by_lua_file $TMP/stats-peer.lua; }
        location ~ "^/v1/properties/([A-Za-z0-9-]{1,64})/dossier\$" { content_by_lua_file $TMP/dossier-peer.lua; }
        location /_upstream/land/  { internal; proxy_pass http://land_upstream/land/; }
        location /_upstream/tax/   { internal; proxy_pass http://tax_upstream/property-tax/; }
        location /_upstream/house/ { internal; proxy_pass http://house_upstream/house/; }
        location / { return 404 '{"error":"not found"}'; }
    }
}
EOF
}

# start_peer NAME DIR: starts it in the background (PEER_PID), waits until it answers.
start_peer() {
    local name=$1 dir=$2 port=${PEER_PORT[$1]}
    local land_url="http://$HOST:$LAND_PORT/land/" tax_url="http://$HOST:$TAX_PORT/property-tax/" house_url="http://$HOST:$HOUSE_PORT/house/"
    require_port_free "$port"
    PEER_KIND=$name PEER_PREFIX=""
    case $name in
        exchange-gateway)
            "$BIN/exchange-gateway" audit keygen --out "$dir/signing" >/dev/null
            write_gateway_config_in "$dir"
            "$BIN/exchange-gateway" config check "$dir/gateway.json" >/dev/null || die "generated gateway config does not validate"
            "$BIN/exchange-gateway" serve --config "$dir/gateway.json" >"$dir/gateway.log" 2>&1 &
            PEER_PID=$!
            wait_for_http "http://$HOST:$port/readyz" "$PEER_PID" exchange-gateway ;;
        nginx-lua)
            chmod 0755 "$dir"
            PEER_PREFIX=$dir
            write_lua_peer_conf "$dir"
            nginx -t -q -p "$dir" -c "$dir/nginx.conf" 2>"$dir/test.log" || { cat "$dir/test.log" >&2; die "nginx-lua config invalid"; }
            nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
            PEER_PID=$!
            wait_for_http "http://$HOST:$port/healthz" "$PEER_PID" nginx-lua ;;
        go)
            "$BIN/go-peer" -listen "$HOST:$port" -land "$land_url" -tax "$tax_url" -house "$house_url" \
                -timeout "${SOURCE_TIMEOUT_MS}ms" >"$dir/go.log" 2>&1 &
            PEER_PID=$!
            wait_for_http "http://$HOST:$port/healthz" "$PEER_PID" go ;;
        flask)
            python3 "$PEERS_DIR/flask/app.py" --host "$HOST" --port "$port" --land "$land_url" --tax "$tax_url" \
                --house "$house_url" --timeout "$(awk -v t="$SOURCE_TIMEOUT_MS" 'BEGIN {printf "%g", t / 1000}')" \
                >"$dir/flask.log" 2>&1 &
            PEER_PID=$!
            wait_for_http "http://$HOST:$port/healthz" "$PEER_PID" flask ;;
    esac
}

# One real dossier before measuring: 200, the three sources, land and house ok with data, tax as
# expected for the scenario. Saves the body to OUT. Retries twice (first calls open connections).
check_dossier() {
    local url=$1 id=$2 expect_tax=$3 out=$4 attempt code
    for attempt in 1 2 3; do
        code=$(curl -s --max-time 6 -o "$out" -w '%{http_code}' -H "Authorization: Bearer $DEMO_API_KEY" \
            -H "X-Purpose: $PURPOSE" "$url") || code=000
        if [[ $code == 200 ]] && python3 - "$out" "$id" "$expect_tax" <<'PY'
import json, sys
body, pid, expect_tax = sys.argv[1:]
d = json.load(open(body))
assert d["property_id"] == pid, "property_id"
s = d["sources"]
for name in ("land", "house"):
    assert s[name]["status"] == "ok" and isinstance(s[name]["data"], dict) and s[name]["data"], name
assert s["tax"]["status"] == expect_tax, f"tax is {s['tax']['status']}, expected {expect_tax}"
if expect_tax == "ok":
    assert isinstance(s["tax"]["data"], dict) and s["tax"]["data"], "tax data"
PY
        then
            CHECK_TEXT="HTTP 200, land ok, tax $expect_tax, house ok"
            return 0
        fi
        sleep 0.5
    done
    CHECK_TEXT="HTTP $code, body: $(head -c 300 "$out" 2>/dev/null | tr '\n' ' ')"
    return 1
}

# --- measuring -------------------------------------------------------------------------------

# Peak VmRSS (kB) of ROOT and its descendants, every 100 ms, into OUT; bounded by MAX_S.
start_sampler() {
    local root=$1 out=$2 max_s=$3
    echo 0 >"$out"
    (
        set +e
        trap 'exit 0' TERM
        peak=0 pids="" i=0
        limit=$(( max_s * 10 ))
        while (( i < limit )); do
            (( i % 10 == 0 )) && pids=$(tree_pids "$root")
            total=0
            for p in $pids; do
                [[ -r /proc/$p/status ]] || continue
                while read -r key value _; do
                    if [[ $key == VmRSS: ]]; then total=$(( total + value )); break; fi
                done 2>/dev/null <"/proc/$p/status"
            done
            if (( total > peak )); then peak=$total; echo "$peak" >"$out"; fi
            i=$(( i + 1 ))
            sleep 0.1
        done
    ) &
    SAMPLER_PID=$!
}

# utime+stime ticks of a process tree (all threads); 0 for an empty PID.
tree_ticks() {
    [[ -n $1 ]] || { echo 0; return; }
    local pid total=0
    for pid in $(tree_pids "$1"); do total=$(( total + $(process_ticks "$pid") )); done
    echo "$total"
}

us_to_ms() { awk -v v="$1" 'BEGIN { if (v == "" || v !~ /^[0-9.]+$/) print "?"; else printf "%.1f", v / 1000 }'; }

# Sets W_DPS (2xx per second), W_P50 W_P99 W_P999 (ms), W_SOCKET, W_NON2XX, W_ERR_TEXT, W_REQUESTS.
# The socket errors and non-2xx come from bench/lib.sh's parse_wrk_errors.
parse_peer_wrk() {
    local file=$1 seconds
    W_REQUESTS=$(awk '/ requests in / {print $1}' "$file")
    seconds=$(awk '/ requests in / {v = $4; sub(/,$/, "", v); print v}' "$file")
    seconds=$(awk -v v="$seconds" 'BEGIN {
        if (v ~ /ms$/) { sub(/ms$/, "", v); print v / 1000 } else if (v ~ /s$/) { sub(/s$/, "", v); print v + 0 }
        else if (v ~ /m$/) { sub(/m$/, "", v); print v * 60 } else print 0 }')
    parse_wrk_errors "$file"
    W_P50=$(us_to_ms "$(awk '/^lua p50_us:/ {print $3}' "$file")")
    W_P99=$(us_to_ms "$(awk '/^lua p99_us:/ {print $3}' "$file")")
    W_P999=$(us_to_ms "$(awk '/^lua p999_us:/ {print $3}' "$file")")
    if [[ -z $W_REQUESTS ]] || ! awk -v s="$seconds" 'BEGIN {exit !(s > 0)}'; then
        W_DPS="?" W_ERR_TEXT="wrk output unparsable"
        return 1
    fi
    W_DPS=$(awk -v r="$W_REQUESTS" -v n="$W_NON2XX" -v s="$seconds" 'BEGIN {printf "%.0f", (r - n) / s}')
    W_ERR_TEXT="$W_SOCKET / $W_NON2XX"
    [[ -z $W_SOCKET_KINDS ]] || W_ERR_TEXT+=" ($W_SOCKET_KINDS)"
}

declare -A RESULT_DPS=()           # "scenario peer" -> dossiers/s
TABLE_ROWS=()
RAW_OUTPUTS=()
SAMPLES=()                         # files with sample responses
CHECK_LINES=()
NOTES=()
NOISY_RUNS=()
OUTCOME_LINES=()

# {"land": {"ok": 10, "timeout": 2}, ...} on stdin -> "land ok 10, timeout 2; tax ...".
summarize_stats() {
    python3 -c '
import json, sys
d = json.load(sys.stdin)
print("; ".join(name + " " + ", ".join(f"{k} {v}" for k, v in sorted(d[name].items(), key=lambda kv: -kv[1]))
                for name in ("land", "tax", "house") if name in d) or "none")'
}
# An nginx error.log -> its most frequent messages with counts (timestamps, connection ids and
# client/request details stripped), "" if empty.
summarize_nginx_errors() {
    [[ -s $1 ]] || return 0
    sed -E 's/^[0-9\/]+ [0-9:]+ \[([a-z]+)\] [0-9#]+: (\*[0-9]+ )?/[\1] /; s/, (client|upstream|server|request|subrequest|host): .*//; s/ \(([0-9]+): / (/' "$1" \
        | sort | uniq -c | sort -rn | head -n 4 | awk '{n = $1; $1 = ""; printf "%s%s ×%s", (NR > 1 ? "; " : ""), substr($0, 2), n}'
}
# exchange-gateway audit lines on stdin -> the same, plus the dossiers' HTTP statuses.
summarize_audit() {
    python3 -c '
import collections, json, sys
sources = collections.defaultdict(collections.Counter); statuses = collections.Counter()
for line in sys.stdin:
    try: r = json.loads(line)
    except ValueError: continue
    if r.get("type") != "access": continue
    statuses[r.get("http_status")] += 1
    for s in r.get("sources") or []: sources[s.get("name")][s.get("status")] += 1
parts = [name + " " + ", ".join(f"{k} {v}" for k, v in c.most_common()) for name, c in sources.items()]
parts.append("dossiers " + ", ".join(f"HTTP {k} {v}" for k, v in statuses.most_common()))
print("; ".join(parts))'
}

# measure SCENARIO PEER STUBKIND ROWLABEL IDMODE
measure() {
    local scenario=$1 peer=$2 stub_kind=$3 row_label=$4 id_mode=$5
    local connections=${SC_CONNECTIONS[$scenario]} duration=$DURATION mark=""
    local id port=${PEER_PORT[$peer]} tag="$row_label-$peer" dir
    id=$(property_id_for "$scenario" "$stub_kind")
    [[ $id == "$FIXTURE_ID" ]] || id_mode=single        # the fault id of S4 on department-stubs
    tag=${tag// /_}
    dir=$TMP/run-$tag
    mkdir -p "$dir"
    if [[ $peer == flask ]]; then
        if (( connections > FLASK_MAX_CONNECTIONS )); then connections=$FLASK_MAX_CONNECTIONS; mark="†"; fi
        if (( $(to_seconds "$duration") > FLASK_MAX_DURATION_S )); then duration=${FLASK_MAX_DURATION_S}s; mark="†"; fi
    fi
    local url="http://$HOST:$port/v1/properties/$id/dossier"
    local expect_tax=ok
    [[ $scenario != S4 ]] || expect_tax=timeout

    log "$row_label / $peer: c=$connections, ids $id_mode, warm-up $WARMUP, then $duration"
    if ! start_peer "$peer" "$dir"; then
        TABLE_ROWS+=("| $row_label | $peer | $connections$mark | — | — | — | — | not measured: did not start | — | — | — |")
        FAILED=1; stop_peer; return 0
    fi
    if ! check_dossier "$url" "$id" "$expect_tax" "$dir/sample.json"; then
        log "$peer failed its check: $CHECK_TEXT"
        CHECK_LINES+=("- $row_label $peer: **FAIL** — $CHECK_TEXT")
        TABLE_ROWS+=("| $row_label | $peer | $connections$mark | — | — | — | — | not measured: check failed | — | — | — |")
        FAILED=1; stop_peer; return 0
    fi
    CHECK_LINES+=("- $row_label $peer: $CHECK_TEXT")
    if [[ $scenario == S1 || $scenario == S4 ]] && [[ $row_label == "$scenario" ]]; then
        cp "$dir/sample.json" "$TMP/sample-$scenario-$peer.json"
        SAMPLES+=("$scenario $peer $TMP/sample-$scenario-$peer.json")
    fi

    local total_s=$(( $(to_seconds "$WARMUP") + $(to_seconds "$duration") + 60 + 2 * FOREIGN_WRK_WAIT_S ))
    start_sampler "$PEER_PID" "$dir/peak-rss" "$total_s"

    local waited_total=0 foreign_note=""
    wait_for_quiet; waited_total=$(( waited_total + WAITED_S ))
    run_wrk "$dir/warmup.txt" "$connections" "$WARMUP" "$url" "$WRK_SCRIPT" "$id_mode"

    wait_for_quiet; waited_total=$(( waited_total + WAITED_S ))
    [[ -z $FOREIGN_AT_START ]] || foreign_note="another wrk running at start"
    wait_for_cpu
    local m0 m1 peer0 peer1 stub0 stub1
    m0=$(machine_ticks) peer0=$(tree_ticks "$PEER_PID") stub0=$(tree_ticks "$STUB_PID")
    run_wrk "$dir/wrk.txt" "$connections" "$duration" "$url" "$WRK_SCRIPT" "$id_mode"
    m1=$(machine_ticks) peer1=$(tree_ticks "$PEER_PID") stub1=$(tree_ticks "$STUB_PID")
    [[ -z $(foreign_wrk) ]] || foreign_note+="${foreign_note:+; }another wrk running at the end"
    sleep 0.2
    stop_sampler

    local wrk_ticks cpu
    read -r _ wrk_ticks <"$dir/wrk.txt.meta"
    cpu=$(awk -v a="$m0" -v b="$m1" -v p=$(( peer1 - peer0 )) -v s=$(( stub1 - stub0 )) -v w="$wrk_ticks" 'BEGIN {
        split(a, x, " "); split(b, y, " "); total = y[1] - x[1]; if (total <= 0) total = 1
        busy = y[2] - x[2]; other = busy - p - s - w; if (other < 0) other = 0
        printf "%.0f / %.0f / %.0f / %.0f", 100 * p / total, 100 * s / total, 100 * w / total, 100 * other / total }')

    local alive=yes peak_kb rss_mb
    is_alive "$PEER_PID" || { alive=no; FAILED=1; log "$peer died during the run"; }
    peak_kb=$(cat "$dir/peak-rss")
    rss_mb=$(awk -v k="$peak_kb" 'BEGIN {printf "%.1f", k / 1024}')

    if ! parse_peer_wrk "$dir/wrk.txt"; then FAILED=1; fi
    RAW_OUTPUTS+=("$row_label $peer|$dir/wrk.txt")

    # Per-source outcomes over warm-up + run (explains non-2xx): the peers count them on /_stats,
    # exchange-gateway's audit log holds them (read after it stopped).
    local outcomes=""
    if [[ $peer != exchange-gateway ]]; then
        outcomes=$(curl -s --max-time 5 "http://$HOST:$port/_stats" | summarize_stats) || outcomes="?"
    fi

    local gateway_pid=$PEER_PID
    stop_peer
    local exit_status=$STOP_STATUS notes=()
    [[ $alive == yes ]] || notes+=("**died during the run**")
    [[ -z $foreign_note ]] || notes+=("⚠ $foreign_note")
    (( waited_total == 0 )) || notes+=("waited ${waited_total}s for another wrk")
    (( CPU_WAITED_S < 2 )) || notes+=("waited ${CPU_WAITED_S}s for a quieter CPU")
    [[ -z $CPU_NOTE ]] || notes+=("⚠ $CPU_NOTE")
    local other_pct=${cpu##*/ }
    if (( other_pct > QUIET_CPU_PCT )); then notes+=("⚠ noisy: others ${other_pct}% CPU during the run"); NOISY_RUNS+=("$row_label $peer (${other_pct}%)"); fi
    [[ -z $mark ]] || notes+=("† capped: c=$connections, $duration")

    if [[ $peer == exchange-gateway ]]; then
        # SIGTERM drains and exits 0; anything else is a crash or a bad shutdown.
        local errors verify="FAIL" records
        errors=$(gateway_error_lines "$dir/gateway.log")
        if [[ $exit_status != 0 || $errors != 0 ]]; then
            FAILED=1; notes+=("gateway exit $exit_status, $errors error log lines")
            tail -n 10 "$dir/gateway.log" >&2
        fi
        if verify_audit "$dir/signing.pub" "$dir/audit"; then
            verify=pass
        else
            FAILED=1; log "audit verify failed for $tag"; printf '%s\n' "$VERIFY_OUTPUT" >&2
        fi
        records=$(cat "$dir"/audit/*.jsonl 2>/dev/null | grep -c '"type":"access"' || true)
        outcomes=$(cat "$dir"/audit/*.jsonl 2>/dev/null | summarize_audit) || outcomes="?"
        if [[ $outcomes == *circuit_open* ]]; then
            notes+=("circuit breaker open: some source calls were skipped (circuit_open), see per-source outcomes")
        fi
        NOTES+=("- $row_label exchange-gateway (pid $gateway_pid): exit $exit_status, audit verify **$verify** ($(one_line "$VERIFY_OUTPUT")), $records access records for $W_REQUESTS requests counted by wrk (+ warm-up)")
        [[ ${KEEP_TMP:-0} == 1 ]] || rm -rf "$dir/audit"   # up to tens of MB per run (kept for KEEP_TMP=1)
    elif [[ $exit_status != 0 && $exit_status != 143 && $peer != nginx-lua ]]; then
        notes+=("exit status $exit_status")
    fi

    local log_summary=""
    case $peer in
        nginx-lua) log_summary=$(summarize_nginx_errors "$dir/error.log") ;;
        go) log_summary=$(grep -v 'listening on' "$dir/go.log" | sed -E 's/^[0-9\/]+ [0-9:]+ //' | head -n 5 | paste -sd ';' -) || true ;;
        flask) log_summary=$(grep -E 'Error|Traceback' "$dir/flask.log" | sort | uniq -c | sort -rn | head -n 3 | paste -sd ';' -) || true ;;
        exchange-gateway) log_summary=$(grep -E '"level":"(warn|warning|error)"' "$dir/gateway.log" | head -n 3 | cut -c1-300 | paste -sd ';' -) || true ;;
    esac
    OUTCOME_LINES+=("- $row_label $peer: $outcomes${log_summary:+ — log: $log_summary}")
    local note_text=""
    local n
    for n in "${notes[@]}"; do note_text+="${note_text:+; }$n"; done
    RESULT_DPS["$row_label $peer"]=$W_DPS
    TABLE_ROWS+=("| $row_label | $peer | $connections$mark | $W_DPS | $W_P50 | $W_P99 | $W_P999 | $W_ERR_TEXT | $rss_mb | RATIO:$row_label:$peer | $cpu | $note_text |")
    log "  $W_DPS dossiers/s, p50 $W_P50 ms, p99 $W_P99 ms, p99.9 $W_P999 ms, errors $W_ERR_TEXT, peak RSS $rss_mb MB, CPU peer/stub/wrk/other $cpu %"
}

run_scenario() {     # SCENARIO STUBKIND ROWLABEL IDMODE PEER...
    local scenario=$1 stub_kind=$2 row_label=$3 id_mode=$4; shift 4
    log "=== ${SC_LABEL[$scenario]} (stub: $stub_kind)"
    start_stubs "$stub_kind" "${SC_LATENCY[$scenario]}" "${row_label// /_}"
    check_stubs "$scenario" "$stub_kind"
    local peer
    for peer in "$@"; do measure "$scenario" "$peer" "$stub_kind" "$row_label" "$id_mode"; done
    if ! is_alive "$STUB_PID"; then log "stub died during $row_label"; FAILED=1; fi
    local stub_prefix=$STUB_PREFIX stub_kind_now=$STUB_KIND
    stop_stub
    if [[ $stub_kind_now == nginx ]]; then
        local errors
        errors=$(summarize_nginx_errors "$stub_prefix/error.log")
        STUB_CHECK_LINES+=("- $row_label nginx stub error.log after the scenario: ${errors:-empty}")
    fi
}

# exchange-gateway dossiers/s ÷ this peer's, in the same scenario.
ratio() {
    local row=$1 peer=$2 gateway peer_dps
    [[ $peer != exchange-gateway ]] || { echo "1.00 (itself)"; return; }
    gateway=${RESULT_DPS["$row exchange-gateway"]:-} peer_dps=${RESULT_DPS["$row $peer"]:-}
    awk -v g="$gateway" -v p="$peer_dps" 'BEGIN { if (g + 0 > 0 && p + 0 > 0) printf "%.2f", g / p; else print "?" }'
}

write_report() {
    local stamp=$1 file=$2 command=$3 elapsed=$4
    {
        echo "# Peer comparison: GET /v1/properties/{id}/dossier — $stamp"
        echo
        machine_line "wrk, the gateway under test and the stub"
        echo "- command: \`$command\` (took ${elapsed} s in all, builds included)"
        echo "- stub: $([[ $STUB == nginx ]] && echo "nginx $NGINX_VERSION, static $([[ $BODIES == fixtures ]] && echo "\`stubs/fixtures/{land,tax,house}/$FIXTURE_ID.json\`" || echo "small bodies (three scalar fields of \`stubs/fixtures/{land,tax,house}/$FIXTURE_ID.json\`, about 100 bytes each)") after \`echo_sleep\` (libnginx-mod-http-echo), $(nproc) workers" || echo "department-stubs (release build)")"
        echo "- wrk $WRK_VERSION: \`wrk -t $THREADS -c <c> -d $DURATION --timeout $WRK_TIMEOUT --latency -s bench/peers/wrk/dossier.lua <url> -- $ID_MODE\` after a $WARMUP warm-up at the same c; fresh gateway process per run"
        echo "- exchange-gateway $GATEWAY_SHA… (sha256 prefix of the release binary): audit on with fsync and signed checkpoints, demo clerk key (views on), source timeout $SOURCE_TIMEOUT_MS ms, otherwise config/gateway.json"
        echo "- peers: nginx-lua (nginx $NGINX_VERSION + lua-nginx-module + lua-cjson), go ($GO_VERSION, standard library), flask ($PY_VERSION, built-in server threaded=True, sequential requests.get); source timeout $SOURCE_TIMEOUT_MS ms everywhere"
        echo "- open files limit: $NOFILE"
        echo
        echo "dossiers/s = 2xx responses per second; latencies in ms from wrk's histogram (p99.9 from its Lua \`done()\`);"
        echo "errors = socket errors (connect/read/write/timeout) / non-2xx; peak RSS = VmRSS summed over the gateway's process tree"
        echo "(nginx: master + workers), sampled every 100 ms through warm-up and run; ratio = exchange-gateway's dossiers/s ÷ that row's;"
        echo "CPU = % of all $(nproc) cores during the measured run: gateway / stub / wrk / other (other processes and kernel softirq work)."
        echo
        echo "| scenario | gateway | c | dossiers/s | p50 | p99 | p99.9 | errors (socket / non-2xx) | peak RSS MB | exchange-gateway ÷ this | CPU % gw / stub / wrk / other | notes |"
        echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
        local row rest label peer
        for row in "${TABLE_ROWS[@]}"; do
            if [[ $row =~ RATIO:([^:]+):([^ |]+) ]]; then
                label=${BASH_REMATCH[1]} peer=${BASH_REMATCH[2]}
                row=${row/"RATIO:$label:$peer"/$(ratio "$label" "$peer")}
            fi
            echo "$row"
        done
        echo
        echo "Scenarios: $(for s in "${SCENARIO_LIST[@]}"; do printf '%s; ' "${SC_LABEL[$s]}"; done)"
        echo "Property ids: \`$ID_MODE\` ($(case $ID_MODE in unique) echo "every request a different id, so no gateway can coalesce or cache upstream calls" ;; single) echo "every request for $FIXTURE_ID" ;; fixtures) echo "round-robin over the 7 ids department-stubs has in all three departments" ;; esac))."
        [[ ${#SANITY_ROWS[@]} -eq 0 ]] || echo "\"same-id\" rows: exchange-gateway alone with every request for $FIXTURE_ID, its best case (it coalesces identical upstream calls in flight; the peers do not); \"S2 same-id swift-stub\" is the same against our department-stubs instead of the nginx stub (sanity check of the stub)."
        echo "† flask is capped at c=$FLASK_MAX_CONNECTIONS and ${FLASK_MAX_DURATION_S} s, so its rows in S2–S4 are not at the scenario's c."
        echo
        if (( ${#NOISY_RUNS[@]} > 0 )); then
            echo "**Noisy machine:** other processes (e.g. someone's build) used more than ${QUIET_CPU_PCT}% of the CPU during: ${NOISY_RUNS[*]}."
            echo "Those rows understate what the gateway in question can do; compare them with care or run again on a quiet machine."
        else
            echo "Machine quiet: other processes (and kernel softirq work) used at most ${QUIET_CPU_PCT}% of the CPU during every measured run."
        fi
        echo
        echo "## exchange-gateway throughput ÷ peer throughput"
        echo
        local header="| scenario |" sep="|---|"
        for peer in "${PEER_LIST[@]}"; do [[ $peer == exchange-gateway ]] && continue; header+=" ÷ $peer |"; sep+="---|"; done
        echo "$header"; echo "$sep"
        local scenario line
        for scenario in "${SCENARIO_LIST[@]}"; do
            line="| $scenario |"
            for peer in "${PEER_LIST[@]}"; do [[ $peer == exchange-gateway ]] && continue; line+=" $(ratio "$scenario" "$peer") |"; done
            echo "$line"
        done
        echo
        echo "## Checks"
        echo
        echo "Stubs (one request per source before the scenario):"
        echo
        printf '%s\n' "${STUB_CHECK_LINES[@]}"
        echo
        echo "Every gateway, one dossier before measuring (curl with the wrk headers):"
        echo
        printf '%s\n' "${CHECK_LINES[@]}"
        echo
        echo "Per-source outcomes over warm-up + measured run (peers: their \`/_stats\` counters; exchange-gateway: its audit log):"
        echo
        printf '%s\n' "${OUTCOME_LINES[@]}"
        echo
        if (( ${#NOTES[@]} > 0 )); then
            echo "exchange-gateway after each run (SIGTERM, then \`exchange-gateway audit verify --public-key signing.pub audit/\`):"
            echo
            printf '%s\n' "${NOTES[@]}"
            echo
        fi
        echo "## Sample responses"
        echo
        local entry s p f
        for entry in "${SAMPLES[@]}"; do
            read -r s p f <<<"$entry"
            echo "<details><summary>$s — $p</summary>"
            echo
            echo '```json'
            cat "$f"; echo
            echo '```'
            echo "</details>"
            echo
        done
        print_raw_outputs "${RAW_OUTPUTS[@]}"
    } >"$file"
}

main() {
    local command="BENCH_DURATION=$DURATION STUB=$STUB BODIES=$BODIES ID_MODE=$ID_MODE bench/run.sh"
    [[ -z ${SCENARIOS:-} ]] || command="SCENARIOS=\"$SCENARIOS\" $command"
    [[ -z ${PEERS:-} ]] || command="PEERS=\"$PEERS\" $command"
    start_watchdog
    ensure_tools
    raise_nofile
    build
    mkdir -p bench/results

    local scenario
    for scenario in "${SCENARIO_LIST[@]}"; do
        run_scenario "$scenario" "$STUB" "$scenario" "$ID_MODE" "${PEER_LIST[@]}"
    done
    # exchange-gateway alone, every request for the same property: its best case (identical
    # upstream calls in flight are coalesced), on the nginx stub and on department-stubs.
    SANITY_ROWS=()
    if [[ $STUB == nginx && $SANITY == 1 && $ID_MODE == unique ]]; then
        run_scenario S2 nginx "S2 same-id" single exchange-gateway
        run_scenario S3 nginx "S3 same-id" single exchange-gateway
        run_scenario S2 swift "S2 same-id swift-stub" single exchange-gateway
        SANITY_ROWS=(done)
    fi

    publish_report peers '^## Sample responses' write_report "$command" "$(( SECONDS - SCRIPT_START ))"
    return "$FAILED"
}

SANITY_ROWS=()
main "$@"
