#!/usr/bin/env bash
# What parsing one dossier's three department bodies (stubs/fixtures/*/LA2023001.json) costs on
# this machine, alone in a loop: jansson (what the gateway must use) against lua-cjson (what the
# nginx-lua peer uses, under LuaJIT). Alternates the two over ROUNDS_OF_RUNS and prints each
# median in µs and their ratio. Bounded: 100,000 parses of each file per run.
#
# Usage: bench/parse-cost.sh            Env: ROUNDS_OF_RUNS (default 3)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly RUNS=${ROUNDS_OF_RUNS:-3} PARSES=100000
readonly FILES=(stubs/fixtures/land/LA2023001.json stubs/fixtures/tax/LA2023001.json stubs/fixtures/house/LA2023001.json)
TMP=$(mktemp -d -t exchange-gateway-parse-cost.XXXXXX)
stop_started() { :; }
install_cleanup

command -v luajit >/dev/null || apt-get install -y -qq luajit >/dev/null
CJSON=$(compgen -G '/usr/lib/*/lua/5.1/cjson.so' | head -n 1) || true
[[ -n $CJSON ]] || { apt-get install -y -qq lua-cjson >/dev/null; CJSON=$(compgen -G '/usr/lib/*/lua/5.1/cjson.so' | head -n 1); }
${CC:-cc} -O2 -o "$TMP/jansson-parse" bench/parse-cost/jansson.c -ljansson

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
for _ in $(seq "$RUNS"); do
    timeout 120 "$TMP/jansson-parse" "$PARSES" "${FILES[@]}" >>"$TMP/jansson.txt"
    LUA_CPATH="$(dirname "$CJSON")/?.so" timeout 120 luajit bench/parse-cost/cjson.lua "$PARSES" "${FILES[@]}" >>"$TMP/cjson.txt"
done
jansson=$(median <"$TMP/jansson.txt") cjson=$(median <"$TMP/cjson.txt")
printf 'three bodies (%s bytes), median of %s runs:\n' "$(cat "${FILES[@]}" | wc -c)" "$RUNS"
printf '  jansson %s us, lua-cjson %s us: jansson costs %.1fx\n' "$jansson" "$cjson" "$(echo "$jansson / $cjson" | bc -l)"
