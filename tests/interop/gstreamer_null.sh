#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Interop: MIKEY-NULL (PSK data type, KEMAC NULL/NULL: the RTSP camera
# practice) between GStreamer 1.22 (GstMIKEYMessage, libgstsdp) and our
# session layer, both directions (tests/interop/prog/gst_mikeynull.c).
#
# (1) GStreamer creates the messages as its RTSP elements do
#     (gst_mikey_message_new_from_caps with srtp-key/-cipher/-auth caps,
#     then one SRTP-ID crypto session per SSRC; and built by hand: TEK+SALT,
#     several crypto sessions, one key per crypto session). Our
#     mikey_answer, with a policy that allows MIKEY-NULL, must yield exactly
#     the master key and salt GStreamer was given, its SSRC and ROC, and the
#     tag length it asked for. A message with #CS = 0 (new_from_caps alone)
#     yields one crypto session with SSRC 0 (the session layer's named
#     leniency "implicit-cs", docs/interop.md).
# (2) Our mikey_offer in MIKEY_MODE_NULL (TEK = key || salt, as cameras
#     send it) is parsed by GStreamer under a 10 s watchdog; GStreamer's
#     SRTP-ID map must carry our SSRCs, its KEMAC be NULL/NULL with our keys
#     (one Key data per crypto session), and the srtp-key it hands to SRTP
#     (gst_mikey_message_to_caps) must be our master key || salt, with the
#     cipher of our suite.
#
# Env (set by CTest): MIKEY_SRC, MIKEY_BUILD. A missing peer FAILS.
set -u

SRC=${MIKEY_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${MIKEY_BUILD:-$SRC/build}
PY=/usr/bin/python3

for tool in "$PY" pkg-config; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAIL: $tool is not installed (run scripts/setup.sh)"
    exit 1
  fi
done
if ! pkg-config --exists gstreamer-sdp-1.0; then
  echo "FAIL: GStreamer's libgstsdp (libgstreamer-plugins-base1.0-dev) is not installed (run scripts/setup.sh)"
  exit 1
fi
PEER=$BUILD/tests/gst_mikeynull
if [ ! -x "$PEER" ]; then
  echo "FAIL: $PEER is not built"
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mikey-gstnull.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ours"
# Keep GStreamer's plugin registry out of $HOME, and plugin-free.
export GST_REGISTRY="$tmp/gst-registry.bin" GST_PLUGIN_SYSTEM_PATH_1_0="$tmp/none" GST_PLUGIN_PATH_1_0="$tmp/none"

"$PY" - "$tmp" "$PEER" <<'PYEOF'
import os, subprocess, sys

tmp, peer = sys.argv[1:3]
results, notes = [], []

def run(args, timeout):
    try:
        r = subprocess.run(args, capture_output=True, timeout=timeout)
        return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace").strip()
    except subprocess.TimeoutExpired:
        return 124, "", "timed out after %d s" % timeout

# ---- (1) GStreamer's messages, our answer --------------------------------
rc, out, err = run(["timeout", "30", peer, "gst2us"], 40)
n1 = 0
for l in out.split("\n"):
    if l.startswith("ok "):
        results.append(("gst-to-us " + l.split()[1], True, ""))
        n1 += 1
    elif l.startswith("FAIL "):
        name, _, why = l[5:].partition(": ")
        results.append(("gst-to-us " + name, False, why))
        n1 += 1
if rc not in (0, 1) or n1 < 10:
    results.append(("gst-to-us", False, "gst_mikeynull gst2us exited %d after %d cases: %s" % (rc, n1, err)))

# ---- (2) our messages, GStreamer parses them -----------------------------
odir = os.path.join(tmp, "ours")
rc, out, err = run([peer, "us2gst", odir], 60)
if rc != 0:
    results.append(("us-to-gst", False, "gst_mikeynull us2gst failed: %s %s" % (out.strip(), err)))
cipher = {"AES_CM_128_HMAC_SHA1_80": ("aes-128-icm", "hmac-sha1-80"),
          "AES_CM_128_HMAC_SHA1_32": ("aes-128-icm", "hmac-sha1-32"),
          "AES_256_CM_HMAC_SHA1_80": ("aes-256-icm", "hmac-sha1-80")}
bins = sorted(f for f in os.listdir(odir) if f.endswith(".bin"))
if len(bins) < 6:
    results.append(("us-to-gst", False, "only %d messages made" % len(bins)))
for f in bins:
    name = f[:-4]
    want = open(os.path.join(odir, name + ".want")).read().split("\n")
    keys = [l.split()[1] for l in want if l.startswith("key ")]
    ssrcs = [l.split()[1] for l in want if l.startswith("ssrc ")]
    suite = next(l.split()[1] for l in want if l.startswith("suite "))
    rc, out, err = run(["timeout", "10", peer, "parse", os.path.join(odir, f)], 15)
    if rc == 124:
        results.append(("us-to-gst " + name, False, "GStreamer hangs (watchdog fired after 10 s)"))
        continue
    if rc != 0:
        results.append(("us-to-gst " + name, False, "GStreamer refuses it: " + err))
        continue
    lines = out.strip().split("\n")
    get = lambda k: [l[len(k) + 1:] for l in lines if l.startswith(k + " ")]
    errs = []
    if not get("type") or not get("type")[0].startswith("0 "):
        errs.append("GStreamer does not see a PSK init message: %s" % get("type"))
    if get("kemac") != ["enc=0 mac=0"]:
        errs.append("KEMAC as GStreamer sees it: %s" % get("kemac"))
    gkeys = [l.split()[1][4:] for l in get("keydata")]
    gsalts = [l.split()[2][5:] for l in get("keydata")]
    if any(gsalts):
        errs.append("a separate salt in the Key data")
    if not keys:
        notes.append("us-to-gst %s: our side established no crypto session (#CS = 0); GStreamer's srtp-key %s "
                     "cannot be compared" % (name, (get("srtp-key") or ["(none)"])[0][:16] + "..."))
        if len(gkeys) != 1:
            errs.append("GStreamer sees %d Key data" % len(gkeys))
    else:
        if get("ssrc") != ssrcs:
            errs.append("SSRCs: ours %s, GStreamer %s" % (ssrcs, get("ssrc")))
        if gkeys != keys and gkeys != keys[:1]:
            errs.append("Key data: GStreamer %s, ours %s" % ([k[:12] for k in gkeys], [k[:12] for k in keys]))
        if get("srtp-key") != keys[:1]:
            errs.append("srtp-key (to_caps): GStreamer %s, ours %s" % (get("srtp-key"), keys[0]))
    c, a = cipher[suite]
    if get("srtp-cipher") != [c]:
        errs.append("srtp-cipher %s, expected %s" % (get("srtp-cipher"), c))
    if get("srtp-auth") != [a]:
        # GStreamer reads the tag length from SP param 3 only; we send the
        # RFC 3830 reading (param 3 = auth key length 20, param 11 = tag).
        notes.append("us-to-gst %s: GStreamer's srtp-auth is %s for our %s (it reads the tag length from SP param 3, "
                     "we write it in param 11)" % (name, get("srtp-auth"), suite))
    results.append(("us-to-gst " + name, not errs, "; ".join(errs)))

npass = sum(1 for _, ok, _ in results if ok)
nfail = len(results) - npass
for name, ok, why in results:
    print(("ok   %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
for n in notes:
    print("note " + n)
print("%d passed, %d failed" % (npass, nfail))
sys.exit(1 if nfail or npass == 0 else 0)
PYEOF
