# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
#
# The openmikey two-proxy testbed (docs/testbed.md), as bash functions.
# Sourced by scripts/testbed.sh, bench/call-delay.sh, bench/load.sh and
# tests/e2e/testbed_short.sh.
#
#   alice (minisip.test) --- proxy A ==== wanrelay ==== proxy B --- bob (ssvl.test)
#                          LAN    WAN   (one-way D ms)   WAN   LAN
#
# Everything runs on loopback addresses of one random 127.X.Y.0/24 (so
# several testbeds and other tests can run side by side), every process is
# started under `timeout` (it stops by itself), and tb_stop ends only the
# processes this library started, by PID.
#
# Inputs (environment, set before tb_init):
#   TB_BUILD   the CMake build dir (mikey-ua, wanrelay, mikey)   [required]
#   TB_DIR     run dir for configs, certificates, logs, JSON     [required]
#   TB_MAX_S   hard lifetime of every process in seconds          [3600]
#   TB_DEBUG   Kamailio debug level                               [1]
#   TB_CHILDREN Kamailio worker processes per socket              [2]
#
# Addresses (set by tb_init): TB_NET.1 proxy A LAN, .2 proxy A WAN,
# .3 relay face of A; .11/.12/.13 the same for B; .21 alice, .22 bob,
# .31 load generator.

TB_DOMAIN_A=minisip.test
TB_DOMAIN_B=ssvl.test
TB_PASSWORD=secret
TB_PIDS=()
TB_BOB_PID=
TB_SRC=${TB_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

tb_log() { echo "testbed: $*" >&2; }
tb_die() { echo "testbed: FAIL: $*" >&2; return 1; }

# tb_port TP -> the SIP port of that transport
tb_port() { if [ "$1" = tls ]; then echo 5061; else echo 5060; fi; }

# Start a command in the background under timeout; remember its PID.
# tb_spawn LOGFILE CMD...   (sets TB_LAST_PID)
tb_spawn() {
    local log=$1; shift
    timeout -k 5 "${TB_MAX_S:-3600}" "$@" > "$log" 2>&1 < /dev/null &
    TB_LAST_PID=$!
    TB_PIDS+=("$TB_LAST_PID")
}

# Stop one PID we started (TERM, then KILL after a grace period).
tb_kill() {
    local p=$1 i
    [ -n "$p" ] || return 0
    kill -TERM "$p" 2>/dev/null || return 0
    for i in $(seq 1 50); do
        kill -0 "$p" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    return 0
}

tb_stop() {
    local i
    tb_stop_bob
    for ((i = ${#TB_PIDS[@]} - 1; i >= 0; i--)); do
        tb_kill "${TB_PIDS[$i]}"
    done
    TB_PIDS=()
}

tb_have_all() {
    TB_UA="$TB_BUILD/tools/mikey-ua/mikey-ua"
    TB_RELAY="$TB_BUILD/tools/wanrelay/wanrelay"
    TB_MIKEY="$TB_BUILD/tools/mikey"
    TB_KAM=$(command -v kamailio || echo /usr/sbin/kamailio)
    TB_MODS=/usr/lib/x86_64-linux-gnu/kamailio/modules
    [ -d "$TB_MODS" ] || TB_MODS=$(dirname "$(find /usr/lib -name registrar.so -path '*kamailio*' 2>/dev/null | head -1)")
    [ -x "$TB_UA" ] || { tb_die "$TB_UA not built (libre-dev missing? run scripts/setup.sh)"; return 1; }
    [ -x "$TB_RELAY" ] || { tb_die "$TB_RELAY not built"; return 1; }
    [ -x "$TB_KAM" ] || { tb_die "kamailio missing (scripts/setup.sh installs it)"; return 1; }
    [ -f "$TB_MODS/registrar.so" ] || { tb_die "kamailio modules not found"; return 1; }
    [ -f "$TB_MODS/tls.so" ] || { tb_die "kamailio tls module missing (kamailio-tls-modules)"; return 1; }
    command -v openssl > /dev/null || { tb_die "openssl CLI missing"; return 1; }
    command -v python3 > /dev/null || { tb_die "python3 missing"; return 1; }
}

# Pick a 127.X.Y.0/24 whose SIP ports are free.
tb_pick_net() {
    local attempt
    for attempt in $(seq 1 20); do
        TB_NET="127.$((RANDOM % 150 + 64)).$((RANDOM % 250 + 1))"
        if python3 - "$TB_NET" << 'EOF'; then return 0; fi
import socket, sys
net = sys.argv[1]
socks = []
try:
    for h in (1, 2, 3, 11, 12, 13, 21, 22, 31):
        for port in (5060, 5061):
            for t in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                s = socket.socket(socket.AF_INET, t); socks.append(s)
                s.bind((f"{net}.{h}", port))
except OSError:
    sys.exit(1)
EOF
    done
    tb_die "no free 127.X.Y.0/24 found"
}

# TLS: a CA and one certificate per host (EC P-256), names = IP SANs.
tb_mkcert() { # name "SAN list"
    local n=$1 san=$2
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$n.key" -out "$n.csr" \
        -subj "/CN=$n" 2> /dev/null &&
        printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n' "$san" > "$n.ext" &&
        openssl x509 -req -in "$n.csr" -CA tls-ca.pem -CAkey tls-ca.key -CAcreateserial -days 2 \
            -extfile "$n.ext" -out "$n.crt" 2> /dev/null &&
        cat "$n.crt" "$n.key" > "$n.pem" && rm -f "$n.csr" "$n.ext"
}

tb_init() {
    [ -n "${TB_BUILD:-}" ] && [ -n "${TB_DIR:-}" ] || { tb_die "TB_BUILD and TB_DIR must be set"; return 1; }
    tb_have_all || return 1
    mkdir -p "$TB_DIR" || return 1
    tb_pick_net || return 1
    TB_A_LAN=$TB_NET.1 TB_A_WAN=$TB_NET.2 TB_A_FACE=$TB_NET.3
    TB_B_LAN=$TB_NET.11 TB_B_WAN=$TB_NET.12 TB_B_FACE=$TB_NET.13
    TB_ALICE_IP=$TB_NET.21 TB_BOB_IP=$TB_NET.22 TB_GEN_IP=$TB_NET.31
    (
        cd "$TB_DIR" || exit 1
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout tls-ca.key \
            -out tls-ca.pem -days 2 -subj "/CN=openmikey testbed CA" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2> /dev/null &&
            tb_mkcert proxyA "IP:$TB_A_LAN,IP:$TB_A_WAN,IP:$TB_A_FACE,DNS:$TB_DOMAIN_A" &&
            tb_mkcert proxyB "IP:$TB_B_LAN,IP:$TB_B_WAN,IP:$TB_B_FACE,DNS:$TB_DOMAIN_B" &&
            tb_mkcert alice "IP:$TB_ALICE_IP" &&
            tb_mkcert bob "IP:$TB_BOB_IP" &&
            tb_mkcert gen "IP:$TB_GEN_IP"
    ) || { tb_die "openssl: certificates"; return 1; }
    tb_mikey_creds
    tb_log "network $TB_NET.0/24 (proxy A $TB_A_LAN/$TB_A_WAN, proxy B $TB_B_LAN/$TB_B_WAN, relay faces $TB_A_FACE/$TB_B_FACE)"
}

# MIKEY credentials for the modes (testbed/modes.conf placeholders): a PSK,
# a CA, alice's and bob's RSA keys with certificates naming their SIP URIs.
# Made with the project's own `mikey keygen`; absent -> the modes that need
# them are reported unavailable.
tb_mikey_creds() {
    TB_PSK=
    [ -x "$TB_MIKEY" ] || return 0
    (
        cd "$TB_DIR" || exit 1
        "$TB_MIKEY" keygen psk --force mikey.psk > /dev/null 2>&1 &&
            "$TB_MIKEY" keygen ca --key mikey-ca.key --cert mikey-ca.pem --force > /dev/null 2>&1 &&
            "$TB_MIKEY" keygen cert --uri "sip:alice@$TB_DOMAIN_A" --key mikey-alice.key --cert mikey-alice.pem \
                --ca-cert mikey-ca.pem --ca-key mikey-ca.key --force > /dev/null 2>&1 &&
            "$TB_MIKEY" keygen cert --uri "sip:bob@$TB_DOMAIN_B" --key mikey-bob.key --cert mikey-bob.pem \
                --ca-cert mikey-ca.pem --ca-key mikey-ca.key --force > /dev/null 2>&1
    ) || { tb_log "mikey keygen failed: MIKEY modes needing credentials will be unavailable"; return 0; }
    TB_PSK=$(tr -d ' \n' < "$TB_DIR/mikey.psk")
}

# ---------------------------------------------------------------- modes

# tb_mode_args NAME ROLE -> the UA options of a security mode for a role
# (alice|bob), from testbed/modes.conf (or TB_MODES_FILE), placeholders filled.
# Returns 1 if the mode is unknown or needs something the UA lacks.
tb_mode_args() {
    local name=$1 role=$2 peer line args
    [ "$role" = alice ] && peer=bob || peer=alice
    line=$(grep -E "^[[:space:]]*$name[[:space:]]*\|" "${TB_MODES_FILE:-$TB_SRC/testbed/modes.conf}" | head -1)
    [ -n "$line" ] || { echo "unknown mode '$name' (testbed/modes.conf)"; return 1; }
    args=${line#*|}
    if [[ $args == *@PSK* ]] && [ -z "$TB_PSK" ]; then echo "no PSK (mikey keygen unavailable)"; return 1; fi
    args=${args//@PSK_FILE@/$TB_DIR/mikey.psk}
    args=${args//@PSK@/$TB_PSK}
    args=${args//@KEY@/$TB_DIR/mikey-$role.key}
    args=${args//@CERT@/$TB_DIR/mikey-$role.pem}
    args=${args//@PEER_CERT@/$TB_DIR/mikey-$peer.pem}
    args=${args//@CA@/$TB_DIR/mikey-ca.pem}
    if [ "$role" = alice ]; then
        args=${args//@PEER_ID@/sip:bob@$TB_DOMAIN_B}
    else
        args=${args//@PEER_ID@/sip:alice@$TB_DOMAIN_A}
    fi
    echo "$args"
}

# tb_mode_supported NAME -> 0 if mikey-ua takes the mode's options (a real
# loopback call between two UAs, no proxies, succeeds in that mode); else
# prints why and returns 1.
tb_mode_supported() {
    local name=$1 aargs bargs port rc d
    aargs=$(tb_mode_args "$name" alice) || { echo "$aargs"; return 1; }
    bargs=$(tb_mode_args "$name" bob) || { echo "$bargs"; return 1; }
    if [ "$name" != off ] && ! "$TB_UA" --help 2>&1 | grep -q -- '--mode'; then
        echo "mikey-ua has no --mode option"
        return 1
    fi
    d=$TB_DIR/probe-$name
    rm -rf "$d" && mkdir -p "$d"
    port=$((RANDOM % 10000 * 2 + 30000))
    # shellcheck disable=SC2086
    timeout 20 "$TB_UA" listen --local "$TB_BOB_IP:$port" --transport udp --aor "sip:bob@$TB_DOMAIN_B" \
        --auto-answer --max-calls 1 --linger 500 --json "$d/bob.json" $bargs > /dev/null 2> "$d/bob.log" < /dev/null &
    local bpid=$!
    sleep 0.3
    # shellcheck disable=SC2086
    timeout 20 "$TB_UA" call "sip:bob@$TB_BOB_IP:$port" --local "$TB_ALICE_IP:0" --transport udp \
        --aor "sip:alice@$TB_DOMAIN_A" --duration 0.2 --timeout 5 --linger 500 --json "$d/alice.json" $aargs \
        > /dev/null 2> "$d/alice.log" < /dev/null
    rc=$?
    tb_kill "$bpid"
    if [ $rc -ne 0 ]; then
        echo "mikey-ua refused or failed a loopback call in this mode: $(grep -h 'mikey-ua:' "$d/alice.log" "$d/bob.log" | grep -vE 'SIP (udp|tcp|tls) on|calling|ringing|incoming' | sort -u | head -2 | tr '\n' ' ')"
        return 1
    fi
    if [ "$name" != off ] && grep -q '"security":"off"' "$d/alice.json"; then
        echo "the call succeeded without MIKEY (security off): the mode is not plugged in"
        return 1
    fi
    return 0
}

# ---------------------------------------------------------------- start

tb_kam_cfg() { # name domain peer_domain lan wan face peer_face TP AUTH
    local name=$1 domain=$2 peer=$3 lan=$4 wan=$5 face=$6 pface=$7 tp=$8 auth=$9 defines=""
    [ "$auth" = 1 ] && defines+="#!define WITH_AUTH"$'\n'
    [ "$tp" = tls ] && defines+="#!define WITH_TLS"$'\n'
    cat > "$TB_DIR/tls-$name.cfg" << EOF
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = $TB_DIR/proxy$name.crt
private_key = $TB_DIR/proxy$name.key
ca_list = $TB_DIR/tls-ca.pem

[client:default]
method = TLSv1.2+
verify_certificate = yes
require_certificate = yes
ca_list = $TB_DIR/tls-ca.pem
EOF
    python3 - "$TB_SRC/testbed/proxy.cfg.in" "$TB_DIR/proxy$name.cfg" << EOF
import sys
s = open(sys.argv[1]).read()
subs = {
    "DEFINES": """$defines""", "DEBUG": "${TB_DEBUG:-1}", "NAME": "proxy$name", "CHILDREN": "${TB_CHILDREN:-2}",
    "DOMAIN": "$domain", "PEER_DOMAIN": "$peer", "LAN": "$lan", "WAN": "$wan", "FACE": "$face",
    "PEER_FACE": "$pface", "PORT_UDP": "5060", "PORT_TLS": "5061", "PORT": "$(tb_port "$tp")", "TP": "$tp",
    "MODS": "$TB_MODS", "TLSCFG": "$TB_DIR/tls-$name.cfg", "PASSWORD": "$TB_PASSWORD",
}
for k, v in subs.items():
    s = s.replace("@" + k + "@", v)
import re
left = re.findall(r"@[A-Z_]+@", s)
assert not left, f"unfilled placeholders {left}"
open(sys.argv[2], "w").write(s)
EOF
}

# Wait until a Kamailio answers an OPTIONS on its LAN UDP socket.
tb_probe_sip() { # addr port
    python3 - "$1" "$2" << 'EOF'
import socket, sys, time
host, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((host, 0)); s.settimeout(0.2)
lp = s.getsockname()[1]
for i in range(50):
    req = (f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP {host}:{lp};branch=z9hG4bK-tbprobe-{i};rport\r\n"
           f"Max-Forwards: 70\r\nTo: <sip:{host}>\r\nFrom: <sip:probe@{host}>;tag=p\r\n"
           f"Call-ID: tbprobe-{i}-{time.time()}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
    try:
        s.sendto(req.encode(), (host, port))
        if s.recv(4096).startswith(b"SIP/2.0 200"):
            sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
}

# tb_start TP DELAY_MS AUTH(0|1): relay + both proxies.
tb_start() {
    local tp=$1 delay=$2 auth=$3 links="" p
    TB_TP=$tp TB_DELAY=$delay TB_AUTH=$auth TB_PORT=$(tb_port "$tp")
    for p in 5060 5061; do
        links+=" --tcp $TB_A_WAN:$p/$TB_A_FACE:$p/$TB_B_WAN:$p/$TB_B_FACE:$p"
    done
    links+=" --udp $TB_A_WAN:5060/$TB_A_FACE:5060/$TB_B_WAN:5060/$TB_B_FACE:5060"
    # shellcheck disable=SC2086
    tb_spawn "$TB_DIR/wanrelay.log" "$TB_RELAY" --delay-ms "$delay" $links
    TB_RELAY_PID=$TB_LAST_PID
    for _ in $(seq 1 200); do
        grep -q "ready" "$TB_DIR/wanrelay.log" 2> /dev/null && break
        kill -0 "$TB_RELAY_PID" 2> /dev/null || break
        sleep 0.05
    done
    grep -q "ready" "$TB_DIR/wanrelay.log" || { cat "$TB_DIR/wanrelay.log" >&2; tb_die "wanrelay did not start"; return 1; }
    tb_kam_cfg A "$TB_DOMAIN_A" "$TB_DOMAIN_B" "$TB_A_LAN" "$TB_A_WAN" "$TB_A_FACE" "$TB_B_FACE" "$tp" "$auth" || return 1
    tb_kam_cfg B "$TB_DOMAIN_B" "$TB_DOMAIN_A" "$TB_B_LAN" "$TB_B_WAN" "$TB_B_FACE" "$TB_A_FACE" "$tp" "$auth" || return 1
    local n lan
    for n in A B; do
        mkdir -p "$TB_DIR/kam$n"
        tb_spawn "$TB_DIR/proxy$n.log" "$TB_KAM" -f "$TB_DIR/proxy$n.cfg" -DD -E -m 64 -M 8 \
            -w "$TB_DIR/kam$n" -P "$TB_DIR/kam$n/kamailio.pid" -Y "$TB_DIR/kam$n"
        [ $n = A ] && lan=$TB_A_LAN || lan=$TB_B_LAN
        tb_probe_sip "$lan" 5060 || { tail -30 "$TB_DIR/proxy$n.log" >&2; tb_die "proxy $n did not start"; return 1; }
    done
    tb_log "proxies up ($tp, WAN one-way delay $delay ms, digest auth $([ "$auth" = 1 ] && echo on || echo off))"
}

# URIs of the proxies for the UAs, on the testbed's transport.
tb_proxy_uri() { # A|B
    local lan
    [ "$1" = A ] && lan=$TB_A_LAN || lan=$TB_B_LAN
    echo "sip:$lan:$TB_PORT;transport=$TB_TP"
}

# The UA options common to alice and bob for the current transport.
tb_ua_tls_args() { # role
    echo "--tls-ca $TB_DIR/tls-ca.pem --tls-cert $TB_DIR/$1.pem"
}

# tb_start_bob "MODE ARGS" [extra UA options...]: bob listens, registered at proxy B.
tb_start_bob() {
    local margs=$1 attempt port
    shift
    tb_stop_bob
    : > "$TB_DIR/bob.log"
    for attempt in 1 2 3 4 5; do
        port=$((RANDOM % 10000 * 2 + 20000))
        # shellcheck disable=SC2046,SC2086
        tb_spawn "$TB_DIR/bob.log" "$TB_UA" listen --local "$TB_BOB_IP:$port" --tls-port $((port + 1)) \
            --transport "$TB_TP" --aor "sip:bob@$TB_DOMAIN_B" --registrar "$(tb_proxy_uri B)" \
            $([ "$TB_AUTH" = 1 ] && echo --password $TB_PASSWORD) $(tb_ua_tls_args bob) \
            --auto-answer --linger 1000 --json "$TB_DIR/bob.json" $margs "$@"
        TB_BOB_PID=$TB_LAST_PID
        for _ in $(seq 1 200); do
            grep -qE "registered \(|registration failed" "$TB_DIR/bob.log" 2> /dev/null && break
            kill -0 "$TB_BOB_PID" 2> /dev/null || break
            sleep 0.05
        done
        grep -q "registered (200" "$TB_DIR/bob.log" && return 0
        tb_kill "$TB_BOB_PID"
        TB_BOB_PID=
        grep -q "cannot bind\|in use" "$TB_DIR/bob.log" || break
    done
    tail -20 "$TB_DIR/bob.log" >&2
    tb_die "bob did not register at proxy B"
}

tb_stop_bob() {
    [ -n "$TB_BOB_PID" ] || return 0
    tb_kill "$TB_BOB_PID"
    TB_BOB_PID=
}

# tb_call "MODE ARGS" [extra UA options...]: one call alice -> bob through both
# proxies; alice's report is appended to $TB_DIR/alice.json. Returns mikey-ua's status.
tb_call() {
    local margs=$1
    shift
    # shellcheck disable=SC2046,SC2086
    timeout -k 5 60 "$TB_UA" call "sip:bob@$TB_DOMAIN_B" --local "$TB_ALICE_IP:0" --transport "$TB_TP" \
        --aor "sip:alice@$TB_DOMAIN_A" --registrar "$(tb_proxy_uri A)" \
        --outbound-proxy "$(tb_proxy_uri A);lr" \
        $([ "$TB_AUTH" = 1 ] && echo --password $TB_PASSWORD) $(tb_ua_tls_args alice) \
        --timeout 10 --linger 1000 --json "$TB_DIR/alice.json" $margs "$@" \
        > /dev/null 2>> "$TB_DIR/alice.log" < /dev/null
}
