/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * KEMAC Encr data and MAC (RFC 3830 §4.2.3-4.2.4, RFC 6043 §6.2-6.3),
 * over the ops table.
 */
#include "crypto/crypto.h"

/* RFC 3830 §4.2.3 (after RFC 3711 §4.1.1): the low 16 bits of the IV are
 * the block counter, so at most 2^16 blocks = 2^23 bits can be encrypted. */
#define MK_AES_CM_MAX_BYTES ((size_t)1 << 20)

/* IV = (S XOR (0x0000 || CSB ID || T)) || 0x0000: S is 112 bits, the XOR
 * operand 16 + 32 + 64 = 112 bits, and the two zero bytes complete the
 * 128-bit AES block (they are the counter). */
static void cm_iv(uint8_t iv[16], const uint8_t s[14], uint32_t csb_id, const uint8_t t64[8])
{
    uint8_t x[14];
    x[0] = 0;
    x[1] = 0;
    mk_put32(x + 2, csb_id);
    memcpy(x + 6, t64, 8);
    for (int i = 0; i < 14; i++)
        iv[i] = (uint8_t)(s[i] ^ x[i]);
    iv[14] = 0;
    iv[15] = 0;
}

static int kemac_crypt(int enc, const mk_crypto_ops *ops, unsigned encr_alg, const mk_msg_keys *k, uint32_t csb_id,
                       const uint8_t t64[8], const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
    if (!ops || !k || !outlen || (len && !in) || (cap && !out))
        return MIKEY_ERR_INVALID_ARG;
    size_t need;
    switch (encr_alg) {
    case MIKEY_ENCR_NULL:
        need = len;
        if (need > cap) {
            *outlen = need;
            return MIKEY_ERR_NOBUF;
        }
        if (len)
            memmove(out, in, len);
        *outlen = len;
        return MIKEY_OK;

    case MIKEY_ENCR_AES_CM_128:
    case MIKEY_ENCR_AES_CM_256: {
        size_t keylen = encr_alg == MIKEY_ENCR_AES_CM_128 ? 16 : 32;
        if (k->encr_len != keylen || k->salt_len != 14 || !t64)
            return MIKEY_ERR_INVALID_ARG;
        if (len > MK_AES_CM_MAX_BYTES)
            return enc ? MIKEY_ERR_LIMIT : MIKEY_ERR_DECRYPT;
        need = len;
        if (need > cap) {
            *outlen = need;
            return MIKEY_ERR_NOBUF;
        }
        uint8_t iv[16];
        cm_iv(iv, k->salt, csb_id, t64);
        int rc = ops->aes_cm(k->encr_key, keylen, iv, in, out, len);
        mk_wipe(iv, sizeof iv);
        if (rc != MIKEY_OK)
            return rc;
        *outlen = len;
        return MIKEY_OK;
    }

    case MIKEY_ENCR_AES_KW_128: {
        /* RFC 3830 §4.2.3: key-wrap IV = S (64-bit salt). */
        if (k->encr_len != 16 || k->salt_len != 8)
            return MIKEY_ERR_INVALID_ARG;
        int rc;
        if (enc) {
            /* RFC 3394 §2: plaintext of n >= 2 64-bit blocks. */
            if (len < 16 || len % 8)
                return MIKEY_ERR_INVALID_ARG;
            need = len + 8;
        } else {
            if (len < 24 || len % 8)
                return MIKEY_ERR_DECRYPT;
            need = len - 8;
        }
        if (need > cap) {
            *outlen = need;
            return MIKEY_ERR_NOBUF;
        }
        rc = enc ? ops->aes_kw_wrap(k->encr_key, 16, k->salt, in, len, out)
                 : ops->aes_kw_unwrap(k->encr_key, 16, k->salt, in, len, out);
        if (rc != MIKEY_OK)
            return rc;
        *outlen = need;
        return MIKEY_OK;
    }

    default: return MIKEY_ERR_ALGORITHM;
    }
}

int mk_kemac_encrypt(const mk_crypto_ops *ops, unsigned encr_alg, const mk_msg_keys *k, uint32_t csb_id,
                     const uint8_t t64[8], const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
    return kemac_crypt(1, ops, encr_alg, k, csb_id, t64, in, len, out, cap, outlen);
}

int mk_kemac_decrypt(const mk_crypto_ops *ops, unsigned encr_alg, const mk_msg_keys *k, uint32_t csb_id,
                     const uint8_t t64[8], const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
    return kemac_crypt(0, ops, encr_alg, k, csb_id, t64, in, len, out, cap, outlen);
}

int mk_ts_to_t64(unsigned ts_type, mikey_span value, uint8_t out[8])
{
    if (!out || (value.len && !value.p))
        return MIKEY_ERR_INVALID_ARG;
    switch (ts_type) {
    case MIKEY_TS_NTP_UTC:
    case MIKEY_TS_NTP:
        /* RFC 3830 §6.6: already the 64-bit NTP timestamp T. */
        if (value.len != 8)
            return MIKEY_ERR_LENGTH;
        memcpy(out, value.p, 8);
        return MIKEY_OK;
    case MIKEY_TS_NTP_UTC_32:
        /* RFC 6043 §6.3: "padded to a 64-bit NTP-UTC timestamp (with
         * zeroes in the fractional second part)": seconds left-aligned. */
        if (value.len != 4)
            return MIKEY_ERR_LENGTH;
        memcpy(out, value.p, 4);
        memset(out + 4, 0, 4);
        return MIKEY_OK;
    case MIKEY_TS_COUNTER:
        /* RFC 3830 leaves a 32-bit COUNTER in a "64-bit timestamp" slot
         * undefined; right-aligned (leading zeros), as minisip does and as
         * an integer widened to 64 bits reads (INTEROP.md §1 item 3). */
        if (value.len != 4)
            return MIKEY_ERR_LENGTH;
        memset(out, 0, 4);
        memcpy(out + 4, value.p, 4);
        return MIKEY_OK;
    default: return MIKEY_ERR_UNSUPPORTED;
    }
}

int mk_mac_verify(const mk_crypto_ops *ops, unsigned mac_alg, const uint8_t *key, size_t keylen,
                  const mikey_span *parts, size_t nparts, const uint8_t *mac)
{
    if (mac_alg != MIKEY_MAC_HMAC_SHA1_160 && mac_alg != MIKEY_MAC_HMAC_SHA256_256)
        return MIKEY_ERR_ALGORITHM;
    if (!ops || !mac)
        return MIKEY_ERR_INVALID_ARG;
    uint8_t calc[MK_MAX_MAC_LEN];
    size_t ml = (size_t)mikey_mac_len(mac_alg);
    int rc = ops->hmac(mac_alg, key, keylen, parts, nparts, calc);
    if (rc == MIKEY_OK && mk_ct_memcmp(calc, mac, ml) != 0)
        rc = MIKEY_ERR_AUTH;
    mk_wipe(calc, sizeof calc);
    return rc;
}
