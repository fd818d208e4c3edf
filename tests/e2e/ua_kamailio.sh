#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# e2e: mikey-ua through a real Kamailio 5.6 proxy/registrar on 127.0.0.1.
#  - bob REGISTERs with digest authentication (Kamailio challenges with 401,
#    pv_www_authenticate checks the response against the password);
#  - alice calls sip:bob@test.local through the proxy (outbound proxy,
#    INVITE challenged with 407, Record-Route), 2 s of tone both ways,
#    BYE routed back through the proxy; both report "ok", positive delays,
#    RTP sent = received within 3 packets;
#  - a REGISTER with a wrong password fails (exit 1, "registration failed");
#  - a secured call through the proxy (policy required, MIKEY DH in the
#    INVITE / 200 SDP, SRTP media): both "ok", SRTP authenticated = received.
# Needs: kamailio (scripts/setup.sh installs it), python3. Missing -> FAIL.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }

BUILD=${MIKEY_BUILD:-}
[ -n "$BUILD" ] || fail "MIKEY_BUILD is not set"
UA="$BUILD/tools/mikey-ua/mikey-ua"
[ -x "$UA" ] || fail "$UA not built (is libre-dev installed? run scripts/setup.sh)"
KAM=$(command -v kamailio || echo /usr/sbin/kamailio)
[ -x "$KAM" ] || fail "kamailio missing (run scripts/setup.sh)"
MODS=/usr/lib/x86_64-linux-gnu/kamailio/modules
[ -d "$MODS" ] || MODS=$(dirname "$(find /usr/lib -name registrar.so -path '*kamailio*' 2>/dev/null | head -1)")
[ -f "$MODS/registrar.so" ] || fail "kamailio modules not found"
command -v python3 >/dev/null || fail "python3 missing"

TMP=$(mktemp -d /tmp/ua_kamailio.XXXXXX) || fail "mktemp"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
cd "$TMP" || fail "cd $TMP"
T=60

show_logs() { for f in ./*.log; do echo "--- $f" >&2; tail -40 "$f" >&2; done; }

# ---- Kamailio on a random port ----
start_kamailio() {
    for attempt in 1 2 3 4 5; do
        KPORT=$(( (RANDOM % 20000) + 20000 ))
        cat > kam.cfg <<EOF
#!KAMAILIO
debug=2
log_stderror=yes
children=2
tcp_children=2
auto_aliases=no
alias="test.local"
listen=udp:127.0.0.1:$KPORT
listen=tcp:127.0.0.1:$KPORT
mpath="$MODS/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
modparam("usrloc", "db_mode", 0)
request_route {
    if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
    if (is_method("REGISTER")) {
        if (!pv_www_authenticate("\$td", "secret", "0")) { www_challenge("\$td", "0"); exit; }
        if (!save("location")) sl_reply_error();
        exit;
    }
    if (has_totag()) {
        if (loose_route()) { t_relay(); exit; }
        if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }
        sl_send_reply("404", "Not here"); exit;
    }
    if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
    if (is_method("INVITE")) {
        if (!pv_proxy_authenticate("\$fd", "secret", "0")) { proxy_challenge("\$fd", "0"); exit; }
        consume_credentials();
        record_route();
    }
    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
    t_relay();
}
EOF
        timeout $T "$KAM" -f kam.cfg -DD -E -w "$TMP" -P "$TMP/kam.pid" > kam.log 2>&1 &
        KAM_PID=$!
        PIDS+=("$KAM_PID")
        # Ready when it answers anything on its UDP port.
        if python3 - "$KPORT" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); s.settimeout(0.2)
lp = s.getsockname()[1]
for i in range(50):
    req = (f"OPTIONS sip:probe@127.0.0.1:{port} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP 127.0.0.1:{lp};branch=z9hG4bK-kprobe-{i};rport\r\n"
           "Max-Forwards: 70\r\nTo: <sip:probe@test.local>\r\nFrom: <sip:probe@test.local>;tag=p\r\n"
           f"Call-ID: kprobe-{i}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
    try:
        s.sendto(req.encode(), ("127.0.0.1", port))
        if s.recv(4096).startswith(b"SIP/2.0"):
            sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
        then return 0; fi
        kill "$KAM_PID" 2>/dev/null; wait "$KAM_PID" 2>/dev/null
    done
    show_logs; fail "kamailio did not start"
}
start_kamailio
echo "kamailio on 127.0.0.1:$KPORT"

# ---- bob registers and waits ----
start_bob() { # name password extra...
    local name=$1 pw=$2; shift 2
    for attempt in 1 2 3 4 5 6; do
        BPORT=$(( (RANDOM % 20000) * 2 + 20000 ))
        timeout $T "$UA" listen --local 127.0.0.1:$BPORT --transport udp,tcp --aor sip:bob@test.local \
            --registrar "sip:127.0.0.1:$KPORT" --password "$pw" --auto-answer --max-calls 1 --linger 1000 \
            --json "$name.json" "$@" > /dev/null 2> "$name.log" < /dev/null &
        BOB_PID=$!
        PIDS+=("$BOB_PID")
        for _ in $(seq 1 100); do
            grep -qE "registered|registration failed" "$name.log" 2>/dev/null && return 0
            kill -0 "$BOB_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$BOB_PID" 2>/dev/null; wait "$BOB_PID" 2>/dev/null
        grep -q "cannot bind" "$name.log" || { show_logs; fail "$name: did not start"; }
    done
    fail "$name: no free port"
}

# 1. wrong password: the registration must fail
start_bob badpw wrong-password
wait "$BOB_PID"; rc=$?
[ $rc -eq 1 ] || { show_logs; fail "wrong password: listener exit $rc, expected 1"; }
grep -q "registration failed" badpw.log || { show_logs; fail "wrong password: no registration failure reported"; }
echo "wrong password: registration refused as expected ($(grep -o 'registration failed: [0-9]* [A-Za-z ]*' badpw.log | head -1))"

# 2. right password: registered, then called through the proxy
start_bob bob secret --tone 1000
grep -q "registered (200" bob.log || { show_logs; fail "bob: not registered"; }
timeout $T "$UA" call sip:bob@test.local --aor sip:alice@test.local --password secret \
    --outbound-proxy "sip:127.0.0.1:$KPORT;lr" --local 127.0.0.1:0 --duration 2 --timeout 10 --linger 1000 \
    --json alice.json > /dev/null 2> alice.log < /dev/null
arc=$?
wait "$BOB_PID"; brc=$?
[ $arc -eq 0 ] && [ $brc -eq 0 ] || { show_logs; fail "call via kamailio: alice exit $arc, bob exit $brc"; }
python3 - <<'EOF' || { show_logs; fail "call via kamailio: reports wrong"; }
import json
a = json.loads(open("alice.json").read())
b = json.loads(open("bob.json").read())
err = []
if a["result"] != "ok" or b["result"] != "ok":
    err.append(f"results {a['result']} / {b['result']}")
if not isinstance(a["calling_delay_us"], int) or a["calling_delay_us"] <= 0:
    err.append(f"calling delay {a['calling_delay_us']!r}")
if not isinstance(b["answering_delay_us"], int) or b["answering_delay_us"] <= 0:
    err.append(f"answering delay {b['answering_delay_us']!r}")
if a["call_id"] != b["call_id"]:
    err.append("different Call-IDs on the two sides")
for tx, rx, name in ((a, b, "alice->bob"), (b, a, "bob->alice")):
    s, r = tx["rtp"]["sent"], rx["rtp"]["received"]
    if s < 50 or not (s - 3 <= r <= s) or rx["rtp"]["lost"]:
        err.append(f"{name}: sent {s}, received {r}, lost {rx['rtp']['lost']}")
if err:
    print("\n".join(err)); raise SystemExit(1)
print(f"call via kamailio: ok, calling delay {a['calling_delay_us']} us, answering delay {b['answering_delay_us']} us, "
      f"RTP {a['rtp']['sent']}/{b['rtp']['received']} and {b['rtp']['sent']}/{a['rtp']['received']}")
EOF
grep -q "ringing (180" alice.log || { show_logs; fail "alice saw no 180"; }

# 3. a secured call through the proxy: both under policy `required`, MIKEY
#    DH (certificates from `mikey keygen`) in the INVITE / 200 SDP, SRTP
#    media; Kamailio relays the SDP untouched.
MIKEY=${MIKEY_BIN:-$BUILD/tools/mikey}
[ -x "$MIKEY" ] || fail "$MIKEY not built"
"$MIKEY" keygen ca --key mca.key --cert mca.pem >/dev/null 2>&1 || fail "mikey keygen ca"
for u in alice bob; do
    "$MIKEY" keygen cert --uri "sip:$u@test.local" --key $u.key --cert $u.pem --ca-cert mca.pem --ca-key mca.key \
        >/dev/null 2>&1 || fail "mikey keygen cert $u"
done
start_bob sbob secret --tone 1000 --security required --mode dh --key bob.key --cert bob.pem --ca mca.pem
grep -q "registered (200" sbob.log || { show_logs; fail "sbob: not registered"; }
timeout $T "$UA" call sip:bob@test.local --aor sip:alice@test.local --password secret \
    --outbound-proxy "sip:127.0.0.1:$KPORT;lr" --local 127.0.0.1:0 --duration 2 --timeout 10 --linger 1000 \
    --security required --mode dh --key alice.key --cert alice.pem --ca mca.pem --peer-id sip:bob@test.local \
    --json salice.json > /dev/null 2> salice.log < /dev/null
arc=$?
wait "$BOB_PID"; brc=$?
[ $arc -eq 0 ] && [ $brc -eq 0 ] || { show_logs; fail "secured call via kamailio: alice exit $arc, bob exit $brc"; }
python3 - <<'EOF' || { show_logs; fail "secured call via kamailio: reports wrong"; }
import json
a = json.loads(open("salice.json").read())
b = json.loads(open("sbob.json").read())
err = []
for r in (a, b):
    if (r["result"], r["security"], r["xform"]) != ("ok", "dh", "srtp"):
        err.append(f"{r['role']}: {r['result']} {r['security']}/{r['xform']} ({r['error']})")
if a["call_id"] != b["call_id"] or a["mikey"]["csb_id"] != b["mikey"]["csb_id"]:
    err.append("the two sides name different calls or CSBs")
if a["mikey"]["peer_id"] != "sip:bob@test.local" or b["mikey"]["peer_id"] != "sip:alice@test.local":
    err.append(f"peer ids {a['mikey']['peer_id']} / {b['mikey']['peer_id']}")
for tx, rx, name in ((a, b, "alice->bob"), (b, a, "bob->alice")):
    s, r = tx["rtp"]["sent"], rx["rtp"]["received"]
    if s < 50 or not (s - 3 <= r <= s) or rx["srtp"]["rtp_authenticated"] != r or rx["rtp"]["unprotect_failed"]:
        err.append(f"{name}: sent {s}, received {r}, authenticated {rx['srtp']['rtp_authenticated']}")
if err:
    print("\n".join(err)); raise SystemExit(1)
print(f"secured call via kamailio: ok (DH), calling delay {a['calling_delay_us']} us, answering delay "
      f"{b['answering_delay_us']} us, SRTP {a['rtp']['sent']}/{b['srtp']['rtp_authenticated']} and "
      f"{b['rtp']['sent']}/{a['srtp']['rtp_authenticated']} authenticated")
EOF

if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" ./*.log >/dev/null 2>&1; then
    show_logs; fail "sanitizer report"
fi
echo "PASS: ua_kamailio"
