#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""
Independent generator for openmikey's MIKEY crypto vectors.

RFC 3830 publishes no test vectors for its PRF, key derivation or KEMAC
(specs/README.md), so openmikey's vectors are computed here, by code that
shares nothing with src/crypto/: Python's hashlib/hmac for the PRF and MACs,
the `openssl enc` command line for AES (aes-128/256-ctr = RFC 3711 AES-CM,
id-aes128-wrap = RFC 3394), and Python integers for Diffie-Hellman. The
MIKEY-specific logic (P-function, inkey splitting, labels, IV, message
layout) is re-implemented from the RFC text below, deliberately in a
different shape from the C code.

NOT run by the test suite: the suite reads the .txt files this writes. Run
it by hand (python3 tests/vectors/mikey/gen_independent.py) after changing
the inputs; the output is deterministic. It reads the OAKLEY primes from the
RFC texts in ../shared/specs beside the repository clone (only this script
needs them; tests/vectors/oakley/groups.txt is the committed copy).

Inputs are "deterministic random" bytes: det(tag, n) = the first n bytes of
SHA-256(tag || 0) || SHA-256(tag || 1) || ... (tag as ASCII, counter one byte).
"""
import hashlib
import hmac
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SPECS = os.path.normpath(os.path.join(ROOT, "..", "shared", "specs"))


def det(tag, n):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(tag.encode() + bytes([i])).digest()
        i += 1
    return out[:n]


def hx(b):
    return b.hex()


# ---------------------------------------------------------------- PRF --
# RFC 3830 §4.1.2:
#   P(s, label, m) = HMAC(s, A_1 || label) || ... || HMAC(s, A_m || label)
#   A_0 = label, A_i = HMAC(s, A_(i-1))
#   n = ceil(inkey_len / 256), inkey = s_1 || ... || s_n (s_n may be short)
#   m = ceil(outkey_len / 160)
#   outkey = msb_outkey_len( P(s_1,label,m) XOR ... XOR P(s_n,label,m) )
# RFC 6043 §6.1: PRF-HMAC-SHA-256 = the same with HMAC-SHA-256 and 256
# instead of 160 (the inkey block stays 256 bits).

PRFS = {0: (hashlib.sha1, 160), 1: (hashlib.sha256, 256)}


def p_func(digest, s, label, m):
    a = [label]
    for i in range(1, m + 1):
        a.append(hmac.new(s, a[i - 1], digest).digest())
    return b"".join(hmac.new(s, a[i] + label, digest).digest() for i in range(1, m + 1))


def mikey_prf(prf, inkey, label, outkey_bits):
    digest, chunk_bits = PRFS[prf]
    inkey_bits = len(inkey) * 8
    n = -(-inkey_bits // 256)
    m = -(-outkey_bits // chunk_bits)
    blocks = [inkey[32 * i: 32 * (i + 1)] for i in range(n)]
    assert b"".join(blocks) == inkey and all(len(b) == 32 for b in blocks[:-1])
    acc = 0
    for s in blocks:
        acc ^= int.from_bytes(p_func(digest, s, label, m), "big")
    full = acc.to_bytes(m * chunk_bits // 8, "big")
    assert outkey_bits % 8 == 0
    return full[: outkey_bits // 8]


def tls1_prf_oracle(inkey, label, outlen):
    """OpenSSL's TLS1-PRF with SHA1 (= P_SHA1) for single-block inkeys:
    a second, external check of mikey_prf() for MIKEY-1."""
    r = subprocess.run(["openssl", "kdf", "-kdfopt", "digest:SHA1", "-kdfopt", "hexsecret:" + hx(inkey),
                        "-kdfopt", "hexseed:" + hx(label), "-keylen", str(outlen), "TLS1-PRF"],
                       check=True, capture_output=True, text=True)
    return bytes.fromhex(r.stdout.strip().replace(":", ""))


# Labels (RFC 3830 §4.1.3 / §4.1.4).
C_TEK, C_TGK_AUTH, C_TGK_ENCR, C_TGK_SALT = 0x2AD01C64, 0x1B5C7973, 0x15798CEF, 0x39A2C14B
C_ENCR, C_AUTH, C_SALT = 0x150533E1, 0x2D22AC75, 0x29B88916
CONST_NAMES = {C_TEK: "TEK", C_TGK_AUTH: "TGK-AUTH", C_TGK_ENCR: "TGK-ENCR", C_TGK_SALT: "TGK-SALT",
               C_ENCR: "ENCR", C_AUTH: "AUTH", C_SALT: "SALT"}


def label_tgk(const, cs_id, csb_id, rand):
    return const.to_bytes(4, "big") + bytes([cs_id]) + csb_id.to_bytes(4, "big") + rand


def label_env(const, csb_id, rand):
    return const.to_bytes(4, "big") + b"\xff" + csb_id.to_bytes(4, "big") + rand


# Key sizes in bytes (RFC 3830 §4.2.3-4.2.4, RFC 6043 §6.2).
ENCR = {0: (0, 0), 1: (16, 14), 2: (16, 8), 3: (32, 14)}  # encr alg -> (key, salt)
MAC = {0: 0, 1: 20, 2: 32}                                   # mac alg -> auth key


def msg_keys(prf, inkey, csb_id, rand, encr_alg, mac_alg):
    ek, sk = ENCR[encr_alg]
    ak = MAC[mac_alg]
    f = lambda c, n: mikey_prf(prf, inkey, label_env(c, csb_id, rand), 8 * n) if n else b""
    return f(C_ENCR, ek), f(C_SALT, sk), f(C_AUTH, ak)


# ---------------------------------------------------------------- AES --
def openssl_enc(cipher, key, iv, data):
    r = subprocess.run(["openssl", "enc", "-" + cipher, "-K", hx(key), "-iv", hx(iv), "-nopad", "-nosalt"],
                       input=data, check=True, capture_output=True)
    return r.stdout


def kemac_iv(salt, csb_id, t64):
    # RFC 3830 §4.2.3: IV = (S XOR (0x0000 || CSB ID || T)) || 0x0000
    x = b"\x00\x00" + csb_id.to_bytes(4, "big") + t64
    assert len(salt) == 14 and len(x) == 14
    return bytes(a ^ b for a, b in zip(salt, x)) + b"\x00\x00"


# --------------------------------------------------------------- write --
def block(f, comment, items):
    f.write("\n")
    for line in comment.strip().splitlines():
        f.write("# " + line + "\n")
    for k, v in items:
        f.write("%s = %s\n" % (k, v))


HEADER = """# Generated by tests/vectors/mikey/gen_independent.py (independent Python
# implementation: hashlib/hmac, `openssl enc`, Python integers; see
# docs/vectors.md). Do not edit by hand: change the generator and re-run it.
# Format: blocks of "key = value" lines separated by blank lines; '#' starts
# a comment; byte strings are hex.
"""


def gen_prf(path):
    with open(path, "w") as f:
        f.write(HEADER)
        f.write("# RFC 3830 §4.1.2 PRF (prf 0 = MIKEY-1, HMAC-SHA-1) and RFC 6043 §6.1\n")
        f.write("# (prf 1 = PRF-HMAC-SHA-256). outlen in bytes.\n")
        label = label_tgk(C_TEK, 1, 0x12345678, det("prf-rand", 16))
        cases = [
            (16, [16, 20, 30], "short inkey: one 128-bit block"),
            (32, [16, 20, 46, 64], "exactly one full 256-bit block"),
            (33, [20, 32], "one full block and a 1-byte last block"),
            (48, [16, 30, 40], "two blocks, the last one 128 bits"),
            (64, [20, 32], "two full 256-bit blocks"),
            (192, [16, 14, 46, 60], "192-byte DH TGK (OAKLEY 5): six FULL blocks, none empty (INTEROP.md §1.1)"),
        ]
        for prf in (0, 1):
            for inlen, outlens, what in cases:
                inkey = det("prf-inkey-%d" % inlen, inlen)
                for ol in outlens:
                    out = mikey_prf(prf, inkey, label, 8 * ol)
                    if prf == 0 and inlen <= 32:
                        assert out == tls1_prf_oracle(inkey, label, ol), "TLS1-PRF oracle disagrees"
                    chunk = 20 if prf == 0 else 32
                    note = "%s; outlen %d = %s" % (what, ol, "a multiple of the %d-byte chunk" % chunk
                                                   if ol % chunk == 0 else "not a multiple of the %d-byte chunk" % chunk)
                    block(f, note, [("prf", prf), ("inkey", hx(inkey)), ("label", hx(label)), ("outlen", ol),
                                    ("out", hx(out))])
        # A label with an empty RAND and a long RAND (RAND may be up to 255 bytes).
        for rl in (0, 255):
            lab = label_tgk(C_TGK_SALT, 0, 0xFFFFFFFF, det("prf-rand-%d" % rl, rl))
            inkey = det("prf-inkey-16", 16)
            for prf in (0, 1):
                block(f, "label with a %d-byte RAND" % rl,
                      [("prf", prf), ("inkey", hx(inkey)), ("label", hx(lab)), ("outlen", 20),
                       ("out", hx(mikey_prf(prf, inkey, lab, 160)))])


def gen_kdf(path):
    with open(path, "w") as f:
        f.write(HEADER)
        f.write("# RFC 3830 §4.1.3 (kind = tgk: label = constant || cs_id || csb_id || RAND)\n")
        f.write("# and §4.1.4 (kind = msgkeys: label = constant || 0xFF || csb_id || RAND,\n")
        f.write("# encr/salt/auth for the given KEMAC encr_alg/mac_alg).\n")
        rand = det("kdf-rand", 16)
        csb_id = 0xA1B2C3D4
        for prf in (0, 1):
            for tgk_len in (16, 32, 192):
                tgk = det("kdf-tgk-%d" % tgk_len, tgk_len)
                for cs_id in (1, 2):
                    for const, ol in ((C_TEK, 16), (C_TGK_SALT, 14), (C_TGK_ENCR, 16), (C_TGK_AUTH, 20)):
                        if cs_id == 2 and const != C_TEK:
                            continue
                        out = mikey_prf(prf, tgk, label_tgk(const, cs_id, csb_id, rand), 8 * ol)
                        block(f, "%s from a %d-byte TGK, cs_id %d" % (CONST_NAMES[const], tgk_len, cs_id),
                              [("kind", "tgk"), ("prf", prf), ("inkey", hx(tgk)), ("cs_id", cs_id),
                               ("csb_id", "%08x" % csb_id), ("rand", hx(rand)), ("constant", "%08X" % const),
                               ("outlen", ol), ("out", hx(out))])
        psk = det("kdf-psk", 20)
        env_key = det("kdf-envkey", 32)
        for prf, inkey, what in ((0, psk, "160-bit PSK"), (1, psk, "160-bit PSK"), (0, env_key, "256-bit envelope key"),
                                 (1, env_key, "256-bit envelope key")):
            for encr_alg, mac_alg in ((1, 1), (2, 0), (3, 2), (0, 1), (2, 1)):
                ek, sk, ak = msg_keys(prf, inkey, csb_id, rand, encr_alg, mac_alg)
                block(f, "msg keys from a %s, encr alg %d, mac alg %d" % (what, encr_alg, mac_alg),
                      [("kind", "msgkeys"), ("prf", prf), ("inkey", hx(inkey)), ("csb_id", "%08x" % csb_id),
                       ("rand", hx(rand)), ("encr_alg", encr_alg), ("mac_alg", mac_alg), ("encr_key", hx(ek)),
                       ("salt", hx(sk)), ("auth_key", hx(ak))])


def psk_i_message(prf, csb_id, t64, rand, encr_alg, encr_data, mac_alg):
    """A PSK I_MESSAGE (RFC 3830 §3.1, §6): HDR, T, RAND, KEMAC, without the
    MAC bytes (which follow last)."""
    hdr = bytes([1, 0, 5, prf & 0x7F]) + csb_id.to_bytes(4, "big") + bytes([1, 0])
    hdr += bytes([1]) + (0x11223344).to_bytes(4, "big") + (0).to_bytes(4, "big")  # SRTP-ID map: policy, SSRC, ROC
    t = bytes([11, 0]) + t64                       # T payload: next RAND, TS type NTP-UTC
    r = bytes([1, len(rand)]) + rand               # RAND payload: next KEMAC
    k = bytes([0, encr_alg]) + len(encr_data).to_bytes(2, "big") + encr_data + bytes([mac_alg])
    return hdr + t + r + k


def gen_kemac(path):
    with open(path, "w") as f:
        f.write(HEADER)
        f.write("# KEMAC (RFC 3830 §4.2.3-4.2.4, §5.2, §6.2) of a concrete PSK I_MESSAGE:\n")
        f.write("# keys derived from the PSK (§4.1.4), Encr data = key data sub-payload\n")
        f.write("# (TGK, §6.13) encrypted with AES-CM (IV = (S XOR (0x0000||CSB ID||T))||0x0000)\n")
        f.write("# or AES-KW (IV = S), MAC = HMAC over the whole message up to the MAC.\n")
        f.write("# AES by `openssl enc` (aes-*-ctr, id-aes128-wrap).\n")
        csb_id = 0x0BADCAFE
        t64 = bytes.fromhex("e8a1b2c3d4e5f607")
        rand = det("kemac-rand", 16)
        for name, prf, encr_alg, mac_alg, psk_len, tgk_len in (
                ("AES-CM-128 + HMAC-SHA-1-160, MIKEY-1 PRF", 0, 1, 1, 16, 16),
                ("AES-CM-128 + HMAC-SHA-1-160, MIKEY-1 PRF, 32-byte TGK", 0, 1, 1, 20, 32),
                ("AES-CM-256 + HMAC-SHA-256-256, PRF-HMAC-SHA-256", 1, 3, 2, 32, 32),
                ("AES-KW-128 + HMAC-SHA-1-160, MIKEY-1 PRF, 20-byte TGK (RFC 3394 needs a multiple of 8)", 0, 2, 1, 16, 20)):
            psk = det("kemac-psk-%d" % psk_len, psk_len)
            tgk = det("kemac-tgk-%d" % tgk_len, tgk_len)
            # Key data sub-payload: next 0, type TGK (0) | KV NULL (0), length, key.
            plain = bytes([0, 0x00]) + len(tgk).to_bytes(2, "big") + tgk
            ek, salt, ak = msg_keys(prf, psk, csb_id, rand, encr_alg, mac_alg)
            if encr_alg in (1, 3):
                iv = kemac_iv(salt, csb_id, t64)
                enc = openssl_enc("aes-128-ctr" if encr_alg == 1 else "aes-256-ctr", ek, iv, plain)
            else:
                iv = salt
                enc = openssl_enc("id-aes128-wrap", ek, iv, plain)
                assert len(enc) == len(plain) + 8
            msg = psk_i_message(prf, csb_id, t64, rand, encr_alg, enc, mac_alg)
            mac = hmac.new(ak, msg, hashlib.sha1 if mac_alg == 1 else hashlib.sha256).digest()
            block(f, name, [("prf", prf), ("psk", hx(psk)), ("csb_id", "%08x" % csb_id), ("t64", hx(t64)),
                            ("rand", hx(rand)), ("encr_alg", encr_alg), ("mac_alg", mac_alg),
                            ("encr_key", hx(ek)), ("salt", hx(salt)), ("auth_key", hx(ak)), ("iv", hx(iv)),
                            ("plain", hx(plain)), ("encr", hx(enc)), ("msg", hx(msg)), ("mac", hx(mac))])


# ----------------------------------------------------------------- DH --
def rfc_hex_after(text, start_pat, end_pat):
    i = text.index(start_pat)
    j = text.index(end_pat, i)
    words = re.findall(r"\b[0-9A-F]{8}\b", text[i:j])
    return int("".join(words), 16)


def rfc_dec_after(text, start_pat, end_pat):
    i = text.index(start_pat)
    j = text.index(end_pat, i)
    chunk = re.sub(r"\f|RFC 2412.*\n|Orman.*\n", "", text[i:j])
    return int("".join(re.findall(r"\d+", chunk)))


def is_probable_prime(n, rounds=32):
    if n < 4:
        return n in (2, 3)
    d, r = n - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for i in range(rounds):
        a = 2 + int.from_bytes(det("mr-%d" % i, 64), "big") % (n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def oakley_groups():
    t2412 = open(os.path.join(SPECS, "rfc2412.txt")).read()
    t3526 = open(os.path.join(SPECS, "rfc3526.txt")).read()
    g = {}
    for gid, sect, nxt, bits in ((1, "E.1. Well-Known Group 1", "E.2. Well-Known Group 2", 768),
                                 (2, "E.2. Well-Known Group 2", "E.3. Well-Known Group 3", 1024),
                                 (5, "E.5. Well-Known Group 5", "Generator:                         22 (decimal)\n            Length (32 bit words):          1\n            Data (hex):                     2", 1536)):
        i = t2412.index(sect)
        body = t2412[i:t2412.index(nxt, i + 10)] if gid != 5 else t2412[i:]
        dec = rfc_dec_after(body, "decimal value is", "primality" if gid != 1 else "This has been")
        hexp = rfc_hex_after(body, "Prime modulus", "Generator")
        assert dec == hexp, "group %d: decimal and hex differ" % gid
        assert hexp.bit_length() == bits
        g[gid] = hexp
    p3526 = rfc_hex_after(t3526, "2.  1536-bit MODP Group", "The generator is: 2.")
    assert p3526 == g[5], "RFC 3526 §2 != RFC 2412 E.5"
    for gid, p in g.items():
        q = (p - 1) // 2
        assert is_probable_prime(p) and is_probable_prime(q), "group %d is not a safe prime" % gid
        assert pow(2, q, p) == 1, "2 does not generate the order-q subgroup"
    return g


MIKEY_GROUP = {1: 1, 2: 2, 5: 0}   # OAKLEY n -> RFC 3830 Table 6.4 DH-Group value


def gen_groups(path, g):
    with open(path, "w") as f:
        f.write("# The OAKLEY primes MIKEY uses (RFC 3830 §4.2.7, Table 6.4), copied by\n")
        f.write("# tests/vectors/mikey/gen_independent.py from the RFC texts: RFC 2412 App. E.1,\n")
        f.write("# E.2, E.5 (hex, checked equal to the decimal value printed there) and\n")
        f.write("# RFC 3526 §2 (the same 1536-bit prime). Generator g = 2 for all three.\n")
        f.write("# The generator also checked that p and q = (p-1)/2 are (probable) primes\n")
        f.write("# and 2^q = 1 mod p.\n")
        for gid, sect in ((1, "RFC 2412 App. E.1 (768-bit)"), (2, "RFC 2412 App. E.2 (1024-bit)"),
                          (5, "RFC 2412 App. E.5 = RFC 3526 §2 (1536-bit)")):
            p = g[gid]
            block(f, "OAKLEY %d: %s" % (gid, sect),
                  [("oakley", gid), ("mikey_group", MIKEY_GROUP[gid]), ("g", 2),
                   ("p", "%X" % p)])


def gen_dh(path, g):
    with open(path, "w") as f:
        f.write(HEADER)
        f.write("# Diffie-Hellman known answers (RFC 3830 §4.2.7), Python integers:\n")
        f.write("# x_i/x_r are the 32 bytes env->rng returns to dh_generate (the private\n")
        f.write("# exponent, big-endian); y = 2^x mod p left-padded to the group size; z =\n")
        f.write("# y_r^x_i = y_i^x_r mod p left-padded. kind = bad: a peer value that must\n")
        f.write("# be rejected (MIKEY_ERR_DH_VALUE).\n")
        for gid in (1, 2, 5):
            p = g[gid]
            ln = (p.bit_length() + 7) // 8
            xi = det("dh-xi-%d" % gid, 32)
            xr = det("dh-xr-%d" % gid, 32)
            yi = pow(2, int.from_bytes(xi, "big"), p)
            yr = pow(2, int.from_bytes(xr, "big"), p)
            z = pow(yr, int.from_bytes(xi, "big"), p)
            assert z == pow(yi, int.from_bytes(xr, "big"), p)
            block(f, "OAKLEY %d" % gid, [("kind", "kat"), ("group", MIKEY_GROUP[gid]), ("x_i", hx(xi)),
                                        ("x_r", hx(xr)), ("y_i", hx(yi.to_bytes(ln, "big"))),
                                        ("y_r", hx(yr.to_bytes(ln, "big"))), ("z", hx(z.to_bytes(ln, "big")))])
            # A small private exponent gives a public value with leading zero
            # bytes? Not for g = 2 unless 2^x < p/256, i.e. x < bits - 8:
            # x = 0x00..05 (5) gives y = 32 -> heavy left padding.
            xs = (5).to_bytes(32, "big")
            block(f, "OAKLEY %d, tiny exponent 5: y = 32, left-padded" % gid,
                  [("kind", "kat"), ("group", MIKEY_GROUP[gid]), ("x_i", hx(xs)), ("x_r", hx(xr)),
                   ("y_i", hx((32).to_bytes(ln, "big"))), ("y_r", hx(yr.to_bytes(ln, "big"))),
                   ("z", hx(pow(yr, 5, p).to_bytes(ln, "big")))])
            q = (p - 1) // 2
            # A value of wrong order: the smallest y > 2 with y^q != 1
            # (a quadratic non-residue, order 2q).
            w = 3
            while pow(w, q, p) == 1:
                w += 1
            bad = [("zero", 0), ("one", 1), ("p-1 (order 2)", p - 1), ("p", p), ("p+1 (> p)", p + 1),
                   ("2^(8*len)-1 (> p)", (1 << (8 * ln)) - 1), ("wrong order: %d, y^q = p-1" % w, w),
                   ("wrong order: p-2", p - 2)]
            assert pow(p - 2, q, p) != 1
            for why, v in bad:
                block(f, "OAKLEY %d, invalid peer value: %s" % (gid, why),
                      [("kind", "bad"), ("group", MIKEY_GROUP[gid]), ("y", hx(v.to_bytes(ln, "big")))])


def main():
    gen_prf(os.path.join(HERE, "prf.txt"))
    gen_kdf(os.path.join(HERE, "kdf.txt"))
    gen_kemac(os.path.join(HERE, "kemac.txt"))
    g = oakley_groups()
    gen_groups(os.path.join(ROOT, "tests", "vectors", "oakley", "groups.txt"), g)
    gen_dh(os.path.join(HERE, "dh.txt"), g)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
