#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# e2e: device mobility (thesis §15.2) between two real mikey-ua processes on
# loopback: the caller moves from 127.0.0.1 to 127.0.0.2 during an SRTP
# call (new SIP transport, new RTP/RTCP pair) and sends a re-INVITE from
# the new address whose MIKEY update (RFC 3830 §4.5) proves that it holds
# the CSB; the callee redirects its media to the new address
# (ua_media_set_remote) and the call goes on.
#
# 1. psk: no MKI; the update carries no key material (keep_keys), so the
#    keys stay.
#    Checked:
#     - both exit 0, result ok; caller: 1 re-INVITE sent and answered,
#       moved_to 127.0.0.2; callee: 1 accepted, media now to 127.0.0.2 and
#       the caller's new RTP port, one destination change;
#     - the re-INVITE in the caller's trace left from 127.0.0.2 with Via,
#       Contact and c= of 127.0.0.2; its MIKEY message (tshark) has the
#       call's CSB ID, a new T, no RAND; the 200 carries an R_MESSAGE;
#     - the same keys: one key generation on both sides (with no MKI a key
#       change would have failed the packets in flight);
#     - the callee hangs up: its BYE reaches the caller at its new Contact
#       (the old SIP socket is closed): caller result ok, "BYE received";
#     - no gap: zero SRTP failures, every packet sent was received and
#       authenticated, the recordings equal the tones sample for sample.
# 2. dh-mki: signed DH with a 1-byte MKI: the move's update carries no DHi
#    (mikey_offer_opts::keep_keys, RFC 3830 §4.5) and its response no
#    DHr/DHi, so the keys stay as in every mode: one key generation (MKI 01)
#    on both sides, still no failure and no gap.
# 3. refused: forged re-INVITEs in the dialog of an SRTP call, sent from
#    127.0.0.3 by a script that read the dialog from the caller's trace:
#    (a) moving the media to 127.0.0.3 without key-mgmt: 488 with a Warning;
#    (b) the same with the call's own initial I_MESSAGE (valid MAC, replayed):
#    488 with the MIKEY Error Invalid TS (RFC 3830 §5.4, §6.12). The media
#    was not redirected (callee's destination unchanged, no change counted)
#    and the call went on with audio intact.
# 4. No sanitizer report in any process log.
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

TMP=$(mktemp -d /tmp/ua_mobility.XXXXXX) || fail "mktemp"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
cd "$TMP" || fail "cd $TMP"
T=60

"$MIKEY" keygen ca --key mca.key --cert mca.pem >/dev/null 2>&1 || fail "mikey keygen ca"
for u in alice:a.test bob:b.test; do
    "$MIKEY" keygen cert --uri "sip:${u%%:*}@${u##*:}" --key "${u%%:*}.key" --cert "${u%%:*}.pem" \
        --ca-cert mca.pem --ca-key mca.key >/dev/null 2>&1 || fail "mikey keygen cert $u"
done
"$MIKEY" keygen psk ab.psk >/dev/null 2>&1 || fail "mikey keygen psk"
BOB_SEC=(--aor sip:bob@b.test --psk-file ab.psk --key bob.key --cert bob.pem --ca mca.pem)
ALICE_SEC=(--aor sip:alice@a.test --psk-file ab.psk --key alice.key --cert alice.pem --ca mca.pem
           --peer-id sip:bob@b.test)

start_callee() { # NAME ARGS...
    local name=$1; shift
    for attempt in 1 2 3 4 5 6 7 8; do
        PORT=$(( (RANDOM % 20000) * 2 + 20000 ))
        timeout $T "$UA" listen --local 127.0.0.1:$PORT --transport udp --auto-answer --max-calls 1 \
            --linger 500 --verbose --json "$name.callee.json" "$@" > /dev/null 2> "$name.callee.log" < /dev/null &
        CALLEE_PID=$!
        PIDS+=("$CALLEE_PID")
        for _ in $(seq 1 100); do
            if grep -q "SIP udp on" "$name.callee.log" 2>/dev/null; then return 0; fi
            if ! kill -0 "$CALLEE_PID" 2>/dev/null; then break; fi
            sleep 0.1
        done
        kill "$CALLEE_PID" 2>/dev/null; wait "$CALLEE_PID" 2>/dev/null
        grep -q "cannot bind" "$name.callee.log" || { cat "$name.callee.log" >&2; fail "$name: listener did not start"; }
    done
    fail "$name: no free port found"
}

show_logs() { for f in "$1".*.log; do echo "--- $f" >&2; tail -80 "$f" >&2; done; }

# check_move NAME MODE GENERATIONS MKI-LEN CALLEE-HANGS-UP
check_move() {
    python3 -W ignore - "$@" <<'EOF'
import re, sys
from uacheck import *

name, mode, gens, mkilen, callee_bye = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
errors = []
c, e = one(f"{name}.caller.json", errors), one(f"{name}.callee.json", errors)
if errors:
    print("\n".join(errors)); sys.exit(1)
for role, r in (("caller", c), ("callee", e)):
    if r["result"] != "ok" or r["security"] != mode or r["xform"] != "srtp":
        errors.append(f"{role}: {r['result']} {r['security']}/{r['xform']} ({r['reason']}, {r['error']})")
    if r["mikey"]["updates"]["generations"] != gens:
        errors.append(f"{role}: {r['mikey']['updates']['generations']} key generations, expected {gens}")
    want_keys = ["%0*x" % (2 * mkilen, g) for g in range(1, gens + 1)] if mkilen else []
    if sorted(k["mki"] for k in r["srtp"]["keys"]) != want_keys:
        errors.append(f"{role}: keys {r['srtp']['keys']}, expected MKIs {want_keys}")
moved = c["reinvite"]["moved_to"] or ""
if not moved.startswith("127.0.0.2:") or (c["reinvite"]["sent"], c["reinvite"]["ok"]) != (1, 1):
    errors.append(f"caller: re-INVITE {c['reinvite']}")
if (e["reinvite"]["received"], e["reinvite"]["accepted"]) != (1, 1) or \
   (e["mikey"]["updates"]["received"], e["mikey"]["updates"]["accepted"]) != (1, 1):
    errors.append(f"callee: re-INVITE {e['reinvite']}, updates {e['mikey']['updates']}")
if not c["rtp"]["local"].startswith("127.0.0.2:") or e["rtp"]["remote"] != c["rtp"]["local"] or \
   e["rtp"]["remote_changes"] != 1:
    errors.append(f"media: caller receives on {c['rtp']['local']}, callee sends to {e['rtp']['remote']} "
                  f"({e['rtp']['remote_changes']} changes)")
if callee_bye and (e["reason"] != "hung up locally" or c["reason"] != "BYE received"):
    errors.append(f"the callee's BYE: caller {c['reason']!r}, callee {e['reason']!r}")

# The re-INVITE on the wire (the caller's trace).
log = open(f"{name}.caller.log").read()
sent = [m for m in re.finditer(r"^---- sent (\S+) (\S+) -> (\S+) [^\n]*\n(INVITE [^\n]*)", log, re.M)]
msgs = [(f, h, b) for f, h, b in sip_messages(f"{name}.caller.log", "sent") if f.startswith("INVITE ")]
if len(msgs) != 2 or len(sent) != 2:
    errors.append(f"{len(msgs)} INVITEs sent by the caller, expected 2")
else:
    f, h, b = msgs[1]
    src = sent[1].group(2)
    via, contact = header(h, "Via") or "", header(h, "Contact") or ""
    if not is_reinvite(f, h) or not src.startswith("127.0.0.2:") or " 127.0.0.2:" not in via or \
       "@127.0.0.2:" not in contact or "\nc=IN IP4 127.0.0.2" not in "\n" + b:
        errors.append(f"the re-INVITE: from {src}, Via {via!r}, Contact {contact!r}")
    kms = key_mgmt(msgs[0][2]) + key_mgmt(b)
    resp = [km for f2, h2, b2 in sip_messages(f"{name}.callee.log", "sent")
            if f2.startswith("SIP/2.0 200") and cseq(h2)[1] == "INVITE" for km in key_mgmt(b2)]
    d = dissect(kms + resp, name)
    csb = int(c["mikey"]["csb_id"], 16)
    if len(kms) != 2 or len(resp) != 2:
        errors.append(f"MIKEY messages: {len(kms)} I_MESSAGEs, {len(resp)} R_MESSAGEs")
    elif any(x["csb_id"] != csb or x["malformed"] or x["warning"] for x in d):
        errors.append(f"dissection: {d}")
    elif PT_RAND not in d[0]["payloads"] or PT_RAND in d[1]["payloads"] or d[0]["t"] == d[1]["t"]:
        errors.append(f"the update is not an update of the CSB (RFC 3830 §4.5): {d[1]}")
    elif PT_DH in d[1]["payloads"] or PT_DH in d[3]["payloads"]:
        # a move carries no key material: no DH payload (RFC 3830 §6.4) in
        # the update nor in its response (§4.5)
        errors.append(f"the move's update or its response has a DH payload: {d[1]} {d[3]}")
for txn, tx, rxn, rx in (("caller", c, "callee", e), ("callee", e, "caller", c)):
    check_rtp_pair(txn, tx, rxn, rx, errors)
for rxn, rx, hz in (("callee", e, 440), ("caller", c, 1000)):
    got = read_wav(f"{name}.{rxn}.wav")
    if len(got) != rx["rtp"]["accepted"] * 160:
        errors.append(f"{rxn}: {len(got)} samples recorded, {rx['rtp']['accepted']} packets accepted")
    same_audio(got, g711(tone(hz, len(got))), f"{name}.{rxn}.wav", errors)
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"{name}: ok  moved to {moved}, media {c['rtp']['local']}; {gens} key generation(s); RTP "
      f"{c['rtp']['sent']}/{e['rtp']['received']} and {e['rtp']['sent']}/{c['rtp']['received']} "
      f"({c['rtp']['received_old']} on the old pair), 0 SRTP failures; {c['reason']}")
EOF
}

# ---- 1. psk: the same keys ----
start_callee psk --security required "${BOB_SEC[@]}" --tone 1000 --record psk.callee.wav --duration 3
timeout $T "$UA" call "sip:bob@127.0.0.1:$PORT" --local 127.0.0.1:0 --timeout 10 --linger 500 --verbose \
    --json psk.caller.json --security required --mode psk "${ALICE_SEC[@]}" --move-after 1 --move-to 127.0.0.2 \
    --tone 440 --duration 6 --record psk.caller.wav > /dev/null 2> psk.caller.log < /dev/null
CALLER_RC=$?; wait "$CALLEE_PID"; CALLEE_RC=$?
[ "$CALLER_RC" -eq 0 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs psk; fail "psk: exit $CALLER_RC/$CALLEE_RC"; }
check_move psk psk 1 0 1 || { show_logs psk; fail "psk: checks failed"; }

# ---- 2. dh with an MKI: the move keeps the keys too ----
start_callee dh-mki --security required "${BOB_SEC[@]}" --tone 1000 --record dh-mki.callee.wav
timeout $T "$UA" call "sip:bob@127.0.0.1:$PORT" --local 127.0.0.1:0 --timeout 10 --linger 500 --verbose \
    --json dh-mki.caller.json --security required --mode dh "${ALICE_SEC[@]}" --mki-len 1 --move-after 1 \
    --move-to 127.0.0.2 --tone 440 --duration 2.5 --record dh-mki.caller.wav > /dev/null 2> dh-mki.caller.log < /dev/null
CALLER_RC=$?; wait "$CALLEE_PID"; CALLEE_RC=$?
[ "$CALLER_RC" -eq 0 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs dh-mki; fail "dh-mki: exit $CALLER_RC/$CALLEE_RC"; }
check_move dh-mki dh 1 1 0 || { show_logs dh-mki; fail "dh-mki: checks failed"; }

# ---- 3. forged re-INVITEs that move the media are refused ----
start_callee refused --security required "${BOB_SEC[@]}" --tone 1000 --record refused.callee.wav
timeout $T "$UA" call "sip:bob@127.0.0.1:$PORT" --local 127.0.0.1:0 --timeout 10 --linger 500 --verbose \
    --json refused.caller.json --security required --mode psk "${ALICE_SEC[@]}" --tone 440 --duration 3 \
    --record refused.caller.wav > /dev/null 2> refused.caller.log < /dev/null &
CALLER_PID=$!
PIDS+=("$CALLER_PID")
python3 -W ignore - > refused.forger.log 2>&1 <<'EOF'
# Read the dialog from the caller's trace once it is established, then send
# two re-INVITEs in it from 127.0.0.3, as someone on the path could.
import re, socket, sys, time
from uacheck import *
end = time.time() + 15
while time.time() < end:
    log = open("refused.caller.log").read()
    if "call established" in log:
        break
    time.sleep(0.05)
else:
    print("the call was not established"); sys.exit(1)
time.sleep(0.5)
inv = [(f, h, b) for f, h, b in sip_messages("refused.caller.log", "sent") if f.startswith("INVITE ")][0]
ok = [(f, h, b) for f, h, b in sip_messages("refused.caller.log", "received")
      if f.startswith("SIP/2.0 200") and cseq(h)[1] == "INVITE"][0]
callid, frm, to = header(ok[1], "Call-ID"), header(ok[1], "From"), header(ok[1], "To")
target = re.search(r"<(sip:[^>]+)>", header(ok[1], "Contact")).group(1)
host, port = re.search(r"@([\d.]+):(\d+)", target).groups()
n0 = cseq(inv[1])[0]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.3", 0))
s.settimeout(5)
lp = s.getsockname()[1]
results = []
for i, km in enumerate([None, key_mgmt(inv[2])[0]]):
    body = ("v=0\r\no=- 1 %d IN IP4 127.0.0.3\r\ns=-\r\nc=IN IP4 127.0.0.3\r\nt=0 0\r\n" % (2 + i) +
            ("a=key-mgmt:mikey %s\r\n" % __import__("base64").b64encode(km).decode() if km else "") +
            "m=audio %d RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n" % (30000 + 2 * i))
    branch = "z9hG4bK-forged-%d-%d" % (i, lp)
    req = (f"INVITE {target} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.3:{lp};branch={branch};rport\r\n"
           f"Max-Forwards: 70\r\nFrom: {frm}\r\nTo: {to}\r\nCall-ID: {callid}\r\nCSeq: {n0 + 100 + i} INVITE\r\n"
           f"Contact: <sip:alice@127.0.0.3:{lp}>\r\nContent-Type: application/sdp\r\n"
           f"Content-Length: {len(body)}\r\n\r\n{body}")
    s.sendto(req.encode(), (host, int(port)))
    while True:
        msg = s.recv(65535).decode(errors="replace")
        code = int(msg.split()[1])
        if code >= 200:
            break
    head, _, rbody = msg.replace("\r\n", "\n").partition("\n\n")
    ack = (f"ACK {target} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.3:{lp};branch={branch};rport\r\nMax-Forwards: 70\r\n"
           f"From: {frm}\r\nTo: {to}\r\nCall-ID: {callid}\r\nCSeq: {n0 + 100 + i} ACK\r\nContent-Length: 0\r\n\r\n")
    s.sendto(ack.encode(), (host, int(port)))
    kms = key_mgmt(rbody)
    d = dissect(kms, "forged%d" % i) if kms else []
    results.append((code, header(head, "Warning"), d))
    print(f"forged re-INVITE {i}: {code}, Warning {header(head, 'Warning')!r}, MIKEY {d}")
ok = results[0][0] == 488 and "authenticated MIKEY update" in (results[0][1] or "")
ok = ok and results[1][0] == 488 and len(results[1][2]) == 1 and results[1][2][0]["type"] == 6 and \
    results[1][2][0]["err_no"] == 1
sys.exit(0 if ok else 1)
EOF
FORGER_RC=$?
wait "$CALLER_PID"; CALLER_RC=$?; wait "$CALLEE_PID"; CALLEE_RC=$?
cat refused.forger.log
[ "$FORGER_RC" -eq 0 ] || { show_logs refused; fail "refused: the forged re-INVITEs were not refused as expected"; }
[ "$CALLER_RC" -eq 0 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs refused; fail "refused: exit $CALLER_RC/$CALLEE_RC"; }
python3 -W ignore - <<'EOF' || { show_logs refused; fail "refused: checks failed"; }
import sys
from uacheck import *
errors = []
c, e = one("refused.caller.json", errors), one("refused.callee.json", errors)
if errors:
    print("\n".join(errors)); sys.exit(1)
if c["result"] != "ok" or e["result"] != "ok":
    errors.append(f"results {c['result']}/{e['result']}")
if (e["reinvite"]["received"], e["reinvite"]["accepted"], e["reinvite"]["refused"]) != (2, 0, 2):
    errors.append(f"callee re-INVITEs {e['reinvite']}")
if (e["mikey"]["updates"]["received"], e["mikey"]["updates"]["rejected"], e["mikey"]["updates"]["generations"]) != (1, 2, 1):
    errors.append(f"callee updates {e['mikey']['updates']}")
if e["rtp"]["remote"] != c["rtp"]["local"] or e["rtp"]["remote_changes"] != 0:
    errors.append(f"the callee's media went to {e['rtp']['remote']} ({e['rtp']['remote_changes']} changes)")
for txn, tx, rxn, rx in (("caller", c, "callee", e), ("callee", e, "caller", c)):
    check_rtp_pair(txn, tx, rxn, rx, errors)
for rxn, rx, hz in (("callee", e, 440), ("caller", c, 1000)):
    got = read_wav(f"refused.{rxn}.wav")
    same_audio(got, g711(tone(hz, len(got))), f"refused.{rxn}.wav", errors)
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"refused: both forged moves got 488; media stayed at {e['rtp']['remote']}; "
      f"RTP {c['rtp']['sent']}/{e['rtp']['received']} and {e['rtp']['sent']}/{c['rtp']['received']}")
EOF

# ---- 4. sanitizers ----
if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log >/dev/null 2>&1; then
    for f in $(grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log); do echo "--- $f" >&2; cat "$f" >&2; done
    fail "sanitizer report"
fi
echo "PASS: ua_mobility"
