#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# X.509 checks of the crypto ops (cert parsing, chain verification at a
# given time, subjectAltName URI identity binding; RFC 3830 §4.3). The
# certificates are created here with the `openssl` command line (a test CA,
# an intermediate, leaves), then tests/interop/prog/cert_check.c runs one
# ops->cert_verify per line and compares the error with the expected one.
set -euo pipefail

BUILD=${MIKEY_BUILD:?MIKEY_BUILD not set}
CHECK="$BUILD/tests/cert_check"
command -v openssl >/dev/null || { echo "FAIL: openssl command line missing"; exit 1; }
[ -x "$CHECK" ] || { echo "FAIL: $CHECK not built"; exit 1; }

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
ext() { printf '%s\n' "$@" > "$W/ext.cnf"; }
# sign NAME ISSUER SERIAL DAYS EXT...: a certificate for NAME.key issued by ISSUER
sign() {
  local name=$1 issuer=$2 serial=$3 days=$4; shift 4
  ext "$@"
  openssl req -new -key "$name.key" -subj "/CN=$name" -out "$name.csr" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -set_serial "$serial" \
    -days "$days" -sha256 -extfile ext.cnf -out "$name.pem" 2>/dev/null
}

CA_EXT=("basicConstraints=critical,CA:TRUE" "keyUsage=critical,keyCertSign,cRLSign"
        "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid")
leaf_ext() { echo "basicConstraints=CA:FALSE"; echo "keyUsage=digitalSignature,keyEncipherment"; echo "subjectAltName=$1"; }

for k in root int alice bob alice1d self evilroot evil notca victim; do key "$k.key"; done
# Root CA (self-signed) and intermediate.
openssl req -x509 -new -key root.key -subj "/CN=openmikey test root" -days 3650 -sha256 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out root.pem 2>/dev/null
sign int root 2 3650 "${CA_EXT[@]}"
# Leaves: alice (SAN URI sip:alice@a.example, plus a DNS name and a second URI),
# bob (another identity), alice1d (valid for 1 day only).
mapfile -t E < <(leaf_ext "URI:sip:alice@a.example,DNS:a.example,URI:tel:+15550100")
sign alice int 10 365 "${E[@]}"
mapfile -t E < <(leaf_ext "URI:sip:bob@b.example")
sign bob int 11 365 "${E[@]}"
mapfile -t E < <(leaf_ext "URI:sip:alice@a.example")
sign alice1d int 12 1 "${E[@]}"
# A self-signed leaf claiming alice, and a leaf from an untrusted CA.
openssl req -x509 -new -key self.key -subj "/CN=self" -days 365 -sha256 \
  -addext "subjectAltName=URI:sip:alice@a.example" -out self.pem 2>/dev/null
openssl req -x509 -new -key evilroot.key -subj "/CN=openmikey test root" -days 3650 -sha256 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out evilroot.pem 2>/dev/null
mapfile -t E < <(leaf_ext "URI:sip:alice@a.example")
sign evil evilroot 13 365 "${E[@]}"
# A leaf (not a CA) used as an issuer.
mapfile -t E < <(leaf_ext "URI:sip:notca@a.example")
sign notca int 14 365 "${E[@]}"
mapfile -t E < <(leaf_ext "URI:sip:alice@a.example")
sign victim notca 15 365 "${E[@]}"
openssl x509 -in alice.pem -outform DER -out alice.der
printf 'not a certificate\n' > junk.pem
head -c 200 alice.der > trunc.der

NOW=$(date +%s)
fail=0
n=0
run() { n=$((n+1)); if ! "$CHECK" "$@"; then echo "FAIL: cert_check $*"; fail=$((fail+1)); fi; }
GOOD=(--trust root.pem --chain int.pem --time "$NOW")

# Valid chain and identity; the key checks (matches, signs) ride along.
run --leaf alice.pem "${GOOD[@]}" --identity sip:alice@a.example --key alice.key --other-key bob.key --expect OK
run --leaf alice.der "${GOOD[@]}" --identity sip:alice@a.example --expect OK
run --leaf alice.pem "${GOOD[@]}" --identity tel:+15550100 --expect OK
run --leaf alice.pem "${GOOD[@]}" --expect OK                              # no identity: chain only
# Identity rule: scheme and host case-insensitive, everything else exact.
run --leaf alice.pem "${GOOD[@]}" --identity SIP:alice@A.Example --expect OK
run --leaf alice.pem "${GOOD[@]}" --identity sip:Alice@a.example --expect IDENTITY
run --leaf alice.pem "${GOOD[@]}" --identity sips:alice@a.example --expect IDENTITY
run --leaf alice.pem "${GOOD[@]}" --identity sip:alice@a.example.evil --expect IDENTITY
run --leaf alice.pem "${GOOD[@]}" --identity sip:alice@a.exampl --expect IDENTITY
run --leaf alice.pem "${GOOD[@]}" --identity "sip:alice@a.example;transport=tls" --expect IDENTITY
run --leaf alice.pem "${GOOD[@]}" --identity alice@a.example --expect IDENTITY
run --leaf alice.pem "${GOOD[@]}" --identity a.example --expect IDENTITY   # the DNS SAN is not an identity
run --leaf alice.pem "${GOOD[@]}" --identity "" --expect IDENTITY
# Another identity's certificate.
run --leaf bob.pem "${GOOD[@]}" --identity sip:alice@a.example --expect IDENTITY
run --leaf bob.pem "${GOOD[@]}" --identity sip:bob@b.example --expect OK
# Chain problems are CERT, whatever the identity.
run --leaf alice.pem --trust root.pem --time "$NOW" --identity sip:alice@a.example --expect CERT   # no intermediate
run --leaf alice.pem --chain int.pem --time "$NOW" --identity sip:alice@a.example --expect CERT    # empty trust store
run --leaf alice.pem --trust int.pem --time "$NOW" --identity sip:alice@a.example --expect CERT    # anchor must be a root
run --leaf self.pem "${GOOD[@]}" --identity sip:alice@a.example --expect CERT                     # self-signed, untrusted
run --leaf evil.pem --trust root.pem --chain evilroot.pem --time "$NOW" --identity sip:alice@a.example --expect CERT
run --leaf victim.pem --trust root.pem --chain notca.pem --chain int.pem --time "$NOW" --identity sip:alice@a.example --expect CERT
# Time comes from the caller (env->now), never from the system clock.
run --leaf alice1d.pem "${GOOD[@]}" --identity sip:alice@a.example --expect OK
run --leaf alice1d.pem --trust root.pem --chain int.pem --time $((NOW + 3*86400)) --identity sip:alice@a.example --expect CERT  # expired
run --leaf alice.pem --trust root.pem --chain int.pem --time $((NOW - 86400)) --identity sip:alice@a.example --expect CERT     # not yet valid
run --leaf alice.pem --trust root.pem --chain int.pem --time $((NOW + 400*86400)) --expect CERT                                # expired
# Input that is not a certificate.
run --leaf junk.pem "${GOOD[@]}" --expect ENCODING
run --leaf trunc.der "${GOOD[@]}" --expect ENCODING

echo "crypto_certs: $((n - fail)) of $n checks passed"
[ "$fail" -eq 0 ]
