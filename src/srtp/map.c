/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * From a MIKEY crypto session to an SRTP stream: the SP payload (RFC 3830
 * §6.10.1, RFC 4771 §5, RFC 7714 §14.3 and §15) to a policy, and the key
 * data (TEK, salt, KV SPI) to a master key. Interop readings are in
 * docs/srtp.md and ../shared INTEROP.md §2.7-2.8.
 */
#include "srtp/srtp_int.h"

/* MIKEY SRTP encryption algorithms (IANA "Encryption algorithm (Value 0)"). */
enum { SP_ENC_NULL = 0, SP_ENC_AES_CM = 1, SP_ENC_AES_F8 = 2, SP_ENC_AES_GCM = 6 };
/* Authentication algorithms (IANA "Authentication algorithm (Value 2)"). */
enum { SP_AUTH_NULL = 0, SP_AUTH_HMAC_SHA1 = 1 };

#define SP_NPARAMS 21

/* Integer value of a parameter: 1 to 4 bytes, big-endian. */
static int sp_uint(const mikey_sp_param *pa, uint32_t *v)
{
    if (pa->value.len < 1 || pa->value.len > 4)
        return MIKEY_ERR_FIELD;
    uint32_t x = 0;
    for (size_t i = 0; i < pa->value.len; i++)
        x = x << 8 | pa->value.p[i];
    *v = x;
    return MIKEY_OK;
}

int mikey_srtp_policy_from_mikey(const mikey_sp *sp, unsigned flags, mikey_srtp_policy *out)
{
    uint32_t v[SP_NPARAMS] = {0};
    uint8_t have[SP_NPARAMS] = {0};
    mikey_sp_param pa;
    size_t off = 0;
    int rc;
    if (!sp || !out)
        return MIKEY_ERR_INVALID_ARG;
    if (sp->prot_type != MIKEY_PROT_SRTP)
        return MIKEY_ERR_UNSUPPORTED;
    /* Collect; a repeated parameter takes its last value. Types above 20
     * are unassigned or private: ignored, as RFC 3830 §6.10 leaves unknown
     * parameters to the protocol (we cannot act on them). */
    while ((rc = mikey_sp_param_next(sp, &off, &pa)) == MIKEY_OK) {
        if (pa.type >= SP_NPARAMS)
            continue;
        if ((rc = sp_uint(&pa, &v[pa.type])) != MIKEY_OK)
            return rc;
        have[pa.type] = 1;
    }
    if (rc != MIKEY_ERR_NOT_FOUND)
        return rc;

    mikey_srtp_policy p;
    memset(&p, 0, sizeof p);
    uint32_t enc = have[MIKEY_SP_ENCR_ALG] ? v[MIKEY_SP_ENCR_ALG] : SP_ENC_AES_CM;
    uint32_t klen = have[MIKEY_SP_ENCR_KEY_LEN] ? v[MIKEY_SP_ENCR_KEY_LEN] : 16;
    switch (enc) {
    case SP_ENC_NULL:
        /* The key length still sizes the PRF (the master key length). */
        if (have[MIKEY_SP_ENCR_KEY_LEN] && klen != 0 && klen != 16 && klen != 24 && klen != 32)
            return MIKEY_ERR_FIELD;
        p.cipher = MIKEY_SRTP_CIPHER_NULL;
        break;
    case SP_ENC_AES_CM:
        if (klen == 16)
            p.cipher = MIKEY_SRTP_CIPHER_AES_CM_128;
        else if (klen == 24)
            p.cipher = MIKEY_SRTP_CIPHER_AES_CM_192;
        else if (klen == 32)
            p.cipher = MIKEY_SRTP_CIPHER_AES_CM_256;
        else
            return MIKEY_ERR_FIELD;
        break;
    case SP_ENC_AES_F8:
        if (klen != 16)
            return MIKEY_ERR_FIELD; /* RFC 3711 defines f8 for AES-128 */
        p.cipher = MIKEY_SRTP_CIPHER_AES_F8_128;
        break;
    case SP_ENC_AES_GCM:
        /* RFC 7714 §15 table 4: the key length picks 128 or 256. */
        if (klen == 16)
            p.cipher = MIKEY_SRTP_CIPHER_AES_GCM_128;
        else if (klen == 32)
            p.cipher = MIKEY_SRTP_CIPHER_AES_GCM_256;
        else
            return MIKEY_ERR_FIELD;
        break;
    default: return MIKEY_ERR_UNSUPPORTED; /* SEED, ARIA, unassigned */
    }
    int gcm = mk_srtp_is_gcm(p.cipher);

    /* Param 5: only the AES-CM PRF exists for these ciphers (and RFC 7714
     * §15 requires it with AEAD). */
    if (have[MIKEY_SP_PRF] && v[MIKEY_SP_PRF] != 0)
        return MIKEY_ERR_UNSUPPORTED;
    if (have[MIKEY_SP_SALT_KEY_LEN]) {
        uint32_t sl = v[MIKEY_SP_SALT_KEY_LEN];
        if (gcm ? (sl != 12 && sl != 14) : sl != 14)
            return MIKEY_ERR_FIELD;
    }
    p.kdr = have[MIKEY_SP_KDR] ? v[MIKEY_SP_KDR] : 0;
    if (have[MIKEY_SP_FEC_ORDER] && v[MIKEY_SP_FEC_ORDER] != 0)
        return MIKEY_ERR_UNSUPPORTED;
    if (have[MIKEY_SP_PREFIX_LEN] && v[MIKEY_SP_PREFIX_LEN] != 0)
        return MIKEY_ERR_UNSUPPORTED; /* keystream prefix (TESLA): not implemented */
    static const uint8_t onoff[] = {MIKEY_SP_SRTP_ENCR, MIKEY_SP_SRTCP_ENCR, MIKEY_SP_SRTP_AUTH};
    for (size_t i = 0; i < sizeof onoff; i++)
        if (have[onoff[i]] && v[onoff[i]] > 1)
            return MIKEY_ERR_FIELD;
    p.rtp_encrypt = have[MIKEY_SP_SRTP_ENCR] ? (uint8_t)v[MIKEY_SP_SRTP_ENCR] : 1;
    p.rtcp_encrypt = have[MIKEY_SP_SRTCP_ENCR] ? (uint8_t)v[MIKEY_SP_SRTCP_ENCR] : 1;
    p.rtp_auth = have[MIKEY_SP_SRTP_AUTH] ? (uint8_t)v[MIKEY_SP_SRTP_AUTH] : 1;

    if (gcm) {
        /* RFC 7714 §14.3: algorithm, key length and param 20 fully decide the
         * AEAD; params 2, 3, 11 and 14-19 do not apply and are ignored. */
        uint32_t t = have[MIKEY_SP_AEAD_TAG_LEN] ? v[MIKEY_SP_AEAD_TAG_LEN] : 16;
        if (t > 255)
            return MIKEY_ERR_FIELD;
        p.auth = MIKEY_SRTP_AUTH_NULL;
        p.rtp_tag_len = p.rtcp_tag_len = (uint8_t)t;
        p.rtp_auth = 1;
    } else {
        uint32_t alg = have[MIKEY_SP_AUTH_ALG] ? v[MIKEY_SP_AUTH_ALG] : SP_AUTH_HMAC_SHA1;
        uint32_t rtp_alg = have[MIKEY_SP_SRTP_AUTH_ALG] ? v[MIKEY_SP_SRTP_AUTH_ALG] : alg;
        uint32_t rtcp_alg = have[MIKEY_SP_SRTCP_AUTH_ALG] ? v[MIKEY_SP_SRTCP_AUTH_ALG] : alg;
        /* RCCm1-3 (RFC 4771, values 2-4) and unassigned values. */
        if (rtp_alg > SP_AUTH_HMAC_SHA1 || rtcp_alg > SP_AUTH_HMAC_SHA1)
            return MIKEY_ERR_UNSUPPORTED;
        if (rtcp_alg == SP_AUTH_HMAC_SHA1) {
            p.auth = MIKEY_SRTP_AUTH_HMAC_SHA1;
            if (rtp_alg == SP_AUTH_NULL)
                p.rtp_auth = 0;
        } else if (rtp_alg == SP_AUTH_NULL) {
            p.auth = MIKEY_SRTP_AUTH_NULL;
            p.rtp_auth = 0;
        } else {
            return MIKEY_ERR_UNSUPPORTED; /* authenticated SRTP with unauthenticated SRTCP */
        }
        uint32_t akl = have[MIKEY_SP_AUTH_KEY_LEN] ? v[MIKEY_SP_AUTH_KEY_LEN] : 20;
        uint32_t tag = have[MIKEY_SP_AUTH_TAG_LEN] ? v[MIKEY_SP_AUTH_TAG_LEN] : 10;
        /* GStreamer / Axis write the tag length (4 or 10) into param 3, the
         * auth *key* length, and no param 11 (INTEROP.md §2.8). A 4- or
         * 10-byte HMAC-SHA1 key is not a real SRTP choice, so read it as the
         * tag length and keep the 20-byte key. */
        if (!(flags & MIKEY_SRTP_MAP_STRICT) && have[MIKEY_SP_AUTH_KEY_LEN] && !have[MIKEY_SP_AUTH_TAG_LEN] &&
            (akl == 4 || akl == 10)) {
            tag = akl;
            akl = 20;
        }
        /* RFC 4771 §5: per-direction key and tag lengths. One session auth
         * key length serves both here (they come from one master key). */
        uint32_t akl_rtp = have[MIKEY_SP_SRTP_AUTH_KEY_LEN] ? v[MIKEY_SP_SRTP_AUTH_KEY_LEN] : akl;
        uint32_t akl_rtcp = have[MIKEY_SP_SRTCP_AUTH_KEY_LEN] ? v[MIKEY_SP_SRTCP_AUTH_KEY_LEN] : akl;
        if (akl_rtp != akl_rtcp)
            return MIKEY_ERR_UNSUPPORTED;
        uint32_t tag_rtp = have[MIKEY_SP_SRTP_AUTH_TAG_LEN] ? v[MIKEY_SP_SRTP_AUTH_TAG_LEN] : tag;
        uint32_t tag_rtcp = have[MIKEY_SP_SRTCP_AUTH_TAG_LEN] ? v[MIKEY_SP_SRTCP_AUTH_TAG_LEN] : tag;
        if (akl_rtp > 255 || tag_rtp > 255 || tag_rtcp > 255)
            return MIKEY_ERR_FIELD;
        if (p.auth == MIKEY_SRTP_AUTH_HMAC_SHA1) {
            p.auth_key_len = (uint8_t)akl_rtp;
            p.rtp_tag_len = p.rtp_auth ? (uint8_t)tag_rtp : 0;
            p.rtcp_tag_len = (uint8_t)tag_rtcp;
        }
    }
    if (mikey_srtp_policy_check(&p) != MIKEY_OK)
        return MIKEY_ERR_POLICY;
    *out = p;
    return MIKEY_OK;
}

int mikey_srtp_key_from_mikey(const mikey_srtp_policy *policy, mikey_span tek, mikey_span salt, mikey_span spi,
                              mikey_srtp_key *out)
{
    if (!policy || !out || (tek.len && !tek.p) || (salt.len && !salt.p) || (spi.len && !spi.p))
        return MIKEY_ERR_INVALID_ARG;
    if (policy->cipher > MIKEY_SRTP_CIPHER_AES_GCM_256)
        return MIKEY_ERR_INVALID_ARG;
    size_t klen = mikey_srtp_master_key_len(policy->cipher), slen = mikey_srtp_master_salt_len(policy->cipher);
    int gcm = mk_srtp_is_gcm(policy->cipher);
    mikey_srtp_key k;
    memset(&k, 0, sizeof k);
    if (salt.len == 0) {
        /* TEK = master key || master salt (RTSP cameras, GStreamer). */
        if (tek.len == klen + slen || (gcm && tek.len == klen + 14))
            k.key_len = klen;
        else if (policy->cipher == MIKEY_SRTP_CIPHER_NULL && (tek.len == 38 || tek.len == 46))
            k.key_len = tek.len - 14;
        else
            return MIKEY_ERR_LENGTH;
        k.key = tek.p;
        k.salt = tek.p + k.key_len;
        k.salt_len = tek.len - k.key_len;
    } else {
        k.key = tek.p;
        k.key_len = tek.len;
        k.salt = salt.p;
        k.salt_len = salt.len;
    }
    if (spi.len != policy->mki_len)
        return MIKEY_ERR_LENGTH;
    k.mki = spi.len ? spi.p : NULL;
    int rc = mk_srtp_key_check(policy, &k);
    if (rc != MIKEY_OK)
        return rc == MIKEY_ERR_INVALID_ARG ? MIKEY_ERR_LENGTH : rc;
    *out = k;
    return MIKEY_OK;
}

int mikey_srtp_stream_from_mikey(const mikey_sp *sp, unsigned flags, mikey_span tek, mikey_span salt, mikey_span spi,
                                 uint32_t ssrc, uint32_t roc, int dir, mikey_srtp_policy *policy, mikey_srtp_key *key,
                                 mikey_srtp_stream_params *out)
{
    mikey_srtp_policy p;
    mikey_srtp_key k;
    int rc;
    if (!sp || !policy || !key || !out || (dir != MIKEY_SRTP_OUTBOUND && dir != MIKEY_SRTP_INBOUND))
        return MIKEY_ERR_INVALID_ARG;
    if (spi.len > MIKEY_SRTP_MAX_MKI_LEN)
        return MIKEY_ERR_LENGTH;
    if ((rc = mikey_srtp_policy_from_mikey(sp, flags, &p)) != MIKEY_OK)
        return rc;
    /* RFC 3830 §6.14: KV = SPI carries the MKI of the SRTP packets. */
    p.mki_len = (uint8_t)spi.len;
    if ((rc = mikey_srtp_key_from_mikey(&p, tek, salt, spi, &k)) != MIKEY_OK)
        return rc;
    *policy = p;
    *key = k;
    memset(out, 0, sizeof *out);
    out->ssrc = ssrc;
    out->any_ssrc = ssrc == 0;
    out->dir = (uint8_t)dir;
    out->roc = roc;
    out->policy = policy;
    out->keys = key;
    out->nkeys = 1;
    return MIKEY_OK;
}
