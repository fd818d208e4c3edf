/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SRTP security policy (RFC 3830 §6.10.1, RFC 7714 §14.3-15): named
 * suites, SP payload params <-> mikey_srtp_params, the values in effect
 * (defaults for absent params) and the responder's acceptance rule.
 */
#include "session/session_int.h"

#define BIT(t) (1u << (t))

/* Fields in the struct, in SP param type order. */
static const unsigned known[] = {MIKEY_SP_ENCR_ALG,     MIKEY_SP_ENCR_KEY_LEN, MIKEY_SP_AUTH_ALG,
                                 MIKEY_SP_AUTH_KEY_LEN, MIKEY_SP_SALT_KEY_LEN, MIKEY_SP_PRF,
                                 MIKEY_SP_KDR,          MIKEY_SP_SRTP_ENCR,    MIKEY_SP_SRTCP_ENCR,
                                 MIKEY_SP_FEC_ORDER,    MIKEY_SP_SRTP_AUTH,    MIKEY_SP_AUTH_TAG_LEN,
                                 MIKEY_SP_PREFIX_LEN,   MIKEY_SP_AEAD_TAG_LEN};

#define KNOWN_MASK                                                                                                     \
    (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(9) | BIT(10) | BIT(11) |  \
     BIT(12) | BIT(20))

#define SRTP_ENCR_NULL 0
#define SRTP_ENCR_AES_CM 1
#define SRTP_ENCR_AES_F8 2
#define SRTP_ENCR_AES_GCM 6 /* RFC 7714 §14.3 */

static uint8_t *field(mikey_srtp_params *p, unsigned type)
{
    switch (type) {
    case MIKEY_SP_ENCR_ALG: return &p->encr_alg;
    case MIKEY_SP_ENCR_KEY_LEN: return &p->encr_key_len;
    case MIKEY_SP_AUTH_ALG: return &p->auth_alg;
    case MIKEY_SP_AUTH_KEY_LEN: return &p->auth_key_len;
    case MIKEY_SP_SALT_KEY_LEN: return &p->salt_key_len;
    case MIKEY_SP_PRF: return &p->prf;
    case MIKEY_SP_SRTP_ENCR: return &p->srtp_encr;
    case MIKEY_SP_SRTCP_ENCR: return &p->srtcp_encr;
    case MIKEY_SP_FEC_ORDER: return &p->fec_order;
    case MIKEY_SP_SRTP_AUTH: return &p->srtp_auth;
    case MIKEY_SP_AUTH_TAG_LEN: return &p->auth_tag_len;
    case MIKEY_SP_PREFIX_LEN: return &p->prefix_len;
    case MIKEY_SP_AEAD_TAG_LEN: return &p->aead_tag_len;
    default: return NULL;
    }
}

/* Value of a param (KDR is the only one wider than a byte). The same
 * mapping as field(), read-only: no copy of the struct (this runs for every
 * param of every policy compared, mikey bench). */
static uint32_t cfield(const mikey_srtp_params *p, unsigned type)
{
    switch (type) {
    case MIKEY_SP_KDR: return p->kdr;
    case MIKEY_SP_ENCR_ALG: return p->encr_alg;
    case MIKEY_SP_ENCR_KEY_LEN: return p->encr_key_len;
    case MIKEY_SP_AUTH_ALG: return p->auth_alg;
    case MIKEY_SP_AUTH_KEY_LEN: return p->auth_key_len;
    case MIKEY_SP_SALT_KEY_LEN: return p->salt_key_len;
    case MIKEY_SP_PRF: return p->prf;
    case MIKEY_SP_SRTP_ENCR: return p->srtp_encr;
    case MIKEY_SP_SRTCP_ENCR: return p->srtcp_encr;
    case MIKEY_SP_FEC_ORDER: return p->fec_order;
    case MIKEY_SP_SRTP_AUTH: return p->srtp_auth;
    case MIKEY_SP_AUTH_TAG_LEN: return p->auth_tag_len;
    case MIKEY_SP_PREFIX_LEN: return p->prefix_len;
    case MIKEY_SP_AEAD_TAG_LEN: return p->aead_tag_len;
    default: return 0;
    }
}

static void setv(mikey_srtp_params *p, unsigned type, uint32_t v)
{
    if (type == MIKEY_SP_KDR) {
        p->kdr = v;
        p->present |= BIT(type);
        return;
    }
    uint8_t *f = field(p, type);
    if (f) {
        *f = (uint8_t)v;
        p->present |= BIT(type);
    }
}

int mikey_srtp_params_suite(mikey_srtp_params *p, const char *name)
{
    if (!p || !name)
        return MIKEY_ERR_INVALID_ARG;
    mikey_srtp_params s;
    memset(&s, 0, sizeof s);
    unsigned encr = SRTP_ENCR_AES_CM, key = 16, tag = 10, gcm = 0;
    if (strcmp(name, "AES_CM_128_HMAC_SHA1_80") == 0) {
    } else if (strcmp(name, "AES_CM_128_HMAC_SHA1_32") == 0) {
        tag = 4;
    } else if (strcmp(name, "AES_256_CM_HMAC_SHA1_80") == 0) {
        key = 32;
    } else if (strcmp(name, "AES_256_CM_HMAC_SHA1_32") == 0) { /* RFC 6188 §7 names it too; GStreamer offers it */
        key = 32;
        tag = 4;
    } else if (strcmp(name, "AES_F8_128_HMAC_SHA1_80") == 0) {
        encr = SRTP_ENCR_AES_F8;
    } else if (strcmp(name, "AEAD_AES_128_GCM") == 0) {
        gcm = 1;
    } else if (strcmp(name, "AEAD_AES_256_GCM") == 0) {
        gcm = 1;
        key = 32;
    } else if (strcmp(name, "NULL_HMAC_SHA1_80") == 0) {
        encr = SRTP_ENCR_NULL;
    } else {
        return MIKEY_ERR_NOT_FOUND;
    }
    if (gcm) {
        /* RFC 7714 §15: algorithm, key length and AEAD tag length fully
         * determine the AEAD; the SRTP PRF must be AES-CM; salt 96 bits. */
        setv(&s, MIKEY_SP_ENCR_ALG, SRTP_ENCR_AES_GCM);
        setv(&s, MIKEY_SP_ENCR_KEY_LEN, (uint8_t)key);
        setv(&s, MIKEY_SP_SALT_KEY_LEN, 12);
        setv(&s, MIKEY_SP_PRF, 0);
        setv(&s, MIKEY_SP_AEAD_TAG_LEN, 16);
    } else {
        /* Param 3 is the session auth KEY length (20 for HMAC-SHA-1, which
         * Live555 requires) and param 11 the tag length (INTEROP.md §1
         * item 8: the Nx / gortsplib generator reading). */
        setv(&s, MIKEY_SP_ENCR_ALG, (uint8_t)encr);
        setv(&s, MIKEY_SP_ENCR_KEY_LEN, (uint8_t)key);
        setv(&s, MIKEY_SP_AUTH_ALG, 1);
        setv(&s, MIKEY_SP_AUTH_KEY_LEN, 20);
        setv(&s, MIKEY_SP_SALT_KEY_LEN, 14);
        setv(&s, MIKEY_SP_AUTH_TAG_LEN, (uint8_t)tag);
    }
    *p = s;
    return MIKEY_OK;
}

int mikey_srtp_params_from_sp(const mikey_sp *sp, mikey_srtp_params *out)
{
    if (!sp || !out)
        return MIKEY_ERR_INVALID_ARG;
    if (sp->prot_type != MIKEY_PROT_SRTP)
        return MIKEY_ERR_UNSUPPORTED;
    mikey_srtp_params p;
    memset(&p, 0, sizeof p);
    size_t off = 0;
    mikey_sp_param prm;
    int rc, lenient_tag = -1, have_tag = 0;
    while ((rc = mikey_sp_param_next(sp, &off, &prm)) == MIKEY_OK) {
        if (prm.type == MIKEY_SP_KDR) {
            /* RFC 3830 Table 6.10.1.a defers to RFC 3711, whose key
             * derivation rate is an integer (0 or 2^n up to 2^24): read the
             * value as that integer, 1 to 4 bytes big-endian. */
            if (prm.value.len < 1 || prm.value.len > 4)
                return MIKEY_ERR_FIELD;
            uint32_t r = 0;
            for (size_t i = 0; i < prm.value.len; i++)
                r = r << 8 | prm.value.p[i];
            setv(&p, MIKEY_SP_KDR, r);
            continue;
        }
        if (!field(&p, prm.type))
            continue; /* unknown or not represented: ignored (session.h) */
        /* Every defined SRTP param is one byte (Table 6.10.1.a: "a one
         * byte length is enough"; RFC 7714 §14.3). */
        if (prm.value.len != 1)
            return MIKEY_ERR_FIELD;
        uint8_t v = prm.value.p[0];
        if (prm.type == MIKEY_SP_AUTH_KEY_LEN && (v == 4 || v == 10)) {
            /* Named leniency "SP param 3 as tag length" (docs/interop.md):
             * GStreamer and Axis put the auth TAG length (4 or 10 bytes)
             * in param 3, the session auth KEY length. No HMAC-SHA-1 key is
             * 4 or 10 bytes long in practice, so such a value is read as
             * the tag length and the key length stays the default (20). */
            lenient_tag = v;
            p.present &= ~BIT(MIKEY_SP_AUTH_KEY_LEN);
            continue;
        }
        if (prm.type == MIKEY_SP_AUTH_TAG_LEN)
            have_tag = 1;
        setv(&p, prm.type, v); /* repeated: the last one wins */
    }
    if (rc != MIKEY_ERR_NOT_FOUND)
        return rc;
    if (lenient_tag >= 0 && !have_tag)
        setv(&p, MIKEY_SP_AUTH_TAG_LEN, (uint8_t)lenient_tag);
    *out = p;
    return MIKEY_OK;
}

int mk_srtp_to_params(const mikey_srtp_params *p, uint8_t *out, size_t cap, size_t *outlen)
{
    if (p->present & ~KNOWN_MASK)
        return MIKEY_ERR_INVALID_ARG;
    mikey_sp_param prm[MK_ARRAY_LEN(known)];
    uint8_t vals[MK_ARRAY_LEN(known)][4];
    size_t n = 0;
    for (size_t i = 0; i < MK_ARRAY_LEN(known); i++) {
        if (!(p->present & BIT(known[i])))
            continue;
        uint32_t v = cfield(p, known[i]);
        prm[n].type = (uint8_t)known[i];
        if (known[i] == MIKEY_SP_KDR && v > 0xff) {
            /* a rate above 255 needs the 4-byte form */
            mk_put32(vals[n], v);
            prm[n].value.len = 4;
        } else {
            vals[n][0] = (uint8_t)v;
            prm[n].value.len = 1;
        }
        prm[n].value.p = vals[n];
        n++;
    }
    return mikey_build_sp_params(prm, n, out, cap, outlen);
}

static int is_gcm(const mikey_srtp_params *e) { return e->encr_alg == SRTP_ENCR_AES_GCM; }

void mk_srtp_effective(const mikey_srtp_params *in, mikey_srtp_params *out)
{
    mikey_srtp_params e;
    memset(&e, 0, sizeof e);
    /* RFC 3711 §8.2 defaults: AES-CM, 128-bit master key, HMAC-SHA1 with a
     * 160-bit key and an 80-bit tag, 112-bit salt, AES-CM PRF, KDR 0,
     * encryption and authentication on, FEC-SRTP order, no prefix. */
    e.encr_alg = SRTP_ENCR_AES_CM;
    e.encr_key_len = 16;
    e.auth_alg = 1;
    e.auth_key_len = 20;
    e.salt_key_len = 14;
    e.srtp_encr = 1;
    e.srtcp_encr = 1;
    e.srtp_auth = 1;
    e.auth_tag_len = 10;
    e.aead_tag_len = 16;
    for (size_t i = 0; i < MK_ARRAY_LEN(known); i++)
        if (in->present & BIT(known[i]))
            setv(&e, known[i], cfield(in, known[i]));
    /* RFC 7714 §14.3 / §8.1: AES-GCM has a 96-bit salt by default. */
    if (is_gcm(&e) && !(in->present & BIT(MIKEY_SP_SALT_KEY_LEN)))
        e.salt_key_len = 12;
    e.present = KNOWN_MASK;
    *out = e;
}

size_t mk_srtp_key_len(const mikey_srtp_params *p)
{
    mikey_srtp_params e;
    mk_srtp_effective(p, &e);
    return e.encr_key_len;
}

size_t mk_srtp_salt_len(const mikey_srtp_params *p)
{
    mikey_srtp_params e;
    mk_srtp_effective(p, &e);
    return e.salt_key_len;
}

/* Does this param matter for the suite in effect? */
static int relevant(const mikey_srtp_params *e, unsigned type)
{
    switch (type) {
    case MIKEY_SP_AUTH_ALG:
    case MIKEY_SP_AUTH_KEY_LEN:
    case MIKEY_SP_AUTH_TAG_LEN:
    case MIKEY_SP_SRTP_AUTH: return !is_gcm(e);
    case MIKEY_SP_AEAD_TAG_LEN: return is_gcm(e);
    default: return 1;
    }
}

/* Number of params in which a and b differ in effect; *first = the first. */
static unsigned diff(const mikey_srtp_params *a, const mikey_srtp_params *b, unsigned *first)
{
    mikey_srtp_params ea, eb;
    mk_srtp_effective(a, &ea);
    mk_srtp_effective(b, &eb);
    unsigned n = 0;
    if (is_gcm(&ea) != is_gcm(&eb)) {
        *first = MIKEY_SP_ENCR_ALG;
        return 99;
    }
    for (size_t i = 0; i < MK_ARRAY_LEN(known); i++) {
        unsigned t = known[i];
        if (relevant(&ea, t) && cfield(&ea, t) != cfield(&eb, t)) {
            if (n++ == 0)
                *first = t;
        }
    }
    return n;
}

int mk_srtp_equal(const mikey_srtp_params *a, const mikey_srtp_params *b)
{
    unsigned first;
    return diff(a, b, &first) == 0;
}

/* RFC 3711 default suite first (what an initiator offers without a
 * configured policy), then the usual alternatives a responder takes. */
#define SUITE_CM(key, tag)                                                                                             \
    {.present = BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(11), .encr_alg = SRTP_ENCR_AES_CM,                 \
     .encr_key_len = (key), .auth_alg = 1, .auth_key_len = 20, .salt_key_len = 14, .auth_tag_len = (tag)}
#define SUITE_GCM(key)                                                                                                 \
    {.present = BIT(0) | BIT(1) | BIT(4) | BIT(5) | BIT(20), .encr_alg = SRTP_ENCR_AES_GCM, .encr_key_len = (key),     \
     .salt_key_len = 12, .prf = 0, .aead_tag_len = 16}
static const mikey_srtp_params defaults[] = {SUITE_CM(16, 10), SUITE_CM(16, 4), SUITE_CM(32, 10), SUITE_GCM(16),
                                             SUITE_GCM(32)};

size_t mk_policy_srtp(const mikey_policy *p, const mikey_srtp_params **list)
{
    if (p && p->nsrtp) {
        *list = p->srtp;
        return p->nsrtp;
    }
    *list = defaults;
    return MK_ARRAY_LEN(defaults);
}

int mk_srtp_acceptable(const mikey_policy *p, const mikey_srtp_params *offered, unsigned *bad, unsigned *bad_value)
{
    const mikey_srtp_params *list;
    size_t n = mk_policy_srtp(p, &list);
    unsigned best = ~0u, best_first = MIKEY_SP_ENCR_ALG;
    for (size_t i = 0; i < n; i++) {
        unsigned first = 0;
        unsigned d = diff(offered, &list[i], &first);
        if (d == 0)
            return MIKEY_OK;
        if (d < best) {
            best = d;
            best_first = first;
        }
    }
    mikey_srtp_params e;
    mk_srtp_effective(offered, &e);
    *bad = best_first;
    *bad_value = cfield(&e, best_first);
    return MIKEY_ERR_POLICY;
}
