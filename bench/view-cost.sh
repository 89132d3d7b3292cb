#!/usr/bin/env bash
# What one dossier's JSON work costs, in instructions, before and after the single-pass writer
# (README, Performance): from the three LA2023001 department bodies (stubs/fixtures) to the encoded
# answer, as a role sees it: the bodies read, the consistency checks run, each body served through
# the role's view (the PII detector included), the dossier encoded. Instructions, not seconds: the
# machine is shared, and callgrind counts the same on a busy machine as on a quiet one.
#
#   before  BASE (default: the parent of the commit that added ViewWriter.swift): jansson parses each
#           body, the checks read its tree, the view edits it in place, the dossier is a jansson
#           tree that JSONWriter encodes (bench/view-cost/before-serving.swift)
#   after   HEAD: ViewWriter serves each body in the pass that validates it and captures the
#           checks' values, the dossier is written straight into one buffer (after-serving.swift)
#
# Each side is bench/view-cost/main.swift with its Serving.swift, built against that side's sources
# as a release executable in its own scratch folder (.build-view-cost/), with that side's
# config/gateway.json. Each runs ROUNDS and 6 × ROUNDS dossiers under `valgrind --tool=callgrind`;
# the difference divided by 5 × ROUNDS is one dossier without start-up (config, fixtures). Bounded:
# 600 s per callgrind run.
#
# Usage: bench/view-cost.sh        Env: ROUNDS (default 200), ROLES (default "clerk auditor"), BASE
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly ROUNDS=${ROUNDS:-200} ROLES=${ROLES:-clerk auditor} SCRATCH_ROOT=.build-view-cost
BASE=${BASE:-$(git log --diff-filter=A --format=%H -- Sources/GatewayCore/Views/ViewWriter.swift | tail -n 1)^}
TMP=$(mktemp -d -t exchange-gateway-view-cost.XXXXXX)
stop_started() { :; }
install_cleanup
require_tools valgrind git python3 swift

# build SIDE REVISION: the sources of REVISION in $TMP/SIDE with bench/view-cost/main.swift and
# SIDE-serving.swift as one more executable target, built in release; prints the binary's path.
build() {
    local side=$1 revision=$2
    mkdir -p "$TMP/$side"
    # CLinux (epoll for the event loops) only where the revision has it.
    git archive "$revision" Package.swift Sources Tests CCurl CJansson $(git ls-tree --name-only "$revision" CLinux) CMicroHTTPD COpenSSL config \
        bench/json-cost | tar -x -C "$TMP/$side"
    mkdir -p "$TMP/$side/Sources/view-cost"
    cp bench/view-cost/main.swift "$TMP/$side/Sources/view-cost/main.swift"
    cp "bench/view-cost/$side-serving.swift" "$TMP/$side/Sources/view-cost/Serving.swift"
    python3 - "$TMP/$side/Package.swift" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
target = '.executableTarget(name: "view-cost", dependencies: ["GatewayCore", "GatewayJSON"]),\n        '
assert '.testTarget(' in text, "no test target to insert before"
open(path, "w").write(text.replace('.testTarget(', target + '.testTarget(', 1))
PY
    log "building view-cost against the $side sources ($(git rev-parse --short "$revision"))"
    swift build -c release --package-path "$TMP/$side" --scratch-path "$SCRATCH_ROOT/$side" --product view-cost >&2
    echo "$SCRATCH_ROOT/$side/release/view-cost"
}

# instructions SIDE BINARY ROLE ROUNDS: callgrind's total instruction count of one run.
instructions() {
    local side=$1 binary=$2 role=$3 rounds=$4
    timeout 600 valgrind --tool=callgrind --callgrind-out-file="$TMP/callgrind.out" \
        "$binary" "$TMP/$side/config/gateway.json" stubs/fixtures "$role" "$rounds" >/dev/null 2>"$TMP/valgrind.log" \
        || { cat "$TMP/valgrind.log" >&2; die "$side $role failed under valgrind"; }
    awk '/^summary:/ {print $2; exit}' "$TMP/callgrind.out"
}

# per_dossier SIDE BINARY ROLE: instructions of one dossier, start-up excluded.
per_dossier() {
    local short long
    short=$(instructions "$1" "$2" "$3" "$ROUNDS")
    long=$(instructions "$1" "$2" "$3" $((6 * ROUNDS)))
    echo $(( (long - short) / (5 * ROUNDS) ))
}

before_binary=$(build before "$BASE")
after_binary=$(build after HEAD)
printf 'instructions per dossier (three LA2023001 bodies: read, checks, view, encode), release build, callgrind:\n'
printf '| role | before: jansson tree (%s) | after: single pass (%s) | after ÷ before |\n' \
    "$(git rev-parse --short "$BASE")" "$(git rev-parse --short HEAD)"
printf '|---|---|---|---|\n'
for role in $ROLES; do
    log "measuring $role"
    before=$(per_dossier before "$before_binary" "$role")
    after=$(per_dossier after "$after_binary" "$role")
    python3 - "$role" "$before" "$after" <<'PY'
import sys
role, before, after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
print(f"| {role} | {before:,} | {after:,} | {after / before:.2f} |")
PY
done
