#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Bad input to mikey dump and mikey encode: the exit code (1 for bad input,
# 2 for bad usage) and a precise message naming the payload, its index, the
# offset (or FILE:LINE:COLUMN for JSON), the field and the reason. Offsets
# below are counted by hand from the RFC 3830 §6 layouts of the axis-camera
# sample (HDR 19 bytes, T 10, RAND 18, SP 26, KEMAC at 73: its Encr data
# len field at 75).
. "$(dirname "$0")/cli_common.bash"
load_corpus
A=$T/msg/axis-camera.bin
b64=$(base64 -w0 "$A")

# ---- truncated and malformed messages ----
head -c 100 "$A" >"$T/trunc100"
run "$M" dump "$T/trunc100"
expect_rc "truncated in KEMAC" 1
expect_err "truncated in KEMAC" \
  "mikey: dump: KEMAC (payload 4) at offset 75: field 'Encr data len' = 34 but only 23 bytes follow [MIKEY_ERR_LENGTH]"
if [ -s "$T/out" ]; then fail "truncated: something on stdout"; else pass; fi
head -c 5 "$A" >"$T/trunc5"
run "$M" dump --in raw "$T/trunc5"
expect_rc "truncated in HDR" 1
expect_err "truncated in HDR" "HDR (payload 0) at offset 4: field 'CSB ID' needs 4 bytes, only 1 left [MIKEY_ERR_TRUNCATED]"
head -c 19 "$A" >"$T/trunc19"
run "$M" dump "$T/trunc19"
expect_rc "truncated after HDR" 1
expect_err "truncated after HDR" "T (payload 1) at offset 19: HDR names a next payload (T) but the input ends [MIKEY_ERR_TRUNCATED]"
head -c 24 "$A" >"$T/trunc24"
run "$M" dump "$T/trunc24"
expect_err "truncated in T" "T (payload 1) at offset 21: field 'TS value' needs 8 bytes, only 3 left [MIKEY_ERR_TRUNCATED]"
{ cat "$A"; printf 'xy'; } >"$T/trailing"
run "$M" dump --in raw "$T/trailing"
expect_rc "trailing bytes" 1
expect_err "trailing bytes" "at offset 112: 2 bytes after the last payload (KEMAC, Next payload = 0) [MIKEY_ERR_TRAILING]"
printf '\x02' | cat - <(tail -c +2 "$A") >"$T/v2"
run "$M" dump "$T/v2"
expect_err "version 2" "HDR (payload 0) at offset 0: field 'version': MIKEY version 2 is not supported (only 1) [MIKEY_ERR_VERSION]"
# SDP: the error names the attribute's level and line.
printf 'v=0\r\ns=-\r\nm=audio 1 RTP/SAVP 0\r\na=key-mgmt:mikey %s\r\n' "$(base64 -w0 "$T/trunc100")" >"$T/trunc.sdp"
run "$M" dump "$T/trunc.sdp"
expect_rc "truncated in SDP" 1
expect_err "truncated in SDP" "mikey: dump: media 1 (audio) (line 4): KEMAC (payload 4) at offset 75: field 'Encr data len'"

# ---- strict base64 ----
printf '%s\n' "${b64%=}" >"$T/pad1"
run "$M" dump "$T/pad1"
expect_rc "base64 missing '='" 1
expect_err "base64 missing '='" "base64: incomplete padding at offset 150: 3 characters in the last group, need 4"
printf '%s\n' "${b64%==}" >"$T/pad2"
run "$M" dump --in base64 "$T/pad2"
expect_err "base64 without padding" "base64: length is not a multiple of 4: the last group has 2 characters (missing '=' padding?)"
printf '%sAAAA\n' "$b64" >"$T/garbage"
run "$M" dump "$T/garbage"
expect_rc "base64 trailing garbage" 1
expect_err "base64 trailing garbage" "base64: data after the '=' padding at offset 152 (trailing garbage?)" \
  "(format detected automatically; use --in to choose another)"
printf '%s\n' "${b64/AQAF/AQ!F}" >"$T/badchar"
run "$M" dump --in base64 "$T/badchar"
expect_err "base64 bad character" "base64: invalid character '!' at offset 2"
printf '%s\n' "${b64%AA==}AB==" >"$T/noncanon"
run "$M" dump "$T/noncanon"
expect_rc "base64 non-zero pad bits" 1
expect_err "base64 non-zero pad bits" "non-canonical encoding"
printf 'v=0\r\na=key-mgmt:mikey %s=\r\n' "$b64" >"$T/badsdp"
run "$M" dump "$T/badsdp"
expect_rc "SDP bad base64" 1
expect_err "SDP bad base64" "session (line 2): key-mgmt data: base64: data after the '=' padding at offset 152"
printf 'v=0\r\na=key-mgmt:mikey\r\n' >"$T/nodata"
run "$M" dump "$T/nodata"
expect_rc "SDP without data" 1
expect_err "SDP without data" "line 2: a=key-mgmt:mikey has no key management data"
printf 'v=0\r\na=key-mgmt:foo Zm9v\r\n' >"$T/nomikey"
run "$M" dump "$T/nomikey"
expect_rc "SDP without MIKEY" 1
expect_err "SDP without MIKEY" "no a=key-mgmt:mikey attribute found (only other key management protocols)"

# ---- hex ----
printf '0100050\n' >"$T/odd"
run "$M" dump --in hex "$T/odd"
expect_rc "odd hex" 1
expect_err "odd hex" "hex: odd number of hex digits (the last digit, at offset 6, has no pair)"
printf '01zz\n' >"$T/badhex"
run "$M" dump --in hex "$T/badhex"
expect_err "bad hex digit" "hex: invalid character 'z' at offset 2"
printf '01 0 0\n' >"$T/splithex"
run "$M" dump --in hex "$T/splithex"
expect_err "split hex byte" "hex: separator 0x20 at offset 4 splits a byte"

# ---- empty input, missing file ----
: >"$T/empty"
run "$M" dump "$T/empty"
expect_rc "empty input" 1
expect_err "empty input" "empty input"
run "$M" dump "$T/does-not-exist"
expect_rc "missing file" 1
expect_err "missing file" "does-not-exist: No such file or directory"

# ---- usage errors: exit 2 ----
for args in "dump --bogus" "dump --in" "dump --in yaml x" "dump a b" "encode --out" "encode --out sdp2" \
            "encode a b" "frobnicate" "help frobnicate" ""; do
  # shellcheck disable=SC2086
  run "$M" $args
  expect_rc "usage: mikey $args" 2
done
run "$M" dump --in yaml x
expect_err "unknown format" "mikey: dump: unknown input format 'yaml' (expected raw, base64, hex or sdp)" "Try 'mikey help dump'."
run "$M" frobnicate
expect_err "unknown command" "mikey: unknown command 'frobnicate'" "Try 'mikey --help'."

# ---- JSON: syntax, typos, types, ranges, consistency ----
"$M" dump --json "$A" >"$T/a.json"
edit() { # sed-expression -> $T/e.json, then encode it
  sed "$1" "$T/a.json" >"$T/e.json"
  run "$M" encode "$T/e.json"
}
line_of() { grep -n -- "$1" "$T/a.json" | head -1 | cut -d: -f1; }

L=$(line_of '"encr_data"')
edit 's/"encr_data":/"encr_dat":/'
expect_rc "JSON typo" 1
expect_err "JSON typo" "mikey: encode: $T/e.json:$L:7: payloads[4] (KEMAC): unknown key 'encr_dat'"
L=$(line_of '"csb_id"')
edit 's/"csb_id": [0-9]*/"csb_id": "9cb9c964"/'
expect_err "JSON bad type" "$T/e.json:$L:17: payloads[0] (HDR): 'csb_id' must be an integer, not a string"
edit 's/"v": 0/"v": 2/'
expect_err "JSON out of range" "payloads[0] (HDR): 'v' = 2 is out of range 0..1"
edit 's/"csb_id": [0-9]*/"csb_id": 4294967296/'
expect_err "JSON 33-bit" "'csb_id' = 4294967296 is out of range 0..4294967295"
edit 's/"version": 1,/"version": 1,,/'
expect_rc "JSON syntax" 1
expect_err "JSON syntax" "invalid JSON: expected a string key, found ','"
edit 's/"mac_alg": 0,/"mac_alg": 0.5,/'
expect_err "JSON float" "invalid JSON: only integers are supported"
edit 's/"mac": ""/"mac": "00"/'
expect_err "JSON implicit length" "payloads[4] (KEMAC): 'mac' is 1 byte; mac_alg 0 needs 0"
edit 's/"mac_alg": 0,/"mac_alg": 7,/'
expect_err "JSON unknown MAC alg" "'mac_alg' 7 is unknown, so the length of 'mac' cannot be known"
edit 's/"data": "14e25d/"data": "x4e25d/'
expect_err "JSON bad hex" "payloads[2] (RAND): 'data': hex: invalid character 'x' at offset 0"
edit 's/"data": "14e25d/"data": "4e25d/'
expect_err "JSON odd hex" "payloads[2] (RAND): 'data': hex: odd number of hex digits"
edit 's/"type": "T",/"type": "Timestamp",/'
expect_err "JSON unknown payload" "payloads[1]: unknown payload type \"Timestamp\""
edit 's/"type_id": 5,/"type_id": 11,/'
expect_err "JSON type/type_id" "payloads[1]: 'type_id' 11 does not match 'type' \"T\" (5)"
edit 's/"ssrc": [0-9]*/"ssrc": 1/'
expect_err "JSON view vs raw" "payloads[0] (HDR): 'cs' does not match 'map_info' (edit one of them and delete the other)"
edit 's/"int": 16/"int": 32/'
expect_err "JSON param int vs value" "payloads[3] (SP).param_list[1]: 'int' does not match 'value'"
edit 's/"key_type": 2,/"key_type": 2, "salt": "00",/'
expect_err "JSON salt on TEK" "payloads[4] (KEMAC).key_data[0] (Key data): 'salt' is only carried by key types 1, 3 and 5"
edit 's/"kv": {/"kv": {"spi": "00",/'
expect_err "JSON nested unknown key" "payloads[4] (KEMAC).key_data[0] (Key data).kv: unknown key 'spi'"
edit 's/"encr_alg": 0,/"encr_alg": 1,/'
expect_err "JSON key_data with encryption" "'key_data' can only build the encr_data of a NULL-encrypted KEMAC"
printf '{"payloads": []}' >"$T/e.json"
run "$M" encode "$T/e.json"
expect_err "JSON no payloads" "'payloads' is empty: a message needs at least the HDR"
printf '{"payloads": [{"type": "RAND", "data": ""}]}' >"$T/e.json"
run "$M" encode "$T/e.json"
expect_err "JSON no HDR" "$T/e.json:1:15: payloads[0] (RAND): the first payload of a message must be the HDR"
printf '{"payloads": [{"type": "HDR", "version": 1, "data_type": 0, "v": 0, "prf": 0, "csb_id": 1, "map_type": 1}]}' >"$T/e.json"
run "$M" encode "$T/e.json"
expect_err "JSON missing key" "payloads[0] (HDR): missing key 'ncs'"
printf '{"payloads": [{"type": "HDR", "version": 1, "data_type": 0, "v": 0, "prf": 0, "csb_id": 1, "ncs": 0, "map_type": 1},\n {"type": "SIGN", "s_type": 0, "sig": ""},\n {"type": "RAND", "data": ""}]}' >"$T/e.json"
run "$M" encode "$T/e.json"
expect_err "JSON after SIGN" "$T/e.json:3:2: payloads[2] (RAND): no payload may follow SIGN"
printf '{"payload": []}' >"$T/e.json"
run "$M" encode "$T/e.json"
expect_err "JSON top-level typo" "missing key 'payloads'"
printf '[]' | { run "$M" encode; }
expect_rc "JSON empty array" 1
expect_err "JSON empty array" "<stdin>:1:1: the array holds no message"
run "$M" encode --out raw "$T/a.json" </dev/null
expect_rc "encode to a file" 0
# Nothing is written when any message of an array fails.
printf '[%s, {"payloads": 1}]' "$(cat "$T/a.json")" >"$T/e.json"
run "$M" encode "$T/e.json"
expect_rc "JSON array with a bad message" 1
expect_err "JSON array with a bad message" "[1]: 'payloads' must be an array, not integer"
if [ -s "$T/out" ]; then fail "partial output written"; else pass; fi

finish
