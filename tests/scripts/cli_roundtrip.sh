#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# mikey dump / mikey encode on every valid message we have:
# - every message of tests/golden/wire-corpus.txt (the real ones are copies
#   of shared/samples/rtsp-mikey-null.txt and the RFC 4567 §5.1 examples,
#   checked below when the shared files are present; the hand-written ones
#   cover every payload type of RFC 3830/4563/6043/6267/6509);
# - fed as raw bytes, base64 (one line and wrapped), hex (plain, wrapped,
#   colon-separated), an a=key-mgmt:mikey line, a whole SDP and an RTSP
#   KeyMgmt header (RFC 4567 §3.2), each both
#   auto-detected and with --in: every form must give the same JSON;
# - `dump --json | encode --out raw` must give back the identical bytes,
#   --out base64/hex/sdp the same bytes in those forms, and the decoded
#   views alone (raw compound fields deleted) must build the same bytes.
# The RFC 4567 §5.1 SDP is used as printed in the RFC, with its base64 split
# over several lines, joined here.
. "$(dirname "$0")/cli_common.bash"
SHARED=${MIKEY_SHARED:-/work/shared}
load_corpus

# JSON equality, ignoring the informational "source" (SDP label).
same_json() {
  python3 - "$1" "$2" <<'PYEOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("source", None)
sys.exit(0 if a == b else 1)
PYEOF
}

# Delete every raw compound field so that encode must build it from the view.
strip_raw() {
  python3 - "$1" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
def strip(p):
    for k in ("offset", "length"):
        p.pop(k, None)
    if p["type"] == "HDR" and "cs" in p:
        p.pop("map_info")
        p.pop("ncs")
    if p["type"] == "SP":
        p.pop("params")
        for e in p["param_list"]:
            if "int" in e:      # rebuild from the integer and the length only
                e.pop("value")
    if "key_data" in p:
        p.pop("encr_data")
        for q in p["key_data"]:
            strip(q)
    for view, raw in (("tp_payloads", "tp_data"), ("initiator_payloads", "initiator_data")):
        if view in p and (p[raw] != "" or p[view]):
            p.pop(raw)
            for q in p[view]:
                strip(q)
for p in d["payloads"]:
    strip(p)
json.dump(d, sys.stdout)
PYEOF
}

count=0
for f in "$T"/msg/*.bin; do
  name=$(basename "$f" .bin)
  count=$((count + 1))
  b64=$(base64 -w0 "$f")
  hex=$(xxd -p "$f" | tr -d '\n')

  run "$M" dump --json --in raw "$f"
  expect_rc "$name: dump --json --in raw" 0
  cp "$T/out" "$T/$name.json"
  run "$M" dump --in raw "$f"
  expect_rc "$name: dump (text)" 0
  tail -n +2 "$T/out" >"$T/$name.txt"

  # Every input form, auto-detected and forced.
  printf '%s\n' "$b64" >"$T/in.b64"
  base64 "$f" >"$T/in.b64wrap"            # wrapped at 76 columns
  xxd -p "$f" >"$T/in.hex"                 # wrapped at 60 digits
  printf '%s\n' "$hex" | sed 's/../&:/g; s/:$//' >"$T/in.hexcolon"
  printf 'a=key-mgmt:mikey %s\r\n' "$b64" >"$T/in.line"
  printf 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\na=key-mgmt:mikey %s\r\nm=audio 49000 RTP/SAVP 0\r\n' \
    "$b64" >"$T/in.sdp"
  # RFC 4567 §3.2 RTSP header.
  printf 'SETUP rtsp://192.0.2.1/stream RTSP/1.0\r\nCSeq: 3\r\nKeyMgmt: prot=mikey; uri="rtsp://192.0.2.1/stream"; data="%s"\r\n\r\n' \
    "$b64" >"$T/in.rtsp"
  for form in "raw:$f" "base64:$T/in.b64" "base64:$T/in.b64wrap" "hex:$T/in.hex" "hex:$T/in.hexcolon" \
              "sdp:$T/in.line" "sdp:$T/in.sdp" "sdp:$T/in.rtsp"; do
    fmt=${form%%:*}
    file=${form#*:}
    for mode in auto forced; do
      if [ "$mode" = auto ]; then opt=(); else opt=(--in "$fmt"); fi
      run "$M" dump --json "${opt[@]}" "$file"
      expect_rc "$name: dump --json $mode $fmt ($(basename "$file"))" 0
      if same_json "$T/out" "$T/$name.json"; then pass; else fail "$name: $mode $fmt ($(basename "$file")): JSON differs"; fi
      run "$M" dump "${opt[@]}" "$file"
      if tail -n +2 "$T/out" | cmp -s - "$T/$name.txt"; then pass; else fail "$name: $mode $fmt: text differs"; fi
    done
  done
  # Standard input too.
  run "$M" dump --json - <"$T/in.b64"
  if [ "$RC" -eq 0 ] && same_json "$T/out" "$T/$name.json"; then pass; else fail "$name: stdin"; fi

  # JSON back to bytes, in every output format.
  run "$M" encode --out raw "$T/$name.json"
  expect_rc "$name: encode --out raw" 0
  if cmp -s "$T/out" "$f"; then pass; else fail "$name: dump --json | encode --out raw differs from the input"; fi
  "$M" dump --json "$f" | "$M" encode --out raw >"$T/piped" 2>"$T/err"
  if cmp -s "$T/piped" "$f"; then pass; else fail "$name: pipe dump --json | encode differs"; fi
  run "$M" encode "$T/$name.json"
  if [ "$(cat "$T/out")" = "$b64" ]; then pass; else fail "$name: default output is not the base64 of the input"; fi
  run "$M" encode --out=hex "$T/$name.json"
  if [ "$(cat "$T/out")" = "$hex" ]; then pass; else fail "$name: --out hex"; fi
  run "$M" encode -o sdp "$T/$name.json"
  if [ "$(cat "$T/out")" = "a=key-mgmt:mikey $b64" ]; then pass; else fail "$name: --out sdp"; fi

  # Views only.
  strip_raw "$T/$name.json" >"$T/$name.views.json"
  run "$M" encode --out raw "$T/$name.views.json"
  expect_rc "$name: encode from views" 0
  if cmp -s "$T/out" "$f"; then pass; else fail "$name: encoding the decoded views differs from the input"; fi
done
if [ "$count" -ge 10 ]; then pass; else fail "only $count messages"; fi

# ---- RFC 4567 §5.1, Alice's offer as printed (base64 split over lines) ----
cat >"$T/rfc4567-offer.txt" <<'RFCEOF'
   v=0
   o=alice 2891092738 2891092738 IN IP4 w-land.example.com
   s=Cool stuff
   e=alice@w-land.example.com
   t=0 0
   c=IN IP4 w-land.example.com
   a=key-mgmt:mikey AQAFgM0XflABAAAAAAAAAAAAAAsAyONQ6gAAAAAGEEoo2pee4hp2
   UaDX8ZE22YwKAAAPZG9uYWxkQGR1Y2suY29tAQAAAAAAAQAk0JKpgaVkDaawi9whVBtBt
   0KZ14ymNuu62+Nv3ozPLygwK/GbAV9iemnGUIZ19fWQUOSrzKTAv9zV
   m=audio 49000 RTP/SAVP 98
   a=rtpmap:98 AMR/8000
   m=video 52230 RTP/SAVP 31
   a=rtpmap:31 H261/90000
RFCEOF
if [ -f "$SHARED/specs/rfc4567.txt" ]; then
  # The copy above must be the RFC's text.
  while IFS= read -r line; do
    if grep -qxF -- "$line" "$SHARED/specs/rfc4567.txt"; then pass; else fail "RFC 4567 copy: line not in the RFC: $line"; fi
  done <"$T/rfc4567-offer.txt"
fi
# Join the continuation lines (not of the form "x=") and drop the indentation.
python3 - "$T/rfc4567-offer.txt" >"$T/rfc4567-offer.sdp" <<'PYEOF'
import re, sys
out = []
for l in open(sys.argv[1]).read().split("\n"):
    l = l.strip()
    if not l:
        continue
    if re.match(r"^[a-z]=", l) or not out:
        out.append(l)
    else:
        out[-1] += l
sys.stdout.write("\r\n".join(out) + "\r\n")
PYEOF
for opt in "" "--in sdp"; do
  # shellcheck disable=SC2086
  run "$M" dump --json $opt "$T/rfc4567-offer.sdp"
  expect_rc "RFC 4567 offer SDP ($opt)" 0
  if same_json "$T/out" "$T/rfc4567-ex1-offer.json"; then pass; else fail "RFC 4567 offer SDP: JSON differs from the corpus copy"; fi
  if python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["source"] != "session")' "$T/out"; then pass; else fail "RFC 4567 offer: source is not 'session'"; fi
done
run "$M" dump "$T/rfc4567-offer.sdp"
expect_out "RFC 4567 offer text" "MIKEY message from session, 132 bytes" 'Text: "donald@duck.com"'

# ---- Several attributes: session, media level, another protocol ----
offer_b64=$(base64 -w0 "$T/msg/rfc4567-ex1-offer.bin")
answer_b64=$(base64 -w0 "$T/msg/rfc4567-ex1-answer.bin")
printf 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\na=key-mgmt:mikey %s\r\nm=audio 49000 RTP/SAVP 98\r\na=key-mgmt:foo Zm9vYmFy\r\nm=video 52230 RTP/SAVP 31\r\na=key-mgmt:mikey %s\r\n' \
  "$offer_b64" "$answer_b64" >"$T/multi.sdp"
run "$M" dump "$T/multi.sdp"
expect_rc "multi SDP (text)" 0
expect_out "multi SDP (text)" "MIKEY message from session, 132 bytes" \
  "Skipped media 1 (audio) (line 7): key-mgmt protocol 'foo' is not MIKEY" \
  "MIKEY message from media 2 (video), 71 bytes"
# In document order.
if [ "$(grep -n -e '^MIKEY message' -e '^Skipped' "$T/out" | cut -d: -f1 | tr '\n' ' ')" = "$(grep -n -e '^MIKEY message' -e '^Skipped' "$T/out" | cut -d: -f1 | sort -n | tr '\n' ' ')" ] &&
   [ "$(grep -c -e '^MIKEY message' -e '^Skipped' "$T/out")" -eq 3 ]; then pass; else fail "multi SDP: not 3 blocks"; fi
run "$M" dump --json "$T/multi.sdp"
expect_rc "multi SDP (JSON)" 0
expect_err "multi SDP (JSON): the skipped protocol goes to stderr" "media 1 (audio) (line 7): key-mgmt protocol 'foo' is not MIKEY: skipped"
cp "$T/out" "$T/multi.json"
python3 - "$T/multi.json" "$T/rfc4567-ex1-offer.json" "$T/rfc4567-ex1-answer.json" <<'PYEOF' || fail "multi SDP JSON: not [offer, answer] with their sources"
import json, sys
arr, offer, answer = (json.load(open(p)) for p in sys.argv[1:4])
assert isinstance(arr, list) and len(arr) == 2, arr
assert arr[0].pop("source") == "session"
assert arr[1].pop("source") == "media 2 (video)"
assert arr[0] == offer and arr[1] == answer
PYEOF
run "$M" encode "$T/multi.json"
if [ "$(cat "$T/out")" = "$offer_b64
$answer_b64" ]; then pass; else fail "encode of the multi-message array"; fi

# ---- The samples as written in shared/samples (when present) ----
samples="$SHARED/samples/rtsp-mikey-null.txt"
if [ -f "$samples" ]; then
  n=0
  while read -r kind data; do
    case "$kind" in b64:|hex:) ;; *) continue ;; esac
    n=$((n + 1))
    printf '%s\n' "$data" >"$T/sample"
    run "$M" dump --json "$T/sample"
    expect_rc "sample $n" 0
    "$M" encode --out raw "$T/out" >"$T/sample.bin"
    found=0
    for f in "$T"/msg/*.bin; do cmp -s "$f" "$T/sample.bin" && found=1; done
    if [ $found = 1 ]; then pass; else fail "sample $n ($kind) is not in tests/golden/wire-corpus.txt"; fi
  done <"$samples"
  if [ "$n" -eq 5 ]; then pass; else fail "expected 5 samples in $samples, found $n"; fi
fi

echo "$count messages"
finish
