#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Live independent check of the MIKEY-1 PRF (RFC 3830 §4.1.2) against
# OpenSSL's TLS1-PRF KDF (`openssl kdf -kdfopt digest:SHA1 ... TLS1-PRF`):
# MIKEY's P-function is TLS 1.0's P_SHA1, so for an inkey of at most 256
# bits PRF(inkey, label) = P_SHA1(secret = inkey, seed = label). For longer
# inkeys the PRF XORs one P per 256-bit block; that is rebuilt here from one
# `openssl kdf` run per block. Our side is printed by tests/interop/prog/
# prf_print.c. Inputs are deterministic (SHA-256 of a counter), lengths
# cover 1..32-byte single blocks, a full last block and short last blocks.
set -euo pipefail

BUILD=${MIKEY_BUILD:?MIKEY_BUILD not set}
PRINT="$BUILD/tests/prf_print"
command -v openssl >/dev/null || { echo "FAIL: openssl command line missing"; exit 1; }
[ -x "$PRINT" ] || { echo "FAIL: $PRINT not built"; exit 1; }
openssl kdf -help >/dev/null 2>&1 || { echo "FAIL: this openssl has no kdf command"; exit 1; }

# det TAG NBYTES: deterministic hex bytes
det() {
  local tag=$1 n=$2 out="" i=0
  while [ $(( ${#out} / 2 )) -lt "$n" ]; do
    out+=$(printf '%s/%d' "$tag" "$i" | sha256sum | cut -c1-64)
    i=$((i + 1))
  done
  echo "${out:0:$((2 * n))}"
}

# oracle INKEY_HEX LABEL_HEX OUTLEN: TLS1-PRF, XORed over 256-bit blocks
oracle() {
  local key=$1 label=$2 ol=$3 acc="" blk
  while [ -n "$key" ]; do
    blk=${key:0:64}
    key=${key:64}
    local p
    p=$(openssl kdf -kdfopt digest:SHA1 -kdfopt "hexsecret:$blk" -kdfopt "hexseed:$label" \
          -keylen "$ol" TLS1-PRF | tr -d ':\n' | tr 'A-F' 'a-f')
    if [ -z "$acc" ]; then
      acc=$p
    else
      local x="" j
      for ((j = 0; j < ${#p}; j += 2)); do
        x+=$(printf '%02x' $(( 0x${acc:j:2} ^ 0x${p:j:2} )))
      done
      acc=$x
    fi
  done
  echo "$acc"
}

n=0
fail=0
check() {
  local key=$1 label=$2 ol=$3 ours theirs
  n=$((n + 1))
  ours=$("$PRINT" 0 "$key" "$label" "$ol")
  theirs=$(oracle "$key" "$label" "$ol")
  if [ "$ours" != "$theirs" ]; then
    echo "FAIL: inkey ${#key}/2 bytes, label ${#label}/2 bytes, outlen $ol"
    echo "  inkey $key"; echo "  label $label"; echo "  ours   $ours"; echo "  oracle $theirs"
    fail=$((fail + 1))
  fi
}

# Single blocks (the oracle is exact here): 1..32-byte inkeys.
i=0
for kl in 1 5 16 20 24 31 32; do
  for ol in 1 16 20 21 30 40 46 64 100; do
    i=$((i + 1))
    # label = constant || cs_id || csb_id || RAND (RFC 3830 §4.1.3), RAND 16 bytes
    check "$(det key$kl $kl)" "2ad01c6401$(det csb$i 4)$(det rand$i 16)" "$ol"
  done
done
# Longer RANDs and an empty one.
check "$(det key16 16)" "29b88916ff$(det csb 4)" 20
check "$(det key16 16)" "150533e1ff$(det csb 4)$(det long 255)" 46
# Multi-block inkeys: full last block (64, 192 = OAKLEY 5 DH TGK) and short
# last blocks (33, 48, 100).
for kl in 33 48 64 100 192; do
  for ol in 14 16 20 30 46; do
    check "$(det key$kl $kl)" "2ad01c6402$(det csb 4)$(det rand 16)" "$ol"
  done
done

echo "prf_openssl_oracle: $((n - fail)) of $n PRF outputs equal OpenSSL's TLS1-PRF"
[ "$fail" -eq 0 ]
