#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Run the benchmarks of BUILD_DIR and print their Markdown tables.
# Usage: bench/run.sh BUILD_DIR [ARGS...]   (ARGS are passed to every benchmark)
# Benchmarks are listed in BENCHES: add new ones there (each is
# BUILD_DIR/bench/<name> and prints Markdown on stdout).
set -euo pipefail
build=${1:?usage: bench/run.sh BUILD_DIR}
shift
BENCHES=(
  srtp   # SRTP/SRTCP engine vs libsrtp2 vs the bare OpenSSL floor
)
type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
case "$type" in
  Release|RelWithDebInfo) ;;
  *) echo "> warning: $build is a '${type:-?}' build; the library is not optimised, numbers are meaningless." ;;
esac
echo "# openmikey benchmarks"
echo
echo "$(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs; build type ${type:-?}"
status=0
for b in "${BENCHES[@]}"; do
  bin="$build/bench/$b"
  echo
  echo "## $b"
  echo
  if [ ! -x "$bin" ]; then
    echo "not built ($bin missing)"; status=1; continue
  fi
  "$bin" "$@" || status=1
done
exit $status
