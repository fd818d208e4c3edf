/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_seeds: the seed corpora of the session fuzz targets, made from real
 * exchanges under the fuzz environment (fuzz/fuzz_env.c: fixed clock,
 * seeded RNG) with the test PKI of fuzz/pki.h.
 *
 *   fuzz_seeds CORPUS_DIR          (normally: fuzz_seeds fuzz/corpus)
 *   fuzz_seeds --check CORPUS_DIR  (tests/scripts/fuzz_corpus.sh)
 *
 * Writes
 *   answer_<mode>/  [flags][fail=0][I_MESSAGE]: the base offer of each mode
 *                   (fuzz_mikey.h) as is and with the fix-up flag, the Key
 *                   data in the clear (PSK/PKE, flag 2), and variants
 *                   (PRF-HMAC-SHA-256, AES-KW, AES-CM-256 + HMAC-SHA-256,
 *                   DH groups 1/2, RSA-PSS, salt modes, MKI, no V, one and
 *                   three crypto sessions, an update message);
 *   finish/         [mode][flags][fail=0][R_MESSAGE]: the response to the base
 *                   offer (which the finish target makes with the same seed),
 *                   and the Error message of a refusing responder;
 *   decode/         session-<mode>-{i,r}: the same messages, bare.
 * Self-checks (exit 1 with the reason): every exchange completes; the fix-up
 * of a genuine message keeps it acceptable (and for MACs and PKCS#1 v1.5
 * signatures gives back the same bytes); the cleartext seed encrypts back to
 * the genuine message; the responder / initiator accept what is written,
 * through the same steps the fuzz targets take.
 * With --check, nothing is written: every committed seed of answer_* and
 * finish/ is run the way its fuzz target runs it and must still do what its
 * name says (accepted; "-error" recorded as the peer's Error), so a change in the library that makes the corpus stale (and the
 * fuzzers shallow) fails the test suite instead of going unnoticed.
 * Regenerate after changing fuzz/pki.h, the fuzz env, or the message layout
 * (see docs/security.md).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "../../../fuzz/fuzz_env.c"
#include "../../../fuzz/fuzz_mikey.h"

static const char *outdir;
static int n_fail, n_files;
static mikey_creds *CA, *CB; /* alice's and bob's credentials */
static fz_keys K;

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void failf(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "fuzz_seeds: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    n_fail++;
}

static void write_seed(const char *dir, const char *name, const uint8_t *pre, size_t plen, const uint8_t *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", outdir, dir);
    if (mkdir(path, 0755) && errno != EEXIST) {
        failf("mkdir %s: %s", path, strerror(errno));
        return;
    }
    snprintf(path, sizeof path, "%s/%s/%s", outdir, dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(pre, 1, plen, f) != plen || fwrite(p, 1, n, f) != n) {
        failf("cannot write %s", path);
        if (f)
            fclose(f);
        return;
    }
    fclose(f);
    n_files++;
}

/* The responder as the answer targets run it: a fresh context per message. */
static int bob_answer(unsigned mode, const mikey_policy *pol, const uint8_t *m, size_t len, uint8_t *out,
                      size_t *outlen)
{
    mikey_env env;
    fuzz_env_init(&env, fz_seed(mode) ^ 0xb0b, 0);
    mikey_ctx *b = NULL;
    if (mikey_ctx_new(&env, CB, pol, &b) != MIKEY_OK)
        return MIKEY_ERR_NOMEM;
    int rc = mikey_answer(b, m, len, out, FZ_MAXMSG, outlen);
    mikey_ctx_free(b);
    return rc;
}

/* The answer-target view of an I_MESSAGE: apply fix-up `fix` to a copy and
 * answer it, with a fresh responder or (est) one established with the base
 * offer of the mode. */
static int answer_as_target(unsigned mode, const mikey_policy *pol, int fix, int est, const uint8_t *m, size_t len,
                            uint8_t *fixed)
{
    static uint8_t out[FZ_MAXMSG];
    size_t ol = 0;
    mikey_env env;
    mikey_ctx *b = fz_established_bob(mode, &env, CA, CB, pol);
    if (!b)
        return MIKEY_ERR_INTERNAL;
    mikey_span csb_rand = {b->rand, b->rand_len};
    memcpy(fixed, m, len);
    fz_fix_imsg(&K, fix, fixed, len, csb_rand);
    int rc;
    if (est) {
        fuzz_env_init(&env, fz_seed(mode) ^ 0xe57, 0);
        rc = mikey_answer(b, fixed, len, out, sizeof out, &ol);
    } else {
        rc = bob_answer(mode, pol, fixed, len, out, &ol);
    }
    mikey_ctx_free(b);
    return rc;
}

/* An offer by alice under policy pa, with opts o, env seed `seed`. */
static int alice_offer(const mikey_policy *pa, const mikey_offer_opts *o, uint64_t seed, mikey_ctx **ctx, uint8_t *out,
                       size_t *outlen)
{
    mikey_env env;
    fuzz_env_init(&env, seed, 0);
    int rc = mikey_ctx_new(&env, CA, pa, ctx);
    if (rc == MIKEY_OK)
        rc = mikey_offer(*ctx, o, out, FZ_MAXMSG, outlen);
    return rc;
}

/* KEMAC Encr data decrypted in place (AES-CM is its own inverse): the
 * cleartext seed for fix-up 2. */
static int decrypt_kemac(uint8_t *buf, size_t len)
{
    mikey_msg *m = NULL;
    if (mikey_msg_parse(NULL, buf, len, NULL, &m, NULL) != MIKEY_OK)
        return -1;
    const mikey_hdr *h = mikey_msg_hdr(m);
    const mikey_payload *kp = mikey_msg_find(m, MIKEY_PT_KEMAC, 0), *pp = mikey_msg_find(m, MIKEY_PT_PKE, 0),
                        *r = mikey_msg_find(m, MIKEY_PT_RAND, 0);
    uint8_t ek[256];
    const uint8_t *inkey = FZ_PSK;
    size_t inlen = sizeof FZ_PSK;
    if (pp) {
        if (K.ops->rsa_decrypt(K.bob, MK_RSA_PKCS1, pp->u.pke.data.p, pp->u.pke.data.len, ek, sizeof ek, &inlen))
            goto fail;
        inkey = ek;
    }
    mk_msg_keys mk;
    if (!kp || !r ||
        mk_derive_msg_keys(K.ops, h->prf, inkey, inlen, h->csb_id, r->u.rand.data, kp->u.kemac.encr_alg,
                           kp->u.kemac.mac_alg, &mk) != MIKEY_OK)
        goto fail;
    fz_encrypt_kemac(&K, m, &mk, buf);
    mk_msg_keys_wipe(&mk);
    mikey_msg_free(m);
    return 0;
fail:
    mikey_msg_free(m);
    return -1;
}

static void answer_seeds(unsigned mode, const char *name, const uint8_t *m, size_t len, int plain)
{
    char dir[64], fname[128];
    static uint8_t fixed[FZ_MAXMSG], clear[FZ_MAXMSG];
    snprintf(dir, sizeof dir, "answer_%s", fz_mode_tag(mode));
    mikey_policy *pb = fz_policy(NULL);
    int rc = answer_as_target(mode, pb, 0, 0, m, len, fixed);
    if (rc != MIKEY_OK)
        failf("%s %s: refused: %s", dir, name, mikey_err_name(rc));
    uint8_t pre[2] = {0, 0};
    write_seed(dir, name, pre, 2, m, len);
    if (mode != MIKEY_MODE_NULL) {
        /* The fix-up keeps a genuine message acceptable. */
        if ((rc = answer_as_target(mode, pb, 1, 0, m, len, fixed)) != MIKEY_OK)
            failf("%s %s: refused after the fix-up: %s", dir, name, mikey_err_name(rc));
        pre[0] = 1;
        snprintf(fname, sizeof fname, "%s-fix", name);
        write_seed(dir, fname, pre, 2, m, len);
    }
    if (plain) {
        memcpy(clear, m, len);
        if (decrypt_kemac(clear, len)) {
            failf("%s %s: cannot decrypt the KEMAC", dir, name);
        } else {
            if ((rc = answer_as_target(mode, pb, 2, 0, clear, len, fixed)) != MIKEY_OK)
                failf("%s %s: cleartext seed refused: %s", dir, name, mikey_err_name(rc));
            if (memcmp(fixed, m, len - 128) != 0) /* (the PKE signature may be PSS) */
                failf("%s %s: cleartext seed does not encrypt back to the message", dir, name);
            pre[0] = 2;
            snprintf(fname, sizeof fname, "%s-clear", name);
            write_seed(dir, fname, pre, 2, clear, len);
        }
    }
    mikey_policy_free(pb);
}

typedef void (*tweak_fn)(mikey_policy *p, mikey_offer_opts *o);

static void tw_prf256(mikey_policy *p, mikey_offer_opts *o)
{
    (void)o;
    (void)mikey_policy_set_prf(p, MIKEY_PRF_HMAC_SHA256, 0);
}
static void tw_kw(mikey_policy *p, mikey_offer_opts *o)
{
    (void)o;
    (void)mikey_policy_set_kemac(p, MIKEY_ENCR_AES_KW_128, MIKEY_MAC_HMAC_SHA1_160);
}
static void tw_strong(mikey_policy *p, mikey_offer_opts *o)
{
    (void)o;
    (void)mikey_policy_set_kemac(p, MIKEY_ENCR_AES_CM_256, MIKEY_MAC_HMAC_SHA256_256);
    (void)mikey_policy_set_prf(p, MIKEY_PRF_HMAC_SHA256, 0);
}
static void tw_dh1(mikey_policy *p, mikey_offer_opts *o)
{
    (void)o;
    (void)mikey_policy_set_dh(p, MIKEY_DH_OAKLEY1, 7);
}
static void tw_dh2(mikey_policy *p, mikey_offer_opts *o)
{
    (void)o;
    (void)mikey_policy_set_dh(p, MIKEY_DH_OAKLEY2, 7);
}
static void tw_pss(mikey_policy *p, mikey_offer_opts *o)
{
    (void)o;
    (void)mikey_policy_set_sign(p, MIKEY_SIGN_RSA_PSS, MIKEY_HASH_SHA256);
}
static void tw_salt1(mikey_policy *p, mikey_offer_opts *o)
{
    (void)p;
    o->salt_mode = 1;
}
static void tw_salt2(mikey_policy *p, mikey_offer_opts *o)
{
    (void)p;
    o->salt_mode = 2;
}
static void tw_mki(mikey_policy *p, mikey_offer_opts *o)
{
    (void)p;
    o->mki_len = 4;
}
static void tw_nov(mikey_policy *p, mikey_offer_opts *o)
{
    (void)p;
    o->want_verification = 0;
    o->sdp_ids = NULL;
}
static void tw_one(mikey_policy *p, mikey_offer_opts *o)
{
    (void)p;
    o->nstreams = 1;
}
static void tw_three(mikey_policy *p, mikey_offer_opts *o)
{
    static const mikey_stream_desc s[3] = {{0x01020304u, 0, 0}, {0x05060708u, 0x10000u, 1}, {0x0a0b0c0du, 3, 0}};
    mikey_srtp_params gcm;
    (void)mikey_srtp_params_suite(&gcm, "AES_CM_128_HMAC_SHA1_80");
    (void)mikey_policy_add_srtp(p, &gcm);
    (void)mikey_srtp_params_suite(&gcm, "AEAD_AES_128_GCM");
    (void)mikey_policy_add_srtp(p, &gcm);
    o->streams = s;
    o->nstreams = 3;
}

static const struct {
    const char *name;
    tweak_fn fn;
    unsigned modes; /* MIKEY_MODE_BIT mask */
} tweaks[] = {
    {"prf256", tw_prf256, 0x7e},
    {"aeskw", tw_kw, MIKEY_MODE_BIT(MIKEY_MODE_PSK) | MIKEY_MODE_BIT(MIKEY_MODE_PKE) | MIKEY_MODE_BIT(MIKEY_MODE_RSAR)},
    {"aes256-sha256", tw_strong, 0x3e},
    {"oakley1", tw_dh1, MIKEY_MODE_BIT(MIKEY_MODE_DH) | MIKEY_MODE_BIT(MIKEY_MODE_DHHMAC)},
    {"oakley2", tw_dh2, MIKEY_MODE_BIT(MIKEY_MODE_DH) | MIKEY_MODE_BIT(MIKEY_MODE_DHHMAC)},
    {"pss", tw_pss, MIKEY_MODE_BIT(MIKEY_MODE_PKE) | MIKEY_MODE_BIT(MIKEY_MODE_DH) | MIKEY_MODE_BIT(MIKEY_MODE_RSAR)},
    {"tgk-salt", tw_salt1, MIKEY_MODE_BIT(MIKEY_MODE_PSK) | MIKEY_MODE_BIT(MIKEY_MODE_PKE) | MIKEY_MODE_BIT(MIKEY_MODE_NULL)},
    {"tek", tw_salt2, MIKEY_MODE_BIT(MIKEY_MODE_PSK) | MIKEY_MODE_BIT(MIKEY_MODE_NULL)},
    {"mki", tw_mki, 0x7e},
    {"no-v", tw_nov, MIKEY_MODE_BIT(MIKEY_MODE_PSK) | MIKEY_MODE_BIT(MIKEY_MODE_PKE) | MIKEY_MODE_BIT(MIKEY_MODE_NULL)},
    {"one-cs", tw_one, 0x7e},
    {"three-cs", tw_three, 0x7e},
};

static void run_mode(unsigned mode)
{
    static uint8_t im[FZ_MAXMSG], rm[FZ_MAXMSG], fixed[FZ_MAXMSG];
    size_t il = 0, rl = 0;
    mikey_policy *pa = fz_policy(NULL), *pb = fz_policy(NULL);
    mikey_offer_opts o = fz_opts(mode);
    mikey_ctx *a = NULL;
    const char *tag = fz_mode_tag(mode);
    char name[128];
    int plain = mode == MIKEY_MODE_PSK || mode == MIKEY_MODE_PKE;

    /* The base offer: exactly what the finish target's alice sends. */
    int rc = alice_offer(pa, &o, fz_seed(mode), &a, im, &il);
    if (rc) {
        failf("%s: offer: %s", tag, mikey_err_name(rc));
        goto out;
    }
    uint8_t blob[FZ_MAXMSG];
    size_t bl = 0;
    if ((rc = mikey_ctx_export(a, blob, sizeof blob, &bl))) {
        failf("%s: export: %s", tag, mikey_err_name(rc));
        goto out;
    }
    answer_seeds(mode, "base", im, il, plain);
    snprintf(name, sizeof name, "session-%s-i", tag);
    write_seed("decode", name, NULL, 0, im, il);

    if ((rc = bob_answer(mode, pb, im, il, rm, &rl)) || rl == 0) {
        failf("%s: answer: %s (%zu bytes)", tag, mikey_err_name(rc), rl);
        goto out;
    }
    snprintf(name, sizeof name, "session-%s-r", tag);
    write_seed("decode", name, NULL, 0, rm, rl);
    /* The finish target's view: its context is the import of this export
     * (same offer); with and without the fix-up. */
    for (int fix = 0; fix < 2; fix++) {
        mikey_env env;
        fuzz_env_init(&env, fz_seed(mode), 0);
        mikey_ctx *a2 = NULL;
        if ((rc = mikey_ctx_import(&env, CA, pa, blob, bl, &a2))) {
            failf("%s: import: %s", tag, mikey_err_name(rc));
            break;
        }
        memcpy(fixed, rm, rl);
        if (fix)
            fz_fix_rmsg(&K, a2, fixed, rl);
        if ((rc = mikey_finish(a2, fixed, rl)))
            failf("%s: finish%s: %s", tag, fix ? " after the fix-up" : "", mikey_err_name(rc));
        mikey_ctx_free(a2);
        uint8_t pre[3] = {(uint8_t)(mode - 1), (uint8_t)fix, 0};
        snprintf(name, sizeof name, "%s-ok%s", tag, fix ? "-fix" : "");
        write_seed("finish", name, pre, 3, rm, rl);
    }
    if ((rc = mikey_finish(a, rm, rl)))
        failf("%s: finish: %s", tag, mikey_err_name(rc));

    /* An update (rekey) of the established CSB. A fresh responder refuses
     * it (no RAND, unknown CSB), but it starts the fuzzer on that shape. */
    static uint8_t um[FZ_MAXMSG];
    size_t ul = 0;
    if ((rc = mikey_offer(a, &o, um, sizeof um, &ul)) == MIKEY_OK) {
        uint8_t pre[2] = {0, 0};
        snprintf(name, sizeof name, "answer_%s", tag);
        write_seed(name, "update", pre, 2, um, ul);
        /* To the responder that took the base offer: accepted, also after
         * the fix-up (which then uses the CSB's RAND). */
        mikey_policy *pu = fz_policy(NULL);
        for (int fix = 0; fix < 2; fix++) {
            if ((rc = answer_as_target(mode, pu, fix, 1, um, ul, fixed)) != MIKEY_OK)
                failf("%s: update%s refused by the established responder: %s", tag, fix ? " (fixed up)" : "",
                      mikey_err_name(rc));
            pre[0] = (uint8_t)(FZ_ESTABLISHED | fix);
            write_seed(name, fix ? "update-est-fix" : "update-est", pre, 2, um, ul);
        }
        mikey_policy_free(pu);
    } else {
        failf("%s: update offer: %s", tag, mikey_err_name(rc));
    }
    mikey_ctx_free(a);
    a = NULL;

    /* A responder that refuses the SP (it only takes
     * AES_CM_128_HMAC_SHA1_32): its Error message, for the finish target,
     * which must record it and change nothing. */
    {
        mikey_policy *strict = fz_policy(NULL);
        mikey_srtp_params p32;
        (void)mikey_srtp_params_suite(&p32, "AES_CM_128_HMAC_SHA1_32");
        (void)mikey_policy_add_srtp(strict, &p32);
        rl = 0;
        rc = bob_answer(mode, strict, im, il, rm, &rl);
        mikey_policy_free(strict);
        if (rc != MIKEY_ERR_POLICY || rl == 0) {
            failf("%s: strict responder: %s", tag, mikey_err_name(rc));
        } else {
            mikey_env env;
            fuzz_env_init(&env, fz_seed(mode), 0);
            mikey_ctx *a2 = NULL;
            if (mikey_ctx_import(&env, CA, pa, blob, bl, &a2) == MIKEY_OK) {
                if ((rc = mikey_finish(a2, rm, rl)) != MIKEY_ERR_PEER_ERROR)
                    failf("%s: finish of an Error message: %s", tag, mikey_err_name(rc));
                mikey_ctx_free(a2);
            }
            uint8_t pre[3] = {(uint8_t)(mode - 1), 0, 0};
            snprintf(name, sizeof name, "%s-error", tag);
            write_seed("finish", name, pre, 3, rm, rl);
        }
    }

    /* Variants, for the responder only. */
    for (size_t t = 0; t < sizeof tweaks / sizeof tweaks[0]; t++) {
        if (!(tweaks[t].modes & MIKEY_MODE_BIT(mode)))
            continue;
        mikey_policy *pv = fz_policy(NULL);
        mikey_offer_opts ov = fz_opts(mode);
        tweaks[t].fn(pv, &ov);
        mikey_ctx *av = NULL;
        size_t vl = 0;
        if ((rc = alice_offer(pv, &ov, fz_seed(mode) + 0x100 + t, &av, um, &vl)))
            failf("%s %s: offer: %s", tag, tweaks[t].name, mikey_err_name(rc));
        else
            answer_seeds(mode, tweaks[t].name, um, vl, plain && tweaks[t].fn != tw_kw);
        mikey_ctx_free(av);
        mikey_policy_free(pv);
    }
out:
    mikey_ctx_free(a);
    mikey_policy_free(pa);
    mikey_policy_free(pb);
}

/* ---- --check ---- */

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *b = malloc(FZ_MAXMSG + 8);
    *len = b ? fread(b, 1, FZ_MAXMSG + 8, f) : 0;
    fclose(f);
    return b;
}

static int n_checked;

static void check_answer_seed(unsigned mode, const char *path, const char *name)
{
    static uint8_t fixed[FZ_MAXMSG];
    size_t len = 0;
    uint8_t *b = slurp(path, &len);
    if (!b || len < 2 || len - 2 > FZ_MAXMSG) {
        failf("%s: unreadable or too long", path);
        free(b);
        return;
    }
    unsigned fix = b[0] & FZ_FIX_MASK;
    mikey_policy *pb = fz_policy(NULL);
    int rc = answer_as_target(mode, pb, fix == 3 ? 0 : (int)fix, (b[0] & FZ_ESTABLISHED) != 0, b + 2, len - 2, fixed);
    /* An update to a fresh responder: refused in most modes, taken as an
     * initial exchange in RSA-R and MIKEY-NULL (no RAND needed there); no
     * expectation beyond not crashing. */
    if (strcmp(name, "update") != 0 && rc != MIKEY_OK)
        failf("%s: %s (stale corpus? regenerate with fuzz_seeds, docs/security.md)", path, mikey_err_name(rc));
    mikey_policy_free(pb);
    free(b);
    n_checked++;
}

static void check_finish_seed(const char *path, const char *name)
{
    static uint8_t buf[FZ_MAXMSG], imsg[FZ_MAXMSG];
    size_t len = 0, il = 0;
    uint8_t *b = slurp(path, &len);
    if (!b || len < 3 || len - 3 > FZ_MAXMSG) {
        failf("%s: unreadable or too long", path);
        free(b);
        return;
    }
    unsigned mode = (unsigned)(b[0] % 6) + 1;
    mikey_policy *pa = fz_policy(NULL);
    mikey_offer_opts o = fz_opts(mode);
    mikey_ctx *a = NULL;
    int rc = alice_offer(pa, &o, fz_seed(mode), &a, imsg, &il);
    if (rc == MIKEY_OK) {
        memcpy(buf, b + 3, len - 3);
        if (b[1] & FZ_FIX_MASK)
            fz_fix_rmsg(&K, a, buf, len - 3);
        rc = mikey_finish(a, buf, len - 3);
    }
    int want = strstr(name, "-error") ? MIKEY_ERR_PEER_ERROR : MIKEY_OK;
    if (rc != want)
        failf("%s: %s, expected %s (stale corpus? regenerate with fuzz_seeds, docs/security.md)", path,
              mikey_err_name(rc), mikey_err_name(want));
    mikey_ctx_free(a);
    mikey_policy_free(pa);
    free(b);
    n_checked++;
}

static void check_dir(const char *root, const char *sub, unsigned mode)
{
    char dpath[1024], fpath[2048];
    snprintf(dpath, sizeof dpath, "%s/%s", root, sub);
    DIR *d = opendir(dpath);
    if (!d) {
        failf("%s: %s", dpath, strerror(errno));
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(fpath, sizeof fpath, "%s/%s", dpath, e->d_name);
        if (mode)
            check_answer_seed(mode, fpath, e->d_name);
        else
            check_finish_seed(fpath, e->d_name);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    int check = argc == 3 && strcmp(argv[1], "--check") == 0;
    if (argc != 2 && !check) {
        fprintf(stderr, "usage: fuzz_seeds [--check] CORPUS_DIR\n");
        return 2;
    }
    outdir = argv[argc - 1];
    mikey_env genv;
    fuzz_env_init(&genv, 1, 0);
    CA = fz_creds(&genv, 0);
    CB = fz_creds(&genv, 1);
    if (!CA || !CB || fz_keys_init(&K)) {
        fprintf(stderr, "fuzz_seeds: cannot load the test PKI (fuzz/pki.h)\n");
        return 1;
    }
    if (check) {
        char sub[64];
        for (unsigned m = MIKEY_MODE_PSK; m <= MIKEY_MODE_NULL; m++) {
            snprintf(sub, sizeof sub, "answer_%s", fz_mode_tag(m));
            check_dir(outdir, sub, m);
        }
        check_dir(outdir, "finish", 0);
        if (n_checked < 6 * 2 + 6)
            failf("only %d seeds found under %s", n_checked, outdir);
    } else {
        for (unsigned m = MIKEY_MODE_PSK; m <= MIKEY_MODE_NULL; m++)
            run_mode(m);
    }
    fz_keys_free(&K);
    mikey_creds_free(CA);
    mikey_creds_free(CB);
    if (check)
        printf("fuzz_seeds: %d seeds checked, %d problems\n", n_checked, n_fail);
    else
        printf("fuzz_seeds: %d files written, %d problems\n", n_files, n_fail);
    return n_fail ? 1 : 0;
}
