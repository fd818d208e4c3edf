/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gst_mikeynull: MIKEY-NULL (PSK data type, KEMAC NULL/NULL, keys in the
 * clear over a secured RTSP/SIP transport) between GStreamer's MIKEY
 * implementation (GstMIKEYMessage, libgstsdp 1.22) and our session layer,
 * for tests/interop/gstreamer_null.sh.
 *
 *   gst_mikeynull gst2us
 *       GStreamer CREATES MIKEY-NULL messages the way its RTSP elements do:
 *       gst_mikey_message_new_from_caps() with srtp-key / srtp-cipher /
 *       srtp-auth caps (rtspsrc and rtspclientsink then add one SRTP-ID
 *       crypto session per SSRC with gst_mikey_message_add_cs_srtp), and
 *       messages built by hand (TEK+SALT, several crypto sessions). Our
 *       mikey_answer(), with a policy allowing MIKEY_MODE_NULL, must accept
 *       each and yield exactly the master key and salt GStreamer was given,
 *       with its SSRC and ROC. Prints "ok NAME" / "FAIL NAME: why".
 *
 *   gst_mikeynull us2gst OUTDIR
 *       Our mikey_offer() in MIKEY_MODE_NULL writes OUTDIR/<name>.bin, and
 *       OUTDIR/<name>.want: the agreed master key || salt per crypto
 *       session ("key <hex>") and the SSRCs ("ssrc 0x...").
 *
 *   gst_mikeynull parse FILE
 *       GStreamer parses FILE (gst_mikey_message_new_from_data) and prints
 *       "ssrc 0x...", "kemac enc=E mac=M", "keydata type=T key=<hex>
 *       salt=<hex>" and "caps <gst_mikey_message_to_caps>". Exit 1 if it
 *       refuses the message. GStreamer 1.22 loops forever on payloads it
 *       does not know: the script runs this under a watchdog.
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

#include "openmikey/session.h"

#define MAXMSG 16384

static int n_fail;

static void hex(FILE *o, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(o, "%02x", p[i]);
}

static void pattern(guint8 *p, size_t n, guint8 seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (guint8)(seed * 7 + 13 * i + 1);
}

/* ---------------------------------------------------------------------- */
/* gst2us                                                                  */
/* ---------------------------------------------------------------------- */

typedef struct gcase {
    const char *name;
    GstMIKEYMessage *m;
    /* what GStreamer was given, per crypto session */
    guint8 key[4][64];
    size_t keylen[4], saltlen[4];
    guint32 ssrc[4], roc[4];
    size_t ncs;     /* crypto sessions we must establish */
    int same_key;   /* one Key data for every crypto session */
    int zero_cs;    /* the message has #CS = 0 */
    unsigned tag;   /* SRTP auth tag length GStreamer asked for (bytes; 0: AEAD) */
} gcase;

/* The caps rtspsrc / rtspclientsink hand to gst_mikey_message_new_from_caps. */
static GstMIKEYMessage *from_caps(const char *cipher, const char *auth, const guint8 *key, gsize keylen)
{
    GstBuffer *buf = gst_buffer_new_memdup(key, keylen);
    GstCaps *caps = gst_caps_new_simple("application/x-srtp", "srtp-key", GST_TYPE_BUFFER, buf, "srtp-cipher",
                                        G_TYPE_STRING, cipher, "srtp-auth", G_TYPE_STRING, auth, "srtcp-cipher",
                                        G_TYPE_STRING, cipher, "srtcp-auth", G_TYPE_STRING, auth, NULL);
    GstMIKEYMessage *m = gst_mikey_message_new_from_caps(caps);
    gst_caps_unref(caps);
    gst_buffer_unref(buf);
    return m;
}

/* A client policy that takes what GStreamer's caps can ask for: the named
 * suites, and AES-256 with a 32-bit tag (no RFC 6188 name). */
static int camera_suites(mikey_policy *pol)
{
    static const char *const names[] = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32",
                                        "AES_256_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM"};
    mikey_srtp_params p;
    int rc;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((rc = mikey_srtp_params_suite(&p, names[i])) || (rc = mikey_policy_add_srtp(pol, &p)))
            return rc;
    if ((rc = mikey_srtp_params_suite(&p, "AES_256_CM_HMAC_SHA1_80")))
        return rc;
    p.auth_tag_len = 4;
    return mikey_policy_add_srtp(pol, &p);
}

static void check_case(gcase *c)
{
    const char *why = NULL;
    char whybuf[256];
    GError *err = NULL;
    GBytes *b = c->m ? gst_mikey_message_to_bytes(c->m, NULL, &err) : NULL;
    g_clear_error(&err);
    if (!b) {
        printf("FAIL %s: GStreamer made no message\n", c->name);
        n_fail++;
        if (c->m)
            gst_mikey_message_unref(c->m);
        return;
    }
    gsize len = 0;
    const guint8 *d = g_bytes_get_data(b, &len);

    mikey_env env;
    mikey_env_default(&env);
    mikey_creds *creds = NULL;
    mikey_policy *pol = NULL;
    mikey_ctx *ctx = NULL;
    uint8_t out[MAXMSG];
    size_t olen = 0;
    int rc;
    if ((rc = mikey_creds_new(&env, &creds)) || (rc = mikey_policy_new(&env, &pol)) ||
        (rc = mikey_policy_set_modes(pol, MIKEY_MODE_BIT(MIKEY_MODE_NULL))) || (rc = camera_suites(pol)) ||
        (rc = mikey_ctx_new(&env, creds, pol, &ctx))) {
        snprintf(whybuf, sizeof whybuf, "setup: %s", mikey_err_name(rc));
        why = whybuf;
    } else if ((rc = mikey_answer(ctx, d, len, out, sizeof out, &olen)) != MIKEY_OK) {
        snprintf(whybuf, sizeof whybuf, "mikey_answer refuses GStreamer's message: %s", mikey_err_name(rc));
        why = whybuf;
    } else if (mikey_ctx_mode(ctx) != MIKEY_MODE_NULL) {
        why = "not recognised as MIKEY-NULL";
    } else if (olen != 0) {
        why = "a response to a message without the V flag";
    } else if (mikey_ctx_cs_count(ctx) != c->ncs) {
        snprintf(whybuf, sizeof whybuf, "%zu crypto sessions, expected %zu", mikey_ctx_cs_count(ctx), c->ncs);
        why = whybuf;
    } else {
        for (size_t i = 0; i < c->ncs && !why; i++) {
            mikey_cs_keys k;
            size_t src = c->same_key ? 0 : i;
            size_t kl = c->keylen[src], sl = c->saltlen[src];
            if (mikey_ctx_cs_keys(ctx, i, &k) != MIKEY_OK) {
                why = "no keys";
            } else if (k.master_key_len != kl || memcmp(k.master_key, c->key[src], kl) != 0) {
                snprintf(whybuf, sizeof whybuf, "CS %zu: master key of %zu bytes differs from GStreamer's %zu", i + 1,
                         k.master_key_len, kl);
                why = whybuf;
            } else if (k.master_salt_len != sl || memcmp(k.master_salt, c->key[src] + kl, sl) != 0) {
                snprintf(whybuf, sizeof whybuf, "CS %zu: master salt of %zu bytes differs from GStreamer's %zu", i + 1,
                         k.master_salt_len, sl);
                why = whybuf;
            } else if (c->tag && ((k.srtp.present & (1u << MIKEY_SP_AUTH_TAG_LEN)) ? k.srtp.auth_tag_len : 10u) !=
                                     c->tag) {
                /* GStreamer writes the tag length into SP param 3 (docs/interop.md) */
                snprintf(whybuf, sizeof whybuf, "CS %zu: SRTP auth tag of %u bytes, GStreamer asked for %u", i + 1,
                         (k.srtp.present & (1u << MIKEY_SP_AUTH_TAG_LEN)) ? k.srtp.auth_tag_len : 10u, c->tag);
                why = whybuf;
            } else if (k.ssrc != c->ssrc[i] || k.roc != c->roc[i]) {
                snprintf(whybuf, sizeof whybuf, "CS %zu: SSRC 0x%08x ROC %u, GStreamer's 0x%08x %u", i + 1,
                         (unsigned)k.ssrc, (unsigned)k.roc, (unsigned)c->ssrc[i], (unsigned)c->roc[i]);
                why = whybuf;
            }
        }
    }
    if (why) {
        printf("FAIL %s: %s\n", c->name, why);
        n_fail++;
    } else {
        printf("ok   %s (%zu crypto session%s, %zu-byte key + %zu-byte salt)\n", c->name, c->ncs,
               c->ncs == 1 ? "" : "s", c->keylen[0], c->saltlen[0]);
    }
    mikey_ctx_free(ctx);
    mikey_policy_free(pol);
    mikey_creds_free(creds);
    g_bytes_unref(b);
    gst_mikey_message_unref(c->m);
}

/* rtspsrc: new_from_caps, then "add policy '0' for our SSRC". */
static void caps_case(const char *name, const char *cipher, const char *auth, size_t keylen, size_t saltlen,
                      size_t nssrc, guint8 seed)
{
    gcase c;
    memset(&c, 0, sizeof c);
    c.name = name;
    pattern(c.key[0], keylen + saltlen, seed);
    c.keylen[0] = keylen;
    c.saltlen[0] = saltlen;
    c.m = from_caps(cipher, auth, c.key[0], keylen + saltlen);
    c.same_key = 1;
    c.tag = strstr(cipher, "gcm") ? 0 : strcmp(auth, "hmac-sha1-32") == 0 ? 4 : 10;
    c.ncs = nssrc;
    for (size_t i = 0; i < nssrc; i++) {
        c.ssrc[i] = 0x5a5a0000u + (guint32)(seed << 8) + (guint32)i;
        c.roc[i] = (guint32)i;
        if (c.m)
            gst_mikey_message_add_cs_srtp(c.m, 0, c.ssrc[i], c.roc[i]);
    }
    /* #CS = 0 (new_from_caps alone): one crypto session for the stream,
     * SSRC unknown (0: any, as the SRTP layer's templates) */
    if (nssrc == 0) {
        c.ncs = 1;
        c.zero_cs = 1;
    }
    check_case(&c);
}

/* Built by hand: HDR, T, RAND, SP (Axis parameters), KEMAC NULL/NULL with
 * one Key data per crypto session (TEK key||salt or TEK+SALT). */
static void manual_case(const char *name, size_t ncs, int separate_salt, int per_cs_keys, guint8 seed)
{
    static const guint8 axis[][2] = {{0, 1}, {1, 16}, {2, 1}, {3, 10}, {7, 1}, {8, 1}, {10, 1}};
    gcase c;
    memset(&c, 0, sizeof c);
    c.name = name;
    c.ncs = ncs;
    c.same_key = !per_cs_keys;
    c.tag = 10; /* the Axis parameter set: param 3 = 10 */
    GstMIKEYMessage *m = gst_mikey_message_new();
    gst_mikey_message_set_info(m, GST_MIKEY_VERSION, GST_MIKEY_TYPE_PSK_INIT, FALSE, GST_MIKEY_PRF_MIKEY_1,
                               0x4d494b45u + seed, GST_MIKEY_MAP_TYPE_SRTP);
    for (size_t i = 0; i < ncs; i++) {
        c.ssrc[i] = 0x0a0b0c00u + (guint32)i;
        c.roc[i] = 0;
        gst_mikey_message_add_cs_srtp(m, 0, c.ssrc[i], 0);
    }
    gst_mikey_message_add_t_now_ntp_utc(m);
    gst_mikey_message_add_rand_len(m, 16);
    GstMIKEYPayload *sp = gst_mikey_payload_new(GST_MIKEY_PT_SP);
    gst_mikey_payload_sp_set(sp, 0, GST_MIKEY_SEC_PROTO_SRTP);
    for (size_t i = 0; i < G_N_ELEMENTS(axis); i++)
        gst_mikey_payload_sp_add_param(sp, axis[i][0], 1, &axis[i][1]);
    gst_mikey_message_add_payload(m, sp);
    GstMIKEYPayload *kemac = gst_mikey_payload_new(GST_MIKEY_PT_KEMAC);
    gst_mikey_payload_kemac_set(kemac, GST_MIKEY_ENC_NULL, GST_MIKEY_MAC_NULL);
    size_t nkeys = per_cs_keys ? ncs : 1;
    for (size_t i = 0; i < nkeys; i++) {
        GstMIKEYPayload *kd = gst_mikey_payload_new(GST_MIKEY_PT_KEY_DATA);
        pattern(c.key[i], 30, (guint8)(seed + i));
        c.keylen[i] = 16;
        c.saltlen[i] = 14;
        if (separate_salt) {
            gst_mikey_payload_key_data_set_key(kd, GST_MIKEY_KD_TEK, 16, c.key[i]);
            gst_mikey_payload_key_data_set_salt(kd, 14, c.key[i] + 16);
        } else {
            gst_mikey_payload_key_data_set_key(kd, GST_MIKEY_KD_TEK, 30, c.key[i]);
        }
        gst_mikey_payload_kemac_add_sub(kemac, kd);
    }
    gst_mikey_message_add_payload(m, kemac);
    c.m = m;
    check_case(&c);
}

static int gst2us(void)
{
    /* what rtspsrc / rtspclientsink send (gst_rtspsrc_stream_make_keymgmt) */
    caps_case("caps-aes128-sha1-80", "aes-128-icm", "hmac-sha1-80", 16, 14, 1, 1);
    caps_case("caps-aes128-sha1-32", "aes-128-icm", "hmac-sha1-32", 16, 14, 1, 2);
    caps_case("caps-aes256-sha1-80", "aes-256-icm", "hmac-sha1-80", 32, 14, 1, 3);
    caps_case("caps-aes256-sha1-32", "aes-256-icm", "hmac-sha1-32", 32, 14, 1, 4);
    caps_case("caps-aes128-gcm", "aes-128-gcm", "hmac-sha1-80", 16, 12, 1, 11);
    caps_case("caps-aes256-gcm", "aes-256-gcm", "hmac-sha1-80", 32, 12, 1, 12);
    caps_case("caps-aes128-sha1-80-2ssrc", "aes-128-icm", "hmac-sha1-80", 16, 14, 2, 5);
    /* new_from_caps alone: #CS = 0 */
    caps_case("caps-aes128-sha1-80-0cs", "aes-128-icm", "hmac-sha1-80", 16, 14, 0, 6);
    /* by hand */
    manual_case("manual-tek30", 1, 0, 0, 7);
    manual_case("manual-tek-salt", 1, 1, 0, 8);
    manual_case("manual-3cs-one-key", 3, 0, 0, 9);
    manual_case("manual-2cs-two-keys", 2, 0, 1, 10);

    return n_fail ? 1 : 0;
}

/* ---------------------------------------------------------------------- */
/* us2gst                                                                  */
/* ---------------------------------------------------------------------- */

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = n ? fwrite(p, 1, n, f) : 0;
    return fclose(f) == 0 && w == n ? 0 : -1;
}

static void our_offer(const char *dir, const char *name, const char *suite, const uint32_t *ssrc, size_t n,
                      int salt_mode, size_t mki_len)
{
    mikey_env env;
    mikey_env_default(&env);
    mikey_creds *creds = NULL;
    mikey_policy *pol = NULL;
    mikey_ctx *ctx = NULL;
    mikey_srtp_params p;
    mikey_stream_desc s[4];
    memset(s, 0, sizeof s);
    for (size_t i = 0; i < n; i++)
        s[i].ssrc = ssrc[i];
    uint8_t msg[MAXMSG];
    size_t mlen = 0;
    int rc;
    /* No identity: a MIKEY-NULL offer over RTSP carries no ID payload
     * (GStreamer could not parse one). */
    if ((rc = mikey_creds_new(&env, &creds)) || (rc = mikey_policy_new(&env, &pol)) ||
        (rc = mikey_srtp_params_suite(&p, suite)) || (rc = mikey_policy_add_srtp(pol, &p)) ||
        (rc = mikey_ctx_new(&env, creds, pol, &ctx))) {
        printf("FAIL %s: setup: %s\n", name, mikey_err_name(rc));
        n_fail++;
        goto out;
    }
    mikey_offer_opts o;
    memset(&o, 0, sizeof o);
    o.mode = MIKEY_MODE_NULL;
    o.streams = s;
    o.nstreams = n;
    o.salt_mode = salt_mode;
    o.mki_len = mki_len;
    if ((rc = mikey_offer(ctx, &o, msg, sizeof msg, &mlen))) {
        printf("FAIL %s: mikey_offer: %s\n", name, mikey_err_name(rc));
        n_fail++;
        goto out;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.bin", dir, name);
    if (write_file(path, msg, mlen)) {
        printf("FAIL %s: cannot write %s\n", name, path);
        n_fail++;
        goto out;
    }
    snprintf(path, sizeof path, "%s/%s.want", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        n_fail++;
        goto out;
    }
    for (size_t i = 0; i < mikey_ctx_cs_count(ctx); i++) {
        mikey_cs_keys k;
        if (mikey_ctx_cs_keys(ctx, i, &k) != MIKEY_OK)
            continue;
        fputs("key ", f);
        hex(f, k.master_key, k.master_key_len);
        hex(f, k.master_salt, k.master_salt_len);
        fputc('\n', f);
        if (n) /* with #CS = 0 the message has no SRTP-ID map: our implicit CS ("implicit-cs") has none to compare */
            fprintf(f, "ssrc 0x%08x\n", (unsigned)k.ssrc);
    }
    fprintf(f, "suite %s\n", suite);
    if (fclose(f))
        n_fail++;
    printf("made %s\n", name);
out:
    mikey_ctx_free(ctx);
    mikey_policy_free(pol);
    mikey_creds_free(creds);
}

static int us2gst(const char *dir)
{
    static const uint32_t one[1] = {0x12345678u}, three[3] = {0x01010101u, 0x02020202u, 0x03030303u};
    our_offer(dir, "null-aes128-sha1-80", "AES_CM_128_HMAC_SHA1_80", one, 1, 2, 0);
    our_offer(dir, "null-aes128-sha1-32", "AES_CM_128_HMAC_SHA1_32", one, 1, 2, 0);
    our_offer(dir, "null-aes256-sha1-80", "AES_256_CM_HMAC_SHA1_80", one, 1, 2, 0);
    our_offer(dir, "null-3cs", "AES_CM_128_HMAC_SHA1_80", three, 3, 2, 0);
    our_offer(dir, "null-mki", "AES_CM_128_HMAC_SHA1_80", one, 1, 2, 4);
    our_offer(dir, "null-0cs", "AES_CM_128_HMAC_SHA1_80", NULL, 0, 2, 0);
    return n_fail ? 1 : 0;
}

/* ---------------------------------------------------------------------- */
/* parse                                                                   */
/* ---------------------------------------------------------------------- */

static int gst_parse(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "gst_mikeynull: cannot read %s\n", path);
        return 2;
    }
    static uint8_t buf[MAXMSG];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    GError *err = NULL;
    GstMIKEYMessage *m = gst_mikey_message_new_from_data(buf, len, NULL, &err);
    if (!m) {
        fprintf(stderr, "gst_mikeynull: GStreamer refuses %s%s%s\n", path, err ? ": " : "", err ? err->message : "");
        g_clear_error(&err);
        return 1;
    }
    printf("type %d v %d ncs %u\n", (int)m->type, m->V ? 1 : 0, gst_mikey_message_get_n_cs(m));
    for (guint i = 0; i < gst_mikey_message_get_n_cs(m); i++) {
        const GstMIKEYMapSRTP *cs = gst_mikey_message_get_cs_srtp(m, i);
        printf("ssrc 0x%08x\n", (unsigned)cs->ssrc);
    }
    const GstMIKEYPayload *p = gst_mikey_message_find_payload(m, GST_MIKEY_PT_KEMAC, 0);
    if (p) {
        const GstMIKEYPayloadKEMAC *k = (const GstMIKEYPayloadKEMAC *)p;
        printf("kemac enc=%d mac=%d\n", (int)k->enc_alg, (int)k->mac_alg);
        for (guint j = 0; j < gst_mikey_payload_kemac_get_n_sub(p); j++) {
            const GstMIKEYPayloadKeyData *kd = (const GstMIKEYPayloadKeyData *)gst_mikey_payload_kemac_get_sub(p, j);
            printf("keydata type=%d key=", (int)kd->key_type);
            hex(stdout, kd->key_data, kd->key_len);
            printf(" salt=");
            hex(stdout, kd->salt_data, kd->salt_len);
            printf("\n");
        }
    }
    /* What rtspsrc hands to srtpdec. */
    GstCaps *caps = gst_caps_new_empty_simple("application/x-srtp");
    if (gst_mikey_message_to_caps(m, caps)) {
        const GstStructure *s = gst_caps_get_structure(caps, 0);
        const GValue *v = gst_structure_get_value(s, "srtp-key");
        GstBuffer *kb = v ? gst_value_get_buffer(v) : NULL;
        GstMapInfo mi;
        if (kb && gst_buffer_map(kb, &mi, GST_MAP_READ)) {
            printf("srtp-key ");
            hex(stdout, mi.data, mi.size);
            printf("\n");
            gst_buffer_unmap(kb, &mi);
        }
        const char *ci = gst_structure_get_string(s, "srtp-cipher"), *au = gst_structure_get_string(s, "srtp-auth");
        printf("srtp-cipher %s\nsrtp-auth %s\n", ci ? ci : "(none)", au ? au : "(none)");
    } else {
        printf("caps none\n");
    }
    gst_caps_unref(caps);
    gst_mikey_message_unref(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "gst2us") == 0) {
        gst_init(NULL, NULL);
        return gst2us();
    }
    if (argc == 3 && strcmp(argv[1], "us2gst") == 0)
        return us2gst(argv[2]);
    if (argc == 3 && strcmp(argv[1], "parse") == 0) {
        gst_init(NULL, NULL);
        return gst_parse(argv[2]);
    }
    fprintf(stderr, "usage: gst_mikeynull gst2us | us2gst OUTDIR | parse FILE\n");
    return 2;
}
