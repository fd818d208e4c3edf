#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `make testbed`: bring up the two-domain SIP testbed (docs/testbed.md),
# place demo calls from alice@minisip.test to bob@ssvl.test through both
# proxies and the emulated WAN, print their delays, then stay up for
# --seconds (or until Ctrl-C) so that you can place calls by hand, and stop
# everything and clean up.
#
# Usage: scripts/testbed.sh [options]
#   --build DIR        CMake build dir (default: build)
#   --transport T      udp, tcp or tls, every hop (default tls)
#   --wan-ms D         WAN one-way delay in ms (default 20)
#   --auth 0|1         digest authentication at both proxies (default 1)
#   --mode NAME        security mode from testbed/modes.conf (default off)
#   --calls N          demo calls (default 3)
#   --seconds S        stay up S seconds after the demo (default 0; Ctrl-C ends earlier)
#   --keep             keep the run dir (configs, certificates, logs, JSON)
set -u

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=build TP=tls WAN=20 AUTH=1 MODE=off CALLS=3 SECONDS_UP=0 KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
    --build) BUILD=$2; shift ;;
    --transport) TP=$2; shift ;;
    --wan-ms) WAN=$2; shift ;;
    --auth) AUTH=$2; shift ;;
    --mode) MODE=$2; shift ;;
    --calls) CALLS=$2; shift ;;
    --seconds) SECONDS_UP=$2; shift ;;
    --keep) KEEP=1 ;;
    -h | --help) sed -n '3,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d'; exit 0 ;;
    *) echo "testbed: unknown option $1 (--help)" >&2; exit 2 ;;
    esac
    shift
done
case $TP in udp | tcp | tls) ;; *) echo "testbed: --transport must be udp, tcp or tls" >&2; exit 2 ;; esac
BUILD=$(cd "$SRC" && cd "$BUILD" 2> /dev/null && pwd) || { echo "testbed: no build dir (make build first)" >&2; exit 2; }

export TB_BUILD=$BUILD TB_MAX_S=$((SECONDS_UP + 600))
TB_DIR=$(mktemp -d /tmp/openmikey-testbed.XXXXXX) || exit 1
export TB_DIR
# shellcheck source=../testbed/lib.sh
. "$SRC/testbed/lib.sh"
finish() {
    tb_stop
    if [ "$KEEP" = 1 ]; then echo "testbed: run dir kept: $TB_DIR"; else rm -rf "$TB_DIR"; fi
}
trap finish EXIT
trap 'echo; exit 130' INT TERM

tb_init || exit 1
if ! why=$(tb_mode_supported "$MODE"); then
    echo "testbed: mode $MODE: $why" >&2
    exit 1
fi
margs_a=$(tb_mode_args "$MODE" alice) && margs_b=$(tb_mode_args "$MODE" bob) || exit 1
tb_start "$TP" "$WAN" "$AUTH" || exit 1
tb_start_bob "$margs_b" --answer-delay 100 || exit 1
echo "testbed: bob@$TB_DOMAIN_B registered at proxy B ($(tb_proxy_uri B)), mode $MODE"

status=0
for ((i = 1; i <= CALLS; i++)); do
    if tb_call "$margs_a" --duration 1; then
        python3 "$SRC/testbed/show_call.py" "$TB_DIR/alice.json" "$TB_DIR/bob.json" "testbed: call $i"
    else
        echo "testbed: call $i FAILED (see $TB_DIR/alice.log; --keep keeps it)"
        status=1
    fi
done

if [ "$SECONDS_UP" -gt 0 ]; then
    cat << EOF

The testbed stays up for $SECONDS_UP s (Ctrl-C to stop now). Call bob as alice:

  $TB_UA call sip:bob@$TB_DOMAIN_B --local $TB_ALICE_IP:0 --transport $TB_TP \\
     --aor sip:alice@$TB_DOMAIN_A $([ "$AUTH" = 1 ] && echo "--password $TB_PASSWORD ")\\
     --outbound-proxy "$(tb_proxy_uri A);lr" --tls-ca $TB_DIR/tls-ca.pem $margs_a

bob's reports: $TB_DIR/bob.json; proxy logs: $TB_DIR/proxyA.log, $TB_DIR/proxyB.log
EOF
    end=$(($(date +%s) + SECONDS_UP))
    while [ "$(date +%s)" -lt "$end" ]; do
        kill -0 "$TB_RELAY_PID" 2> /dev/null || { echo "testbed: the WAN relay stopped" >&2; status=1; break; }
        sleep 1
    done
fi
echo "testbed: stopping"
exit $status
