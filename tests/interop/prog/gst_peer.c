/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gst_peer: GStreamer's MIKEY implementation (GstMIKEYMessage, libgstsdp
 * 1.22) as a real peer for tests/interop/gstreamer.sh.
 *
 *   gst_peer parse FILE   GStreamer parses FILE (gst_mikey_message_new_from_data);
 *                         print what it decoded (the "view" below), then
 *                         "reencode <hex>" (gst_mikey_message_to_bytes of
 *                         what it parsed). Exit 0, or 1 if GStreamer refuses.
 *                         Run it under a watchdog: GStreamer 1.22 loops
 *                         forever on payloads it does not decode.
 *   gst_peer ours FILE    our library parses FILE; print the same view.
 *                         Exit 3 (reason on stderr) if the message holds
 *                         anything GStreamer cannot parse without hanging or
 *                         failing, so the script must not feed it to GStreamer;
 *                         1 if our parser refuses it.
 *   gst_peer emit OUTDIR  GStreamer's API CREATES messages: OUTDIR/<name>.bin
 *                         (gst_mikey_message_to_bytes) and OUTDIR/<name>.gst
 *                         (the view of GStreamer's own message object).
 *
 * The view is one line per item: the HDR and its SRTP-ID map, then per
 * payload its fields as GStreamer models them. GStreamer keeps no KEMAC
 * MAC value and no Encr data length, and models a Key data type as TGK/TEK
 * plus an optional salt (the type's salt bit is "salt present"), so the
 * view does the same for both sides (docs/interop.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wcast-qual"
#include <gst/gst.h>
#include <gst/sdp/gstmikey.h>
#pragma GCC diagnostic pop

#include "openmikey/message.h"

#define MAXFILE 65536

static void hex(FILE *o, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(o, "%02x", p[i]);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *b = malloc(MAXFILE);
    size_t n = b ? fread(b, 1, MAXFILE, f) : 0;
    int bad = ferror(f) || !feof(f);
    fclose(f);
    if (!b || bad) {
        free(b);
        return NULL;
    }
    *len = n;
    return b;
}

/* ---------------------------------------------------------------------- */
/* The view of a GStreamer message                                         */
/* ---------------------------------------------------------------------- */

static int ts_len(int type) { return type == 0 || type == 1 ? 8 : type == 2 ? 4 : 0; }

static void gst_view_keydata(FILE *o, const GstMIKEYPayloadKeyData *k)
{
    fprintf(o, "  KEYDATA kind=%d key_len=%u key=", (int)k->key_type, (unsigned)k->key_len);
    hex(o, k->key_data, k->key_len);
    fprintf(o, " salt_len=%u salt=", (unsigned)k->salt_len);
    hex(o, k->salt_data, k->salt_len);
    fprintf(o, " kv=%d", (int)k->kv_type);
    if (k->kv_type == GST_MIKEY_KV_SPI || k->kv_type == GST_MIKEY_KV_INTERVAL) {
        fprintf(o, " kv0=");
        hex(o, k->kv_data[0], k->kv_len[0]);
    }
    if (k->kv_type == GST_MIKEY_KV_INTERVAL) {
        fprintf(o, " kv1=");
        hex(o, k->kv_data[1], k->kv_len[1]);
    }
    fputc('\n', o);
}

static void gst_view(FILE *o, const GstMIKEYMessage *m)
{
    guint ncs = gst_mikey_message_get_n_cs(m);
    fprintf(o, "HDR version=%u type=%d v=%d prf=%d csb=0x%08x map=%d ncs=%u\n", (unsigned)m->version, (int)m->type,
            m->V ? 1 : 0, (int)m->prf_func, (unsigned)m->CSB_id, (int)m->map_type, ncs);
    for (guint i = 0; i < ncs; i++) {
        const GstMIKEYMapSRTP *cs = gst_mikey_message_get_cs_srtp(m, i);
        fprintf(o, "  CS policy=%u ssrc=0x%08x roc=0x%08x\n", (unsigned)cs->policy, (unsigned)cs->ssrc,
                (unsigned)cs->roc);
    }
    for (guint i = 0; i < gst_mikey_message_get_n_payloads(m); i++) {
        const GstMIKEYPayload *p = gst_mikey_message_get_payload(m, i);
        switch (p->type) {
        case GST_MIKEY_PT_T: {
            const GstMIKEYPayloadT *t = (const GstMIKEYPayloadT *)p;
            fprintf(o, "T type=%d value=", (int)t->type);
            hex(o, t->ts_value, (size_t)ts_len(t->type));
            fputc('\n', o);
            break;
        }
        case GST_MIKEY_PT_RAND: {
            const GstMIKEYPayloadRAND *r = (const GstMIKEYPayloadRAND *)p;
            fprintf(o, "RAND len=%u data=", (unsigned)r->len);
            hex(o, r->rand, r->len);
            fputc('\n', o);
            break;
        }
        case GST_MIKEY_PT_SP: {
            guint n = gst_mikey_payload_sp_get_n_params(p);
            const GstMIKEYPayloadSP *s = (const GstMIKEYPayloadSP *)p;
            fprintf(o, "SP policy=%u proto=%d nparams=%u\n", s->policy, (int)s->proto, n);
            for (guint j = 0; j < n; j++) {
                const GstMIKEYPayloadSPParam *sp = gst_mikey_payload_sp_get_param(p, j);
                fprintf(o, "  PARAM type=%u len=%u val=", (unsigned)sp->type, (unsigned)sp->len);
                hex(o, sp->val, sp->len);
                fputc('\n', o);
            }
            break;
        }
        case GST_MIKEY_PT_PKE: {
            const GstMIKEYPayloadPKE *k = (const GstMIKEYPayloadPKE *)p;
            fprintf(o, "PKE c=%d len=%u data=", (int)k->C, (unsigned)k->data_len);
            hex(o, k->data, k->data_len);
            fputc('\n', o);
            break;
        }
        case GST_MIKEY_PT_KEMAC: {
            const GstMIKEYPayloadKEMAC *k = (const GstMIKEYPayloadKEMAC *)p;
            guint n = gst_mikey_payload_kemac_get_n_sub(p);
            fprintf(o, "KEMAC enc=%d mac=%d nsub=%u\n", (int)k->enc_alg, (int)k->mac_alg, n);
            for (guint j = 0; j < n; j++) {
                const GstMIKEYPayload *sub = gst_mikey_payload_kemac_get_sub(p, j);
                if (sub->type == GST_MIKEY_PT_KEY_DATA)
                    gst_view_keydata(o, (const GstMIKEYPayloadKeyData *)sub);
                else
                    fprintf(o, "  SUB type=%d\n", (int)sub->type);
            }
            break;
        }
        default:
            fprintf(o, "PAYLOAD type=%d\n", (int)p->type);
            break;
        }
    }
}

/* ---------------------------------------------------------------------- */
/* The same view of our parse, and what GStreamer can be fed               */
/* ---------------------------------------------------------------------- */

/* NULL if GStreamer 1.22 parses the message, else why not. Its parser
 * (payloads_from_bytes) never advances on DH, SIGN, ID, CERT, CHASH, V,
 * ERR, GEN EXT or any type it does not know (IDR, SAKKE, RFC 6043/6267
 * payloads): it loops forever. A KEMAC is read only in PSK init (Key data
 * sub-payloads; PK init expects an ID first: the same loop) and its Encr
 * data is parsed as Key data without decryption, so it must be NULL
 * encrypted. */
static const char *gst_limit(const mikey_msg *m)
{
    const mikey_hdr *h = mikey_msg_hdr(m);
    if (mikey_msg_leniencies(m))
        return "parsed only with a leniency";
    if (h->map_type == MIKEY_MAP_GENERIC_ID || (h->map_type == MIKEY_MAP_EMPTY && h->ncs))
        return "GStreamer reads only SRTP-ID maps";
    for (size_t i = 1; i < mikey_msg_count(m); i++) {
        const mikey_payload *p = mikey_msg_at(m, i);
        switch (p->type) {
        case MIKEY_PT_T:
            if (p->u.ts.ts_type > MIKEY_TS_COUNTER)
                return "TS type unknown to GStreamer";
            break;
        case MIKEY_PT_RAND:
        case MIKEY_PT_SP:
        case MIKEY_PT_PKE:
            break;
        case MIKEY_PT_KEMAC: {
            if (h->data_type != MIKEY_DT_PSK_INIT)
                return "KEMAC outside PSK init (GStreamer fails or loops)";
            if (p->u.kemac.encr_alg != MIKEY_ENCR_NULL)
                return "encrypted KEMAC (GStreamer parses ciphertext as Key data)";
            if (p->u.kemac.mac_alg > MIKEY_MAC_HMAC_SHA1_160)
                return "KEMAC MAC unknown to GStreamer";
            mikey_msg *c = NULL;
            if (mikey_chain_parse(NULL, MIKEY_PT_KEYDATA, p->u.kemac.encr_data.p, p->u.kemac.encr_data.len, NULL,
                                  &c, NULL) != MIKEY_OK)
                return "KEMAC data is not a Key data chain";
            const char *why = NULL;
            for (size_t j = 0; j < mikey_msg_count(c) && !why; j++) {
                const mikey_payload *k = mikey_msg_at(c, j);
                if (k->type != MIKEY_PT_KEYDATA || k->u.keydata.type > MIKEY_KEY_TEK_SALT)
                    why = "Key data type other than TGK/TGK+SALT/TEK/TEK+SALT";
            }
            mikey_msg_free(c);
            if (why)
                return why;
            break;
        }
        default: {
            static char why[96];
            snprintf(why, sizeof why, "payload %s (GStreamer 1.22 never advances past it: endless loop)",
                     mikey_pt_name(p->type));
            return why;
        }
        }
    }
    return NULL;
}

static void our_view(FILE *o, const mikey_msg *m)
{
    const mikey_hdr *h = mikey_msg_hdr(m);
    mikey_srtp_cs cs;
    fprintf(o, "HDR version=%u type=%d v=%d prf=%d csb=0x%08x map=%d ncs=%u\n", h->version, h->data_type, h->v,
            h->prf, (unsigned)h->csb_id, h->map_type, h->ncs);
    for (size_t j = 0; h->map_type == MIKEY_MAP_SRTP_ID && mikey_hdr_srtp_cs(h, j, &cs) == MIKEY_OK; j++)
        fprintf(o, "  CS policy=%u ssrc=0x%08x roc=0x%08x\n", cs.policy_no, (unsigned)cs.ssrc, (unsigned)cs.roc);
    for (size_t i = 1; i < mikey_msg_count(m); i++) {
        const mikey_payload *p = mikey_msg_at(m, i);
        switch (p->type) {
        case MIKEY_PT_T:
            fprintf(o, "T type=%d value=", p->u.ts.ts_type);
            hex(o, p->u.ts.value.p, p->u.ts.value.len);
            fputc('\n', o);
            break;
        case MIKEY_PT_RAND:
            fprintf(o, "RAND len=%zu data=", p->u.rand.data.len);
            hex(o, p->u.rand.data.p, p->u.rand.data.len);
            fputc('\n', o);
            break;
        case MIKEY_PT_SP: {
            size_t off = 0, n = 0;
            mikey_sp_param sp;
            while (mikey_sp_param_next(&p->u.sp, &off, &sp) == MIKEY_OK)
                n++;
            fprintf(o, "SP policy=%u proto=%d nparams=%zu\n", p->u.sp.policy_no, p->u.sp.prot_type, n);
            off = 0;
            while (mikey_sp_param_next(&p->u.sp, &off, &sp) == MIKEY_OK) {
                fprintf(o, "  PARAM type=%u len=%zu val=", sp.type, sp.value.len);
                hex(o, sp.value.p, sp.value.len);
                fputc('\n', o);
            }
            break;
        }
        case MIKEY_PT_PKE:
            fprintf(o, "PKE c=%d len=%zu data=", p->u.pke.c, p->u.pke.data.len);
            hex(o, p->u.pke.data.p, p->u.pke.data.len);
            fputc('\n', o);
            break;
        case MIKEY_PT_KEMAC: {
            mikey_msg *c = NULL;
            if (mikey_chain_parse(NULL, MIKEY_PT_KEYDATA, p->u.kemac.encr_data.p, p->u.kemac.encr_data.len, NULL,
                                  &c, NULL) != MIKEY_OK)
                c = NULL;
            fprintf(o, "KEMAC enc=%d mac=%d nsub=%zu\n", p->u.kemac.encr_alg, p->u.kemac.mac_alg, mikey_msg_count(c));
            for (size_t j = 0; j < mikey_msg_count(c); j++) {
                const mikey_keydata *k = &mikey_msg_at(c, j)->u.keydata;
                /* GStreamer's model: TGK or TEK (type & 2) plus a salt */
                fprintf(o, "  KEYDATA kind=%d key_len=%zu key=", k->type & 2, k->key.len);
                hex(o, k->key.p, k->key.len);
                fprintf(o, " salt_len=%zu salt=", k->salt.len);
                hex(o, k->salt.p, k->salt.len);
                fprintf(o, " kv=%d", k->kv.type);
                if (k->kv.type == MIKEY_KV_SPI) {
                    fprintf(o, " kv0=");
                    hex(o, k->kv.spi.p, k->kv.spi.len);
                } else if (k->kv.type == MIKEY_KV_INTERVAL) {
                    fprintf(o, " kv0=");
                    hex(o, k->kv.valid_from.p, k->kv.valid_from.len);
                    fprintf(o, " kv1=");
                    hex(o, k->kv.valid_to.p, k->kv.valid_to.len);
                }
                fputc('\n', o);
            }
            mikey_msg_free(c);
            break;
        }
        default:
            fprintf(o, "PAYLOAD type=%u\n", p->type);
            break;
        }
    }
}

/* ---------------------------------------------------------------------- */
/* emit: messages created with GStreamer's API                             */
/* ---------------------------------------------------------------------- */

static int emit_one(const char *dir, const char *name, GstMIKEYMessage *m)
{
    char path[1024];
    GError *err = NULL;
    int rc = 1;
    if (!m) {
        fprintf(stderr, "gst_peer: %s: GStreamer made no message\n", name);
        return 1;
    }
    GBytes *b = gst_mikey_message_to_bytes(m, NULL, &err);
    if (!b) {
        fprintf(stderr, "gst_peer: %s: gst_mikey_message_to_bytes failed\n", name);
        g_clear_error(&err);
        gst_mikey_message_unref(m);
        return 1;
    }
    gsize n = 0;
    const guint8 *d = g_bytes_get_data(b, &n);
    snprintf(path, sizeof path, "%s/%s.bin", dir, name);
    FILE *f = fopen(path, "wb");
    if (f && fwrite(d, 1, n, f) == n && fclose(f) == 0) {
        snprintf(path, sizeof path, "%s/%s.gst", dir, name);
        f = fopen(path, "w");
        if (f) {
            gst_view(f, m);
            rc = fclose(f) == 0 ? 0 : 1;
        }
    } else if (f) {
        fclose(f);
    }
    if (rc)
        fprintf(stderr, "gst_peer: %s: cannot write to %s\n", name, dir);
    g_bytes_unref(b);
    gst_mikey_message_unref(m);
    return rc;
}

static void pattern(guint8 *p, size_t n, guint8 seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (guint8)(seed + 37 * i);
}

/* A PSK init like GStreamer's own (gst_mikey_message_new_from_caps):
 * HDR, T (now), RAND (16 random), SP, KEMAC NULL/NULL with Key data. */
static GstMIKEYMessage *psk_base(guint32 csb, guint ncs)
{
    GstMIKEYMessage *m = gst_mikey_message_new();
    gst_mikey_message_set_info(m, GST_MIKEY_VERSION, GST_MIKEY_TYPE_PSK_INIT, FALSE, GST_MIKEY_PRF_MIKEY_1, csb,
                               GST_MIKEY_MAP_TYPE_SRTP);
    for (guint i = 0; i < ncs; i++)
        gst_mikey_message_add_cs_srtp(m, (guint8)i, 0x10203040u + i, i == 2 ? 7u : 0u);
    gst_mikey_message_add_t_now_ntp_utc(m);
    gst_mikey_message_add_rand_len(m, 16);
    return m;
}

static GstMIKEYPayload *sp_payload(guint policy, const guint8 (*tv)[2], size_t n)
{
    GstMIKEYPayload *p = gst_mikey_payload_new(GST_MIKEY_PT_SP);
    gst_mikey_payload_sp_set(p, policy, GST_MIKEY_SEC_PROTO_SRTP);
    for (size_t i = 0; i < n; i++)
        gst_mikey_payload_sp_add_param(p, tv[i][0], 1, &tv[i][1]);
    return p;
}

static GstMIKEYPayload *keydata(GstMIKEYKeyDataType t, guint16 klen, guint16 slen, int kv, guint8 seed)
{
    guint8 key[64], salt[32], vf[6] = {0, 0, 0, 0, 0, 1}, vt[6] = {0, 0, 0, 1, 0, 0}, spi[4] = {0, 0, 0, 1};
    GstMIKEYPayload *p = gst_mikey_payload_new(GST_MIKEY_PT_KEY_DATA);
    pattern(key, klen, seed);
    pattern(salt, slen, (guint8)(seed + 1));
    gst_mikey_payload_key_data_set_key(p, t, klen, key);
    if (slen)
        gst_mikey_payload_key_data_set_salt(p, slen, salt);
    if (kv == 1)
        gst_mikey_payload_key_data_set_spi(p, sizeof spi, spi);
    else if (kv == 2)
        gst_mikey_payload_key_data_set_interval(p, sizeof vf, vf, sizeof vt, vt);
    return p;
}

static GstMIKEYPayload *kemac(GstMIKEYMacAlg mac, GstMIKEYPayload *k1, GstMIKEYPayload *k2)
{
    GstMIKEYPayload *p = gst_mikey_payload_new(GST_MIKEY_PT_KEMAC);
    gst_mikey_payload_kemac_set(p, GST_MIKEY_ENC_NULL, mac);
    gst_mikey_payload_kemac_add_sub(p, k1);
    if (k2)
        gst_mikey_payload_kemac_add_sub(p, k2);
    return p;
}

/* The production path (rtspsrc / rtspclientsink): caps -> message. */
static GstMIKEYMessage *from_caps(const char *cipher, const char *auth, gsize keylen)
{
    guint8 key[64];
    pattern(key, keylen, 0x5a);
    GstBuffer *buf = gst_buffer_new_memdup(key, keylen);
    GstCaps *caps = gst_caps_new_simple("application/x-srtp", "srtp-key", GST_TYPE_BUFFER, buf, "srtp-cipher",
                                        G_TYPE_STRING, cipher, "srtp-auth", G_TYPE_STRING, auth, "srtcp-cipher",
                                        G_TYPE_STRING, cipher, "srtcp-auth", G_TYPE_STRING, auth, NULL);
    GstMIKEYMessage *m = gst_mikey_message_new_from_caps(caps);
    gst_caps_unref(caps);
    gst_buffer_unref(buf);
    return m;
}

static int emit(const char *dir)
{
    static const guint8 axis[][2] = {{0, 1}, {1, 16}, {2, 1}, {3, 10}, {7, 1}, {8, 1}, {10, 1}};
    static const guint8 all13[][2] = {{0, 1}, {1, 16}, {2, 1}, {3, 20}, {4, 14}, {5, 0}, {6, 0},
                                      {7, 1}, {8, 1},  {9, 0}, {10, 1}, {11, 10}, {12, 0}};
    int fails = 0;
    GstMIKEYMessage *m;

    fails += emit_one(dir, "gst_caps_aes128_sha1_80", from_caps("aes-128-icm", "hmac-sha1-80", 30));
    fails += emit_one(dir, "gst_caps_aes256_sha1_32", from_caps("aes-256-icm", "hmac-sha1-32", 46));
    fails += emit_one(dir, "gst_caps_aes128_gcm", from_caps("aes-128-gcm", "hmac-sha1-80", 28));

    m = psk_base(0x11223344u, 1);
    gst_mikey_message_add_payload(m, sp_payload(0, axis, G_N_ELEMENTS(axis)));
    gst_mikey_message_add_payload(m, kemac(GST_MIKEY_MAC_NULL, keydata(GST_MIKEY_KD_TEK, 30, 0, 0, 1), NULL));
    fails += emit_one(dir, "gst_tek30_keysalt", m);

    m = psk_base(0x55667788u, 1);
    gst_mikey_message_add_payload(m, sp_payload(0, all13, G_N_ELEMENTS(all13)));
    gst_mikey_message_add_payload(m, kemac(GST_MIKEY_MAC_NULL, keydata(GST_MIKEY_KD_TEK, 16, 14, 0, 2), NULL));
    fails += emit_one(dir, "gst_tek_salt_sp_all13", m);

    m = psk_base(0x99aabbccu, 0);
    gst_mikey_message_add_payload(m, kemac(GST_MIKEY_MAC_NULL, keydata(GST_MIKEY_KD_TGK, 32, 0, 1, 3), NULL));
    fails += emit_one(dir, "gst_tgk_spi", m);

    m = psk_base(0xddeeff00u, 3);
    gst_mikey_message_add_payload(m, sp_payload(0, axis, G_N_ELEMENTS(axis)));
    gst_mikey_message_add_payload(m, sp_payload(1, all13, G_N_ELEMENTS(all13)));
    gst_mikey_message_add_payload(m, kemac(GST_MIKEY_MAC_NULL, keydata(GST_MIKEY_KD_TEK, 30, 0, 2, 4),
                                           keydata(GST_MIKEY_KD_TGK, 16, 14, 1, 5)));
    fails += emit_one(dir, "gst_3cs_2sp_2keys_interval", m);

    /* T of type NTP and COUNTER, given values */
    {
        static const guint8 ntp[8] = {0xeb, 0xfe, 0x6f, 0x2d, 0x80, 0x00, 0x00, 0x00};
        static const guint8 ctr[4] = {0x00, 0x00, 0x01, 0x2c};
        static const guint8 rnd[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
        m = gst_mikey_message_new();
        gst_mikey_message_set_info(m, GST_MIKEY_VERSION, GST_MIKEY_TYPE_PSK_INIT, TRUE, GST_MIKEY_PRF_MIKEY_1,
                                   0x01020304u, GST_MIKEY_MAP_TYPE_SRTP);
        gst_mikey_message_add_cs_srtp(m, 0, 0, 0);
        gst_mikey_message_add_t(m, GST_MIKEY_TS_TYPE_NTP, ntp);
        gst_mikey_message_add_rand(m, sizeof rnd, rnd);
        gst_mikey_message_add_payload(m, kemac(GST_MIKEY_MAC_NULL, keydata(GST_MIKEY_KD_TEK, 46, 0, 0, 6), NULL));
        fails += emit_one(dir, "gst_t_ntp_rand32", m);

        m = gst_mikey_message_new();
        gst_mikey_message_set_info(m, GST_MIKEY_VERSION, GST_MIKEY_TYPE_PSK_INIT, FALSE, GST_MIKEY_PRF_MIKEY_1,
                                   0x0a0b0c0du, GST_MIKEY_MAP_TYPE_SRTP);
        gst_mikey_message_add_cs_srtp(m, 0, 0xcafe0001u, 0);
        gst_mikey_message_add_t(m, GST_MIKEY_TS_TYPE_COUNTER, ctr);
        gst_mikey_message_add_rand(m, 16, rnd);
        gst_mikey_message_add_payload(m, kemac(GST_MIKEY_MAC_NULL, keydata(GST_MIKEY_KD_TEK, 30, 0, 0, 7), NULL));
        fails += emit_one(dir, "gst_t_counter", m);
    }

    /* PKE with C = 0, 1, 2 (a PK init carries KEMAC, ID/CERT and SIGN as
     * well, which GStreamer cannot write: only the envelope is made). */
    for (int c = 0; c <= 2; c++) {
        guint8 env[64];
        char name[64];
        pattern(env, sizeof env, (guint8)(0x40 + c));
        m = gst_mikey_message_new();
        gst_mikey_message_set_info(m, GST_MIKEY_VERSION, GST_MIKEY_TYPE_PK_INIT, TRUE, GST_MIKEY_PRF_MIKEY_1,
                                   0x0badcafeu, GST_MIKEY_MAP_TYPE_SRTP);
        gst_mikey_message_add_cs_srtp(m, 0, 0x01010101u, 0);
        gst_mikey_message_add_t_now_ntp_utc(m);
        gst_mikey_message_add_rand_len(m, 16);
        gst_mikey_message_add_pke(m, (GstMIKEYCacheType)c, sizeof env, env);
        snprintf(name, sizeof name, "gst_pke_c%d", c);
        fails += emit_one(dir, name, m);
    }
    return fails ? 1 : 0;
}

/* ---------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gst_peer parse FILE | ours FILE | emit OUTDIR\n");
        return 2;
    }
    if (strcmp(argv[1], "emit") == 0) {
        gst_init(NULL, NULL);
        return emit(argv[2]);
    }
    size_t len = 0;
    uint8_t *buf = slurp(argv[2], &len);
    if (!buf) {
        fprintf(stderr, "gst_peer: cannot read %s\n", argv[2]);
        return 2;
    }
    int rc = 2;
    if (strcmp(argv[1], "parse") == 0) {
        GError *err = NULL;
        gst_init(NULL, NULL);
        GstMIKEYMessage *m = gst_mikey_message_new_from_data(buf, len, NULL, &err);
        if (!m) {
            fprintf(stderr, "gst_peer: GStreamer refuses %s%s%s\n", argv[2], err ? ": " : "",
                    err ? err->message : "");
            g_clear_error(&err);
            rc = 1;
        } else {
            gst_view(stdout, m);
            GBytes *b = gst_mikey_message_to_bytes(m, NULL, &err);
            if (b) {
                gsize n = 0;
                const guint8 *d = g_bytes_get_data(b, &n);
                fputs("reencode ", stdout);
                hex(stdout, d, n);
                fputc('\n', stdout);
                g_bytes_unref(b);
            }
            g_clear_error(&err);
            /* What GStreamer hands to its SRTP elements (rtspsrc). */
            GstCaps *caps = gst_caps_new_empty_simple("application/x-srtp");
            if (gst_mikey_message_to_caps(m, caps)) {
                gchar *s = gst_caps_to_string(caps);
                printf("caps %s\n", s);
                g_free(s);
            } else {
                printf("caps none\n");
            }
            gst_caps_unref(caps);
            gst_mikey_message_unref(m);
            rc = 0;
        }
    } else if (strcmp(argv[1], "ours") == 0) {
        mikey_msg *m = NULL;
        mikey_parse_error perr;
        int prc = mikey_msg_parse(NULL, buf, len, NULL, &m, &perr);
        if (prc != MIKEY_OK) {
            fprintf(stderr, "gst_peer: we refuse %s: %s at offset %zu (%s): %s\n", argv[2], mikey_err_name(prc),
                    perr.offset, perr.field, perr.detail);
            rc = 1;
        } else {
            const char *why = gst_limit(m);
            if (why) {
                fprintf(stderr, "%s\n", why);
                rc = 3;
            } else {
                our_view(stdout, m);
                rc = 0;
            }
            mikey_msg_free(m);
        }
    }
    free(buf);
    return rc;
}
