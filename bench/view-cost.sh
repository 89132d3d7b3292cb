#!/usr/bin/env bash
# What serving one dossier's three department bodies (stubs/fixtures/*/LA2023001.json) through a
# role's views costs, in instructions, against the deny-list masking the views replaced (README,
# Performance). Instructions, not seconds: the machine is shared, and callgrind counts the same
# on a busy machine as on a quiet one.
#
# Builds bench/view-cost/main.swift with old-serving.swift against the sources before views (BASE: the
# parent of the commit that removed Masking.swift) and with new-serving.swift against HEAD, each as a release
# executable in its own scratch folder (.build-view-cost/), with each tree's own config/gateway.json.
# Each runs ITERATIONS dossiers under `valgrind --tool=callgrind`, once only parsing the bodies and
# once parsing and masking (old) or applying the views (new, the PII detector included); the
# difference divided by ITERATIONS is the cost per dossier. Bounded: ITERATIONS dossiers per run,
# 8 runs, each under a 600 s timeout.
#
# Usage: bench/view-cost.sh        Env: ITERATIONS (default 1000), ROLES (default "clerk auditor"), BASE
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly ITERATIONS=${ITERATIONS:-1000} ROLES=${ROLES:-clerk auditor} SCRATCH_ROOT=.build-view-cost
BASE=${BASE:-$(git rev-list -n 1 HEAD -- Sources/GatewayCore/Masking/Masking.swift)^}
TMP=$(mktemp -d -t exchange-gateway-view-cost.XXXXXX)
stop_started() { :; }
install_cleanup
require_tools valgrind git python3 swift

# build TREE REVISION: the sources of REVISION in $TMP/TREE with bench/view-cost/main.swift and
# TREE-serving.swift as one more executable target, built in release; prints the binary's path.
build() {
    local tree=$1 revision=$2
    mkdir -p "$TMP/$tree"
    # CLinux (epoll for the event loops) only where the revision has it.
    git archive "$revision" Package.swift Sources Tests CCurl CJansson $(git ls-tree --name-only "$revision" CLinux) CMicroHTTPD COpenSSL config \
        | tar -x -C "$TMP/$tree"
    mkdir -p "$TMP/$tree/Sources/view-cost"
    cp bench/view-cost/main.swift "$TMP/$tree/Sources/view-cost/main.swift"
    cp "bench/view-cost/$tree-serving.swift" "$TMP/$tree/Sources/view-cost/Serving.swift"
    python3 - "$TMP/$tree/Package.swift" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
target = '.executableTarget(name: "view-cost", dependencies: ["GatewayCore", "GatewayJSON"]),\n        '
assert '.testTarget(' in text, "no test target to insert before"
open(path, "w").write(text.replace('.testTarget(', target + '.testTarget(', 1))
PY
    log "building view-cost against $tree sources ($(git rev-parse --short "$revision"))"
    swift build -c release --package-path "$TMP/$tree" --scratch-path "$SCRATCH_ROOT/$tree" --product view-cost >&2
    echo "$SCRATCH_ROOT/$tree/release/view-cost"
}

# instructions TREE BINARY ROLE MODE: callgrind's total instruction count of one run.
instructions() {
    local tree=$1 binary=$2 role=$3 mode=$4
    timeout 600 valgrind --tool=callgrind --callgrind-out-file="$TMP/callgrind.out" \
        "$binary" "$TMP/$tree/config/gateway.json" stubs/fixtures "$role" "$ITERATIONS" "$mode" >/dev/null 2>"$TMP/valgrind.log" \
        || { cat "$TMP/valgrind.log" >&2; die "$tree $role $mode failed under valgrind"; }
    awk '/^summary:/ {print $2; exit}' "$TMP/callgrind.out"
}

old_binary=$(build old "$BASE")
new_binary=$(build new HEAD)
printf 'instructions per dossier (three LA2023001 bodies), %s dossiers per run, release build, callgrind:\n' "$ITERATIONS"
printf '| role | parse (jansson) | deny-list masking (%s) | view + PII detector (%s) | view ÷ masking |\n' \
    "$(git rev-parse --short "$BASE")" "$(git rev-parse --short HEAD)"
printf '|---|---|---|---|---|\n'
for role in $ROLES; do
    log "measuring $role"
    old_parse=$(instructions old "$old_binary" "$role" parse)
    old_apply=$(instructions old "$old_binary" "$role" apply)
    new_parse=$(instructions new "$new_binary" "$role" parse)
    new_apply=$(instructions new "$new_binary" "$role" apply)
    python3 - "$role" "$ITERATIONS" "$old_parse" "$old_apply" "$new_parse" "$new_apply" <<'PY'
import sys
role, n, old_parse, old_apply, new_parse, new_apply = sys.argv[1], *map(int, sys.argv[2:])
old, new = (old_apply - old_parse) / n, (new_apply - new_parse) / n
print(f"| {role} | {new_parse / n:,.0f} | {old:,.0f} | {new:,.0f} | {new / old:.2f} |")
PY
done
