#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# e2e: two mikey-ua processes on 127.0.0.1 call each other directly, over
# UDP, TCP and TLS, with the security policy `off` (plain RTP/AVP).
#
# Checked for every call:
#  - both processes exit 0 and write a JSON report with result "ok";
#  - the caller's calling delay (dial -> 180) and the callee's answering
#    delay (200 sent -> ACK received) are present and positive;
#  - RTP packets sent by one side ~ received by the other (loopback: at
#    most 3 in flight at hang-up), none malformed, none lost;
#  - the audio each side recorded equals what the other side sent, sample
#    for sample, where "what was sent" is computed independently here:
#    the tone from its definition (floor(A sin(2 pi k f / 8000) + 0.5)) or
#    the WAV file, passed through Python's audioop G.711 codec (a separate
#    implementation of G.711 from the one in mikey-ua).
# Plus: TLS peer verification refuses a certificate from an unknown CA and
# one that does not match the host called; OPTIONS is answered 200 with
# Allow; a call refused with 486 is reported as such.
#
# Needs: MIKEY_BUILD (CTest sets it), openssl, python3. Missing -> FAIL.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }

BUILD=${MIKEY_BUILD:-}
[ -n "$BUILD" ] || fail "MIKEY_BUILD is not set"
UA="$BUILD/tools/mikey-ua/mikey-ua"
[ -x "$UA" ] || fail "$UA not built (is libre-dev installed? run scripts/setup.sh)"
command -v openssl >/dev/null || fail "openssl CLI missing"
command -v python3 >/dev/null || fail "python3 missing"

TMP=$(mktemp -d /tmp/ua_plain_call.XXXXXX) || fail "mktemp"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
cd "$TMP" || fail "cd $TMP"

# ---- certificates: a CA, a server certificate for 127.0.0.1 signed by it,
#      another CA, and a certificate for another host ----
mkcert() { # name cn san ca-prefix
    openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null &&
        printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\n' "$3" > "$1.ext" &&
        openssl x509 -req -in "$1.csr" -CA "$4.crt" -CAkey "$4.key" -CAcreateserial -days 2 \
            -extfile "$1.ext" -out "$1.crt" 2>/dev/null && cat "$1.crt" "$1.key" > "$1.pem"
}
for ca in ca ca2; do
    openssl req -x509 -newkey rsa:2048 -nodes -keyout $ca.key -out $ca.crt -days 2 \
        -subj "/CN=openmikey test $ca" 2>/dev/null || fail "openssl CA"
done
mkcert server 127.0.0.1 "IP:127.0.0.1" ca || fail "openssl server cert"
mkcert wrong other.test "DNS:other.test,IP:127.0.0.2" ca || fail "openssl wrong-host cert"

# ---- helpers ----
T=60   # per-process bound (seconds)

# start_callee NAME ARGS... : start a listener on a random free port pair,
# sets CALLEE_PID and PORT (TLS on PORT+1). Retries on a port collision.
start_callee() {
    local name=$1; shift
    for attempt in 1 2 3 4 5 6 7 8; do
        PORT=$(( (RANDOM % 20000) * 2 + 20000 ))
        timeout $T "$UA" listen --local 127.0.0.1:$PORT --transport udp,tcp,tls \
            --tls-cert "${CALLEE_CERT:-server.pem}" --auto-answer --max-calls 1 --linger 500 \
            --json "$name.callee.json" "$@" > /dev/null 2> "$name.callee.log" < /dev/null &
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

# run_call NAME TRANSPORT CALLER-ARGS... : call the current callee; waits
# for both processes; sets CALLER_RC and CALLEE_RC.
run_call() {
    local name=$1 tp=$2; shift 2
    local port=$PORT
    [ "$tp" = tls ] && port=$((PORT + 1))
    timeout $T "$UA" call "sip:bob@127.0.0.1:$port" --transport "$tp" --tls-ca ca.crt --local 127.0.0.1:0 \
        --timeout 10 --linger 500 --json "$name.caller.json" "$@" > /dev/null 2> "$name.caller.log" < /dev/null
    CALLER_RC=$?
    # The callee exits by itself after its one call; bounded by timeout.
    wait "$CALLEE_PID"
    CALLEE_RC=$?
}

show_logs() { for f in "$1".*.log; do echo "--- $f" >&2; cat "$f" >&2; done; }

# check_call NAME CALLER-SOURCE CALLEE-SOURCE CODEC
#   SOURCE: tone:HZ or wav:FILE (what that side sent)
check_call() {
    python3 -W ignore - "$@" <<'EOF'
import audioop, json, math, struct, sys, wave

name, src_caller, src_callee, codec = sys.argv[1:5]
errors = []

def load_json(path):
    with open(path) as f:
        lines = [l for l in f if l.strip()]
    if len(lines) != 1:
        errors.append(f"{path}: expected 1 report, got {len(lines)}")
        return {}
    return json.loads(lines[0])

def g711_roundtrip(samples):
    pcm = struct.pack(f"<{len(samples)}h", *samples)
    enc = audioop.lin2ulaw(pcm, 2) if codec == "PCMU" else audioop.lin2alaw(pcm, 2)
    dec = audioop.ulaw2lin(enc, 2) if codec == "PCMU" else audioop.alaw2lin(enc, 2)
    return list(struct.unpack(f"<{len(samples)}h", dec))

def source(spec, n):
    kind, arg = spec.split(":", 1)
    if kind == "tone":
        hz, amp = int(arg), 8000
        table = [math.floor(amp * math.sin(2.0 * math.pi * k / 8000) + 0.5) for k in range(8000)]
        return [table[(i * hz) % 8000] for i in range(n)]
    w = wave.open(arg)
    d = w.readframes(w.getnframes())
    s = list(struct.unpack(f"<{len(d)//2}h", d))
    return [s[i % len(s)] for i in range(n)]

def read_wav(path):
    w = wave.open(path)
    if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, 8000):
        errors.append(f"{path}: not 16-bit mono 8 kHz")
    d = w.readframes(w.getnframes())
    return list(struct.unpack(f"<{len(d)//2}h", d))

caller = load_json(f"{name}.caller.json")
callee = load_json(f"{name}.callee.json")
if errors:
    print("\n".join(errors)); sys.exit(1)

for role, r in (("caller", caller), ("callee", callee)):
    if r.get("result") != "ok":
        errors.append(f"{role}: result {r.get('result')} ({r.get('reason')}, {r.get('error')})")
    if r.get("codec") != codec:
        errors.append(f"{role}: codec {r.get('codec')}, expected {codec}")
    if r.get("security") != "off" or r.get("xform") != "none":
        errors.append(f"{role}: security {r.get('security')}/{r.get('xform')}, expected off/none")
cd = caller.get("calling_delay_us")
ad = callee.get("answering_delay_us")
if not isinstance(cd, int) or cd <= 0:
    errors.append(f"caller: calling_delay_us {cd!r} is not a positive integer")
if not isinstance(ad, int) or ad <= 0:
    errors.append(f"callee: answering_delay_us {ad!r} is not a positive integer")
if caller.get("answering_delay_us") is not None or callee.get("calling_delay_us") is not None:
    errors.append("a delay of the other role is set")
if caller.get("call_id") != callee.get("call_id"):
    errors.append("the two reports name different calls")

for tx_role, tx, rx_role, rx in (("caller", caller, "callee", callee), ("callee", callee, "caller", caller)):
    sent, got = tx["rtp"]["sent"], rx["rtp"]["received"]
    if sent < 100:
        errors.append(f"{tx_role} sent only {sent} RTP packets")
    if not (sent - 3 <= got <= sent):
        errors.append(f"{tx_role} sent {sent} RTP packets, {rx_role} received {got}")
    if rx["rtp"]["accepted"] != got or rx["rtp"]["malformed"] or rx["rtp"]["lost"]:
        errors.append(f"{rx_role}: accepted {rx['rtp']['accepted']} of {got}, malformed {rx['rtp']['malformed']}, lost {rx['rtp']['lost']}")
    if rx["rtp"]["ssrc_remote"] != tx["rtp"]["ssrc_local"]:
        errors.append(f"{rx_role} saw SSRC {rx['rtp']['ssrc_remote']}, {tx_role} sent {tx['rtp']['ssrc_local']}")

# Audio: what each side recorded is what the other sent, through G.711.
for rx_role, wav, spec, tx in (("callee", f"{name}.callee.wav", src_caller, caller),
                               ("caller", f"{name}.caller.wav", src_callee, callee)):
    got = read_wav(wav)
    n_rx = (caller if rx_role == "caller" else callee)["rtp"]["accepted"] * 160
    if len(got) != n_rx:
        errors.append(f"{wav}: {len(got)} samples, {n_rx} expected from the packets accepted")
    want = g711_roundtrip(source(spec, len(got)))
    if got != want:
        bad = [i for i, (a, b) in enumerate(zip(got, want)) if a != b]
        errors.append(f"{wav}: {len(bad)} of {len(got)} samples differ from what {('caller' if rx_role == 'callee' else 'callee')} sent (first at {bad[0] if bad else '?'})")

if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"{name}: ok  calling delay {cd} us, answering delay {ad} us, "
      f"RTP caller->callee {caller['rtp']['sent']}/{callee['rtp']['received']}, "
      f"callee->caller {callee['rtp']['sent']}/{caller['rtp']['received']}")
EOF
}

# ---- 1. calls over each transport, tone both ways ----
for tp in udp tcp tls; do
    codec=PCMU; [ "$tp" = tcp ] && codec=PCMA
    law=$(echo $codec | tr A-Z a-z)
    start_callee "$tp" --tone 1000 --record "$tp.callee.wav"
    run_call "$tp" "$tp" --codec "$law" --tone 440 --duration 3 --record "$tp.caller.wav"
    if [ "$CALLER_RC" -ne 0 ] || [ "$CALLEE_RC" -ne 0 ]; then
        show_logs "$tp"; fail "$tp: caller exit $CALLER_RC, callee exit $CALLEE_RC"
    fi
    check_call "$tp" tone:440 tone:1000 "$codec" || { show_logs "$tp"; fail "$tp: checks failed"; }
done

# ---- 1b. TLS, the callee hangs up: its BYE goes to the caller's Contact,
#      a new TLS connection that the callee verifies in turn ----
start_callee tlsbye --tone 1000 --record tlsbye.callee.wav --duration 3 --tls-ca ca.crt
run_call tlsbye tls --tone 440 --duration 0 --tls-cert server.pem --record tlsbye.caller.wav
if [ "$CALLER_RC" -ne 0 ] || [ "$CALLEE_RC" -ne 0 ]; then
    show_logs tlsbye; fail "tlsbye: caller exit $CALLER_RC, callee exit $CALLEE_RC"
fi
grep -q '"reason":"BYE received"' tlsbye.caller.json || { show_logs tlsbye; fail "tlsbye: the caller did not get the BYE"; }
check_call tlsbye tone:440 tone:1000 PCMU || { show_logs tlsbye; fail "tlsbye: checks failed"; }

# ---- 2. a WAV file as the source (a chirp with noise, 1.3 s, looped) ----
python3 - <<'EOF' || fail "cannot write src.wav"
import math, random, struct, wave
random.seed(3830)
n = 10400
s = [max(-32768, min(32767, int(12000 * math.sin(2 * math.pi * (200 + 1500 * i / n) * i / 8000)
                              + random.randint(-3000, 3000)))) for i in range(n)]
w = wave.open("src.wav", "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(struct.pack(f"<{n}h", *s)); w.close()
EOF
# (the caller takes its media options from a configuration file)
printf '# e2e caller\nwav = src.wav\n  duration = 3\nrecord=wav.caller.wav\n' > wav.conf
start_callee wav --tone 700 --record wav.callee.wav
run_call wav udp --config wav.conf
if [ "$CALLER_RC" -ne 0 ] || [ "$CALLEE_RC" -ne 0 ]; then
    show_logs wav; fail "wav: caller exit $CALLER_RC, callee exit $CALLEE_RC"
fi
check_call wav wav:src.wav tone:700 PCMU || { show_logs wav; fail "wav: checks failed"; }

# ---- 3. TLS verification refuses what it must ----
# (a) the callee's certificate is signed by a CA the caller does not trust
start_callee badca --tone 500
timeout $T "$UA" call "sip:bob@127.0.0.1:$((PORT + 1))" --transport tls --tls-ca ca2.crt --local 127.0.0.1:0 \
    --timeout 5 --linger 300 --json badca.caller.json > /dev/null 2> badca.caller.log < /dev/null
rc=$?
kill "$CALLEE_PID" 2>/dev/null; wait "$CALLEE_PID" 2>/dev/null
[ $rc -eq 1 ] || { show_logs badca; fail "unknown CA: caller exit $rc, expected 1"; }
grep -q '"error":"TLS peer certificate rejected: .*unable to get local issuer' badca.caller.json ||
    grep -q '"error":"TLS peer certificate rejected: .*self-signed' badca.caller.json ||
    { show_logs badca; cat badca.caller.json >&2; fail "unknown CA: no verification error reported"; }
echo "tls-unknown-ca: refused as expected"

# (b) trusted CA, but the certificate names another host
CALLEE_CERT=wrong.pem start_callee badhost --tone 500
timeout $T "$UA" call "sip:bob@127.0.0.1:$((PORT + 1))" --transport tls --tls-ca ca.crt --local 127.0.0.1:0 \
    --timeout 5 --linger 300 --json badhost.caller.json > /dev/null 2> badhost.caller.log < /dev/null
rc=$?
kill "$CALLEE_PID" 2>/dev/null; wait "$CALLEE_PID" 2>/dev/null
[ $rc -eq 1 ] || { show_logs badhost; fail "wrong host: caller exit $rc, expected 1"; }
grep -q 'does not match the host contacted (127.0.0.1)' badhost.caller.json ||
    { show_logs badhost; cat badhost.caller.json >&2; fail "wrong host: no host mismatch reported"; }
echo "tls-wrong-host: refused as expected"

# ---- 4. OPTIONS is answered; a refused call is reported ----
start_callee options --reject 486
python3 - "$PORT" <<'EOF' || { show_logs options; fail "OPTIONS not answered 200 with Allow"; }
import socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5); s.bind(("127.0.0.1", 0))
lp = s.getsockname()[1]
req = (f"OPTIONS sip:bob@127.0.0.1:{port} SIP/2.0\r\n"
       f"Via: SIP/2.0/UDP 127.0.0.1:{lp};branch=z9hG4bK-e2e-options-1;rport\r\n"
       "Max-Forwards: 70\r\nTo: <sip:bob@127.0.0.1>\r\nFrom: <sip:probe@127.0.0.1>;tag=e2e1\r\n"
       "Call-ID: e2e-options-1@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
s.sendto(req.encode(), ("127.0.0.1", port))
resp = s.recv(4096).decode(errors="replace")
ok = resp.startswith("SIP/2.0 200") and "\nAllow:" in resp and "INVITE" in resp
print("options:", resp.splitlines()[0])
sys.exit(0 if ok else 1)
EOF
run_call options udp --duration 1
[ "$CALLER_RC" -eq 1 ] || { show_logs options; fail "refused call: caller exit $CALLER_RC, expected 1"; }
[ "$CALLEE_RC" -eq 0 ] || { show_logs options; fail "refused call: callee exit $CALLEE_RC, expected 0"; }
python3 - <<'EOF' || { show_logs options; fail "refused call: reports wrong"; }
import json
c = json.loads(open("options.caller.json").read())
e = json.loads(open("options.callee.json").read())
ok = (c["result"], c["scode"], e["result"], e["scode"]) == ("rejected", 486, "rejected", 486)
ok = ok and c["calling_delay_us"] is None and c["rtp"]["sent"] == 0
print("refused call:", c["result"], c["scode"], "/", e["result"], e["scode"])
raise SystemExit(0 if ok else 1)
EOF

# ---- 5. the callee under policy `off` facing offers of MIKEY-capable
#      callers (a raw SIP UAC here): a "preferred" offer (RTP/SAVP with
#      key-mgmt + RTP/AVP fallback) is answered on the fallback with the
#      SRTP stream refused (port 0, RFC 3264 §6); a "required" offer (RTP/SAVP
#      only) gets 488 Not Acceptable Here ----
start_callee offers --tone 600 --max-calls 2
python3 - "$PORT" <<'EOF2' || { show_logs offers; fail "offers from MIKEY callers not handled as expected"; }
import base64, socket, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5); s.bind(("127.0.0.1", 0))
lp = s.getsockname()[1]
# Not a valid MIKEY message: a callee under `off` must not even look at it.
km = base64.b64encode(bytes(range(1, 40))).decode()

def sdp(streams):
    body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    for proto, rport, with_km in streams:
        body += f"m=audio {rport} {proto} 0\r\na=rtpmap:0 PCMU/8000\r\n"
        if with_km:
            body += f"a=key-mgmt:mikey {km}\r\n"
    return body

def request(method, n, cseq, body="", totag="", extra="", branch=None):
    # RFC 3261 §17.1.1.3: the ACK of a non-2xx final response reuses the
    # INVITE's branch; every other request (the ACK of a 2xx included) is new.
    branch = branch or f"z9hG4bK-e2e-{n}-{method}-{cseq}"
    hdr = (f"{method} sip:bob@127.0.0.1:{port} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP 127.0.0.1:{lp};branch={branch};rport\r\n"
           f"Max-Forwards: 70\r\nTo: <sip:bob@127.0.0.1>{totag}\r\nFrom: <sip:probe@127.0.0.1>;tag=e2e{n}\r\n"
           f"Call-ID: e2e-offer-{n}@127.0.0.1\r\nCSeq: {cseq} {method}\r\n"
           f"Contact: <sip:probe@127.0.0.1:{lp}>\r\n{extra}")
    if body:
        hdr += f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n{body}"
    else:
        hdr += "Content-Length: 0\r\n\r\n"
    s.sendto(hdr.encode(), ("127.0.0.1", port))

def final(method):
    while True:
        msg = s.recv(65535).decode(errors="replace")
        first = msg.split("\r\n", 1)[0]
        code = int(first.split()[1])
        if code >= 200 and f" {method}\r\n" in msg.split("CSeq:", 1)[1].split("\r\n", 1)[0] + "\r\n":
            return code, msg

def totag(msg):
    for line in msg.split("\r\n"):
        if line.lower().startswith("to:") and ";tag=" in line:
            return ";tag=" + line.split(";tag=", 1)[1]
    return ""

ok = True
# preferred-style offer
request("INVITE", 1, 1, sdp([("RTP/SAVP", 40000, True), ("RTP/AVP", 40002, False)]))
code, msg = final("INVITE")
body = msg.split("\r\n\r\n", 1)[1]
mlines = [l for l in body.split("\r\n") if l.startswith("m=")]
print("preferred offer ->", code, mlines)
if code != 200 or len(mlines) != 2 or not mlines[0].startswith("m=audio 0 RTP/SAVP") \
        or not mlines[1].startswith("m=audio ") or mlines[1].startswith("m=audio 0 ") or "RTP/AVP 0" not in mlines[1] \
        or "key-mgmt" in body:
    ok = False
tt = totag(msg)
request("ACK", 1, 1, totag=tt)
time.sleep(0.5)
request("BYE", 1, 2, totag=tt)
code, _ = final("BYE")
print("BYE ->", code)
ok = ok and code == 200
# required-style offer
request("INVITE", 2, 1, sdp([("RTP/SAVP", 40004, True)]))
code, msg = final("INVITE")
print("required offer ->", code)
request("ACK", 2, 1, totag=totag(msg), branch="z9hG4bK-e2e-2-INVITE-1")
ok = ok and code == 488
sys.exit(0 if ok else 1)
EOF2
wait "$CALLEE_PID"; rc=$?
[ $rc -eq 0 ] || { show_logs offers; fail "offers: callee exit $rc"; }
python3 - <<'EOF2' || { show_logs offers; fail "offers: callee reports wrong"; }
import json
r = [json.loads(l) for l in open("offers.callee.json") if l.strip()]
got = [(x["result"], x["scode"]) for x in r]
print("callee reports:", got)
raise SystemExit(0 if got == [("ok", 0), ("rejected", 488)] else 1)
EOF2

# ---- 6. no sanitizer report in any process (ASan/UBSan builds) ----
if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log >/dev/null 2>&1; then
    for f in $(grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log); do echo "--- $f" >&2; cat "$f" >&2; done
    fail "sanitizer report"
fi

echo "PASS: ua_plain_call"
