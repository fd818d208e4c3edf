/* SPDX-License-Identifier: BSD-2-Clause */
/* SRTP crypto policies: named suites, checks, key and overhead sizes. */
#include "srtp/srtp_int.h"

int mikey_srtp_policy_suite(mikey_srtp_policy *p, mikey_srtp_suite suite)
{
    if (!p)
        return MIKEY_ERR_INVALID_ARG;
    mikey_srtp_policy q;
    memset(&q, 0, sizeof q);
    q.rtp_encrypt = q.rtcp_encrypt = q.rtp_auth = 1;
    q.auth = MIKEY_SRTP_AUTH_HMAC_SHA1;
    q.auth_key_len = 20;          /* RFC 3711 §5.2: n_a = 160 */
    q.rtp_tag_len = q.rtcp_tag_len = 10; /* n_tag = 80 */
    switch (suite) {
    case MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80: q.cipher = MIKEY_SRTP_CIPHER_AES_CM_128; break;
    case MIKEY_SRTP_AES_CM_128_HMAC_SHA1_32: q.cipher = MIKEY_SRTP_CIPHER_AES_CM_128; q.rtp_tag_len = 4; break;
    case MIKEY_SRTP_AES_192_CM_HMAC_SHA1_80: q.cipher = MIKEY_SRTP_CIPHER_AES_CM_192; break;
    case MIKEY_SRTP_AES_192_CM_HMAC_SHA1_32: q.cipher = MIKEY_SRTP_CIPHER_AES_CM_192; q.rtp_tag_len = 4; break;
    case MIKEY_SRTP_AES_256_CM_HMAC_SHA1_80: q.cipher = MIKEY_SRTP_CIPHER_AES_CM_256; break;
    case MIKEY_SRTP_AES_256_CM_HMAC_SHA1_32: q.cipher = MIKEY_SRTP_CIPHER_AES_CM_256; q.rtp_tag_len = 4; break;
    case MIKEY_SRTP_F8_128_HMAC_SHA1_80: q.cipher = MIKEY_SRTP_CIPHER_AES_F8_128; break;
    case MIKEY_SRTP_NULL_HMAC_SHA1_80: q.cipher = MIKEY_SRTP_CIPHER_NULL; break;
    case MIKEY_SRTP_NULL_HMAC_SHA1_32: q.cipher = MIKEY_SRTP_CIPHER_NULL; q.rtp_tag_len = 4; break;
    case MIKEY_SRTP_AES_CM_128_NULL_AUTH:
        q.cipher = MIKEY_SRTP_CIPHER_AES_CM_128;
        q.auth = MIKEY_SRTP_AUTH_NULL;
        q.rtp_auth = 0;
        q.rtp_tag_len = q.rtcp_tag_len = 0;
        break;
    case MIKEY_SRTP_NULL_NULL:
        q.cipher = MIKEY_SRTP_CIPHER_NULL;
        q.auth = MIKEY_SRTP_AUTH_NULL;
        q.rtp_auth = 0;
        q.rtp_tag_len = q.rtcp_tag_len = 0;
        break;
    case MIKEY_SRTP_AEAD_AES_128_GCM:
    case MIKEY_SRTP_AEAD_AES_256_GCM:
    case MIKEY_SRTP_AEAD_AES_128_GCM_8:
    case MIKEY_SRTP_AEAD_AES_256_GCM_8:
        q.cipher = (suite == MIKEY_SRTP_AEAD_AES_128_GCM || suite == MIKEY_SRTP_AEAD_AES_128_GCM_8)
                       ? MIKEY_SRTP_CIPHER_AES_GCM_128
                       : MIKEY_SRTP_CIPHER_AES_GCM_256;
        q.auth = MIKEY_SRTP_AUTH_NULL; /* RFC 7714 §7.1: no SRTP auth tag with AEAD */
        q.auth_key_len = 0;
        q.rtp_tag_len = q.rtcp_tag_len =
            (suite == MIKEY_SRTP_AEAD_AES_128_GCM || suite == MIKEY_SRTP_AEAD_AES_256_GCM) ? 16 : 8;
        break;
    default: return MIKEY_ERR_INVALID_ARG;
    }
    *p = q;
    return MIKEY_OK;
}

size_t mikey_srtp_master_key_len(unsigned cipher)
{
    switch (cipher) {
    case MIKEY_SRTP_CIPHER_NULL:
    case MIKEY_SRTP_CIPHER_AES_CM_128:
    case MIKEY_SRTP_CIPHER_AES_F8_128:
    case MIKEY_SRTP_CIPHER_AES_GCM_128: return 16;
    case MIKEY_SRTP_CIPHER_AES_CM_192: return 24;
    case MIKEY_SRTP_CIPHER_AES_CM_256:
    case MIKEY_SRTP_CIPHER_AES_GCM_256: return 32;
    default: return 0;
    }
}

size_t mikey_srtp_master_salt_len(unsigned cipher)
{
    if (cipher > MIKEY_SRTP_CIPHER_AES_GCM_256)
        return 0;
    return mk_srtp_is_gcm(cipher) ? 12 : 14;
}

size_t mk_srtp_enc_key_len(unsigned cipher)
{
    return cipher == MIKEY_SRTP_CIPHER_NULL ? 0 : mikey_srtp_master_key_len(cipher);
}

size_t mk_srtp_session_salt_len(unsigned cipher)
{
    return cipher == MIKEY_SRTP_CIPHER_NULL ? 0 : mikey_srtp_master_salt_len(cipher);
}

size_t mk_srtp_rtp_tag_len(const mikey_srtp_policy *p)
{
    if (mk_srtp_is_gcm(p->cipher))
        return p->rtp_tag_len;
    return p->auth == MIKEY_SRTP_AUTH_HMAC_SHA1 && p->rtp_auth ? p->rtp_tag_len : 0;
}

size_t mk_srtp_rtcp_tag_len(const mikey_srtp_policy *p)
{
    if (mk_srtp_is_gcm(p->cipher))
        return p->rtcp_tag_len;
    return p->auth == MIKEY_SRTP_AUTH_HMAC_SHA1 ? p->rtcp_tag_len : 0;
}

static int gcm_tag_ok(unsigned t)
{
    /* RFC 7714 §10 mandates 16; 8 and 12 are the shorter GCM tags of
     * RFC 5116 §5.1 / libsrtp2's "_8" suites. */
    return t == 8 || t == 12 || t == 16;
}

int mikey_srtp_policy_check(const mikey_srtp_policy *p)
{
    if (!p)
        return MIKEY_ERR_INVALID_ARG;
    if (p->cipher > MIKEY_SRTP_CIPHER_AES_GCM_256)
        return MIKEY_ERR_ALGORITHM;
    if (p->rtp_encrypt > 1 || p->rtcp_encrypt > 1 || p->rtp_auth > 1 || p->allow_repeat_tx > 1)
        return MIKEY_ERR_POLICY;
    if (p->mki_len > MIKEY_SRTP_MAX_MKI_LEN)
        return MIKEY_ERR_POLICY;
    if (p->replay_window != 0 && (p->replay_window < 64 || p->replay_window > MIKEY_SRTP_MAX_WINDOW))
        return MIKEY_ERR_POLICY;
    /* RFC 3711 §4.3.1: kdr is 0 or a power of two from 1 to 2^24. */
    if (p->kdr != 0 && ((p->kdr & (p->kdr - 1)) != 0 || p->kdr > (1u << 24)))
        return MIKEY_ERR_POLICY;
    if (mk_srtp_is_gcm(p->cipher)) {
        if (!gcm_tag_ok(p->rtp_tag_len) || !gcm_tag_ok(p->rtcp_tag_len))
            return MIKEY_ERR_POLICY;
        return MIKEY_OK;
    }
    if (p->auth > MIKEY_SRTP_AUTH_HMAC_SHA1)
        return MIKEY_ERR_ALGORITHM;
    if (p->auth == MIKEY_SRTP_AUTH_HMAC_SHA1) {
        /* HMAC-SHA1 gives 20 bytes; RFC 3711 §9.5 warns below 32 bits. */
        if (p->rtcp_tag_len < 4 || p->rtcp_tag_len > 20)
            return MIKEY_ERR_POLICY;
        if (p->rtp_auth && (p->rtp_tag_len < 4 || p->rtp_tag_len > 20))
            return MIKEY_ERR_POLICY;
        if (p->auth_key_len < 1 || p->auth_key_len > 64)
            return MIKEY_ERR_POLICY;
    }
    return MIKEY_OK;
}

size_t mikey_srtp_rtp_overhead(const mikey_srtp_policy *p)
{
    if (!p || mikey_srtp_policy_check(p) != MIKEY_OK)
        return 0;
    return p->mki_len + mk_srtp_rtp_tag_len(p);
}

size_t mikey_srtp_rtcp_overhead(const mikey_srtp_policy *p)
{
    if (!p || mikey_srtp_policy_check(p) != MIKEY_OK)
        return 0;
    return 4 + p->mki_len + mk_srtp_rtcp_tag_len(p);
}

int mk_srtp_key_check(const mikey_srtp_policy *p, const mikey_srtp_key *k)
{
    if (!k->key)
        return MIKEY_ERR_INVALID_ARG;
    if (p->cipher == MIKEY_SRTP_CIPHER_NULL) {
        /* The NULL cipher still derives the auth key with an AES-CM PRF,
         * whose size follows the master key. */
        if (k->key_len != 16 && k->key_len != 24 && k->key_len != 32)
            return MIKEY_ERR_LENGTH;
    } else if (k->key_len != mikey_srtp_master_key_len(p->cipher)) {
        return MIKEY_ERR_LENGTH;
    }
    if (!k->salt)
        return MIKEY_ERR_INVALID_ARG;
    if (k->salt_len != 14 && !(mk_srtp_is_gcm(p->cipher) && k->salt_len == 12))
        return MIKEY_ERR_LENGTH;
    if (p->mki_len && !k->mki)
        return MIKEY_ERR_INVALID_ARG;
    if (k->has_range > 1 || (k->has_range && (k->from > k->to || k->to >= MK_SRTP_MAX_INDEX)))
        return MIKEY_ERR_FIELD;
    if (k->lifetime > MK_SRTP_MAX_INDEX || k->lifetime_rtcp > MK_SRTCP_MAX_INDEX)
        return MIKEY_ERR_FIELD;
    return MIKEY_OK;
}
