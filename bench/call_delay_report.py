#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Report of bench/call-delay.sh: OUT/call-delay.json, .md and .png.

Reads OUT/meta.json and OUT/cells/<transport>-<wan>ms-<mode>/{cell,alice,bob,
warmup-alice}.json (the per-call JSON lines of mikey-ua). The two sides of a
call are joined by Call-ID:

  calling delay    alice: dial -> 180 Ringing received   (calling_delay_us)
  answering delay  bob:   200 OK sent -> ACK received    (answering_delay_us)
  MIKEY share of the calling delay   = alice's offer + bob's answer  (mikey_us)
  MIKEY share of the answering delay = alice's finish                (mikey_us)

Per cell: median and p95 (nearest rank) of each delay, the median MIKEY
time and its share of the median delay, and the first (cold: connections
opened) call. Goals of issue 5 are evaluated per transport and WAN delay
against the `off` cell of the same run; modes not run show as n/a.

Usage: call_delay_report.py OUT
"""
import json
import math
import os
import shutil
import subprocess
import sys

# The seed paper (700 MHz / 1.4 GHz Pentiums) and its lecture version, ms.
SEED = {
    "paper": {"off": (48, 20), "psk": (90, 25), "dh": (175, 160)},
    "lecture": {"off": (19.5, 9.5), "psk": (20.9, 10.5), "dh": (52.5, 47.6)},
}
SEED_NOTE = "DH answering 310 ms with the key computation; precomputing DH would save ~80 ms per side"
MODE_LABEL = {"off": "no security", "psk": "MIKEY PSK", "dh": "MIKEY DH", "dh-pre": "MIKEY DH, precomputed",
              "pke": "MIKEY PKE", "dhhmac": "MIKEY DH-HMAC", "rsar": "MIKEY RSA-R"}


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    k = max(0, math.ceil(p / 100.0 * len(v)) - 1)
    return v[k]


def median(values):
    if not values:
        return None
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2.0


def load_lines(path):
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path):
        line = line.strip()
        if line:
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"result": "unparsable"})
    return out


def ms(us):
    return None if us is None else us / 1000.0


def cell_stats(d):
    info = json.load(open(os.path.join(d, "cell.json")))
    alice = load_lines(os.path.join(d, "alice.json"))
    warm = load_lines(os.path.join(d, "warmup-alice.json"))
    bob = {r.get("call_id"): r for r in load_lines(os.path.join(d, "bob.json"))}
    calling, answering, m_call, m_ans, share_c, share_a = [], [], [], [], [], []
    failed, inconsistent = 0, 0
    for a in alice:
        b = bob.get(a.get("call_id"))
        if a.get("result") != "ok" or not b or b.get("result") != "ok":
            failed += 1
            continue
        cd, ad = a.get("calling_delay_us"), b.get("answering_delay_us")
        if not (isinstance(cd, int) and cd > 0 and isinstance(ad, int) and ad > 0):
            # e.g. no 180 seen by the caller: the 200 overtook it
            inconsistent += 1
            continue
        calling.append(cd)
        answering.append(ad)
        mc = a["mikey_us"]["offer"] + b["mikey_us"]["answer"]
        ma = a["mikey_us"]["finish"]
        m_call.append(mc)
        m_ans.append(ma)
        share_c.append(mc / cd)
        share_a.append(ma / ad)
    first = None
    if warm:
        w = warm[0]
        b = bob.get(w.get("call_id"))
        first = {"calling_ms": ms(w.get("calling_delay_us")),
                 "answering_ms": ms(b.get("answering_delay_us")) if b else None}
    return {
        "transport": info["transport"], "wan_ms": info["wan_ms"], "mode": info["mode"],
        "calls": len(alice), "ok": len(calling), "failed": failed,
        "failed_processes": info.get("failed_processes", 0), "inconsistent": inconsistent,
        "wall_s": info.get("wall_s"),
        "calling_ms": {"median": ms(median(calling)), "p95": ms(pct(calling, 95)), "min": ms(min(calling) if calling else None),
                       "max": ms(max(calling) if calling else None)},
        "answering_ms": {"median": ms(median(answering)), "p95": ms(pct(answering, 95)),
                         "min": ms(min(answering) if answering else None), "max": ms(max(answering) if answering else None)},
        "mikey_calling_ms": ms(median(m_call)), "mikey_answering_ms": ms(median(m_ans)),
        "mikey_calling_share": median(share_c), "mikey_answering_share": median(share_a),
        "first_call": first,
    }


def goals(cells):
    """Issue 5's goals, per transport and WAN delay, against `off` of the same run."""
    out = []
    by = {(c["transport"], c["wan_ms"], c["mode"]): c for c in cells}
    keys = sorted({(c["transport"], c["wan_ms"]) for c in cells}, key=lambda k: (["udp", "tcp", "tls"].index(k[0])
                                                                               if k[0] in ("udp", "tcp", "tls") else 9, k[1]))
    for tp, wan in keys:
        off = by.get((tp, wan, "off"))
        for mode, kind, limit in (("psk", "ratio", 1.01), ("dh", "plus_ms", 2.0), ("dh-pre", "plus_ms", 2.0)):
            c = by.get((tp, wan, mode))
            row = {"transport": tp, "wan_ms": wan, "mode": mode, "kind": kind, "limit": limit}
            for what in ("calling_ms", "answering_ms"):
                if not off or not c or off[what]["median"] is None or c[what]["median"] is None:
                    row[what] = None
                    continue
                o, v = off[what]["median"], c[what]["median"]
                val = v / o if kind == "ratio" else v - o
                row[what] = {"value": val, "met": val <= limit}
            out.append(row)
    return out


def f(x, nd=2):
    return "n/a" if x is None else f"{x:.{nd}f}"


def markdown(meta, cells, gl):
    L = []
    L.append("### Call set-up delay: seed paper vs openmikey (median [p95], ms)\n")
    L.append(f"Run {meta.get('date')}: {meta.get('cpu')} ({meta.get('cpus')} CPUs, shared), "
             f"load average at start {', '.join(f'{x:.2f}' for x in meta.get('loadavg_start', []))}; "
             f"{meta.get('calls')} calls per cell after {meta.get('warmup')} warm-up calls; "
             f"{meta.get('kamailio', 'kamailio')}; digest auth {'on' if meta.get('auth') else 'off'}; "
             f"build {meta.get('build_type')}.\n")
    L.append("| | calling delay | answering delay |")
    L.append("|---|---|---|")
    for src, label in (("paper", "seed paper (700 MHz/1.4 GHz)"), ("lecture", "seed lecture")):
        for m in ("off", "psk", "dh"):
            c, a = SEED[src][m]
            L.append(f"| {label}, {MODE_LABEL[m]} | {c:g} | {a:g} |")
    L.append("")
    L.append(f"(seed: {SEED_NOTE}.)\n")
    L.append("| transport | WAN one-way | mode | calls ok | calling median | calling p95 | MIKEY in calling "
             "| answering median | answering p95 | MIKEY in answering | first call (calling / answering) |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    tps = meta.get("transports") or sorted({c["transport"] for c in cells})
    wans = meta.get("delays_ms") or sorted({c["wan_ms"] for c in cells})
    modes = meta.get("modes") or ["off"]
    unav = meta.get("unavailable", {})
    by = {(c["transport"], float(c["wan_ms"]), c["mode"]): c for c in cells}
    for tp in tps:
        for w in wans:
            for m in modes:
                c = by.get((tp, float(w), m))
                if not c:
                    why = "not yet in mikey-ua" if m in unav else "not run"
                    L.append(f"| {tp.upper()} | {w:g} ms | {MODE_LABEL.get(m, m)} | {why} | | | | | | | |")
                    continue
                fc = c["first_call"] or {}
                share_c = "" if c["mikey_calling_share"] is None else f" ({100 * c['mikey_calling_share']:.1f} %)"
                share_a = "" if c["mikey_answering_share"] is None else f" ({100 * c['mikey_answering_share']:.1f} %)"
                L.append(f"| {tp.upper()} | {w:g} ms | {MODE_LABEL.get(m, m)} | {c['ok']}/{c['calls']}"
                         + (f" ({c['inconsistent']} without a delay)" if c["inconsistent"] else "") + " "
                         f"| {f(c['calling_ms']['median'])} | {f(c['calling_ms']['p95'])} "
                         f"| {f(c['mikey_calling_ms'], 3)}{share_c} "
                         f"| {f(c['answering_ms']['median'])} | {f(c['answering_ms']['p95'])} "
                         f"| {f(c['mikey_answering_ms'], 3)}{share_a} "
                         f"| {f(fc.get('calling_ms'))} / {f(fc.get('answering_ms'))} |")
    L.append("")
    if unav:
        L.append("Modes not run: " + "; ".join(f"`{m}`: {w}" for m, w in sorted(unav.items())) + ".\n")
    L.append("#### Goals (issue 5), medians of this run against `off` of the same transport and WAN delay\n")
    L.append("| transport | WAN | mode | goal | calling | answering |")
    L.append("|---|---|---|---|---|---|")
    for g in gl:
        goal = "≤ 1.01 × off" if g["kind"] == "ratio" else "≤ off + 2 ms"

        def show(v):
            if v is None:
                return "n/a"
            s = f"{v['value']:.3f}×" if g["kind"] == "ratio" else f"{v['value']:+.2f} ms"
            return s + (" ✓" if v["met"] else " ✗")
        L.append(f"| {g['transport'].upper()} | {g['wan_ms']:g} ms | {MODE_LABEL.get(g['mode'], g['mode'])} | {goal} "
                 f"| {show(g['calling_ms'])} | {show(g['answering_ms'])} |")
    L.append("")
    return "\n".join(L)


def chart(out_dir, meta, cells):
    gp = shutil.which("gnuplot")
    if not gp:
        print("call_delay_report: gnuplot missing, no chart", file=sys.stderr)
        return False
    order = ["off", "psk", "dh", "dh-pre", "pke", "dhhmac", "rsar"]
    modes = sorted(set(meta.get("modes") or ["off"]) | {"off", "psk", "dh"},
                   key=lambda m: order.index(m) if m in order else len(order))
    by = {(c["transport"], float(c["wan_ms"]), c["mode"]): c for c in cells}
    rows = [("seed paper", {m: SEED["paper"].get(m) for m in modes}),
            ("seed lecture", {m: SEED["lecture"].get(m) for m in modes})]
    for tp in meta.get("transports") or ["udp", "tcp", "tls"]:
        for w in meta.get("delays_ms") or [0, 20]:
            vals = {}
            for m in modes:
                c = by.get((tp, float(w), m))
                vals[m] = (c["calling_ms"]["median"], c["answering_ms"]["median"]) if c and c["ok"] else None
            rows.append((f"{tp.upper()} {w:g} ms", vals))
    dat = os.path.join(out_dir, "call-delay.dat")
    with open(dat, "w") as fh:
        fh.write("# group " + " ".join(f"{m}_calling {m}_answering" for m in modes) + "\n")
        for label, vals in rows:
            cols = []
            for m in modes:
                v = vals.get(m)
                cols += ["NaN", "NaN"] if not v or v[0] is None else [f"{v[0]:.4f}", f"{v[1]:.4f}"]
            fh.write('"' + label + '" ' + " ".join(cols) + "\n")
    png = os.path.join(out_dir, "call-delay.png")
    plots = {}
    for k, what in ((0, "calling"), (1, "answering")):
        parts = []
        for i, m in enumerate(modes):
            col = 2 + 2 * i + k
            title = MODE_LABEL.get(m, m)
            parts.append(f"'{dat}' using {col}:xtic(1) title '{title}'")
        plots[what] = ", ".join(parts)
    script = f"""
set terminal pngcairo size 1100,820 font 'DejaVu Sans,10'
set output '{png}'
set datafile missing 'NaN'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [0.1:400]
set grid ytics mytics
set ylabel 'ms (median, log scale)'
set key top right
set xtics rotate by -25
set multiplot layout 2,1 title 'Call set-up delay: seed paper vs openmikey testbed (two Kamailio proxies, emulated WAN)'
set title 'calling delay (dial -> 180 Ringing at the caller)'
plot {plots['calling']}
set title 'answering delay (200 OK sent -> ACK at the callee)'
plot {plots['answering']}
unset multiplot
"""
    r = subprocess.run([gp], input=script, text=True, capture_output=True)
    if r.returncode != 0:
        print("call_delay_report: gnuplot failed:\n" + r.stderr, file=sys.stderr)
        return False
    return True


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    meta = json.load(open(os.path.join(out, "meta.json")))
    cells = []
    cdir = os.path.join(out, "cells")
    for name in sorted(os.listdir(cdir)):
        d = os.path.join(cdir, name)
        if os.path.isdir(d) and os.path.exists(os.path.join(d, "cell.json")):
            cells.append(cell_stats(d))
    gl = goals(cells)
    json.dump({"meta": meta, "seed": SEED, "cells": cells, "goals": gl}, open(os.path.join(out, "call-delay.json"), "w"),
              indent=1)
    md = markdown(meta, cells, gl)
    open(os.path.join(out, "call-delay.md"), "w").write(md)
    print(md)
    chart(out, meta, cells)
    bad = [c for c in cells if c["failed"] or c["inconsistent"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
