# SPDX-License-Identifier: BSD-2-Clause
"""Checks shared by the mikey-ua e2e tests of re-INVITEs and peers
(ua_rekey.sh, ua_mobility.sh, ua_refer.sh, ua_baresip.sh, ua_sipp.sh).

Everything here is computed independently of the code under test: the
tone from its definition (docs/mikey-ua.md "Media"), G.711 with Python's
audioop, MIKEY messages dissected by Wireshark's dissector (tshark on a
pcap made with text2pcap, INTEROP.md's method), SIP messages read from the
UAs' own traces (--verbose).
"""
import audioop
import base64
import json
import math
import re
import struct
import subprocess
import wave

WARN = 0x00600000  # epan/proto.h PI_WARN
SEP = "\x1f"


def reports(path):
    return [json.loads(l) for l in open(path) if l.strip()]


def one(path, errors):
    r = reports(path)
    if len(r) != 1:
        errors.append(f"{path}: {len(r)} reports, expected 1")
        return None
    return r[0]


def tone(hz, n, start=0, amp=8000):
    """Samples start..start+n of the UA's tone: floor(A sin(2 pi k/8000) + 0.5), k = n hz mod 8000."""
    table = [math.floor(amp * math.sin(2.0 * math.pi * k / 8000) + 0.5) for k in range(8000)]
    return [table[((start + i) * int(hz)) % 8000] for i in range(n)]


def g711(samples, codec="PCMU"):
    pcm = struct.pack(f"<{len(samples)}h", *samples)
    enc = audioop.lin2ulaw(pcm, 2) if codec == "PCMU" else audioop.lin2alaw(pcm, 2)
    dec = audioop.ulaw2lin(enc, 2) if codec == "PCMU" else audioop.alaw2lin(enc, 2)
    return list(struct.unpack(f"<{len(samples)}h", dec))


def read_wav(path):
    w = wave.open(path)
    d = w.readframes(w.getnframes())
    return list(struct.unpack(f"<{len(d) // 2}h", d))


def same_audio(got, want, what, errors):
    if got != want:
        n = min(len(got), len(want))
        bad = [i for i in range(n) if got[i] != want[i]]
        errors.append(f"{what}: {len(got)} samples, {len(want)} expected; {len(bad)} of the first {n} differ"
                      f" (first at {bad[0] if bad else '-'})")
        return False
    return True


def sip_messages(log, direction="sent"):
    """(first line, header text, body) of every SIP message in a --verbose trace."""
    text = open(log).read()
    out = []
    for m in re.finditer(r"^---- " + direction + r" [^\n]*\n(.*?)(?=\n---- |\nmikey-ua: |\Z)", text, re.S | re.M):
        msg = m.group(1).replace("\r\n", "\n")
        head, _, body = msg.partition("\n\n")
        first, _, hdrs = head.partition("\n")
        out.append((first, hdrs, body))
    return out


def header(hdrs, name):
    m = re.search(r"^" + name + r":\s*(.*)$", hdrs, re.M | re.I)
    return m.group(1).strip() if m else None


def is_reinvite(first, hdrs):
    to = header(hdrs, "To") or header(hdrs, "t") or ""
    return first.startswith("INVITE ") and ";tag=" in to


def cseq(hdrs):
    v = header(hdrs, "CSeq") or ""
    p = v.split()
    return (int(p[0]), p[1]) if len(p) == 2 else (None, None)


def key_mgmt(body):
    """MIKEY messages of the a=key-mgmt:mikey attributes of an SDP body."""
    return [base64.b64decode(v) for v in re.findall(r"^a=key-mgmt:mikey (\S+)", body, re.M)]


def dissect(msgs, tmpname="km"):
    """Dissect each MIKEY message with tshark (UDP port 2269). One dict per
    message: data type, CSB ID, the payload types of the chain (from the
    Next payload fields), T, Error no, MKI-less checks of the dissection."""
    if not msgs:
        return []
    dump = []
    for b in msgs:
        for off in range(0, len(b), 16):
            dump.append("%06x %s" % (off, " ".join("%02x" % x for x in b[off:off + 16])))
    r = subprocess.run(["text2pcap", "-q", "-u", "2269,2269", "-", tmpname + ".pcap"],
                       input=("\n".join(dump) + "\n").encode(), capture_output=True)
    if r.returncode:
        raise RuntimeError("text2pcap failed: " + r.stderr.decode(errors="replace"))
    fields = ["_ws.malformed", "_ws.expert.severity", "mikey.type", "mikey.csb_id", "mikey.next_payload",
              "mikey.t.ntp", "mikey.err.no", "mikey.v.set"]
    cmd = ["timeout", "60", "tshark", "-r", tmpname + ".pcap", "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=" + SEP]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True)
    if r.returncode:
        raise RuntimeError("tshark failed: " + r.stderr.decode(errors="replace"))
    rows = [l for l in r.stdout.decode(errors="replace").split("\n") if l]
    out = []
    for line in rows:
        c = (line.split("\t") + [""] * len(fields))[:len(fields)]
        nexts = [int(x) for x in c[4].split(SEP) if x]
        out.append({
            "malformed": bool(c[0]),
            "warning": any(int(x, 0) >= WARN for x in c[1].split(SEP) if x),
            "type": int(c[2]) if c[2] else None,
            "csb_id": int(c[3], 0) if c[3] else None,
            "payloads": nexts[:-1] if nexts and nexts[-1] == 0 else nexts,
            "complete": bool(nexts) and nexts[-1] in (0, 4),
            "t": c[5] or None,
            "err_no": int(c[6]) if c[6] else None,
        })
    if len(out) != len(msgs):
        raise RuntimeError(f"tshark gave {len(out)} frames for {len(msgs)} MIKEY messages")
    return out


# RFC 3830 §6.1 payload types
PT_KEMAC, PT_PKE, PT_DH, PT_SIGN, PT_T, PT_ID, PT_CERT, PT_CHASH, PT_V, PT_SP, PT_RAND, PT_ERR = \
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12


def check_rtp_pair(txn, tx, rxn, rx, errors, srtp=True, in_flight=3):
    """What tx sent, rx received: counts, loss, SRTP authentication."""
    sent, got = tx["rtp"]["sent"], rx["rtp"]["received"]
    if sent < 20 or not (sent - in_flight <= got <= sent):
        errors.append(f"{txn} sent {sent} RTP packets, {rxn} received {got}")
    if rx["rtp"]["accepted"] + rx["rtp"]["foreign_ssrc"] != got or rx["rtp"]["lost"] or rx["rtp"]["malformed"]:
        errors.append(f"{rxn}: accepted {rx['rtp']['accepted']} of {got}, lost {rx['rtp']['lost']}, "
                      f"malformed {rx['rtp']['malformed']}")
    if srtp:
        s_tx, s_rx = tx["srtp"], rx["srtp"]
        if not s_tx or not s_rx:
            errors.append(f"{txn}/{rxn}: no SRTP")
            return
        if s_tx["rtp_protected"] != sent:
            errors.append(f"{txn}: protected {s_tx['rtp_protected']}, sent {sent}")
        if s_rx["rtp_authenticated"] != got or rx["rtp"]["unprotect_failed"]:
            errors.append(f"{rxn}: authenticated {s_rx['rtp_authenticated']} of {got}, "
                          f"unprotect failed {rx['rtp']['unprotect_failed']}")
        bad = {k: v for k, v in s_rx.items() if k.endswith(("_failed", "_replayed")) and v}
        if bad:
            errors.append(f"{rxn}: SRTP failures {bad}")
