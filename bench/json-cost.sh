#!/usr/bin/env bash
# Instructions to validate one dossier's three department bodies
# (stubs/fixtures/{land,tax,house}/LA2023001.json) in one pass (JSONScanner), and to validate and
# copy them (JSONScanner + JSONCopy), against parsing them with jansson and encoding the trees
# again (JSON.parse + JSONWriter, the dossier's path today, masking aside). Counted by callgrind on a release build, not timed: wall time is
# meaningless on a shared machine, and this machine's perf has no hardware counters.
#
# Each mode runs ROUNDS and 6 × ROUNDS rounds over the three bodies; the difference divided by
# 5 × ROUNDS is the cost of one round without start-up. Bounded: 600 s per callgrind run.
#
# Usage: bench/json-cost.sh            Env: ROUNDS (default 200)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly ROUNDS=${ROUNDS:-200} SCRATCH=.build-bench
readonly FILES=(stubs/fixtures/land/LA2023001.json stubs/fixtures/tax/LA2023001.json stubs/fixtures/house/LA2023001.json)
TMP=$(mktemp -d -t exchange-gateway-json-cost.XXXXXX)
stop_started() { :; }
install_cleanup

require_tools valgrind swift
log "swift build -c release --scratch-path $SCRATCH --product json-cost"
swift build -c release --scratch-path "$SCRATCH" --product json-cost >&2
readonly BIN=$SCRATCH/release/json-cost

# instructions MODE ROUNDS: the instructions callgrind counts for a whole run.
instructions() {
    timeout 600 valgrind --tool=callgrind --callgrind-out-file="$TMP/callgrind.out" "$BIN" "$1" "$2" "${FILES[@]}" \
        >"$TMP/stdout" 2>"$TMP/stderr" || die "callgrind $1 $2 failed: $(tail -n 3 "$TMP/stderr")"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$TMP/stderr"
}

declare -A per_round
for mode in jansson validate copy; do
    log "callgrind: $mode, $ROUNDS and $((6 * ROUNDS)) rounds"
    short=$(instructions "$mode" "$ROUNDS") long=$(instructions "$mode" $((6 * ROUNDS)))
    per_round[$mode]=$(( (long - short) / (5 * ROUNDS) ))
done
printf 'three bodies (%s bytes), instructions per dossier (callgrind, release build):\n' "$(cat "${FILES[@]}" | wc -c)"
printf '  jansson parse + encode  %9d\n' "${per_round[jansson]}"
printf '  scan (validate only)    %9d  %5.1fx fewer\n' "${per_round[validate]}" "$(echo "${per_round[jansson]} / ${per_round[validate]}" | bc -l)"
printf '  scan + copy             %9d  %5.1fx fewer\n' "${per_round[copy]}" "$(echo "${per_round[jansson]} / ${per_round[copy]}" | bc -l)"
