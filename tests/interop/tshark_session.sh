#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Interop: Wireshark's MIKEY dissector (tshark 4.0) against every message
# the session layer (session.h) emits.
#
# session_corpus runs real exchanges (fixed clock, seeded RNG, fresh RSA
# keys and certificates) and writes each message: I_MESSAGE and R_MESSAGE
# of PSK (with and without V), PKE (with and without V), DH, DH-HMAC, RSA-R
# and MIKEY-NULL, update (rekey) messages, Error messages (Invalid SPpar
# with SPs, Auth failure, Invalid TS after a replay and a clock skew, Invalid
# Cert, Invalid EA, Invalid DT), several crypto sessions, KV = SPI; each
# exchange must agree on the keys. Every message tshark 4.0 can show comes
# with the fields tshark must print, from OUR parse (fields.h); tshark_lib
# fails a message on "Malformed", a warning or error expert info, a chain
# that stops early, or any field that differs. The settings tshark 4.0
# cannot show (HMAC-SHA-256, PRF HMAC-SHA-256, AES-CM-256, CHASH, DH with
# KV != NULL, SRTP params above 12 such as GCM's) form a second set,
# checked by our round trip (mikey_fields --roundtrip) only.
#
# Env (set by CTest): MIKEY_SRC, MIKEY_BUILD. A missing peer FAILS.
set -u

SRC=${MIKEY_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${MIKEY_BUILD:-$SRC/build}
. "$SRC/tests/interop/tshark_lib.bash"

CORPUS=$BUILD/tests/session_corpus
FIELDS=$BUILD/tests/mikey_fields
tshark_need "$CORPUS" "$FIELDS"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mikey-tshark-session.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tshark" "$tmp/rt"

if ! timeout 120 "$CORPUS" "$tmp/tshark" "$tmp/rt"; then
  echo "FAIL: session_corpus"
  exit 1
fi
# Coverage: each mode's I_MESSAGE and R_MESSAGE, updates and the Error
# messages must be in the tshark set.
missing=""
for n in psk-i psk-v-i psk-v-r pke-i pke-v-i pke-v-r dh-i dh-r dhhmac-i dhhmac-r rsar-i rsar-r null-i null-tek-i \
         psk-update-i psk-v-update-r pke-update-i dh-update-i dh-update-r dhhmac-update-r rsar-update-r null-update-i \
         err-invalid-sppar err-auth err-invalid-ts err-replay err-invalid-cert err-invalid-ea err-invalid-dt; do
  [ -f "$tmp/tshark/$n.bin" ] && [ -f "$tmp/tshark/$n.fields" ] || missing="$missing $n"
done
if [ -n "$missing" ]; then
  echo "FAIL: session_corpus did not write:$missing"
  exit 1
fi
# The SPpar Error message carries the responder's SP payloads (RFC 3830 §5.1.2).
if ! grep -q '^mikey.sp.no=' "$tmp/tshark/err-invalid-sppar.fields"; then
  echo "FAIL: the Invalid SPpar Error message has no SP payload"
  exit 1
fi

tshark_compare "$tmp" "$FIELDS" tshark "" rt
exit $?
