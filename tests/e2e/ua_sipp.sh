#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# e2e: mikey-ua against sipp 3.6 (Debian sip-tester) with scripted SDP
# (scenarios in tests/e2e/sipp/), everything on 127.0.0.1:
#
# sipp as UAC, our UA listening under policy `required` (PSK):
# 1. tampered: an INVITE whose a=key-mgmt carries a MIKEY I_MESSAGE made at
#    test time with `mikey offer` (PSK, V flag, CS 1 = sipp's SSRC, CS 2 a
#    placeholder), its last byte (the end of the KEMAC's MAC) flipped, fed
#    to sipp with -inf. The scenario requires a 488 whose Warning 399 names
#    the MIKEY Auth failure and whose body matches a=key-mgmt:mikey; it logs
#    that MIKEY data. The test decodes it with `mikey dump` and with
#    Wireshark's dissector (tshark): an Error message (data type 6) with
#    Error no 0, Auth failure (RFC 3830 §6.12), naming the offer's CSB ID.
#    Our report: rejected 488, error sent by us.
# 2. control: the same kind of offer, intact, is accepted: 200 with the
#    R_MESSAGE (PSK response, data type 1, the same CSB ID; `mikey dump` and
#    tshark), then ACK and BYE; our report ok, security psk.
# 3. no key-mgmt: an RTP/SAVP offer without a=key-mgmt: 488 with the Warning
#    "SRTP keyed by MIKEY ... required".
# sipp as UAS, our UA calling under `required`:
# 4. 200 without key-mgmt (the RTP/SAVP stream accepted with no MIKEY
#    response): our caller ACKs the 200 then sends BYE (sipp's scenario
#    requires both, in that order) and reports the failure; no media.
# 5. 183 with an SDP answer without key-mgmt: our caller CANCELs at once
#    (no 200 awaited); sipp requires the CANCEL, answers 200 and 487, and
#    gets the ACK; our report says why; no media.
# 6. No sanitizer report in our logs.
#
# Needs: MIKEY_BUILD, MIKEY_BIN (CTest sets them), sipp, tshark, text2pcap, python3.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }

BUILD=${MIKEY_BUILD:-}
[ -n "$BUILD" ] || fail "MIKEY_BUILD is not set"
SRC=${MIKEY_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
UA="$BUILD/tools/mikey-ua/mikey-ua"
MIKEY=${MIKEY_BIN:-$BUILD/tools/mikey}
SC="$SRC/tests/e2e/sipp"
[ -x "$UA" ] || fail "$UA not built (is libre-dev installed? run scripts/setup.sh)"
[ -x "$MIKEY" ] || fail "$MIKEY not built"
for t in sipp python3 tshark text2pcap; do command -v $t >/dev/null || fail "$t missing (run scripts/setup.sh)"; done
[ -f "$SC/uac_mikey_tampered.xml" ] || fail "sipp scenarios missing in $SC"
export PYTHONPATH="$SRC/tests/e2e/lib${PYTHONPATH:+:$PYTHONPATH}"

TMP=$(mktemp -d /tmp/ua_sipp.XXXXXX) || fail "mktemp"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
cd "$TMP" || fail "cd $TMP"
T=40

"$MIKEY" keygen psk ab.psk >/dev/null 2>&1 || fail "mikey keygen psk"

show() { for f in "$@"; do echo "--- $f" >&2; tail -60 "$f" >&2; done; }

free_port() { # a random even port nobody listens on (UDP)
    python3 -c "
import random, socket
for _ in range(50):
    p = random.randrange(20000, 60000, 2)
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', p)); s.close(); print(p); break
    except OSError: pass"
}

# run_sipp NAME SCENARIO ARGS...: one call of sipp, bounded; SIPP_RC
run_sipp() {
    local name=$1 sc=$2; shift 2
    timeout $T sipp -sf "$SC/$sc" -i 127.0.0.1 -m 1 -nostdin -timeout 20s -timeout_error -recv_timeout 10000 \
        -trace_err -error_file "$name.sipp.err" -trace_logs -log_file "$name.sipp.logs" -trace_msg \
        -message_file "$name.sipp.msg" "$@" > "$name.sipp.out" 2>&1 < /dev/null
    SIPP_RC=$?
}

# ---- our UA listening (required), sipp as UAC: cases 1-3 ----
UPORT=$(free_port)
timeout $T "$UA" listen --local "127.0.0.1:$UPORT" --transport udp --auto-answer --max-calls 3 --linger 500 \
    --verbose --json uas.ua.json --security required --aor sip:bob@b.test --psk-file ab.psk \
    > /dev/null 2> uas.ua.log < /dev/null &
UPID=$!
PIDS+=("$UPID")
for _ in $(seq 1 100); do grep -q "SIP udp on" uas.ua.log 2>/dev/null && break; sleep 0.1; done
grep -q "SIP udp on" uas.ua.log || { cat uas.ua.log >&2; fail "listener did not start"; }

# Two I_MESSAGEs from the CLI (the UA's CS layout: CS 1 the caller's SSRC,
# CS 2 for the callee to fill in); the first one tampered.
offer() {
    "$MIKEY" offer --mode psk --id sip:alice@a.test --peer sip:bob@b.test --psk-file ab.psk --verify \
        --ssrc 0x1badcafe --ssrc 0 --state "$1.state" -o base64 2> "$1.offer.err"
}
GOOD=$(offer good) && BAD=$(offer bad) || { cat good.offer.err bad.offer.err >&2; fail "mikey offer"; }
TAMPERED=$(python3 -c "
import base64, sys
d = bytearray(base64.b64decode(sys.argv[1])); d[-1] ^= 0x80
print(base64.b64encode(bytes(d)).decode())" "$BAD")
printf 'SEQUENTIAL\n%s;\n' "$TAMPERED" > tampered.csv
printf 'SEQUENTIAL\n%s;\n' "$GOOD" > good.csv

run_sipp tampered uac_mikey_tampered.xml -inf tampered.csv -p "$(free_port)" -mp "$(free_port)" "127.0.0.1:$UPORT"
[ "$SIPP_RC" -eq 0 ] || { show tampered.sipp.out tampered.sipp.err uas.ua.log; fail "tampered: sipp exit $SIPP_RC"; }
run_sipp good uac_mikey_ok.xml -inf good.csv -p "$(free_port)" -mp "$(free_port)" "127.0.0.1:$UPORT"
[ "$SIPP_RC" -eq 0 ] || { show good.sipp.out good.sipp.err uas.ua.log; fail "control: sipp exit $SIPP_RC"; }
run_sipp nokm uac_no_keymgmt.xml -p "$(free_port)" -mp "$(free_port)" "127.0.0.1:$UPORT"
[ "$SIPP_RC" -eq 0 ] || { show nokm.sipp.out nokm.sipp.err uas.ua.log; fail "no key-mgmt: sipp exit $SIPP_RC"; }
wait "$UPID"; RC=$?
[ "$RC" -eq 0 ] || { show uas.ua.log; fail "listener exit $RC"; }

python3 -W ignore - "$MIKEY" "$BAD" "$GOOD" <<'EOF' || { show uas.ua.log tampered.sipp.logs good.sipp.logs; fail "UAC cases: checks failed"; }
import base64, re, subprocess, sys
from uacheck import *
mikey, bad, good = sys.argv[1], base64.b64decode(sys.argv[2]), base64.b64decode(sys.argv[3])
errors = []
def logged(name, tag):
    m = re.findall(tag + r" ([A-Za-z0-9+/=]+)", open(f"{name}.sipp.logs").read())
    return base64.b64decode(m[-1]) if m else None
def dump(b):
    r = subprocess.run([mikey, "dump", "--in", "base64", "-"], input=base64.b64encode(b), capture_output=True)
    return r.returncode, r.stdout.decode(errors="replace")
err = logged("tampered", "ERROR-MESSAGE")
resp = logged("good", "RESPONSE-MESSAGE")
if not err or not resp:
    print(f"sipp logged no MIKEY data: {err!r} {resp!r}"); sys.exit(1)
rc, text = dump(err)
# `mikey dump` names the data type and the Error no (docs/cli.md).
if rc != 0 or not re.search(r"Data type: Error \(6\)", text) or not re.search(r"Error no: Auth failure \(0\)", text):
    errors.append(f"mikey dump of the 488's MIKEY (exit {rc}):\n{text}")
rc2, text2 = dump(resp)
if rc2 != 0 or not re.search(r"Data type: PSK ver msg \(1\)", text2) or not re.search(r"^V \(", text2, re.M):
    errors.append(f"mikey dump of the 200's MIKEY (exit {rc2}):\n{text2}")
d = dissect([bad, err, good, resp], "uac")
if d[1]["type"] != 6 or d[1]["err_no"] != 0 or d[1]["csb_id"] != d[0]["csb_id"] or not d[1]["complete"] or d[1]["malformed"]:
    errors.append(f"tshark: the Error message {d[1]} (offer {d[0]})")
if d[3]["type"] != 1 or d[3]["csb_id"] != d[2]["csb_id"] or PT_V not in d[3]["payloads"] or d[3]["malformed"]:
    errors.append(f"tshark: the R_MESSAGE {d[3]} (offer {d[2]})")
reps = reports("uas.ua.json")
by = {}
for r in reps:
    by.setdefault(r["result"], []).append(r)
rej = [r for r in reps if r["result"] == "rejected"]
ok = [r for r in reps if r["result"] == "ok"]
if len(reps) != 3 or len(rej) != 2 or len(ok) != 1:
    errors.append(f"reports: {[(r['result'], r['scode']) for r in reps]}")
else:
    t, n = rej[0], rej[1]
    if t["scode"] != 488 or (t["mikey"]["error_code"], t["mikey"]["error_from"]) != (0, "us"):
        errors.append(f"tampered: {t['scode']} {t['mikey']}")
    if n["scode"] != 488 or "required" not in (n["error"] or ""):
        errors.append(f"no key-mgmt: {n['scode']} {n['error']!r}")
    if ok[0]["security"] != "psk" or ok[0]["mikey"]["csb_id"] != "0x%08x" % d[2]["csb_id"]:
        errors.append(f"control: {ok[0]['security']} {ok[0]['mikey']}")
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"tampered: 488 + Warning + MIKEY Error (Auth failure, CSB {d[1]['csb_id']:#x}); control: 200 + R_MESSAGE; "
      f"no key-mgmt: 488")
EOF

# ---- sipp as UAS, our UA calling (required): cases 4 and 5 ----
for case in 200:uas_200_no_keymgmt.xml 183:uas_183_no_keymgmt.xml; do
    name=uas${case%%:*}
    SPORT=$(free_port)
    run_sipp "$name" "${case#*:}" -p "$SPORT" -mp "$(free_port)" &
    SPID=$!
    PIDS+=("$SPID")
    sleep 0.5
    timeout $T "$UA" call "sip:bob@127.0.0.1:$SPORT" --local 127.0.0.1:0 --timeout 10 --linger 1000 --verbose \
        --json "$name.ua.json" --security required --mode psk --aor sip:alice@a.test --psk-file ab.psk \
        --peer-id sip:bob@b.test --duration 1 > /dev/null 2> "$name.ua.log" < /dev/null
    RC=$?
    wait "$SPID"; SRC_RC=$?
    [ "$RC" -eq 1 ] || { show "$name.ua.log"; fail "$name: our exit $RC, expected 1"; }
    [ "$SRC_RC" -eq 0 ] || { show "$name.sipp.out" "$name.sipp.err" "$name.ua.log"; fail "$name: sipp exit $SRC_RC"; }
done
python3 -W ignore - <<'EOF' || { show uas200.ua.log uas183.ua.log; fail "UAS cases: checks failed"; }
import sys
from uacheck import *
errors = []
for name, want_err, want_reqs in (("uas200", "without a MIKEY response", ["INVITE", "ACK", "BYE"]),
                                  ("uas183", "early answer (183)", ["INVITE", "CANCEL"])):
    r = one(f"{name}.ua.json", errors)
    if not r:
        continue
    if r["result"] != "failed" or want_err not in (r["error"] or "") or r["rtp"]["sent"] or r["srtp"] is not None:
        errors.append(f"{name}: {r['result']} {r['error']!r} rtp sent {r['rtp']['sent']}")
    reqs = [f.split()[0] for f, h, b in sip_messages(f"{name}.ua.log", "sent") if not f.startswith("SIP/")]
    # the 487 of the CANCELled INVITE is ACKed in the INVITE transaction (hop by hop)
    reqs = [m for m in reqs if not (name == "uas183" and m == "ACK")]
    if reqs != want_reqs:
        errors.append(f"{name}: requests sent {reqs}, expected {want_reqs}")
    else:
        print(f"{name}: {' -> '.join(reqs)}; report: {r['error']}")
if errors:
    print("\n".join(errors)); sys.exit(1)
EOF

if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.ua.log >/dev/null 2>&1; then
    for f in $(grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.ua.log); do echo "--- $f" >&2; cat "$f" >&2; done
    fail "sanitizer report"
fi
echo "PASS: ua_sipp"
