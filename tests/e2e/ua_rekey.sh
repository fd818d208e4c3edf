#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# e2e: rekeying an SRTP call in a re-INVITE with a MIKEY update (RFC 3830
# §4.5) between two real mikey-ua processes on 127.0.0.1, without
# interrupting the media.
#
# 1. psk-udp: PSK, AES_CM_128_HMAC_SHA1_80, 1-byte MKI, two rekeys
#    (--rekey-after 0.8 --rekey-count 2) during 3 s of tone each way.
#    dh-tcp-gcm: signed DH over TCP, AEAD_AES_128_GCM, 2-byte MKI (after the
#    GCM tag, RFC 7714 §8), one rekey. Checked for each:
#     - both exit 0, result ok; the caller sent N re-INVITEs, all answered
#       2xx; the callee received and accepted N MIKEY updates; N+1 key
#       generations on both sides;
#     - Wireshark's MIKEY dissector (tshark, text2pcap, UDP 2269) on every
#       MIKEY message of the SIP traces: each re-INVITE's I_MESSAGE has the
#       CSB ID of the call, a new T, no RAND payload and new key material
#       (KEMAC for PSK, DH for DH); each 200's R_MESSAGE has the CSB ID too;
#       no Malformed, no expert warning, a complete chain (except after a DH
#       payload with an MKI in its KV, where tshark 4.0 stops: INTEROP.md);
#     - zero SRTP authentication, replay or other failures; every RTP packet
#       sent was received (at most 3 in flight at hang-up) and
#       authenticated; packet size = RTP + tag + MKI;
#     - per key (MKI 1, 2, 3...): packets under each key flowed both ways,
#       and what one side sent under a key the other authenticated under
#       it (the last key within the in-flight margin);
#     - no gap: each recording equals, sample for sample, the tone the
#       other side sent (independent Python computation + audioop).
# 2. refused: a UDP relay between the two (it takes the callee's place in
#    the dialog by rewriting the Contact of the 200) flips a byte of the
#    MIKEY data in the re-INVITE. The callee refuses it with 488, a Warning
#    399 and the MIKEY Error (Auth failure) in the SDP body; the caller
#    keeps the old keys and the call goes on: audio continuous, one key
#    generation, the error reported on both sides.
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

TMP=$(mktemp -d /tmp/ua_rekey.XXXXXX) || fail "mktemp"
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
BOB_SEC=(--aor sip:bob@b.test --psk-file ab.psk --key bob.key --cert bob.pem --ca mca.pem
         --srtp-suite AES_CM_128_HMAC_SHA1_80,AEAD_AES_128_GCM)
ALICE_SEC=(--aor sip:alice@a.test --psk-file ab.psk --key alice.key --cert alice.pem --ca mca.pem
           --peer-id sip:bob@b.test)

start_callee() { # NAME ARGS...
    local name=$1; shift
    for attempt in 1 2 3 4 5 6 7 8; do
        PORT=$(( (RANDOM % 20000) * 2 + 20000 ))
        timeout $T "$UA" listen --local 127.0.0.1:$PORT --transport udp,tcp --auto-answer --max-calls 1 \
            --linger 500 --verbose --json "$name.callee.json" "$@" > /dev/null 2> "$name.callee.log" < /dev/null &
        CALLEE_PID=$!
        PIDS+=("$CALLEE_PID")
        for _ in $(seq 1 100); do
            if grep -q "SIP tcp on" "$name.callee.log" 2>/dev/null; then return 0; fi
            if ! kill -0 "$CALLEE_PID" 2>/dev/null; then break; fi
            sleep 0.1
        done
        kill "$CALLEE_PID" 2>/dev/null; wait "$CALLEE_PID" 2>/dev/null
        grep -q "cannot bind" "$name.callee.log" || { cat "$name.callee.log" >&2; fail "$name: listener did not start"; }
    done
    fail "$name: no free port found"
}

run_call() { # NAME TRANSPORT PORT -- CALLER-ARGS...
    local name=$1 tp=$2 port=$3; shift 4
    timeout $T "$UA" call "sip:bob@127.0.0.1:$port" --transport "$tp" --local 127.0.0.1:0 --timeout 10 \
        --linger 500 --verbose --json "$name.caller.json" "$@" > /dev/null 2> "$name.caller.log" < /dev/null
    CALLER_RC=$?
    wait "$CALLEE_PID"
    CALLEE_RC=$?
}

show_logs() { for f in "$1".*.log; do echo "--- $f" >&2; tail -80 "$f" >&2; done; }

# check_rekey NAME MODE REKEYS MKI-LEN TAG-LEN
check_rekey() {
    python3 -W ignore - "$@" <<'EOF'
import sys
from uacheck import *

name, mode, nrekey, mkilen, taglen = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
errors = []
caller, callee = one(f"{name}.caller.json", errors), one(f"{name}.callee.json", errors)
if errors:
    print("\n".join(errors)); sys.exit(1)
for role, r in (("caller", caller), ("callee", callee)):
    if r["result"] != "ok" or r["security"] != mode or r["xform"] != "srtp":
        errors.append(f"{role}: {r['result']} {r['security']}/{r['xform']} ({r['reason']}, {r['error']})")
    if r["mikey"]["updates"]["generations"] != nrekey + 1:
        errors.append(f"{role}: {r['mikey']['updates']['generations']} key generations, expected {nrekey + 1}")
if caller["mikey"]["csb_id"] != callee["mikey"]["csb_id"]:
    errors.append("different CSB IDs")
ri, ro = caller["reinvite"], callee["reinvite"]
if (ri["sent"], ri["ok"], ri["failed"]) != (nrekey, nrekey, 0):
    errors.append(f"caller re-INVITEs {ri}")
if (ro["received"], ro["accepted"], ro["refused"]) != (nrekey, nrekey, 0):
    errors.append(f"callee re-INVITEs {ro}")
u, v = caller["mikey"]["updates"], callee["mikey"]["updates"]
if (u["sent"], u["ok"], u["refused"]) != (nrekey, nrekey, 0) or (v["received"], v["accepted"], v["rejected"]) != (nrekey, nrekey, 0):
    errors.append(f"MIKEY updates: caller {u}, callee {v}")

# The MIKEY messages on the wire (the SIP traces), dissected by tshark.
csb = int(caller["mikey"]["csb_id"], 16)
inits, resps = [], []
for first, hdrs, body in sip_messages(f"{name}.caller.log", "sent"):
    if first.startswith("INVITE "):
        for km in key_mgmt(body):
            inits.append((is_reinvite(first, hdrs), km))
for first, hdrs, body in sip_messages(f"{name}.callee.log", "sent"):
    if first.startswith("SIP/2.0 200") and cseq(hdrs)[1] == "INVITE":
        for km in key_mgmt(body):
            resps.append((cseq(hdrs)[0], km))
re_i = [km for r, km in inits if r]
if len([1 for r, _ in inits if not r]) != 1 or len(re_i) != nrekey:
    errors.append(f"{len(inits)} I_MESSAGEs in INVITEs, {len(re_i)} in re-INVITEs; expected 1 + {nrekey}")
d = dissect([km for _, km in inits] + [km for _, km in resps], name)
new_key = PT_KEMAC if mode == "psk" else PT_DH
ts = set()
for i, x in enumerate(d):
    what = f"MIKEY message {i} (type {x['type']})"
    # tshark 4.0 stops after a DH payload whose KV is not NULL (INTEROP.md):
    # with an MKI the DH messages' chains end there; the rest is still checked.
    dh_kv = mode == "dh" and mkilen and PT_DH in x["payloads"]
    if x["malformed"] or x["warning"] or not (x["complete"] or dh_kv):
        errors.append(f"{what}: tshark: malformed {x['malformed']}, warning {x['warning']}, complete {x['complete']}")
    if x["csb_id"] != csb:
        errors.append(f"{what}: CSB ID {x['csb_id']:#x}, the call's is {csb:#x}")
    if i < len(inits):
        ts.add(x["t"])
        if i == 0 and PT_RAND not in x["payloads"]:
            errors.append(f"{what}: the initial I_MESSAGE has no RAND")
        if i > 0 and (PT_RAND in x["payloads"] or new_key not in x["payloads"] or PT_T not in x["payloads"]):
            # RFC 3830 §4.5: an update has T, no RAND, and here new key material.
            errors.append(f"{what}: update payloads {x['payloads']}")
if len(ts) != len(inits):
    errors.append(f"timestamps of the I_MESSAGEs not all different: {ts}")
want_resp = {"psk": 1, "dh": 5}[mode]
if len(resps) != nrekey + 1 or any(x["type"] != want_resp for x in d[len(inits):]):
    errors.append(f"{len(resps)} R_MESSAGEs in 200s (types {[x['type'] for x in d[len(inits):]]}), expected {nrekey + 1}")

# Media: nothing lost, all authenticated, the right size.
for txn, tx, rxn, rx in (("caller", caller, "callee", callee), ("callee", callee, "caller", caller)):
    check_rtp_pair(txn, tx, rxn, rx, errors)
    if tx["rtp"]["bytes_sent"] != tx["rtp"]["sent"] * (12 + 160 + taglen + mkilen):
        errors.append(f"{txn}: {tx['rtp']['bytes_sent']} bytes in {tx['rtp']['sent']} packets")
    if tx["srtp"]["mki_len"] != mkilen:
        errors.append(f"{txn}: MKI length {tx['srtp']['mki_len']}")
# Per key: each generation carried packets both ways, received under the key it was sent with.
want_mkis = ["%0*x" % (2 * mkilen, g) for g in range(1, nrekey + 2)]
for txn, tx, rxn, rx in (("caller", caller, "callee", callee), ("callee", callee, "caller", caller)):
    kt = {k["mki"]: k for k in tx["srtp"]["keys"]}
    kr = {k["mki"]: k for k in rx["srtp"]["keys"]}
    if sorted(kt) != want_mkis or sorted(kr) != want_mkis:
        errors.append(f"MKIs {sorted(kt)} / {sorted(kr)}, expected {want_mkis}")
        continue
    for i, mki in enumerate(want_mkis):
        out, got = kt[mki]["rtp_out"], kr[mki]["rtp_in"]
        slack = 3 if i == len(want_mkis) - 1 else 0
        if out < 5 or not (out - slack <= got <= out):
            errors.append(f"key {mki}: {txn} sent {out} packets under it, {rxn} authenticated {got}")
    if sum(k["rtp_out"] for k in kt.values()) != tx["rtp"]["sent"]:
        errors.append(f"{txn}: per-key counts do not add up to {tx['rtp']['sent']}")
# No gap: the recordings are the tones, sample for sample.
for rxn, rx, hz in (("callee", callee, 440), ("caller", caller, 1000)):
    got = read_wav(f"{name}.{rxn}.wav")
    if len(got) != rx["rtp"]["accepted"] * 160:
        errors.append(f"{rxn}: {len(got)} samples recorded, {rx['rtp']['accepted']} packets accepted")
    same_audio(got, g711(tone(hz, len(got)), caller["codec"]), f"{name}.{rxn}.wav", errors)
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"{name}: ok  {nrekey} rekeys, CSB {csb:#010x}; per key caller->callee "
      f"{[(k['mki'], k['rtp_out']) for k in caller['srtp']['keys']]}, callee->caller "
      f"{[(k['mki'], k['rtp_out']) for k in callee['srtp']['keys']]}; RTP {caller['rtp']['sent']}/"
      f"{callee['rtp']['received']} and {callee['rtp']['sent']}/{caller['rtp']['received']}, 0 SRTP failures")
EOF
}

# ---- 1. rekeying ----
start_callee psk-udp --security required "${BOB_SEC[@]}" --tone 1000 --record psk-udp.callee.wav
run_call psk-udp udp "$PORT" -- --security required --mode psk "${ALICE_SEC[@]}" --mki-len 1 \
    --rekey-after 0.8 --rekey-count 2 --tone 440 --duration 3 --record psk-udp.caller.wav
[ "$CALLER_RC" -eq 0 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs psk-udp; fail "psk-udp: exit $CALLER_RC/$CALLEE_RC"; }
check_rekey psk-udp psk 2 1 10 || { show_logs psk-udp; fail "psk-udp: checks failed"; }

start_callee dh-tcp-gcm --security required "${BOB_SEC[@]}" --tone 1000 --record dh-tcp-gcm.callee.wav
run_call dh-tcp-gcm tcp "$PORT" -- --security required --mode dh "${ALICE_SEC[@]}" --srtp-suite AEAD_AES_128_GCM \
    --mki-len 2 --rekey-after 1 --tone 440 --duration 2.5 --record dh-tcp-gcm.caller.wav
[ "$CALLER_RC" -eq 0 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs dh-tcp-gcm; fail "dh-tcp-gcm: exit $CALLER_RC/$CALLEE_RC"; }
check_rekey dh-tcp-gcm dh 1 2 16 || { show_logs dh-tcp-gcm; fail "dh-tcp-gcm: checks failed"; }

# ---- 2. a tampered update is refused; the call goes on with the old keys ----
start_callee refused --security required "${BOB_SEC[@]}" --tone 1000 --record refused.callee.wav
RELAY_PORT=$(( PORT + 2 ))
python3 - "$PORT" "$RELAY_PORT" > refused.relay.log 2>&1 <<'EOF' &
# A UDP SIP relay in front of the callee. It puts itself into the dialog by
# rewriting the callee's Contact in the 200 (so the caller's in-dialog
# requests come here too) and flips one byte of the MIKEY data in every
# re-INVITE (an INVITE with a To tag).
import base64, re, select, socket, sys, time
callee, port = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
up.bind(("127.0.0.1", 0))
caller = None
end = time.time() + 30
def tamper(msg):
    head, sep, body = msg.partition(b"\r\n\r\n")
    if not head.startswith(b"INVITE ") or not re.search(rb"^To:[^\r\n]*;tag=", head, re.M):
        return msg
    def flip(m):
        d = bytearray(base64.b64decode(m.group(2)))
        d[len(d) // 2] ^= 0x01
        print("relay: flipped a byte of %d bytes of MIKEY data in the re-INVITE" % len(d), flush=True)
        return m.group(1) + base64.b64encode(bytes(d))
    return head + sep + re.sub(rb"(a=key-mgmt:mikey )(\S+)", flip, body)
def contact(msg):
    if msg.startswith(b"SIP/2.0 200"):
        msg = re.sub(rb"(Contact: <sip:[^@>]*@127\.0\.0\.1:)%d" % callee, rb"\g<1>%d" % port, msg)
    return msg
while time.time() < end:
    r, _, _ = select.select([s, up], [], [], 0.5)
    for sock in r:
        data, addr = sock.recvfrom(65535)
        if sock is s:
            caller = addr
            up.sendto(tamper(data), ("127.0.0.1", callee))
        elif caller:
            s.sendto(contact(data), caller)
EOF
RELAY_PID=$!
PIDS+=("$RELAY_PID")
sleep 0.3
run_call refused udp "$RELAY_PORT" -- --security required --mode psk "${ALICE_SEC[@]}" --mki-len 1 \
    --rekey-after 0.8 --tone 440 --duration 2.5 --record refused.caller.wav
kill "$RELAY_PID" 2>/dev/null; wait "$RELAY_PID" 2>/dev/null
[ "$CALLER_RC" -eq 0 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs refused; cat refused.relay.log >&2; fail "refused: exit $CALLER_RC/$CALLEE_RC"; }
grep -q "flipped a byte" refused.relay.log || { cat refused.relay.log >&2; show_logs refused; fail "refused: the relay saw no re-INVITE"; }
python3 -W ignore - <<'EOF' || { show_logs refused; fail "refused: checks failed"; }
import sys
from uacheck import *
errors = []
c, e = one("refused.caller.json", errors), one("refused.callee.json", errors)
if errors:
    print("\n".join(errors)); sys.exit(1)
for role, r in (("caller", c), ("callee", e)):
    if r["result"] != "ok" or r["mikey"]["updates"]["generations"] != 1:
        errors.append(f"{role}: {r['result']}, {r['mikey']['updates']['generations']} key generations")
    if [k["mki"] for k in r["srtp"]["keys"]] != ["01"]:
        errors.append(f"{role}: keys {r['srtp']['keys']}")
if (c["reinvite"]["sent"], c["reinvite"]["failed"], c["mikey"]["updates"]["refused"]) != (1, 1, 1):
    errors.append(f"caller: re-INVITE {c['reinvite']}, updates {c['mikey']['updates']}")
if (e["reinvite"]["received"], e["reinvite"]["refused"], e["mikey"]["updates"]["rejected"]) != (1, 1, 1):
    errors.append(f"callee: re-INVITE {e['reinvite']}, updates {e['mikey']['updates']}")
# RFC 3830 §6.12: Auth failure = 0, sent by the callee, decoded by the caller.
if (c["mikey"]["error_code"], c["mikey"]["error_from"]) != (0, "peer") or \
   (e["mikey"]["error_code"], e["mikey"]["error_from"]) != (0, "us"):
    errors.append(f"MIKEY errors: caller {c['mikey']['error_code']}/{c['mikey']['error_from']}, "
                  f"callee {e['mikey']['error_code']}/{e['mikey']['error_from']}")
# The 488 as the caller received it: Warning 399 and the Error message in SDP.
r488 = [(h, b) for f, h, b in sip_messages("refused.caller.log", "received")
        if f.startswith("SIP/2.0 488") and cseq(h)[1] == "INVITE"]
if len(r488) != 1:
    errors.append(f"{len(r488)} 488 responses to INVITEs in the caller's trace")
else:
    h, b = r488[0]
    w = header(h, "Warning") or ""
    kms = key_mgmt(b)
    d = dissect(kms, "err") if kms else []
    if not w.startswith("399 ") or "Auth failure" not in w:
        errors.append(f"Warning: {w!r}")
    if len(d) != 1 or d[0]["type"] != 6 or d[0]["err_no"] != 0 or d[0]["malformed"] or not d[0]["complete"]:
        errors.append(f"the 488's MIKEY: {d}")
    elif d[0]["csb_id"] != int(c["mikey"]["csb_id"], 16):
        errors.append("the Error names another CSB")
for txn, tx, rxn, rx in (("caller", c, "callee", e), ("callee", e, "caller", c)):
    check_rtp_pair(txn, tx, rxn, rx, errors)
for rxn, rx, hz in (("callee", e, 440), ("caller", c, 1000)):
    got = read_wav(f"refused.{rxn}.wav")
    same_audio(got, g711(tone(hz, len(got))), f"refused.{rxn}.wav", errors)
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"refused: the tampered update got 488 + Warning + MIKEY Error (Auth failure); the call went on under MKI 01: "
      f"RTP {c['rtp']['sent']}/{e['rtp']['received']} and {e['rtp']['sent']}/{c['rtp']['received']}")
EOF

# ---- 3. sanitizers ----
if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log >/dev/null 2>&1; then
    for f in $(grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log); do echo "--- $f" >&2; cat "$f" >&2; done
    fail "sanitizer report"
fi
echo "PASS: ua_rekey"
