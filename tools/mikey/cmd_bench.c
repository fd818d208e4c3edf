/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mikey bench: the cost of each key-agreement mode and role (initiator
 * offer, responder answer, initiator finish), next to the cost of the
 * OpenSSL primitives that role cannot avoid (the "floor"), measured in the
 * same run, and their ratio (the goal is <= 1.3).
 *
 * The library runs with the default environment (mikey_env_default: the
 * OpenSSL DRBG and the real clock), as an application would. Each
 * operation gets a fresh context (mikey_ctx_new is part of the cost); its
 * inputs (an I_MESSAGE for answer, a pending context and an R_MESSAGE for
 * finish) are prepared outside the timed region. Every library operation
 * is followed by one run of its floor, so both see the same load on a
 * shared machine, and the medians of the two series are compared. Credentials: RSA-2048 keys
 * and certificates from a test CA, DH group OAKLEY 5 (1536 bits), PRF
 * MIKEY-1, KEMAC AES-CM-128 / HMAC-SHA-1, AES_CM_128_HMAC_SHA1_80, one
 * crypto session.
 *
 * The floor of a role is the sequence of OpenSSL primitives it needs, run
 * with OpenSSL used directly and as cheaply as it allows (algorithms
 * fetched, HMAC digest set and keys parsed once, contexts reused):
 *   RAND    RAND_bytes of the fresh values (RAND, TGK or envelope key, CSB ID;
 *           a responder that sends a response picks the SSRCs the offer
 *           left at 0, RFC 3830 §6.1.1, as it does here)
 *   PRF     RFC 3830 §4.1.2 MIKEY-1 PRF, 32-byte key, one 160-bit block
 *           (2 HMAC-SHA-1 under one key: EVP_MAC_init with the key, then
 *           with a NULL key, which reuses the hashed pads): one derived key
 *           (TEK, salt, encr/auth/salt key)
 *   PRF192  the same with the 192-byte DH secret as key (6 chunks, each
 *           keyed once)
 *   HMAC    HMAC-SHA-1 over a 150-byte message, key set (KEMAC MAC, V; a
 *           PSK I_MESSAGE's MAC covers 139 bytes, V and the PKE / RSA-R
 *           KEMAC MAC less, DH-HMAC's more)
 *   HASH    SHA-256 of a 150-byte message: the responder's replay cache
 *           (RFC 3830 §5.4 remembers each authenticated I_MESSAGE, by hash
 *           in its own sizing example)
 *   AES     AES-128-CTR of a Key data payload, key schedule included
 *   SIGN / VERIFY   RSA-2048 PKCS#1 v1.5 SHA-256 over 500 bytes
 *   ENC / DEC       RSA-2048 PKCS#1 v1.5 encryption of a 32-byte key
 *   CERT    d2i_X509 of the peer's certificate and X509_verify_cert to the CA
 *   DHGEN / DHDER   g^x and y^x mod the 1536-bit prime, 256-bit x, in
 *                   constant time (the library's exponent size)
 * Work a mode chooses to do beyond this floor shows in the ratio (e.g. the
 * library's check that a peer's DH value lies in the prime-order subgroup,
 * a Legendre symbol; the initiator's replay-cache entry for its own
 * I_MESSAGE).
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "mikey.h"

const char mkt_bench_help[] =
    "Usage: mikey bench [--time SECONDS] [--quick] [--mode NAME]...\n"
    "\n"
    "Time every key-agreement mode and role of the library: the initiator's\n"
    "offer, the responder's answer and the initiator's finish, in microseconds\n"
    "per operation, and whole exchanges per second. Next to each figure is the\n"
    "floor: the cost of the OpenSSL primitives that role needs (RSA, DH,\n"
    "certificate checks, PRF, HMAC, AES, random bytes), measured in the same\n"
    "run, and the ratio library/floor (the goal is at most 1.3).\n"
    "\n"
    "Modes: PSK (no V), PSK+V, PKE, DH, DH with a precomputed DH key pair\n"
    "(mikey_policy_precompute_dh), DH-HMAC, RSA-R, MIKEY-NULL. RSA-2048 keys,\n"
    "DH group OAKLEY 5, PRF MIKEY-1, AES_CM_128_HMAC_SHA1_80, one crypto\n"
    "session; the default environment (OpenSSL DRBG, real clock).\n"
    "\n"
    "Options:\n"
    "      --time SECONDS  measuring time per cell (default 0.4; the whole run\n"
    "                      takes about 30 s)\n"
    "      --quick         0.05 s per cell: a smoke test, not a measurement\n"
    "      --mode NAME     only this mode (repeatable): psk, psk-v, pke, dh,\n"
    "                      dh-pre, dhhmac, rsar, null\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 done, 1 an exchange failed, 2 usage error.\n";

static const char *CMD = "bench";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---------------------------------------------------------------------- */
/* The floor: OpenSSL primitives                                           */
/* ---------------------------------------------------------------------- */

enum {
    U_RAND, U_PRF, U_PRF192, U_HMAC, U_HASH, U_AES, U_SIGN, U_VERIFY, U_ENC, U_DEC, U_CERT, U_DHGEN, U_DHDER, U_N
};
static const char *const unit_names[U_N] = {"RAND", "PRF",    "PRF192", "HMAC", "HASH",  "AES",  "SIGN",
                                            "VERIFY", "ENC", "DEC",    "CERT", "DHGEN", "DHDER"};

typedef struct floorctx {
    EVP_MAC *mac;
    EVP_MAC_CTX *mctx;
    OSSL_PARAM mparams[2];
    EVP_CIPHER *aes;
    EVP_CIPHER_CTX *cctx;
    EVP_MD *sha256;
    EVP_MD_CTX *mdctx;
    EVP_PKEY *key, *pub; /* RSA-2048 private key; the public key of the peer */
    EVP_PKEY_CTX *enc, *dec;
    X509_STORE *store;
    uint8_t *der;        /* a peer certificate issued by the CA */
    int derlen;
    BIGNUM *p, *g, *x, *y, *r;
    BN_CTX *bn;
    BN_MONT_CTX *mont;
    uint8_t msg[500], peer[192], pkebuf[512], sig[512];
    size_t siglen, pkelen;
    double cost[U_N]; /* µs */
} floorctx;

/* HMAC-SHA-1 (the digest was set once, in floor_init); key NULL: the key
 * of the previous call, whose hashed pads the context kept. */
static int f_hmac(floorctx *f, const uint8_t *key, size_t klen, const uint8_t *a, size_t alen, const uint8_t *b,
                  size_t blen, uint8_t out[20])
{
    size_t ol = 0;
    return EVP_MAC_init(f->mctx, key, key ? klen : 0, NULL) && EVP_MAC_update(f->mctx, a, alen) &&
           (!blen || EVP_MAC_update(f->mctx, b, blen)) && EVP_MAC_final(f->mctx, out, &ol, 20);
}

/* RFC 3830 §4.1.2: inkey in 256-bit chunks, P(s, label, m) = HMAC-SHA-1
 * chain under s, outputs XORed. One 160-bit block per chunk (outputs <= 20
 * bytes). */
static int f_prf(floorctx *f, const uint8_t *inkey, size_t inlen, const uint8_t *label, size_t llen, uint8_t *out,
                 size_t outlen)
{
    uint8_t a[20], blk[20];
    memset(out, 0, outlen);
    for (size_t off = 0; off < inlen; off += 32) {
        size_t kl = inlen - off < 32 ? inlen - off : 32;
        if (!f_hmac(f, inkey + off, kl, label, llen, NULL, 0, a) || !f_hmac(f, NULL, 0, a, 20, label, llen, blk))
            return 0;
        for (size_t i = 0; i < outlen && i < 20; i++)
            out[i] ^= blk[i];
    }
    return 1;
}

static int f_unit(floorctx *f, int u)
{
    uint8_t buf[512], k[32], label[25];
    size_t n = sizeof buf;
    int ok = 0;
    memset(label, 0x5a, sizeof label);
    memset(k, 0x33, sizeof k);
    switch (u) {
    case U_RAND:
        ok = RAND_bytes(buf, 36) == 1;
        break;
    case U_PRF:
        ok = f_prf(f, k, 32, label, sizeof label, buf, 20);
        break;
    case U_PRF192:
        ok = f_prf(f, f->peer, 192, label, sizeof label, buf, 16);
        break;
    case U_HMAC:
        ok = f_hmac(f, k, 20, f->msg, 150, NULL, 0, buf);
        break;
    case U_HASH: {
        unsigned hl = 0;
        ok = EVP_DigestInit_ex2(f->mdctx, f->sha256, NULL) && EVP_DigestUpdate(f->mdctx, f->msg, 150) &&
             EVP_DigestFinal_ex(f->mdctx, buf, &hl);
        break;
    }
    case U_AES: {
        int l1 = 0, l2 = 0;
        ok = EVP_EncryptInit_ex2(f->cctx, f->aes, k, label, NULL) && EVP_EncryptUpdate(f->cctx, buf, &l1, f->msg, 32) &&
             EVP_EncryptFinal_ex(f->cctx, buf + l1, &l2);
        break;
    }
    case U_SIGN: {
        EVP_MD_CTX *m = EVP_MD_CTX_new();
        ok = m && EVP_DigestSignInit_ex(m, NULL, "SHA256", NULL, NULL, f->key, NULL) &&
             EVP_DigestSign(m, buf, &n, f->msg, sizeof f->msg);
        EVP_MD_CTX_free(m);
        break;
    }
    case U_VERIFY: {
        EVP_MD_CTX *m = EVP_MD_CTX_new();
        ok = m && EVP_DigestVerifyInit_ex(m, NULL, "SHA256", NULL, NULL, f->pub, NULL) &&
             EVP_DigestVerify(m, f->sig, f->siglen, f->msg, sizeof f->msg) == 1;
        EVP_MD_CTX_free(m);
        break;
    }
    case U_ENC:
        ok = EVP_PKEY_encrypt(f->enc, buf, &n, k, 32) == 1;
        break;
    case U_DEC:
        ok = EVP_PKEY_decrypt(f->dec, buf, &n, f->pkebuf, f->pkelen) == 1 && n == 32;
        break;
    case U_CERT: {
        const unsigned char *p = f->der;
        X509 *x = d2i_X509(NULL, &p, f->derlen);
        X509_STORE_CTX *sc = X509_STORE_CTX_new();
        ok = x && sc && X509_STORE_CTX_init(sc, f->store, x, NULL) && X509_verify_cert(sc) == 1 &&
             X509_get0_pubkey(x) != NULL;
        X509_STORE_CTX_free(sc);
        X509_free(x);
        break;
    }
    case U_DHGEN:
        ok = BN_priv_rand(f->x, 256, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
             BN_mod_exp_mont_consttime(f->r, f->g, f->x, f->p, f->bn, f->mont) && BN_bn2binpad(f->r, buf, 192) == 192;
        break;
    case U_DHDER:
        ok = BN_bin2bn(f->peer, 192, f->y) && BN_mod_exp_mont_consttime(f->r, f->y, f->x, f->p, f->bn, f->mont) &&
             BN_bn2binpad(f->r, buf, 192) == 192;
        break;
    default:
        break;
    }
    return ok;
}

static const char oakley5_hex[] = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
                                  "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
                                  "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
                                  "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                                  "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D"
                                  "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
                                  "83655D23DCA3AD961C62F356208552BB9ED529077096966D"
                                  "670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF";

static EVP_PKEY *pem_key(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return k;
}

static X509 *pem_cert(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return x;
}

static void floor_free(floorctx *f)
{
    EVP_MAC_CTX_free(f->mctx);
    EVP_MAC_free(f->mac);
    EVP_CIPHER_CTX_free(f->cctx);
    EVP_CIPHER_free(f->aes);
    EVP_MD_CTX_free(f->mdctx);
    EVP_MD_free(f->sha256);
    EVP_PKEY_CTX_free(f->enc);
    EVP_PKEY_CTX_free(f->dec);
    EVP_PKEY_free(f->key);
    EVP_PKEY_free(f->pub);
    X509_STORE_free(f->store);
    OPENSSL_free(f->der);
    BN_free(f->p);
    BN_free(f->g);
    BN_clear_free(f->x);
    BN_free(f->y);
    BN_free(f->r);
    BN_CTX_free(f->bn);
    BN_MONT_CTX_free(f->mont);
}

/* key: our private key; peer: the other party's certificate (issued by ca). */
static int floor_init(floorctx *f, const char *key_pem, const char *peer_cert_pem, const char *ca_pem)
{
    static char sha1[] = "SHA1";
    memset(f, 0, sizeof f[0]);
    X509 *peer = pem_cert(peer_cert_pem), *ca = pem_cert(ca_pem);
    int ok = peer && ca && (f->key = pem_key(key_pem)) != NULL;
    ok = ok && (f->pub = X509_get_pubkey(peer)) && (f->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) &&
         (f->mctx = EVP_MAC_CTX_new(f->mac)) && (f->aes = EVP_CIPHER_fetch(NULL, "AES-128-CTR", NULL)) &&
         (f->cctx = EVP_CIPHER_CTX_new()) && (f->store = X509_STORE_new()) && X509_STORE_add_cert(f->store, ca) &&
         (f->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) && (f->mdctx = EVP_MD_CTX_new());
    f->mparams[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, sha1, 0);
    f->mparams[1] = OSSL_PARAM_construct_end();
    ok = ok && EVP_MAC_CTX_set_params(f->mctx, f->mparams);
    ok = ok && (f->derlen = i2d_X509(peer, &f->der)) > 0;
    ok = ok && (f->enc = EVP_PKEY_CTX_new(f->pub, NULL)) && EVP_PKEY_encrypt_init(f->enc) > 0 &&
         EVP_PKEY_CTX_set_rsa_padding(f->enc, RSA_PKCS1_PADDING) > 0;
    /* what the peer would send us: our public key encrypts, we decrypt */
    EVP_PKEY_CTX *e2 = ok ? EVP_PKEY_CTX_new(f->key, NULL) : NULL;
    f->pkelen = sizeof f->pkebuf;
    uint8_t k[32];
    memset(k, 0x33, sizeof k);
    ok = ok && e2 && EVP_PKEY_encrypt_init(e2) > 0 && EVP_PKEY_CTX_set_rsa_padding(e2, RSA_PKCS1_PADDING) > 0 &&
         EVP_PKEY_encrypt(e2, f->pkebuf, &f->pkelen, k, sizeof k) > 0;
    EVP_PKEY_CTX_free(e2);
    ok = ok && (f->dec = EVP_PKEY_CTX_new(f->key, NULL)) && EVP_PKEY_decrypt_init(f->dec) > 0 &&
         EVP_PKEY_CTX_set_rsa_padding(f->dec, RSA_PKCS1_PADDING) > 0;
    /* a signature the peer's key verifies: made with... the peer's key is
     * not ours, so verify our own signature with our own public key. */
    if (ok) {
        EVP_PKEY_free(f->pub);
        f->pub = NULL;
        EVP_MD_CTX *m = EVP_MD_CTX_new();
        memset(f->msg, 0x42, sizeof f->msg);
        f->siglen = sizeof f->sig;
        ok = m && EVP_DigestSignInit_ex(m, NULL, "SHA256", NULL, NULL, f->key, NULL) &&
             EVP_DigestSign(m, f->sig, &f->siglen, f->msg, sizeof f->msg);
        EVP_MD_CTX_free(m);
        /* a public-key-only copy of our key, as a certificate would give */
        unsigned char *pd = NULL;
        int pl = ok ? i2d_PUBKEY(f->key, &pd) : 0;
        const unsigned char *pp = pd;
        ok = ok && pl > 0 && (f->pub = d2i_PUBKEY(NULL, &pp, pl)) != NULL;
        OPENSSL_free(pd);
    }
    ok = ok && (f->bn = BN_CTX_new()) && (f->mont = BN_MONT_CTX_new()) && BN_hex2bn(&f->p, oakley5_hex) &&
         (f->g = BN_new()) && BN_set_word(f->g, 2) && (f->x = BN_secure_new()) && (f->y = BN_new()) &&
         (f->r = BN_new()) && BN_MONT_CTX_set(f->mont, f->p, f->bn);
    if (ok) {
        BN_set_flags(f->x, BN_FLG_CONSTTIME);
        ok = BN_priv_rand(f->x, 256, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
             BN_mod_exp_mont_consttime(f->r, f->g, f->x, f->p, f->bn, f->mont) && BN_bn2binpad(f->r, f->peer, 192) == 192;
    }
    X509_free(peer);
    X509_free(ca);
    for (int u = 0; ok && u < U_N; u++)
        ok = f_unit(f, u);
    if (!ok) {
        unsigned long e = ERR_get_error();
        char b[256];
        ERR_error_string_n(e, b, sizeof b);
        mkt_err(CMD, "setting up the OpenSSL floor failed: %s", e ? b : "?");
        ERR_clear_error();
        floor_free(f);
        return -1;
    }
    return 0;
}

/* The cost of each primitive alone (for the report line): the median of
 * 9 batches. */
static int floor_measure(floorctx *f, double seconds)
{
    for (int u = 0; u < U_N; u++) {
        double v[9];
        for (int r = 0; r < 9; r++) {
            long n = 0;
            double t0 = now_s(), t;
            do {
                if (!f_unit(f, u)) {
                    mkt_err(CMD, "OpenSSL primitive %s failed", unit_names[u]);
                    return -1;
                }
                n++;
                t = now_s() - t0;
            } while (t < seconds / 9);
            v[r] = t / (double)n * 1e6;
        }
        f->cost[u] = median(v, 9);
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* The library                                                             */
/* ---------------------------------------------------------------------- */

enum { R_OFFER, R_ANSWER, R_FINISH, R_N };
static const char *const role_names[R_N] = {"offer", "answer", "finish"};

typedef struct bmode {
    const char *key, *label;
    unsigned mode;
    int verify, precompute;
    /* the floor of each role: counts of each unit */
    unsigned char floor[R_N][U_N];
} bmode;

/* clang-format off */
/*                                          RAND PRF P192 HMAC HASH AES SIGN VRFY ENC DEC CERT DHG DHD */
#define F(...) {__VA_ARGS__}
static const bmode modes[] = {
    {"psk", "PSK", MIKEY_MODE_PSK, 0, 0, {
        F(1, 5, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0),   /* 3 PRF (encr, auth, salt keys) + AES + MAC; TEK+salt (2 PRF) */
        F(0, 5, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0),   /* the same, MAC verified; replay cache */
        F(0)}},
    {"psk-v", "PSK+V", MIKEY_MODE_PSK, 1, 0, {
        F(1, 3, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0),
        F(1, 5, 0, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0),   /* + V; the SSRC */
        F(0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)}}, /* V verified, TEK+salt */
    {"pke", "PKE", MIKEY_MODE_PKE, 0, 0, {
        F(1, 5, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0),   /* envelope: RSA encrypt; SIGN */
        F(0, 5, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0),   /* CERT chain, VERIFY, RSA decrypt */
        F(0)}},
    {"dh", "DH", MIKEY_MODE_DH, 0, 0, {
        F(1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0),
        F(1, 0, 2, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1),   /* TEK+salt from the 192-byte g^xy */
        F(0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1)}},
    {"dh-pre", "DH precomputed", MIKEY_MODE_DH, 0, 1, {
        F(1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0),
        F(1, 0, 2, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1),
        F(0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1)}},
    {"dhhmac", "DH-HMAC", MIKEY_MODE_DHHMAC, 0, 0, {
        F(1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0),   /* auth key from the PSK, MAC */
        F(1, 1, 2, 2, 1, 0, 0, 0, 0, 0, 0, 1, 1),
        F(0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1)}},
    {"rsar", "RSA-R", MIKEY_MODE_RSAR, 0, 0, {
        F(1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0),
        F(1, 5, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0),   /* CERT, VERIFY; envelope to the initiator, KEMAC, SIGN */
        F(0, 5, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0)}},
    {"null", "MIKEY-NULL", MIKEY_MODE_NULL, 0, 0, {
        F(1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        F(0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
        F(0)}},
};
/* clang-format on */
#undef F
#define NMODES (sizeof modes / sizeof modes[0])

typedef struct side {
    mikey_creds *creds;
    mikey_policy *pol;
} side;

typedef struct bench {
    mikey_env env;
    side alice, alice_pke, bob;
    mikey_stream_desc stream;
    double secs;
} bench;

static int has_response(const bmode *m)
{
    return m->verify || m->mode == MIKEY_MODE_DH || m->mode == MIKEY_MODE_DHHMAC || m->mode == MIKEY_MODE_RSAR;
}

static mikey_offer_opts offer_opts(bench *b, const bmode *m)
{
    mikey_offer_opts o;
    memset(&o, 0, sizeof o);
    o.mode = m->mode;
    o.peer_id = "sip:bob@b.example";
    o.streams = &b->stream;
    o.nstreams = 1;
    o.want_verification = m->verify;
    return o;
}

typedef struct item {
    mikey_ctx *ini;
    uint8_t i[8192], r[8192];
    size_t ilen, rlen;
} item;

static int fail_rc(const bmode *m, const char *what, int rc)
{
    mkt_err(CMD, "%s: %s failed: %s [%s]", m->label, what, mikey_strerror(rc), mikey_err_name(rc));
    return -1;
}

static side *ini_side(bench *b, const bmode *m) { return m->mode == MIKEY_MODE_PKE ? &b->alice_pke : &b->alice; }

/* Prepare @p it for a timed @p role (untimed work). */
static int prepare(bench *b, const bmode *m, int role, item *it)
{
    side *a = ini_side(b, m);
    mikey_offer_opts o = offer_opts(b, m);
    int rc;
    it->ini = NULL;
    if (role == R_OFFER) {
        if (m->precompute && (rc = mikey_policy_precompute_dh(a->pol, MIKEY_DH_OAKLEY5)))
            return fail_rc(m, "precompute", rc);
        return 0;
    }
    if ((rc = mikey_ctx_new(&b->env, a->creds, a->pol, &it->ini)) ||
        (rc = mikey_offer(it->ini, &o, it->i, sizeof it->i, &it->ilen)))
        return fail_rc(m, "offer", rc);
    if (m->precompute && (rc = mikey_policy_precompute_dh(b->bob.pol, MIKEY_DH_OAKLEY5)))
        return fail_rc(m, "precompute", rc);
    if (role == R_ANSWER) {
        mikey_ctx_free(it->ini);
        it->ini = NULL;
        return 0;
    }
    mikey_ctx *res = NULL;
    if ((rc = mikey_ctx_new(&b->env, b->bob.creds, b->bob.pol, &res)) ||
        (rc = mikey_answer(res, it->i, it->ilen, it->r, sizeof it->r, &it->rlen))) {
        mikey_ctx_free(res);
        return fail_rc(m, "answer", rc);
    }
    mikey_ctx_free(res);
    return 0;
}

/* The timed operation. */
static int run_op(bench *b, const bmode *m, int role, item *it)
{
    side *a = ini_side(b, m);
    int rc;
    if (role == R_OFFER) {
        mikey_offer_opts o = offer_opts(b, m);
        mikey_ctx *c = NULL;
        if ((rc = mikey_ctx_new(&b->env, a->creds, a->pol, &c)) ||
            (rc = mikey_offer(c, &o, it->i, sizeof it->i, &it->ilen))) {
            mikey_ctx_free(c);
            return fail_rc(m, "offer", rc);
        }
        mikey_ctx_free(c);
    } else if (role == R_ANSWER) {
        mikey_ctx *c = NULL;
        if ((rc = mikey_ctx_new(&b->env, b->bob.creds, b->bob.pol, &c)) ||
            (rc = mikey_answer(c, it->i, it->ilen, it->r, sizeof it->r, &it->rlen))) {
            mikey_ctx_free(c);
            return fail_rc(m, "answer", rc);
        }
        mikey_ctx_free(c);
    } else {
        rc = mikey_finish(it->ini, it->r, it->rlen);
        mikey_ctx_free(it->ini);
        it->ini = NULL;
        if (rc)
            return fail_rc(m, "finish", rc);
    }
    return 0;
}

/* One run of a role's floor: its primitives, in the counts of the recipe. */
static int floor_op(floorctx *f, const bmode *m, int role)
{
    for (int u = 0; u < U_N; u++)
        for (unsigned k = 0; k < m->floor[role][u]; k++)
            if (!f_unit(f, u)) {
                mkt_err(CMD, "OpenSSL primitive %s failed", unit_names[u]);
                return -1;
            }
    return 0;
}

/*
 * Median µs per operation of the library and of the floor, sampled in
 * turn (the same load on a shared machine affects both alike): for
 * b->secs of library time, or until 4 x b->secs of wall time (preparation
 * included) have passed; at least 5 samples.
 */
static int measure(bench *b, const bmode *m, int role, floorctx *f, double *us, double *fus, size_t *samples)
{
    item *it = malloc(sizeof *it);
    size_t cap = 1024, n = 0;
    double *lib = malloc(cap * sizeof *lib), *fl = malloc(cap * sizeof *fl);
    if (!it || !lib || !fl) {
        free(it);
        free(lib);
        free(fl);
        mkt_err(CMD, "out of memory");
        return -1;
    }
    it->ini = NULL;
    double timed = 0, start = now_s();
    int rc = 0;
    while (rc == 0 && (n < 5 || (timed < b->secs && now_s() - start < 4 * b->secs))) {
        if (n == cap) {
            double *nl = realloc(lib, 2 * cap * sizeof *nl), *nf = nl ? realloc(fl, 2 * cap * sizeof *nf) : NULL;
            if (nl)
                lib = nl;
            if (nf)
                fl = nf;
            if (!nl || !nf) {
                mkt_err(CMD, "out of memory");
                rc = -1;
                break;
            }
            cap *= 2;
        }
        if ((rc = prepare(b, m, role, it)))
            break;
        double t0 = now_s();
        rc = run_op(b, m, role, it);
        double t1 = now_s();
        if (rc == 0)
            rc = floor_op(f, m, role);
        double t2 = now_s();
        lib[n] = (t1 - t0) * 1e6;
        fl[n] = (t2 - t1) * 1e6;
        timed += t1 - t0;
        n++;
    }
    mikey_ctx_free(it->ini);
    free(it);
    *us = median(lib, n);
    *fus = median(fl, n);
    *samples = n;
    free(lib);
    free(fl);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Setup and report                                                        */
/* ---------------------------------------------------------------------- */

static int side_init(bench *b, side *s, const char *id, const char *key, const char *cert, const char *ca,
                     const char *peer_id, const char *peer_cert)
{
    static const uint8_t psk[32] = "a 32-byte pre-shared key for us!";
    int rc;
    if ((rc = mikey_creds_new(&b->env, &s->creds)) || (rc = mikey_policy_new(&b->env, &s->pol)) ||
        (rc = mikey_creds_set_identity(s->creds, id)) || (rc = mikey_creds_add_psk(s->creds, NULL, psk, sizeof psk)) ||
        (rc = mikey_creds_set_key(s->creds, (const uint8_t *)key, strlen(key))) ||
        (rc = mikey_creds_add_cert(s->creds, (const uint8_t *)cert, strlen(cert))) ||
        (rc = mikey_creds_add_trust(s->creds, (const uint8_t *)ca, strlen(ca))) ||
        (peer_cert &&
         (rc = mikey_creds_add_peer_cert(s->creds, peer_id, (const uint8_t *)peer_cert, strlen(peer_cert)))) ||
        (rc = mikey_policy_set_modes(s->pol, MIKEY_MODE_BIT(MIKEY_MODE_PSK) | MIKEY_MODE_BIT(MIKEY_MODE_PKE) |
                                                 MIKEY_MODE_BIT(MIKEY_MODE_DH) | MIKEY_MODE_BIT(MIKEY_MODE_DHHMAC) |
                                                 MIKEY_MODE_BIT(MIKEY_MODE_RSAR) | MIKEY_MODE_BIT(MIKEY_MODE_NULL)))) {
        mkt_err(CMD, "setting up the credentials failed: %s", mikey_strerror(rc));
        return -1;
    }
    return 0;
}

static void side_free(side *s)
{
    mikey_creds_free(s->creds);
    mikey_policy_free(s->pol);
}

static void ratio_str(char *out, size_t n, double lib, double fl)
{
    if (fl > 0)
        snprintf(out, n, "%.2f", lib / fl);
    else
        snprintf(out, n, "-");
}

int mkt_cmd_bench(int argc, char **argv)
{
    double secs = 0.4;
    int only[NMODES], any_only = 0, rc;
    memset(only, 0, sizeof only);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (mkt_opt_flag(a, "--quick", NULL)) {
            secs = 0.05;
        } else if ((rc = mkt_opt_value(argc, argv, &i, "--time", NULL, &v)) != 0) {
            char *end = NULL;
            double t = rc > 0 ? strtod(v, &end) : 0;
            if (rc < 0 || !end || *end || !(t >= 0.01 && t <= 60))
                return mkt_usage_err(CMD, "--time needs a number of seconds from 0.01 to 60");
            secs = t;
        } else if ((rc = mkt_opt_value(argc, argv, &i, "--mode", NULL, &v)) != 0) {
            size_t k = 0;
            while (rc > 0 && k < NMODES && strcmp(modes[k].key, v) != 0)
                k++;
            if (rc < 0 || k == NMODES)
                return mkt_usage_err(CMD, "--mode needs one of psk, psk-v, pke, dh, dh-pre, dhhmac, rsar, null");
            only[k] = 1;
            any_only = 1;
        } else {
            return mkt_usage_err(CMD, "unknown argument '%s'", a);
        }
    }

    bench b;
    memset(&b, 0, sizeof b);
    b.secs = secs;
    mikey_env_default(&b.env);
    char *cak = NULL, *cac = NULL, *ak = NULL, *ac = NULL, *bk = NULL, *bc = NULL;
    floorctx fi, fr;
    int have_fi = 0, have_fr = 0, status = MKT_EXIT_FAIL;
    const char *A = "sip:alice@a.example", *B = "sip:bob@b.example";
    fprintf(stderr, "mikey bench: making RSA-2048 keys and certificates...\n");
    if (mkt_keygen_pem(2048, "bench CA", NULL, 1, NULL, NULL, &cak, &cac) ||
        mkt_keygen_pem(2048, A, A, 0, cak, cac, &ak, &ac) || mkt_keygen_pem(2048, B, B, 0, cak, cac, &bk, &bc)) {
        mkt_err(CMD, "key generation failed");
        goto out;
    }
    /* Alice knows Bob's certificate only for PKE (a pinned certificate
     * skips the chain check, which the other modes must do). */
    if (side_init(&b, &b.alice, A, ak, ac, cac, NULL, NULL) || side_init(&b, &b.alice_pke, A, ak, ac, cac, B, bc) ||
        side_init(&b, &b.bob, B, bk, bc, cac, NULL, NULL))
        goto out;
    /* The floors: the initiator's primitives with Alice's key and Bob's
     * certificate, the responder's with Bob's key and Alice's. */
    if (floor_init(&fi, ak, bc, cac))
        goto out;
    have_fi = 1;
    if (floor_init(&fr, bk, ac, cac))
        goto out;
    have_fr = 1;
    fprintf(stderr, "mikey bench: measuring the OpenSSL primitives...\n");
    if (floor_measure(&fi, secs / 2))
        goto out;

    printf("mikey bench: openmikey %s, %s\n", mikey_version(), OpenSSL_version(OPENSSL_VERSION));
    printf("default env (OpenSSL DRBG, real clock); RSA-2048, DH OAKLEY 5 (1536-bit), PRF MIKEY-1,\n"
           "KEMAC AES-CM-128/HMAC-SHA-1, AES_CM_128_HMAC_SHA1_80, 1 crypto session; %.2f s per cell\n\n",
           secs);
    printf("OpenSSL primitives (us):");
    for (int u = 0; u < U_N; u++)
        printf("%s %s %.1f", u == 0 ? "" : u == U_SIGN ? ",\n " : ",", unit_names[u], fi.cost[u]);
    printf("\n\n");
    printf("%-15s %-7s %10s %10s %10s %6s  %s\n", "mode", "role", "us/op", "ops/s", "floor us", "ratio",
           "floor = OpenSSL primitives (medians)");
    double sum_lib[NMODES], sum_fl[NMODES];
    for (size_t k = 0; k < NMODES; k++) {
        const bmode *m = &modes[k];
        sum_lib[k] = sum_fl[k] = 0;
        if (any_only && !only[k])
            continue;
        for (int role = 0; role < R_N; role++) {
            if (role == R_FINISH && !has_response(m))
                continue;
            double us = 0, fl = 0;
            size_t ns = 0;
            char recipe[160] = "", ratio[16];
            size_t rl = 0;
            floorctx *f = role == R_ANSWER ? &fr : &fi;
            for (int u = 0; u < U_N; u++) {
                if (!m->floor[role][u])
                    continue;
                rl += (size_t)snprintf(recipe + rl, sizeof recipe - rl, "%s%u %s", rl ? " + " : "",
                                       m->floor[role][u], unit_names[u]);
                if (rl >= sizeof recipe)
                    rl = sizeof recipe - 1;
            }
            if (measure(&b, m, role, f, &us, &fl, &ns))
                goto out;
            sum_lib[k] += us;
            sum_fl[k] += fl;
            ratio_str(ratio, sizeof ratio, us, fl);
            printf("%-15s %-7s %10.1f %10.0f %10.1f %6s  %s\n", m->label, role_names[role], us, 1e6 / us, fl, ratio,
                   recipe);
            fflush(stdout);
        }
    }
    printf("\n%-15s %12s %12s %12s %8s\n", "exchange", "us", "exchanges/s", "floor us", "ratio");
    for (size_t k = 0; k < NMODES; k++) {
        char ratio[16];
        if (any_only && !only[k])
            continue;
        ratio_str(ratio, sizeof ratio, sum_lib[k], sum_fl[k]);
        printf("%-15s %12.1f %12.0f %12.1f %8s\n", modes[k].label, sum_lib[k], 1e6 / sum_lib[k], sum_fl[k], ratio);
    }
    status = fflush(stdout) == 0 ? MKT_EXIT_OK : MKT_EXIT_FAIL;
out:
    if (have_fi)
        floor_free(&fi);
    if (have_fr)
        floor_free(&fr);
    side_free(&b.alice);
    side_free(&b.alice_pke);
    side_free(&b.bob);
    free(cak);
    free(cac);
    free(ak);
    free(ac);
    free(bk);
    free(bc);
    return status;
}
