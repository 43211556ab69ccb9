#!/usr/bin/env bash
# Static checks: cppcheck and clang-tidy (config in .clang-tidy) over lib, daemon, cli and tests,
# driven by a build directory's compile_commands.json. Generated protobuf code (gen/) is skipped.
# Usage: scripts/lint.sh [BUILD_DIR]   (default build/lint, configured here if missing)
# Prints one summary line per tool; exits non-zero if either tool reports anything.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

build=${1:-build/lint}
jobs=$(nproc)
if [ ! -f "$build/compile_commands.json" ]; then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
        >/dev/null || exit 1
fi
# clang-tidy needs the generated protobuf headers and version.h.
cmake --build "$build" --target ekonet_gen -j"$jobs" >/dev/null || exit 1
build=$(cd "$build" && pwd)

tidy=$(command -v run-clang-tidy-14 || command -v run-clang-tidy || true)
if ! command -v cppcheck >/dev/null || [ -z "$tidy" ]; then
    echo "lint: cppcheck and run-clang-tidy are needed (scripts/deps.sh installs them)" >&2
    exit 1
fi

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
status=0

# cppcheck does not read protobuf-c's system header; the generated headers check its version.
start=$SECONDS
mkdir -p "$build/cppcheck"
cppcheck --project="$build/compile_commands.json" --enable=warning,performance,portability \
    --inline-suppr --quiet -j"$jobs" --cppcheck-build-dir="$build/cppcheck" -i "$build" \
    -DPROTOBUF_C_VERSION_NUMBER=1004001 -DPROTOBUF_C_MIN_COMPILER_VERSION=1000000 \
    --error-exitcode=1 >"$log/cppcheck" 2>&1
rc=$?
n=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: ' "$log/cppcheck")
if [ $rc -ne 0 ] || [ "$n" -ne 0 ]; then
    cat "$log/cppcheck"
    echo "cppcheck: FAIL, $n finding(s) ($((SECONDS - start))s)"
    status=1
else
    echo "cppcheck: ok, no findings ($((SECONDS - start))s)"
fi

start=$SECONDS
"$tidy" -p "$build" -j"$jobs" -quiet "$root/(lib|daemon|cli|tests)/" \
    >"$log/tidy.raw" 2>"$log/tidy.err"
rc=$?
sed 's/\x1b\[[0-9;]*m//g' "$log/tidy.raw" >"$log/tidy"
n=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "$log/tidy")
if [ $rc -ne 0 ] || [ "$n" -ne 0 ]; then
    grep -vE '^(clang-tidy|[0-9]+ warnings? generated|Suppressed|Use -header-filter)' "$log/tidy"
    grep -E 'error|Error' "$log/tidy.err" | grep -v 'warnings-as-errors' | head -20 >&2
    echo "clang-tidy: FAIL, $n finding(s) ($((SECONDS - start))s)"
    status=1
else
    echo "clang-tidy: ok, no findings ($((SECONDS - start))s)"
fi
exit $status
