/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gen_corpus: build a corpus of MIKEY messages with the level-3 builder API
 * (mikey_msg_new / mikey_msg_append / mikey_msg_encode, mikey_build_*) for
 * the interop tests (docs/interop.md).
 *
 *   gen_corpus TSHARK_DIR ROUNDTRIP_DIR CERT.der
 *
 * TSHARK_DIR receives <name>.bin and <name>.fields for every message made
 * only of what Wireshark/tshark 4.0 decodes (RFC 3830 data types 0-10 and
 * RFC 6509's 26; the payloads, field values and contexts tshark knows; see
 * the limits in docs/interop.md). The .fields file lists, in tshark's field
 * names and -T fields formatting, what tshark must print for the message; it
 * is computed from OUR PARSE of the encoded bytes (fields.h), not from the
 * builder inputs, so tshark checks our encoder and our decoder at once.
 *
 * ROUNDTRIP_DIR receives <name>.bin for what tshark 4.0 cannot decode
 * (TICKET, TP, TR, RANDR, IBAKE family, GENERIC-ID maps, IDR roles 8/9,
 * PRF 1, GEN EXT type >= 2, CHASH, NTP-UTC-32, HMAC-SHA-256, DH with KV !=
 * 0, PKE data >= 1024 bytes, several Key data, AES-CM-256): checked by our
 * own parse / re-encode round trip (mikey_fields --roundtrip).
 *
 * Every message is parsed back here and must re-encode byte-identically.
 * Content bytes (keys, RAND, signatures, DH values) come from a PRNG seeded
 * with the message name, so the corpus is the same on every run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "openmikey/message.h"

#define MAXMSG 20000

/* ---------------------------------------------------------------------- */
/* Deterministic content: splitmix64 seeded with FNV-1a of the name        */
/* ---------------------------------------------------------------------- */

static uint64_t rng_state;

static void rng_seed(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *p = name; *p; p++)
        h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
    rng_state = h;
}

static uint64_t rng64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t rng32(void) { return (uint32_t)(rng64() >> 32); }

static void rng_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(rng64() >> 56);
}

/* ---------------------------------------------------------------------- */
/* Builder state                                                           */
/* ---------------------------------------------------------------------- */

static const char *tdir, *rdir;
static const uint8_t *cert_der;
static size_t cert_len;
static int n_fail, n_tshark, n_rt;

static struct {
    const char *name;
    int tshark;     /* goes to the tshark corpus */
    mikey_msg *m;
    mikey_msg *kd;  /* a Key data (or other) sub-chain being built */
    int err;
    const char *err_at;
} G;

static void note_err(int rc, const char *what)
{
    if (rc != MIKEY_OK && G.err == MIKEY_OK) {
        G.err = rc;
        G.err_at = what;
    }
}

static void begin(const char *name, int tshark)
{
    memset(&G, 0, sizeof G);
    G.name = name;
    G.tshark = tshark;
    rng_seed(name);
    note_err(mikey_msg_new(NULL, 0, &G.m), "mikey_msg_new");
}

static void add(mikey_payload *pl, const char *what)
{
    if (G.m)
        note_err(mikey_msg_append(G.m, pl), what);
}

static mikey_span span(const void *p, size_t n)
{
    mikey_span s = {(const uint8_t *)p, n};
    return s;
}

static int write_file(const char *dir, const char *name, const char *ext, const uint8_t *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = n ? fwrite(p, 1, n, f) : 0;
    int rc = fclose(f);
    return w == n && rc == 0 ? 0 : -1;
}

/* Encode, write <name>.bin, parse back, check the lossless re-encoding and
 * (tshark corpus) write <name>.fields from our parse of the bytes. */
static void finish(void)
{
    static uint8_t buf[MAXMSG];
    size_t len = 0;
    const char *dir = G.tshark ? tdir : rdir;
    if (G.err == MIKEY_OK)
        note_err(mikey_msg_encode(G.m, buf, sizeof buf, &len), "mikey_msg_encode");
    if (G.err != MIKEY_OK) {
        fprintf(stderr, "gen_corpus: %s: %s failed: %s\n", G.name, G.err_at, mikey_err_name(G.err));
        n_fail++;
        goto out;
    }
    if (write_file(dir, G.name, ".bin", buf, len)) {
        fprintf(stderr, "gen_corpus: %s: cannot write to %s\n", G.name, dir);
        n_fail++;
        goto out;
    }
    mikey_msg *p = NULL;
    mikey_parse_error perr;
    int rc = mikey_msg_parse(NULL, buf, len, NULL, &p, &perr);
    if (rc != MIKEY_OK) {
        fprintf(stderr, "gen_corpus: %s: our parser refuses our encoding: %s at %zu: %s\n", G.name,
                mikey_err_name(rc), perr.offset, perr.detail);
        n_fail++;
        goto out;
    }
    static uint8_t re[MAXMSG];
    size_t relen = 0;
    rc = mikey_msg_encode(p, re, sizeof re, &relen);
    if (rc != MIKEY_OK || relen != len || memcmp(re, buf, len) != 0) {
        fprintf(stderr, "gen_corpus: %s: parse -> encode is not byte-identical\n", G.name);
        n_fail++;
    }
    if (mikey_msg_leniencies(p) != 0) {
        fprintf(stderr, "gen_corpus: %s: our own encoding needed a leniency\n", G.name);
        n_fail++;
    }
    mikey_msg_free(p);
    if (G.tshark) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.fields", dir, G.name);
        FILE *f = fopen(path, "w");
        const char *why = NULL;
        if (!f || (rc = fields_print(f, buf, len, &perr, &why)) != MIKEY_OK) {
            fprintf(stderr, "gen_corpus: %s: no .fields file: %s\n", G.name,
                    !f ? "cannot open" : why ? why : mikey_err_name(rc));
            n_fail++;
        }
        if (f && fclose(f))
            n_fail++;
        n_tshark++;
    } else {
        n_rt++;
    }
out:
    mikey_msg_free(G.m);
    mikey_msg_free(G.kd);
    G.m = G.kd = NULL;
}

/* ---------------------------------------------------------------------- */
/* Payload helpers                                                         */
/* ---------------------------------------------------------------------- */

/* HDR with an SRTP-ID map of ncs entries (RFC 3830 §6.1.1), an Empty map
 * (RFC 4563 §5) or a GENERIC-ID map (RFC 6043 §6.1.1). */
static void hdr(uint8_t dt, uint8_t v, uint8_t prf, uint8_t map_type, uint8_t ncs)
{
    mikey_payload pl;
    uint8_t info[255 * 9 + 64];
    size_t ilen = 0;
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_HDR;
    pl.u.hdr.version = 1;
    pl.u.hdr.data_type = dt;
    pl.u.hdr.v = v;
    pl.u.hdr.prf = prf;
    pl.u.hdr.csb_id = rng32();
    pl.u.hdr.ncs = ncs;
    pl.u.hdr.map_type = map_type;
    if (map_type == MIKEY_MAP_SRTP_ID) {
        mikey_srtp_cs cs[8];
        for (unsigned i = 0; i < ncs && i < 8; i++) {
            cs[i].policy_no = (uint8_t)(i % 2);
            cs[i].ssrc = i == 1 ? 0 : rng32(); /* 0: the responder fills it in (§6.1.1) */
            cs[i].roc = i == 2 ? rng32() : 0;
        }
        note_err(mikey_build_srtp_map(cs, ncs, info, sizeof info, &ilen), "mikey_build_srtp_map");
    } else if (map_type == MIKEY_MAP_GENERIC_ID) {
        mikey_generic_cs g[4];
        static const uint8_t pols[] = {0, 1, 2};
        uint8_t spi[4];
        rng_fill(spi, sizeof spi);
        for (unsigned i = 0; i < ncs && i < 4; i++) {
            memset(&g[i], 0, sizeof g[i]);
            g[i].cs_id = (uint8_t)(i + 1);
            g[i].prot_type = MIKEY_PROT_SRTP;
            g[i].s = (uint8_t)(i & 1);
            g[i].policies = span(pols, i % 3 + 1);
            g[i].spi = span(spi, i ? 4 : 0);
        }
        note_err(mikey_build_generic_map(g, ncs, info, sizeof info, &ilen), "mikey_build_generic_map");
    }
    pl.u.hdr.map_info = span(info, ilen);
    add(&pl, "HDR");
}

static void hdr_srtp(uint8_t dt, uint8_t v, uint8_t ncs) { hdr(dt, v, MIKEY_PRF_MIKEY1, MIKEY_MAP_SRTP_ID, ncs); }

/* A plausible NTP time: 2025-06-01 12:00:00 UTC plus up to a day, random fraction. */
static void ntp_value(uint8_t *v)
{
    uint32_t sec = 3957681600u + rng32() % 86400u, frac = rng32();
    v[0] = (uint8_t)(sec >> 24), v[1] = (uint8_t)(sec >> 16), v[2] = (uint8_t)(sec >> 8), v[3] = (uint8_t)sec;
    v[4] = (uint8_t)(frac >> 24), v[5] = (uint8_t)(frac >> 16), v[6] = (uint8_t)(frac >> 8), v[7] = (uint8_t)frac;
}

static void ts_any(unsigned type, uint8_t role, uint8_t ts_type)
{
    mikey_payload pl;
    uint8_t v[8];
    memset(&pl, 0, sizeof pl);
    pl.type = type;
    pl.u.ts.role = role;
    pl.u.ts.ts_type = ts_type;
    ntp_value(v);
    int vl = mikey_ts_value_len(ts_type);
    pl.u.ts.value = span(v, vl > 0 ? (size_t)vl : 0);
    add(&pl, "T");
}

static void t(uint8_t ts_type) { ts_any(MIKEY_PT_T, 0, ts_type); }

static void rand_any(unsigned type, uint8_t role, size_t n)
{
    mikey_payload pl;
    uint8_t d[255];
    memset(&pl, 0, sizeof pl);
    pl.type = type;
    pl.u.rand.role = role;
    rng_fill(d, n);
    pl.u.rand.data = span(d, n);
    add(&pl, "RAND");
}

static void rnd(size_t n) { rand_any(MIKEY_PT_RAND, 0, n); }

/* SP with the given params (type, one-byte value). */
static void sp(uint8_t no, uint8_t prot, const uint8_t (*tv)[2], size_t n)
{
    mikey_sp_param p[32];
    uint8_t buf[32 * 3];
    size_t blen = 0;
    mikey_payload pl;
    for (size_t i = 0; i < n && i < 32; i++) {
        p[i].type = tv[i][0];
        p[i].value = span(&tv[i][1], 1);
    }
    note_err(mikey_build_sp_params(p, n, buf, sizeof buf, &blen), "mikey_build_sp_params");
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_SP;
    pl.u.sp.policy_no = no;
    pl.u.sp.prot_type = prot;
    pl.u.sp.params = span(buf, blen);
    add(&pl, "SP");
}

/* All 13 RFC 3830 §6.10.1 SRTP params (types 0-12), AES-CM-128 / HMAC-SHA1-80. */
static const uint8_t SP_ALL13[][2] = {{0, 1}, {1, 16}, {2, 1}, {3, 20}, {4, 14}, {5, 0}, {6, 0},
                                      {7, 1}, {8, 1},  {9, 0}, {10, 1}, {11, 10}, {12, 0}};
/* GStreamer / Axis style (tag length in param 3, INTEROP.md). */
static const uint8_t SP_GST[][2] = {{0, 1}, {1, 16}, {2, 1}, {3, 10}, {7, 1}, {8, 1}, {10, 1}};
#define NPARAMS(a) (sizeof(a) / sizeof(a)[0])

static void kd_begin(void)
{
    mikey_msg_free(G.kd);
    G.kd = NULL;
    note_err(mikey_msg_new(NULL, 1, &G.kd), "mikey_msg_new(chain)");
}

/* Append a Key data sub-payload (RFC 3830 §6.13) with KV data (§6.14). */
static void kd_add(uint8_t type, uint8_t kv, size_t keylen, size_t saltlen)
{
    uint8_t key[64], salt[32], spi[4], vf[6], vt[6];
    mikey_payload pl;
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_KEYDATA;
    pl.u.keydata.type = type;
    rng_fill(key, keylen);
    pl.u.keydata.key = span(key, keylen);
    if (saltlen) {
        rng_fill(salt, saltlen);
        pl.u.keydata.salt = span(salt, saltlen);
    }
    pl.u.keydata.kv.type = kv;
    if (kv == MIKEY_KV_SPI) {
        rng_fill(spi, sizeof spi);
        pl.u.keydata.kv.spi = span(spi, sizeof spi);
    } else if (kv == MIKEY_KV_INTERVAL) {
        /* SRTP index interval (§6.14: 48-bit ROC||SEQ) */
        memset(vf, 0, sizeof vf);
        memset(vt, 0xff, sizeof vt);
        vf[5] = 1;
        pl.u.keydata.kv.valid_from = span(vf, sizeof vf);
        pl.u.keydata.kv.valid_to = span(vt, sizeof vt);
    }
    if (G.kd)
        note_err(mikey_msg_append(G.kd, &pl), "Key data");
}

/* KEMAC whose Encr data is the encoded Key data chain (NULL encryption) or
 * an opaque ciphertext of clen bytes (AES-CM / AES-KW: no key here, the
 * wire test only needs the layout). The MAC value is opaque too. */
static void kemac(uint8_t encr, uint8_t mac, size_t clen)
{
    static uint8_t data[4096];
    uint8_t macv[32];
    size_t dlen = 0;
    mikey_payload pl;
    if (encr == MIKEY_ENCR_NULL && G.kd) {
        note_err(mikey_msg_encode(G.kd, data, sizeof data, &dlen), "encode Key data");
    } else {
        dlen = clen;
        rng_fill(data, dlen);
    }
    int ml = mikey_mac_len(mac);
    rng_fill(macv, ml > 0 ? (size_t)ml : 0);
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_KEMAC;
    pl.u.kemac.encr_alg = encr;
    pl.u.kemac.encr_data = span(data, dlen);
    pl.u.kemac.mac_alg = mac;
    pl.u.kemac.mac = span(macv, ml > 0 ? (size_t)ml : 0);
    add(&pl, "KEMAC");
}

static void pke(uint8_t c, size_t n)
{
    static uint8_t d[16383];
    mikey_payload pl;
    rng_fill(d, n);
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_PKE;
    pl.u.pke.c = c;
    pl.u.pke.data = span(d, n);
    add(&pl, "PKE");
}

static void dh(uint8_t group, uint8_t kv)
{
    uint8_t v[192], spi[4] = {0, 0, 0, 1}, vf[6] = {0}, vt[6] = {0, 0, 0, 1, 0, 0};
    mikey_payload pl;
    int vl = mikey_dh_value_len(group);
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_DH;
    pl.u.dh.group = group;
    rng_fill(v, vl > 0 ? (size_t)vl : 0);
    pl.u.dh.value = span(v, vl > 0 ? (size_t)vl : 0);
    pl.u.dh.kv.type = kv;
    if (kv == MIKEY_KV_SPI)
        pl.u.dh.kv.spi = span(spi, sizeof spi);
    if (kv == MIKEY_KV_INTERVAL) {
        pl.u.dh.kv.valid_from = span(vf, sizeof vf);
        pl.u.dh.kv.valid_to = span(vt, sizeof vt);
    }
    add(&pl, "DH");
}

static void sign(uint8_t s_type, size_t n)
{
    uint8_t s[512];
    mikey_payload pl;
    rng_fill(s, n);
    if (s_type == MIKEY_SIGN_ECCSI)
        s[64] = 0x04; /* RFC 6507 §3.3: r || s || PVT, PVT an uncompressed point */
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_SIGN;
    pl.u.sign.s_type = s_type;
    pl.u.sign.sig = span(s, n);
    add(&pl, "SIGN");
}

static void id_any(unsigned type, uint8_t role, uint8_t id_type, const void *data, size_t n)
{
    mikey_payload pl;
    memset(&pl, 0, sizeof pl);
    pl.type = type;
    pl.u.id.role = role;
    pl.u.id.type = id_type;
    pl.u.id.data = span(data, n);
    add(&pl, type == MIKEY_PT_CERT ? "CERT" : type == MIKEY_PT_IDR ? "IDR" : "ID");
}

static void id(uint8_t id_type, const char *s) { id_any(MIKEY_PT_ID, 0, id_type, s, strlen(s)); }
static void idr(uint8_t role, uint8_t id_type, const char *s) { id_any(MIKEY_PT_IDR, role, id_type, s, strlen(s)); }
static void cert(uint8_t ctype) { id_any(MIKEY_PT_CERT, 0, ctype, cert_der, cert_len); }

static void v(uint8_t alg)
{
    uint8_t d[32];
    mikey_payload pl;
    int ml = mikey_mac_len(alg);
    rng_fill(d, ml > 0 ? (size_t)ml : 0);
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_V;
    pl.u.v.auth_alg = alg;
    pl.u.v.data = span(d, ml > 0 ? (size_t)ml : 0);
    add(&pl, "V");
}

static void err(uint8_t no)
{
    mikey_payload pl;
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_ERR;
    pl.u.err.error_no = no;
    add(&pl, "ERR");
}

static void genext(uint8_t type, const void *d, size_t n)
{
    mikey_payload pl;
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_GENEXT;
    pl.u.genext.type = type;
    pl.u.genext.data = span(d, n);
    add(&pl, "GEN EXT");
}

/* SAKKE Encapsulated Data (RFC 6508 §4.2): R = 04||x||y (2*128 bytes) and
 * H (16 bytes) for parameter set 1. */
static void sakke(uint8_t params, uint8_t scheme)
{
    uint8_t d[273];
    mikey_payload pl;
    rng_fill(d, sizeof d);
    d[0] = 0x04;
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_SAKKE;
    pl.u.sakke.params = params;
    pl.u.sakke.id_scheme = scheme;
    pl.u.sakke.data = span(d, sizeof d);
    add(&pl, "SAKKE");
}

static void chash(uint8_t func)
{
    uint8_t h[32];
    mikey_payload pl;
    int hl = mikey_hash_len(func);
    rng_fill(h, hl > 0 ? (size_t)hl : 0);
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_CHASH;
    pl.u.chash.hash_func = func;
    pl.u.chash.hash = span(h, hl > 0 ? (size_t)hl : 0);
    add(&pl, "CHASH");
}

/* TP or TICKET (RFC 6043 §6.10). TP Data is "First Payload" + an SP chain;
 * Ticket Data is opaque; Initiator Data (TICKET) is a prefixed RAND chain. */
static void ticket(unsigned type, uint16_t ttype)
{
    uint8_t tp[64], tdata[48], idata[64];
    size_t tplen = 0, ilen = 0;
    mikey_msg *c = NULL;
    mikey_payload pl, sub;
    note_err(mikey_msg_new(NULL, 1, &c), "mikey_msg_new(TP chain)");
    mikey_sp_param p = {MIKEY_SP_ENCR_ALG, span("\x01", 1)};
    uint8_t params[8];
    size_t plen = 0;
    note_err(mikey_build_sp_params(&p, 1, params, sizeof params, &plen), "mikey_build_sp_params");
    memset(&sub, 0, sizeof sub);
    sub.type = MIKEY_PT_SP;
    sub.u.sp.params = span(params, plen);
    if (c)
        note_err(mikey_msg_append(c, &sub), "TP data SP");
    tp[0] = MIKEY_PT_SP;
    if (c)
        note_err(mikey_msg_encode(c, tp + 1, sizeof tp - 1, &tplen), "encode TP data");
    tplen++;
    mikey_msg_free(c);
    c = NULL;
    rng_fill(tdata, sizeof tdata);
    if (type == MIKEY_PT_TICKET) {
        uint8_t r[16];
        rng_fill(r, sizeof r);
        note_err(mikey_msg_new(NULL, 1, &c), "mikey_msg_new(initiator chain)");
        memset(&sub, 0, sizeof sub);
        sub.type = MIKEY_PT_RAND;
        sub.u.rand.data = span(r, sizeof r);
        if (c)
            note_err(mikey_msg_append(c, &sub), "Initiator data RAND");
        idata[0] = MIKEY_PT_RAND;
        if (c)
            note_err(mikey_msg_encode(c, idata + 1, sizeof idata - 1, &ilen), "encode Initiator data");
        ilen++;
        mikey_msg_free(c);
    }
    memset(&pl, 0, sizeof pl);
    pl.type = type;
    pl.u.ticket.ticket_type = ttype;
    pl.u.ticket.subtype = 1;
    pl.u.ticket.version = 1;
    pl.u.ticket.prf = MIKEY_PRF_HMAC_SHA256;
    pl.u.ticket.flags = 0x1a000; /* D, and E, G (RFC 6043 §6.10) */
    pl.u.ticket.tp_data = span(tp, tplen);
    if (type == MIKEY_PT_TICKET) {
        pl.u.ticket.ticket_data = span(tdata, sizeof tdata);
        pl.u.ticket.initiator_data = span(idata, ilen);
    }
    add(&pl, type == MIKEY_PT_TP ? "TP" : "TICKET");
}

static void ibe(unsigned type, size_t n)
{
    uint8_t d[300];
    mikey_payload pl;
    rng_fill(d, n);
    memset(&pl, 0, sizeof pl);
    pl.type = type;
    pl.u.ibe.encr_data = span(d, n);
    add(&pl, "IBAKE/ESK");
}

static void sk(uint8_t kv)
{
    uint8_t k[16], spi[4];
    mikey_payload pl;
    rng_fill(k, sizeof k);
    rng_fill(spi, sizeof spi);
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_SK;
    pl.u.sk.type = 1;
    pl.u.sk.key = span(k, sizeof k);
    pl.u.sk.kv.type = kv;
    if (kv == MIKEY_KV_SPI)
        pl.u.sk.kv.spi = span(spi, sizeof spi);
    add(&pl, "SK");
}

static void eccpt(uint8_t curve)
{
    uint8_t pt[256];
    mikey_payload pl;
    int n = mikey_eccpt_point_len(curve);
    memset(pt, 0, sizeof pt);
    rng_fill(pt, n > 0 ? (size_t)n : 0);
    pt[0] = 0x04;
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_ECCPT;
    pl.u.eccpt.curve = curve;
    pl.u.eccpt.point = span(pt, n > 0 ? (size_t)n : 0);
    pl.u.eccpt.auth_alg = 0;
    pl.u.eccpt.tgk_len = 32;
    add(&pl, "ECCPT");
}

/* ---------------------------------------------------------------------- */
/* The tshark corpus                                                       */
/* ---------------------------------------------------------------------- */

static void corpus_tshark(void)
{
    char name[64];

    /* Data types 0-10 (RFC 3830 §3, RFC 4650, RFC 4738) and 26 (RFC 6509),
     * each with the payloads of its message in the RFC. */
    begin("dt00_psk_init", 1); /* RFC 3830 §3.1: HDR, T, RAND, [IDi, IDr], {SP}, KEMAC */
    hdr_srtp(MIKEY_DT_PSK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16), id(MIKEY_ID_URI, "sip:alice@example.com");
    id(MIKEY_ID_URI, "sip:bob@example.org"), sp(0, MIKEY_PROT_SRTP, SP_ALL13, NPARAMS(SP_ALL13));
    kd_begin(), kd_add(MIKEY_KEY_TGK, MIKEY_KV_NULL, 16, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_HMAC_SHA1_160, 0);
    finish();
    begin("dt01_psk_resp", 1); /* HDR, T, [IDr], V */
    hdr_srtp(MIKEY_DT_PSK_RESP, 0, 1), t(MIKEY_TS_NTP_UTC), id(MIKEY_ID_NAI, "bob@example.org"),
        v(MIKEY_MAC_HMAC_SHA1_160);
    finish();
    begin("dt02_pk_init", 1); /* HDR, T, RAND, [IDi|CERTi], [IDr], {SP}, KEMAC, PKE, SIGNi */
    hdr_srtp(MIKEY_DT_PK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16), cert(MIKEY_CERT_X509);
    id(MIKEY_ID_URI, "sip:bob@example.org"), sp(0, MIKEY_PROT_SRTP, SP_GST, NPARAMS(SP_GST));
    kemac(MIKEY_ENCR_AES_CM_128, MIKEY_MAC_HMAC_SHA1_160, 20), pke(0, 128),
        sign(MIKEY_SIGN_RSA_PKCS1, 128);
    finish();
    begin("dt03_pk_resp", 1); /* HDR, T, [IDr], V */
    hdr_srtp(MIKEY_DT_PK_RESP, 0, 1), t(MIKEY_TS_NTP_UTC), v(MIKEY_MAC_HMAC_SHA1_160);
    finish();
    begin("dt04_dh_init", 1); /* HDR, T, RAND, [IDi|CERTi], [IDr], {SP}, DHi, SIGNi */
    hdr_srtp(MIKEY_DT_DH_INIT, 1, 2), t(MIKEY_TS_NTP_UTC), rnd(16), cert(MIKEY_CERT_X509);
    sp(0, MIKEY_PROT_SRTP, SP_ALL13, NPARAMS(SP_ALL13)), dh(MIKEY_DH_OAKLEY5, MIKEY_KV_NULL),
        sign(MIKEY_SIGN_RSA_PKCS1, 128);
    finish();
    begin("dt05_dh_resp", 1); /* HDR, T, [IDr|CERTr], IDi, DHr, DHi, SIGNr */
    hdr_srtp(MIKEY_DT_DH_RESP, 0, 2), t(MIKEY_TS_NTP_UTC), cert(MIKEY_CERT_X509);
    id(MIKEY_ID_URI, "sip:alice@example.com"), dh(MIKEY_DH_OAKLEY5, MIKEY_KV_NULL);
    dh(MIKEY_DH_OAKLEY5, MIKEY_KV_NULL), sign(MIKEY_SIGN_RSA_PSS, 128);
    finish();
    begin("dt06_error", 1); /* HDR, T, {ERR}, [V|SIGN] */
    hdr_srtp(MIKEY_DT_ERROR, 0, 1), t(MIKEY_TS_NTP_UTC), err(MIKEY_E_INVALID_SP), err(MIKEY_E_INVALID_SPPAR);
    v(MIKEY_MAC_HMAC_SHA1_160);
    finish();
    begin("dt07_dhhmac_init", 1); /* RFC 4650 §5.1: HDR, T, RAND, [IDi], [IDr], {SP}, DHi, KEMAC */
    hdr_srtp(MIKEY_DT_DHHMAC_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16), id(MIKEY_ID_NAI, "alice@example.com");
    id(MIKEY_ID_NAI, "bob@example.org"), sp(0, MIKEY_PROT_SRTP, SP_GST, NPARAMS(SP_GST));
    dh(MIKEY_DH_OAKLEY2, MIKEY_KV_NULL), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_HMAC_SHA1_160, 0);
    finish();
    begin("dt08_dhhmac_resp", 1); /* HDR, T, [IDr], IDi, DHr, DHi, KEMAC */
    hdr_srtp(MIKEY_DT_DHHMAC_RESP, 0, 1), t(MIKEY_TS_NTP_UTC), id(MIKEY_ID_NAI, "bob@example.org");
    id(MIKEY_ID_NAI, "alice@example.com"), dh(MIKEY_DH_OAKLEY2, MIKEY_KV_NULL), dh(MIKEY_DH_OAKLEY2, MIKEY_KV_NULL);
    kemac(MIKEY_ENCR_NULL, MIKEY_MAC_HMAC_SHA1_160, 0);
    finish();
    begin("dt09_rsar_init", 1); /* RFC 4738 §3.1: HDR, T, RAND, [IDi|CERTi], [IDr], {SP}, SIGNi */
    hdr_srtp(MIKEY_DT_RSAR_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16), cert(MIKEY_CERT_X509);
    id(MIKEY_ID_URI, "sip:bob@example.org"), sp(0, MIKEY_PROT_SRTP, SP_GST, NPARAMS(SP_GST));
    sign(MIKEY_SIGN_RSA_PKCS1, 128);
    finish();
    begin("dt10_rsar_resp", 1); /* HDR, T, [IDr|CERTr], [IDi], {SP}, PKE, KEMAC, SIGNr */
    hdr_srtp(MIKEY_DT_RSAR_RESP, 0, 1), t(MIKEY_TS_NTP_UTC), cert(MIKEY_CERT_X509);
    id(MIKEY_ID_URI, "sip:alice@example.com"), sp(0, MIKEY_PROT_SRTP, SP_GST, NPARAMS(SP_GST));
    pke(1, 128), kemac(MIKEY_ENCR_AES_KW_128, MIKEY_MAC_NULL, 40);
    sign(MIKEY_SIGN_RSA_PSS, 128);
    finish();
    begin("dt26_sakke", 1); /* RFC 6509 §2.1: HDR, T, RAND, [IDRi], [IDRr], [IDRkmsi], [IDRkmsr], {CERT}, SAKKE, SIGN */
    hdr(MIKEY_DT_SAKKE, 0, MIKEY_PRF_MIKEY1, MIKEY_MAP_EMPTY, 0), t(MIKEY_TS_NTP_UTC), rnd(16);
    idr(1, MIKEY_ID_URI, "tel:+447700900123"), idr(2, MIKEY_ID_URI, "tel:+447700900456");
    idr(6, MIKEY_ID_URI, "kms.example.org"), idr(7, MIKEY_ID_URI, "kms.example.org");
    sakke(1, 1), sign(MIKEY_SIGN_ECCSI, 129);
    finish();

    /* HDR CS ID maps: SRTP-ID with 0, 1, 3 CS and the Empty map (RFC 4563). */
    static const uint8_t ncs[] = {0, 1, 3};
    for (size_t i = 0; i < sizeof ncs; i++) {
        snprintf(name, sizeof name, "hdr_srtp_id_%ucs", ncs[i]);
        begin(name, 1);
        hdr_srtp(MIKEY_DT_PSK_INIT, 0, ncs[i]), t(MIKEY_TS_NTP_UTC), rnd(16);
        kd_begin(), kd_add(MIKEY_KEY_TEK, MIKEY_KV_NULL, 30, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
        finish();
    }
    begin("hdr_empty_map", 1);
    hdr(MIKEY_DT_PSK_INIT, 0, MIKEY_PRF_MIKEY1, MIKEY_MAP_EMPTY, 0), t(MIKEY_TS_NTP_UTC), rnd(16);
    kd_begin(), kd_add(MIKEY_KEY_TGK, MIKEY_KV_NULL, 16, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_HMAC_SHA1_160, 0);
    finish();

    /* KEMAC: Key data types x KV types in the clear (NULL encryption, PSK
     * init: the only case tshark dissects the Key data), then the
     * encryption and MAC algorithms. */
    static const struct {
        const char *n;
        uint8_t type, kv;
        size_t klen, slen;
    } kds[] = {
        {"kemac_kd_tgk", MIKEY_KEY_TGK, MIKEY_KV_NULL, 16, 0},
        {"kemac_kd_tgk_salt", MIKEY_KEY_TGK_SALT, MIKEY_KV_NULL, 16, 14},
        {"kemac_kd_tek", MIKEY_KEY_TEK, MIKEY_KV_NULL, 16, 0},
        {"kemac_kd_tek_keysalt30", MIKEY_KEY_TEK, MIKEY_KV_NULL, 30, 0},
        {"kemac_kd_tek_salt", MIKEY_KEY_TEK_SALT, MIKEY_KV_NULL, 16, 14},
        {"kemac_kd_tek_kv_spi", MIKEY_KEY_TEK, MIKEY_KV_SPI, 30, 0},
        {"kemac_kd_tek_salt_kv_spi", MIKEY_KEY_TEK_SALT, MIKEY_KV_SPI, 16, 14},
        {"kemac_kd_tgk_kv_interval", MIKEY_KEY_TGK, MIKEY_KV_INTERVAL, 16, 0},
        {"kemac_kd_tek_salt_kv_interval", MIKEY_KEY_TEK_SALT, MIKEY_KV_INTERVAL, 16, 14},
    };
    for (size_t i = 0; i < sizeof kds / sizeof kds[0]; i++) {
        begin(kds[i].n, 1);
        hdr_srtp(MIKEY_DT_PSK_INIT, 0, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
        sp(0, MIKEY_PROT_SRTP, SP_GST, NPARAMS(SP_GST));
        kd_begin(), kd_add(kds[i].type, kds[i].kv, kds[i].klen, kds[i].slen);
        kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
        finish();
    }
    static const struct {
        const char *n;
        uint8_t encr, mac;
        size_t clen;
    } kms[] = {
        {"kemac_null_null", MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0},
        {"kemac_null_hmac", MIKEY_ENCR_NULL, MIKEY_MAC_HMAC_SHA1_160, 0},
        {"kemac_aescm_null", MIKEY_ENCR_AES_CM_128, MIKEY_MAC_NULL, 38},
        {"kemac_aescm_hmac", MIKEY_ENCR_AES_CM_128, MIKEY_MAC_HMAC_SHA1_160, 38},
        {"kemac_aeskw_hmac", MIKEY_ENCR_AES_KW_128, MIKEY_MAC_HMAC_SHA1_160, 48},
    };
    for (size_t i = 0; i < sizeof kms / sizeof kms[0]; i++) {
        begin(kms[i].n, 1);
        hdr_srtp(MIKEY_DT_PSK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
        kd_begin(), kd_add(MIKEY_KEY_TEK_SALT, MIKEY_KV_NULL, 16, 14);
        kemac(kms[i].encr, kms[i].mac, kms[i].clen);
        finish();
    }

    /* PKE cache indicators C = 0, 1, 2 (RFC 3830 §6.3), and a 1023-byte
     * envelope (the largest tshark 4.0 reads correctly). */
    for (uint8_t c = 0; c <= 2; c++) {
        snprintf(name, sizeof name, "pke_c%u", c);
        begin(name, 1);
        hdr_srtp(MIKEY_DT_PK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16), cert(MIKEY_CERT_X509);
        kemac(MIKEY_ENCR_AES_CM_128, MIKEY_MAC_HMAC_SHA1_160, 38), pke(c, 128), sign(MIKEY_SIGN_RSA_PKCS1, 128);
        finish();
    }
    begin("pke_1023", 1);
    hdr_srtp(MIKEY_DT_PK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
    kemac(MIKEY_ENCR_AES_KW_128, MIKEY_MAC_HMAC_SHA1_160, 48), pke(0, 1023), sign(MIKEY_SIGN_RSA_PKCS1, 256);
    finish();

    /* The PKE envelope next to a clear KEMAC: the only PKE layout
     * GStreamer 1.22 parses without hanging (it loops on the SIGN, ID and
     * CERT of a real PK init; its KEMAC reader wants PSK init). */
    for (uint8_t c = 0; c <= 2; c++) {
        snprintf(name, sizeof name, "pke_psk_c%u", c);
        begin(name, 1);
        hdr_srtp(MIKEY_DT_PSK_INIT, 0, 1), t(MIKEY_TS_NTP_UTC), rnd(16), pke(c, 64);
        kd_begin(), kd_add(MIKEY_KEY_TEK, MIKEY_KV_NULL, 30, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
        finish();
    }

    /* DH groups 0/1/2 (RFC 3830 Table 6.4), KV = 0. */
    for (uint8_t g = 0; g <= 2; g++) {
        snprintf(name, sizeof name, "dh_group%u", g);
        begin(name, 1);
        hdr_srtp(MIKEY_DT_DH_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16), id(MIKEY_ID_NAI, "alice@example.com");
        dh(g, MIKEY_KV_NULL), sign(MIKEY_SIGN_RSA_PKCS1, 128);
        finish();
    }

    /* SIGN types 0/1/2 (RFC 3830 §6.5, RFC 6509 §4.3). */
    static const size_t siglen[] = {128, 256, 129};
    for (uint8_t s = 0; s <= 2; s++) {
        snprintf(name, sizeof name, "sign_type%u", s);
        begin(name, 1);
        hdr_srtp(MIKEY_DT_RSAR_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16), id(MIKEY_ID_URI, "sip:a@example.com");
        sign(s, siglen[s]);
        finish();
    }

    /* Timestamps NTP-UTC, NTP, COUNTER (RFC 3830 Table 6.6). */
    static const char *const tsn[] = {"ts_ntp_utc", "ts_ntp", "ts_counter"};
    for (uint8_t ty = 0; ty <= 2; ty++) {
        begin(tsn[ty], 1);
        hdr_srtp(MIKEY_DT_PSK_RESP, 0, 1), t(ty), v(MIKEY_MAC_HMAC_SHA1_160);
        finish();
    }

    begin("ts_counter_psk_init", 1);
    hdr_srtp(MIKEY_DT_PSK_INIT, 0, 1), t(MIKEY_TS_COUNTER), rnd(16);
    kd_begin(), kd_add(MIKEY_KEY_TEK, MIKEY_KV_NULL, 30, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
    finish();

    /* ID NAI / URI, CERT type 0 (X.509v3), V HMAC-SHA-1 and NULL. */
    begin("id_nai_uri", 1);
    hdr_srtp(MIKEY_DT_PSK_INIT, 0, 1), t(MIKEY_TS_NTP_UTC), rnd(16), id(MIKEY_ID_NAI, "alice@example.com");
    id(MIKEY_ID_URI, "sip:bob@biloxi.example.com;transport=tls");
    kd_begin(), kd_add(MIKEY_KEY_TEK, MIKEY_KV_NULL, 30, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
    finish();
    begin("cert_x509", 1);
    hdr_srtp(MIKEY_DT_RSAR_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16), cert(MIKEY_CERT_X509);
    sign(MIKEY_SIGN_RSA_PKCS1, 128);
    finish();
    begin("cert_types_sign_encr", 1); /* X.509v3 Sign, X.509v3 Encr */
    hdr_srtp(MIKEY_DT_PK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16), cert(MIKEY_CERT_X509_SIGN);
    cert(MIKEY_CERT_X509_ENCR);
    kemac(MIKEY_ENCR_AES_CM_128, MIKEY_MAC_HMAC_SHA1_160, 38), pke(0, 128), sign(MIKEY_SIGN_RSA_PKCS1, 128);
    finish();
    begin("v_hmac_sha1", 1);
    hdr_srtp(MIKEY_DT_PSK_RESP, 0, 3), t(MIKEY_TS_NTP), v(MIKEY_MAC_HMAC_SHA1_160);
    finish();
    begin("v_null", 1);
    hdr_srtp(MIKEY_DT_PSK_RESP, 0, 1), t(MIKEY_TS_NTP_UTC), v(MIKEY_MAC_NULL);
    finish();

    /* SP: all 13 RFC 3830 params; two policies. */
    begin("sp_all13", 1);
    hdr_srtp(MIKEY_DT_PSK_INIT, 0, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
    sp(0, MIKEY_PROT_SRTP, SP_ALL13, NPARAMS(SP_ALL13)), sp(1, MIKEY_PROT_SRTP, SP_GST, NPARAMS(SP_GST));
    kd_begin(), kd_add(MIKEY_KEY_TEK, MIKEY_KV_NULL, 30, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
    finish();

    /* RAND 16 and 32 bytes. */
    begin("rand_16", 1);
    hdr_srtp(MIKEY_DT_PSK_INIT, 0, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
    kd_begin(), kd_add(MIKEY_KEY_TGK, MIKEY_KV_NULL, 16, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
    finish();
    begin("rand_32", 1);
    hdr_srtp(MIKEY_DT_PSK_INIT, 0, 1), t(MIKEY_TS_NTP_UTC), rnd(32);
    kd_begin(), kd_add(MIKEY_KEY_TGK, MIKEY_KV_NULL, 32, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
    finish();

    /* ERR numbers 0-13 (RFC 3830 Table 6.12, RFC 4738 §3.7). */
    for (uint8_t e = 0; e <= 13; e++) {
        snprintf(name, sizeof name, "err_%02u", e);
        begin(name, 1);
        hdr_srtp(MIKEY_DT_ERROR, 0, 1), t(MIKEY_TS_NTP_UTC), err(e), v(MIKEY_MAC_HMAC_SHA1_160);
        finish();
    }

    /* General Extension types 0 (Vendor ID) and 1 (SDP IDs). */
    begin("genext_vendor_sdpids", 1);
    hdr_srtp(MIKEY_DT_PSK_INIT, 0, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
    genext(MIKEY_GENEXT_VENDOR_ID, "openmikey", 9), genext(MIKEY_GENEXT_SDP_IDS, "mikey", 5);
    kd_begin(), kd_add(MIKEY_KEY_TEK, MIKEY_KV_NULL, 30, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
    finish();

    /* SAKKE payload and IDR roles 1-7 (RFC 6043 §6.6, RFC 6509 §4.4). */
    begin("idr_roles_1_7", 1);
    hdr(MIKEY_DT_SAKKE, 0, MIKEY_PRF_MIKEY1, MIKEY_MAP_EMPTY, 0), t(MIKEY_TS_NTP_UTC), rnd(16);
    for (uint8_t r = 1; r <= 7; r++) {
        char s[64];
        snprintf(s, sizeof s, "sip:role%u@example.org", r);
        idr(r, r % 2 ? MIKEY_ID_URI : MIKEY_ID_NAI, s);
    }
    sakke(1, 2), sign(MIKEY_SIGN_ECCSI, 129);
    finish();
}

/* ---------------------------------------------------------------------- */
/* The round-trip corpus (what tshark 4.0 cannot decode)                   */
/* ---------------------------------------------------------------------- */

static void corpus_roundtrip(void)
{
    char name[64];

    begin("rt_prf1", 0);
    hdr(MIKEY_DT_PSK_INIT, 0, MIKEY_PRF_HMAC_SHA256, MIKEY_MAP_SRTP_ID, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
    kd_begin(), kd_add(MIKEY_KEY_TGK, MIKEY_KV_NULL, 16, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_HMAC_SHA256_256, 0);
    finish();
    for (uint8_t n = 0; n <= 3; n++) {
        snprintf(name, sizeof name, "rt_generic_id_%ucs", n);
        begin(name, 0);
        hdr(MIKEY_DT_SAKKE, 0, MIKEY_PRF_MIKEY1, MIKEY_MAP_GENERIC_ID, n), t(MIKEY_TS_NTP_UTC), rnd(16);
        sakke(1, 1), sign(MIKEY_SIGN_ECCSI, 129);
        finish();
    }
    begin("rt_idr_roles_8_9", 0);
    hdr(MIKEY_DT_SAKKE, 0, MIKEY_PRF_MIKEY1, MIKEY_MAP_EMPTY, 0), t(MIKEY_TS_NTP_UTC), rnd(16);
    idr(8, MIKEY_ID_URI, "\x12\x34\x56\x78"), idr(9, MIKEY_ID_URI, "\x9a\xbc\xde\xf0");
    sakke(1, 2), sign(MIKEY_SIGN_ECCSI, 129);
    finish();
    for (uint8_t ty = 2; ty <= 7; ty++) {
        uint8_t d[20];
        rng_fill(d, sizeof d);
        snprintf(name, sizeof name, "rt_genext_type%u", ty);
        begin(name, 0);
        hdr_srtp(MIKEY_DT_PSK_INIT, 0, 1), t(MIKEY_TS_NTP_UTC), rnd(16), genext(ty, d, sizeof d);
        kd_begin(), kd_add(MIKEY_KEY_TEK, MIKEY_KV_NULL, 30, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
        finish();
    }
    for (uint8_t h = 0; h <= 2; h++) {
        snprintf(name, sizeof name, "rt_chash_%u", h);
        begin(name, 0);
        hdr_srtp(MIKEY_DT_PK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16), chash(h);
        kemac(MIKEY_ENCR_AES_CM_128, MIKEY_MAC_HMAC_SHA1_160, 38), pke(2, 128), sign(0, 128);
        finish();
    }
    begin("rt_cert_url", 0); /* tshark 4.0 dissects every CERT as DER: Malformed */
    hdr_srtp(MIKEY_DT_PK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
    id_any(MIKEY_PT_CERT, 0, MIKEY_CERT_X509_URL, "http://pki.example.org/alice.der", 32);
    kemac(MIKEY_ENCR_AES_CM_128, MIKEY_MAC_HMAC_SHA1_160, 38), pke(0, 128), sign(MIKEY_SIGN_RSA_PKCS1, 128);
    finish();
    begin("rt_ntp_utc_32", 0);
    hdr_srtp(MIKEY_DT_PSK_RESP, 0, 1), t(MIKEY_TS_NTP_UTC_32), v(MIKEY_MAC_HMAC_SHA1_160);
    finish();
    begin("rt_hmac_sha256", 0);
    hdr_srtp(MIKEY_DT_PSK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
    kemac(MIKEY_ENCR_AES_CM_256, MIKEY_MAC_HMAC_SHA256_256, 54);
    finish();
    begin("rt_v_hmac_sha256", 0);
    hdr_srtp(MIKEY_DT_PSK_RESP, 0, 1), t(MIKEY_TS_NTP_UTC), v(MIKEY_MAC_HMAC_SHA256_256);
    finish();
    for (uint8_t kv = 1; kv <= 2; kv++) {
        snprintf(name, sizeof name, "rt_dh_kv%u", kv);
        begin(name, 0);
        hdr_srtp(MIKEY_DT_DH_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16), dh(MIKEY_DH_OAKLEY2, kv), sign(0, 128);
        finish();
    }
    begin("rt_pke_1024", 0);
    hdr_srtp(MIKEY_DT_PK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
    kemac(MIKEY_ENCR_AES_KW_128, MIKEY_MAC_HMAC_SHA1_160, 48), pke(0, 1024), sign(0, 256);
    finish();
    begin("rt_pke_16383", 0);
    hdr_srtp(MIKEY_DT_PK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
    kemac(MIKEY_ENCR_AES_KW_128, MIKEY_MAC_HMAC_SHA1_160, 48), pke(1, 16383), sign(0, 256);
    finish();
    begin("rt_kemac_multi_kd", 0); /* tshark shows only the first Key data */
    hdr_srtp(MIKEY_DT_PSK_INIT, 0, 3), t(MIKEY_TS_NTP_UTC), rnd(16);
    kd_begin(), kd_add(MIKEY_KEY_TEK_SALT, MIKEY_KV_SPI, 16, 14), kd_add(MIKEY_KEY_TEK, MIKEY_KV_INTERVAL, 30, 0);
    kd_add(MIKEY_KEY_TGK_SALT, MIKEY_KV_NULL, 32, 14), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_HMAC_SHA1_160, 0);
    finish();
    for (uint8_t ty = 4; ty <= 7; ty++) {
        snprintf(name, sizeof name, "rt_keydata_type%u", ty);
        begin(name, 0);
        hdr_srtp(MIKEY_DT_PSK_INIT, 0, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
        kd_begin(), kd_add(ty, MIKEY_KV_NULL, 16, ty == MIKEY_KEY_GTGK_SALT ? 14 : 0);
        kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
        finish();
    }
    begin("rt_kemac_null_pk_init", 0); /* tshark shows Key data only for PSK init */
    hdr_srtp(MIKEY_DT_PK_INIT, 1, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
    kd_begin(), kd_add(MIKEY_KEY_TGK, MIKEY_KV_NULL, 16, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_HMAC_SHA1_160, 0);
    pke(0, 128), sign(0, 128);
    finish();
    begin("rt_sp_params_13_20", 0);
    {
        static const uint8_t more[][2] = {{13, 4}, {14, 1}, {15, 1}, {16, 20}, {17, 20}, {18, 10}, {19, 10}, {20, 16}};
        hdr_srtp(MIKEY_DT_PSK_INIT, 0, 1), t(MIKEY_TS_NTP_UTC), rnd(16), sp(0, MIKEY_PROT_SRTP, more, NPARAMS(more));
        sp(1, MIKEY_PROT_TESLA, SP_GST, 2);
    }
    kd_begin(), kd_add(MIKEY_KEY_TEK, MIKEY_KV_NULL, 30, 0), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_NULL, 0);
    finish();
    /* RFC 6043 MIKEY-TICKET: REQUEST_INIT (TR, RANDR, IDR, TP, KEMAC) and
     * TRANSFER_INIT (TICKET). */
    begin("rt_ticket_request_init_psk", 0);
    hdr(MIKEY_DT_REQUEST_INIT_PSK, 1, MIKEY_PRF_HMAC_SHA256, MIKEY_MAP_GENERIC_ID, 1);
    ts_any(MIKEY_PT_TR, 1, MIKEY_TS_NTP_UTC), rand_any(MIKEY_PT_RANDR, 1, 16);
    idr(1, MIKEY_ID_URI, "sip:alice@example.com"), idr(3, MIKEY_ID_URI, "kms.example.org");
    ticket(MIKEY_PT_TP, 1), kemac(MIKEY_ENCR_NULL, MIKEY_MAC_HMAC_SHA256_256, 0);
    finish();
    begin("rt_ticket_transfer_init", 0);
    hdr(MIKEY_DT_TRANSFER_INIT, 1, MIKEY_PRF_HMAC_SHA256, MIKEY_MAP_GENERIC_ID, 2);
    ts_any(MIKEY_PT_TR, 1, MIKEY_TS_NTP_UTC), ts_any(MIKEY_PT_TR, 2, MIKEY_TS_NTP_UTC_32);
    rand_any(MIKEY_PT_RANDR, 1, 16), idr(1, MIKEY_ID_URI, "sip:alice@example.com");
    idr(2, MIKEY_ID_URI, "sip:bob@example.org"), ticket(MIKEY_PT_TICKET, 1);
    kemac(MIKEY_ENCR_AES_CM_256, MIKEY_MAC_HMAC_SHA256_256, 54);
    finish();
    /* RFC 6267 MIKEY-IBAKE: IBAKE and ESK envelopes; SK and ECCPT shown in
     * the clear as they would be inside them. */
    begin("rt_ibake_i_message_1", 0);
    hdr(MIKEY_DT_I_MESSAGE_1, 0, MIKEY_PRF_MIKEY1, MIKEY_MAP_GENERIC_ID, 1), t(MIKEY_TS_NTP_UTC), rnd(16);
    idr(1, MIKEY_ID_URI, "sip:alice@example.com"), idr(2, MIKEY_ID_URI, "sip:bob@example.org");
    ibe(MIKEY_PT_IBAKE, 200), ibe(MIKEY_PT_ESK, 120);
    finish();
    begin("rt_ibake_subpayloads", 0);
    hdr(MIKEY_DT_R_MESSAGE_1, 0, MIKEY_PRF_MIKEY1, MIKEY_MAP_GENERIC_ID, 1), t(MIKEY_TS_NTP_UTC);
    eccpt(1), eccpt(8), eccpt(14), sk(MIKEY_KV_NULL), sk(MIKEY_KV_SPI);
    finish();
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *b = malloc(MAXMSG);
    *len = b ? fread(b, 1, MAXMSG, f) : 0;
    fclose(f);
    return b;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: gen_corpus TSHARK_DIR ROUNDTRIP_DIR CERT.der\n");
        return 2;
    }
    tdir = argv[1];
    rdir = argv[2];
    uint8_t *c = read_all(argv[3], &cert_len);
    if (!c || cert_len == 0 || cert_len >= 4096) {
        fprintf(stderr, "gen_corpus: cannot read a DER certificate from %s\n", argv[3]);
        free(c);
        return 2;
    }
    cert_der = c;
    corpus_tshark();
    corpus_roundtrip();
    free(c);
    printf("gen_corpus: %d tshark messages, %d round-trip messages, %d failures\n", n_tshark, n_rt, n_fail);
    return n_fail ? 1 : 0;
}
