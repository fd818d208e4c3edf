#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# mikey keygen / offer / answer / finish end to end, two "processes" per
# side talking through files:
#  - keygen: a CA and two users (checked independently with `openssl x509`
#    and `openssl verify`), PSK files, file modes 0600 for secrets;
#  - every mode (PSK with and without V, PKE with and without V, DH, DH-HMAC,
#    RSA-R, MIKEY-NULL) and variants (several crypto sessions, GCM, DH group
#    1, PRF HMAC-SHA-256, AES-KW / HMAC-SHA-256 KEMAC, MKI, hex / SDP / raw
#    messages): the "cs" lines of --show-keys are equal on both sides; for
#    MIKEY-NULL the key is also read off the wire with `mikey dump`;
#  - the state file is 0600 while pending and deleted by finish;
#  - replay: the same I_MESSAGE to `answer` with the persisted replay cache
#    file is refused (Invalid TS Error message), and accepted without it;
#  - wrong PSK: refused, Error message written (Auth failure, code printed),
#    `finish` reports the code and keeps the offer pending;
#  - `finish` on a tampered R_MESSAGE is refused and keeps the state; the
#    genuine one then completes; an untrusted CA is refused;
#  - configuration file and usage errors; --help of each new subcommand.
. "$(dirname "$0")/cli_common.bash"
need openssl groff

cd "$T" || exit 1
A=sip:alice@a.example
B=sip:bob@b.example

mode_of() { stat -c %a "$1"; }

# ---- keygen ----
run "$M" keygen ca --key ca.key --cert ca.pem --bits 2048
expect_rc "keygen ca" 0
for u in alice:$A bob:$B; do
  n=${u%%:*}
  run "$M" keygen cert --uri "${u#*:}" --key "$n.key" --cert "$n.pem" --ca-cert ca.pem --ca-key ca.key
  expect_rc "keygen cert $n" 0
done
run "$M" keygen ca --key ca.key --cert ca.pem
expect_rc "keygen ca over an existing file" 1
expect_err "keygen ca over an existing file" "exists (use --force"
run "$M" keygen cert --uri "sip:x y" --key x.key --cert x.pem
expect_rc "keygen cert with a bad URI" 2
run "$M" keygen psk ab.psk
expect_rc "keygen psk" 0
run "$M" keygen psk --bytes 16
expect_rc "keygen psk to stdout" 0
if grep -qE '^[0-9a-f]{32}$' out; then pass; else fail "keygen psk --bytes 16: $(cat out)"; fi
if grep -qE '^[0-9a-f]{64}$' ab.psk; then pass; else fail "ab.psk is not 32 bytes of hex"; fi
for f in ca.key alice.key bob.key ab.psk; do
  if [ "$(mode_of $f)" = 600 ]; then pass; else fail "$f has mode $(mode_of $f), not 600"; fi
done
# Independent checks with the openssl command.
if openssl verify -CAfile ca.pem alice.pem bob.pem >/dev/null 2>&1; then pass; else fail "openssl verify: certificates do not chain to the CA"; fi
if openssl x509 -in alice.pem -noout -ext subjectAltName 2>/dev/null | grep -qF "URI:$A"; then pass; else fail "alice.pem lacks the SAN URI"; fi
if openssl x509 -in ca.pem -noout -ext basicConstraints 2>/dev/null | grep -q "CA:TRUE"; then pass; else fail "ca.pem is not a CA"; fi
if openssl x509 -in alice.pem -noout -text 2>/dev/null | grep -q "Public-Key: (2048 bit)"; then pass; else fail "alice key is not RSA-2048"; fi
if [ "$(openssl pkey -in alice.key -pubout 2>/dev/null)" = "$(openssl x509 -in alice.pem -noout -pubkey 2>/dev/null)" ]; then pass; else fail "alice.key does not match alice.pem"; fi

cat >alice.conf <<EOF
# the initiator
id = $A
key = alice.key
cert = alice.pem
trust = ca.pem
psk-file $B = ab.psk
peer = $B
peer-cert $B = bob.pem
EOF
cat >bob.conf <<EOF
# the responder
identity = $B
key = bob.key
cert = bob.pem
trust = ca.pem
psk $A = $(cat ab.psk)
peer-cert $A = alice.pem
modes = psk, pke, dh, dhhmac, rsar, null
EOF

# exchange NAME OFFER-OPTS -- ANSWER-OPTS: offer, answer, finish (when a
# response is due); keys of both sides in NAME.a / NAME.b.
exchange() {
  local name=$1
  shift
  local oo=() ao=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do oo+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  ao=("$@")
  rm -f st "$name".i "$name".r
  run "$M" offer -c alice.conf "${oo[@]}" -s st --show-keys "$name.i"
  expect_rc "$name: offer" 0
  cp out "$name.a"
  [ -s "$name.i" ] || fail "$name: no I_MESSAGE written"
  if [ -e st ]; then
    if [ "$(mode_of st)" = 600 ]; then pass; else fail "$name: state file mode $(mode_of st)"; fi
  fi
  run "$M" answer -c bob.conf "${ao[@]}" --show-keys "$name.i" "$name.r"
  expect_rc "$name: answer" 0
  cp out "$name.b"
  if [ -e st ]; then
    [ -s "$name.r" ] || fail "$name: a response is due but none was written"
    run "$M" finish -c alice.conf -s st --show-keys "$name.r"
    expect_rc "$name: finish" 0
    cp out "$name.a"
    if [ -e st ]; then fail "$name: finish left the state file"; else pass; fi
  elif [ -e "$name.r" ]; then
    fail "$name: a response was written although none is due"
  fi
  grep '^cs ' "$name.a" >"$name.acs"
  grep '^cs ' "$name.b" >"$name.bcs"
  if [ -s "$name.acs" ] && cmp -s "$name.acs" "$name.bcs"; then
    pass
  else
    fail "$name: keys differ or missing: initiator [$(cat "$name.a")] responder [$(cat "$name.b")]"
  fi
  if grep -q " key \(00\)*0* " "$name.acs"; then fail "$name: an all-zero key"; fi
}

exchange psk --mode psk
exchange psk-v --mode psk --verify
exchange pke --mode pke
exchange pke-v --mode pke --verify
exchange dh --mode dh
exchange dhhmac --mode dhhmac
exchange rsar --mode rsar
exchange null --mode null --key-transport tek
exchange null-tgk --mode null
exchange psk-3cs --mode psk --verify --ssrc 0x11111111 --ssrc 0 --ssrc 0x33333333
exchange psk-gcm --mode psk --suite AEAD_AES_128_GCM
exchange psk-kw --mode psk --kemac aes-kw-128,hmac-sha-256 --prf hmac-sha-256 --verify
exchange psk-mki --mode psk --mki-len 4 --key-transport tgk+salt
exchange dh-g1 --mode dh --dh-group 1 --suite AES_256_CM_HMAC_SHA1_80 -- --suite AES_256_CM_HMAC_SHA1_80
exchange dh-pss --mode dh --sign pss,sha256
exchange rsar-2cs --mode rsar --ssrc 0 --ssrc 0
exchange dh-hex --mode dh --out hex
exchange dh-sdp --mode dh --out sdp -- --out sdp
exchange pke-raw --mode pke --out raw -- --out raw

# Through pipes: stdin/stdout, base64 and raw.
rm -f st
"$M" offer -c alice.conf --mode dh -s st | "$M" answer -c bob.conf | "$M" finish -c alice.conf -s st --show-keys >pipe.a 2>pipe.err
RC=$?
if [ "$RC" -eq 0 ] && grep -q '^cs 1: ' pipe.a && [ ! -e st ]; then pass; else fail "pipe (base64): rc $RC: $(cat pipe.err)"; fi
"$M" offer -c alice.conf --mode rsar --out raw -s st | "$M" answer -c bob.conf --out raw | "$M" finish -c alice.conf -s st --show-keys >pipe.a 2>pipe.err
RC=$?
if [ "$RC" -eq 0 ] && grep -q '^cs 1: ' pipe.a && [ ! -e st ]; then pass; else fail "pipe (raw): rc $RC: $(cat pipe.err)"; fi
# --show-keys with the message on standard output: the message line first
run "$M" offer -c alice.conf --mode psk --show-keys
expect_rc "offer --show-keys to stdout" 0
if [ "$(sed -n 2p out | cut -c1-5)" = "mode " ] && head -1 out | grep -qE '^[A-Za-z0-9+/]+=*$'; then pass; else fail "offer --show-keys to stdout: $(head -c 300 out)"; fi

# Content checks of the key lines.
if [ "$(wc -l <psk-3cs.acs)" -eq 3 ]; then pass; else fail "psk-3cs: $(wc -l <psk-3cs.acs) crypto sessions, expected 3"; fi
if grep -q "ssrc 0x11111111" psk-3cs.acs && grep -q "ssrc 0x33333333" psk-3cs.acs && ! grep -q "ssrc 0x00000000" psk-3cs.acs; then pass; else fail "psk-3cs: SSRCs $(cat psk-3cs.acs)"; fi
if grep -q "AEAD_AES_128_GCM" psk-gcm.acs && grep -qE "salt [0-9a-f]{24}$" psk-gcm.acs; then pass; else fail "psk-gcm: $(cat psk-gcm.acs)"; fi
if grep -qE "AES_256_CM_HMAC_SHA1_80 key [0-9a-f]{64} salt" dh-g1.acs; then pass; else fail "dh-g1: $(cat dh-g1.acs)"; fi
if grep -qE " mki 00000001$" psk-mki.acs; then pass; else fail "psk-mki: $(cat psk-mki.acs)"; fi
if grep -qE "^[0-9a-f]+$" dh-hex.i; then pass; else fail "dh-hex: not hex"; fi
if grep -q "^a=key-mgmt:mikey " dh-sdp.i && grep -q "^a=key-mgmt:mikey " dh-sdp.r; then pass; else fail "dh-sdp: not SDP lines"; fi
for n in psk dh dhhmac rsar; do
  run "$M" dump "$n.i"
  expect_rc "dump $n.i" 0
done
run "$M" dump --json dh-g1.i
expect_out "dh-g1 is OAKLEY 1" '"group": 1'
run "$M" dump psk-kw.i
expect_out "psk-kw uses AES-KW and PRF HMAC-SHA-256" "AES-KW-128" "HMAC-SHA-256"
# MIKEY-NULL with TEK transport: the agreed key||salt is the Key data on the wire.
run "$M" dump --json null.i
wire=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
k=[p for p in d["payloads"] if p["type"]=="KEMAC"][0]
print(k["key_data"][0]["key"])' out 2>/dev/null)
ks=$(sed -n 's/.* key \([0-9a-f]*\) salt \([0-9a-f]*\).*/\1\2/p' null.bcs)
if [ -n "$wire" ] && [ "$wire" = "$ks" ]; then pass; else fail "null: key on the wire [$wire] is not the agreed key||salt [$ks]"; fi

# ---- replay with the persisted cache ----
rm -f rc.cache
run "$M" offer -c alice.conf --mode psk rp.i
expect_rc "replay: offer" 0
run "$M" answer -c bob.conf -r rc.cache rp.i
expect_rc "replay: first answer" 0
if [ -s rc.cache ] && [ "$(mode_of rc.cache)" = 600 ]; then pass; else fail "replay: cache file not written with mode 600"; fi
run "$M" answer -c bob.conf -r rc.cache rp.i rp.err
expect_rc "replay: same message again" 1
expect_err "replay: same message again" "MIKEY_ERR_REPLAY" "RFC 3830 error 1 (Invalid TS)"
run "$M" dump rp.err
expect_out "replay: Error message" "Data type: Error (6)" "Error no: Invalid TS (1)"
run "$M" answer -c bob.conf rp.i
expect_rc "replay: without the cache file the replay goes through (what the file is for)" 0
printf 'garbage' >bad.cache
run "$M" answer -c bob.conf -r bad.cache rp.i
expect_rc "replay: corrupt cache file" 1
expect_err "replay: corrupt cache file" "bad.cache"

# ---- wrong PSK ----
run "$M" keygen psk other.psk
run "$M" offer -c alice.conf --mode psk --verify --psk-file other.psk -s st wp.i
expect_rc "wrong psk: offer" 0
run "$M" answer -c bob.conf wp.i wp.err
expect_rc "wrong psk: answer" 1
expect_err "wrong psk: answer" "MIKEY_ERR_AUTH" "Error message written to wp.err: RFC 3830 error 0 (Auth failure)"
run "$M" dump wp.err
expect_out "wrong psk: Error message" "Error no: Auth failure (0)"
run "$M" finish -c alice.conf -s st wp.err
expect_rc "wrong psk: finish on the Error message" 1
expect_err "wrong psk: finish on the Error message" "RFC 3830 error 0 (Auth failure)" "stays pending"
if [ -e st ]; then pass; else fail "wrong psk: the state file was removed"; fi
# DH-HMAC too
run "$M" offer -c alice.conf --mode dhhmac --psk-file other.psk -s st wp2.i
run "$M" answer -c bob.conf wp2.i wp2.err
expect_rc "wrong psk (DH-HMAC): answer" 1
expect_err "wrong psk (DH-HMAC): answer" "RFC 3830 error 0 (Auth failure)"

# ---- tampered R_MESSAGE ----
for m in dh rsar dhhmac psk-v; do
  opt=(--mode "${m%-v}")
  [ "$m" = psk-v ] && opt=(--mode psk --verify)
  run "$M" offer -c alice.conf "${opt[@]}" -s st tm.i
  run "$M" answer -c bob.conf --out raw tm.i tm.r
  expect_rc "tamper $m: answer" 0
  # flip one bit in the middle and one in the last byte (signature / MAC / V)
  for where in mid last; do
    python3 - tm.r tm.bad "$where" <<'PYEOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = len(b) // 2 if sys.argv[3] == "mid" else len(b) - 1
b[i] ^= 0x04
open(sys.argv[2], "wb").write(bytes(b))
PYEOF
    run "$M" finish -c alice.conf -s st tm.bad
    expect_rc "tamper $m ($where byte): finish" 1
    expect_err "tamper $m ($where byte): finish" "refused"
    if [ -e st ]; then pass; else fail "tamper $m: state removed after a refused response"; fi
  done
  run "$M" finish -c alice.conf -s st --show-keys tm.r
  expect_rc "tamper $m: the genuine response still completes" 0
done

# ---- untrusted CA ----
run "$M" keygen ca --key rogue.key --cert rogue.pem --cn "rogue CA"
run "$M" offer -c alice.conf --mode dh -s st ut.i
# (not bob.conf: a peer certificate given in advance is trusted as such)
run "$M" answer --id "$B" --key bob.key --cert bob.pem --trust rogue.pem ut.i ut.err
expect_rc "untrusted CA: answer" 1
expect_err "untrusted CA: answer" "MIKEY_ERR_CERT" "RFC 3830 error 8 (Invalid Cert)"
# MIKEY-NULL is off by default
run "$M" offer --mode null n.i
run "$M" answer n.i n.err
expect_rc "MIKEY-NULL not allowed by default" 1
expect_err "MIKEY-NULL not allowed by default" "RFC 3830 error 4 (Invalid EA)"

# ---- configuration files and usage errors ----
printf 'id = %s\nfrobnicate = 1\n' "$A" >bad.conf
run "$M" offer -c bad.conf x.i
expect_rc "config: unknown setting" 1
expect_err "config: unknown setting" "bad.conf:2: unknown setting 'frobnicate'"
printf 'psk\n' >bad2.conf
run "$M" offer -c bad2.conf x.i
expect_rc "config: no =" 1
expect_err "config: no =" "bad2.conf:1: expected '='"
run "$M" offer -c alice.conf --psk 0123456789abcdefXY x.i
expect_rc "bad hex PSK" 1
if grep -q "0123456789abcdef" err; then fail "a PSK was echoed in an error: $(cat err)"; else pass; fi
run "$M" offer -c alice.conf --mode dh x.i
expect_rc "offer dh without --state" 2
expect_err "offer dh without --state" "--state FILE is needed"
run "$M" offer --mode psk x.i
expect_rc "offer psk without a key" 2
expect_err "offer psk without a key" "needs a pre-shared key"
run "$M" answer --mode dh x.i
expect_rc "answer --mode" 2
expect_err "answer --mode" "does not apply to 'answer'"
run "$M" finish -c alice.conf x.i
expect_rc "finish without --state" 2
printf 'MKCXgarbage' >bad.st
run "$M" finish -c alice.conf -s bad.st dh.r
expect_rc "finish with a corrupt state" 1
expect_err "finish with a corrupt state" "bad.st"
run "$M" offer -c alice.conf --mode nope x.i
expect_rc "unknown mode" 1
expect_err "unknown mode" "invalid value 'nope' for 'mode'"

# ---- help and the man page ----
declare -A hopts=([keygen]="psk ca cert --bytes --key --cert --uri --ca-cert --ca-key --days --bits --force"
  [offer]="--mode --peer --state --ssrc --verify --mki-len --key-transport --out --show-keys --config --psk --psk-file --trust --peer-cert --suite --dh-group --prf --kemac --sign 0600"
  [answer]="--modes --replay-cache --cache-size --in --out --show-keys --config"
  [finish]="--state --in --show-keys --config"
  [bench]="--time --quick --mode")
for cmd in keygen offer answer finish bench; do
  run "$M" help "$cmd"
  expect_rc "mikey help $cmd" 0
  cp out "help.$cmd"
  if head -1 "help.$cmd" | grep -q "^Usage: mikey $cmd"; then pass; else fail "mikey help $cmd: no usage line"; fi
  run "$M" "$cmd" --help
  if cmp -s out "help.$cmd"; then pass; else fail "mikey $cmd --help differs from mikey help $cmd"; fi
  for o in ${hopts[$cmd]}; do
    if grep -qF -- "$o" "help.$cmd"; then pass; else fail "help $cmd lacks $o"; fi
  done
done
run "$M" --help
expect_out "mikey --help lists the new commands" "  keygen " "  offer " "  answer " "  finish " "  bench "
MANWIDTH=100 groff -man -Tutf8 -rLL=100n "$SRC/docs/mikey.1" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g' >man.txt
for s in "mikey keygen psk" "mikey offer" "mikey answer" "mikey finish" "mikey bench" "--show-keys" "--replay-cache" \
         "--state FILE" "0600" "CONFIGURATION FILE"; do
  if grep -qF -- "$s" man.txt; then pass; else fail "man page lacks [$s]"; fi
done

finish
