#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# e2e: secured calls between two real mikey-ua processes on 127.0.0.1.
#
# 1. Every MIKEY mode (psk, pke, dh, dhhmac, rsar) over each of UDP, TCP and
#    TLS, both sides under policy `required`, 1.5 s of tone each way over
#    SRTP keyed by the exchange. Checked for every call:
#     - both processes exit 0, result "ok", security = the mode, xform srtp,
#       the same CSB ID on both sides, each side's authenticated peer
#       identity is the other's (from the certificates / the AORs);
#     - SRTP counters consistent: the sender protected every RTP packet it
#       sent; the receiver received (loopback: at most 3 in flight at
#       hang-up) and authenticated every one of them, none failed (auth,
#       replay or other), SSRCs agree with the MIKEY crypto sessions (the
#       callee sends with the SSRC it filled in, RFC 3830 §6.1.1);
#     - the caller's closing RTCP compound reached the callee as SRTCP and
#       authenticated;
#     - every packet on the wire is 10 bytes longer than RTP (the 80-bit
#       HMAC-SHA1 tag of AES_CM_128_HMAC_SHA1_80);
#     - each recording equals, sample for sample, what the other side sent,
#       computed independently in Python (tone definition + audioop G.711).
# 2. Policies against a peer without MIKEY (the UA itself under `off`):
#    preferred falls back to the plain stream (audio verified, no SRTP);
#    required gets 488 and fails cleanly (caller exit 1, callee exit 0, no
#    media); an `off` caller to a `required` callee is refused with 488.
# 3. MIKEY errors in SIP (RFC 4567 §4.1.1, thesis §11.4):
#    - wrong PSK on the callee: 488 with a Warning 399 and the MIKEY Error
#      message (Auth failure) in the SDP body: seen in the caller's SIP
#      trace, decoded by the caller (error from the peer) and reported by
#      the callee (error sent by us);
#    - a mode the callee's policy never accepts: 606 with Error Invalid DT;
#    - an R_MESSAGE tampered in transit (a SIP relay in Python flips the last
#      byte of the MIKEY data in the 200): the caller refuses it, ACKs then
#      sends BYE, and reports the MIKEY error; no media keyed from it.
# 4. Replay cache persisted across a restart (--replay-file): the I_MESSAGE
#    of a finished call, re-sent in a new INVITE to a restarted callee, is
#    refused (488, Error Invalid TS, RFC 3830 §5.4, §6.12).
# 5. No sanitizer report in any process log.
#
# Needs: MIKEY_BUILD, MIKEY_BIN (CTest sets them), openssl, python3.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }

BUILD=${MIKEY_BUILD:-}
[ -n "$BUILD" ] || fail "MIKEY_BUILD is not set"
UA="$BUILD/tools/mikey-ua/mikey-ua"
MIKEY=${MIKEY_BIN:-$BUILD/tools/mikey}
[ -x "$UA" ] || fail "$UA not built (is libre-dev installed? run scripts/setup.sh)"
[ -x "$MIKEY" ] || fail "$MIKEY not built"
command -v openssl >/dev/null || fail "openssl CLI missing"
command -v python3 >/dev/null || fail "python3 missing"

TMP=$(mktemp -d /tmp/ua_secure_call.XXXXXX) || fail "mktemp"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
cd "$TMP" || fail "cd $TMP"
T=60

# ---- credentials, made on the fly ----
# MIKEY: a test CA and one certificate per user, the identity in the
# subjectAltName URI (mikey keygen); a PSK shared by alice and bob, another
# one for the wrong-key case.
"$MIKEY" keygen ca --key mca.key --cert mca.pem >/dev/null 2>&1 || fail "mikey keygen ca"
for u in alice:a.test bob:b.test; do
    "$MIKEY" keygen cert --uri "sip:${u%%:*}@${u##*:}" --key "${u%%:*}.key" --cert "${u%%:*}.pem" \
        --ca-cert mca.pem --ca-key mca.key >/dev/null 2>&1 || fail "mikey keygen cert $u"
done
"$MIKEY" keygen psk ab.psk >/dev/null 2>&1 || fail "mikey keygen psk"
"$MIKEY" keygen psk other.psk >/dev/null 2>&1 || fail "mikey keygen psk"
# TLS (SIP transport): a CA and a server certificate for 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=openmikey e2e tls ca" \
    2>/dev/null || fail "openssl CA"
openssl req -new -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null &&
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > server.ext &&
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
        -out server.crt 2>/dev/null && cat server.crt server.key > server.pem || fail "openssl server cert"

# Each side's MIKEY credentials (every mode's, so the caller's --mode alone decides).
BOB_SEC=(--aor sip:bob@b.test --psk-file ab.psk --key bob.key --cert bob.pem --ca mca.pem)
ALICE_SEC=(--aor sip:alice@a.test --psk-file ab.psk --key alice.key --cert alice.pem --ca mca.pem --peer-cert bob.pem)

# start_callee NAME ARGS... : a listener on a random free port (TLS on +1)
start_callee() {
    local name=$1; shift
    for attempt in 1 2 3 4 5 6 7 8; do
        PORT=$(( (RANDOM % 20000) * 2 + 20000 ))
        timeout $T "$UA" listen --local 127.0.0.1:$PORT --transport udp,tcp,tls --tls-cert server.pem \
            --auto-answer --max-calls "${MAXCALLS:-1}" --linger 500 --json "$name.callee.json" "$@" \
            > /dev/null 2> "$name.callee.log" < /dev/null &
        CALLEE_PID=$!
        PIDS+=("$CALLEE_PID")
        for _ in $(seq 1 100); do
            if grep -q "SIP tls on" "$name.callee.log" 2>/dev/null; then return 0; fi
            if ! kill -0 "$CALLEE_PID" 2>/dev/null; then break; fi
            sleep 0.1
        done
        kill "$CALLEE_PID" 2>/dev/null; wait "$CALLEE_PID" 2>/dev/null
        grep -q "cannot bind" "$name.callee.log" || { cat "$name.callee.log" >&2; fail "$name: listener did not start"; }
    done
    fail "$name: no free port found"
}

# run_call NAME TRANSPORT [PORT] -- CALLER-ARGS... : call the current callee, wait for both
run_call() {
    local name=$1 tp=$2 port=$PORT; shift 2
    if [ "$1" != "--" ]; then port=$1; shift; fi
    shift
    [ "$tp" = tls ] && port=$((port + 1))
    timeout $T "$UA" call "sip:bob@127.0.0.1:$port" --transport "$tp" --tls-ca ca.crt --local 127.0.0.1:0 \
        --timeout 10 --linger 500 --verbose --json "$name.caller.json" "$@" > /dev/null 2> "$name.caller.log" < /dev/null
    CALLER_RC=$?
    wait "$CALLEE_PID"
    CALLEE_RC=$?
}

show_logs() { for f in "$1".*.log; do echo "--- $f" >&2; tail -60 "$f" >&2; done; }

# check_call NAME EXPECT-SECURITY CODEC TONE-CALLER TONE-CALLEE
check_call() {
    python3 -W ignore - "$@" <<'EOF'
import audioop, json, math, struct, sys, wave

name, want_sec, codec, hz_caller, hz_callee = sys.argv[1:6]
errors = []

def load(path):
    lines = [l for l in open(path) if l.strip()]
    if len(lines) != 1:
        errors.append(f"{path}: {len(lines)} reports")
        return {}
    return json.loads(lines[0])

def tone(hz, n):
    table = [math.floor(8000 * math.sin(2.0 * math.pi * k / 8000) + 0.5) for k in range(8000)]
    return [table[(i * int(hz)) % 8000] for i in range(n)]

def g711(samples):
    pcm = struct.pack(f"<{len(samples)}h", *samples)
    enc = audioop.lin2ulaw(pcm, 2) if codec == "PCMU" else audioop.lin2alaw(pcm, 2)
    dec = audioop.ulaw2lin(enc, 2) if codec == "PCMU" else audioop.alaw2lin(enc, 2)
    return list(struct.unpack(f"<{len(samples)}h", dec))

def read_wav(path):
    w = wave.open(path)
    d = w.readframes(w.getnframes())
    return list(struct.unpack(f"<{len(d)//2}h", d))

caller, callee = load(f"{name}.caller.json"), load(f"{name}.callee.json")
if errors:
    print("\n".join(errors)); sys.exit(1)
srtp = want_sec != "off"
for role, r in (("caller", caller), ("callee", callee)):
    if r["result"] != "ok":
        errors.append(f"{role}: result {r['result']} ({r['reason']}, {r['error']})")
    if r["security"] != want_sec or r["xform"] != ("srtp" if srtp else "none"):
        errors.append(f"{role}: security {r['security']}/{r['xform']}, expected {want_sec}")
    if r["codec"] != codec:
        errors.append(f"{role}: codec {r['codec']}")
    if srtp and r["mikey"]["mode"] != want_sec:
        errors.append(f"{role}: mikey.mode {r['mikey']['mode']}")
    if not srtp and r["srtp"] is not None:
        errors.append(f"{role}: an SRTP object without SRTP")
if srtp:
    if caller["mikey"]["csb_id"] != callee["mikey"]["csb_id"]:
        errors.append("different CSB IDs")
    if caller["mikey"]["peer_id"] != "sip:bob@b.test" or callee["mikey"]["peer_id"] != "sip:alice@a.test":
        errors.append(f"peer ids {caller['mikey']['peer_id']} / {callee['mikey']['peer_id']}")
    if caller["mikey_us"]["offer"] <= 0 or callee["mikey_us"]["answer"] <= 0 or caller["mikey_us"]["finish"] <= 0:
        errors.append(f"MIKEY step times {caller['mikey_us']} / {callee['mikey_us']}")
    # SRTCP: the caller's last compound (SR + SDES + BYE, sent before its
    # SIP BYE) reached the callee protected and authenticated.
    if callee["srtp"]["rtcp_authenticated"] < 1 or callee["rtcp"]["bye_received"] < 1:
        errors.append(f"callee: SRTCP authenticated {callee['srtp']['rtcp_authenticated']}, "
                      f"RTCP BYE received {callee['rtcp']['bye_received']}")
cd, ad = caller["calling_delay_us"], callee["answering_delay_us"]
if not isinstance(cd, int) or cd <= 0 or not isinstance(ad, int) or ad <= 0:
    errors.append(f"delays {cd!r} / {ad!r}")

for txn, tx, rxn, rx in (("caller", caller, "callee", callee), ("callee", callee, "caller", caller)):
    sent, got = tx["rtp"]["sent"], rx["rtp"]["received"]
    if sent < 50 or not (sent - 3 <= got <= sent):
        errors.append(f"{txn} sent {sent} RTP packets, {rxn} received {got}")
    if rx["rtp"]["accepted"] != got or rx["rtp"]["lost"] or rx["rtp"]["malformed"]:
        errors.append(f"{rxn}: accepted {rx['rtp']['accepted']} of {got}, lost {rx['rtp']['lost']}")
    if rx["rtp"]["ssrc_remote"] != tx["rtp"]["ssrc_local"]:
        errors.append(f"{rxn} saw SSRC {rx['rtp']['ssrc_remote']}, {txn} sent {tx['rtp']['ssrc_local']}")
    if srtp:
        s_tx, s_rx = tx["srtp"], rx["srtp"]
        if s_tx["rtp_protected"] != sent:
            errors.append(f"{txn}: protected {s_tx['rtp_protected']}, sent {sent}")
        if s_rx["rtp_authenticated"] != got or rx["rtp"]["authenticated"] != got or rx["rtp"]["unprotect_failed"]:
            errors.append(f"{rxn}: authenticated {s_rx['rtp_authenticated']} of {got}")
        bad = {k: v for k, v in s_rx.items() if k.endswith(("_failed", "_replayed")) and v}
        if bad:
            errors.append(f"{rxn}: SRTP failures {bad}")
        if rx["rtcp"]["unprotect_failed"]:
            errors.append(f"{rxn}: SRTCP unprotect failed {rx['rtcp']['unprotect_failed']}")
        if s_tx["ssrc_out"] != tx["rtp"]["ssrc_local"] or s_rx["ssrc_in"] != tx["rtp"]["ssrc_local"]:
            errors.append(f"SSRCs: {txn} sends {tx['rtp']['ssrc_local']}, keyed out {s_tx['ssrc_out']}, "
                          f"{rxn} keyed in {s_rx['ssrc_in']}")
        if s_tx["suite"] != "AES_CM_128_HMAC_SHA1_80" or tx["rtp"]["bytes_sent"] != sent * (12 + 160 + 10):
            errors.append(f"{txn}: suite {s_tx['suite']}, {tx['rtp']['bytes_sent']} bytes in {sent} packets")
    elif tx["rtp"]["bytes_sent"] != sent * (12 + 160):
        errors.append(f"{txn}: {tx['rtp']['bytes_sent']} bytes in {sent} plain packets")

for rxn, wav, hz in (("callee", f"{name}.callee.wav", hz_caller), ("caller", f"{name}.caller.wav", hz_callee)):
    got = read_wav(wav)
    n_rx = (caller if rxn == "caller" else callee)["rtp"]["accepted"] * 160
    if len(got) != n_rx:
        errors.append(f"{wav}: {len(got)} samples, {n_rx} expected")
    want = g711(tone(hz, len(got)))
    if got != want:
        bad = [i for i, (a, b) in enumerate(zip(got, want)) if a != b]
        errors.append(f"{wav}: {len(bad)} of {len(got)} samples differ (first at {bad[0] if bad else '?'})")
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"{name}: ok  {want_sec}  calling delay {cd} us, answering delay {ad} us, MIKEY offer/answer/finish "
      f"{caller['mikey_us']['offer']}/{callee['mikey_us']['answer']}/{caller['mikey_us']['finish']} us, "
      f"RTP {caller['rtp']['sent']}/{callee['rtp']['received']} and {callee['rtp']['sent']}/{caller['rtp']['received']}")
EOF
}

# ---- 1. every mode over every transport ----
n=0
for mode in psk pke dh dhhmac rsar; do
    for tp in udp tcp tls; do
        n=$((n + 1))
        codec=PCMU; [ $((n % 2)) -eq 0 ] && codec=PCMA
        law=$(echo $codec | tr A-Z a-z)
        name="$mode-$tp"
        start_callee "$name" --security required "${BOB_SEC[@]}" --tone 1000 --record "$name.callee.wav"
        # DH-HMAC names the responder in its I_MESSAGE (RFC 4650): --peer-id.
        run_call "$name" "$tp" -- --security required --mode "$mode" "${ALICE_SEC[@]}" --peer-id sip:bob@b.test \
            --codec "$law" --tone 440 --duration 1.5 --record "$name.caller.wav"
        if [ "$CALLER_RC" -ne 0 ] || [ "$CALLEE_RC" -ne 0 ]; then
            show_logs "$name"; fail "$name: caller exit $CALLER_RC, callee exit $CALLEE_RC"
        fi
        check_call "$name" "$mode" "$codec" 440 1000 || { show_logs "$name"; fail "$name: checks failed"; }
    done
done

# ---- 2. a peer without MIKEY ----
start_callee fallback --security off --tone 700 --record fallback.callee.wav
run_call fallback udp -- --security preferred --mode psk "${ALICE_SEC[@]}" --tone 440 --duration 1.5 \
    --record fallback.caller.wav
[ "$CALLER_RC" -eq 0 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs fallback; fail "fallback: exit $CALLER_RC/$CALLEE_RC"; }
check_call fallback off PCMU 440 700 || { show_logs fallback; fail "fallback: checks failed"; }
grep -q "m=audio [1-9][0-9]* RTP/AVP" fallback.caller.log && grep -q "m=audio 0 RTP/SAVP" fallback.caller.log ||
    { show_logs fallback; fail "fallback: the answer does not refuse RTP/SAVP and accept RTP/AVP"; }

# preferred on both sides: SRTP
start_callee prefpref --security preferred "${BOB_SEC[@]}" --tone 700 --record prefpref.callee.wav
run_call prefpref tcp -- --security preferred --mode dh "${ALICE_SEC[@]}" --tone 440 --duration 1.5 \
    --record prefpref.caller.wav
[ "$CALLER_RC" -eq 0 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs prefpref; fail "prefpref: exit $CALLER_RC/$CALLEE_RC"; }
check_call prefpref dh PCMU 440 700 || { show_logs prefpref; fail "prefpref: checks failed"; }

# required -> off: 488, clean failure
expect_refusal() { # NAME CODE CALLEE-RESULT
    python3 - "$@" <<'EOF'
import json, sys
name, code, cres = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = [json.loads(l) for l in open(f"{name}.caller.json") if l.strip()]
e = [json.loads(l) for l in open(f"{name}.callee.json") if l.strip()]
err = []
if len(c) != 1 or len(e) != 1:
    print(f"{name}: reports {len(c)}/{len(e)}"); sys.exit(1)
c, e = c[0], e[0]
if (c["result"], c["scode"]) != ("rejected", code):
    err.append(f"caller {c['result']} {c['scode']}")
if (e["result"], e["scode"]) != (cres, code):
    err.append(f"callee {e['result']} {e['scode']}")
if c["rtp"]["sent"] or e["rtp"]["sent"] or c["srtp"] or e["srtp"]:
    err.append("media flowed")
if c["calling_delay_us"] is not None:
    err.append("caller saw a 180")
print(f"{name}: caller {c['result']} {c['scode']} ({c['error']}); callee {e['result']} ({e['error']})")
if err:
    print("\n".join(err)); sys.exit(1)
EOF
}
start_callee reqoff --security off --tone 700
run_call reqoff udp -- --security required --mode psk "${ALICE_SEC[@]}" --duration 1
[ "$CALLER_RC" -eq 1 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs reqoff; fail "reqoff: exit $CALLER_RC/$CALLEE_RC"; }
expect_refusal reqoff 488 rejected || { show_logs reqoff; fail "reqoff: reports"; }

start_callee offreq --security required "${BOB_SEC[@]}"
run_call offreq udp -- --security off --duration 1
[ "$CALLER_RC" -eq 1 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs offreq; fail "offreq: exit $CALLER_RC/$CALLEE_RC"; }
expect_refusal offreq 488 rejected || { show_logs offreq; fail "offreq: reports"; }

# ---- 3. MIKEY errors inside SIP ----
# (a) wrong PSK on the callee: 488 + Warning + the Error message in the body
start_callee wrongpsk --security required --aor sip:bob@b.test --psk-file other.psk
run_call wrongpsk udp -- --security required --mode psk --aor sip:alice@a.test --psk-file ab.psk --duration 1
[ "$CALLER_RC" -eq 1 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs wrongpsk; fail "wrongpsk: exit $CALLER_RC/$CALLEE_RC"; }
expect_refusal wrongpsk 488 rejected || { show_logs wrongpsk; fail "wrongpsk: reports"; }
python3 - <<'EOF' || { show_logs wrongpsk; fail "wrongpsk: the 488 does not carry the MIKEY Error message"; }
import base64, json, re, sys
log = open("wrongpsk.caller.log").read()
m = re.search(r"SIP/2\.0 488 [^\n]*\n(.*?)\n\n(.*?)(?:\n---- |\Z)", log, re.S)
if not m:
    print("no 488 in the caller's SIP trace"); sys.exit(1)
hdrs, body = m.group(1), m.group(2)
ok = re.search(r'^Warning: 399 \S+ "MIKEY: .*Auth failure', hdrs, re.M) is not None
km = re.search(r"^a=key-mgmt:mikey (\S+)", body, re.M)
msg = base64.b64decode(km.group(1)) if km else b""
# RFC 3830 §6.1: HDR data type 6 = Error; the ERR payload (type 12) with Error no 0 = Auth failure.
ok = ok and len(msg) > 10 and msg[1] == 6
c = json.loads(open("wrongpsk.caller.json").read())
e = json.loads(open("wrongpsk.callee.json").read())
ok = ok and (c["mikey"]["error_code"], c["mikey"]["error_from"]) == (0, "peer")
ok = ok and (e["mikey"]["error_code"], e["mikey"]["error_from"]) == (0, "us")
print("wrongpsk: 488 with Warning and an Error message (%d bytes, data type %d); caller error %r" %
      (len(msg), msg[1] if msg else -1, c["error"]))
sys.exit(0 if ok else 1)
EOF

# (b) a mode the callee never accepts: 606 + Error Invalid DT (11)
start_callee mode606 --security required "${BOB_SEC[@]}" --accept-modes psk,dh
run_call mode606 udp -- --security required --mode rsar "${ALICE_SEC[@]}" --duration 1
[ "$CALLER_RC" -eq 1 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs mode606; fail "mode606: exit $CALLER_RC/$CALLEE_RC"; }
expect_refusal mode606 606 rejected || { show_logs mode606; fail "mode606: reports"; }
grep -q '"error_code":11,"error_from":"peer"' mode606.caller.json || { show_logs mode606; fail "mode606: no Invalid DT"; }

# (c) a tampered R_MESSAGE: a relay between the two flips the last byte of
#     the MIKEY data in the 200 OK (same base64 length, SIP otherwise intact).
start_callee tamper --security required "${BOB_SEC[@]}" --tone 1000
RELAY_PORT=$(( PORT + 2 ))
python3 - "$PORT" "$RELAY_PORT" > tamper.relay.log 2>&1 <<'EOF' &
import base64, re, select, socket, sys, time
callee, port = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # towards the callee
up.bind(("127.0.0.1", 0))
caller = None
end = time.time() + 20
def tamper(msg):
    head, sep, body = msg.partition(b"\r\n\r\n")
    if not head.startswith(b"SIP/2.0 200") or b" INVITE\r\n" not in head:
        return msg
    def flip(m):
        d = bytearray(base64.b64decode(m.group(2)))
        d[-1] ^= 0x01
        print("relay: flipped the last byte of %d bytes of MIKEY data in the 200" % len(d), flush=True)
        return m.group(1) + base64.b64encode(bytes(d))
    return head + sep + re.sub(rb"(a=key-mgmt:mikey )(\S+)", flip, body)
while time.time() < end:
    r, _, _ = select.select([s, up], [], [], 0.5)
    for sock in r:
        data, addr = sock.recvfrom(65535)
        if sock is s:
            caller = addr
            up.sendto(data, ("127.0.0.1", callee))
        elif caller:
            s.sendto(tamper(data), caller)
EOF
RELAY_PID=$!
PIDS+=("$RELAY_PID")
sleep 0.3
run_call tamper udp "$((RELAY_PORT))" -- --security required --mode psk "${ALICE_SEC[@]}" --duration 1
kill "$RELAY_PID" 2>/dev/null; wait "$RELAY_PID" 2>/dev/null
[ "$CALLER_RC" -eq 1 ] || { show_logs tamper; cat tamper.relay.log >&2; fail "tamper: caller exit $CALLER_RC, expected 1"; }
[ "$CALLEE_RC" -eq 0 ] || { show_logs tamper; fail "tamper: callee exit $CALLEE_RC"; }
grep -q "flipped the last byte" tamper.relay.log || { cat tamper.relay.log >&2; fail "tamper: the relay changed nothing"; }
python3 - <<'EOF' || { show_logs tamper; fail "tamper: the caller did not end the call as expected"; }
import json, re, sys
c = json.loads(open("tamper.caller.json").read())
e = json.loads(open("tamper.callee.json").read())
log = open("tamper.caller.log").read()
sent = re.findall(r"^---- sent [^\n]*\n(\w+) sip:", log, re.M)
ok = c["result"] == "failed" and "MIKEY response was refused" in (c["error"] or "")
ok = ok and c["srtp"] is None and c["rtp"]["sent"] == 0
ok = ok and "ACK" in sent and "BYE" in sent and sent.index("ACK") < sent.index("BYE")
ok = ok and e["reason"] == "BYE received"
print(f"tamper: caller {c['result']}: {c['error']}; requests sent {sent}; callee {e['result']} ({e['reason']})")
sys.exit(0 if ok else 1)
EOF

# ---- 4. the replay cache survives a restart ----
start_callee replay1 --security required "${BOB_SEC[@]}" --replay-file replay.cache
run_call replay1 udp -- --security required --mode psk "${ALICE_SEC[@]}" --duration 0.5
[ "$CALLER_RC" -eq 0 ] && [ "$CALLEE_RC" -eq 0 ] || { show_logs replay1; fail "replay1: exit $CALLER_RC/$CALLEE_RC"; }
[ -s replay.cache ] || fail "replay: no cache file written"
[ "$(stat -c %a replay.cache)" = 600 ] || fail "replay: cache file mode $(stat -c %a replay.cache)"
start_callee replay2 --security required "${BOB_SEC[@]}" --replay-file replay.cache
python3 - "$PORT" <<'EOF' || { show_logs replay2; fail "replay: the old I_MESSAGE was not refused after the restart"; }
import base64, re, socket, sys
port = int(sys.argv[1])
log = open("replay1.caller.log").read()
body = re.search(r"^(v=0\n.*?a=sendrecv\n)", log, re.M | re.S).group(1).replace("\n", "\r\n")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5); s.bind(("127.0.0.1", 0))
lp = s.getsockname()[1]
req = (f"INVITE sip:bob@127.0.0.1:{port} SIP/2.0\r\n"
       f"Via: SIP/2.0/UDP 127.0.0.1:{lp};branch=z9hG4bK-e2e-replay-1;rport\r\n"
       "Max-Forwards: 70\r\nTo: <sip:bob@127.0.0.1>\r\nFrom: <sip:alice@a.test>;tag=rp1\r\n"
       "Call-ID: e2e-replay-1@127.0.0.1\r\nCSeq: 1 INVITE\r\n"
       f"Contact: <sip:alice@127.0.0.1:{lp}>\r\nContent-Type: application/sdp\r\n"
       f"Content-Length: {len(body)}\r\n\r\n{body}")
s.sendto(req.encode(), ("127.0.0.1", port))
while True:
    msg = s.recv(65535).decode(errors="replace")
    code = int(msg.split()[1])
    if code >= 200:
        break
km = re.search(r"^a=key-mgmt:mikey (\S+)", msg, re.M)
err = base64.b64decode(km.group(1)) if km else b""
# Walk the payload chain by hand (RFC 3830 §6.1: HDR = version, data type,
# next payload, V|PRF, CSB ID (4), #CS, map type, then 9 bytes per CS of an
# SRTP-ID map; §6.6: T = next, TS type, value; §6.12: ERR = next, Error no,
# reserved (2)).
def error_no(m):
    if len(m) < 10 or m[1] != 6:   # data type 6: Error
        return None
    nxt, off = m[2], 10 + 9 * m[8]
    while off < len(m):
        if nxt == 5:   # T: NTP-UTC and NTP values are 8 bytes, COUNTER 4
            nxt, off = m[off], off + 2 + (4 if m[off + 1] == 2 else 8)
        elif nxt == 12:  # ERR: next, error no, reserved(2)
            return m[off + 1]
        else:
            return None
    return None
no = error_no(err) if err else None
ack = (f"ACK sip:bob@127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{lp};branch=z9hG4bK-e2e-replay-1;rport\r\n"
       "Max-Forwards: 70\r\nTo: <sip:bob@127.0.0.1>" + re.search(r"^To:[^\r\n]*?(;tag=[^\r\n;]*)", msg, re.M).group(1) +
       "\r\nFrom: <sip:alice@a.test>;tag=rp1\r\nCall-ID: e2e-replay-1@127.0.0.1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n")
s.sendto(ack.encode(), ("127.0.0.1", port))
print(f"replayed I_MESSAGE after restart -> {code}, MIKEY Error no {no}")
# RFC 3830 §6.12: Invalid TS = 1 (a replay is answered like a stale timestamp).
sys.exit(0 if code == 488 and no == 1 else 1)
EOF
wait "$CALLEE_PID"

# ---- 5. sanitizers ----
if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log >/dev/null 2>&1; then
    for f in $(grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log); do echo "--- $f" >&2; cat "$f" >&2; done
    fail "sanitizer report"
fi
echo "PASS: ua_secure_call"
