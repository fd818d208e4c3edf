#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench/load: answering capacity of mikey-ua under sipp load, per security
# mode (the seed paper: 5 DH calls/s for automated responders).
#
# bob = `mikey-ua listen --auto-answer` (one thread, pinned to --ua-cpu) on
# a loopback address of the testbed's network; sipp (pinned to --sipp-cpu)
# places calls alice -> bob over UDP at a fixed rate: INVITE (with a fresh
# MIKEY I_MESSAGE per call in a MIKEY mode, made by testbed/offergen.c just
# before each step), 180/200, ACK, --hold-ms, BYE. No proxy: the load is on
# the UA.
#
# Per mode: the rate doubles from --start (steps of --step-seconds) until a
# step fails, is refined by bisection (--refine rounds), then the best
# passing rate must be held for --hold-seconds (on failure: -15 % twice,
# then halving, at most 8 holds; then two bisections towards the lowest
# failing hold). A step passes when sipp reports every call successful, no call
# failed (2xx within --timeout-ms, nothing unexpected), sipp kept the rate
# (elapsed <= 1.1 x planned + 2 s) and bob reported every call "ok".
# CPU per call = bob's CPU time over the step (/proc/PID/schedstat) / calls;
# calls/s per core = 1 s / CPU per call; the MIKEY share = bob's summed
# mikey_us.answer / bob's CPU time. Results: OUT/load.json and OUT/load.md.
#
# A benchmark, not a test: nothing here has a timing threshold.
#
# Usage: bench/load.sh [options]
#   --build DIR          CMake build dir (default: build)
#   --out DIR            results (default: BUILD/bench-load)
#   --modes LIST         from testbed/modes.conf (default off,psk,dh,dh-pre)
#   --start R            first rate, calls/s (default 50)
#   --max-rate R         stop the ramp here (default 20000)
#   --step-seconds S     ramp step length (default 10)
#   --hold-seconds S     confirmation length (default 60)
#   --refine N           bisection rounds (default 3)
#   --hold-ms MS         call hold time between ACK and BYE (default 0)
#   --timeout-ms MS      a 200 OK later than this fails the call (default 2000)
#   --ua-cpu N / --sipp-cpu N   pin bob / sipp to a CPU (default -1: no pinning; on a
#                        shared machine a pinned process waits for its CPU)
set -u

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=build OUT= MODES=off,psk,dh,dh-pre START=50 MAXRATE=20000 STEP_S=10 HOLD_S=60 REFINE=3 HOLD_MS=0
TIMEOUT_MS=2000 UA_CPU=-1 SIPP_CPU=-1
while [ $# -gt 0 ]; do
    case $1 in
    --build) BUILD=$2 ;;
    --out) OUT=$2 ;;
    --modes) MODES=$2 ;;
    --start) START=$2 ;;
    --max-rate) MAXRATE=$2 ;;
    --step-seconds) STEP_S=$2 ;;
    --hold-seconds) HOLD_S=$2 ;;
    --refine) REFINE=$2 ;;
    --hold-ms) HOLD_MS=$2 ;;
    --timeout-ms) TIMEOUT_MS=$2 ;;
    --ua-cpu) UA_CPU=$2 ;;
    --sipp-cpu) SIPP_CPU=$2 ;;
    -h | --help) sed -n '3,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d'; exit 0 ;;
    *) echo "load: unknown option $1 (--help)" >&2; exit 2 ;;
    esac
    shift 2 || { echo "load: $1 needs a value" >&2; exit 2; }
done
cd "$SRC" || exit 2
BUILD=$(cd "$BUILD" 2> /dev/null && pwd) || { echo "load: no build dir (make build first)" >&2; exit 2; }
OUT=${OUT:-$BUILD/bench-load}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd) || exit 2
SIPP=$(command -v sipp) || { echo "load: sipp missing (scripts/setup.sh installs sip-tester)" >&2; exit 1; }
NCPU=$(nproc)
pin() { # cpu -> taskset prefix
    if [ "$1" -ge 0 ] && [ "$1" -lt "$NCPU" ] && command -v taskset > /dev/null; then echo "taskset -c $1"; fi
}

export TB_BUILD=$BUILD TB_DIR=$OUT/run TB_MAX_S=14400
rm -rf "$TB_DIR" "$OUT/steps"
mkdir -p "$OUT/steps"
# shellcheck source=../testbed/lib.sh
. "$SRC/testbed/lib.sh"
UA_TPID=
finish() {
    [ -n "$UA_TPID" ] && tb_kill "$UA_TPID"
    tb_stop
}
trap finish EXIT
trap 'exit 130' INT TERM
tb_init || exit 1

# The offer generator (public API only), compiled with the project's warnings.
OFFERGEN=$OUT/run/offergen
build_offergen() {
    [ -x "$OFFERGEN" ] && return 0
    cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla -Wcast-qual -Wundef -Wformat=2 -I"$SRC/include" -I"$BUILD/include" \
        "$SRC/testbed/offergen.c" "$BUILD/libmikey.a" -lcrypto -o "$OFFERGEN"
}

# offers MODE N FILE: N fresh I_MESSAGEs in sipp's injection format.
offers() {
    local m=$1 n=$2 f=$3 base args
    base=$(awk -F'|' -v m="$1" '{gsub(/[ \t]/, "", $1)} $1 == m {print $2}' "$SRC/testbed/modes.conf" |
        grep -oE -- '--mode [a-z]+' | cut -d' ' -f2)
    args=(--mode "$base" --id "sip:alice@$TB_DOMAIN_A" --peer "sip:bob@$TB_DOMAIN_B" --count "$n")
    case $base in
    psk | dhhmac) args+=(--psk "$TB_PSK") ;;
    *) args+=(--key "$TB_DIR/mikey-alice.key" --cert "$TB_DIR/mikey-alice.pem" --trust "$TB_DIR/mikey-ca.pem"
        --peer-cert "$TB_DIR/mikey-bob.pem") ;;
    esac
    "$OFFERGEN" "${args[@]}" > "$f"
}

scenario() { # mode file
    python3 - "$SRC/testbed/sipp-uac.xml.in" "$2" "$1" "$HOLD_MS" "$TIMEOUT_MS" << 'EOF'
import sys
src, dst, mode, hold, tmo = sys.argv[1:]
s = open(src).read()
if mode == "off":
    s = s.replace("@KM@\n", "").replace("@PROTO@", "RTP/AVP")
else:
    s = s.replace("@KM@", "      [field0]").replace("@PROTO@", "RTP/SAVP")
s = s.replace("@PAUSE@", f'  <pause milliseconds="{int(hold)}"/>' if int(hold) > 0 else "")
s = s.replace("@TIMEOUT@", str(int(tmo)))
open(dst, "w").write(s)
EOF
}

# Datagrams the kernel dropped for a full receive buffer (all of this
# network namespace: other programs' drops count too).
udp_errors() { awk '/^Udp:/ { if (h) { print $6; exit } h = 1 }' /proc/net/snmp; }

# Datagrams dropped at one socket (last column of /proc/net/udp).
sock_drops() { # ip port
    python3 - "$1" "$2" << 'EOF'
import socket, struct, sys
want = (sys.argv[1], int(sys.argv[2]))
for line in open("/proc/net/udp").readlines()[1:]:
    f = line.split()
    ip, port = f[1].split(":")
    if (socket.inet_ntoa(struct.pack("<I", int(ip, 16))), int(port, 16)) == want:
        print(f[-1]); break
else:
    print(0)
EOF
}

ua_cpu_ns() { awk '{print $1}' "/proc/$UA_PID/schedstat" 2> /dev/null || echo 0; }

start_ua() { # mode
    local margs
    margs=$(tb_mode_args "$1" bob) || return 1
    : > "$TB_DIR/load-ua.log"
    rm -f "$TB_DIR/load-ua.json"
    # shellcheck disable=SC2046,SC2086
    timeout -k 5 "$TB_MAX_S" $(pin "$UA_CPU") "$TB_UA" listen --local "$TB_BOB_IP:5060" --transport udp \
        --aor "sip:bob@$TB_DOMAIN_B" --auto-answer --linger 2000 --json "$TB_DIR/load-ua.json" $margs \
        > /dev/null 2> "$TB_DIR/load-ua.log" < /dev/null &
    UA_TPID=$!
    sleep 0.5
    UA_PID=$(ps -o pid= --ppid "$UA_TPID" | tr -d ' ' | head -1)
    [ -n "$UA_PID" ] || UA_PID=$UA_TPID
    kill -0 "$UA_PID" 2> /dev/null || { cat "$TB_DIR/load-ua.log" >&2; return 1; }
    touch "$TB_DIR/load-ua.json"
}

# step MODE RATE SECONDS LABEL -> writes OUT/steps/MODE-LABEL-RATE/step.json; returns 0 if passed
step() {
    local m=$1 rate=$2 secs=$3 label=$4 n d rc cpu0 cpu1 lines0 t0 t1
    n=$(python3 -c "print(max(1, round($rate * $secs)))")
    d=$OUT/steps/$m-$label-$rate
    rm -rf "$d" && mkdir -p "$d"
    scenario "$m" "$d/uac.xml"
    local inf=()
    if [ "$m" != off ]; then
        offers "$m" "$n" "$d/offers.csv" || { echo "load: offergen failed" >&2; return 1; }
        inf=(-inf "$d/offers.csv")
    fi
    # a fresh bob per step: libre keeps finished transactions for 32 s
    # (RFC 3261 timer J) and an overloaded step leaves a backlog behind
    start_ua "$m" || { echo "load: bob did not start" >&2; return 1; }
    cpu0=$(ua_cpu_ns)
    udp0=$(udp_errors)
    t0=$(date +%s.%N)
    # bob's CPU time and reported calls every 5 s: the CPU per call over time
    (while kill -0 "$UA_PID" 2> /dev/null; do
        echo "$(date +%s.%N) $(ua_cpu_ns) $(wc -l < "$TB_DIR/load-ua.json")"
        sleep 5
    done) > "$d/ua-samples.txt" 2> /dev/null &
    local sampler=$!
    # shellcheck disable=SC2046
    (cd "$d" && TIMEFORMAT='%U %S' && { time timeout -k 5 $((secs * 3 + 60)) $(pin "$SIPP_CPU") "$SIPP" \
        "$TB_BOB_IP:5060" -sf uac.xml "${inf[@]}" -i "$TB_GEN_IP" -p 5060 -mi "$TB_GEN_IP" -mp 6000 \
        -r "$rate" -rp 1000 -m "$n" -l $((rate * 20 + 100)) -nostdin -timeout $((secs * 3 + 30))s \
        -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 -trace_err -error_file errors.log \
        > sipp.out 2> sipp.err; } 2> sipp.time)
    rc=$?
    t1=$(date +%s.%N)
    sleep 1 # bob writes the last reports when the BYEs are answered
    cpu1=$(ua_cpu_ns)
    udp1=$(udp_errors)
    bob_drops=$(sock_drops "$TB_BOB_IP" 5060)
    kill "$sampler" 2> /dev/null
    wait "$sampler" 2> /dev/null
    tb_kill "$UA_TPID"
    UA_TPID=
    cp "$TB_DIR/load-ua.json" "$d/ua.json"
    grep -v "incoming call\|call established\|call ok" "$TB_DIR/load-ua.log" | sort | uniq -c | sort -rn | head -20 > "$d/ua-log-summary.txt"
    python3 - "$d" "$m" "$rate" "$secs" "$n" "$rc" "$cpu0" "$cpu1" "$t0" "$t1" "$label" "$((udp1 - udp0))" "$bob_drops" << 'EOF'
import csv, glob, json, os, sys
d, mode, rate, secs, n, rc, cpu0, cpu1, t0, t1, label, udp_drops, bob_drops = sys.argv[1:]
rate, secs, n, rc = float(rate), float(secs), int(n), int(rc)
cpu_ns = int(cpu1) - int(cpu0)
wall = float(t1) - float(t0)
stat = {}
try:
    rows = list(csv.reader(open(os.path.join(d, "stat.csv")), delimiter=";"))
    hdr, last = rows[0], rows[-1]
    stat = dict(zip(hdr, last))
except (OSError, IndexError):
    pass
def num(k):
    try:
        return int(float(stat.get(k, "0") or 0))
    except ValueError:
        return 0
ok, failed = num("SuccessfulCall(C)"), num("FailedCall(C)")
retrans = num("Retransmissions(C)")
elapsed = None
if stat.get("ElapsedTime(C)"):
    h, mi, s = stat["ElapsedTime(C)"].split(":")[:3]
    elapsed = int(h) * 3600 + int(mi) * 60 + float(s)
rtts = []
for f in glob.glob(os.path.join(d, "*_rtt.csv")):
    for row in csv.reader(open(f), delimiter=";"):
        try:
            rtts.append(float(row[1]))
        except (ValueError, IndexError):
            pass
rtts.sort()
def q(p):
    return rtts[min(len(rtts) - 1, int(p * len(rtts)))] if rtts else None
ua = [json.loads(l) for l in open(os.path.join(d, "ua.json")) if l.strip()]
ua_ok = sum(1 for r in ua if r.get("result") == "ok")
mikey_us = sum(r["mikey_us"]["answer"] for r in ua)
setup = sorted(r["setup_us"] for r in ua if isinstance(r.get("setup_us"), int) and r["setup_us"] >= 0)
def qs(p):
    return setup[min(len(setup) - 1, int(p * len(setup)))] / 1e3 if setup else None
try:
    u, s = open(os.path.join(d, "sipp.time")).read().split()[-2:]
    sipp_cpu = float(u) + float(s)
except (OSError, ValueError):
    sipp_cpu = None
kept = elapsed is not None and elapsed <= 1.1 * secs + 2
# bob's CPU per call reported, per 5 s interval (libre 1.1's timer list makes it grow with the load)
timeline = []
try:
    smp = [l.split() for l in open(os.path.join(d, "ua-samples.txt")) if len(l.split()) == 3]
    for a, b in zip(smp, smp[1:]):
        dn = int(b[2]) - int(a[2])
        timeline.append(round((int(b[1]) - int(a[1])) / 1e3 / dn) if dn > 0 else None)
except (OSError, ValueError):
    pass
try:
    fd_limit = sum(1 for l in open(os.path.join(os.path.dirname(os.path.dirname(d)), "run", "load-ua.log"))
                   if "Max 1024 fds" in l)
except OSError:
    fd_limit = None
passed = rc == 0 and ok == n and failed == 0 and kept and ua_ok == n and len(ua) == n
res = {
    "mode": mode, "phase": label, "rate": rate, "seconds": secs, "calls": n, "sipp_rc": rc, "sipp_ok": ok,
    "sipp_failed": failed, "retransmissions": retrans, "sipp_elapsed_s": elapsed, "kept_rate": kept,
    "ua_reports": len(ua), "ua_ok": ua_ok, "passed": passed, "udp_rcvbuf_drops": int(udp_drops),
    "bob_socket_drops": int(bob_drops), "ua_fd_limit_errors": fd_limit,
    "ua_cpu_us_per_call_every_5s": timeline,
    "ua_cpu_s": cpu_ns / 1e9, "ua_cpu_util": cpu_ns / 1e9 / wall if wall > 0 else None,
    "ua_cpu_us_per_call": cpu_ns / 1e3 / n if n else None,
    "calls_per_s_per_core": (n / (cpu_ns / 1e9)) if cpu_ns > 0 else None,
    "mikey_answer_us_total": mikey_us, "mikey_cpu_share": (mikey_us * 1e3 / cpu_ns) if cpu_ns > 0 else None,
    "ua_setup_ms_p50": qs(0.5), "ua_setup_ms_p95": qs(0.95),
    "sipp_rtt_ms_p50": q(0.5), "sipp_rtt_ms_p95": q(0.95), "sipp_cpu_s": sipp_cpu, "wall_s": wall,
}
json.dump(res, open(os.path.join(d, "step.json"), "w"), indent=1)
print(f"  {mode} {label} {rate:g}/s x {secs:g} s: {'PASS' if passed else 'FAIL'} ok {ok}/{n} failed {failed} "
      f"ua_ok {ua_ok} elapsed {elapsed} retrans {retrans} drops at bob {bob_drops}, fd-limit errors {fd_limit}; bob CPU {res['ua_cpu_us_per_call'] or 0:.0f} us/call "
      f"({100 * (res['ua_cpu_util'] or 0):.0f} %), bob INVITE->ACK p50 {qs(0.5)} p95 {qs(0.95)} ms")
sys.exit(0 if passed else 1)
EOF
}

IFS=, read -r -a mode_list <<< "$MODES"
: > "$OUT/unavailable.tsv"
status=0
for m in "${mode_list[@]}"; do
    if ! why=$(tb_mode_supported "$m"); then
        echo "mode $m: unavailable -- $why"
        printf '%s\t%s\n' "$m" "$why" >> "$OUT/unavailable.tsv"
        continue
    fi
    if [ "$m" != off ]; then
        build_offergen || { echo "load: cannot build offergen" >&2; status=1; continue; }
    fi
    echo "mode $m: ramp from $START calls/s"
    good=0 bad=0 r=$START
    while [ "$r" -le "$MAXRATE" ]; do
        if step "$m" "$r" "$STEP_S" ramp; then good=$r; r=$((r * 2)); else bad=$r; break; fi
    done
    if [ "$good" -eq 0 ]; then
        echo "mode $m: even $START calls/s failed"
        status=1
        continue
    fi
    if [ "$bad" -gt 0 ]; then
        for ((k = 0; k < REFINE; k++)); do
            mid=$(((good + bad) / 2))
            [ $((bad - good)) -le $((good / 20 + 1)) ] && break
            if step "$m" "$mid" "$STEP_S" refine; then good=$mid; else bad=$mid; fi
        done
    fi
    # Hold: the best rate, then -15 % twice, then halving until one holds.
    held=0
    r=$good
    for try in 1 2 3 4 5 6 7 8; do
        if step "$m" "$r" "$HOLD_S" hold; then held=$r; break; fi
        if [ "$try" -lt 3 ]; then r=$((r * 85 / 100)); else r=$((r / 2)); fi
        [ "$r" -gt 0 ] || break
    done
    # Then narrow the gap to the lowest failing hold (two bisections).
    if [ "$held" -gt 0 ]; then
        fail=$(ls -d "$OUT/steps/$m-hold-"* 2> /dev/null | sed 's/.*-//' | sort -n | awk -v h="$held" '$1 > h' | head -1)
        for k in 1 2; do
            [ -n "$fail" ] && [ $((fail - held)) -gt $((held / 10 + 1)) ] || break
            mid=$(((held + fail) / 2))
            if step "$m" "$mid" "$HOLD_S" hold; then held=$mid; else fail=$mid; fi
        done
    fi
    echo "mode $m: held $held calls/s for $HOLD_S s"
done

python3 "$SRC/bench/load_report.py" "$OUT" "$HOLD_S" "$UA_CPU" "$SIPP_CPU" "$HOLD_MS" || status=1
echo "results: $OUT/load.md, $OUT/load.json"
exit $status
