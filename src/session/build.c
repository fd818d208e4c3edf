/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small builders over the level-3 wire API (mikey_msg_append): every
 * message the session layer emits goes through src/wire's encoder, so it is
 * exactly what the parser (and tshark) reads back. MACs and signatures are
 * appended as zero fields, the message is encoded, and the value computed
 * over the encoded bytes is patched in (mode files).
 */
#include "session/session_int.h"

static int app(mikey_msg *m, mikey_payload *pl) { return mikey_msg_append(m, pl); }

static void init(mikey_payload *pl, unsigned type)
{
    memset(pl, 0, sizeof *pl);
    pl->type = type;
}

int mk_b_hdr_raw(mikey_msg *m, uint8_t dt, int v, uint8_t prf, uint32_t csb_id, uint8_t ncs, uint8_t map_type,
                 mikey_span map_info)
{
    mikey_payload pl;
    init(&pl, MIKEY_PT_HDR);
    pl.u.hdr.version = 1;
    pl.u.hdr.data_type = dt;
    pl.u.hdr.v = v ? 1 : 0;
    pl.u.hdr.prf = prf;
    pl.u.hdr.csb_id = csb_id;
    pl.u.hdr.ncs = ncs;
    pl.u.hdr.map_type = map_type;
    pl.u.hdr.map_info = map_info;
    return app(m, &pl);
}

int mk_b_hdr(mikey_msg *m, uint8_t dt, int v, uint8_t prf, uint32_t csb_id, const mk_cs_plan *plans, size_t n)
{
    uint8_t map[MK_MAX_CS * 9];
    size_t maplen = 0;
    int rc;
    if (n > MK_MAX_CS)
        return MIKEY_ERR_INVALID_ARG;
    if ((rc = mk_plans_map(plans, n, map, sizeof map, &maplen)))
        return rc;
    mikey_span info = {map, maplen};
    /* SRTP-ID even for #CS = 0 (an empty info): what tshark and every
     * RFC 3830 peer read. */
    return mk_b_hdr_raw(m, dt, v, prf, csb_id, (uint8_t)n, MIKEY_MAP_SRTP_ID, info);
}

int mk_b_ts(mikey_msg *m, uint8_t ts_type, mikey_span value)
{
    mikey_payload pl;
    init(&pl, MIKEY_PT_T);
    pl.u.ts.ts_type = ts_type;
    pl.u.ts.value = value;
    return app(m, &pl);
}

int mk_b_rand(mikey_msg *m, mikey_span r)
{
    mikey_payload pl;
    init(&pl, MIKEY_PT_RAND);
    pl.u.rand.data = r;
    return app(m, &pl);
}

uint8_t mk_id_type_for(const char *id)
{
    /* A URI has a scheme ("sip:", "tel:", "rtsp:"...); anything else is
     * taken as an NAI (RFC 3830 Table 6.7.a). */
    const char *c = strchr(id, ':');
    const char *at = strchr(id, '@');
    if (c && (!at || c < at))
        return MIKEY_ID_URI;
    return MIKEY_ID_NAI;
}

int mk_b_id_raw(mikey_msg *m, uint8_t type, mikey_span data)
{
    mikey_payload pl;
    init(&pl, MIKEY_PT_ID);
    pl.u.id.type = type;
    pl.u.id.data = data;
    return app(m, &pl);
}

int mk_b_id(mikey_msg *m, const char *uri)
{
    mikey_span d = {(const uint8_t *)uri, strlen(uri)};
    return mk_b_id_raw(m, mk_id_type_for(uri), d);
}

int mk_b_certs(mikey_msg *m, const mikey_creds *c)
{
    /* RFC 3830 §6.7: "each certificate in the chain should be included in
     * a separate CERT payload", leaf first. */
    for (size_t i = 0; i < c->nchain; i++) {
        mikey_payload pl;
        init(&pl, MIKEY_PT_CERT);
        pl.u.id.type = MIKEY_CERT_X509;
        pl.u.id.data = c->ops->cert_der(c->chain[i]);
        int rc = app(m, &pl);
        if (rc)
            return rc;
    }
    return MIKEY_OK;
}

int mk_b_sp(mikey_msg *m, uint8_t policy_no, const mikey_srtp_params *p)
{
    uint8_t params[128];
    size_t n;
    int rc = mk_srtp_to_params(p, params, sizeof params, &n);
    if (rc)
        return rc;
    mikey_payload pl;
    init(&pl, MIKEY_PT_SP);
    pl.u.sp.policy_no = policy_no;
    pl.u.sp.prot_type = MIKEY_PROT_SRTP;
    pl.u.sp.params.p = params;
    pl.u.sp.params.len = n;
    return app(m, &pl);
}

int mk_b_sps_for_plans(mikey_msg *m, const mk_cs_plan *plans, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = plans[j].policy_no == plans[i].policy_no;
        if (seen)
            continue;
        int rc = mk_b_sp(m, plans[i].policy_no, &plans[i].srtp);
        if (rc)
            return rc;
    }
    return MIKEY_OK;
}

int mk_b_genext(mikey_msg *m, uint8_t type, mikey_span data)
{
    mikey_payload pl;
    init(&pl, MIKEY_PT_GENEXT);
    pl.u.genext.type = type;
    pl.u.genext.data = data;
    return app(m, &pl);
}

static const uint8_t zeros[1024];

int mk_b_kemac(mikey_msg *m, uint8_t encr_alg, mikey_span encr, uint8_t mac_alg)
{
    mikey_payload pl;
    init(&pl, MIKEY_PT_KEMAC);
    pl.u.kemac.encr_alg = encr_alg;
    pl.u.kemac.encr_data = encr;
    pl.u.kemac.mac_alg = mac_alg;
    int ml = mikey_mac_len(mac_alg);
    if (ml < 0)
        return MIKEY_ERR_INVALID_ARG;
    pl.u.kemac.mac.p = zeros;
    pl.u.kemac.mac.len = (size_t)ml;
    return app(m, &pl);
}

int mk_b_v(mikey_msg *m, uint8_t auth_alg)
{
    mikey_payload pl;
    init(&pl, MIKEY_PT_V);
    int ml = mikey_mac_len(auth_alg);
    if (ml < 0)
        return MIKEY_ERR_INVALID_ARG;
    pl.u.v.auth_alg = auth_alg;
    pl.u.v.data.p = zeros;
    pl.u.v.data.len = (size_t)ml;
    return app(m, &pl);
}

int mk_b_dh(mikey_msg *m, uint8_t group, mikey_span value, const mikey_kv *kv)
{
    mikey_payload pl;
    init(&pl, MIKEY_PT_DH);
    pl.u.dh.group = group;
    pl.u.dh.value = value;
    if (kv)
        pl.u.dh.kv = *kv;
    return app(m, &pl);
}

int mk_b_sign(mikey_msg *m, uint8_t s_type, size_t siglen)
{
    if (siglen > sizeof zeros)
        return MIKEY_ERR_INVALID_ARG;
    mikey_payload pl;
    init(&pl, MIKEY_PT_SIGN);
    pl.u.sign.s_type = s_type;
    pl.u.sign.sig.p = zeros;
    pl.u.sign.sig.len = siglen;
    return app(m, &pl);
}

int mk_b_pke(mikey_msg *m, uint8_t c, mikey_span data)
{
    mikey_payload pl;
    init(&pl, MIKEY_PT_PKE);
    pl.u.pke.c = c;
    pl.u.pke.data = data;
    return app(m, &pl);
}

int mk_b_encode(mikey_msg *m, uint8_t *out, size_t cap, size_t *outlen)
{
    return mikey_msg_encode(m, out, cap, outlen);
}

int mk_now(const mikey_env *env, uint64_t *now)
{
    if (!env || !env->now)
        return MIKEY_ERR_CALLBACK;
    *now = env->now(env->user_data);
    return MIKEY_OK;
}
