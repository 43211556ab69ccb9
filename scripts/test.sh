#!/usr/bin/env bash
# Builds ekonet with AddressSanitizer and UndefinedBehaviorSanitizer and runs every test
# (unit tests and multi-node tests with real daemons) through ctest.
# Installs missing Debian packages first (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh

build=${EKONET_BUILD_DIR:-build/test}
jobs=$(nproc)
cmake -S . -B "$build" -DEKONET_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$jobs"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j"$jobs"
