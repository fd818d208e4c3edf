#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# e2e: Wireshark (tshark 4.0) dissects every SIP message carrying MIKEY
# that mikey-ua sends, captured live on the loopback interface.
#
# tshark captures (capture filter on this test's port range, bounded with
# -a duration) while two mikey-ua processes make secured calls: PSK, DH,
# DH-HMAC over UDP, PKE and RSA-R over TCP, a `preferred` offer (RTP/SAVP
# + RTP/AVP), an offer with the key-mgmt attribute at media level
# (--km-level media), a wrong PSK (488 with the MIKEY Error) and a mode
# the callee refuses (606 with the Error), plus one plain call as a
# control; and re-INVITEs: a rekey (--rekey-after, 1-byte MKI: the update
# in the re-INVITE, the R_MESSAGE in its 200) and a forged re-INVITE in a
# secured call that replays the call's I_MESSAGE (refused with 488 and the
# MIKEY Error, Invalid TS, in its SDP). Checked:
#  1. every MIKEY message the two UAs put into SIP (taken from their own
#     SIP traces, -v) is in the capture; the frames that carry them have no
#     "Malformed" and no expert info of severity warning or error;
#  2. session-level a=key-mgmt (the UA's default; RFC 4567 §3.1 allows
#     both levels): tshark decodes the MIKEY message inside the SIP/SDP
#     dissection, as a complete payload chain;
#  3. every MIKEY message (media-level ones included: tshark 4.0 decodes
#     MIKEY in SDP only at session level) also dissects on its own as a UDP
#     packet to port 2269 (INTEROP.md's method): complete chain (Next
#     payload 0, or a final SIGN), no Malformed, no warning;
#  4. the data types seen cover PSK, PKE, DH, DH-HMAC and RSA-R
#     init/response and Error; the re-INVITE's update, its 200's response
#     and the refused re-INVITE's 488 with the Error are among the messages
#     tshark decoded inside SIP;
#  5. media: no SRTP payload on the wire equals a plaintext G.711 frame of
#     the tone sent, and every packet carries the 10-byte tag; in the plain
#     control call the payloads ARE the plaintext frames (so this check can
#     fail). The rekey call's SRTP packets carry MKI 01 until the
#     re-INVITE's 200 and MKI 02 after, in capture order: the key switch
#     seen on the wire.
#
# Needs root (live capture on lo), tshark, text2pcap, python3, openssl.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }

BUILD=${MIKEY_BUILD:-}
[ -n "$BUILD" ] || fail "MIKEY_BUILD is not set"
UA="$BUILD/tools/mikey-ua/mikey-ua"
MIKEY=${MIKEY_BIN:-$BUILD/tools/mikey}
[ -x "$UA" ] || fail "$UA not built (is libre-dev installed? run scripts/setup.sh)"
[ -x "$MIKEY" ] || fail "$MIKEY not built"
for t in tshark text2pcap python3; do command -v $t >/dev/null || fail "$t missing (run scripts/setup.sh)"; done
[ "$(id -u)" = 0 ] || fail "live capture on lo needs root"

TMP=$(mktemp -d /tmp/ua_tshark.XXXXXX) || fail "mktemp"
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
"$MIKEY" keygen psk ab.psk >/dev/null 2>&1 && "$MIKEY" keygen psk other.psk >/dev/null 2>&1 || fail "keygen psk"
BOB_SEC=(--aor sip:bob@b.test --psk-file ab.psk --key bob.key --cert bob.pem --ca mca.pem)
ALICE_SEC=(--aor sip:alice@a.test --psk-file ab.psk --key alice.key --cert alice.pem --ca mca.pem --peer-cert bob.pem
           --peer-id sip:bob@b.test)

# All ports of the test in [B, B+199]: SIP of the callees B, B+2, B+4, B+6;
# their RTP B+10.. ; callers' SIP B+20+2k, RTP B+100+2k; a forger B+190.
B=$(( (RANDOM % 200) * 200 + 20000 ))
tshark -i lo -f "portrange $B-$((B + 199))" -w cap.pcapng -a duration:120 -q > tshark.log 2>&1 &
TSHARK_PID=$!
PIDS+=("$TSHARK_PID")
for _ in $(seq 1 100); do grep -q "Capturing on" tshark.log && break; sleep 0.1; done
grep -q "Capturing on" tshark.log || { cat tshark.log >&2; fail "tshark did not start capturing"; }

wait_sip() { # LOG PID
    for _ in $(seq 1 100); do
        grep -q "SIP udp on" "$1" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.1
    done
    cat "$1" >&2; fail "$1: listener did not start"
}
start_callee() { # NAME PORT RTP ARGS...
    local name=$1 port=$2 rtp=$3; shift 3
    timeout $T "$UA" listen --local 127.0.0.1:$port --rtp-port "$rtp" --transport udp,tcp --auto-answer --linger 500 \
        --verbose --json "$name.callee.json" "$@" > /dev/null 2> "$name.callee.log" < /dev/null &
    CALLEE_PID=$!
    PIDS+=("$CALLEE_PID")
    wait_sip "$name.callee.log" "$CALLEE_PID"
}
k=0
call() { # NAME PORT TRANSPORT EXPECTED-RC ARGS...
    local name=$1 port=$2 tp=$3 want=$4; shift 4
    k=$((k + 1))
    timeout $T "$UA" call "sip:bob@127.0.0.1:$port" --transport "$tp" --local 127.0.0.1:$((B + 20 + 2 * k)) \
        --rtp-port $((B + 100 + 2 * k)) --timeout 10 --linger 500 --verbose --json "$name.caller.json" "$@" \
        > /dev/null 2> "$name.caller.log" < /dev/null
    local rc=$?
    [ $rc -eq "$want" ] || { tail -30 "$name.caller.log" >&2; fail "$name: caller exit $rc, expected $want"; }
    echo "$name: caller exit $rc as expected (RTP port $((B + 100 + 2 * k)))"
    echo "$name $((B + 100 + 2 * k))" >> calls.txt
}

# The main callee takes policy `preferred`, so it answers both secured and plain offers.
start_callee main $B $((B + 10)) --max-calls 8 --security preferred "${BOB_SEC[@]}" --tone 1000
MAIN_PID=$CALLEE_PID
call psk $B udp 0 --security required --mode psk "${ALICE_SEC[@]}" --duration 1
call dh $B udp 0 --security required --mode dh "${ALICE_SEC[@]}" --duration 1
call dhhmac $B udp 0 --security required --mode dhhmac "${ALICE_SEC[@]}" --duration 1
call pke $B tcp 0 --security required --mode pke "${ALICE_SEC[@]}" --duration 1
call rsar $B tcp 0 --security required --mode rsar "${ALICE_SEC[@]}" --duration 1
call preferred $B udp 0 --security preferred --mode psk "${ALICE_SEC[@]}" --duration 1
call medialevel $B udp 0 --security required --mode psk --km-level media "${ALICE_SEC[@]}" --duration 1
call plain $B udp 0 --security off --duration 1
wait "$MAIN_PID" || fail "main callee exit $?"

start_callee wrongpsk $((B + 2)) $((B + 12)) --max-calls 1 --security required --aor sip:bob@b.test --psk-file other.psk
call wrongpsk $((B + 2)) udp 1 --security required --mode psk "${ALICE_SEC[@]}" --duration 1
wait "$CALLEE_PID"
start_callee refuse606 $((B + 4)) $((B + 14)) --max-calls 1 --security required "${BOB_SEC[@]}" --accept-modes psk
call refuse606 $((B + 4)) udp 1 --security required --mode dh "${ALICE_SEC[@]}" --duration 1
wait "$CALLEE_PID"

# re-INVITEs: a rekey, then a forged re-INVITE replaying the call's offer.
start_callee reneg $((B + 6)) $((B + 16)) --max-calls 2 --security required "${BOB_SEC[@]}" --tone 1000
RENEG_PID=$CALLEE_PID
call rekey $((B + 6)) udp 0 --security required --mode psk "${ALICE_SEC[@]}" --mki-len 1 --rekey-after 0.8 --duration 2
k=$((k + 1))
timeout $T "$UA" call "sip:bob@127.0.0.1:$((B + 6))" --local 127.0.0.1:$((B + 20 + 2 * k)) \
    --rtp-port $((B + 100 + 2 * k)) --timeout 10 --linger 500 --verbose --json forged.caller.json --security required \
    --mode psk "${ALICE_SEC[@]}" --duration 2.5 > /dev/null 2> forged.caller.log < /dev/null &
FORGED_PID=$!
PIDS+=("$FORGED_PID")
echo "forged $((B + 100 + 2 * k))" >> calls.txt
python3 - "$((B + 190))" > forged.log 2>&1 <<'EOF'
# The dialog from the caller's trace; a re-INVITE in it replaying the
# call's own I_MESSAGE (valid MAC, seen before): 488 with the Error.
import re, socket, sys, time
end = time.time() + 15
while time.time() < end and "call established" not in open("forged.caller.log").read():
    time.sleep(0.05)
time.sleep(0.3)
log = open("forged.caller.log").read()
msgs = [m.group(1).replace("\r\n", "\n") for m in
        re.finditer(r"^---- \w+ [^\n]*\n(.*?)(?=\n---- |\nmikey-ua: |\Z)", log, re.S | re.M)]
inv = [m for m in msgs if m.startswith("INVITE ")][0]
ok = [m for m in msgs if m.startswith("SIP/2.0 200") and re.search(r"^CSeq: \d+ INVITE", m, re.M)][0]
h = lambda m, n: re.search(r"^" + n + r": (.*)$", m, re.M).group(1)
km = re.search(r"^a=key-mgmt:mikey (\S+)", inv, re.M).group(1)
target = re.search(r"<(sip:[^>]+)>", h(ok, "Contact")).group(1)
host, port = re.search(r"@([\d.]+):(\d+)", target).groups()
n = int(h(inv, "CSeq").split()[0]) + 50
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(5)
lp = s.getsockname()[1]
body = ("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\na=key-mgmt:mikey %s\r\n"
        "m=audio %d RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n" % (km, lp + 2))
via = f"SIP/2.0/UDP 127.0.0.1:{lp};branch=z9hG4bK-tshark-forged;rport"
common = f"From: {h(ok, 'From')}\r\nTo: {h(ok, 'To')}\r\nCall-ID: {h(ok, 'Call-ID')}\r\n"
s.sendto((f"INVITE {target} SIP/2.0\r\nVia: {via}\r\nMax-Forwards: 70\r\n{common}CSeq: {n} INVITE\r\n"
          f"Contact: <sip:alice@127.0.0.1:{lp}>\r\nContent-Type: application/sdp\r\n"
          f"Content-Length: {len(body)}\r\n\r\n{body}").encode(), (host, int(port)))
while True:
    r = s.recv(65535).decode(errors="replace")
    if int(r.split()[1]) >= 200:
        break
s.sendto((f"ACK {target} SIP/2.0\r\nVia: {via}\r\nMax-Forwards: 70\r\n{common}CSeq: {n} ACK\r\n"
          "Content-Length: 0\r\n\r\n").encode(), (host, int(port)))
print("forged re-INVITE ->", r.split("\r\n")[0], "with MIKEY" if "a=key-mgmt:mikey" in r else "without MIKEY")
sys.exit(0 if r.startswith("SIP/2.0 488") and "a=key-mgmt:mikey" in r else 1)
EOF
FORGER_RC=$?
wait "$FORGED_PID"; FORGED_RC=$?
wait "$RENEG_PID"
cat forged.log
[ "$FORGER_RC" -eq 0 ] && [ "$FORGED_RC" -eq 0 ] ||
    { tail -30 forged.caller.log reneg.callee.log >&2; fail "forged re-INVITE: $FORGER_RC/$FORGED_RC"; }

sleep 0.5
kill -INT "$TSHARK_PID" 2>/dev/null
wait "$TSHARK_PID" 2>/dev/null
[ -s cap.pcapng ] || fail "nothing captured"

python3 -W ignore - "$B" <<'EOF'
import audioop, base64, json, math, re, subprocess, sys

B = int(sys.argv[1])
SEP = "\x1f"
WARN = 0x00600000   # epan/proto.h PI_WARN (PI_ERROR = 0x00800000)
errors = []

def tshark(args, **kw):
    r = subprocess.run(["timeout", "60", "tshark"] + args, capture_output=True, **kw)
    if r.returncode != 0:
        print("tshark failed: " + r.stderr.decode(errors="replace")); sys.exit(1)
    return r.stdout.decode("utf-8", errors="replace")

calls = [l.split() for l in open("calls.txt")]

# ---- what the UAs sent: every MIKEY message in a SIP message of their traces
sent = {}   # base64 -> (call, first line of the SIP message, at session level)
def note(name, msg):
    first_m = msg.find("\nm=")
    for km in re.finditer(r"^a=key-mgmt:mikey (\S+)", msg, re.M):
        sent.setdefault(km.group(1), (name, msg.split("\n", 1)[0], first_m < 0 or km.start() < first_m))
for name, _ in calls:
    for role in ("caller", "callee"):
        try:
            log = open(f"{name}.{role}.log").read()
        except FileNotFoundError:
            continue
        for m in re.finditer(r"^---- sent [^\n]*\n(.*?)(?=\n---- |\nmikey-ua: |\Z)", log, re.S | re.M):
            note(name, m.group(1))
for cl in ("main", "reneg"):   # the callees of several calls
    log = open(f"{cl}.callee.log").read()
    for m in re.finditer(r"^---- sent [^\n]*\n(.*?)(?=\n---- |\nmikey-ua: |\Z)", log, re.S | re.M):
        note(cl, m.group(1))
# The re-INVITE messages: the rekey's update and its 200, the forged one's 488.
reinv = {}
for cl, role, key, pat in (("rekey", "caller", "update", r"^INVITE [^\n]*\n(?:[^\n]+\n)*?To:[^\n]*;tag="),
                           ("reneg", "callee", "200", r"^SIP/2\.0 200 "),
                           ("reneg", "callee", "488", r"^SIP/2\.0 488 ")):
    log = open(f"{cl}.{role}.log").read()
    for m in re.finditer(r"^---- sent [^\n]*\n(.*?)(?=\n---- |\nmikey-ua: |\Z)", log, re.S | re.M):
        if re.search(pat, m.group(1)):
            for km in re.finditer(r"^a=key-mgmt:mikey (\S+)", m.group(1), re.M):
                reinv.setdefault(key, []).append(base64.b64decode(km.group(1)).hex())
if len(sent) < 12:
    errors.append(f"only {len(sent)} MIKEY messages in the SIP traces")

# ---- the SIP frames in the capture
fields = ["frame.number", "_ws.malformed", "_ws.expert.severity", "_ws.expert.message", "sip.Method",
          "sip.Status-Code", "sdp.key_mgmt.data", "mikey.type", "mikey.next_payload", "sdp.media_attr"]
cmd = ["-r", "cap.pcapng", "-Y", "sip", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + SEP]
for f in fields:
    cmd += ["-e", f]
seen = {}     # MIKEY bytes (hex) -> decoded in SIP (bool)
for line in tshark(cmd).split("\n"):
    if not line:
        continue
    c = (line.split("\t") + [""] * len(fields))[:len(fields)]
    frame, malformed, sev, emsg, meth, status, kmdata, types, nexts, mattrs = c
    kms = [x.replace(":", "") for x in kmdata.split(SEP) if x]
    # media-level attributes: tshark 4.0 keeps them as text only
    mkms = [base64.b64decode(a.split(" ", 1)[1]).hex() for a in mattrs.split(SEP) if a.startswith("key-mgmt:mikey ")]
    for h in mkms:
        seen.setdefault(h, False)
    if not kms and not mkms:
        continue
    what = f"frame {frame} ({meth or status})"
    if malformed:
        errors.append(f"{what}: Malformed")
    sevs = [int(x, 0) for x in sev.split(SEP) if x]
    if any(s >= WARN for s in sevs):
        errors.append(f"{what}: expert info {emsg!r}")
    ntypes = len([t for t in types.split(SEP) if t])
    for h in kms:
        seen.setdefault(h, False)
    # tshark decodes session-level attributes in SIP (one type per message)
    if ntypes:
        for h in kms:
            seen[h] = True
    chain = [int(x) for x in nexts.split(SEP) if x]
    if ntypes and chain and chain[-1] not in (0, 4):
        errors.append(f"{what}: the MIKEY chain stops at next payload {chain[-1]}")

media_level = 0
for b64, (name, first, session) in sent.items():
    h = base64.b64decode(b64).hex()
    if h not in seen:
        errors.append(f"{name}: '{first}' with MIKEY ({len(h)//2} bytes) is not in the capture")
    elif session and not seen[h]:
        errors.append(f"{name}: '{first}': session-level MIKEY not decoded inside SIP")
    elif not session:
        media_level += 1
if media_level < 2:   # the media-level offer and its answer
    errors.append("no media-level MIKEY message seen (--km-level media)")
# the rekey's update, the R_MESSAGEs of the reneg callee's 200s (two calls
# and the rekey), the forged re-INVITE's 488 with the Error
for key, n in (("update", 1), ("200", 3), ("488", 1)):
    got = reinv.get(key, [])
    if len(got) != n or not all(seen.get(h) for h in got):
        errors.append(f"re-INVITE {key}: {len(got)} MIKEY messages (expected {n}), decoded inside SIP by tshark: "
                      f"{[bool(seen.get(h)) for h in got]}")

# ---- every MIKEY message on its own, UDP port 2269
dump = []
order = list(sent.items())
for b64, _ in order:
    b = base64.b64decode(b64)
    for off in range(0, len(b), 16):
        dump.append("%06x %s" % (off, " ".join("%02x" % x for x in b[off:off + 16])))
r = subprocess.run(["text2pcap", "-q", "-u", "2269,2269", "-", "km.pcap"], input=("\n".join(dump) + "\n").encode(),
                   capture_output=True)
if r.returncode:
    print("text2pcap failed"); sys.exit(1)
cmd = ["-r", "km.pcap", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + SEP,
       "-e", "frame.number", "-e", "_ws.malformed", "-e", "_ws.expert.severity", "-e", "_ws.expert.message",
       "-e", "mikey.type", "-e", "mikey.next_payload"]
types_seen = set()
rows = [l for l in tshark(cmd).split("\n") if l]
if len(rows) != len(order):
    errors.append(f"{len(rows)} frames for {len(order)} MIKEY messages")
for line, (b64, (name, first, _)) in zip(rows, order):
    frame, malformed, sev, emsg, types, nexts = (line.split("\t") + [""] * 6)[:6]
    chain = [int(x) for x in nexts.split(SEP) if x]
    t = [int(x) for x in types.split(SEP) if x]
    if malformed or any(int(x, 0) >= WARN for x in sev.split(SEP) if x):
        errors.append(f"{name} '{first}': Malformed / expert {emsg!r}")
    if len(t) != 1 or not chain or chain[-1] not in (0, 4):
        errors.append(f"{name} '{first}': incomplete dissection (types {t}, chain {chain})")
    types_seen.update(t)
# RFC 3830 §6.1 data types; RFC 4650: 7/8; RFC 4738: 9/10
need = {0: "PSK init", 1: "PSK resp", 2: "PK init", 3: "PK resp", 4: "DH init", 5: "DH resp", 6: "Error",
        7: "DHHMAC init", 8: "DHHMAC resp", 9: "RSA-R I_MSG", 10: "RSA-R R_MSG"}
missing = [v for k, v in need.items() if k not in types_seen]
if missing:
    errors.append(f"data types not seen: {missing}")

# ---- media: SRTP payloads are not the plaintext
table = [math.floor(8000 * math.sin(2.0 * math.pi * k / 8000) + 0.5) for k in range(8000)]
tone = [table[(i * 440) % 8000] for i in range(8000)]
pcm = b"".join(v.to_bytes(2, "little", signed=True) for v in tone)
frames = {audioop.lin2ulaw(pcm[2 * 160 * f:2 * 160 * (f + 1)], 2) for f in range(50)}
cmd = ["-r", "cap.pcapng", "-Y", "udp", "-T", "fields", "-e", "udp.srcport", "-e", "udp.payload"]
by_port = {}
for line in tshark(cmd).split("\n"):
    if "\t" in line:
        sp, pl = line.split("\t")
        by_port.setdefault(int(sp), []).append(bytes.fromhex(pl.replace(":", "")))
for name, port in calls:
    port = int(port)
    rtp = [p for p in by_port.get(port, []) if len(p) >= 12 and p[0] >> 6 == 2]
    if name in ("wrongpsk", "refuse606"):
        if rtp:
            errors.append(f"{name}: media was sent")
        continue
    if len(rtp) < 40:
        errors.append(f"{name}: only {len(rtp)} RTP packets from port {port} captured")
        continue
    plain = sum(1 for p in rtp if p[12:172] in frames)
    if name == "rekey":
        # 1-byte MKI before the 10-byte tag (RFC 3711 §3.1): 01 then 02.
        mkis = [p[-11] for p in rtp]
        n1 = mkis.count(1)
        if any(len(p) != 183 for p in rtp) or plain or mkis != [1] * n1 + [2] * (len(mkis) - n1) or \
           not 0 < n1 < len(mkis):
            errors.append(f"rekey: MKIs on the wire {mkis}")
        else:
            print(f"rekey: {n1} SRTP packets under MKI 01, then {len(mkis) - n1} under MKI 02")
        continue
    if name == "plain":
        if plain != len(rtp) or any(len(p) != 172 for p in rtp):
            errors.append(f"plain: {plain} of {len(rtp)} payloads are the plaintext tone (control)")
    elif plain or any(len(p) != 182 for p in rtp):
        errors.append(f"{name}: {plain} of {len(rtp)} SRTP payloads are plaintext, lengths {sorted({len(p) for p in rtp})}")
    print(f"{name}: {len(rtp)} RTP packets from the caller captured, {plain} with a plaintext payload")

print(f"{len(sent)} MIKEY messages in SIP, {sum(seen.values())} decoded inside SIP by tshark, "
      f"{media_level} media-level checked on their own; data types seen {sorted(types_seen)}")
if errors:
    print("\n".join(errors)); sys.exit(1)
EOF
[ $? -eq 0 ] || fail "tshark checks"

if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log >/dev/null 2>&1; then
    for f in $(grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log); do echo "--- $f" >&2; cat "$f" >&2; done
    fail "sanitizer report"
fi
echo "PASS: ua_tshark"
