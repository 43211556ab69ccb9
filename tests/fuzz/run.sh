#!/usr/bin/env bash
# Runs one libFuzzer target for a fixed time over a copy of its committed seed corpus, so that
# the committed corpus never changes. A crash, leak, sanitizer report or timeout fails the run;
# the input that caused it is kept in ARTIFACTS and printed as hex.
#   run.sh FUZZER CORPUS SECONDS ARTIFACTS [DICT [OPTION...]]
# OPTIONs are libFuzzer's, given after the defaults below, so they win (-rss_limit_mb=256).
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3 artifacts=$4 dict=${5:-}
shift $(($# < 5 ? $# : 5))

work=$(mktemp -d "${TMPDIR:-/tmp}/ekonet-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$artifacts"
touch "$work/start"
[ -d "$corpus" ] && cp -r "$corpus/." "$work/corpus/"

args=(-max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -max_len=65536
      -print_final_stats=1 -artifact_prefix="$artifacts/")
[ -n "$dict" ] && args+=(-dict="$dict")
args+=("$@")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rc=0
TMPDIR="$work" "$fuzzer" "${args[@]}" "$work/corpus" || rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAILED: $(basename "$fuzzer") exited with $rc; the input is kept in $artifacts:" >&2
    find "$artifacts" -type f -newer "$work/start" | while read -r f; do
        echo "--- $f" >&2
        od -An -tx1 -v "$f" | head -64 >&2
    done
fi
exit "$rc"
