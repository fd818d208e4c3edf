#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Report of bench/load.sh: OUT/load.json and OUT/load.md.

Usage: load_report.py OUT HOLD_SECONDS UA_CPU SIPP_CPU HOLD_MS

Per mode: the highest rate held for HOLD_SECONDS with zero failed calls
(phase "hold"), bob's CPU per call and calls/s per core at that rate, the
MIKEY share of bob's CPU, sipp's INVITE->200 response times, and every
ramp/refine step. Goals of issue 5: DH >= 500, PSK >= 5000 calls/s per core
(seed paper: 5 DH calls/s).
"""
import glob
import json
import os
import sys

GOALS = {"dh": 500, "dh-pre": 500, "psk": 5000}
LABEL = {"off": "no security", "psk": "MIKEY PSK", "dh": "MIKEY DH", "dh-pre": "MIKEY DH, precomputed",
         "pke": "MIKEY PKE", "dhhmac": "MIKEY DH-HMAC", "rsar": "MIKEY RSA-R"}


def f(x, fmt="{:.0f}"):
    return "n/a" if x is None else fmt.format(x)


def main():
    out, hold_s, ua_cpu, sipp_cpu, hold_ms = sys.argv[1:6]
    steps = []
    for p in sorted(glob.glob(os.path.join(out, "steps", "*", "step.json"))):
        s = json.load(open(p))
        # bob's own MIKEY time per call (median), from his per-call reports
        ans = []
        ua = os.path.join(os.path.dirname(p), "ua.json")
        if os.path.exists(ua):
            for line in open(ua):
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                if r.get("result") == "ok":
                    ans.append(r["mikey_us"]["answer"])
        ans.sort()
        s["mikey_answer_us_median"] = ans[len(ans) // 2] if ans else None
        s["mikey_only_calls_per_s_per_core"] = (1e6 / s["mikey_answer_us_median"]
                                                if s["mikey_answer_us_median"] else None)
        steps.append(s)
    unav = {}
    p = os.path.join(out, "unavailable.tsv")
    if os.path.exists(p):
        unav = dict(l.rstrip("\n").split("\t", 1) for l in open(p) if "\t" in l)
    modes = []
    for s in steps:
        if s["mode"] not in modes:
            modes.append(s["mode"])
    res = {}
    for m in modes:
        ms = [s for s in steps if s["mode"] == m]
        held = [s for s in ms if s["phase"] == "hold" and s["passed"]]
        best = max(held, key=lambda s: s["rate"]) if held else None
        above = [s["rate"] for s in ms if s["phase"] == "hold" and not s["passed"] and (not best or s["rate"] > best["rate"])]
        res[m] = {"held_rate": best["rate"] if best else 0, "failed_hold_above": min(above) if above else None,
                  "at_held": best, "steps": ms}
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    doc = {"cpu": cpu, "cpus": os.cpu_count(), "loadavg_end": os.getloadavg(), "hold_seconds": float(hold_s),
           "ua_cpu": int(ua_cpu), "sipp_cpu": int(sipp_cpu), "hold_ms": int(hold_ms), "modes": res,
           "unavailable": unav, "seed_dh_calls_per_s": 5, "goals_calls_per_s_per_core": GOALS}
    json.dump(doc, open(os.path.join(out, "load.json"), "w"), indent=1)

    L = ["### Answering capacity under sipp load (mikey-ua listen --auto-answer, UDP, one thread)\n",
         f"{cpu}, {os.cpu_count()} CPUs shared with other work (load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end; "
         + ("bob and sipp not pinned" if int(ua_cpu) < 0 else f"bob pinned to CPU {ua_cpu}, sipp to CPU {sipp_cpu}") + "); "
         f"calls INVITE/180/200/ACK, hold {hold_ms} ms, BYE. Held = the highest rate sustained for {float(hold_s):g} s "
         "with zero failed calls. Seed paper: 5 DH calls/s.\n",
         "| mode | held rate (calls/s) | bob CPU per call | calls/s per core | bob CPU load at that rate "
         "| MIKEY share of bob's CPU | MIKEY answer per call (median) | MIKEY alone: calls/s per core "
         "| bob INVITE->ACK p50 / p95 | goal (per core) |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for m in modes:
        b = res[m]["at_held"]
        goal = GOALS.get(m)
        if b:
            met = ""
            if goal is not None:
                met = f"≥ {goal}: UA " + ("✓" if (b["calls_per_s_per_core"] or 0) >= goal else "✗")
                met += ", MIKEY alone " + ("✓" if (b["mikey_only_calls_per_s_per_core"] or 0) >= goal else "✗")
            fa = res[m]["failed_hold_above"]
            L.append(f"| {LABEL.get(m, m)} | {b['rate']:g}" + (f" (failed: {fa:g})" if fa else "")
                     + f" | {f(b['ua_cpu_us_per_call'])} µs "
                     f"| {f(b['calls_per_s_per_core'])} | {f(100 * b['ua_cpu_util'] if b['ua_cpu_util'] is not None else None)} % "
                     f"| {f(100 * b['mikey_cpu_share'] if b['mikey_cpu_share'] is not None else None, '{:.1f}')} % "
                     f"| {f(b['mikey_answer_us_median'])} µs | {f(b['mikey_only_calls_per_s_per_core'])} "
                     f"| {f(b['ua_setup_ms_p50'], '{:.2f}')} / {f(b['ua_setup_ms_p95'], '{:.2f}')} ms | {met} |")
        else:
            L.append(f"| {LABEL.get(m, m)} | none held | | | | | | | | {'' if goal is None else f'≥ {goal}'} |")
    for m, why in sorted(unav.items()):
        goal = GOALS.get(m)
        L.append(f"| {LABEL.get(m, m)} | not yet in mikey-ua | | | | | | | | {'' if goal is None else f'≥ {goal}'} |")
    L.append("")
    L.append("Calls/s per core = 1 s / bob's CPU time per call at the held rate (bob is one thread); "
             "MIKEY alone = 1 s / the median of bob's `mikey_us.answer` (the responder's MIKEY work). "
             "With `--precompute-dh` bob makes the next DH key pair after each call, outside `mikey_us`: "
             "it is in bob's CPU per call but not in the MIKEY columns.\n")
    L.append("All steps (ramp: doubling; refine: bisection; hold: confirmation):\n")
    L.append("| mode | phase | rate | calls | result | sipp failed | retransmissions | drops at bob's socket "
             "| bob CPU µs/call | bob CPU µs/call per 5 s (first → last) | bob CPU load | bob INVITE->ACK p50 / p95 ms |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for m in modes:
        for s in res[m]["steps"]:
            result = "pass" if s["passed"] else ("fail" + ("" if s["kept_rate"] else ", rate not kept"))
            tl = [x for x in s.get("ua_cpu_us_per_call_every_5s") or [] if x is not None]
            tls = f"{tl[0]} → {tl[-1]}" if len(tl) >= 2 else "n/a"
            L.append(f"| {m} | {s['phase']} | {s['rate']:g} | {s['calls']} | {result} | {s['sipp_failed']} "
                     f"| {s['retransmissions']} | {s.get('bob_socket_drops', 'n/a')} | {f(s['ua_cpu_us_per_call'])} | {tls} "
                     f"| {f(100 * s['ua_cpu_util'] if s['ua_cpu_util'] is not None else None)} % "
                     f"| {f(s['ua_setup_ms_p50'], '{:.2f}')} / {f(s['ua_setup_ms_p95'], '{:.2f}')} |")
    L.append("")
    md = "\n".join(L)
    open(os.path.join(out, "load.md"), "w").write(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
