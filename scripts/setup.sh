#!/usr/bin/env bash
# openmikey: install the Debian packages the build and the test suite need.
# Idempotent: installs only what is missing; a second run does nothing.
# Usage: scripts/setup.sh [--check]   (--check: list what is missing, exit 1 if any)
set -euo pipefail

PKGS=(
  # build
  build-essential cmake pkg-config libssl-dev
  # clang for libFuzzer and the sanitizer build
  clang libclang-rt-14-dev
  # real peers used by the tests (see docs/interop.md)
  tshark libgstreamer-plugins-base1.0-dev libgstreamer1.0-dev
  libsrtp2-dev
  # SIP stack of tools/mikey-ua (INTEROP.md "SIP stack facts")
  libre-dev
  # SIP proxy/registrar peer of tests/e2e/ua_kamailio.sh
  kamailio
  # two-proxy testbed and call benchmarks (docs/testbed.md)
  kamailio-tls-modules sip-tester gnuplot-nox
  # tools the tests use
  xxd python3 groff-base
  # memcheck job of make test-valgrind
  valgrind
  # a real UA without MIKEY for tests/e2e/ua_baresip.sh
  baresip-core
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${1:-}" = "--check" ]; then
  if [ ${#missing[@]} -gt 0 ]; then echo "missing: ${missing[*]}"; exit 1; fi
  echo "all packages present"; exit 0
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: answer no, without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
