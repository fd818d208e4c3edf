#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Interop: our SRTP/SRTCP engine against libsrtp2 (Debian's libsrtp2-dev,
# 2.5.0, NSS back end), both directions, every suite libsrtp2 supports, over
# thousands of packets with sequence wrap, reordering, loss, duplicates,
# SRTCP, MKI key switch, non-zero ROC and an any-SSRC template; plus the
# exact signature of libsrtp2's AES-192 key-derivation bug. The work is done
# by tests/interop/prog/srtp_libsrtp.c (linked with libsrtp2).
#
# Env (set by CTest): MIKEY_BUILD. A missing peer FAILS: the program is only
# built when pkg-config finds libsrtp2 (scripts/setup.sh installs it).
set -u
SRC=${MIKEY_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${MIKEY_BUILD:-$SRC/build}
prog="$BUILD/tests/srtp_libsrtp"
if [ ! -x "$prog" ]; then
  echo "FAIL: $prog not built: libsrtp2 missing? (apt-get install libsrtp2-dev, then reconfigure)"
  exit 1
fi
if ! pkg-config --exists libsrtp2; then
  echo "FAIL: pkg-config cannot find libsrtp2"
  exit 1
fi
echo "# libsrtp2 $(pkg-config --modversion libsrtp2)"
timeout 300 "$prog"
