#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# mikey encode crafts messages from hand-written JSON that gives compound
# fields only through their decoded views (HDR "cs", SP "param_list" with
# integers, KEMAC "key_data", TP "tp_payloads", ID "text"). The expected
# bytes are either a real message (the axis-camera sample) or assembled by
# hand below from the RFC payload diagrams, field by field.
. "$(dirname "$0")/cli_common.bash"
load_corpus

expect_hex() { # what json expected-hex (spaces between fields are ignored)
  local want=${3// /}
  printf '%s' "$2" >"$T/in.json"
  run "$M" encode --out hex "$T/in.json"
  expect_rc "$1" 0
  if [ "$(cat "$T/out")" = "$want" ]; then pass; else fail "$1: got $(cat "$T/out"), expected $want"; fi
  # And what we built reads back and re-encodes identically.
  xxd -r -p "$T/out" >"$T/built.bin"
  if "$M" dump --json "$T/built.bin" | "$M" encode --out raw | cmp -s - "$T/built.bin"; then pass; else fail "$1: round trip"; fi
}

# 1. The axis-camera sample, from views only; type names in any case, or a type_id.
axis_hex=$(xxd -p "$T/msg/axis-camera.bin" | tr -d '\n')
expect_hex "axis-camera from views" '{"payloads": [
 {"type": "HDR", "version": 1, "data_type": 0, "v": 0, "prf": 0, "csb_id": 2629421412, "map_type": 0,
  "cs": [{"policy_no": 0, "ssrc": 1768886856, "roc": 0}]},
 {"type_id": 5, "ts_type": 0, "value": "ee1ef0715b776c48"},
 {"type": "rand", "data": "14e25d7f419d2f1a1f52dd09bd0d7141"},
 {"type": "SP", "policy_no": 0, "prot_type": 0, "param_list": [{"type": 0, "int": 1}, {"type": 1, "int": 16},
  {"type": 2, "int": 1}, {"type": 3, "int": 10}, {"type": 7, "int": 1}, {"type": 8, "int": 1}, {"type": 10, "int": 1}]},
 {"type": "KEMAC", "encr_alg": 0, "mac_alg": 0, "mac": "",
  "key_data": [{"type": "Key data", "key_type": 2, "key": "3bbe35802d7fb7368e165c1ef3d8994e476e93a49f8e42fe7562490c8f1a"}]}
]}' "$axis_hex"

# 2. GENERIC-ID map (RFC 6043 §6.1.1) and TP (RFC 6043 §6.10):
#   HDR: ver 01, data type 0e (TRANSFER_INIT), next 10 (TP), V=0|PRF=1 01, CSB ID 00000001, #CS 01, map type 02;
#        CS: CS ID 01, Prot type 00, S=1|#P=1 81, P 00, Session Data Length 0000, SPI Length 02, SPI aabb
#   TP:  next 00, Ticket Type 0001, Subtype 02, Version 03, PRF=1<<1|D=1 03, E-L 00, M-O/Res 01,
#        TP Data length 0006, TP Data: first payload 06 (ID), ID: next 00, type 01 (URI), len 0001, "a" 61
expect_hex "GENERIC-ID and TP from views" '{"payloads": [
 {"type": "HDR", "version": 1, "data_type": 14, "v": 0, "prf": 1, "csb_id": 1, "map_type": 2,
  "cs": [{"cs_id": 1, "prot_type": 0, "s": 1, "policies": "00", "session_data": "", "spi": "aabb"}]},
 {"type": "TP", "ticket_type": 1, "subtype": 2, "version": 3, "prf": 1, "flags": 65537,
  "tp_payloads": [{"type": "ID", "id_type": 1, "text": "a"}]}
]}' "01 0e 10 01 00000001 01 02  01 00 81 00 0000 02 aabb  00 0001 02 03 03 00 01 0006 06 00 01 0001 61"

# 3. SP param from an integer with an explicit length (RFC 3830 §6.10: Type, Length, Value):
#   HDR: 01 00 0a(SP) 00 00000001 00 01(Empty map); SP: next 00, policy 00, prot 00, length 0004, 01 02 0010
expect_hex "SP int with length" '{"payloads": [
 {"type": "HDR", "version": 1, "data_type": 0, "v": 0, "prf": 0, "csb_id": 1, "ncs": 0, "map_type": 1},
 {"type": "SP", "policy_no": 0, "prot_type": 0, "param_list": [{"type": 1, "int": 16, "length": 2}]}
]}' "01 00 0a 00 00000001 00 01  00 00 00 0004 01 02 0010"

# 4. Key data TEK+SALT with KV = SPI (RFC 3830 §6.13, §6.14) in a NULL KEMAC (§6.2):
#   Key data: next 00, Type 3|KV 1 = 31, Key data len 0004, 00112233, Salt len 0002, aabb, SPI len 04, 00000001 (17 bytes)
#   KEMAC: next 00, Encr alg 00, Encr data len 0011, <key data>, MAC alg 00
expect_hex "TEK+SALT with SPI" '{"payloads": [
 {"type": "HDR", "version": 1, "data_type": 0, "v": 0, "prf": 0, "csb_id": 1, "ncs": 0, "map_type": 1},
 {"type": "KEMAC", "encr_alg": 0, "mac_alg": 0, "mac": "", "key_data": [
   {"type": "Key data", "key_type": 3, "key": "00112233", "salt": "aabb", "kv": {"type": 1, "spi": "00000001"}}]}
]}' "01 00 01 00 00000001 00 01  00 00 0011 00 31 0004 00112233 0002 aabb 04 00000001 00"

# 5. ERR (RFC 3830 §6.12) with the reserved field defaulted, and a General Ext. (§6.15) by text:
#   HDR: 01 06(Error) 0c(ERR) 00 00000001 00 01; ERR: next 15 (Gen Ext), Error no 03, Reserved 0000;
#   General Ext.: next 00, Type 00 (Vendor ID), Length 0002, "ok" 6f6b
expect_hex "ERR and General Ext." '{"payloads": [
 {"type": "HDR", "version": 1, "data_type": 6, "v": 0, "prf": 0, "csb_id": 1, "ncs": 0, "map_type": 1},
 {"type": "ERR", "error_no": 3},
 {"type": "general ext.", "ext_type": 0, "text": "ok"}
]}' "01 06 0c 00 00000001 00 01  15 03 0000  00 00 0002 6f6b"

# The informational fields of a dump are accepted and ignored.
run "$M" dump --json "$T/built.bin"
python3 - "$T/out" >"$T/info.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["payloads"][1]["error_no_name"] = "anything"   # informational: ignored
d["length"] = 999
json.dump(d, sys.stdout)
PYEOF
run "$M" encode --out raw "$T/info.json"
if cmp -s "$T/out" "$T/built.bin"; then pass; else fail "informational fields are not ignored"; fi

finish
