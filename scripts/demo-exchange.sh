#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# make demo, part 2: MIKEY key agreement with the `mikey` tool, Alice (the
# initiator) and Bob (the responder) talking through files. Credentials are
# made on the fly in a temporary directory; each exchange prints its
# messages and the keys both sides agreed, and checks that they are equal.
set -euo pipefail
build=${1:-build}
mikey="$(cd "$build/tools" && pwd)/mikey"
dir=$(mktemp -d "${TMPDIR:-/tmp}/mikey-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

hr() { printf '\n== %s ==\n' "$*"; }

hr "Credentials: a test CA, certificates for Alice and Bob, a pre-shared key"
"$mikey" keygen ca --key ca.key --cert ca.pem
"$mikey" keygen cert --uri sip:alice@a.example --key alice.key --cert alice.pem --ca-cert ca.pem --ca-key ca.key
"$mikey" keygen cert --uri sip:bob@b.example --key bob.key --cert bob.pem --ca-cert ca.pem --ca-key ca.key
"$mikey" keygen psk alice-bob.psk
cat >alice.conf <<'EOF'
id = sip:alice@a.example
peer = sip:bob@b.example
key = alice.key
cert = alice.pem
trust = ca.pem
psk-file = alice-bob.psk
peer-cert sip:bob@b.example = bob.pem
EOF
cat >bob.conf <<'EOF'
id = sip:bob@b.example
key = bob.key
cert = bob.pem
trust = ca.pem
psk-file sip:alice@a.example = alice-bob.psk
EOF
ls -l
echo "--- alice.conf"; cat alice.conf
echo "--- bob.conf"; cat bob.conf

# exchange TITLE OFFER-OPTIONS...: offer, answer, finish; show and compare the keys.
exchange() {
  local title=$1
  shift
  hr "$title"
  rm -f i.msg r.msg alice.keys bob.keys
  echo "\$ mikey offer -c alice.conf $* -s alice.state i.msg"
  "$mikey" offer -c alice.conf "$@" -s alice.state i.msg
  echo "I_MESSAGE, Alice -> Bob:"
  "$mikey" dump i.msg
  echo "\$ mikey answer -c bob.conf --show-keys i.msg r.msg"
  "$mikey" answer -c bob.conf --show-keys i.msg r.msg >bob.keys
  echo "R_MESSAGE, Bob -> Alice:"
  "$mikey" dump r.msg
  echo "\$ mikey finish -c alice.conf -s alice.state --show-keys r.msg"
  "$mikey" finish -c alice.conf -s alice.state --show-keys r.msg >alice.keys
  echo "Alice's keys:"; sed 's/^/  /' alice.keys
  echo "Bob's keys:";   sed 's/^/  /' bob.keys
  if [ -n "$(grep '^cs ' alice.keys)" ] && [ "$(grep '^cs ' alice.keys)" = "$(grep '^cs ' bob.keys)" ]; then
    echo "=> both sides hold the same SRTP master keys and salts"
  else
    echo "=> the keys DIFFER"
    exit 1
  fi
}

exchange "PSK (RFC 3830 §3.1) with a verification message" --mode psk --verify
exchange "Signed Diffie-Hellman (RFC 3830 §3.3), two crypto sessions" --mode dh --ssrc 0x1234abcd --ssrc 0
exchange "Public-key envelope (RFC 3830 §3.2) with a verification message" --mode pke --verify
