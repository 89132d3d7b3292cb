# nginx for the benchmark scripts (run.sh, profile.sh): the neutral upstream stub (static JSON after
# an `echo_sleep`), the parts of nginx.conf the stub and the nginx-lua peer share, and stopping an
# nginx that runs in the foreground. Sourced after lib.sh, never run; like lib.sh's functions these
# read the script's globals when called: HOST, LAND_PORT, TAX_PORT, HOUSE_PORT, TMP and NOFILE (the
# open files limit the workers may use).

# PID and all its descendants (nginx master + workers, a process tree), one per line.
tree_pids() {
    ps -e -o pid=,ppid= 2>/dev/null | awk -v root="$1" '
        { parent[$1] = $2; pids[NR] = $1 }
        END {
            keep[root] = 1; print root
            changed = 1
            while (changed) {
                changed = 0
                for (i in pids) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; print p; changed = 1 } }
            }
        }'
}

# nginx runs with `daemon off`, so its master is our child; stop it through its pid file
# (`nginx -s stop`), and if that does not work within 5 s, SIGKILL master and workers by PID.
stop_nginx() {
    local prefix=$1 pid=$2 workers
    workers=$(tree_pids "$pid" | tail -n +2 | tr '\n' ' ')
    timeout 10 nginx -p "$prefix" -c "$prefix/nginx.conf" -s stop 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do is_alive "$pid" || break; sleep 0.1; done
    if is_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    local w
    for w in $workers; do is_alive "$w" && kill -KILL "$w" 2>/dev/null || true; done
    STOP_STATUS=0
    wait "$pid" 2>/dev/null || STOP_STATUS=$?
}

# What the stub's and nginx-lua's nginx.conf share. Main context: one worker per core, in the
# foreground (our child, so we can wait for it), pid and error log (at LEVEL) in PREFIX.
nginx_main_context() {    # PREFIX LEVEL
    local prefix=$1 level=$2 connections=$(( NOFILE - 256 ))
    cat <<EOF
worker_processes $(nproc);
worker_rlimit_nofile $NOFILE;
daemon off;
pid $prefix/nginx.pid;
error_log $prefix/error.log $level;
events { worker_connections $connections; multi_accept on; }
EOF
}

# In http {}: long-lived keep-alive for the clients, temp files in PREFIX (the default paths are
# not writable for us).
nginx_keepalive_and_temp_paths() {    # PREFIX
    local prefix=$1
    cat <<EOF
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    client_body_temp_path $prefix/tmp-body;
    proxy_temp_path $prefix/tmp-proxy;
    fastcgi_temp_path $prefix/tmp-fastcgi;
    uwsgi_temp_path $prefix/tmp-uwsgi;
    scgi_temp_path $prefix/tmp-scgi;
EOF
}

# nginx location body that answers SOURCE's fixture after DELAY ms.
stub_location() {
    local source=$1 delay=$2
    if (( delay == 0 )); then
        echo "rewrite ^ /_fixture/$source.json last;"
    else
        echo "echo_sleep $(awk -v d="$delay" 'BEGIN {printf "%.3f", d / 1000}'); echo_exec /_fixture/$source.json;"
    fi
}

write_nginx_stub_conf() {
    local prefix=$1 land=$2 tax=$3 house=$4
    cat >"$prefix/nginx.conf" <<EOF
# Neutral upstream stub: static JSON after an echo_sleep (libnginx-mod-http-echo).
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
$(nginx_main_context "$prefix" warn)
http {
    access_log off;
    types { application/json json; }
    default_type application/json;
    etag off;
    open_file_cache max=16;
    open_file_cache_valid 600s;
$(nginx_keepalive_and_temp_paths "$prefix")
    server {
        listen $HOST:$LAND_PORT backlog=8192 reuseport;
        location ~ "^/land/[A-Za-z0-9%-]+\$" { $(stub_location land "$land") }
        location = /_stub/health { return 200 '{"status":"ok"}'; }
        location /_fixture/ { internal; alias $TMP/fixtures/; }
    }
    server {
        listen $HOST:$TAX_PORT backlog=8192 reuseport;
        location ~ "^/property-tax/[A-Za-z0-9%-]+\$" { $(stub_location tax "$tax") }
        location = /_stub/health { return 200 '{"status":"ok"}'; }
        location /_fixture/ { internal; alias $TMP/fixtures/; }
    }
    server {
        listen $HOST:$HOUSE_PORT backlog=8192 reuseport;
        location ~ "^/house/[A-Za-z0-9%-]+\$" { $(stub_location house "$house") }
        location = /_stub/health { return 200 '{"status":"ok"}'; }
        location /_fixture/ { internal; alias $TMP/fixtures/; }
    }
}
EOF
}

# The files nginx workers (user nobody) read, in $TMP/fixtures as <source>.json; the stub answers
# every property id with them. BODIES=fixtures: FIXTURE_ID's record of each department (about 1 KB
# each, with personal data the views mask); BODIES=small: three scalar fields of that record (about
# 100 bytes), so that what is measured is the fan-out itself rather than reading bodies.
copy_stub_fixtures() {    # FIXTURE_ID BODIES
    local source
    mkdir -p "$TMP/fixtures"
    case $2 in
        fixtures) for source in land tax house; do cp "stubs/fixtures/$source/$1.json" "$TMP/fixtures/$source.json"; done ;;
        small)
            printf '{"property_id":"%s","land_use":"城镇住宅用地","area_m2":32.45}' "$1" >"$TMP/fixtures/land.json"
            printf '{"property_id":"%s","payment_status":"已缴清","arrears_cny":0.0}' "$1" >"$TMP/fixtures/tax.json"
            printf '{"property_id":"%s","usage":"住宅","building_area_m2":108.62}' "$1" >"$TMP/fixtures/house.json" ;;
        *) die "BODIES must be fixtures or small, not '$2'" ;;
    esac
    chmod -R a+rX "$TMP/fixtures"
}

# Starts the nginx stub in PREFIX (created; it holds nginx.conf, the pid file and the logs) with
# LAND, TAX, HOUSE ms of delay. Like start_department_stubs, the PID goes into the variable PIDVAR
# at once, so that cleanup stops nginx even if it never gets ready; returns once all three answer.
start_nginx_stub() {    # PIDVAR PREFIX LAND TAX HOUSE
    local pidvar=$1 prefix=$2 pid port
    mkdir -p "$prefix"; chmod 0755 "$prefix"
    write_nginx_stub_conf "$prefix" "$3" "$4" "$5"
    nginx -t -q -p "$prefix" -c "$prefix/nginx.conf" 2>"$prefix/test.log" \
        || { cat "$prefix/test.log" >&2; die "nginx stub config invalid"; }
    nginx -p "$prefix" -c "$prefix/nginx.conf" >"$prefix/stdout.log" 2>&1 &
    pid=$!
    printf -v "$pidvar" '%s' "$pid"
    for port in "$LAND_PORT" "$TAX_PORT" "$HOUSE_PORT"; do
        wait_for_http "http://$HOST:$port/_stub/health" "$pid" "nginx stub" || return 1
    done
}
