#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Interop: GStreamer's MIKEY implementation (GstMIKEYMessage, libgstsdp 1.22)
# against our wire codec, both directions.
#
# (a) GStreamer parses our messages: the builder-made corpus (gen_corpus,
#     both directories), the real messages (real_messages.py). Only messages
#     GStreamer supports are fed to it (`gst_peer ours` decides with OUR
#     parse: HDR with an SRTP-ID map, T, RAND, SP, PKE, KEMAC NULL-encrypted
#     in PSK init with TGK/TEK Key data); GStreamer 1.22 loops forever on the
#     rest, and every GStreamer run is under `timeout 10` anyway (a timeout
#     fails). GStreamer's decoded view must equal ours, and GStreamer's
#     re-encoding of what it parsed must equal our bytes (except where
#     GStreamer cannot: a KEMAC MAC, which it does not keep, and PKE, which
#     it writes wrongly, see (b)). GStreamer's SRTP caps must show the
#     documented losses: a separately transported salt and the MKI dropped.
# (b) GStreamer creates messages (`gst_peer emit`, its own API, including
#     gst_mikey_message_new_from_caps as rtspsrc/rtspclientsink do); we parse
#     each, our view must equal the view of GStreamer's message object, and
#     our parse -> encode must be byte-identical. GStreamer 1.22 writes the
#     PKE "C/Data len" field as (C << 14) || len (a logical OR: always 0x0001);
#     we must refuse those bytes with a precise error, not misread them.
#
# Env (set by CTest): MIKEY_SRC, MIKEY_BUILD; MIKEY_SHARED as in
# tshark_dissect.sh. A missing peer FAILS.
set -u

SRC=${MIKEY_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${MIKEY_BUILD:-$SRC/build}
SHARED=${MIKEY_SHARED:-/work/shared}
PY=/usr/bin/python3

for tool in openssl "$PY" pkg-config; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAIL: $tool is not installed (run scripts/setup.sh)"
    exit 1
  fi
done
if ! pkg-config --exists gstreamer-sdp-1.0; then
  echo "FAIL: GStreamer's libgstsdp (libgstreamer-plugins-base1.0-dev) is not installed (run scripts/setup.sh)"
  exit 1
fi
GEN=$BUILD/tests/gen_corpus
FIELDS=$BUILD/tests/mikey_fields
PEER=$BUILD/tests/gst_peer
for p in "$GEN" "$FIELDS" "$PEER"; do
  if [ ! -x "$p" ]; then
    echo "FAIL: $p is not built"
    exit 1
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mikey-gst.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tshark" "$tmp/rt" "$tmp/real" "$tmp/gst"
# Keep GStreamer's plugin registry out of $HOME, and plugin-free.
export GST_REGISTRY="$tmp/gst-registry.bin" GST_PLUGIN_SYSTEM_PATH_1_0="$tmp/none" GST_PLUGIN_PATH_1_0="$tmp/none"

if ! timeout 60 openssl req -x509 -newkey rsa:1024 -nodes -subj /CN=test -days 1 -outform DER \
    -keyout /dev/null -out "$tmp/cert.der" >/dev/null 2>&1; then
  echo "FAIL: openssl could not make a test certificate"
  exit 1
fi
if ! timeout 60 "$GEN" "$tmp/tshark" "$tmp/rt" "$tmp/cert.der" >/dev/null; then
  echo "FAIL: gen_corpus"
  exit 1
fi
if ! "$PY" "$SRC/tests/interop/real_messages.py" "$SRC" "$SHARED" "$tmp/real" >"$tmp/real.txt"; then
  cat "$tmp/real.txt"
  exit 1
fi
if ! timeout 30 "$PEER" emit "$tmp/gst"; then
  echo "FAIL: gst_peer emit (GStreamer could not create its messages)"
  exit 1
fi

exec "$PY" - "$tmp" "$PEER" "$FIELDS" <<'PYEOF'
import os, subprocess, sys

tmp, peer, fields_bin = sys.argv[1:4]
results, skipped = [], []

def run(args, timeout):
    try:
        r = subprocess.run(args, capture_output=True, timeout=timeout)
        return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace").strip()
    except subprocess.TimeoutExpired:
        return 124, "", "timed out after %d s" % timeout

def bins(d):
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".bin"))

def diff(a, b):
    al, bl = a.strip().split("\n"), b.strip().split("\n")
    for i in range(max(len(al), len(bl))):
        x = al[i] if i < len(al) else "<none>"
        y = bl[i] if i < len(bl) else "<none>"
        if x != y:
            return "line %d: ours %r, GStreamer %r" % (i + 1, x[:100], y[:100])
    return None

# ---- (a) GStreamer parses our messages -----------------------------------
fed = 0
dropped = {"salt": 0, "MKI": 0}
for d in ("tshark", "rt", "real"):
    for p in bins(os.path.join(tmp, d)):
        name = "%s/%s" % (d, os.path.basename(p)[:-4])
        rc, ours, why = run([peer, "ours", p], 30)
        if rc == 3:
            skipped.append((name, why))
            continue
        if rc != 0:
            results.append(("gst-parses " + name, False, "our view failed: " + why))
            continue
        fed += 1
        rc, out, why = run(["timeout", "10", peer, "parse", p], 15)
        if rc == 124:
            results.append(("gst-parses " + name, False, "GStreamer hangs (watchdog fired after 10 s)"))
            continue
        if rc != 0:
            results.append(("gst-parses " + name, False, "GStreamer refuses it: " + why))
            continue
        lines = out.strip().split("\n")
        view = "\n".join(l for l in lines if not l.startswith("reencode ") and not l.startswith("caps "))
        reenc = next((l[9:] for l in lines if l.startswith("reencode ")), "")
        caps = next((l[5:] for l in lines if l.startswith("caps ")), "")
        errs = []
        dd = diff(ours, view)
        if dd:
            errs.append("decoded fields differ: " + dd)
        wire = open(p, "rb").read().hex()
        has_mac = any(l.startswith("KEMAC ") and " mac=0 " not in l for l in ours.split("\n"))
        has_pke = any(l.startswith("PKE ") for l in ours.split("\n"))
        if not has_mac and not has_pke and reenc != wire:
            n = next((i for i in range(min(len(reenc), len(wire))) if reenc[i] != wire[i]), min(len(reenc), len(wire)))
            errs.append("GStreamer re-encodes differently from byte %d" % (n // 2))
        # GStreamer's SRTP caps take the first Key data's key only: a
        # separate salt and the MKI (KV = SPI) do not reach SRTP.
        kd = [l for l in ours.split("\n") if l.strip().startswith("KEYDATA ")]
        if kd and caps and caps != "none":
            f = dict(x.split("=", 1) for x in kd[0].split()[1:] if "=" in x)
            key = caps.split("srtp-key=(buffer)")[1].split(",")[0] if "srtp-key=(buffer)" in caps else ""
            if key != f.get("key"):
                errs.append("GStreamer's srtp-key %s is not the Key data's key" % key[:20])
            if f.get("salt"):
                dropped["salt"] += 1
            if f.get("kv") == "1":
                dropped["MKI"] += 0 if "mki=" in caps else 1
        results.append(("gst-parses " + name, not errs, "; ".join(errs)))
print("note GStreamer's SRTP caps dropped the separate salt of %d and the MKI of %d messages it parsed"
      % (dropped["salt"], dropped["MKI"]))
if fed < 30:
    results.append(("gst-parses (coverage)", False, "only %d messages were fed to GStreamer" % fed))

# The watchdog is needed: GStreamer 1.22 still loops on a PSK response
# (ID, V). Informational: a GStreamer that stops hanging changes no result.
rc, _, _ = run(["timeout", "3", peer, "parse", os.path.join(tmp, "tshark", "dt01_psk_resp.bin")], 10)
print("note GStreamer on HDR,T,ID,V: %s" % ("still loops forever (watchdog fired after 3 s)" if rc == 124
                                            else "returned %d (no longer hangs)" % rc))

# ---- (b) we parse what GStreamer emits -----------------------------------
gdir = os.path.join(tmp, "gst")
rt_ok = []
emitted = bins(gdir)
if len(emitted) < 10:
    results.append(("gst-emits", False, "GStreamer emitted only %d messages" % len(emitted)))
for p in emitted:
    name = os.path.basename(p)[:-4]
    theirs = open(p[:-4] + ".gst").read()
    wire = open(p, "rb").read()
    rc, ours, why = run([peer, "ours", p], 30)
    if rc == 0:
        dd = diff(ours, theirs)
        results.append(("we-parse " + name, dd is None, "fields differ: %s" % dd if dd else ""))
        rt_ok.append(p)
        continue
    # GStreamer 1.22 PKE writer: clen = (C << 14) || (data_len & 0x3fff), so
    # the field reads 0x0001 whatever C and the length are. Our emitted PKE
    # is the last payload: its 2-byte C/Data len precedes the data.
    pke_bug = False
    for l in theirs.split("\n"):
        if l.startswith("PKE "):
            n = int(l.split(" len=")[1].split()[0])
            pke_bug = n > 1 and wire[-(n + 2):-n] == b"\x00\x01"
    if rc == 1 and pke_bug and "MIKEY_ERR_TRAILING" in why:
        results.append(("we-parse " + name, True, ""))
        print("note we-parse %s: refused as it must be (GStreamer 1.22 writes PKE Data len = 1): %s" % (name, why))
    else:
        results.append(("we-parse " + name, False, "rc %d: %s" % (rc, why)))
r = subprocess.run([fields_bin, "--roundtrip"] + rt_ok, capture_output=True, timeout=60)
for l in r.stdout.decode(errors="replace").split("\n"):
    if l.startswith("ok ") or l.startswith("FAIL "):
        body = l.split(None, 1)[1]
        results.append(("roundtrip " + os.path.basename(body.split(" ")[0].rstrip(":")), l.startswith("ok "),
                        "" if l.startswith("ok ") else body))

npass = sum(1 for _, ok, _ in results if ok)
nfail = len(results) - npass
for name, ok, why in results:
    print(("ok   %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
for name, why in skipped:
    print("skip %s (not fed to GStreamer: %s)" % (name, why))
print("%d passed, %d failed" % (npass, nfail))
sys.exit(1 if nfail or npass == 0 else 0)
PYEOF
