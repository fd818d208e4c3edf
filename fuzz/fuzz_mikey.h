/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the session fuzz targets (fuzz/answer_*.c, fuzz/finish.c) and
 * their seed generator (tests/interop/prog/fuzz_seeds.c): the parties
 * (identities, PSK, the test PKI of fuzz/pki.h), the offers each mode
 * makes, and the "fix-ups" that make a mutated message authentic again.
 *
 * Why fix-ups: almost every mutation of an authenticated message breaks its
 * MAC or signature, so a plain fuzzer never gets past the authentication
 * check. With a fix-up flag in the input, the harness recomputes the MAC
 * (it knows the PSK, and for PKE it opens the envelope with the
 * responder's test key) or re-signs with the initiator's / responder's test
 * key after the mutation, so the fuzzer reaches what comes after: key data,
 * key validity, SPs, DH values, identities. The "plaintext" fix-up also
 * encrypts the KEMAC Encr data (AES-CM), so the fuzzer mutates the Key data
 * chain in the clear. MIKEY-NULL needs none of this (no MAC).
 *
 * The fix-ups use the library's internal helpers (the same PRF and MAC):
 * they only need to produce what the library accepts, they are not test
 * oracles.
 */
#ifndef FUZZ_MIKEY_H
#define FUZZ_MIKEY_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "openmikey/message.h"
#include "openmikey/session.h"
#include "fuzz_env.h"
#include "pki.h"
#include "session/mode.h"
#include "session/session_int.h"

#define FZ_ALICE "sip:alice@a.example"
#define FZ_BOB "sip:bob@b.example"
#define FZ_MAXMSG 16384

/* 32 bytes, test only. */
static const uint8_t FZ_PSK[32] = {'o', 'p', 'e', 'n', 'm', 'i', 'k', 'e', 'y', ' ', 'f', 'u', 'z', 'z', ' ', 'P',
                                   'S', 'K', ',', ' ', 't', 'e', 's', 't', ' ', 'o', 'n', 'l', 'y', '!', '!', '!'};

/* Input flags (first byte of the answer / finish inputs after the mode). */
enum {
    FZ_FIX_MASK = 3,     /* 0: as is; 1: fix the MAC / signature; 2: KEMAC Encr data in the clear, then 1 */
    FZ_SMALL_OUT = 1u << 2, /* answer into a 24-byte buffer (NOBUF must change nothing) */
    FZ_ESTABLISHED = 1u << 3, /* the responder has accepted the mode's base offer: updates */
};

/* Each mode's offer uses its own RNG seed, so the I_MESSAGE (and the
 * R_MESSAGE answering it) is the same in the generator and in the
 * harness. */
static inline uint64_t fz_seed(unsigned mode) { return 0x5eed0000u + mode; }

static inline const char *fz_mode_tag(unsigned mode)
{
    static const char *t[] = {"?", "psk", "pke", "dh", "dhhmac", "rsar", "null"};
    return mode <= 6 ? t[mode] : "?";
}

static inline int fz_pem(mikey_creds *c, int (*f)(mikey_creds *, const uint8_t *, size_t), const char *pem)
{
    return f(c, (const uint8_t *)pem, strlen(pem));
}

/* Credentials of alice (bob = 0) or bob (bob = 1): identity, the PSK for
 * the other, own key and certificate, the test CA, the other's certificate. */
static inline mikey_creds *fz_creds(const mikey_env *env, int bob)
{
    mikey_creds *c = NULL;
    if (mikey_creds_new(env, &c) != MIKEY_OK)
        return NULL;
    const char *me = bob ? FZ_BOB : FZ_ALICE, *other = bob ? FZ_ALICE : FZ_BOB;
    int rc = mikey_creds_set_identity(c, me);
    if (!rc)
        rc = mikey_creds_add_psk(c, other, FZ_PSK, sizeof FZ_PSK);
    if (!rc)
        rc = fz_pem(c, mikey_creds_set_key, bob ? FZ_BOB_KEY_PEM : FZ_ALICE_KEY_PEM);
    if (!rc)
        rc = fz_pem(c, mikey_creds_add_cert, bob ? FZ_BOB_CERT_PEM : FZ_ALICE_CERT_PEM);
    if (!rc)
        rc = fz_pem(c, mikey_creds_add_trust, FZ_CA_PEM);
    if (!rc) {
        const char *pem = bob ? FZ_ALICE_CERT_PEM : FZ_BOB_CERT_PEM;
        rc = mikey_creds_add_peer_cert(c, other, (const uint8_t *)pem, strlen(pem));
    }
    if (rc) {
        mikey_creds_free(c);
        return NULL;
    }
    return c;
}

/* A policy accepting every mode, MIKEY-NULL included (the library's
 * defaults otherwise). */
static inline mikey_policy *fz_policy(const mikey_env *env)
{
    mikey_policy *p = NULL;
    if (mikey_policy_new(env, &p) != MIKEY_OK)
        return NULL;
    unsigned all = 0;
    for (unsigned m = MIKEY_MODE_PSK; m <= MIKEY_MODE_NULL; m++)
        all |= MIKEY_MODE_BIT(m);
    if (mikey_policy_set_modes(p, all) != MIKEY_OK) {
        mikey_policy_free(p);
        return NULL;
    }
    return p;
}

/* The base offer of each mode: two crypto sessions (one SSRC known, one
 * for the responder to fill), a response asked for, an SDP IDs extension. */
static const mikey_stream_desc fz_streams[2] = {{0x11223344u, 7, 0}, {0, 0, 0}};

static inline mikey_offer_opts fz_opts(unsigned mode)
{
    mikey_offer_opts o;
    memset(&o, 0, sizeof o);
    o.mode = mode;
    o.peer_id = FZ_BOB;
    o.streams = fz_streams;
    o.nstreams = 2;
    o.want_verification = 1;
    o.sdp_ids = "mikey";
    return o;
}

/* The test keys as backend handles (for the fix-ups). */
typedef struct fz_keys {
    const mk_crypto_ops *ops;
    mk_pkey *alice, *bob;
} fz_keys;

static inline int fz_keys_init(fz_keys *k)
{
    k->ops = mk_crypto_ossl();
    k->alice = k->bob = NULL;
    return k->ops->pkey_from_pem(NULL, (const uint8_t *)FZ_ALICE_KEY_PEM, strlen(FZ_ALICE_KEY_PEM), 1, &k->alice) ||
           k->ops->pkey_from_pem(NULL, (const uint8_t *)FZ_BOB_KEY_PEM, strlen(FZ_BOB_KEY_PEM), 1, &k->bob);
}

/* A responder (bob) that accepted the base offer of `mode`, as the
 * generator's and the harness' bob both make it: alice's offer with the
 * mode's seed, bob's answer with his. NULL on failure. */
static inline mikey_ctx *fz_established_bob(unsigned mode, mikey_env *env, const mikey_creds *alice,
                                            const mikey_creds *bob, const mikey_policy *pol)
{
    uint8_t im[FZ_MAXMSG], rm[FZ_MAXMSG];
    size_t il = 0, rl = 0;
    mikey_offer_opts o = fz_opts(mode);
    mikey_ctx *a = NULL, *b = NULL;
    fuzz_env_init(env, fz_seed(mode), 0);
    int rc = mikey_ctx_new(env, alice, pol, &a);
    if (!rc)
        rc = mikey_offer(a, &o, im, sizeof im, &il);
    mikey_ctx_free(a);
    fuzz_env_init(env, fz_seed(mode) ^ 0xb0b, 0);
    if (!rc)
        rc = mikey_ctx_new(env, bob, pol, &b);
    if (!rc)
        rc = mikey_answer(b, im, il, rm, sizeof rm, &rl);
    if (rc) {
        mikey_ctx_free(b);
        return NULL;
    }
    return b;
}

static inline void fz_keys_free(fz_keys *k)
{
    if (k->alice)
        k->ops->pkey_free(k->alice);
    if (k->bob)
        k->ops->pkey_free(k->bob);
}

static inline mikey_span fz_span_of(const mikey_payload *p)
{
    mikey_span s = {NULL, 0};
    if (p)
        s = p->u.id.data;
    return s;
}

/* Sign parts with key into the SIGN field (last sig.len bytes of buf). */
static inline void fz_resign(const fz_keys *k, mk_pkey *key, const mikey_payload *sg, uint8_t *buf, size_t len,
                             const mikey_span *parts, size_t nparts)
{
    size_t siglen = sg->u.sign.sig.len, sl = 0;
    unsigned st = sg->u.sign.s_type;
    if (siglen != k->ops->pkey_size(key) || siglen > len || (st != MIKEY_SIGN_RSA_PKCS1 && st != MIKEY_SIGN_RSA_PSS))
        return;
    uint8_t sig[MK_MAX_SIG_LEN];
    if (k->ops->sign(NULL, key, st, MIKEY_HASH_SHA256, parts, nparts, sig, sizeof sig, &sl) == MIKEY_OK && sl == siglen)
        memcpy(buf + len - siglen, sig, siglen);
}

/* KEMAC Encr data given in the clear: encrypt it in place (AES-CM keeps the
 * length; the other algorithms are left alone). */
static inline void fz_encrypt_kemac(const fz_keys *k, const mikey_msg *m, const mk_msg_keys *mk, uint8_t *buf)
{
    const mikey_payload *kp = mikey_msg_find(m, MIKEY_PT_KEMAC, 0), *t = mikey_msg_find(m, MIKEY_PT_T, 0);
    if (!kp || !t)
        return;
    unsigned ea = kp->u.kemac.encr_alg;
    if (ea != MIKEY_ENCR_AES_CM_128 && ea != MIKEY_ENCR_AES_CM_256)
        return;
    uint8_t t64[8], tmp[FZ_MAXMSG];
    size_t n = kp->u.kemac.encr_data.len, ol = 0;
    if (n > sizeof tmp || mk_ts_to_t64(t->u.ts.ts_type, t->u.ts.value, t64) != MIKEY_OK)
        return;
    if (mk_kemac_encrypt(k->ops, ea, mk, mikey_msg_hdr(m)->csb_id, t64, kp->u.kemac.encr_data.p, n, tmp, sizeof tmp,
                         &ol) == MIKEY_OK &&
        ol == n)
        memcpy(buf + (kp->u.kemac.encr_data.p - buf), tmp, n);
}

/*
 * Make a mutated I_MESSAGE authentic again (fix = 1) or first encrypt its
 * KEMAC Encr data given in the clear (fix = 2): PSK and DH-HMAC: the KEMAC
 * MAC over the whole message with keys from FZ_PSK; PKE: the envelope key
 * opened with bob's key, the KEMAC payload MAC, alice's signature; DH and
 * RSA-R: alice's signature. Anything that does not parse is left alone.
 * csb_rand: the RAND of the established CSB, for an update (which has none,
 * RFC 3830 §4.5).
 */
static inline void fz_fix_imsg(const fz_keys *k, int fix, uint8_t *buf, size_t len, mikey_span csb_rand)
{
    mikey_msg *m = NULL;
    if (!fix || mikey_msg_parse(NULL, buf, len, NULL, &m, NULL) != MIKEY_OK)
        return;
    const mikey_hdr *h = mikey_msg_hdr(m);
    size_t np = mikey_msg_count(m);
    const mikey_payload *last = np ? mikey_msg_at(m, np - 1) : NULL;
    const mikey_payload *r = mikey_msg_find(m, MIKEY_PT_RAND, 0);
    mikey_span rand = csb_rand;
    if (r)
        rand = r->u.rand.data;
    mk_msg_keys mk;
    memset(&mk, 0, sizeof mk);
    if (last && last->type == MIKEY_PT_KEMAC && (h->data_type == MIKEY_DT_PSK_INIT || h->data_type == MIKEY_DT_DHHMAC_INIT)) {
        const mikey_kemac *km = &last->u.kemac;
        size_t ml = km->mac.len;
        if (km->mac_alg == MIKEY_MAC_NULL || ml != (size_t)mikey_mac_len(km->mac_alg) || ml > len)
            goto out;
        if (mk_derive_msg_keys(k->ops, h->prf, FZ_PSK, sizeof FZ_PSK, h->csb_id, rand, km->encr_alg, km->mac_alg,
                               &mk) != MIKEY_OK)
            goto out;
        if (fix == 2)
            fz_encrypt_kemac(k, m, &mk, buf);
        mikey_span cover = {buf, len - ml};
        (void)mk_mac(k->ops, km->mac_alg, mk.auth_key, mk.auth_len, &cover, 1, buf + len - ml);
    } else if (last && last->type == MIKEY_PT_SIGN) {
        const mikey_payload *kp = mikey_msg_find(m, MIKEY_PT_KEMAC, 0), *pp = mikey_msg_find(m, MIKEY_PT_PKE, 0);
        if (h->data_type == MIKEY_DT_PK_INIT && kp && pp) {
            uint8_t ek[256];
            size_t ekl = 0;
            const mikey_kemac *km = &kp->u.kemac;
            size_t ml = km->mac.len;
            if (km->mac_alg != MIKEY_MAC_NULL && ml == (size_t)mikey_mac_len(km->mac_alg) &&
                k->ops->rsa_decrypt(k->bob, MK_RSA_PKCS1, pp->u.pke.data.p, pp->u.pke.data.len, ek, sizeof ek, &ekl) ==
                    MIKEY_OK &&
                mk_derive_msg_keys(k->ops, h->prf, ek, ekl, h->csb_id, rand, km->encr_alg, km->mac_alg, &mk) ==
                    MIKEY_OK) {
                if (fix == 2)
                    fz_encrypt_kemac(k, m, &mk, buf);
                (void)mk_kemac_payload_mac(k->ops, km->mac_alg, mk.auth_key, mk.auth_len, kp,
                                           buf + kp->offset + kp->raw.len - ml);
            }
        }
        mikey_span cover = {buf, len - last->u.sign.sig.len};
        fz_resign(k, k->alice, last, buf, len, &cover, 1);
    }
out:
    mk_msg_keys_wipe(&mk);
    mikey_msg_free(m);
}

/*
 * Make a mutated R_MESSAGE answering ini's pending offer authentic again:
 * V (PSK/PKE) keyed with the pending V key over R_MESSAGE || T_i (the
 * minisip form the library accepts); the DH-HMAC KEMAC MAC; bob's
 * signature (DH: the message; RSA-R: up to SIGN, then IDi || IDr || T).
 */
static inline void fz_fix_rmsg(const fz_keys *k, const mikey_ctx *ini, uint8_t *buf, size_t len)
{
    mikey_msg *m = NULL, *im = NULL;
    if (mikey_msg_parse(NULL, buf, len, NULL, &m, NULL) != MIKEY_OK)
        return;
    if (!ini->pend.imsg || mikey_msg_parse(NULL, ini->pend.imsg, ini->pend.imsg_len, NULL, &im, NULL) != MIKEY_OK)
        goto out;
    size_t np = mikey_msg_count(m);
    const mikey_payload *last = np ? mikey_msg_at(m, np - 1) : NULL, *it = mikey_msg_find(im, MIKEY_PT_T, 0);
    if (!last || !it)
        goto out;
    if (last->type == MIKEY_PT_V) {
        size_t ml = last->u.v.data.len;
        if (last->u.v.auth_alg == MIKEY_MAC_NULL || ml != (size_t)mikey_mac_len(last->u.v.auth_alg) || ml > len)
            goto out;
        mikey_span parts[2] = {{buf, len - ml}, it->u.ts.value};
        (void)mk_mac(k->ops, last->u.v.auth_alg, ini->pend.auth_key, ini->pend.auth_len, parts, 2, buf + len - ml);
    } else if (last->type == MIKEY_PT_KEMAC) {
        size_t ml = last->u.kemac.mac.len;
        if (last->u.kemac.mac_alg == MIKEY_MAC_NULL || ml != (size_t)mikey_mac_len(last->u.kemac.mac_alg) || ml > len)
            goto out;
        mikey_span cover = {buf, len - ml};
        (void)mk_mac(k->ops, last->u.kemac.mac_alg, ini->pend.auth_key, ini->pend.auth_len, &cover, 1,
                     buf + len - ml);
    } else if (last->type == MIKEY_PT_SIGN) {
        if (mikey_msg_hdr(m)->data_type == MIKEY_DT_RSAR_RESP) {
            const mikey_payload *t = mikey_msg_find(m, MIKEY_PT_T, 0);
            if (!t)
                goto out;
            mikey_span parts[4] = {{buf, last->offset},
                                   fz_span_of(mikey_msg_find(im, MIKEY_PT_ID, 0)),
                                   fz_span_of(mikey_msg_find(m, MIKEY_PT_ID, 0)),
                                   t->u.ts.value};
            fz_resign(k, k->bob, last, buf, len, parts, 4);
        } else {
            mikey_span cover = {buf, len - last->u.sign.sig.len};
            fz_resign(k, k->bob, last, buf, len, &cover, 1);
        }
    }
out:
    mikey_msg_free(im);
    mikey_msg_free(m);
}

#endif
