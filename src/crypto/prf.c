/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MIKEY PRF and key derivation (RFC 3830 §4.1.2-4.1.4, RFC 6043 §6.1),
 * written over the ops table so any backend's HMAC can drive it.
 */
#include "crypto/crypto.h"

/* RFC 3830 §4.1.2: "256" is half the hash input block of SHA-1; RFC 6043
 * §6.1 keeps it for PRF-HMAC-SHA-256 (it replaces only "160" by "256"). */
#define MK_PRF_INKEY_BLOCK 32

/*
 * out ^= first outlen bytes of P(s, label, m), with
 *   P(s, label, m) = HMAC(s, A_1 || label) || ... || HMAC(s, A_m || label)
 *   A_0 = label, A_i = HMAC(s, A_(i-1)).
 * (This is TLS 1.0's P_hash, RFC 2246 §5, with the seed called label.)
 */
static int p_xor(const mk_crypto_ops *ops, unsigned mac_alg, size_t hlen, const uint8_t *s, size_t slen,
                 const uint8_t *label, size_t label_len, uint8_t *out, size_t outlen)
{
    uint8_t a[MK_MAX_MAC_LEN], chunk[MK_MAX_MAC_LEN];
    mikey_span parts[2];
    int rc = MIKEY_OK;

    /* A_1 = HMAC(s, A_0) = HMAC(s, label) */
    parts[0] = (mikey_span){label, label_len};
    if ((rc = ops->hmac(mac_alg, s, slen, parts, 1, a)) != MIKEY_OK)
        goto done;
    for (size_t off = 0; off < outlen; off += hlen) {
        /* chunk_i = HMAC(s, A_i || label) */
        parts[0] = (mikey_span){a, hlen};
        parts[1] = (mikey_span){label, label_len};
        if ((rc = ops->hmac(mac_alg, s, slen, parts, 2, chunk)) != MIKEY_OK)
            goto done;
        size_t n = MK_MIN(hlen, outlen - off);
        for (size_t j = 0; j < n; j++)
            out[off + j] ^= chunk[j];
        if (off + hlen < outlen) {
            /* A_(i+1) = HMAC(s, A_i) */
            parts[0] = (mikey_span){a, hlen};
            if ((rc = ops->hmac(mac_alg, s, slen, parts, 1, a)) != MIKEY_OK)
                goto done;
        }
    }
done:
    mk_wipe(a, sizeof a);
    mk_wipe(chunk, sizeof chunk);
    return rc;
}

int mk_prf(const mk_crypto_ops *ops, unsigned prf_func, const uint8_t *inkey, size_t inkey_len,
           const uint8_t *label, size_t label_len, uint8_t *out, size_t outlen)
{
    unsigned mac_alg;
    size_t hlen;
    switch (prf_func) {
    case MIKEY_PRF_MIKEY1: mac_alg = MIKEY_MAC_HMAC_SHA1_160; hlen = 20; break;
    case MIKEY_PRF_HMAC_SHA256: mac_alg = MIKEY_MAC_HMAC_SHA256_256; hlen = 32; break;
    default: return MIKEY_ERR_ALGORITHM;
    }
    if (!ops || !ops->hmac || !inkey || inkey_len == 0 || (!label && label_len) || (!out && outlen))
        return MIKEY_ERR_INVALID_ARG;
    if (outlen == 0)
        return MIKEY_OK;

    memset(out, 0, outlen);
    /* n = ceil(inkey_len / 256 bits); s_1..s_(n-1) are 256 bits, s_n is
     * what is left: 1..32 bytes. A remainder of 0 means the last block is
     * a FULL block, never an empty one (INTEROP.md §1 item 1). */
    for (size_t off = 0; off < inkey_len; off += MK_PRF_INKEY_BLOCK) {
        size_t slen = MK_MIN((size_t)MK_PRF_INKEY_BLOCK, inkey_len - off);
        int rc = p_xor(ops, mac_alg, hlen, inkey + off, slen, label, label_len, out, outlen);
        if (rc != MIKEY_OK) {
            mk_wipe(out, outlen);
            return rc;
        }
    }
    return MIKEY_OK;
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
    int rc = MIKEY_OK;
    /* RFC 3830 §4.1.4: label = constant || 0xFF || csb_id || RAND. */
    if (encr_len) {
        ll = mk_label_env(label, MK_C_ENCR, csb_id, rand);
        if ((rc = mk_prf(ops, prf_func, inkey, inkey_len, label, ll, k.encr_key, encr_len)) != MIKEY_OK)
            goto done;
        ll = mk_label_env(label, MK_C_SALT, csb_id, rand);
        if ((rc = mk_prf(ops, prf_func, inkey, inkey_len, label, ll, k.salt, salt_len)) != MIKEY_OK)
            goto done;
    }
    if (auth_len) {
        ll = mk_label_env(label, MK_C_AUTH, csb_id, rand);
        if ((rc = mk_prf(ops, prf_func, inkey, inkey_len, label, ll, k.auth_key, auth_len)) != MIKEY_OK)
            goto done;
    }
    k.encr_len = encr_len;
    k.salt_len = salt_len;
    k.auth_len = auth_len;
    *out = k;
done:
    mk_wipe(&k, sizeof k);
    return rc;
}
