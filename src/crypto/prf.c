/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MIKEY PRF and key derivation (RFC 3830 §4.1.2-4.1.4, RFC 6043 §6.1),
 * written over the ops table so any backend's HMAC can drive it.
 *
 * Over the OpenSSL backend the PRF does not go through ops->hmac: every
 * HMAC of a P-function uses the same key s_i, so it keys one mk_hmac_ctx
 * per inkey block (RFC 2104 §4: the pads are hashed once) and reuses the
 * contexts for all the blocks of a PRF and for the three PRFs of
 * mk_derive_msg_keys (mikey bench: the PRF is most of the cost of the PSK
 * and MIKEY-NULL exchanges). Same output: tests/unit/crypto/prf_test.c
 * checks it against independent vectors, tests/scripts/
 * prf_openssl_oracle.sh against OpenSSL's TLS1-PRF.
 */
#include "crypto/crypto.h"
#include "crypto/ossl_int.h"

/* RFC 3830 §4.1.2: "256" is half the hash input block of SHA-1; RFC 6043
 * §6.1 keeps it for PRF-HMAC-SHA-256 (it replaces only "160" by "256"). */
#define MK_PRF_INKEY_BLOCK 32

/* The HMAC of a PRF run under the current key s: a keyed mk_hmac_ctx over
 * the OpenSSL backend, else one ops->hmac call per MAC. */
typedef struct prf_mac {
    const mk_crypto_ops *ops;
    unsigned mac_alg;
    size_t hlen;
    int fast;
    mk_hmac_ctx h;
    const uint8_t *s;
    size_t slen;
} prf_mac;

static int pm_init(prf_mac *pm, const mk_crypto_ops *ops, unsigned prf_func)
{
    memset(pm, 0, sizeof *pm);
    switch (prf_func) {
    case MIKEY_PRF_MIKEY1: pm->mac_alg = MIKEY_MAC_HMAC_SHA1_160; pm->hlen = 20; break;
    case MIKEY_PRF_HMAC_SHA256: pm->mac_alg = MIKEY_MAC_HMAC_SHA256_256; pm->hlen = 32; break;
    default: return MIKEY_ERR_ALGORITHM;
    }
    if (!ops || !ops->hmac)
        return MIKEY_ERR_INVALID_ARG;
    pm->ops = ops;
    pm->fast = ops->hmac == mk_ossl_hmac;
    return pm->fast ? mk_ossl_hmac_init(&pm->h, pm->mac_alg) : MIKEY_OK;
}

static void pm_clear(prf_mac *pm)
{
    if (pm->fast)
        mk_ossl_hmac_clear(&pm->h);
    memset(pm, 0, sizeof *pm);
}

static int pm_key(prf_mac *pm, const uint8_t *s, size_t slen)
{
    pm->s = s;
    pm->slen = slen;
    return pm->fast ? mk_ossl_hmac_key(&pm->h, s, slen) : MIKEY_OK;
}

/* last: the last MAC under the current key (pm_key must come next). */
static int pm_mac(prf_mac *pm, int last, const mikey_span *parts, size_t nparts, uint8_t *out)
{
    if (pm->fast)
        return mk_ossl_hmac_mac(&pm->h, last, parts, nparts, out);
    return pm->ops->hmac(pm->mac_alg, pm->s, pm->slen, parts, nparts, out);
}

/*
 * out ^= first outlen bytes of P(s, label, m), with
 *   P(s, label, m) = HMAC(s, A_1 || label) || ... || HMAC(s, A_m || label)
 *   A_0 = label, A_i = HMAC(s, A_(i-1)).
 * (This is TLS 1.0's P_hash, RFC 2246 §5, with the seed called label.)
 * s is pm's current key.
 */
static int p_xor(prf_mac *pm, const uint8_t *label, size_t label_len, uint8_t *out, size_t outlen)
{
    uint8_t a[MK_MAX_MAC_LEN], chunk[MK_MAX_MAC_LEN];
    mikey_span parts[2];
    size_t hlen = pm->hlen;
    int rc = MIKEY_OK;

    /* A_1 = HMAC(s, A_0) = HMAC(s, label) */
    parts[0] = (mikey_span){label, label_len};
    if ((rc = pm_mac(pm, 0, parts, 1, a)) != MIKEY_OK)
        goto done;
    for (size_t off = 0; off < outlen; off += hlen) {
        /* chunk_i = HMAC(s, A_i || label) */
        parts[0] = (mikey_span){a, hlen};
        parts[1] = (mikey_span){label, label_len};
        if ((rc = pm_mac(pm, off + hlen >= outlen, parts, 2, chunk)) != MIKEY_OK)
            goto done;
        size_t n = MK_MIN(hlen, outlen - off);
        for (size_t j = 0; j < n; j++)
            out[off + j] ^= chunk[j];
        if (off + hlen < outlen) {
            /* A_(i+1) = HMAC(s, A_i) */
            parts[0] = (mikey_span){a, hlen};
            if ((rc = pm_mac(pm, 0, parts, 1, a)) != MIKEY_OK)
                goto done;
        }
    }
done:
    mk_wipe(a, sizeof a);
    mk_wipe(chunk, sizeof chunk);
    return rc;
}

/* PRF(inkey, label) into out (RFC 3830 §4.1.2); out wiped on failure. */
static int prf_run(prf_mac *pm, const uint8_t *inkey, size_t inkey_len, const uint8_t *label, size_t label_len,
                   uint8_t *out, size_t outlen)
{
    if (!inkey || inkey_len == 0 || (!label && label_len) || (!out && outlen))
        return MIKEY_ERR_INVALID_ARG;
    if (outlen == 0)
        return MIKEY_OK;

    memset(out, 0, outlen);
    /* n = ceil(inkey_len / 256 bits); s_1..s_(n-1) are 256 bits, s_n is
     * what is left: 1..32 bytes. A remainder of 0 means the last block is
     * a FULL block, never an empty one (INTEROP.md §1 item 1). */
    for (size_t off = 0; off < inkey_len; off += MK_PRF_INKEY_BLOCK) {
        size_t slen = MK_MIN((size_t)MK_PRF_INKEY_BLOCK, inkey_len - off);
        int rc = pm_key(pm, inkey + off, slen);
        if (rc == MIKEY_OK)
            rc = p_xor(pm, label, label_len, out, outlen);
        if (rc != MIKEY_OK) {
            mk_wipe(out, outlen);
            return rc;
        }
    }
    return MIKEY_OK;
}

int mk_prf(const mk_crypto_ops *ops, unsigned prf_func, const uint8_t *inkey, size_t inkey_len,
           const uint8_t *label, size_t label_len, uint8_t *out, size_t outlen)
{
    prf_mac pm;
    int rc = pm_init(&pm, ops, prf_func);
    if (rc == MIKEY_OK)
        rc = prf_run(&pm, inkey, inkey_len, label, label_len, out, outlen);
    pm_clear(&pm);
    return rc;
}

size_t mk_label_tgk(uint8_t *out, uint32_t constant, uint8_t cs_id, uint32_t csb_id, mikey_span rand)
{
    if (rand.len > 255 || (rand.len && !rand.p))
        return 0;
    mk_put32(out, constant);
    out[4] = cs_id;
    mk_put32(out + 5, csb_id);
    if (rand.len)
        memcpy(out + 9, rand.p, rand.len);
    return 9 + rand.len;
}

size_t mk_label_env(uint8_t *out, uint32_t constant, uint32_t csb_id, mikey_span rand)
{
    /* RFC 3830 §4.1.4: the cs_id position holds 0xFF. */
    return mk_label_tgk(out, constant, 0xFF, csb_id, rand);
}

void mk_msg_keys_wipe(mk_msg_keys *k)
{
    if (k)
        mk_wipe(k, sizeof *k);
}

int mk_derive_msg_keys(const mk_crypto_ops *ops, unsigned prf_func, const uint8_t *inkey, size_t inkey_len,
                       uint32_t csb_id, mikey_span rand, unsigned encr_alg, unsigned mac_alg, mk_msg_keys *out)
{
    size_t encr_len, salt_len, auth_len;
    /* Encryption key and salt sizes: RFC 3830 §4.2.3 (AES-CM-128: 128-bit
     * key, 112-bit salt S; AES-KW-128: 128-bit key, 64-bit S used as the
     * key-wrap IV), RFC 6043 §6.2 (AES-CM-256: 256-bit key, same S). */
    switch (encr_alg) {
    case MIKEY_ENCR_NULL: encr_len = 0; salt_len = 0; break;
    case MIKEY_ENCR_AES_CM_128: encr_len = 16; salt_len = 14; break;
    case MIKEY_ENCR_AES_KW_128: encr_len = 16; salt_len = 8; break;
    case MIKEY_ENCR_AES_CM_256: encr_len = 32; salt_len = 14; break;
    default: return MIKEY_ERR_ALGORITHM;
    }
    /* Authentication key sizes: RFC 3830 §4.2.4 (key size = hash output,
     * 160 bits for HMAC-SHA-1), RFC 6043 §6.2 (256-bit key for
     * HMAC-SHA-256-256). */
    switch (mac_alg) {
    case MIKEY_MAC_NULL: auth_len = 0; break;
    case MIKEY_MAC_HMAC_SHA1_160: auth_len = 20; break;
    case MIKEY_MAC_HMAC_SHA256_256: auth_len = 32; break;
    default: return MIKEY_ERR_ALGORITHM;
    }
    if (prf_func != MIKEY_PRF_MIKEY1 && prf_func != MIKEY_PRF_HMAC_SHA256)
        return MIKEY_ERR_ALGORITHM;
    if (!out || rand.len > 255 || (rand.len && !rand.p))
        return MIKEY_ERR_INVALID_ARG;

    mk_msg_keys k;
    memset(&k, 0, sizeof k);
    uint8_t label[9 + 255];
    size_t ll;
    prf_mac pm;
    int rc = MIKEY_OK;
    memset(&pm, 0, sizeof pm);
    /* One set of HMAC contexts for the three PRFs (each keys it anew). */
    if ((encr_len || auth_len) && (rc = pm_init(&pm, ops, prf_func)) != MIKEY_OK)
        goto done;
    /* RFC 3830 §4.1.4: label = constant || 0xFF || csb_id || RAND. */
    if (encr_len) {
        ll = mk_label_env(label, MK_C_ENCR, csb_id, rand);
        if ((rc = prf_run(&pm, inkey, inkey_len, label, ll, k.encr_key, encr_len)) != MIKEY_OK)
            goto done;
        ll = mk_label_env(label, MK_C_SALT, csb_id, rand);
        if ((rc = prf_run(&pm, inkey, inkey_len, label, ll, k.salt, salt_len)) != MIKEY_OK)
            goto done;
    }
    if (auth_len) {
        ll = mk_label_env(label, MK_C_AUTH, csb_id, rand);
        if ((rc = prf_run(&pm, inkey, inkey_len, label, ll, k.auth_key, auth_len)) != MIKEY_OK)
            goto done;
    }
    k.encr_len = encr_len;
    k.salt_len = salt_len;
    k.auth_len = auth_len;
    *out = k;
done:
    pm_clear(&pm);
    mk_wipe(&k, sizeof k);
    return rc;
}
