# SPDX-License-Identifier: BSD-2-Clause
"""Real MIKEY messages for the interop scripts (tshark_dissect.sh, gstreamer.sh).

    real_messages.py SRC SHARED OUTDIR

writes OUTDIR/<name>.bin for
- every b64:/hex: message of SHARED/samples/rtsp-mikey-null.txt (cameras and
  RTSP stacks: Axis/GStreamer format, Nx Witness, gortsplib),
- the two RFC 4567 section 5.1 example messages (SHARED/specs/rfc4567.txt; the
  base64 after "a=key-mgmt:mikey " runs over several lines, up to "m="),
- every message of SRC/tests/golden/wire-corpus.txt (real and hand-written;
  "chain-" lines are not messages).
When SHARED is absent, the golden corpus (which holds copies of the same real
messages) is used alone. Prints one name per line; exits 1 if the shared files
exist but do not hold the expected 5 samples and 2 RFC 4567 messages.
"""
import base64
import os
import re
import sys


def load(src, shared):
    real = []
    samples = os.path.join(shared, "samples", "rtsp-mikey-null.txt")
    rfc4567 = os.path.join(shared, "specs", "rfc4567.txt")
    if os.path.isfile(samples) and os.path.isfile(rfc4567):
        name, n = "sample", 0
        for line in open(samples, encoding="utf-8"):
            if line.startswith("name:"):
                name = re.sub(r"[^A-Za-z0-9_.-]+", "_", line[5:].strip().split()[0])
                n = 0
            elif line.startswith("b64:") or line.startswith("hex:"):
                data = line[4:].strip()
                raw = base64.b64decode(data) if line.startswith("b64:") else bytes.fromhex(data)
                n += 1
                real.append(("sample-%s-%d" % (name, n), raw))
        nsamples = len(real)
        lines = open(rfc4567, encoding="utf-8", errors="replace").read().split("\n")
        start = next(i for i, l in enumerate(lines) if l.startswith("5.1.  Example 1"))
        end = next(i for i, l in enumerate(lines) if i > start and l.startswith("5.2."))
        k = 0
        for i in range(start, end):
            s = lines[i].strip()
            if s.startswith("a=key-mgmt:mikey "):
                b64 = s[len("a=key-mgmt:mikey "):]
                for nxt in lines[i + 1:end]:
                    t = nxt.strip()
                    if t.startswith("m="):
                        break
                    b64 += t
                k += 1
                real.append(("rfc4567-5.1-%s" % ("offer" if k == 1 else "answer"), base64.b64decode(b64)))
        if nsamples != 5 or k != 2:
            raise ValueError("expected 5 samples and 2 RFC 4567 messages, found %d and %d" % (nsamples, k))
    golden = os.path.join(src, "tests", "golden", "wire-corpus.txt")
    if os.path.isfile(golden):
        for line in open(golden, encoding="utf-8"):
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#") and not parts[0].startswith("chain-"):
                real.append(("golden-" + parts[0], bytes.fromhex(parts[1])))
    return real


def main():
    src, shared, out = sys.argv[1:4]
    try:
        msgs = load(src, shared)
    except (ValueError, StopIteration) as e:
        print("FAIL: real messages: %s" % e)
        return 1
    if not msgs:
        print("FAIL: no real messages found (neither %s nor tests/golden/wire-corpus.txt)" % shared)
        return 1
    os.makedirs(out, exist_ok=True)
    for name, raw in msgs:
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(raw)
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
