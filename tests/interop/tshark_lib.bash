# SPDX-License-Identifier: BSD-2-Clause
#
# Shared by the tshark interop tests (tshark_dissect.sh, tshark_session.sh;
# sourced, not a test itself: CTest picks up *.sh only).
#
#   tshark_need PROG...      fail unless tshark, text2pcap, openssl, python3
#                            and each built PROG exist (a missing peer FAILS)
#   tshark_compare TMP FIELDS_BIN TSHARK_DIRS REAL_DIRS RT_DIRS
#       TSHARK_DIRS: comma-separated subdirectories of TMP holding
#       <name>.bin + <name>.fields (what tshark must print, from our parse);
#       REAL_DIRS: subdirectories of <name>.bin whose .fields FIELDS_BIN
#       computes (exit 3: tshark 4.0 cannot show it, listed as "skip");
#       RT_DIRS: subdirectories of <name>.bin checked by our round trip only.
#       Every message becomes one UDP packet to port 2269 in one pcap; one
#       `tshark -T fields` run (all mikey.* fields + malformed/expert) and
#       one `tshark -V -O mikey` run. A message fails on "Malformed", an
#       expert info of severity warning or error, a chain that stops before
#       Next Payload = 0 (or a final SIGN), or any mikey.* field whose list
#       of values differs from ours. Then `FIELDS_BIN --roundtrip` over the
#       round-trip messages and all the others. Prints one line per
#       message and "N passed, N failed"; returns 1 on any failure.

TSHARK_PY=/usr/bin/python3

tshark_need() {
  local tool p
  for tool in tshark text2pcap openssl "$TSHARK_PY"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "FAIL: $tool is not installed (run scripts/setup.sh)"
      exit 1
    fi
  done
  for p in "$@"; do
    if [ ! -x "$p" ]; then
      echo "FAIL: $p is not built"
      exit 1
    fi
  done
}

tshark_compare() {
  "$TSHARK_PY" - "$@" <<'PYEOF'
import os, re, subprocess, sys

tmp, fields_bin = sys.argv[1:3]
def dirs(arg):
    return [d for d in arg.split(",") if d]
tshark_dirs, real_dirs, rt_dirs = dirs(sys.argv[3]), dirs(sys.argv[4]), dirs(sys.argv[5])
SEP = "\x1f"  # occurrence aggregator: never inside a MIKEY field value we print
SEV_WARN = 0x00600000  # epan/proto.h PI_WARN; PI_ERROR = 0x00800000

def run(args, timeout=60, **kw):
    return subprocess.run(args, capture_output=True, timeout=timeout, **kw)

# ---- the real messages (their .fields come from mikey_fields) -----------
real = []
for d in real_dirs:
    rdir = os.path.join(tmp, d)
    for f in sorted(os.listdir(rdir)):
        if f.endswith(".bin"):
            real.append((f[:-4], os.path.join(rdir, f)))

# ---- the list of messages: (name, .bin, .fields text or None) -----------
msgs, skipped, results = [], [], []
for d in tshark_dirs:
    tdir = os.path.join(tmp, d)
    for f in sorted(os.listdir(tdir)):
        if f.endswith(".bin"):
            base = f[:-4]
            msgs.append((base, os.path.join(tdir, f), open(os.path.join(tdir, base + ".fields"), "rb").read()))
for name, p in real:
    r = run([fields_bin, p])
    if r.returncode == 0:
        msgs.append((name, p, r.stdout))
    elif r.returncode == 3:
        skipped.append((name, r.stderr.decode(errors="replace").strip().split(": ")[-1]))
    else:
        results.append((name, False, "our parser refuses it: " + r.stderr.decode(errors="replace").strip()))

# ---- one pcap, one packet per message -----------------------------------
dump = []
for _, p, _ in msgs:
    b = open(p, "rb").read()
    for off in range(0, len(b), 16):
        dump.append("%06x %s" % (off, " ".join("%02x" % x for x in b[off:off + 16])))
pcap = os.path.join(tmp, "all.pcap")
r = run(["text2pcap", "-q", "-u", "2269,2269", "-", pcap], input=("\n".join(dump) + "\n").encode())
if r.returncode != 0:
    print("FAIL: text2pcap: " + r.stderr.decode(errors="replace"))
    sys.exit(1)

# every mikey.* field tshark has (except the FT_NONE containers)
r = run(["tshark", "-G", "fields"])
flist = []
for l in r.stdout.decode(errors="replace").split("\n"):
    c = l.split("\t")
    if len(c) > 4 and c[0] == "F" and c[4] == "mikey" and c[3] != "FT_NONE":
        flist.append(c[2])
if len(flist) < 50:
    print("FAIL: tshark -G fields lists only %d mikey fields" % len(flist))
    sys.exit(1)
meta = ["frame.number", "_ws.malformed", "_ws.expert.message", "_ws.expert.severity"]
cmd = ["timeout", "60", "tshark", "-r", pcap, "-T", "fields", "-E", "occurrence=a",
       "-E", "aggregator=" + SEP, "-E", "separator=/t"]
for f in meta + flist:
    cmd += ["-e", f]
r = run(cmd, timeout=90)
if r.returncode != 0:
    print("FAIL: tshark -T fields exited %d: %s" % (r.returncode, r.stderr.decode(errors="replace")))
    sys.exit(1)
rows = {}
for l in r.stdout.decode("utf-8", errors="surrogateescape").split("\n"):
    if l:
        c = l.split("\t")
        rows[int(c[0])] = c
# the -V run: per frame, any "Malformed" or "Expert Info" text
r = run(["timeout", "60", "tshark", "-r", pcap, "-V", "-O", "mikey"], timeout=90)
if r.returncode != 0:
    print("FAIL: tshark -V exited %d" % r.returncode)
    sys.exit(1)
vtext = {}
cur = None
for l in r.stdout.decode("utf-8", errors="replace").split("\n"):
    m = re.match(r"^Frame (\d+):", l)
    if m:
        cur = int(m.group(1))
        vtext[cur] = []
    elif cur is not None:
        vtext[cur].append(l)

def vals(s):
    return [] if s == "" else s.split(SEP)

for i, (name, _, fields) in enumerate(msgs):
    frame = i + 1
    errs = []
    row = rows.get(frame)
    if row is None or len(row) != len(meta) + len(flist):
        results.append((name, False, "tshark printed no row for frame %d" % frame))
        continue
    malformed, emsg, esev = row[1], row[2], row[3]
    if malformed:
        errs.append("Malformed")
    for msg_, sev in zip(vals(emsg), vals(esev)):
        if int(sev) >= SEV_WARN:
            errs.append("expert info: " + msg_)
    for l in vtext.get(frame, []):
        if "Malformed" in l or ("Expert Info" in l and "(Chat/" not in l and "(Note/" not in l):
            errs.append("-V: " + l.strip())
    theirs = {f: vals(v) for f, v in zip(flist, row[len(meta):])}
    if not theirs.get("mikey.version"):
        errs.append("not dissected as MIKEY")
    nps = theirs.get("mikey.next_payload", [])
    if not nps or (nps[-1] != "0" and not (nps[-1] == "4" and theirs.get("mikey.sign.data"))):
        errs.append("the dissected chain stops before Next Payload = 0 (next payloads %s)" % ",".join(nps))
    ours = {}
    for l in fields.decode("utf-8", errors="surrogateescape").split("\n"):
        if l:
            k, _, v = l.partition("=")
            ours.setdefault(k, []).append(v)
    for k in sorted(set(ours) | set(theirs)):
        a, b = ours.get(k, []), theirs.get(k, [])
        if a == [""] and b == []:
            continue  # one empty value: -T fields prints nothing
        if a != b:
            if k not in flist:
                errs.append("%s: not a tshark field" % k)
            else:
                short = lambda l: [x if len(x) <= 48 else x[:48] + "..." for x in l[:6]]
                errs.append("%s: ours %s, tshark %s" % (k, short(a), short(b)))
    results.append((name, not errs, "; ".join(dict.fromkeys(errs))))

# ---- the round trip of both corpora (ours only) --------------------------
rt = []
for d in rt_dirs:
    rt += sorted(os.path.join(tmp, d, f) for f in os.listdir(os.path.join(tmp, d)) if f.endswith(".bin"))
r = run([fields_bin, "--roundtrip"] + rt + [p for _, p, _ in msgs], timeout=120)
for l in r.stdout.decode(errors="replace").split("\n"):
    if l.startswith("ok ") or l.startswith("FAIL "):
        ok = l.startswith("ok ")
        body = l.split(None, 1)[1]
        results.append(("roundtrip " + os.path.basename(body.split(" ")[0].rstrip(":")), ok, "" if ok else body))
if r.returncode not in (0, 1):
    results.append(("roundtrip", False, "mikey_fields --roundtrip exited %d" % r.returncode))

npass = sum(1 for _, ok, _ in results if ok)
nfail = len(results) - npass
for name, ok, why in results:
    print(("ok   %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
for name, why in skipped:
    print("skip %s (tshark 4.0 cannot show it: %s)" % (name, why))
print("%d passed, %d failed" % (npass, nfail))
sys.exit(1 if nfail or npass == 0 else 0)
PYEOF
}
