#!/usr/bin/env bash
# Installs the Debian packages ekonet needs to build and test, if any are missing.
# Run as root (or with sudo available); otherwise it prints the apt-get command to run.
set -euo pipefail

packages=(
    build-essential cmake pkg-config
    libzmq3-dev libsodium-dev libprotobuf-c-dev protobuf-c-compiler
    libsqlite3-dev libinih-dev libcjson-dev libmicrohttpd-dev libxlsxwriter-dev
    libcmocka-dev jq sqlite3 faketime curl prometheus
    cppcheck clang-tidy
    clang libclang-rt-dev
    nftables iproute2
    chromium chromium-driver python3-selenium # only for tests: SVG charts rendered in a browser
    python3-openpyxl # only for tests: exported XLSX files read back as Excel would
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    apt_get() { DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
elif command -v sudo >/dev/null 2>&1; then
    apt_get() { sudo DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
else
    echo "Missing packages; run as root: apt-get install ${missing[*]}" >&2
    exit 1
fi
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}"
