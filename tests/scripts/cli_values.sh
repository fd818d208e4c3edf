#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# mikey dump shows the values that shared/samples/rtsp-mikey-null.txt
# states for each real message (its "what:" summaries, copied below), in the
# JSON (checked with python's json module) and in the text output. The
# messages come from tests/golden/wire-corpus.txt, whose copies of the
# samples cli_roundtrip.sh checks against the shared file.
#
#   axis-camera: HDR(PSK init, V=0, PRF MIKEY-1, 1 CS SRTP-ID ssrc 0x696f1248)
#     T(NTP-UTC) RAND(16) SP(0=1,1=16,2=1,3=10,7=1,8=1,10=1)
#     KEMAC(NULL,NULL){KEYDATA TEK KV=NULL len 30 = key||salt}; no param 11
#   aes256cm: as above but SP 1 (encr key len) = 32; TEK key data 46 bytes
#   gortsplib-a/-b/-c: GStreamer-format messages, c has 2 crypto sessions
#   RFC 4567 §5.1: the offer uses the pre-shared key method (PSK init); the
#     answer is the verification message (PSK ver msg) and carries a V payload.
. "$(dirname "$0")/cli_common.bash"
load_corpus

check() { # name python-assertions
  local name=$1
  run "$M" dump --json "$T/msg/$name.bin"
  expect_rc "$name" 0
  if python3 - "$T/out" "$2" <<'PYEOF'; then pass; else fail "$name: JSON values differ from the sample summary"; fi
import json, sys
d = json.load(open(sys.argv[1]))
P = d["payloads"]
types = [p["type"] for p in P]
def one(t):
    l = [p for p in P if p["type"] == t]
    assert len(l) == 1, (t, types)
    return l[0]
def sp_params(sp):
    return {e["type"]: e["int"] for e in sp["param_list"]}
try:
    exec(sys.argv[2])
except AssertionError as e:
    print("assertion failed:", e, file=sys.stderr)
    raise
PYEOF
}

gst='
h = one("HDR")
assert (h["data_type"], h["data_type_name"], h["v"], h["prf"], h["prf_name"]) == (0, "Pre-shared", 0, 0, "MIKEY-1"), h
assert h["map_type"] == 0 and h["map_type_name"] == "SRTP-ID"
assert types == ["HDR", "T", "RAND", "SP", "KEMAC"], types
assert one("T")["ts_type"] == 0 and one("T")["ts_type_name"] == "NTP-UTC"
assert len(bytes.fromhex(one("RAND")["data"])) == 16
k = one("KEMAC")
assert (k["encr_alg"], k["encr_alg_name"], k["mac_alg"], k["mac_alg_name"], k["mac"]) == (0, "NULL", 0, "NULL", "")
kd = k["key_data"]
assert len(kd) == 1 and kd[0]["type"] == "Key data" and kd[0]["key_type"] == 2 and kd[0]["key_type_name"] == "TEK"
assert kd[0]["kv"] == {"type": 0, "type_name": "Null"}, kd[0]["kv"]
sp = one("SP")
assert sp["prot_type"] == 0 and 11 not in sp_params(sp)
'
check axis-camera "$gst"'
assert h["ncs"] == 1 and h["cs"] == [{"policy_no": 0, "ssrc": 0x696f1248, "roc": 0}], h["cs"]
assert sp_params(sp) == {0: 1, 1: 16, 2: 1, 3: 10, 7: 1, 8: 1, 10: 1}, sp_params(sp)
assert len(bytes.fromhex(kd[0]["key"])) == 30
'
check aes256cm "$gst"'
assert h["ncs"] == 1
assert sp_params(sp) == {0: 1, 1: 32, 2: 1, 3: 10, 7: 1, 8: 1, 10: 1}, sp_params(sp)
assert len(bytes.fromhex(kd[0]["key"])) == 46
'
for g in gortsplib-a gortsplib-b; do
  check "$g" "$gst"'
assert h["ncs"] == 1 and len(h["cs"]) == 1
assert sp_params(sp) == {0: 1, 1: 16, 2: 1, 3: 10, 7: 1, 8: 1, 10: 1}
assert len(bytes.fromhex(kd[0]["key"])) == 30
'
done
check gortsplib-c "$gst"'
assert h["ncs"] == 2 and len(h["cs"]) == 2, h
assert len(bytes.fromhex(kd[0]["key"])) == 30
'
check rfc4567-ex1-offer '
h = one("HDR")
assert h["data_type"] == 0 and h["data_type_name"] == "Pre-shared"
assert types == ["HDR", "T", "RAND", "ID", "SP", "KEMAC"], types
assert "key_data" not in one("KEMAC") and one("KEMAC")["encr_alg_name"] == "AES-CM-128"
'
check rfc4567-ex1-answer '
h = one("HDR")
assert h["data_type"] == 1 and h["data_type_name"] == "PSK ver msg"
assert types[-1] == "V", types
'

# The same values in the text output.
run "$M" dump "$T/msg/axis-camera.bin"
expect_out "axis-camera text" "HDR (offset 0, 19 bytes)" "Data type: Pre-shared (0)" "PRF func: MIKEY-1 (0)" \
  "CSB ID: 0x9cb9c964" "#CS: 1" "CS ID map type: SRTP-ID (0)" "CS 1: policy 0, SSRC 0x696f1248, ROC 0" \
  "TS type: NTP-UTC (0)" "RAND (16 bytes):" \
  "Encryption algorithm (0): 1 (AES-CM)" "Session Encr. key length (1): 16" "Authentication algorithm (2): 1 (HMAC-SHA-1)" \
  "Session Auth. key length (3): 10" "SRTP encryption off/on (7): 1 (on)" "SRTCP encryption off/on (8): 1 (on)" \
  "SRTP authentication off/on (10): 1 (on)" "Encr alg: NULL (0)" "Type: TEK (2)" "Key data (30 bytes):" "KV: type Null (0)" \
  "MAC alg: NULL (0)"
if grep -q "Authentication tag length (11)" "$T/out"; then fail "axis-camera: param 11 shown"; else pass; fi
run "$M" dump "$T/msg/aes256cm.bin"
expect_out "aes256cm text" "Session Encr. key length (1): 32" "Key data (46 bytes):"
run "$M" dump "$T/msg/gortsplib-c.bin"
expect_out "gortsplib-c text" "#CS: 2" "CS 1: policy 0, SSRC 0x" "CS 2: policy 0, SSRC 0x"

# A NULL KEMAC whose key data does not parse is still shown (raw), with the reason.
xxd -p "$T/msg/axis-camera.bin" | tr -d '\n' | sed 's/0020001e3bbe/0020011e3bbe/' >"$T/badkd.hex"
run "$M" dump "$T/badkd.hex"
expect_rc "bad key data inside a valid KEMAC" 0
expect_out "bad key data" "Encr data (34 bytes): 0020011e3bbe" \
  "(Key data not decoded: Key data (payload 0) at offset 79: field 'Key data len' = 286 but only 30 bytes follow [MIKEY_ERR_LENGTH])"
run "$M" dump --json "$T/badkd.hex"
if python3 -c '
import json, sys
k = json.load(open(sys.argv[1]))["payloads"][4]
assert "key_data" not in k and "offset 79" in k["key_data_error"]' "$T/out"; then pass; else fail "bad key data: JSON"; fi
"$M" encode --out hex "$T/out" >"$T/re.hex"
if [ "$(cat "$T/re.hex")" = "$(cat "$T/badkd.hex")" ]; then pass; else fail "bad key data: round trip"; fi

# The leniency is listed (wolfSSL's 2-byte Empty map info, docs/interop.md).
printf '01000b000000000100010000' >"$T/wolf.hex"   # HDR, Empty map, #CS 0, info 0000
printf '0002abcd' >>"$T/wolf.hex"                  # RAND, 2 bytes
run "$M" dump "$T/wolf.hex"
expect_rc "wolfSSL Empty map" 0
expect_out "wolfSSL Empty map" "Leniencies used: empty-map-info16" "CS ID map info (2 bytes): 0000"
run "$M" dump --json "$T/wolf.hex"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["leniencies"] == ["empty-map-info16"]; assert d["payloads"][0]["map_info"] == "0000"' "$T/out"; then pass; else fail "leniency in JSON"; fi
if [ "$("$M" encode --out hex "$T/out")" = "$(cat "$T/wolf.hex")" ]; then pass; else fail "leniency round trip"; fi
run "$M" dump --strict "$T/wolf.hex"
expect_rc "--strict refuses the leniency" 1
expect_err "--strict" "RAND (payload 1) at offset 12: 4 bytes after the last payload" "[MIKEY_ERR_TRAILING]" \
  "note: without --strict the leniency 'empty-map-info16' accepts this message"

# RFC 4330 §3 eras for NTP timestamps (RFC 6043 §6.3 makes it mandatory):
# 0x83aa7e80 = 2208988800 s after 1900-01-01 is 1970-01-01T00:00:00Z; with
# the top bit clear, 0x00000000 is the start of era 1, 2036-02-07T06:28:16Z.
# Fractions: 0x80000000 / 2^32 = 0.5 s.
for tv in "83aa7e8080000000 1970-01-01T00:00:00.500000Z" "0000000000000000 2036-02-07T06:28:16.000000Z" \
          "ffffffff00000000 2036-02-07T06:28:15.000000Z"; do
  v=${tv% *}; want=${tv#* }
  printf '01000500000000010001 0000%s' "$v" | tr -d ' ' >"$T/t.hex"
  run "$M" dump --json "$T/t.hex"
  got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["payloads"][1]["time"])' "$T/out" 2>/dev/null)
  if [ "$got" = "$want" ]; then pass; else fail "NTP $v: time $got, expected $want"; fi
done

finish
