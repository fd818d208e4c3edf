#!/usr/bin/env bash
# Regenerate fuzz/pki.h: a small TEST-ONLY PKI for the session fuzz targets
# and tests/interop/prog/fuzz_seeds.c (1024-bit RSA so that signing and
# verifying stay cheap inside the fuzzer). Validity 2020-2120 so the fuzz
# environment's fixed clock (2026-01-01) is inside it. Made with the openssl
# CLI (`openssl ca`, which takes explicit start/end dates). Regenerating
# changes the keys: the seed corpora must then be regenerated too
# (fuzz_seeds, see docs/security.md).
#   usage: fuzz/make_pki.sh > fuzz/pki.h
set -euo pipefail
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
cd "$d"
mkdir newcerts
touch index.txt
echo 1000 > serial
cat > ca.cnf <<'CNF'
[ca]
default_ca = fz
[fz]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = URI:${ENV::FZ_URI}
CNF
q() { "$@" >/dev/null 2>&1; }
q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out ca.key
q openssl req -new -key ca.key -subj "/CN=openmikey fuzz test CA" -out ca.csr
FZ_URI=x q openssl ca -batch -config ca.cnf -selfsign -keyfile ca.key -in ca.csr -out ca.pem -extensions v3_ca \
  -startdate 20200101000000Z -enddate 21200101000000Z -notext
for who in alice:sip:alice@a.example bob:sip:bob@b.example; do
  n=${who%%:*} uri=${who#*:}
  q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out $n.key
  q openssl req -new -key $n.key -subj "/CN=$n" -out $n.csr
  FZ_URI=$uri q openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in $n.csr -out $n.pem -extensions leaf \
    -startdate 20200101000000Z -enddate 21200101000000Z -notext
done
cstr() { sed -e 's/^/    "/' -e 's/$/\\n"/' "$1"; }
echo '/* SPDX-License-Identifier: BSD-2-Clause */'
echo '/* TEST-ONLY PKI for the fuzz targets and their seed generator, made by'
echo ' * fuzz/make_pki.sh (openssl CLI): a CA and two 1024-bit RSA leaves with a'
echo ' * SIP URI subjectAltName, valid 2020-2120. These private keys are public:'
echo ' * never use them for anything else. */'
echo '#ifndef FUZZ_PKI_H'
echo '#define FUZZ_PKI_H'
for f in ca.pem:FZ_CA_PEM alice.key:FZ_ALICE_KEY_PEM alice.pem:FZ_ALICE_CERT_PEM bob.key:FZ_BOB_KEY_PEM \
         bob.pem:FZ_BOB_CERT_PEM; do
  echo "#define ${f#*:} \\"
  cstr "${f%%:*}" | sed '$!s/$/ \\/'
done
echo '#endif'
