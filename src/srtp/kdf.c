/* SPDX-License-Identifier: BSD-2-Clause */
/* SRTP key derivation (RFC 3711 §4.3, RFC 6188 §3, RFC 7714 §11). */
#include "srtp/srtp_int.h"

int mk_srtp_prf(mk_sc_ctr *prf, const uint8_t salt[14], uint8_t label, uint64_t r, uint8_t *out, size_t len)
{
    /* RFC 3711 §4.3.1: key_id = label || r (r = index DIV kdr, 48 bits), x =
     * key_id XOR master_salt with key_id right-aligned in the 112-bit salt;
     * §4.3.3: the PRF is AES-CM keystream with IV = x * 2^16. SRTCP uses the
     * same label position (erratum 3712 reading, as every implementation). */
    uint8_t iv[16];
    int rc;
    memcpy(iv, salt, 14);
    iv[7] ^= label;
    for (int i = 0; i < 6; i++)
        iv[8 + i] ^= (uint8_t)(r >> (40 - 8 * i));
    iv[14] = iv[15] = 0;
    /* Keystream = encryption of zeros, written in place. */
    memset(out, 0, len);
    rc = mk_sc_ctr_xor(prf, iv, out, out, len);
    mk_wipe(iv, sizeof iv);
    return rc;
}

void mk_srtp_keyset_clear(mk_srtp_keyset *ks)
{
    mk_sc_ctr_clear(&ks->ctr);
    mk_sc_f8_clear(&ks->f8);
    mk_sc_gcm_clear(&ks->gcm);
    mk_sc_hmac_clear(&ks->hmac);
    mk_wipe(ks->salt, sizeof ks->salt);
    ks->valid = 0;
    ks->r = 0;
}

/* Key the transforms of ks with session keys. */
static int keyset_install(const mk_sc_algs *algs, const mikey_srtp_policy *p, mk_srtp_keyset *ks, const uint8_t *enc,
                          size_t enc_len, const uint8_t *salt, size_t salt_len, const uint8_t *auth, size_t auth_len)
{
    int rc = MIKEY_OK;
    ks->valid = 0;
    memset(ks->salt, 0, sizeof ks->salt);
    memcpy(ks->salt, salt, salt_len);
    switch (p->cipher) {
    case MIKEY_SRTP_CIPHER_AES_CM_128:
    case MIKEY_SRTP_CIPHER_AES_CM_192:
    case MIKEY_SRTP_CIPHER_AES_CM_256: rc = mk_sc_ctr_init(&ks->ctr, algs, enc, enc_len); break;
    case MIKEY_SRTP_CIPHER_AES_F8_128: rc = mk_sc_f8_init(&ks->f8, algs, enc, enc_len, salt, salt_len); break;
    case MIKEY_SRTP_CIPHER_AES_GCM_128:
    case MIKEY_SRTP_CIPHER_AES_GCM_256: rc = mk_sc_gcm_init(&ks->gcm, algs, enc, enc_len); break;
    default: break;
    }
    if (rc == MIKEY_OK && !mk_srtp_is_gcm(p->cipher) && p->auth == MIKEY_SRTP_AUTH_HMAC_SHA1)
        rc = mk_sc_hmac_init(&ks->hmac, algs, auth, auth_len);
    if (rc == MIKEY_OK)
        ks->valid = 1;
    return rc;
}

int mk_srtp_derive(const mk_sc_algs *algs, const mikey_srtp_policy *p, mk_srtp_mkey *mk, int rtcp, uint64_t r,
                   mk_srtp_keyset *ks)
{
    uint8_t enc[32], salt[14], auth[64];
    size_t enc_len = mk_srtp_enc_key_len(p->cipher), salt_len = mk_srtp_session_salt_len(p->cipher);
    size_t auth_len = (!mk_srtp_is_gcm(p->cipher) && p->auth == MIKEY_SRTP_AUTH_HMAC_SHA1) ? p->auth_key_len : 0;
    uint8_t base = rtcp ? MK_SRTP_LABEL_RTCP_ENC : MK_SRTP_LABEL_RTP_ENC;
    int rc = MIKEY_OK;
    /* RFC 6188 §3 / RFC 7714 §11: the PRF uses the master key's AES size. */
    if (enc_len)
        rc = mk_srtp_prf(&mk->prf, mk->salt, base, r, enc, enc_len);
    if (rc == MIKEY_OK && auth_len)
        rc = mk_srtp_prf(&mk->prf, mk->salt, (uint8_t)(base + 1), r, auth, auth_len);
    if (rc == MIKEY_OK && salt_len)
        rc = mk_srtp_prf(&mk->prf, mk->salt, (uint8_t)(base + 2), r, salt, salt_len);
    if (rc == MIKEY_OK)
        rc = keyset_install(algs, p, ks, enc, enc_len, salt, salt_len, auth, auth_len);
    if (rc == MIKEY_OK)
        ks->r = r;
    mk_wipe(enc, sizeof enc);
    mk_wipe(salt, sizeof salt);
    mk_wipe(auth, sizeof auth);
    return rc;
}

int mk_srtp_test_set_session_keys(mikey_srtp *s, uint32_t ssrc, int dir, const uint8_t *enc, size_t enc_len,
                                  const uint8_t *salt, size_t salt_len, const uint8_t *auth, size_t auth_len)
{
    mk_srtp_stream *st = mk_srtp_find(s, ssrc, dir);
    if (!st || salt_len > 14)
        return MIKEY_ERR_NOT_FOUND;
    for (size_t i = 0; i < st->nslots; i++)
        for (int t = 0; t < 2; t++) {
            mk_srtp_keyset *ks = &st->slots[i]->ks[t][0];
            int rc = keyset_install(&s->algs, &st->pol, ks, enc, enc_len, salt, salt_len, auth, auth_len);
            if (rc != MIKEY_OK)
                return rc;
            ks->r = 0;
            mk_srtp_keyset_clear(&st->slots[i]->ks[t][1]);
        }
    return MIKEY_OK;
}
