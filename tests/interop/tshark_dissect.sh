#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Interop: Wireshark's MIKEY dissector (tshark 4.0) against our wire codec.
#
# 1. gen_corpus builds (level-3 builder API) every payload and field variant
#    tshark 4.0 decodes, writes <name>.bin and <name>.fields (what tshark
#    must print, computed from OUR parse of the bytes), plus a second corpus
#    of what tshark cannot decode (checked by our round trip only).
# 2. Real messages (shared/samples/rtsp-mikey-null.txt, the two RFC 4567
#    §5.1 examples) and the golden corpus get their .fields from mikey_fields.
# 3. (tshark_lib.bash, shared with tshark_session.sh) Every message
#    becomes one UDP packet to port 2269 in one pcap; one
#    `tshark -T fields` run (all mikey.* fields + malformed/expert) and one
#    `tshark -V -O mikey` run.
# 4. A message fails on: "Malformed", an expert info of severity warning or
#    error, a chain that stops before Next Payload = 0 (or a final SIGN), or
#    any mikey.* field whose list of values differs from ours.
#
# Env (set by CTest): MIKEY_SRC, MIKEY_BUILD. Optional: MIKEY_SHARED (the
# specs/samples directory, default /work/shared; when it is absent the real
# messages come from tests/golden/wire-corpus.txt). A missing peer FAILS.
set -u

SRC=${MIKEY_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${MIKEY_BUILD:-$SRC/build}
SHARED=${MIKEY_SHARED:-/work/shared}
PY=/usr/bin/python3
# tshark_need / tshark_compare: the checks shared with tshark_session.sh
. "$SRC/tests/interop/tshark_lib.bash"

GEN=$BUILD/tests/gen_corpus
FIELDS=$BUILD/tests/mikey_fields
tshark_need "$GEN" "$FIELDS"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mikey-tshark.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tshark" "$tmp/rt" "$tmp/real"

# A real DER certificate for the CERT payloads (tshark dissects it as X.509).
if ! timeout 60 openssl req -x509 -newkey rsa:1024 -nodes -subj /CN=test -days 1 -outform DER \
    -keyout /dev/null -out "$tmp/cert.der" >/dev/null 2>&1; then
  echo "FAIL: openssl could not make a test certificate"
  exit 1
fi
if ! timeout 60 "$GEN" "$tmp/tshark" "$tmp/rt" "$tmp/cert.der"; then
  echo "FAIL: gen_corpus"
  exit 1
fi

if ! "$PY" "$SRC/tests/interop/real_messages.py" "$SRC" "$SHARED" "$tmp/real" >"$tmp/real.txt"; then
  cat "$tmp/real.txt"
  exit 1
fi

tshark_compare "$tmp" "$FIELDS" tshark real rt
exit $?
