/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MIKEY-NULL as RTSP cameras send it (shared/samples/rtsp-mikey-null.txt):
 * real messages from Axis-style cameras via GStreamer (Nx Witness unit
 * test data, MPL-2.0) and gortsplib's test data (MIT), fed to
 * mikey_answer() with a policy that allows MIKEY-NULL.
 *
 * The expected key and salt are the bytes of the TEK Key data (key || salt)
 * cut out of the sample by hand (python3: base64 decode, Key data at the
 * end of the KEMAC), not values produced by the code under test.
 */
#include "sess_env.h"

typedef struct sample {
    const char *name;
    const char *hex;
    uint32_t csb;
    size_t ncs;
    uint32_t ssrc[2];
    const char *key;
    const char *salt;
} sample;

static const sample samples[] = {
    {"axis-camera-gstreamer-format",
     "010005009cb9c964010000696f1248000000000b00ee1ef0715b776c480a1014e25d7f419d2f1a1f52dd09bd0d71410100000015000101"
     "01011002010103010a0701010801010a0101000000220020001e3bbe35802d7fb7368e165c1ef3d8994e476e93a49f8e42fe7562490c8f"
     "1a00",
     0x9cb9c964, 1, {0x696f1248, 0}, "3bbe35802d7fb7368e165c1ef3d8994e", "476e93a49f8e42fe7562490c8f1a"},
    {"aes256cm-gstreamer-format",
     "01000500453f56ca010000761bbddb000000000b00ee1c81c1012ea52e0a10b1d0cb9bf614774523f893c1b9bac2130100000015000101"
     "01012002010103010a0701010801010a0101000000320020002ec3a13b8c9cb21cee840e173d5833f70f672ddcf0756c8538df70642d80"
     "b0d3758728eeb7f5060b9aa6f68475230b00",
     0x453f56ca, 1, {0x761bbddb, 0}, "c3a13b8c9cb21cee840e173d5833f70f672ddcf0756c8538df70642d80b0d375",
     "8728eeb7f5060b9aa6f68475230b"},
    {"gortsplib-case-a",
     "01000500e69d51f801000030685760000000000b00ebfe6f2db1c13fd00a10c2dde443a84930a5757a7ed9c3a417fb0100000015000101"
     "01011002010103010a0701010801010a0101000000220020001e9091783dfce8ddcd443a53508b64509f35bd8a86bc4d8b7637a502493d"
     "af00",
     0xe69d51f8, 1, {0x30685760, 0}, "9091783dfce8ddcd443a53508b64509f", "35bd8a86bc4d8b7637a502493daf"},
    {"gortsplib-case-b",
     "01000500feaf9752010000cc836237000000000b00ebfef66ba28c9b840a10276e94180e8875c2eaad31d82f8646200100000015000101"
     "01011002010103010a0701010801010a0101000000220020001e991b0f148f094b4e5b8b3053cd6276877fcced1866f141772adddde706"
     "4b00",
     0xfeaf9752, 1, {0xcc836237, 0}, "991b0f148f094b4e5b8b3053cd627687", "7fcced1866f141772adddde7064b"},
    {"gortsplib-case-c",
     "010005007de127a6020000cc8362370000000000b5cc3bf2000000000b00ebfef66ba2b1f6870a1061bb199432530356a2d18807152375"
     "95010000001500010101011002010103010a0701010801010a0101000000220020001e991b0f148f094b4e5b8b3053cd6276877fcced18"
     "66f141772adddde7064b00",
     0x7de127a6, 2, {0xcc836237, 0xb5cc3bf2}, "991b0f148f094b4e5b8b3053cd627687", "7fcced1866f141772adddde7064b"},
};

/* The sample's T (the responder's clock is set to it: the camera's time). */
static uint64_t sample_t(const uint8_t *m, size_t len)
{
    mikey_msg *msg = NULL;
    uint64_t t = 0;
    if (mikey_msg_parse(NULL, m, len, NULL, &msg, NULL) == MIKEY_OK) {
        const mikey_payload *p = mikey_msg_find(msg, MIKEY_PT_T, 0);
        for (int i = 0; p && i < 8; i++)
            t = t << 8 | p->u.ts.value.p[i];
    }
    mikey_msg_free(msg);
    return t;
}

static void test_camera_samples(void)
{
    for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++) {
        const sample *sm = &samples[s];
        size_t len, kl, sl;
        uint8_t *m = mt_hex(sm->hex, &len), *key = mt_hex(sm->key, &kl), *salt = mt_hex(sm->salt, &sl);
        tenv te;
        tenv_init(&te, 0x5eed + s);
        te.now = sample_t(m, len);
        mikey_creds *c = NULL;
        mikey_policy *p = NULL;
        mikey_ctx *ctx = NULL;
        MT_CHECK(mikey_creds_new(&te.env, &c) == MIKEY_OK);
        MT_CHECK(mikey_policy_new(&te.env, &p) == MIKEY_OK);

        /* Off by default: refused as NULL encryption (Invalid EA). */
        MT_CHECK(mikey_ctx_new(&te.env, c, p, &ctx) == MIKEY_OK);
        uint8_t out[512];
        size_t ol = 0;
        MT_EQ_INT(mikey_answer(ctx, m, len, out, sizeof out, &ol), MIKEY_ERR_ALGORITHM);
        MT_CHECK(ol > 0 && out[1] == MIKEY_DT_ERROR);
        MT_EQ_INT(mikey_ctx_state(ctx), MIKEY_STATE_NEW);
        mikey_ctx_free(ctx);

        /* Allowed: the camera's key and salt. */
        MT_CHECK(mikey_policy_set_modes(p, MIKEY_MODE_BIT(MIKEY_MODE_NULL) | MIKEY_MODE_BIT(MIKEY_MODE_PSK)) ==
                 MIKEY_OK);
        MT_CHECK(mikey_ctx_new(&te.env, c, p, &ctx) == MIKEY_OK);
        int rc = mikey_answer(ctx, m, len, out, sizeof out, &ol);
        if (rc)
            mt_fail(__FILE__, __LINE__, "%s: %s", sm->name, mikey_err_name(rc));
        MT_EQ_INT(ol, 0); /* V = 0: no response */
        MT_EQ_INT(mikey_ctx_mode(ctx), MIKEY_MODE_NULL);
        MT_EQ_INT(mikey_ctx_csb_id(ctx), sm->csb);
        MT_EQ_INT(mikey_ctx_cs_count(ctx), sm->ncs);
        for (size_t i = 0; i < sm->ncs; i++) {
            mikey_cs_keys k;
            MT_CHECK(mikey_ctx_cs_keys(ctx, i, &k) == MIKEY_OK);
            MT_EQ_INT(k.ssrc, sm->ssrc[i]);
            MT_MEMEQ(k.master_key, k.master_key_len, key, kl);
            MT_MEMEQ(k.master_salt, k.master_salt_len, salt, sl);
            MT_EQ_INT(k.mki_len, 0);
            /* SP: param 3 = 10 read as the tag length (GStreamer/Axis) */
            MT_CHECK(k.srtp.present & (1u << MIKEY_SP_AUTH_TAG_LEN));
            MT_EQ_INT(k.srtp.auth_tag_len, 10);
            MT_CHECK(!(k.srtp.present & (1u << MIKEY_SP_AUTH_KEY_LEN)));
            MT_EQ_INT(k.srtp.encr_key_len, kl);
            MT_EQ_INT(k.srtp.encr_alg, 1);
        }
        /* the same message again: a replay */
        MT_EQ_INT(mikey_answer(ctx, m, len, out, sizeof out, &ol), MIKEY_ERR_REPLAY);
        mikey_ctx_free(ctx);
        mikey_policy_free(p);
        mikey_creds_free(c);
        free(m);
        free(key);
        free(salt);
    }
}

/* If the shared sample file is present, its messages are the ones above. */
static void test_sample_file_matches(void)
{
    size_t flen;
    unsigned char *f = mt_read_file("/work/shared/samples/rtsp-mikey-null.txt", &flen);
    if (!f)
        return; /* the embedded copies are the test data */
    char *text = malloc(flen + 1);
    memcpy(text, f, flen);
    text[flen] = 0;
    for (size_t s = 2; s < sizeof samples / sizeof samples[0]; s++)
        MT_CHECK(strstr(text, samples[s].hex) != NULL);
    MT_CHECK(strstr(text, "AQAFAJy5yWQBAABpbxJIAAAAAAsA7h7wcVt3bEgKEBTiXX9BnS8aH1LdCb0NcUEBAAAAFQAB") != NULL);
    free(text);
    free(f);
}

MT_MAIN(test_camera_samples, test_sample_file_matches)
