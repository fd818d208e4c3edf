/* SPDX-License-Identifier: BSD-2-Clause */
/* SP param 6 (key derivation rate) carries the rate itself, an integer of
 * 1-4 bytes (RFC 3830 Table 6.10.1.a defers to RFC 3711 §4.3.1, where the
 * rate is 0 or 2^n, n <= 24) — the same reading as src/srtp/map.c, so both
 * layers agree (checked against mikey_srtp_policy_from_mikey). */
#include <string.h>

#include "mt.h"
#include "openmikey/openmikey.h"
#include "session/session_int.h"

static void sp_from(const unsigned char *params, size_t len, mikey_sp *sp)
{
    sp->policy_no = 0;
    sp->prot_type = MIKEY_PROT_SRTP;
    sp->params.p = params;
    sp->params.len = len;
}

static void test_kdr_wire_forms(void)
{
    /* type 6, length 4, 0x00010000 = 2^16; and type 6, length 1, 0x80 = 2^7 */
    static const unsigned char four[] = {0x06, 0x04, 0x00, 0x01, 0x00, 0x00};
    static const unsigned char one[] = {0x06, 0x01, 0x80};
    static const unsigned char five[] = {0x06, 0x05, 0, 0, 1, 0, 0};
    mikey_sp sp;
    mikey_srtp_params p;
    sp_from(four, sizeof four, &sp);
    MT_EQ_INT(mikey_srtp_params_from_sp(&sp, &p), MIKEY_OK);
    MT_EQ_INT(p.kdr, 65536);
    mikey_srtp_policy pol;
    MT_EQ_INT(mikey_srtp_policy_from_mikey(&sp, 0, &pol), MIKEY_OK);
    MT_EQ_INT(pol.kdr, 65536); /* the SRTP layer reads it the same way */
    sp_from(one, sizeof one, &sp);
    MT_EQ_INT(mikey_srtp_params_from_sp(&sp, &p), MIKEY_OK);
    MT_EQ_INT(p.kdr, 128);
    sp_from(five, sizeof five, &sp);
    MT_EQ_INT(mikey_srtp_params_from_sp(&sp, &p), MIKEY_ERR_FIELD);
}

static void test_kdr_encode(void)
{
    mikey_srtp_params p;
    memset(&p, 0, sizeof p);
    p.present = 1u << MIKEY_SP_KDR;
    p.kdr = 1u << 24;
    unsigned char buf[16];
    size_t n;
    MT_EQ_INT(mk_srtp_to_params(&p, buf, sizeof buf, &n), MIKEY_OK);
    static const unsigned char want[] = {0x06, 0x04, 0x01, 0x00, 0x00, 0x00};
    MT_MEMEQ(buf, n, want, sizeof want);
    p.kdr = 0;
    MT_EQ_INT(mk_srtp_to_params(&p, buf, sizeof buf, &n), MIKEY_OK);
    static const unsigned char want0[] = {0x06, 0x01, 0x00};
    MT_MEMEQ(buf, n, want0, sizeof want0);
}

MT_MAIN(test_kdr_wire_forms, test_kdr_encode)
