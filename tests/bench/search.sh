#!/usr/bin/env bash
# Search benchmark: `ekonet report search` over COUNT reports (default 100,000) of generated
# Swedish text, timed per command including process start, beside the node's own query time
# (the FTS5 query alone, as the node measures it) and the SQLite+FTS5 insert baseline.
#
#   tests/bench/search.sh [COUNT]        (builds a Release tree in build/bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-100000}
build=${EKONET_BENCH_BUILD:-build/bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
export EKONET=$PWD/$build/ekonet EKONETD=$PWD/$build/ekonetd TESTPEER=$PWD/$build/tests/ekonet-testpeer
. tests/net/lib.sh

echo "machine: $(nproc) cores, $(uname -sr)"
echo "== baselines"
"$PWD/$build/tests/ekonet-bench-baselines" | grep sqlite
node_init a 2518
sed -i 's/^#allow = .*/#allow =/' "$TESTDIR/a/ekonetd.conf"
echo "== filling with $COUNT reports of generated Swedish text"
t0=$(date +%s%N)
"$PWD/$build/tests/ekonet-bench-fill" "$TESTDIR/a" "$COUNT" 1000 >/dev/null
echo "fill_seconds $(( ($(date +%s%N) - t0) / 1000000 ))e-3"
node_start a
echo "db_bytes $(ek a status --json | jq .db_bytes)"

echo "== searches, each a new ekonet process, timed by hyperfine (10 runs each)"
command -v hyperfine >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq hyperfine >/dev/null; }
# Words of the generated vocabulary, from the most common (in nearly every report) to rare
# ones, one or two at a time, with and without diacritics, and a prefix of a rare stem.
queries="matavfall,solceller,fjärrvärme,fjarrvarme,klimatstrategi,vindkraft,biogas,cykelväg,skolkök"
queries+=",matavfall solceller,livsmedelsupphandling,naturreservat,elflotta,bussresor,varmeverk"
queries+=",dagvattenrening,energieffektivisering,glasförbrukn*"
hyperfine -N --warmup 2 -r 10 --export-json "$TESTDIR/h.json" -L q "$queries" \
    "$EKONET --dir $TESTDIR/a report search {q} --limit 10" >/dev/null
jq -r '.results[] | .mean * 1e6 | floor' "$TESTDIR/h.json" >"$TESTDIR/wall"
: >"$TESTDIR/query"
IFS=, read -ra qs <<<"$queries"
for q in "${qs[@]}"; do
    # shellcheck disable=SC2086
    out=$("$EKONET" --dir "$TESTDIR/a" report search $q --limit 10 --json)
    echo "$out" | jq .query_us >>"$TESTDIR/query"
    [ -n "${VERBOSE:-}" ] && echo "$q: query $(echo "$out" | jq .query_us) us, $(echo "$out" | jq .total) hits"
done
stats() { sort -n "$1" | awk '{a[NR] = $1} END {printf "p50 %.1f ms, p90 %.1f ms, max %.1f ms (%d queries)\n", a[int(NR*0.5)+1]/1000, a[int(NR*0.9)]/1000, a[NR]/1000, NR}'; }
echo "search_command $(stats "$TESTDIR/wall")"
echo "fts5_query     $(stats "$TESTDIR/query")"
echo "process start  $(hyperfine -N --warmup 3 -r 30 --export-json "$TESTDIR/v.json" "$EKONET --version" >/dev/null; jq -r '.results[0].mean * 1000 | . * 10 | floor / 10' "$TESTDIR/v.json") ms (ekonet --version)"
echo "(target: <= 20 ms per command including process start)"
node_stop a
