#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench/call-delay: the seed paper's calling and answering delays, measured
# in the two-proxy testbed (docs/testbed.md): alice (minisip.test) calls bob
# (ssvl.test) through proxy A, the emulated WAN and proxy B.
#
# For every transport x WAN delay x security mode ("cell"): the testbed is
# started, bob listens (auto-answer) in that mode, WARMUP calls open the
# connections (their delays are kept apart as "first call"), then CALLS
# calls are placed one after the other. Each call is a fresh `mikey-ua call`
# process that registers at proxy A and dials; mikey-ua reports the delays
# (calling: dial -> 180 at alice; answering: 200 sent -> ACK at bob) and the
# microseconds of each MIKEY step. bench/call_delay_report.py turns the
# per-call JSON into OUT/call-delay.{json,md,png}.
#
# A benchmark, not a test: nothing here has a timing threshold.
#
# Usage: bench/call-delay.sh [options]
#   --build DIR        CMake build dir (default: build)
#   --out DIR          results (default: BUILD/bench-calls)
#   --calls N          measured calls per cell (default 50)
#   --warmup N         calls before measuring, per cell (default 2)
#   --modes LIST       comma list from testbed/modes.conf (default off,psk,dh,dh-pre)
#   --transports LIST  default udp,tcp,tls
#   --delays LIST      WAN one-way delays in ms (default 0,20)
#   --auth 0|1         digest authentication at the proxies (default 0)
#   --media S          seconds of media per call (default 0.3)
#   --answer-delay MS  bob rings this long before answering (default 100): the
#                      180 and the 200 then never race through the proxies'
#                      worker processes (neither delay includes it)
#   --max-minutes M    stop starting new cells after M minutes (default 120)
set -u

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=build OUT= CALLS=50 WARMUP=2 MODES=off,psk,dh,dh-pre TPS=udp,tcp,tls DELAYS=0,20 AUTH=0 MEDIA=0.3 ANSWER_DELAY=100 MAXMIN=120
while [ $# -gt 0 ]; do
    case $1 in
    --build) BUILD=$2 ;;
    --out) OUT=$2 ;;
    --calls) CALLS=$2 ;;
    --warmup) WARMUP=$2 ;;
    --modes) MODES=$2 ;;
    --transports) TPS=$2 ;;
    --delays) DELAYS=$2 ;;
    --auth) AUTH=$2 ;;
    --media) MEDIA=$2 ;;
    --answer-delay) ANSWER_DELAY=$2 ;;
    --max-minutes) MAXMIN=$2 ;;
    -h | --help) sed -n '3,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d'; exit 0 ;;
    *) echo "call-delay: unknown option $1 (--help)" >&2; exit 2 ;;
    esac
    shift 2 || { echo "call-delay: $1 needs a value" >&2; exit 2; }
done
cd "$SRC" || exit 2
BUILD=$(cd "$BUILD" 2> /dev/null && pwd) || { echo "call-delay: no build dir (make build first)" >&2; exit 2; }
OUT=${OUT:-$BUILD/bench-calls}
mkdir -p "$OUT" || exit 2
OUT=$(cd "$OUT" && pwd)

export TB_BUILD=$BUILD TB_DIR=$OUT/run TB_MAX_S=$((MAXMIN * 60 + 600))
rm -rf "$TB_DIR" "$OUT/cells"
mkdir -p "$OUT/cells"
# shellcheck source=../testbed/lib.sh
. "$SRC/testbed/lib.sh"
trap 'tb_stop' EXIT
trap 'exit 130' INT TERM
tb_init || exit 1

T0=$(date +%s)
IFS=, read -r -a mode_list <<< "$MODES"
IFS=, read -r -a tp_list <<< "$TPS"
IFS=, read -r -a delay_list <<< "$DELAYS"

# Which modes can run today (the UA grows them one by one).
declare -A MODE_OK MODE_WHY
for m in "${mode_list[@]}"; do
    if why=$(tb_mode_supported "$m"); then
        MODE_OK[$m]=1
        echo "mode $m: available"
    else
        MODE_OK[$m]=0
        MODE_WHY[$m]=$why
        echo "mode $m: unavailable -- $why"
    fi
done

# Environment of the run, for the report.
: > "$OUT/unavailable.tsv"
for m in "${!MODE_WHY[@]}"; do printf '%s\t%s\n' "$m" "${MODE_WHY[$m]}" >> "$OUT/unavailable.tsv"; done
ANSWER_DELAY=$ANSWER_DELAY python3 - "$OUT/meta.json" "$CALLS" "$WARMUP" "$AUTH" "$MEDIA" "$MODES" "$TB_KAM" "$BUILD" "$TPS" "$DELAYS" << 'EOF'
import json, os, platform, subprocess, sys, time
out, calls, warm, auth, media, modes, kam, build, tps, delays = sys.argv[1:]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
unavail = dict(l.rstrip("\n").split("\t", 1) for l in open(os.path.join(os.path.dirname(out), "unavailable.tsv")) if "\t" in l)
meta = {
    "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "cpu": cpu, "cpus": os.cpu_count(),
    "kernel": platform.release(), "loadavg_start": os.getloadavg(), "calls": int(calls), "warmup": int(warm),
    "auth": auth == "1", "media_s": float(media), "answer_delay_ms": int(os.environ.get("ANSWER_DELAY", "0")), "modes": modes.split(","), "transports": tps.split(","),
    "delays_ms": [float(d) for d in delays.split(",")],
    "kamailio": subprocess.run([kam, "-v"], capture_output=True, text=True).stdout.splitlines()[0],
    "build_type": next((l.split("=", 1)[1].strip() for l in open(os.path.join(build, "CMakeCache.txt"))
                        if l.startswith("CMAKE_BUILD_TYPE:")), "?"),
    "unavailable": unavail,
}
json.dump(meta, open(out, "w"), indent=1)
EOF

status=0
for tp in "${tp_list[@]}"; do
    for d in "${delay_list[@]}"; do
        if [ $(($(date +%s) - T0)) -gt $((MAXMIN * 60)) ]; then
            echo "call-delay: --max-minutes reached, skipping $tp/$d ms" >&2
            continue
        fi
        if ! tb_start "$tp" "$d" "$AUTH"; then
            tb_stop # once more: a loaded machine can be slow to start eight processes
            tb_start "$tp" "$d" "$AUTH" || { status=1; tb_stop; continue; }
        fi
        for m in "${mode_list[@]}"; do
            [ "${MODE_OK[$m]}" = 1 ] || continue
            cell=$OUT/cells/$tp-${d}ms-$m
            mkdir -p "$cell"
            margs_b=$(tb_mode_args "$m" bob) && margs_a=$(tb_mode_args "$m" alice) || { status=1; continue; }
            rm -f "$TB_DIR/alice.json" "$TB_DIR/bob.json" "$TB_DIR/alice.log"
            tb_start_bob "$margs_b" --answer-delay "$ANSWER_DELAY" || { status=1; cp "$TB_DIR/bob.log" "$cell/" 2> /dev/null; continue; }
            fails=0
            for ((i = 0; i < WARMUP; i++)); do
                tb_call "$margs_a" --duration "$MEDIA" || fails=$((fails + 1))
            done
            [ -f "$TB_DIR/alice.json" ] && mv "$TB_DIR/alice.json" "$cell/warmup-alice.json"
            t_cell=$(date +%s.%N)
            for ((i = 0; i < CALLS; i++)); do
                tb_call "$margs_a" --duration "$MEDIA" || fails=$((fails + 1))
            done
            t_cell=$(python3 -c "import time; print(round(time.time() - $t_cell, 1))")
            tb_stop_bob # bob writes the report of the last call before it exits
            mv "$TB_DIR/alice.json" "$cell/alice.json" 2> /dev/null
            mv "$TB_DIR/bob.json" "$cell/bob.json" 2> /dev/null
            cp "$TB_DIR/alice.log" "$TB_DIR/bob.log" "$cell/" 2> /dev/null
            echo "{\"transport\":\"$tp\",\"wan_ms\":$d,\"mode\":\"$m\",\"failed_processes\":$fails,\"wall_s\":$t_cell}" > "$cell/cell.json"
            echo "cell $tp / WAN ${d} ms / $m: $CALLS calls in ${t_cell} s, $fails failed"
            [ $fails -eq 0 ] || status=1
        done
        cp "$TB_DIR/proxyA.log" "$OUT/cells/proxyA-$tp-${d}ms.log" 2> /dev/null
        cp "$TB_DIR/proxyB.log" "$OUT/cells/proxyB-$tp-${d}ms.log" 2> /dev/null
        tb_stop
        cp "$TB_DIR/wanrelay.log" "$OUT/cells/wanrelay-$tp-${d}ms.log" 2> /dev/null
    done
done

python3 "$SRC/bench/call_delay_report.py" "$OUT" || status=1
echo "results: $OUT/call-delay.md, $OUT/call-delay.json, $OUT/call-delay.png"
exit $status
