#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# e2e: mikey-ua against a real UA without MIKEY: baresip 1.0 (Debian
# baresip-core), run headless on 127.0.0.1 (config in a temporary HOME:
# ausine tone source, aubridge player, sndfile dumping what it encodes and
# decodes, answermode auto, bounded with -t and timeout).
#
# 1. required -> baresip: baresip cannot serve an RTP/SAVP-only offer with
#    a=key-mgmt and answers 488; our caller fails cleanly: exit 1, JSON
#    result "rejected", scode 488, the key-management error says so; no
#    media, no SRTP.
# 2. preferred -> baresip: baresip takes the RTP/AVP fallback (its answer
#    refuses RTP/SAVP with port 0); the call succeeds as plain RTP: JSON ok,
#    security off, xform none; audio both ways: our recording equals, sample
#    for sample, what baresip's sndfile says it encoded (through Python's
#    audioop G.711), and every frame baresip decoded is a frame of our tone
#    (compared as G.711 code words: baresip's decoder rounds code 0xff to 2,
#    not 0).
# 3. baresip -> required, with SDES (mediaenc=srtp-mand: RTP/SAVP with
#    a=crypto, no key-mgmt): refused with 488 and Warning 399 "SRTP keyed by
#    MIKEY required; SDES (a=crypto) is not accepted"; baresip reports the 488.
# 4. baresip (plain) -> preferred: accepted as plain RTP, audio both ways
#    verified as in 2.
# 5. No sanitizer report in our logs.
#
# Needs: MIKEY_BUILD, MIKEY_BIN (CTest sets them), baresip (baresip-core), python3.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }

BUILD=${MIKEY_BUILD:-}
[ -n "$BUILD" ] || fail "MIKEY_BUILD is not set"
SRC=${MIKEY_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
UA="$BUILD/tools/mikey-ua/mikey-ua"
MIKEY=${MIKEY_BIN:-$BUILD/tools/mikey}
[ -x "$UA" ] || fail "$UA not built (is libre-dev installed? run scripts/setup.sh)"
[ -x "$MIKEY" ] || fail "$MIKEY not built"
command -v baresip >/dev/null || fail "baresip missing (baresip-core; run scripts/setup.sh)"
[ -f /usr/lib/baresip/modules/ausine.so ] && [ -f /usr/lib/baresip/modules/sndfile.so ] ||
    fail "baresip modules ausine/sndfile missing (baresip-core)"
command -v python3 >/dev/null || fail "python3 missing"
export PYTHONPATH="$SRC/tests/e2e/lib${PYTHONPATH:+:$PYTHONPATH}"

TMP=$(mktemp -d /tmp/ua_baresip.XXXXXX) || fail "mktemp"
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

# baresip_conf NAME PORT HZ [MEDIAENC]: a config directory NAME.cfg (and its dumps in NAME.snd)
baresip_conf() {
    local name=$1 port=$2 hz=$3 enc=${4:-}
    mkdir -p "$name.cfg" "$name.snd" "$name.home"
    cat > "$name.cfg/config" <<EOF
poll_method		epoll
sip_listen		127.0.0.1:$port
call_local_timeout	20
audio_player		aubridge,nil
audio_alert		aubridge,nil
audio_source		ausine,$hz
# ausine in baresip 1.0 produces 48 kHz stereo only
ausrc_srate		48000
ausrc_channels		2
module_path		/usr/lib/baresip/modules
module			g711.so
module			ausine.so
module			aubridge.so
module			sndfile.so
snd_path		$TMP/$name.snd
module_tmp		uuid.so
module_tmp		account.so
module_app		menu.so
EOF
    [ -n "$enc" ] && echo "module			srtp.so" >> "$name.cfg/config"
    echo "<sip:bs@127.0.0.1>;answermode=auto;regint=0${enc:+;mediaenc=$enc}" > "$name.cfg/accounts"
}

# start_baresip NAME SECONDS [ARGS...]: baresip on a free port, answering calls
start_baresip() {
    local name=$1 secs=$2; shift 2
    for attempt in 1 2 3 4 5 6; do
        BPORT=$(( (RANDOM % 20000) * 2 + 20000 ))
        baresip_conf "$name" "$BPORT" 600 "${ENC:-}"
        HOME="$TMP/$name.home" timeout $T baresip -f "$TMP/$name.cfg" -n 127.0.0.1 -s -t "$secs" "$@" \
            < /dev/null > "$name.baresip.log" 2>&1 &
        BPID=$!
        PIDS+=("$BPID")
        for _ in $(seq 1 100); do
            grep -q "baresip is ready" "$name.baresip.log" 2>/dev/null && return 0
            kill -0 "$BPID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$BPID" 2>/dev/null; wait "$BPID" 2>/dev/null
        grep -qi "address already in use\|EADDRINUSE" "$name.baresip.log" ||
            { cat "$name.baresip.log" >&2; fail "$name: baresip did not start"; }
    done
    fail "$name: no free port for baresip"
}

show_logs() { for f in "$1".*.log; do echo "--- $f" >&2; grep -v "^\[0" "$f" | tail -60 >&2; done; }

# check_audio NAME OUR-REPORT OUR-WAV OUR-TONE: audio both ways against baresip's own dumps
check_audio() {
    python3 -W ignore - "$@" <<'EOF'
import audioop, glob, struct, sys
from uacheck import *
name, rep, wav, hz = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
errors = []
r = one(rep, errors)
if errors:
    print("\n".join(errors)); sys.exit(1)
if r["result"] != "ok" or r["security"] != "off" or r["xform"] != "none" or r["srtp"] is not None or r["codec"] != "PCMU":
    errors.append(f"report: {r['result']} {r['security']}/{r['xform']} {r['codec']} ({r['error']})")
if r["rtp"]["sent"] < 50 or r["rtp"]["received"] < 50 or r["rtp"]["lost"] or r["rtp"]["malformed"]:
    errors.append(f"RTP {r['rtp']}")
enc = glob.glob(f"{name}.snd/*-enc.wav")
dec = glob.glob(f"{name}.snd/*-dec.wav")
if len(enc) != 1 or len(dec) != 1:
    print(f"baresip's dumps: {enc} {dec}"); sys.exit(1)
# baresip -> us: our recording is a contiguous stretch of what baresip encoded.
ours = read_wav(wav)
sent = g711(read_wav(enc[0]), "PCMU")
if len(ours) < 50 * 160:
    errors.append(f"only {len(ours)} samples recorded")
elif not any(sent[off:off + len(ours)] == ours for off in range(0, len(sent) - len(ours) + 1, 160)):
    errors.append(f"our recording ({len(ours)} samples) is not what baresip encoded ({len(sent)} samples)")
# us -> baresip: every frame baresip decoded is a frame of our tone (as G.711 code words).
def ulaw(x):
    return audioop.lin2ulaw(struct.pack(f"<{len(x)}h", *x), 2)
t = ulaw(tone(hz, 8000 + 160))
d = ulaw(read_wav(dec[0]))
period = 8000 // __import__("math").gcd(hz, 8000)
frames = [d[i:i + 160] for i in range(0, len(d) - 159, 160)]
good = sum(1 for f in frames if any(t[s:s + 160] == f for s in range(period)))
if len(frames) < r["rtp"]["sent"] - 10 or good != len(frames):
    errors.append(f"baresip decoded {len(frames)} frames ({good} of our tone), we sent {r['rtp']['sent']} packets")
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"{name}: ok plain RTP; we sent {r['rtp']['sent']}, baresip decoded {len(frames)} frames, all of our {hz} Hz tone; "
      f"we received {r['rtp']['received']}, our recording = baresip's encoded 600 Hz sine, sample for sample")
EOF
}

# ---- 1. required -> baresip: 488, clean failure ----
start_baresip req 5
timeout $T "$UA" call "sip:bs@127.0.0.1:$BPORT" --local 127.0.0.1:0 --timeout 10 --linger 500 --verbose \
    --json req.ua.json --security required --mode psk --aor sip:alice@a.test --psk-file ab.psk --duration 1 \
    > /dev/null 2> req.ua.log < /dev/null
RC=$?
wait "$BPID"
[ "$RC" -eq 1 ] || { show_logs req; fail "required: exit $RC, expected 1"; }
python3 - <<'EOF' || { show_logs req; fail "required: report"; }
import sys
from uacheck import *
errors = []
r = one("req.ua.json", errors)
if r and ((r["result"], r["scode"]) != ("rejected", 488) or r["rtp"]["sent"] or r["srtp"] is not None or
          "refused the secured offer (488)" not in (r["error"] or "")):
    errors.append(f"report: {r['result']} {r['scode']} {r['error']!r} rtp sent {r['rtp']['sent']}")
sent = [f for f, h, b in sip_messages("req.ua.log", "sent") if f.startswith("INVITE ")]
body = [b for f, h, b in sip_messages("req.ua.log", "sent") if f.startswith("INVITE ")]
if len(sent) != 1 or "m=audio" not in body[0] or " RTP/AVP" in body[0] or not key_mgmt(body[0]):
    errors.append("the offer is not RTP/SAVP with key-mgmt only")
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"required: baresip answered {r['scode']}; our report: {r['result']}, {r['error']}")
EOF
grep -q "SIP/2.0 488" req.baresip.log || { show_logs req; fail "required: baresip's trace shows no 488"; }

# ---- 2. preferred -> baresip: the plain fallback, with audio ----
start_baresip pref 6
timeout $T "$UA" call "sip:bs@127.0.0.1:$BPORT" --local 127.0.0.1:0 --timeout 10 --linger 500 --verbose \
    --json pref.ua.json --security preferred --mode psk --aor sip:alice@a.test --psk-file ab.psk --duration 2.5 \
    --tone 440 --record pref.ua.wav > /dev/null 2> pref.ua.log < /dev/null
RC=$?
wait "$BPID"
[ "$RC" -eq 0 ] || { show_logs pref; fail "preferred: exit $RC"; }
grep -q "^m=audio 0 RTP/SAVP" pref.ua.log && grep -q "^m=audio [1-9][0-9]* RTP/AVP" pref.ua.log ||
    { show_logs pref; fail "preferred: baresip's answer does not refuse RTP/SAVP and take RTP/AVP"; }
check_audio pref pref.ua.json pref.ua.wav 440 || { show_logs pref; fail "preferred: checks failed"; }

# ---- 3. baresip with SDES -> required: 488 ----
start_ua() { # NAME ARGS...: our listener on a free port
    local name=$1; shift
    for attempt in 1 2 3 4 5 6; do
        UPORT=$(( (RANDOM % 20000) * 2 + 20000 ))
        timeout $T "$UA" listen --local 127.0.0.1:$UPORT --transport udp --auto-answer --max-calls 1 --linger 500 \
            --verbose --json "$name.ua.json" "$@" > /dev/null 2> "$name.ua.log" < /dev/null &
        UPID=$!
        PIDS+=("$UPID")
        for _ in $(seq 1 100); do
            grep -q "SIP udp on" "$name.ua.log" 2>/dev/null && return 0
            kill -0 "$UPID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$UPID" 2>/dev/null; wait "$UPID" 2>/dev/null
        grep -q "cannot bind" "$name.ua.log" || { cat "$name.ua.log" >&2; fail "$name: listener did not start"; }
    done
    fail "$name: no free port"
}
start_ua sdes --security required --aor sip:bob@b.test --psk-file ab.psk
ENC=srtp-mand start_baresip sdes 4 -e "/dial sip:bob@127.0.0.1:$UPORT"
wait "$BPID"; wait "$UPID"; RC=$?
[ "$RC" -eq 0 ] || { show_logs sdes; fail "sdes: listener exit $RC"; }
python3 - <<'EOF' || { show_logs sdes; fail "sdes: checks failed"; }
import re, sys
from uacheck import *
errors = []
r = one("sdes.ua.json", errors)
inv = [b for f, h, b in sip_messages("sdes.ua.log", "received") if f.startswith("INVITE ")]
out = [(f, h) for f, h, b in sip_messages("sdes.ua.log", "sent") if f.startswith("SIP/2.0 488")]
if not inv or not re.search(r"^m=audio \d+ RTP/SAVP", inv[0], re.M) or "a=crypto:" not in inv[0] or key_mgmt(inv[0]):
    errors.append("baresip's offer is not RTP/SAVP with a=crypto (SDES)")
if len(out) != 1 or "SDES (a=crypto) is not accepted" not in (header(out[0][1], "Warning") or ""):
    errors.append(f"our 488: {out}")
if r and ((r["result"], r["scode"]) != ("rejected", 488) or r["rtp"]["sent"]):
    errors.append(f"report {r['result']} {r['scode']}")
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"sdes: baresip's SDES offer refused: 488, Warning {header(out[0][1], 'Warning')}")
EOF
grep -q "session closed: 488 Not Acceptable Here" sdes.baresip.log || { show_logs sdes; fail "sdes: baresip did not see the 488"; }

# ---- 4. baresip (plain) -> preferred: accepted, with audio ----
start_ua plainin --security preferred --aor sip:bob@b.test --psk-file ab.psk --tone 440 --duration 2.5 \
    --record plainin.ua.wav
start_baresip plainin 6 -e "/dial sip:bob@127.0.0.1:$UPORT"
wait "$UPID"; RC=$?
wait "$BPID"
[ "$RC" -eq 0 ] || { show_logs plainin; fail "plainin: listener exit $RC"; }
check_audio plainin plainin.ua.json plainin.ua.wav 440 || { show_logs plainin; fail "plainin: checks failed"; }

# ---- 5. sanitizers ----
if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.ua.log >/dev/null 2>&1; then
    for f in $(grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.ua.log); do echo "--- $f" >&2; cat "$f" >&2; done
    fail "sanitizer report"
fi
echo "PASS: ua_baresip"
