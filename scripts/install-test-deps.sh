#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain:
#   - Debian's `chromium`, used by the scrm-report browser tests (headless, offline) to render the
#     HTML reports, check their DOM and network log, and take screenshots;
#   - a CJK font (`fonts-noto-cjk`), so the zh-TW reports render (and screenshot) with real glyphs.
# Idempotent: installs only what is missing, and does nothing when everything is there.
# Needs root or sudo (CI runs as root).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-test-deps: chromium and fonts already installed ($(command -v chromium))"
    exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-test-deps: installing ${missing[*]} with apt-get"
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
command -v chromium
