#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# e2e: session mobility (thesis §15.1: "REFER makes the peer re-INVITE
# another device, which joins with the same TGK and is authenticated by its
# response") with three real mikey-ua processes on loopback:
#
#   alice (caller, MIKEY initiator)  --INVITE-->  bob (127.0.0.1)
#   bob writes its CSB to a transfer file (mikey_ctx_export) and sends
#   REFER (Refer-To: bob2) to alice; alice INVITEs bob2 (127.0.0.3) with a
#   MIKEY update of the CSB (same CSB ID, no RAND, the CSB's TGK again, the
#   new device's SSRC a placeholder); bob2 imports the CSB from the file
#   (--join-file), answers with its R_MESSAGE (the V MAC proves it holds
#   the CSB); alice moves the media to bob2 and NOTIFYs bob (sipfrag 200),
#   bob hangs up.
#
# 1. transfer: checked
#     - all exit 0; alice writes two reports (the call with bob: transferee,
#       status 200, transferred to the new call; the call with bob2: ok,
#       psk, one update sent and confirmed), bob one (transferor, status
#       200), bob2 one (ok, joined the CSB);
#     - the same CSB ID in all three; bob2's authenticated peer is alice;
#       bob2 sends with an SSRC of its own (not bob's: the same key must not
#       meet a reused SSRC/index, RFC 3711 §9.1);
#     - SIP: REFER with Refer-To, 202, NOTIFY 100 then 200 (Event: refer,
#       message/sipfrag, the last terminated), BYE from bob after it;
#     - MIKEY (tshark): the INVITE to bob2 carries an update of the CSB (its
#       CSB ID, no RAND, a KEMAC, CS 2's SSRC 0), bob2's 200 the PSK
#       R_MESSAGE with the SSRC it filled in;
#     - media: zero SRTP failures on all three; alice's packets under MKI 01
#       reached bob, those under MKI 02 bob2; alice's recording is bob's tone
#       then bob2's, bob's and bob2's recordings the matching stretches of
#       alice's tone, all sample for sample.
# 2. nojoin: the same without the transfer file at bob2: its fresh context
#    cannot take the update (no RAND, unknown CSB): 488 with the MIKEY
#    Error; alice reports the transfer failed (NOTIFY 488 to bob), and the
#    call alice-bob goes on untouched (audio intact, no SRTP failure).
# 3. No sanitizer report in any process log.
#
# Needs: MIKEY_BUILD, MIKEY_BIN (CTest sets them), tshark, text2pcap, python3.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }

BUILD=${MIKEY_BUILD:-}
[ -n "$BUILD" ] || fail "MIKEY_BUILD is not set"
SRC=${MIKEY_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
UA="$BUILD/tools/mikey-ua/mikey-ua"
MIKEY=${MIKEY_BIN:-$BUILD/tools/mikey}
[ -x "$UA" ] || fail "$UA not built (is libre-dev installed? run scripts/setup.sh)"
[ -x "$MIKEY" ] || fail "$MIKEY not built"
for t in python3 tshark text2pcap; do command -v $t >/dev/null || fail "$t missing (run scripts/setup.sh)"; done
export PYTHONPATH="$SRC/tests/e2e/lib${PYTHONPATH:+:$PYTHONPATH}"

TMP=$(mktemp -d /tmp/ua_refer.XXXXXX) || fail "mktemp"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
cd "$TMP" || fail "cd $TMP"
T=60

"$MIKEY" keygen psk ab.psk >/dev/null 2>&1 || fail "mikey keygen psk"
BOB_SEC=(--security required --aor sip:bob@b.test --psk-file ab.psk)

start_listener() { # NAME ADDR ARGS... -> LPORT, LPID
    local name=$1 addr=$2; shift 2
    for attempt in 1 2 3 4 5 6 7 8; do
        LPORT=$(( (RANDOM % 20000) * 2 + 20000 ))
        timeout $T "$UA" listen --local "$addr:$LPORT" --transport udp --auto-answer --max-calls 1 --linger 500 \
            --verbose --json "$name.json" "$@" > /dev/null 2> "$name.log" < /dev/null &
        LPID=$!
        PIDS+=("$LPID")
        for _ in $(seq 1 100); do
            if grep -q "SIP udp on" "$name.log" 2>/dev/null; then return 0; fi
            if ! kill -0 "$LPID" 2>/dev/null; then break; fi
            sleep 0.1
        done
        kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null
        grep -q "cannot bind" "$name.log" || { cat "$name.log" >&2; fail "$name: listener did not start"; }
    done
    fail "$name: no free port found"
}

show_logs() { for f in "$1"*.log; do echo "--- $f" >&2; tail -60 "$f" >&2; done; }

# run NAME JOIN(0|1): the three processes of one case
run() {
    local name=$1 join=$2
    local jopt=()
    [ "$join" = 1 ] && jopt=(--join-file "$name.csb")
    start_listener "$name.bob2" 127.0.0.3 "${BOB_SEC[@]}" --tone 700 --record "$name.bob2.wav" "${jopt[@]}"
    B2PORT=$LPORT; B2PID=$LPID
    start_listener "$name.bob" 127.0.0.1 "${BOB_SEC[@]}" --tone 1000 --record "$name.bob.wav" \
        --transfer-to "sip:bob@127.0.0.3:$B2PORT" --transfer-after 1 --transfer-file "$name.csb"
    BPORT=$LPORT; BPID=$LPID
    timeout $T "$UA" call "sip:bob@127.0.0.1:$BPORT" --local 127.0.0.1:0 --timeout 10 --linger 500 --verbose \
        --json "$name.alice.json" --security required --mode psk --aor sip:alice@a.test --psk-file ab.psk \
        --peer-id sip:bob@b.test --mki-len 1 --tone 440 --duration 3 --record "$name.alice.wav" \
        > /dev/null 2> "$name.alice.log" < /dev/null
    ALICE_RC=$?
    wait "$BPID"; BOB_RC=$?
    if [ "$join" = 1 ]; then wait "$B2PID"; BOB2_RC=$?; else
        # bob2 refused the INVITE and waits for calls (--max-calls counts it): it is done too
        wait "$B2PID"; BOB2_RC=$?; fi
}

# ---- 1. the transfer ----
run xfer 1
[ "$ALICE_RC" -eq 0 ] && [ "$BOB_RC" -eq 0 ] && [ "$BOB2_RC" -eq 0 ] ||
    { show_logs xfer; fail "xfer: exit alice $ALICE_RC, bob $BOB_RC, bob2 $BOB2_RC"; }
python3 -W ignore - "$B2PORT" <<'EOF' || { show_logs xfer; fail "xfer: checks failed"; }
import re, sys
from uacheck import *
b2port = sys.argv[1]
errors = []
al = reports("xfer.alice.json")
bob, bob2 = one("xfer.bob.json", errors), one("xfer.bob2.json", errors)
if len(al) != 2 or errors:
    print(f"alice wrote {len(al)} reports; " + "; ".join(errors)); sys.exit(1)
a1 = [r for r in al if r["peer"].startswith("sip:bob@127.0.0.1:")]
a2 = [r for r in al if r["peer"] == f"sip:bob@127.0.0.3:{b2port}"]
if len(a1) != 1 or len(a2) != 1:
    print(f"alice's reports: {[r['peer'] for r in al]}"); sys.exit(1)
a1, a2 = a1[0], a2[0]
tr = a1["transfer"]
if a1["result"] != "ok" or not tr or (tr["role"], tr["status"], tr["transferred"]) != ("transferee", 200, True) or \
   tr["call_id"] != a2["call_id"] or tr["to"] != f"sip:bob@127.0.0.3:{b2port}":
    errors.append(f"alice's first call: {a1['result']}, transfer {tr}")
if a2["result"] != "ok" or a2["security"] != "psk" or \
   (a2["mikey"]["updates"]["sent"], a2["mikey"]["updates"]["ok"]) != (1, 1):
    errors.append(f"alice's call to bob2: {a2['result']} {a2['security']} updates {a2['mikey']['updates']} ({a2['error']})")
tb = bob["transfer"]
if bob["result"] != "ok" or not tb or (tb["role"], tb["status"]) != ("transferor", 200) or bob["reason"] != "hung up locally":
    errors.append(f"bob: {bob['result']} ({bob['reason']}), transfer {tb}")
if bob2["result"] != "ok" or not bob2["mikey"]["updates"]["joined"] or bob2["mikey"]["peer_id"] != "sip:alice@a.test":
    errors.append(f"bob2: {bob2['result']}, updates {bob2['mikey']['updates']}, peer {bob2['mikey']['peer_id']}")
csbs = {a2["mikey"]["csb_id"], bob["mikey"]["csb_id"], bob2["mikey"]["csb_id"]}
if len(csbs) != 1:
    errors.append(f"CSB IDs {csbs}")
if bob2["rtp"]["ssrc_local"] == bob["rtp"]["ssrc_local"]:
    errors.append("bob2 reuses bob's SSRC under the same key")

# SIP: REFER / 202 / NOTIFY 100, 200 / BYE
bs = sip_messages("xfer.bob.log", "sent")
refer = [(f, h) for f, h, b in bs if f.startswith("REFER ")]
if len(refer) != 1 or header(refer[0][1], "Refer-To") != f"<sip:bob@127.0.0.3:{b2port}>":
    errors.append(f"bob's REFER: {refer}")
br = sip_messages("xfer.bob.log", "received")
if not any(f.startswith("SIP/2.0 202") and cseq(h)[1] == "REFER" for f, h, b in br):
    errors.append("no 202 to the REFER")
notifies = [(h, b) for f, h, b in br if f.startswith("NOTIFY ")]
frags = [b.strip().split("\n")[0] for h, b in notifies]
if frags != ["SIP/2.0 100 Trying", "SIP/2.0 200 OK"] or any(header(h, "Event") != "refer" for h, b in notifies) or \
   not all("message/sipfrag" in (header(h, "Content-Type") or "") for h, b in notifies) or \
   not (header(notifies[-1][0], "Subscription-State") or "").startswith("terminated"):
    errors.append(f"NOTIFYs: {frags}")
order = [f.split()[0] for f, h, b in bs if not f.startswith("SIP/")]
if "BYE" not in order or order.index("BYE") < order.index("REFER"):
    errors.append(f"bob's requests: {order}")

# MIKEY: the update to bob2 and bob2's response (tshark)
inv = [b for f, h, b in sip_messages("xfer.alice.log", "sent") if f.startswith("INVITE sip:bob@127.0.0.3")]
ok = [b for f, h, b in sip_messages("xfer.bob2.log", "sent") if f.startswith("SIP/2.0 200") and "m=audio" in b]
kms = [km for b in inv + ok for km in key_mgmt(b)]
if len(kms) != 2:
    errors.append(f"{len(kms)} MIKEY messages between alice and bob2")
else:
    d = dissect(kms, "xfer")
    csb = int(a2["mikey"]["csb_id"], 16)
    if any(x["csb_id"] != csb or x["malformed"] or x["warning"] or not x["complete"] for x in d):
        errors.append(f"dissection {d}")
    if d[0]["type"] != 0 or PT_RAND in d[0]["payloads"] or PT_KEMAC not in d[0]["payloads"]:
        errors.append(f"the INVITE's MIKEY is not an update of the CSB: {d[0]}")
    if d[1]["type"] != 1 or PT_V not in d[1]["payloads"]:
        errors.append(f"bob2's response: {d[1]}")
    # CS map (RFC 3830 §6.1.1): CS 2 a placeholder in the update, bob2's SSRC in the response
    r = subprocess.run(["tshark", "-r", "xfer.pcap", "-T", "fields", "-e", "mikey.srtp_id.ssrc"], capture_output=True)
    rows = [l.split(",") for l in r.stdout.decode().split("\n") if l]
    if len(rows) != 2 or int(rows[0][1], 0) != 0 or int(rows[1][1], 0) != bob2["rtp"]["ssrc_local"] or \
       int(rows[0][0], 0) != a2["rtp"]["ssrc_local"]:
        errors.append(f"CS maps {rows}")

# Media
keys = {k["mki"]: k for k in a2["srtp"]["keys"]}
if sorted(keys) != ["01", "02"]:
    errors.append(f"alice's keys {a2['srtp']['keys']}")
else:
    if not (keys["01"]["rtp_out"] - 3 <= bob["rtp"]["received"] <= keys["01"]["rtp_out"]):
        errors.append(f"alice sent {keys['01']['rtp_out']} under MKI 01, bob received {bob['rtp']['received']}")
    if not (keys["02"]["rtp_out"] - 3 <= bob2["rtp"]["received"] <= keys["02"]["rtp_out"]):
        errors.append(f"alice sent {keys['02']['rtp_out']} under MKI 02, bob2 received {bob2['rtp']['received']}")
    if keys["02"]["rtp_in"] != a2["rtp"]["sources"][-1]["accepted"] or keys["01"]["rtp_in"] < bob["rtp"]["sent"] - 3:
        errors.append(f"alice's receive keys {keys}")
for who, r in (("alice", a2), ("bob", bob), ("bob2", bob2)):
    bad = {k: v for k, v in r["srtp"].items() if k.endswith(("_failed", "_replayed")) and v}
    if bad or r["rtp"]["unprotect_failed"] or r["rtp"]["lost"]:
        errors.append(f"{who}: SRTP failures {bad}, unprotect failed {r['rtp']['unprotect_failed']}, lost {r['rtp']['lost']}")
src = a2["rtp"]["sources"]
if len(src) != 2 or src[0]["ssrc"] != bob["rtp"]["ssrc_local"] or src[1]["ssrc"] != bob2["rtp"]["ssrc_local"] or \
   src[1]["first_sample"] != src[0]["accepted"] * 160 or not (bob2["rtp"]["sent"] - 3 <= src[1]["accepted"] <= bob2["rtp"]["sent"]):
    errors.append(f"alice's sources {src}")
got = read_wav("xfer.alice.wav")
if len(src) == 2:
    s2 = src[1]["first_sample"]
    same_audio(got[:s2], g711(tone(1000, s2)), "alice's recording, bob's part", errors)
    same_audio(got[s2:], g711(tone(700, len(got) - s2)), "alice's recording, bob2's part", errors)
got = read_wav("xfer.bob.wav")
same_audio(got, g711(tone(440, len(got))), "bob's recording", errors)
if "01" in keys:
    got = read_wav("xfer.bob2.wav")
    start = keys["01"]["rtp_out"] * 160   # alice's samples before the switch went to bob
    same_audio(got, g711(tone(440, len(got), start)), "bob2's recording", errors)
    if len(got) != bob2["rtp"]["accepted"] * 160:
        errors.append(f"bob2 recorded {len(got)} samples of {bob2['rtp']['accepted']} packets")
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"xfer: ok  CSB {a2['mikey']['csb_id']} went from bob to bob2 (joined, SSRC {bob2['rtp']['ssrc_local']:#x}); "
      f"alice->bob {keys['01']['rtp_out']} under MKI 01, alice->bob2 {keys['02']['rtp_out']} under MKI 02; "
      f"alice heard bob for {src[0]['accepted']} and bob2 for {src[1]['accepted']} packets; 0 SRTP failures")
EOF

# ---- 2. a device without the CSB cannot take the session ----
run nojoin 0
[ "$ALICE_RC" -eq 0 ] && [ "$BOB_RC" -eq 0 ] || { show_logs nojoin; fail "nojoin: exit alice $ALICE_RC, bob $BOB_RC"; }
python3 -W ignore - <<'EOF' || { show_logs nojoin; fail "nojoin: checks failed"; }
import sys
from uacheck import *
errors = []
al = reports("nojoin.alice.json")
bob, bob2 = one("nojoin.bob.json", errors), one("nojoin.bob2.json", errors)
if len(al) != 2 or errors:
    print(f"alice wrote {len(al)} reports; " + "; ".join(errors)); sys.exit(1)
a1 = [r for r in al if r["peer"].startswith("sip:bob@127.0.0.1:")][0]
a2 = [r for r in al if r["peer"].startswith("sip:bob@127.0.0.3:")][0]
if (a2["result"], a2["scode"]) != ("rejected", 488):
    errors.append(f"alice's call to bob2: {a2['result']} {a2['scode']}")
if (bob2["result"], bob2["scode"]) != ("rejected", 488) or bob2["mikey"]["error_from"] != "us":
    errors.append(f"bob2: {bob2['result']} {bob2['scode']} ({bob2['mikey']})")
if a1["result"] != "ok" or (a1["transfer"]["status"], a1["transfer"]["transferred"]) != (488, False):
    errors.append(f"alice's call with bob: {a1['result']}, transfer {a1['transfer']}")
if bob["result"] != "ok" or (bob["transfer"]["status"], bob["transfer"]["transferred"]) != (488, False):
    errors.append(f"bob: {bob['result']}, transfer {bob['transfer']}")
if a1["mikey"]["updates"]["generations"] != 1 or [k["mki"] for k in a1["srtp"]["keys"]] != ["01"]:
    errors.append(f"alice's keys changed: {a1['mikey']['updates']} {a1['srtp']['keys']}")
for txn, tx, rxn, rx in (("alice", a1, "bob", bob), ("bob", bob, "alice", a1)):
    check_rtp_pair(txn, tx, rxn, rx, errors)
for who, hz, other in (("alice", 1000, a1), ("bob", 440, bob)):
    got = read_wav(f"nojoin.{who}.wav")
    same_audio(got, g711(tone(hz, len(got))), f"{who}'s recording", errors)
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"nojoin: bob2 without the CSB refused the update (488, MIKEY error {bob2['mikey']['error_code']}); "
      f"the call alice-bob went on: RTP {a1['rtp']['sent']}/{bob['rtp']['received']} and "
      f"{bob['rtp']['sent']}/{a1['rtp']['received']}, 0 SRTP failures")
EOF

# ---- 3. sanitizers ----
if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log >/dev/null 2>&1; then
    for f in $(grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log); do echo "--- $f" >&2; cat "$f" >&2; done
    fail "sanitizer report"
fi
echo "PASS: ua_refer"
