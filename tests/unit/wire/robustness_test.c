/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bad input on every valid message of tests/golden/wire-corpus.txt:
 *  - truncation at every byte gives TRUNCATED or LENGTH, with an offset
 *    inside the input and the payload named;
 *  - every length field (and #CS) off by one in both directions is refused;
 *  - every accepted message re-encodes to the same bytes (lossless);
 *  - single-byte corruption never crashes and, when accepted, re-encodes
 *    identically.
 * ASan/UBSan runs of this test catch out-of-bounds reads and leaks.
 */
#include <stdlib.h>
#include <string.h>

#include "mt.h"
#include "openmikey/message.h"

typedef struct corpus_msg {
    char name[64];
    unsigned char *buf;
    size_t len;
    int chain; /* header-less Key data chain */
} corpus_msg;

static corpus_msg corpus[64];
static size_t ncorpus;

static void load_corpus(void)
{
    if (ncorpus)
        return;
    size_t flen;
    unsigned char *f = mt_read_file(mt_src_path("tests/golden/wire-corpus.txt"), &flen);
    if (!f) {
        mt_fail(__FILE__, __LINE__, "cannot read tests/golden/wire-corpus.txt");
        return;
    }
    char *text = malloc(flen + 1);
    memcpy(text, f, flen);
    text[flen] = 0;
    free(f);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || !line[0])
            continue;
        char *sp = strchr(line, ' ');
        if (!sp || ncorpus == 64)
            continue;
        *sp = 0;
        corpus_msg *c = &corpus[ncorpus++];
        snprintf(c->name, sizeof c->name, "%s", line);
        c->buf = mt_hex(sp + 1, &c->len);
        c->chain = strncmp(line, "chain-", 6) == 0;
    }
    free(text);
}

static int parse(const corpus_msg *c, const unsigned char *buf, size_t len, mikey_msg **m, mikey_parse_error *e)
{
    if (c->chain)
        return mikey_chain_parse(NULL, MIKEY_PT_KEYDATA, buf, len, NULL, m, e);
    return mikey_msg_parse(NULL, buf, len, NULL, m, e);
}

static int reencodes_identically(mikey_msg *m, const unsigned char *buf, size_t len)
{
    size_t need = mikey_msg_encoded_len(m), outlen;
    unsigned char *out = malloc(need + 1);
    int ok = mikey_msg_encode(m, out, need, &outlen) == MIKEY_OK && outlen == len && memcmp(out, buf, len) == 0;
    free(out);
    return ok;
}

static void test_corpus_roundtrip(void)
{
    load_corpus();
    MT_REQUIRE(ncorpus >= 15);
    for (size_t i = 0; i < ncorpus; i++) {
        mikey_msg *m = NULL;
        mikey_parse_error e;
        int rc = parse(&corpus[i], corpus[i].buf, corpus[i].len, &m, &e);
        if (rc) {
            mt_fail(__FILE__, __LINE__, "%s: %s at %zu: %s", corpus[i].name, mikey_err_name(rc), e.offset, e.detail);
            continue;
        }
        MT_CHECK(reencodes_identically(m, corpus[i].buf, corpus[i].len));
        /* raw spans tile the input exactly. */
        size_t off = 0;
        for (size_t k = 0; k < mikey_msg_count(m); k++) {
            const mikey_payload *p = mikey_msg_at(m, k);
            MT_EQ_INT(p->offset, off);
            MT_CHECK(p->raw.p == corpus[i].buf + off);
            off += p->raw.len;
        }
        MT_EQ_INT(off, corpus[i].len);
        MT_EQ_INT(mikey_msg_leniencies(m), 0);
        mikey_msg_free(m);
    }
}

static void test_truncation_every_byte(void)
{
    load_corpus();
    for (size_t i = 0; i < ncorpus; i++) {
        const corpus_msg *c = &corpus[i];
        for (size_t n = 0; n < c->len; n++) {
            unsigned char *cut = malloc(n ? n : 1); /* exact size: ASan sees any over-read */
            memcpy(cut, c->buf, n);
            mikey_msg *m = NULL;
            mikey_parse_error e;
            int rc = parse(c, cut, n, &m, &e);
            if (c->chain && n == 0) { /* an empty chain is valid (an update KEMAC) */
                MT_EQ_INT(rc, MIKEY_OK);
                mikey_msg_free(m);
                free(cut);
                continue;
            }
            if (rc != MIKEY_ERR_TRUNCATED && rc != MIKEY_ERR_LENGTH)
                mt_fail(__FILE__, __LINE__, "%s cut at %zu: got %s (%s)", c->name, n, mikey_err_name(rc), e.detail);
            MT_CHECK(m == NULL);
            MT_EQ_INT(e.err, rc);
            MT_CHECK(e.offset <= n);
            MT_CHECK(e.detail[0] != 0);
            free(cut);
        }
    }
}

typedef struct lenfield {
    size_t off;     /* absolute offset of the field's first byte */
    unsigned bytes; /* 1 or 2 */
    unsigned mask;  /* bits that hold the length */
    int tlv;        /* an SP param Length inside a TLV list whose total is fixed */
} lenfield;

static size_t kv_fields(const mikey_kv *kv, size_t at, lenfield *lf, size_t n)
{
    if (kv->type == MIKEY_KV_SPI)
        lf[n++] = (lenfield){at, 1, 0xff, 0};
    else if (kv->type == MIKEY_KV_INTERVAL) {
        lf[n++] = (lenfield){at, 1, 0xff, 0};
        lf[n++] = (lenfield){at + 1 + kv->valid_from.len, 1, 0xff, 0};
    }
    return n;
}

/* Every length field of a parsed payload, located from its decoded fields. */
static size_t length_fields(const mikey_payload *p, lenfield *lf)
{
    size_t o = p->offset, n = 0;
    switch (p->type) {
    case MIKEY_PT_HDR: /* #CS fixes the map info length of SRTP-ID and GENERIC-ID (not of the Empty map) */
        if (p->u.hdr.map_type != MIKEY_MAP_EMPTY)
            lf[n++] = (lenfield){o + 8, 1, 0xff, 0};
        break;
    case MIKEY_PT_KEMAC: lf[n++] = (lenfield){o + 2, 2, 0xffff, 0}; break;
    case MIKEY_PT_PKE: lf[n++] = (lenfield){o + 1, 2, 0x3fff, 0}; break;
    case MIKEY_PT_SIGN: lf[n++] = (lenfield){o, 2, 0x0fff, 0}; break;
    case MIKEY_PT_ID: case MIKEY_PT_CERT: lf[n++] = (lenfield){o + 2, 2, 0xffff, 0}; break;
    case MIKEY_PT_IDR: lf[n++] = (lenfield){o + 3, 2, 0xffff, 0}; break;
    case MIKEY_PT_RAND: lf[n++] = (lenfield){o + 1, 1, 0xff, 0}; break;
    case MIKEY_PT_RANDR: lf[n++] = (lenfield){o + 2, 1, 0xff, 0}; break;
    case MIKEY_PT_GENEXT: lf[n++] = (lenfield){o + 2, 2, 0xffff, 0}; break;
    case MIKEY_PT_SAKKE: lf[n++] = (lenfield){o + 3, 2, 0xffff, 0}; break;
    case MIKEY_PT_IBAKE: case MIKEY_PT_ESK: lf[n++] = (lenfield){o + 1, 2, 0xffff, 0}; break;
    case MIKEY_PT_SK:
        lf[n++] = (lenfield){o + 2, 2, 0xffff, 0};
        n = kv_fields(&p->u.sk.kv, o + 4 + p->u.sk.key.len, lf, n);
        break;
    case MIKEY_PT_DH: n = kv_fields(&p->u.dh.kv, o + 3 + p->u.dh.value.len, lf, n); break;
    case MIKEY_PT_ECCPT: n = kv_fields(&p->u.eccpt.kv, o + 6 + p->u.eccpt.point.len, lf, n); break;
    case MIKEY_PT_SP: {
        lf[n++] = (lenfield){o + 3, 2, 0xffff, 0};
        size_t off = 0, prev = 0;
        mikey_sp_param prm;
        while (mikey_sp_param_next(&p->u.sp, &off, &prm) == MIKEY_OK) {
            lf[n++] = (lenfield){o + 5 + prev + 1, 1, 0xff, 1};
            prev = off;
        }
        break;
    }
    case MIKEY_PT_KEYDATA: {
        const mikey_keydata *k = &p->u.keydata;
        size_t at = o + 4 + k->key.len;
        lf[n++] = (lenfield){o + 2, 2, 0xffff, 0};
        if (k->type == MIKEY_KEY_TGK_SALT || k->type == MIKEY_KEY_TEK_SALT || k->type == MIKEY_KEY_GTGK_SALT) {
            lf[n++] = (lenfield){at, 2, 0xffff, 0};
            at += 2 + k->salt.len;
        }
        n = kv_fields(&k->kv, at, lf, n);
        break;
    }
    case MIKEY_PT_TP: case MIKEY_PT_TICKET: {
        const mikey_ticket *t = &p->u.ticket;
        lf[n++] = (lenfield){o + 8, 2, 0xffff, 0};
        if (p->type == MIKEY_PT_TICKET) {
            lf[n++] = (lenfield){o + 10 + t->tp_data.len, 2, 0xffff, 0};
            lf[n++] = (lenfield){o + 12 + t->tp_data.len + t->ticket_data.len, 2, 0xffff, 0};
        }
        break;
    }
    default: break;
    }
    return n;
}

static void test_length_fields_off_by_one(void)
{
    load_corpus();
    size_t tried = 0;
    for (size_t i = 0; i < ncorpus; i++) {
        const corpus_msg *c = &corpus[i];
        mikey_msg *m = NULL;
        if (parse(c, c->buf, c->len, &m, NULL) != MIKEY_OK)
            continue;
        for (size_t k = 0; k < mikey_msg_count(m); k++) {
            lenfield lf[64];
            size_t nf = length_fields(mikey_msg_at(m, k), lf);
            for (size_t f = 0; f < nf; f++) {
                unsigned cur = lf[f].bytes == 1 ? c->buf[lf[f].off]
                                                : (unsigned)(c->buf[lf[f].off] << 8 | c->buf[lf[f].off + 1]);
                for (int delta = -1; delta <= 1; delta += 2) {
                    unsigned v = cur & lf[f].mask;
                    if ((delta < 0 && v == 0) || (delta > 0 && v == lf[f].mask))
                        continue;
                    unsigned nv = (cur & ~lf[f].mask) | ((v + (unsigned)delta) & lf[f].mask);
                    unsigned char *mut = malloc(c->len);
                    memcpy(mut, c->buf, c->len);
                    if (lf[f].bytes == 1)
                        mut[lf[f].off] = (unsigned char)nv;
                    else {
                        mut[lf[f].off] = (unsigned char)(nv >> 8);
                        mut[lf[f].off + 1] = (unsigned char)nv;
                    }
                    mikey_msg *mm = NULL;
                    mikey_parse_error e;
                    int rc = parse(c, mut, c->len, &mm, &e);
                    tried++;
                    if (rc == MIKEY_OK && lf[f].tlv) {
                        /* Shortening one TLV inside a fixed-length list can
                         * yield a different but valid TLV sequence (e.g.
                         * "00 00 | 01 01 01 | ..."): acceptable only if it
                         * is a different parse that re-encodes losslessly. */
                        const mikey_payload *a = mikey_msg_at(m, k), *b2 = mikey_msg_at(mm, k);
                        MT_CHECK(b2 && b2->type == MIKEY_PT_SP);
                        MT_CHECK(reencodes_identically(mm, mut, c->len));
                        size_t o1 = 0, o2 = 0;
                        mikey_sp_param p1, p2;
                        int differs = 0;
                        while (!differs) {
                            int r1 = mikey_sp_param_next(&a->u.sp, &o1, &p1);
                            int r2 = mikey_sp_param_next(&b2->u.sp, &o2, &p2);
                            if (r1 != r2)
                                differs = 1;
                            else if (r1 != MIKEY_OK)
                                break;
                            else if (p1.type != p2.type || p1.value.len != p2.value.len)
                                differs = 1;
                        }
                        MT_CHECK(differs);
                        mikey_msg_free(mm);
                    } else if (rc == MIKEY_OK) {
                        mt_fail(__FILE__, __LINE__, "%s: %s length field at offset %zu %+d accepted", c->name,
                                mikey_pt_name(mikey_msg_at(m, k)->type), lf[f].off, delta);
                        mikey_msg_free(mm);
                    } else {
                        MT_CHECK(e.offset <= c->len && e.detail[0]);
                    }
                    free(mut);
                }
            }
        }
        mikey_msg_free(m);
    }
    MT_CHECK(tried > 100);
}

static void test_single_byte_corruption(void)
{
    load_corpus();
    static const unsigned char vals[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
    for (size_t i = 0; i < ncorpus; i++) {
        const corpus_msg *c = &corpus[i];
        unsigned char *mut = malloc(c->len);
        for (size_t pos = 0; pos < c->len; pos++) {
            for (size_t v = 0; v < sizeof vals; v++) {
                memcpy(mut, c->buf, c->len);
                mut[pos] ^= vals[v] ? vals[v] : 0x55;
                mikey_msg *m = NULL;
                if (parse(c, mut, c->len, &m, NULL) == MIKEY_OK) {
                    MT_CHECK(reencodes_identically(m, mut, c->len));
                    mikey_msg_free(m);
                } else {
                    MT_CHECK(m == NULL);
                }
            }
        }
        free(mut);
    }
}

static void test_structure_errors(void)
{
    size_t len;
    mikey_msg *m = NULL;
    mikey_parse_error e;
    /* Version 2 (RFC 3830 §6.1: version 1 only). */
    unsigned char *b = mt_hex("02 00 00 00 00000001 00 00", &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, NULL, &m, &e), MIKEY_ERR_VERSION);
    MT_EQ_INT(e.offset, 0);
    free(b);
    /* Unknown next payload 18 (unassigned). */
    b = mt_hex("01 00 12 00 00000001 00 00 00", &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, NULL, &m, &e), MIKEY_ERR_UNKNOWN_PAYLOAD);
    MT_EQ_INT(e.offset, 10);
    MT_CHECK(strstr(e.detail, "18") != NULL);
    free(b);
    /* Unknown CS ID map type 7 (minisip's private type). */
    b = mt_hex("01 00 00 00 00000001 01 07 00", &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, NULL, &m, &e), MIKEY_ERR_UNSUPPORTED);
    MT_EQ_STR(e.field, "CS ID map type");
    free(b);
    /* Bytes after the last payload. */
    b = mt_hex("01 00 00 00 00000001 00 01 ff", &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, NULL, &m, &e), MIKEY_ERR_TRAILING);
    MT_EQ_INT(e.offset, 10);
    free(b);
    /* Bytes after SIGN (which has no Next payload and must be last). */
    b = mt_hex("01 00 04 00 00000001 00 01 0001 aa bb", &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, NULL, &m, &e), MIKEY_ERR_TRAILING);
    free(b);
    /* Unknown DH group 3: the value length cannot be known. */
    b = mt_hex("01 04 03 00 00000001 00 01 00 03 00", &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, NULL, &m, &e), MIKEY_ERR_UNSUPPORTED);
    MT_EQ_INT(e.payload_type, MIKEY_PT_DH);
    MT_EQ_INT(e.payload_index, 1);
    MT_EQ_STR(e.field, "DH-Group");
    free(b);
    /* Unknown KV type 3 in a key data sub-payload. */
    b = mt_hex("00 03 0000", &len);
    MT_EQ_INT(mikey_chain_parse(NULL, MIKEY_PT_KEYDATA, b, len, NULL, &m, &e), MIKEY_ERR_UNSUPPORTED);
    MT_EQ_STR(e.field, "KV");
    free(b);
    /* SP param TLV overrunning the policy param length. */
    b = mt_hex("01 00 0a 00 00000001 00 01 00 00 00 0003 00 05 01", &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, NULL, &m, &e), MIKEY_ERR_LENGTH);
    MT_EQ_STR(e.field, "Length");
    free(b);
    /* Empty input. */
    MT_EQ_INT(mikey_msg_parse(NULL, (const uint8_t *)"", 0, NULL, &m, &e), MIKEY_ERR_TRUNCATED);
    MT_EQ_INT(mikey_msg_parse(NULL, NULL, 0, NULL, &m, &e), MIKEY_ERR_INVALID_ARG);
}

static void test_limits(void)
{
    mikey_limits lim;
    mikey_limits_default(&lim);
    mikey_parse_opts opts = {&lim, 0};
    mikey_msg *m = NULL;
    mikey_parse_error e;
    size_t len;
    /* Payload count: 70 RAND payloads exceed the default 64. */
    char hex[8192] = "01000b0000000001 0001";
    for (int i = 0; i < 70; i++)
        strcat(hex, i == 69 ? " 00 01 aa" : " 0b 01 aa");
    unsigned char *b = mt_hex(hex, &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, &opts, &m, &e), MIKEY_ERR_LIMIT);
    lim.max_payloads = 100;
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, &opts, &m, &e), MIKEY_OK);
    mikey_msg_free(m);
    free(b);
    /* Message size. */
    mikey_limits_default(&lim);
    lim.max_msg_len = 10;
    b = mt_hex("01 00 0b 00 00000001 00 01 00 01 aa", &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, &opts, &m, &e), MIKEY_ERR_LIMIT);
    free(b);
    /* ID length. */
    mikey_limits_default(&lim);
    lim.max_id_len = 3;
    b = mt_hex("01 00 06 00 00000001 00 01 00 01 0004 61626364", &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, &opts, &m, &e), MIKEY_ERR_LIMIT);
    MT_EQ_STR(e.field, "ID len");
    lim.max_id_len = 4;
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, &opts, &m, &e), MIKEY_OK);
    mikey_msg_free(m);
    free(b);
    /* SP param count. */
    mikey_limits_default(&lim);
    lim.max_sp_params = 2;
    b = mt_hex("01 00 0a 00 00000001 00 01 00 00 00 0009 00 01 01 01 01 10 02 01 01", &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, &opts, &m, &e), MIKEY_ERR_LIMIT);
    free(b);
    /* Nesting depth: a TP whose TP Data holds a TP whose TP data holds ... */
    mikey_limits_default(&lim);
    lim.max_depth = 1;
    b = mt_hex("01 0b 10 00 00000001 00 01"
               " 00 0001 01 01 00 00 00 000b"
               "   10 00 0001 01 01 00 00 00 0000",
               &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, &opts, &m, &e), MIKEY_OK);
    mikey_msg_free(m);
    free(b);
    b = mt_hex("01 0b 10 00 00000001 00 01"
               " 00 0001 01 01 00 00 00 0016"
               "   10 00 0001 01 01 00 00 00 000b"
               "      10 00 0001 01 01 00 00 00 0000",
               &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, &opts, &m, &e), MIKEY_ERR_LIMIT);
    lim.max_depth = 2;
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, &opts, &m, &e), MIKEY_OK);
    mikey_msg_free(m);
    free(b);
}

static void test_lenient_empty_map_info16(void)
{
    /* Named leniency MIKEY_LENIENT_EMPTY_MAP_INFO16 (docs/interop.md): an
     * Empty map (RFC 4563) written with a 2-byte info, the pre-erratum-2654
     * reading of "CS ID map info (16 bits)", as wolfSSL does. */
    size_t len;
    unsigned char *b = mt_hex("01 1a 0b 00 00000001 00 01 0000  00 04 01020304", &len);
    mikey_msg *m = NULL;
    mikey_parse_error e;
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, NULL, &m, &e), MIKEY_OK);
    MT_REQUIRE(m);
    MT_EQ_INT(mikey_msg_leniencies(m), MIKEY_LENIENT_EMPTY_MAP_INFO16);
    MT_EQ_STR(mikey_lenient_name(MIKEY_LENIENT_EMPTY_MAP_INFO16), "empty-map-info16");
    MT_EQ_INT(mikey_msg_hdr(m)->map_info.len, 2);
    MT_EQ_INT(mikey_msg_find(m, MIKEY_PT_RAND, 0)->u.rand.data.len, 4);
    MT_CHECK(reencodes_identically(m, b, len));
    /* The builder reproduces it too. */
    mikey_msg *bm = NULL;
    MT_EQ_INT(mikey_msg_new(NULL, 0, &bm), MIKEY_OK);
    for (size_t i = 0; i < mikey_msg_count(m); i++)
        MT_EQ_INT(mikey_msg_append(bm, mikey_msg_at(m, i)), MIKEY_OK);
    MT_CHECK(reencodes_identically(bm, b, len));
    mikey_msg_free(bm);
    mikey_msg_free(m);
    /* Strict mode refuses it, with the error of the standard reading. */
    mikey_parse_opts strict = {NULL, 1};
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, &strict, &m, &e), MIKEY_ERR_TRAILING);
    free(b);
    /* Non-zero info bytes are not this leniency. */
    b = mt_hex("01 1a 0b 00 00000001 00 01 0001  00 04 01020304", &len);
    MT_CHECK(mikey_msg_parse(NULL, b, len, NULL, &m, &e) != MIKEY_OK);
    free(b);
    /* The standard reading (no info) is preferred when it parses. */
    b = mt_hex("01 1a 0b 00 00000001 00 01  00 04 01020304", &len);
    MT_EQ_INT(mikey_msg_parse(NULL, b, len, NULL, &m, &e), MIKEY_OK);
    MT_EQ_INT(mikey_msg_leniencies(m), 0);
    mikey_msg_free(m);
    free(b);
}

static void test_builder_refusals(void)
{
    mikey_msg *m = NULL;
    MT_REQUIRE(mikey_msg_new(NULL, 0, &m) == MIKEY_OK);
    mikey_payload p;
    memset(&p, 0, sizeof p);
    /* The HDR comes first. */
    p.type = MIKEY_PT_RAND;
    p.u.rand.data.p = (const uint8_t *)"0123456789abcdef";
    p.u.rand.data.len = 16;
    MT_EQ_INT(mikey_msg_append(m, &p), MIKEY_ERR_SYNTAX);
    mikey_payload h;
    memset(&h, 0, sizeof h);
    h.type = MIKEY_PT_HDR;
    h.u.hdr.version = 1;
    h.u.hdr.ncs = 1; /* SRTP-ID with #CS 1 needs 9 bytes of map info */
    MT_EQ_INT(mikey_msg_append(m, &h), MIKEY_ERR_FIELD);
    h.u.hdr.ncs = 0;
    h.u.hdr.prf = 0x80; /* 7 bits */
    MT_EQ_INT(mikey_msg_append(m, &h), MIKEY_ERR_FIELD);
    h.u.hdr.prf = 0;
    MT_EQ_INT(mikey_msg_append(m, &h), MIKEY_OK);
    MT_EQ_INT(mikey_msg_append(m, &h), MIKEY_ERR_SYNTAX); /* one HDR */
    /* Implicit lengths must match. */
    mikey_payload t;
    memset(&t, 0, sizeof t);
    t.type = MIKEY_PT_T;
    t.u.ts.ts_type = MIKEY_TS_NTP_UTC;
    t.u.ts.value.p = (const uint8_t *)"1234";
    t.u.ts.value.len = 4;
    MT_EQ_INT(mikey_msg_append(m, &t), MIKEY_ERR_FIELD);
    t.u.ts.ts_type = MIKEY_TS_COUNTER;
    MT_EQ_INT(mikey_msg_append(m, &t), MIKEY_OK);
    /* Field widths: RAND len is 8 bits. */
    static uint8_t big[4096];
    p.u.rand.data.p = big;
    p.u.rand.data.len = 256;
    MT_EQ_INT(mikey_msg_append(m, &p), MIKEY_ERR_FIELD);
    /* SIGN is last. */
    mikey_payload s;
    memset(&s, 0, sizeof s);
    s.type = MIKEY_PT_SIGN;
    s.u.sign.sig.p = big;
    s.u.sign.sig.len = 4096; /* 12 bits */
    MT_EQ_INT(mikey_msg_append(m, &s), MIKEY_ERR_FIELD);
    s.u.sign.sig.len = 4095;
    MT_EQ_INT(mikey_msg_append(m, &s), MIKEY_OK);
    p.u.rand.data.len = 16;
    MT_EQ_INT(mikey_msg_append(m, &p), MIKEY_ERR_SYNTAX); /* nothing after SIGN */
    /* A span with a length but no pointer is refused. */
    mikey_msg *c = NULL;
    MT_REQUIRE(mikey_msg_new(NULL, 1, &c) == MIKEY_OK);
    p.u.rand.data.p = NULL;
    MT_EQ_INT(mikey_msg_append(c, &p), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_msg_append(c, &h), MIKEY_ERR_SYNTAX); /* no HDR in a chain */
    mikey_msg_free(c);
    mikey_msg_free(m);
}

MT_MAIN(test_corpus_roundtrip, test_truncation_every_byte, test_length_fields_off_by_one,
        test_single_byte_corruption, test_structure_errors, test_limits, test_lenient_empty_map_info16,
        test_builder_refusals)
