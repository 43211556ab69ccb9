#!/usr/bin/env bash
# Builds ekonet with AddressSanitizer and UndefinedBehaviorSanitizer and runs every test
# (unit tests and multi-node tests with real daemons) through ctest, then runs every libFuzzer
# target briefly (a clang build of its own).
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

# Static checks: cppcheck and clang-tidy must report nothing (docs/TESTING.md).
scripts/lint.sh "${EKONET_LINT_BUILD_DIR:-build/lint}"

# libFuzzer targets (clang): a short run of each over its committed seed corpus (docs/TESTING.md).
fuzz_build=${EKONET_FUZZ_BUILD_DIR:-build/fuzz}
CC=clang cmake -S . -B "$fuzz_build" -DEKONET_FUZZ=ON -DEKONET_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$fuzz_build" -j"$jobs" --target fuzz
ctest --test-dir "$fuzz_build" -L fuzz --output-on-failure -j"$jobs"
