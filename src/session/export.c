/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mikey_ctx_export / mikey_ctx_import: a context as bytes, so the CLI can
 * run mikey_offer() and mikey_finish() in separate processes (and keep an
 * established CSB for a later update). The blob holds secrets (TGK,
 * keys, DH seed, V/MAC key): the caller protects and wipes it.
 *
 * Format (big-endian), version 1:
 *   "MKCX" | version u8 | fixed part | records until the end
 *   fixed: state u8, role u8, has_csb u8, mode u8, prf u8, want_v u8,
 *          keys_first u8, csb_id u32, last_t u64, keygen u32
 *   record: tag u8 | length u32 | value; the last record is END (0xFF,
 *   empty), so a truncated blob is always detected
 * Every length is checked against its field; an unknown or repeated tag, a
 * short record or an out-of-range value is MIKEY_ERR_ENCODING. The DH key
 * pair is stored as its 32-byte seed (policy.c) and rebuilt on import; its
 * public value must match the DHi of the stored I_MESSAGE.
 */
#include "session/session_int.h"

#define MAGIC "MKCX"
#define VERSION 1
#define FIXED_LEN (4 + 1 + 7 + 4 + 8 + 4)
#define CS_LEN (1 + 4 + 4 + 1 + 4 + 13 + 4 + 1 + 32 + 1 + 14 + 1 + 16)

enum {
    T_RAND = 1,
    T_IMSG,
    T_KEYS,
    T_AUTH,
    T_DHSEED,
    T_PEND_PEER,
    T_PEER,
    T_SDP,
    T_PEND_RAND,
    T_TGK,
    T_TGK_SALT,
    T_CS,
    T_MAX,
    T_END = 0xff
};

typedef struct wbuf {
    uint8_t *p;
    size_t cap, len;
} wbuf;

static void put(wbuf *w, const void *d, size_t n)
{
    if (w->len + n <= w->cap && n)
        memcpy(w->p + w->len, d, n);
    w->len += n;
}

static void put8(wbuf *w, unsigned v)
{
    uint8_t b = (uint8_t)v;
    put(w, &b, 1);
}

static void put32(wbuf *w, uint32_t v)
{
    uint8_t b[4];
    mk_put32(b, v);
    put(w, b, 4);
}

static void put64(wbuf *w, uint64_t v)
{
    uint8_t b[8];
    mk_put64(b, v);
    put(w, b, 8);
}

static void rec(wbuf *w, unsigned tag, const void *d, size_t n)
{
    put8(w, tag);
    put32(w, (uint32_t)n);
    put(w, d, n);
}

static void cs_bytes(const mikey_cs_keys *k, uint8_t *b)
{
    uint8_t *p = b;
    *p++ = k->cs_id;
    mk_put32(p, k->ssrc);
    p += 4;
    mk_put32(p, k->roc);
    p += 4;
    *p++ = k->policy_no;
    mk_put32(p, k->srtp.present);
    p += 4;
    const uint8_t f[13] = {k->srtp.encr_alg,   k->srtp.encr_key_len, k->srtp.auth_alg,  k->srtp.auth_key_len,
                           k->srtp.salt_key_len, k->srtp.prf,        k->srtp.srtp_encr, k->srtp.srtcp_encr,
                           k->srtp.fec_order,  k->srtp.srtp_auth,    k->srtp.auth_tag_len, k->srtp.prefix_len,
                           k->srtp.aead_tag_len};
    memcpy(p, f, 13);
    p += 13;
    mk_put32(p, k->srtp.kdr); /* the only param wider than a byte */
    p += 4;
    *p++ = (uint8_t)k->master_key_len;
    memcpy(p, k->master_key, 32);
    p += 32;
    *p++ = (uint8_t)k->master_salt_len;
    memcpy(p, k->master_salt, 14);
    p += 14;
    *p++ = (uint8_t)k->mki_len;
    memcpy(p, k->mki, 16);
}

static int cs_parse(const uint8_t *b, mikey_cs_keys *k)
{
    const uint8_t *p = b;
    memset(k, 0, sizeof *k);
    k->cs_id = *p++;
    k->ssrc = mk_be32(p);
    p += 4;
    k->roc = mk_be32(p);
    p += 4;
    k->policy_no = *p++;
    k->srtp.present = mk_be32(p);
    p += 4;
    uint8_t *f[13] = {&k->srtp.encr_alg,   &k->srtp.encr_key_len, &k->srtp.auth_alg,  &k->srtp.auth_key_len,
                      &k->srtp.salt_key_len, &k->srtp.prf,        &k->srtp.srtp_encr, &k->srtp.srtcp_encr,
                      &k->srtp.fec_order,  &k->srtp.srtp_auth,    &k->srtp.auth_tag_len, &k->srtp.prefix_len,
                      &k->srtp.aead_tag_len};
    for (int i = 0; i < 13; i++)
        *f[i] = *p++;
    k->srtp.kdr = mk_be32(p);
    p += 4;
    k->master_key_len = *p++;
    memcpy(k->master_key, p, 32);
    p += 32;
    k->master_salt_len = *p++;
    memcpy(k->master_salt, p, 14);
    p += 14;
    k->mki_len = *p++;
    memcpy(k->mki, p, 16);
    if (k->master_key_len > 32 || k->master_salt_len > 14 || k->mki_len > 16)
        return MIKEY_ERR_ENCODING;
    return MIKEY_OK;
}

int mikey_ctx_export(const mikey_ctx *ctx, uint8_t *out, size_t cap, size_t *outlen)
{
    if (!ctx || !outlen || (!out && cap))
        return MIKEY_ERR_INVALID_ARG;
    const mk_pending *p = &ctx->pend;
    wbuf w = {out, cap, 0};
    put(&w, MAGIC, 4);
    put8(&w, VERSION);
    put8(&w, (unsigned)ctx->state);
    put8(&w, (unsigned)ctx->role);
    put8(&w, (unsigned)ctx->has_csb);
    put8(&w, ctx->mode);
    put8(&w, ctx->prf);
    put8(&w, (unsigned)p->want_v);
    put8(&w, p->keys_first);
    put32(&w, ctx->csb_id);
    put64(&w, ctx->last_t);
    put32(&w, ctx->keygen);
    rec(&w, T_RAND, ctx->rand, ctx->rand_len);
    if (p->imsg)
        rec(&w, T_IMSG, p->imsg, p->imsg_len);
    if (p->keys)
        rec(&w, T_KEYS, p->keys, p->keys_len);
    if (p->auth_len)
        rec(&w, T_AUTH, p->auth_key, p->auth_len);
    if (p->dh)
        rec(&w, T_DHSEED, p->dh_seed, MK_DH_SEED_LEN);
    if (p->peer_id)
        rec(&w, T_PEND_PEER, p->peer_id, strlen(p->peer_id));
    if (ctx->peer_id)
        rec(&w, T_PEER, ctx->peer_id, strlen(ctx->peer_id));
    if (ctx->sdp_ids)
        rec(&w, T_SDP, ctx->sdp_ids, strlen(ctx->sdp_ids));
    if (p->imsg)
        rec(&w, T_PEND_RAND, p->rand, p->rand_len);
    if (ctx->keys.tgk_len)
        rec(&w, T_TGK, ctx->keys.tgk, ctx->keys.tgk_len);
    if (ctx->keys.tgk_salt_len)
        rec(&w, T_TGK_SALT, ctx->keys.tgk_salt, ctx->keys.tgk_salt_len);
    if (ctx->keys.ncs) {
        put8(&w, T_CS);
        put32(&w, (uint32_t)(ctx->keys.ncs * CS_LEN));
        for (size_t i = 0; i < ctx->keys.ncs; i++) {
            uint8_t b[CS_LEN];
            cs_bytes(&ctx->keys.cs[i], b);
            put(&w, b, CS_LEN);
            mk_wipe(b, sizeof b);
        }
    }
    rec(&w, T_END, NULL, 0);
    *outlen = w.len;
    if (w.len > cap)
        return MIKEY_ERR_NOBUF;
    return MIKEY_OK;
}

static int dup_bytes(const mikey_env *env, const uint8_t *v, size_t n, uint8_t **out)
{
    if (!(*out = mk_malloc(env, n ? n : 1)))
        return MIKEY_ERR_NOMEM;
    if (n)
        memcpy(*out, v, n);
    return MIKEY_OK;
}

static int dup_str(const mikey_env *env, const uint8_t *v, size_t n, char **out)
{
    if (n == 0 || memchr(v, 0, n))
        return MIKEY_ERR_ENCODING;
    if (!(*out = mk_strndup(env, (const char *)v, n)))
        return MIKEY_ERR_NOMEM;
    return MIKEY_OK;
}

static int rebuild_dh(mikey_ctx *c)
{
    /* The group and public value are those of the DHi we sent. */
    mikey_msg *m = NULL;
    int rc = mikey_msg_parse(&c->env, c->pend.imsg, c->pend.imsg_len, NULL, &m, NULL);
    if (rc)
        return rc == MIKEY_ERR_NOMEM ? rc : MIKEY_ERR_ENCODING;
    const mikey_payload *d = mikey_msg_find(m, MIKEY_PT_DH, 0);
    uint8_t pub[MK_MAX_DH_LEN];
    rc = MIKEY_ERR_ENCODING;
    if (d) {
        int r2 = mk_dh_from_seed(c->ops, &c->env, d->u.dh.group, c->pend.dh_seed, &c->pend.dh);
        if (r2 == MIKEY_ERR_NOMEM || r2 == MIKEY_ERR_CRYPTO)
            rc = r2; /* running out of memory is not a corrupt blob */
        else if (r2 == MIKEY_OK && c->ops->dh_public(c->pend.dh, pub) == MIKEY_OK && d->u.dh.value.len <= sizeof pub &&
                 memcmp(pub, d->u.dh.value.p, d->u.dh.value.len) == 0)
            rc = MIKEY_OK;
    }
    mikey_msg_free(m);
    return rc;
}

static int import_body(mikey_ctx *c, const uint8_t *buf, size_t len)
{
    mk_pending *p = &c->pend;
    const uint8_t *q = buf + 5;
    c->state = q[0];
    c->role = q[1];
    c->has_csb = q[2];
    c->mode = q[3];
    c->prf = q[4];
    p->want_v = q[5];
    p->keys_first = q[6];
    c->csb_id = mk_be32(q + 7);
    c->last_t = mk_be64(q + 11);
    c->keygen = mk_be32(q + 19);
    if (c->state > MIKEY_STATE_FAILED || c->role > MK_ROLE_RESPONDER || c->has_csb > 1 ||
        c->mode > MIKEY_MODE_NULL || c->prf > MIKEY_PRF_HMAC_SHA256 || p->want_v > 1 ||
        (p->keys_first != 0 && p->keys_first != MIKEY_PT_KEYDATA && p->keys_first != MIKEY_PT_ID) ||
        (c->state != MIKEY_STATE_NEW && c->mode == 0))
        return MIKEY_ERR_ENCODING;
    unsigned seen = 0;
    int has_seed = 0, ended = 0, rc;
    size_t off = FIXED_LEN;
    while (off < len && !ended) {
        if (len - off < 5)
            return MIKEY_ERR_ENCODING;
        unsigned tag = buf[off];
        uint32_t n = mk_be32(buf + off + 1);
        off += 5;
        if (tag == T_END) {
            if (n != 0 || off != len)
                return MIKEY_ERR_ENCODING;
            ended = 1;
            continue;
        }
        if (n > len - off || tag == 0 || tag >= T_MAX || (seen & (1u << tag)))
            return MIKEY_ERR_ENCODING;
        seen |= 1u << tag;
        const uint8_t *v = buf + off;
        off += n;
        switch (tag) {
        case T_RAND:
            if (n > sizeof c->rand)
                return MIKEY_ERR_ENCODING;
            memcpy(c->rand, v, n);
            c->rand_len = n;
            break;
        case T_PEND_RAND:
            if (n > sizeof p->rand)
                return MIKEY_ERR_ENCODING;
            memcpy(p->rand, v, n);
            p->rand_len = n;
            break;
        case T_IMSG:
            if ((rc = dup_bytes(&c->env, v, n, &p->imsg)))
                return rc;
            p->imsg_len = n;
            break;
        case T_KEYS:
            if ((rc = dup_bytes(&c->env, v, n, &p->keys)))
                return rc;
            p->keys_len = n;
            break;
        case T_AUTH:
            if (n > sizeof p->auth_key)
                return MIKEY_ERR_ENCODING;
            memcpy(p->auth_key, v, n);
            p->auth_len = n;
            break;
        case T_DHSEED:
            if (n != MK_DH_SEED_LEN)
                return MIKEY_ERR_ENCODING;
            memcpy(p->dh_seed, v, n);
            has_seed = 1;
            break;
        case T_PEND_PEER:
            if ((rc = dup_str(&c->env, v, n, &p->peer_id)))
                return rc;
            break;
        case T_PEER:
            if ((rc = dup_str(&c->env, v, n, &c->peer_id)))
                return rc;
            break;
        case T_SDP:
            if ((rc = dup_str(&c->env, v, n, &c->sdp_ids)))
                return rc;
            break;
        case T_TGK:
            if (n == 0 || n > sizeof c->keys.tgk)
                return MIKEY_ERR_ENCODING;
            memcpy(c->keys.tgk, v, n);
            c->keys.tgk_len = n;
            break;
        case T_TGK_SALT:
            if (n > sizeof c->keys.tgk_salt)
                return MIKEY_ERR_ENCODING;
            memcpy(c->keys.tgk_salt, v, n);
            c->keys.tgk_salt_len = n;
            break;
        case T_CS:
            if (n == 0 || n % CS_LEN || n / CS_LEN > MK_MAX_CS)
                return MIKEY_ERR_ENCODING;
            if (!(c->keys.cs = mk_calloc(&c->env, n / CS_LEN, sizeof *c->keys.cs)))
                return MIKEY_ERR_NOMEM;
            c->keys.ncs = n / CS_LEN;
            for (size_t i = 0; i < c->keys.ncs; i++)
                if (cs_parse(v + i * CS_LEN, &c->keys.cs[i]))
                    return MIKEY_ERR_ENCODING;
            break;
        default: return MIKEY_ERR_ENCODING;
        }
    }
    if (!ended || !(seen & (1u << T_RAND)))
        return MIKEY_ERR_ENCODING;
    /* An offered context must be able to finish. */
    if (c->state == MIKEY_STATE_OFFERED) {
        mikey_msg *m = NULL;
        if (!p->imsg || c->role != MK_ROLE_INITIATOR)
            return MIKEY_ERR_ENCODING;
        if ((rc = mikey_msg_parse(&c->env, p->imsg, p->imsg_len, NULL, &m, NULL)))
            return rc == MIKEY_ERR_NOMEM ? rc : MIKEY_ERR_ENCODING;
        mikey_msg_free(m);
        int dh_mode = c->mode == MIKEY_MODE_DH || c->mode == MIKEY_MODE_DHHMAC;
        if (dh_mode && !has_seed)
            return MIKEY_ERR_ENCODING;
        if (p->keys_len && !p->keys_first)
            return MIKEY_ERR_ENCODING;
    }
    if (has_seed && !p->imsg)
        return MIKEY_ERR_ENCODING;
    if (has_seed && (rc = rebuild_dh(c)))
        return rc;
    return MIKEY_OK;
}

int mikey_ctx_import(const mikey_env *env, const mikey_creds *creds, const mikey_policy *policy, const uint8_t *buf,
                     size_t len, mikey_ctx **out)
{
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    if (!creds || !policy || (!buf && len))
        return MIKEY_ERR_INVALID_ARG;
    if (len < FIXED_LEN || memcmp(buf, MAGIC, 4) != 0 || buf[4] != VERSION)
        return MIKEY_ERR_ENCODING;
    mikey_ctx *c = NULL;
    int rc = mikey_ctx_new(env, creds, policy, &c);
    if (rc)
        return rc;
    if ((rc = import_body(c, buf, len))) {
        mikey_ctx_free(c);
        return rc;
    }
    *out = c;
    return MIKEY_OK;
}
