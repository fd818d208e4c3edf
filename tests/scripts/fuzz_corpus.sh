#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The committed seed corpora of the session fuzz targets still reach what
# they were made for (tests/interop/prog/fuzz_seeds.c --check): a library
# change that makes them stale, and the fuzzers shallow, fails here.
# Regenerate with: $MIKEY_BUILD/tests/fuzz_seeds fuzz/corpus (docs/security.md).
set -u
SRC=${MIKEY_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${MIKEY_BUILD:-$SRC/build}
gen=$BUILD/tests/fuzz_seeds
if [ ! -x "$gen" ]; then
  echo "FAIL: $gen is not built" >&2
  exit 1
fi
exec "$gen" --check "$SRC/fuzz/corpus"
