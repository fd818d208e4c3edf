#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# e2e: the short version of the two-domain testbed (docs/testbed.md).
# Real processes: two Kamailio 5.6 proxies (registrar, record-route, digest
# auth, TLS), the wanrelay between them (5 ms one-way), bob@ssvl.test
# registered at proxy B, alice@minisip.test registered at proxy A calling
# through both proxies.
#   - TLS on every hop: 3 calls in each security mode mikey-ua supports today
#     (testbed/modes.conf; a mode the UA refuses as "not available yet" is
#     listed and skipped, any other refusal FAILS);
#   - UDP: 2 calls without security (the relay's datagram path).
# Checked per call: alice exits 0, both sides report "ok" for the same
# Call-ID, the delays are positive and consistent: calling delay <= alice's
# dial->200, answering delay <= bob's INVITE->ACK, each >= two WAN crossings
# (the path really goes through the relay; a lower bound, not a timing
# threshold), MIKEY step times inside the delays (positive in a MIKEY mode, and
# every RTP packet received passed SRTP authentication), RTP both ways;
# the relay carried the traffic. No timing threshold anywhere.
# Needs: kamailio + kamailio-tls-modules, openssl, python3 (scripts/setup.sh). Missing -> FAIL.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }
[ -n "${MIKEY_BUILD:-}" ] || fail "MIKEY_BUILD is not set"
SRC=${MIKEY_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
WAN_MS=5

export TB_BUILD=$MIKEY_BUILD TB_MAX_S=240 TB_SRC=$SRC
TB_DIR=$(mktemp -d /tmp/testbed_short.XXXXXX) || fail "mktemp"
export TB_DIR
# shellcheck source=../../testbed/lib.sh
. "$SRC/testbed/lib.sh"
show_logs() {
    for f in "$TB_DIR"/*.log "$TB_DIR"/probe-*/*.log; do
        [ -f "$f" ] && { echo "--- $f" >&2; tail -25 "$f" >&2; }
    done
}
cleanup() { tb_stop; rm -rf "$TB_DIR"; }
trap cleanup EXIT

tb_init || fail "testbed init"

# Which modes run today.
modes=()
while IFS='|' read -r name _; do
    name=$(echo "$name" | tr -d '[:space:]')
    [ -n "$name" ] && [ "${name:0:1}" != "#" ] || continue
    if why=$(tb_mode_supported "$name"); then
        modes+=("$name")
    elif [ "$name" = off ]; then
        show_logs; fail "mode off does not work: $why"
    elif [[ $why == *"not available yet"* || $why == *"not plugged"* || $why == *"has no "* ]]; then
        echo "mode $name: skipped, $why"
    else
        show_logs; fail "mode $name: mikey-ua offers it but the call fails: $why"
    fi
done < "$SRC/testbed/modes.conf"
echo "modes: ${modes[*]}"

# run_calls TP MODE N: N calls in the running testbed; checks each.
run_calls() {
    local tp=$1 mode=$2 n=$3 margs_a margs_b i
    margs_a=$(tb_mode_args "$mode" alice) && margs_b=$(tb_mode_args "$mode" bob) || fail "$mode: $margs_a $margs_b"
    rm -f "$TB_DIR/alice.json" "$TB_DIR/bob.json"
    tb_start_bob "$margs_b" --answer-delay 50 || { show_logs; fail "$tp/$mode: bob did not register"; }
    for ((i = 1; i <= n; i++)); do
        tb_call "$margs_a" --duration 0.5 || { show_logs; fail "$tp/$mode: call $i failed (alice exit $?)"; }
    done
    tb_stop_bob
    python3 - "$TB_DIR/alice.json" "$TB_DIR/bob.json" "$tp" "$mode" "$n" "$WAN_MS" << 'EOF' || { show_logs; fail "$tp/$mode: reports wrong"; }
import json, sys
aj, bj, tp, mode, n, wan = sys.argv[1:]
n, wan_us = int(n), int(float(wan) * 1000)
alice = [json.loads(l) for l in open(aj) if l.strip()]
bob = {}
for l in open(bj):
    if l.strip():
        r = json.loads(l)
        bob[r["call_id"]] = r
err = []
if len(alice) != n:
    err.append(f"{len(alice)} caller reports for {n} calls")
if len(bob) != n:
    err.append(f"{len(bob)} callee reports for {n} calls")
for k, a in enumerate(alice, 1):
    b = bob.get(a["call_id"])
    tag = f"call {k} ({a['call_id']})"
    if not b:
        err.append(f"{tag}: bob has no report for this Call-ID"); continue
    if a["result"] != "ok" or b["result"] != "ok":
        err.append(f"{tag}: results {a['result']}/{b['result']} {a['error']} {b['error']}"); continue
    if a["transport"] != tp or b["transport"] != tp:
        err.append(f"{tag}: transports {a['transport']}/{b['transport']}, expected {tp}")
    cd, ad = a["calling_delay_us"], b["answering_delay_us"]
    if not (isinstance(cd, int) and cd > 0 and isinstance(ad, int) and ad > 0):
        err.append(f"{tag}: delays not positive: calling {cd!r}, answering {ad!r}"); continue
    # consistency: 180 before 200 at alice; 200 sent after INVITE received at bob
    if not (a["setup_us"] >= cd):
        err.append(f"{tag}: calling delay {cd} > alice's dial->200 {a['setup_us']}")
    if not (b["setup_us"] >= ad):
        err.append(f"{tag}: answering delay {ad} > bob's INVITE->ACK {b['setup_us']}")
    # both delays cross the WAN twice (INVITE/180, 200/ACK): the relay's lower bound
    if cd < 2 * wan_us or ad < 2 * wan_us:
        err.append(f"{tag}: delays {cd}/{ad} us below two WAN crossings ({2 * wan_us} us): not through the relay?")
    m_off, m_ans, m_fin = a["mikey_us"]["offer"], b["mikey_us"]["answer"], a["mikey_us"]["finish"]
    if mode == "off":
        # the seam's step timers run under off too (a microsecond or two)
        if a["security"] != "off" or b["security"] != "off":
            err.append(f"{tag}: off but security {a['security']}/{b['security']}")
    else:
        if a["security"] == "off" or b["security"] == "off":
            err.append(f"{tag}: mode {mode} but security {a['security']}/{b['security']}")
        if not (m_off > 0 and m_ans > 0 and m_fin > 0):
            err.append(f"{tag}: MIKEY step times not positive: {m_off}/{m_ans}/{m_fin}")
        for side, r in (("alice", a), ("bob", b)):
            rtp = r["rtp"]
            if r["xform"] != "srtp" or rtp["unprotect_failed"] or rtp["authenticated"] < 10 \
                    or rtp["authenticated"] != rtp["accepted"]:
                err.append(f"{tag}: {side}: xform {r['xform']}, SRTP authenticated {rtp['authenticated']} "
                           f"of {rtp['accepted']} accepted, {rtp['unprotect_failed']} failed")
    # the MIKEY steps happen inside the delays they are part of
    if m_off + m_ans > cd:
        err.append(f"{tag}: MIKEY offer+answer {m_off + m_ans} us > calling delay {cd}")
    if m_fin > ad:
        err.append(f"{tag}: MIKEY finish {m_fin} us > answering delay {ad}")
    for tx, rx, name in ((a, b, "alice->bob"), (b, a, "bob->alice")):
        if tx["rtp"]["sent"] < 10 or rx["rtp"]["received"] < 10 or rx["rtp"]["received"] > tx["rtp"]["sent"]:
            err.append(f"{tag}: RTP {name}: sent {tx['rtp']['sent']}, received {rx['rtp']['received']}")
if err:
    print("\n".join(err)); sys.exit(1)
print(f"{tp}/{mode}: {n} calls ok; calling delays {sorted(a['calling_delay_us'] for a in alice)} us, "
      f"answering delays {sorted(b['answering_delay_us'] for b in bob.values())} us")
EOF
    grep -q "registered (200" "$TB_DIR/alice.log" || { show_logs; fail "$tp/$mode: alice never registered at proxy A"; }
    if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$TB_DIR/alice.log" "$TB_DIR/bob.log" > /dev/null 2>&1; then
        show_logs; fail "$tp/$mode: sanitizer report"
    fi
    rm -f "$TB_DIR/alice.log"
}

# TLS, digest auth, every supported mode.
tb_start tls $WAN_MS 1 || { show_logs; fail "testbed (tls) did not start"; }
for m in "${modes[@]}"; do
    run_calls tls "$m" 3
done
tb_stop
grep -qE "tcp [1-9][0-9]* connections [1-9][0-9]* bytes" "$TB_DIR/wanrelay.log" ||
    { show_logs; fail "tls: the relay carried no TCP traffic: $(tail -1 "$TB_DIR/wanrelay.log")"; }
echo "tls relay: $(tail -1 "$TB_DIR/wanrelay.log")"

# UDP, digest auth, no security.
tb_start udp $WAN_MS 1 || { show_logs; fail "testbed (udp) did not start"; }
run_calls udp off 2
tb_stop
grep -qE "udp [1-9][0-9]* packets" "$TB_DIR/wanrelay.log" ||
    { show_logs; fail "udp: the relay carried no datagrams: $(tail -1 "$TB_DIR/wanrelay.log")"; }
echo "udp relay: $(tail -1 "$TB_DIR/wanrelay.log")"

if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$TB_DIR"/*.log > /dev/null 2>&1; then
    show_logs; fail "sanitizer report"
fi
echo "PASS: testbed_short"
