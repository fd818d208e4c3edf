#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# make demo: two mikey-ua user agents on 127.0.0.1 call each other, once
# keyed with MIKEY PSK and once with MIKEY signed Diffie-Hellman (the
# credentials are made on the fly with `mikey keygen`). Each call carries a
# few seconds of G.711 tone both ways over SRTP; the demo checks that what
# each side decrypted and recorded equals, sample for sample, what the
# other side sent (recomputed here from the tone's definition), and prints
# the calling and answering delays and the SRTP packet counts.
#
#   scripts/demo.sh [BUILD-DIR]       (make demo: after make build)
#   DEMO_CLI=1 scripts/demo.sh ...    also run scripts/demo-exchange.sh: the
#                                     same exchanges with the `mikey` tool,
#                                     message by message
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
mikey="$build/tools/mikey"
ua="$build/tools/mikey-ua/mikey-ua"
[ -x "$mikey" ] || { echo "demo: $mikey is not built (make build)"; exit 1; }
[ -x "$ua" ] || { echo "demo: $ua is not built (it needs libre-dev: scripts/setup.sh, then make build)"; exit 1; }
command -v python3 >/dev/null || { echo "demo: python3 is missing (scripts/setup.sh)"; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/mikey-ua-demo.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir"

hr() { printf '\n== %s ==\n' "$*"; }
SECONDS_OF_AUDIO=3

hr "Credentials, made now with 'mikey keygen'"
"$mikey" keygen psk alice-bob.psk >/dev/null
"$mikey" keygen ca --key ca.key --cert ca.pem >/dev/null
"$mikey" keygen cert --uri sip:alice@a.example --key alice.key --cert alice.pem --ca-cert ca.pem --ca-key ca.key >/dev/null
"$mikey" keygen cert --uri sip:bob@b.example --key bob.key --cert bob.pem --ca-cert ca.pem --ca-key ca.key >/dev/null
echo "alice-bob.psk (a 256-bit pre-shared key); ca.pem, a test CA; alice.pem and bob.pem, certificates naming"
echo "sip:alice@a.example and sip:bob@b.example in their subjectAltName (the MIKEY identities)"
# Bob's configuration file (mikey-ua --config): every option can live there.
cat > bob.conf <<'EOF'
aor = sip:bob@b.example
security = required
psk-file = alice-bob.psk
key = bob.key
cert = bob.pem
ca = ca.pem
tone = 1000
EOF

# call NAME MODE: Bob listens (auto-answer, one call), Alice calls him.
call() {
  local name=$1 mode=$2 port= bob_pid=
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(( (RANDOM % 20000) * 2 + 20000 ))
    timeout 60 "$ua" listen --config bob.conf --local 127.0.0.1:$port --auto-answer --max-calls 1 --linger 300 \
      --record "$name.bob.wav" --json "$name.bob.json" > /dev/null 2> "$name.bob.log" < /dev/null &
    bob_pid=$!
    pids+=("$bob_pid")
    for _ in $(seq 1 50); do
      grep -q "SIP udp on" "$name.bob.log" 2>/dev/null && break
      kill -0 "$bob_pid" 2>/dev/null || break
      sleep 0.1
    done
    grep -q "SIP udp on" "$name.bob.log" && break
    wait "$bob_pid" 2>/dev/null || true
    grep -q "cannot bind" "$name.bob.log" || { cat "$name.bob.log"; return 1; }
  done
  echo "\$ mikey-ua call sip:bob@127.0.0.1:$port --security required --mode $mode ... --duration $SECONDS_OF_AUDIO"
  if ! timeout 60 "$ua" call "sip:bob@127.0.0.1:$port" --local 127.0.0.1:0 --aor sip:alice@a.example \
      --security required --mode "$mode" --psk-file alice-bob.psk --key alice.key --cert alice.pem --ca ca.pem \
      --peer-id sip:bob@b.example --tone 440 --duration $SECONDS_OF_AUDIO --linger 300 --verbose \
      --record "$name.alice.wav" --json "$name.alice.json" > /dev/null 2> "$name.alice.log" < /dev/null; then
    echo "demo: the $mode call failed:"; grep -v '^ ' "$name.alice.log" | grep "mikey-ua:" | tail -5
    return 1
  fi
  wait "$bob_pid" || { echo "demo: Bob's side of the $mode call failed:"; tail -5 "$name.bob.log"; return 1; }
  grep -E "^mikey-ua: (calling|ringing|call established|call ok)" "$name.alice.log" | sed 's/^/  /'
}

hr "Call 1: MIKEY PSK (RFC 3830 §3.1), $SECONDS_OF_AUDIO s of SRTP audio each way"
call psk psk
echo "The INVITE's SDP offer, with the I_MESSAGE in a=key-mgmt (RFC 4567):"
awk '/^---- sent/ {p=0} /^INVITE /{p=1} p && /^(v=|o=|s=|c=|t=|a=key-mgmt|m=)/' psk.alice.log | head -7 | sed 's/^/  /'
echo "decoded with 'mikey dump' (first payloads):"
grep -m1 '^a=key-mgmt:mikey ' psk.alice.log | tr -d '\r' | "$mikey" dump - | head -14 | sed 's/^/  /'

hr "Call 2: MIKEY signed Diffie-Hellman (RFC 3830 §3.3), $SECONDS_OF_AUDIO s of SRTP audio each way"
call dh dh

hr "Checks and results"
python3 -W ignore - psk dh <<'EOF'
import json, math, struct, sys, wave

# G.711 u-law as in the Sun reference code (ITU-T G.711 segments; checked
# equal to Python's audioop on all 65536 inputs and 256 code words), written
# here independently of mikey-ua's g711.c: encode then decode is what the
# receiver can at best reproduce.
def ulaw(x):
    x >>= 2                          # 14-bit input, rounding toward minus infinity
    if x < 0: x, mask = -x, 0x7F
    else: mask = 0xFF
    x = min(x, 8159) + 33            # clip, add the bias
    seg = 0
    while seg < 8 and x > (0x40 << seg) - 1: seg += 1
    if seg >= 8: return 0x7F ^ mask
    return ((seg << 4) | ((x >> (seg + 1)) & 0xF)) ^ mask
def ulaw_dec(u):
    u = ~u & 0xFF
    t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
    return (0x84 - t) if (u & 0x80) else (t - 0x84)
def tone(hz, n, amp=8000):
    table = [math.floor(amp * math.sin(2.0 * math.pi * k / 8000) + 0.5) for k in range(8000)]
    return [table[(i * hz) % 8000] for i in range(n)]
def wav(path):
    w = wave.open(path); d = w.readframes(w.getnframes())
    return list(struct.unpack(f"<{len(d)//2}h", d))

rows, ok = [], True
for name in sys.argv[1:]:
    a = json.load(open(f"{name}.alice.json")); b = json.load(open(f"{name}.bob.json"))
    for who, r in (("Alice", a), ("Bob", b)):
        if r["result"] != "ok" or r["xform"] != "srtp" or r["codec"] != "PCMU":
            print(f"{name}: {who}: {r['result']} {r['xform']} {r['codec']} ({r['error']})"); ok = False
    for rx, r, hz, by in (("Bob", b, 440, "Alice"), ("Alice", a, 1000, "Bob")):
        got = wav(f"{name}.{rx.lower()}.wav")
        want = [ulaw_dec(ulaw(s)) for s in tone(hz, len(got))]
        same = got == want and len(got) == r["rtp"]["accepted"] * 160 and len(got) > 0
        print(f"{name}: {rx} decrypted and recorded {len(got)} samples ({len(got)/8000:.2f} s): "
              + ("identical to the tone " + by + " sent" if same else "DIFFERENT from what " + by + " sent"))
        ok = ok and same
    rows.append((name, a, b))

print()
print("| mode | calling delay | answering delay | MIKEY offer / answer / finish | SRTP Alice→Bob sent / received / authenticated | SRTP Bob→Alice sent / received / authenticated |")
print("|---|---|---|---|---|---|")
for name, a, b in rows:
    m = lambda r: r["mikey_us"]
    print(f"| {a['security']} | {a['calling_delay_us']/1000:.2f} ms | {b['answering_delay_us']/1000:.2f} ms "
          f"| {m(a)['offer']/1000:.2f} / {m(b)['answer']/1000:.2f} / {m(a)['finish']/1000:.2f} ms "
          f"| {a['srtp']['rtp_protected']} / {b['rtp']['received']} / {b['srtp']['rtp_authenticated']} "
          f"| {b['srtp']['rtp_protected']} / {a['rtp']['received']} / {a['srtp']['rtp_authenticated']} |")
print()
print("calling delay: Alice dials -> 180 Ringing received; answering delay: Bob picks up -> ACK received")
print("(monotonic clock, loopback, one machine; the suite is AES_CM_128_HMAC_SHA1_80, keys from MIKEY).")
sys.exit(0 if ok else 1)
EOF

if [ "${DEMO_CLI:-0}" = 1 ]; then
  bash "$here/scripts/demo-exchange.sh" "$build"
else
  echo
  echo "The same exchanges message by message with the 'mikey' tool: DEMO_CLI=1 make demo"
fi
echo
echo "demo: done"
