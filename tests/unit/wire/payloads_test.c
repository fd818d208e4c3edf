/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-payload decode/encode tests. Every byte string here was written by
 * hand from the payload diagrams of the RFC section named next to it (the
 * independent source), not produced by the encoder. Each test checks the
 * decoded fields, then rebuilds the message with the builder API and checks
 * the encoding is the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "mt.h"
#include "openmikey/message.h"

/* HDR used in front of single payloads: version 1, data type 0 (PSK init),
 * next payload <np>, V=1 PRF=0, CSB ID 0x01020304, #CS 1, SRTP-ID map,
 * policy 0, SSRC 0xdeadbeef, ROC 5 (RFC 3830 §6.1, §6.1.1). */
#define HDR(np) "01 00 " np " 80 01020304 01 00 00 deadbeef 00000005"

static mikey_msg *parse_hex(const char *hex, unsigned char **buf, size_t *len)
{
    *buf = mt_hex(hex, len);
    mikey_msg *m = NULL;
    mikey_parse_error e;
    int rc = mikey_msg_parse(NULL, *buf, *len, NULL, &m, &e);
    if (rc != MIKEY_OK)
        mt_fail(__FILE__, __LINE__, "parse failed: %s at offset %zu (%s): %s", mikey_err_name(rc), e.offset,
                e.field, e.detail);
    return m;
}

/* Rebuild m payload by payload and compare the encoding with buf. */
static void check_rebuild(const mikey_msg *m, const unsigned char *buf, size_t len)
{
    mikey_msg *b = NULL;
    MT_REQUIRE(mikey_msg_new(NULL, mikey_msg_is_chain(m), &b) == MIKEY_OK);
    for (size_t i = 0; i < mikey_msg_count(m); i++)
        MT_EQ_INT(mikey_msg_append(b, mikey_msg_at(m, i)), MIKEY_OK);
    size_t need = mikey_msg_encoded_len(b), outlen = 0;
    MT_EQ_INT(need, len);
    unsigned char *out = malloc(need + 1);
    MT_EQ_INT(mikey_msg_encode(b, out, need, &outlen), MIKEY_OK);
    MT_MEMEQ(out, outlen, buf, len);
    /* Too small a buffer reports the size needed. */
    MT_EQ_INT(mikey_msg_encode(b, out, need - 1, &outlen), MIKEY_ERR_NOBUF);
    MT_EQ_INT(outlen, need);
    /* raw spans of the built message describe the encoded bytes. */
    for (size_t i = 0; i < mikey_msg_count(b); i++) {
        const mikey_payload *p = mikey_msg_at(b, i);
        MT_CHECK(p->raw.p == out + p->offset);
        MT_MEMEQ(p->raw.p, p->raw.len, mikey_msg_at(m, i)->raw.p, mikey_msg_at(m, i)->raw.len);
    }
    free(out);
    mikey_msg_free(b);
}

static void test_hdr_srtp_map(void)
{
    /* RFC 3830 §6.1 + §6.1.1, two crypto sessions, then a RAND (§6.11). */
    const char *hex = "01 05 0b 01 cafebabe 02 00"
                      " 01 11223344 00000000"
                      " 02 00000000 00000007"
                      " 00 10 000102030405060708090a0b0c0d0e0f";
    unsigned char *buf;
    size_t len;
    mikey_msg *m = parse_hex(hex, &buf, &len);
    MT_REQUIRE(m);
    const mikey_hdr *h = mikey_msg_hdr(m);
    MT_REQUIRE(h);
    MT_EQ_INT(h->version, 1);
    MT_EQ_INT(h->data_type, MIKEY_DT_DH_RESP);
    MT_EQ_INT(h->v, 0);
    MT_EQ_INT(h->prf, 1);
    MT_EQ_INT(h->csb_id, 0xcafebabe);
    MT_EQ_INT(h->ncs, 2);
    MT_EQ_INT(h->map_type, MIKEY_MAP_SRTP_ID);
    MT_EQ_INT(h->map_info.len, 18);
    mikey_srtp_cs cs;
    MT_EQ_INT(mikey_hdr_srtp_cs(h, 0, &cs), MIKEY_OK);
    MT_EQ_INT(cs.policy_no, 1);
    MT_EQ_INT(cs.ssrc, 0x11223344);
    MT_EQ_INT(cs.roc, 0);
    MT_EQ_INT(mikey_hdr_srtp_cs(h, 1, &cs), MIKEY_OK);
    MT_EQ_INT(cs.policy_no, 2);
    MT_EQ_INT(cs.ssrc, 0); /* §6.1.1: 0 = to be filled in by the responder */
    MT_EQ_INT(cs.roc, 7);
    MT_EQ_INT(mikey_hdr_srtp_cs(h, 2, &cs), MIKEY_ERR_NOT_FOUND);
    MT_EQ_INT(mikey_msg_count(m), 2);
    const mikey_payload *r = mikey_msg_at(m, 1);
    MT_EQ_INT(r->type, MIKEY_PT_RAND);
    MT_EQ_INT(r->offset, 28);
    MT_EQ_INT(r->raw.len, 18);
    MT_EQ_INT(r->u.rand.data.len, 16);
    MT_EQ_INT(r->u.rand.data.p[15], 0x0f);
    /* The builder helper produces the same map info. */
    mikey_srtp_cs in[2] = {{1, 0x11223344, 0}, {2, 0, 7}};
    unsigned char info[18];
    size_t il;
    MT_EQ_INT(mikey_build_srtp_map(in, 2, info, sizeof info, &il), MIKEY_OK);
    MT_MEMEQ(info, il, h->map_info.p, h->map_info.len);
    check_rebuild(m, buf, len);
    mikey_msg_free(m);
    free(buf);
}

static void test_hdr_generic_id(void)
{
    /* RFC 6043 §6.1.1 GENERIC-ID: CS ID 1, SRTP, S=1 #P=2 (policies 0,1),
     * session data SSRC||ROC||SEQ (10 bytes), SPI 4 bytes; CS ID 2, #P=0,
     * no session data, no SPI. Then Last payload. */
    const char *hex = "01 0e 00 00 00000001 02 02"
                      " 01 00 82 00 01 000a 11223344 00000001 0102 04 a1a2a3a4"
                      " 02 00 00 0000 00";
    unsigned char *buf;
    size_t len;
    mikey_msg *m = parse_hex(hex, &buf, &len);
    MT_REQUIRE(m);
    const mikey_hdr *h = mikey_msg_hdr(m);
    MT_EQ_INT(h->data_type, MIKEY_DT_TRANSFER_INIT);
    MT_EQ_INT(h->map_type, MIKEY_MAP_GENERIC_ID);
    size_t off = 0;
    mikey_generic_cs g;
    MT_EQ_INT(mikey_hdr_generic_cs_next(h, &off, &g), MIKEY_OK);
    MT_EQ_INT(g.cs_id, 1);
    MT_EQ_INT(g.s, 1);
    MT_EQ_INT(g.policies.len, 2);
    MT_EQ_INT(g.session_data.len, 10);
    MT_EQ_INT(g.spi.len, 4);
    MT_EQ_INT(mikey_hdr_generic_cs_next(h, &off, &g), MIKEY_OK);
    MT_EQ_INT(g.cs_id, 2);
    MT_EQ_INT(g.policies.len, 0);
    MT_EQ_INT(mikey_hdr_generic_cs_next(h, &off, &g), MIKEY_ERR_NOT_FOUND);
    mikey_generic_cs in[2];
    size_t off2 = 0;
    MT_EQ_INT(mikey_hdr_generic_cs_next(h, &off2, &in[0]), MIKEY_OK);
    MT_EQ_INT(mikey_hdr_generic_cs_next(h, &off2, &in[1]), MIKEY_OK);
    unsigned char info[64];
    size_t il;
    MT_EQ_INT(mikey_build_generic_map(in, 2, info, sizeof info, &il), MIKEY_OK);
    MT_MEMEQ(info, il, h->map_info.p, h->map_info.len);
    check_rebuild(m, buf, len);
    mikey_msg_free(m);
    free(buf);
}

static void test_kemac_keydata(void)
{
    /* RFC 3830 §6.2 KEMAC, NULL encr, HMAC-SHA-1-160 MAC (20 bytes), whose
     * Encr data is two §6.13 Key data sub-payloads:
     *   TGK+SALT, KV=SPI: next=20, type 1 kv 1, key len 16, key, salt len 14,
     *   salt, SPI len 4, SPI;
     *   TEK, KV=Interval: next=0, type 2 kv 2, key len 16, key, VF len 6, VF,
     *   VT len 6, VT. */
    const char *kd = "14 11 0010 00112233445566778899aabbccddeeff 000e 0102030405060708090a0b0c0d0e 04 00000001"
                     "00 22 0010 ffeeddccbbaa99887766554433221100 06 000000000000 06 0000ffffffff";
    size_t kdlen;
    unsigned char *kdb = mt_hex(kd, &kdlen);
    MT_EQ_INT(kdlen, 41 + 34); /* 1+1+2+16+2+14+1+4 and 1+1+2+16+1+6+1+6 */
    char hex[1024];
    snprintf(hex, sizeof hex, HDR("01") " 00 00 %04zx %s 01 %s", kdlen, kd,
             "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3");
    unsigned char *buf;
    size_t len;
    mikey_msg *m = parse_hex(hex, &buf, &len);
    MT_REQUIRE(m);
    const mikey_payload *k = mikey_msg_find(m, MIKEY_PT_KEMAC, 0);
    MT_REQUIRE(k);
    MT_EQ_INT(k->u.kemac.encr_alg, MIKEY_ENCR_NULL);
    MT_MEMEQ(k->u.kemac.encr_data.p, k->u.kemac.encr_data.len, kdb, kdlen);
    MT_EQ_INT(k->u.kemac.mac_alg, MIKEY_MAC_HMAC_SHA1_160);
    MT_EQ_INT(k->u.kemac.mac.len, 20);
    MT_EQ_INT(k->u.kemac.mac.p[0], 0xa0);

    mikey_msg *c = NULL;
    MT_REQUIRE(mikey_chain_parse(NULL, MIKEY_PT_KEYDATA, k->u.kemac.encr_data.p, k->u.kemac.encr_data.len, NULL, &c,
                                 NULL) == MIKEY_OK);
    MT_EQ_INT(mikey_msg_count(c), 2);
    MT_CHECK(mikey_msg_hdr(c) == NULL);
    const mikey_keydata *a = &mikey_msg_at(c, 0)->u.keydata, *b = &mikey_msg_at(c, 1)->u.keydata;
    MT_EQ_INT(a->type, MIKEY_KEY_TGK_SALT);
    MT_EQ_INT(a->key.len, 16);
    MT_EQ_INT(a->salt.len, 14);
    MT_EQ_INT(a->kv.type, MIKEY_KV_SPI);
    MT_EQ_INT(a->kv.spi.len, 4);
    MT_EQ_INT(b->type, MIKEY_KEY_TEK);
    MT_EQ_INT(b->salt.len, 0);
    MT_EQ_INT(b->kv.type, MIKEY_KV_INTERVAL);
    MT_EQ_INT(b->kv.valid_from.len, 6);
    MT_EQ_INT(b->kv.valid_to.len, 6);
    MT_EQ_INT(b->kv.valid_to.p[5], 0xff);
    check_rebuild(c, kdb, kdlen);
    check_rebuild(m, buf, len);
    mikey_msg_free(c);
    mikey_msg_free(m);
    free(buf);
    free(kdb);
}

static void test_pke_dh_sign(void)
{
    /* RFC 3830 §6.3 PKE: C=2, Data len 5 -> 0x8005; §6.4 DH OAKLEY 1
     * (96-byte value), Reserv 0 KV 1 with a 2-byte SPI; §6.5 SIGN type 1
     * (PSS), 12-bit length 3 -> 0x1003. SIGN has no Next payload field. */
    char hex[1024];
    char dhval[2 * 96 + 1];
    for (int i = 0; i < 96; i++)
        snprintf(dhval + 2 * i, 3, "%02x", i);
    snprintf(hex, sizeof hex, HDR("02") " 03 8005 0102030405  04 01 %s 01 02 abcd  1003 aabbcc", dhval);
    unsigned char *buf;
    size_t len;
    mikey_msg *m = parse_hex(hex, &buf, &len);
    MT_REQUIRE(m);
    MT_EQ_INT(mikey_msg_count(m), 4);
    const mikey_payload *p = mikey_msg_at(m, 1);
    MT_EQ_INT(p->type, MIKEY_PT_PKE);
    MT_EQ_INT(p->u.pke.c, 2);
    MT_EQ_INT(p->u.pke.data.len, 5);
    const mikey_payload *d = mikey_msg_at(m, 2);
    MT_EQ_INT(d->type, MIKEY_PT_DH);
    MT_EQ_INT(d->u.dh.group, MIKEY_DH_OAKLEY1);
    MT_EQ_INT(d->u.dh.value.len, 96);
    MT_EQ_INT(d->u.dh.value.p[95], 95);
    MT_EQ_INT(d->u.dh.kv.type, MIKEY_KV_SPI);
    MT_EQ_INT(d->u.dh.kv.spi.len, 2);
    const mikey_payload *s = mikey_msg_at(m, 3);
    MT_EQ_INT(s->type, MIKEY_PT_SIGN);
    MT_EQ_INT(s->u.sign.s_type, MIKEY_SIGN_RSA_PSS);
    MT_EQ_INT(s->u.sign.sig.len, 3);
    MT_EQ_INT(s->raw.len, 5);
    MT_EQ_INT(s->offset, len - 5);
    check_rebuild(m, buf, len);
    mikey_msg_free(m);
    free(buf);
}

static void test_t_id_cert_chash_v(void)
{
    /* §6.6 T: NTP-UTC (8 bytes), COUNTER (4 bytes); §6.7 ID URI and CERT
     * X.509v3 (len 3); §6.8 CHASH SHA-1 (20 bytes); §6.9 V HMAC-SHA-1
     * (20 bytes). */
    const char *hex = HDR("05") " 05 00 e1e2e3e4e5e6e7e8"
                                " 06 02 00000007"
                                " 07 01 0009 7369703a61406231"
                                "0a"
                                " 08 00 0003 308201"
                                " 09 00 000102030405060708090a0b0c0d0e0f10111213"
                                " 00 01 202122232425262728292a2b2c2d2e2f30313233";
    unsigned char *buf;
    size_t len;
    mikey_msg *m = parse_hex(hex, &buf, &len);
    MT_REQUIRE(m);
    const mikey_payload *t0 = mikey_msg_find(m, MIKEY_PT_T, 0), *t1 = mikey_msg_find(m, MIKEY_PT_T, 1);
    MT_REQUIRE(t0 && t1);
    MT_EQ_INT(t0->u.ts.ts_type, MIKEY_TS_NTP_UTC);
    MT_EQ_INT(t0->u.ts.value.len, 8);
    MT_EQ_INT(t1->u.ts.ts_type, MIKEY_TS_COUNTER);
    MT_EQ_INT(t1->u.ts.value.len, 4);
    const mikey_payload *id = mikey_msg_find(m, MIKEY_PT_ID, 0);
    MT_REQUIRE(id);
    MT_EQ_INT(id->u.id.type, MIKEY_ID_URI);
    MT_MEMEQ(id->u.id.data.p, id->u.id.data.len, "sip:a@b1\n", 9);
    const mikey_payload *cert = mikey_msg_find(m, MIKEY_PT_CERT, 0);
    MT_REQUIRE(cert);
    MT_EQ_INT(cert->u.id.data.len, 3);
    const mikey_payload *ch = mikey_msg_find(m, MIKEY_PT_CHASH, 0);
    MT_REQUIRE(ch);
    MT_EQ_INT(ch->u.chash.hash.len, 20);
    const mikey_payload *v = mikey_msg_find(m, MIKEY_PT_V, 0);
    MT_REQUIRE(v);
    MT_EQ_INT(v->u.v.auth_alg, MIKEY_MAC_HMAC_SHA1_160);
    MT_EQ_INT(v->u.v.data.p[19], 0x33);
    check_rebuild(m, buf, len);
    mikey_msg_free(m);
    free(buf);
}

static void test_sp_err_genext_rand(void)
{
    /* §6.10 SP, policy 3, SRTP, params: 0=1 (AES-CM), 1=16, 11=10, and a
     * zero-length value for type 12; §6.12 ERR no 9 reserved 0x0000; §6.15
     * General Ext. type 1 (SDP IDs) "mikey"; §6.11 RAND 16. */
    const char *hex = HDR("0a") " 0c 03 00 000b 00 01 01 01 01 10 0b 01 0a 0c 00"
                                " 15 09 0000"
                                " 0b 01 0005 6d696b6579"
                                " 00 10 f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    unsigned char *buf;
    size_t len;
    mikey_msg *m = parse_hex(hex, &buf, &len);
    MT_REQUIRE(m);
    const mikey_payload *sp = mikey_msg_find(m, MIKEY_PT_SP, 0);
    MT_REQUIRE(sp);
    MT_EQ_INT(sp->u.sp.policy_no, 3);
    MT_EQ_INT(sp->u.sp.prot_type, MIKEY_PROT_SRTP);
    size_t off = 0;
    mikey_sp_param prm;
    int types[4], n = 0;
    while (mikey_sp_param_next(&sp->u.sp, &off, &prm) == MIKEY_OK && n < 4)
        types[n++] = prm.type;
    MT_EQ_INT(n, 4);
    MT_EQ_INT(types[0], 0);
    MT_EQ_INT(types[3], 12);
    MT_EQ_INT(mikey_sp_param_find(&sp->u.sp, MIKEY_SP_AUTH_TAG_LEN, &prm), MIKEY_OK);
    MT_EQ_INT(prm.value.len, 1);
    MT_EQ_INT(prm.value.p[0], 10);
    MT_EQ_INT(mikey_sp_param_find(&sp->u.sp, MIKEY_SP_KDR, &prm), MIKEY_ERR_NOT_FOUND);
    mikey_sp_param in[4];
    off = 0;
    for (int i = 0; i < 4; i++)
        MT_EQ_INT(mikey_sp_param_next(&sp->u.sp, &off, &in[i]), MIKEY_OK);
    unsigned char pb[32];
    size_t pl;
    MT_EQ_INT(mikey_build_sp_params(in, 4, pb, sizeof pb, &pl), MIKEY_OK);
    MT_MEMEQ(pb, pl, sp->u.sp.params.p, sp->u.sp.params.len);
    const mikey_payload *e = mikey_msg_find(m, MIKEY_PT_ERR, 0);
    MT_REQUIRE(e);
    MT_EQ_INT(e->u.err.error_no, MIKEY_E_INVALID_SP);
    const mikey_payload *g = mikey_msg_find(m, MIKEY_PT_GENEXT, 0);
    MT_REQUIRE(g);
    MT_EQ_INT(g->u.genext.type, MIKEY_GENEXT_SDP_IDS);
    MT_MEMEQ(g->u.genext.data.p, g->u.genext.data.len, "mikey", 5);
    check_rebuild(m, buf, len);
    mikey_msg_free(m);
    free(buf);
}

static void test_rfc6043_payloads(void)
{
    /* RFC 6043: §6.4 TR (role 2, NTP-UTC-32), §6.6 IDR (role 3 KMS, URI),
     * §6.8 RANDR (role 1), §6.10 TP with TP Data = first payload IDR + IDR
     * (role 1, 2 bytes), and TICKET (type 1, subtype 1, version 1, PRF 1, all
     * D..O flags set, res 0) with TP data empty, ticket data 3 bytes,
     * initiator data = first payload V + V(NULL). */
    const char *hex = "01 0b 0d 00 00000009 00 01"
                      " 0e 02 03 5f5e5d5c"
                      " 0f 03 01 0004 6b6d7321"
                      " 10 01 04 01020304"
                      " 11 0001 01 01 02 00 00 0008 0e 00 01 01 0002 6964"
                      " 00 0001 01 01 03 ff e0 0000 0003 aabbcc 0003 09 00 00";
    unsigned char *buf;
    size_t len;
    mikey_msg *m = parse_hex(hex, &buf, &len);
    MT_REQUIRE(m);
    MT_EQ_INT(mikey_msg_hdr(m)->map_type, MIKEY_MAP_EMPTY);
    const mikey_payload *tr = mikey_msg_find(m, MIKEY_PT_TR, 0);
    MT_REQUIRE(tr);
    MT_EQ_INT(tr->u.ts.role, 2);
    MT_EQ_INT(tr->u.ts.ts_type, MIKEY_TS_NTP_UTC_32);
    MT_EQ_INT(tr->u.ts.value.len, 4);
    const mikey_payload *idr = mikey_msg_find(m, MIKEY_PT_IDR, 0);
    MT_REQUIRE(idr);
    MT_EQ_INT(idr->u.id.role, 3);
    MT_EQ_INT(idr->u.id.type, MIKEY_ID_URI);
    const mikey_payload *rr = mikey_msg_find(m, MIKEY_PT_RANDR, 0);
    MT_REQUIRE(rr);
    MT_EQ_INT(rr->u.rand.role, 1);
    MT_EQ_INT(rr->u.rand.data.len, 4);
    const mikey_payload *tp = mikey_msg_find(m, MIKEY_PT_TP, 0);
    MT_REQUIRE(tp);
    MT_EQ_INT(tp->u.ticket.ticket_type, 1);
    MT_EQ_INT(tp->u.ticket.prf, 1);
    MT_EQ_INT(tp->u.ticket.flags, 0);
    MT_EQ_INT(tp->u.ticket.tp_data.len, 8);
    mikey_msg *c = NULL;
    MT_REQUIRE(mikey_chain_parse_prefixed(NULL, tp->u.ticket.tp_data.p, tp->u.ticket.tp_data.len, NULL, &c, NULL) ==
               MIKEY_OK);
    MT_EQ_INT(mikey_msg_count(c), 1);
    MT_EQ_INT(mikey_msg_at(c, 0)->type, MIKEY_PT_IDR);
    mikey_msg_free(c);
    const mikey_payload *tk = mikey_msg_find(m, MIKEY_PT_TICKET, 0);
    MT_REQUIRE(tk);
    MT_EQ_INT(tk->u.ticket.prf, 1);
    MT_EQ_INT(tk->u.ticket.flags, 0x1ffe0); /* D set (bit 16), E..L 0xff, M N O set */
    MT_EQ_INT(tk->u.ticket.ticket_data.len, 3);
    MT_EQ_INT(tk->u.ticket.initiator_data.len, 3);
    check_rebuild(m, buf, len);
    mikey_msg_free(m);
    free(buf);
}

static void test_rfc6267_rfc6509_payloads(void)
{
    /* RFC 6267 §6.1.1 IBAKE (len 2), §6.1.2 ESK (len 1), §6.1.5 SK (type 1,
     * KV 0, key len 2), §6.1.4 ECCPT on P-256 (curve 8: 65-byte point padded
     * to 66 so 2 + 66 is a multiple of 4), auth alg 0, TGK len 16, KV 0;
     * RFC 6509 §4.2 SAKKE (params 1, ID scheme 1, data len 3) and §4.3 SIGN
     * type 2 (ECCSI). */
    char pt[2 * 66 + 1];
    for (int i = 0; i < 66; i++)
        snprintf(pt + 2 * i, 3, "%02x", i == 0 ? 4 : (i == 65 ? 0 : i));
    char hex[1024];
    snprintf(hex, sizeof hex,
             "01 1a 16 00 00000001 00 01"
             " 17 0002 aabb"
             " 18 0001 cc"
             " 19 10 0002 0102"
             " 1a 08 %s 00 0010 00"
             " 04 01 01 0003 010203"
             " 2004 11223344",
             pt);
    unsigned char *buf;
    size_t len;
    mikey_msg *m = parse_hex(hex, &buf, &len);
    MT_REQUIRE(m);
    MT_EQ_INT(mikey_msg_count(m), 7);
    MT_EQ_INT(mikey_msg_at(m, 1)->u.ibe.encr_data.len, 2);
    MT_EQ_INT(mikey_msg_at(m, 2)->type, MIKEY_PT_ESK);
    MT_EQ_INT(mikey_msg_at(m, 3)->u.sk.type, 1);
    const mikey_payload *e = mikey_msg_at(m, 4);
    MT_EQ_INT(e->type, MIKEY_PT_ECCPT);
    MT_EQ_INT(e->u.eccpt.point.len, 66);
    MT_EQ_INT(e->u.eccpt.tgk_len, 16);
    const mikey_payload *s = mikey_msg_at(m, 5);
    MT_EQ_INT(s->type, MIKEY_PT_SAKKE);
    MT_EQ_INT(s->u.sakke.params, 1);
    MT_EQ_INT(s->u.sakke.id_scheme, 1);
    MT_EQ_INT(s->u.sakke.data.len, 3);
    MT_EQ_INT(mikey_msg_at(m, 6)->u.sign.s_type, MIKEY_SIGN_ECCSI);
    check_rebuild(m, buf, len);
    mikey_msg_free(m);
    free(buf);
}

static void test_implicit_lengths(void)
{
    /* The value tables the decoder relies on (RFC 3830 Tables 6.2.b, 6.4,
     * 6.6, 6.8; RFC 6043 Tables 6.6, 6.8, 6.12). */
    MT_EQ_INT(mikey_dh_value_len(0), 192);
    MT_EQ_INT(mikey_dh_value_len(1), 96);
    MT_EQ_INT(mikey_dh_value_len(2), 128);
    MT_EQ_INT(mikey_dh_value_len(3), -1);
    MT_EQ_INT(mikey_ts_value_len(0), 8);
    MT_EQ_INT(mikey_ts_value_len(1), 8);
    MT_EQ_INT(mikey_ts_value_len(2), 4);
    MT_EQ_INT(mikey_ts_value_len(3), 4);
    MT_EQ_INT(mikey_ts_value_len(4), -1);
    MT_EQ_INT(mikey_mac_len(0), 0);
    MT_EQ_INT(mikey_mac_len(1), 20);
    MT_EQ_INT(mikey_mac_len(2), 32);
    MT_EQ_INT(mikey_mac_len(3), -1);
    MT_EQ_INT(mikey_hash_len(0), 20);
    MT_EQ_INT(mikey_hash_len(1), 16);
    MT_EQ_INT(mikey_hash_len(2), 32);
    MT_EQ_INT(mikey_hash_len(3), -1);
    MT_EQ_INT(mikey_eccpt_point_len(8), 66);   /* P-256: 65 -> 66 */
    MT_EQ_INT(mikey_eccpt_point_len(11), 98);  /* P-384: 97 -> 98 */
    MT_EQ_INT(mikey_eccpt_point_len(14), 134); /* P-521: 133 -> 134 */
    MT_EQ_INT(mikey_eccpt_point_len(0), -1);
    MT_EQ_INT(mikey_eccpt_point_len(17), -1);
}

static void test_names(void)
{
    MT_EQ_STR(mikey_pt_name(MIKEY_PT_HDR), "HDR");
    MT_EQ_STR(mikey_pt_name(21), "General Ext.");
    MT_EQ_STR(mikey_pt_name(18), "unknown");
    MT_EQ_STR(mikey_data_type_name(26), "SAKKE msg");
    MT_EQ_STR(mikey_data_type_name(27), "unknown");
    MT_EQ_STR(mikey_rfc_error_name(13), "Unsupported message type");
    MT_EQ_STR(mikey_srtp_param_name(20), "AEAD authentication tag length");
    MT_EQ_STR(mikey_id_role_name(9), "Hashed Responder (IDRuidr)");
    MT_EQ_STR(mikey_key_type_name(7), "K_PR");
    MT_EQ_STR(mikey_genext_type_name(7), "3GPP key parameters");
}

MT_MAIN(test_hdr_srtp_map, test_hdr_generic_id, test_kemac_keydata, test_pke_dh_sign, test_t_id_cert_chash_v,
        test_sp_err_genext_rand, test_rfc6043_payloads, test_rfc6267_rfc6509_payloads, test_implicit_lengths,
        test_names)
