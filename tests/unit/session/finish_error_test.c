/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 3830 §5.1.2: "all errors SHOULD be reported to the peer(s) by an error
 * message". An initiator whose PSK offer asked for no response (V = 0) is
 * established at once, yet the responder's Error message must still be
 * reported by mikey_finish() (MIKEY_ERR_PEER_ERROR with its code), and
 * nothing else may be fed to it. Uses the default environment: the checks
 * are on outcomes, not bytes. */
#include <string.h>

#include "mt.h"
#include "openmikey/openmikey.h"

static const uint8_t PSK_A[] = "0123456789abcdef0123456789abcdef";
static const uint8_t PSK_B[] = "fedcba9876543210fedcba9876543210";

static void test_error_after_offer_without_v(void)
{
    mikey_creds *ca = NULL, *cb = NULL;
    mikey_policy *pa = NULL, *pb = NULL;
    mikey_ctx *a = NULL, *b = NULL;
    MT_REQUIRE(mikey_creds_new(NULL, &ca) == MIKEY_OK && mikey_creds_new(NULL, &cb) == MIKEY_OK);
    MT_REQUIRE(mikey_policy_new(NULL, &pa) == MIKEY_OK && mikey_policy_new(NULL, &pb) == MIKEY_OK);
    MT_CHECK(mikey_creds_set_identity(ca, "sip:alice@a.example") == MIKEY_OK);
    MT_CHECK(mikey_creds_set_identity(cb, "sip:bob@b.example") == MIKEY_OK);
    MT_CHECK(mikey_creds_add_psk(ca, "sip:bob@b.example", PSK_A, 32) == MIKEY_OK);
    MT_CHECK(mikey_creds_add_psk(cb, "sip:alice@a.example", PSK_B, 32) == MIKEY_OK); /* a different key */
    MT_REQUIRE(mikey_ctx_new(NULL, ca, pa, &a) == MIKEY_OK && mikey_ctx_new(NULL, cb, pb, &b) == MIKEY_OK);

    mikey_stream_desc sd = {0x11223344, 0, 0};
    mikey_offer_opts o;
    memset(&o, 0, sizeof o);
    o.mode = MIKEY_MODE_PSK;
    o.peer_id = "sip:bob@b.example";
    o.streams = &sd;
    o.nstreams = 1;
    uint8_t imsg[2048], emsg[2048];
    size_t il = 0, el = 0;
    MT_EQ_INT(mikey_offer(a, &o, imsg, sizeof imsg, &il), MIKEY_OK);
    MT_EQ_INT(mikey_ctx_state(a), MIKEY_STATE_ESTABLISHED); /* V = 0 */
    MT_EQ_INT(mikey_answer(b, imsg, il, emsg, sizeof emsg, &el), MIKEY_ERR_AUTH);
    MT_REQUIRE(el > 0);
    /* Our own I_MESSAGE is no Error message: refused, nothing recorded. */
    MT_EQ_INT(mikey_finish(a, imsg, il), MIKEY_ERR_STATE);
    MT_EQ_INT(mikey_ctx_peer_error(a), -1);
    MT_EQ_INT(mikey_finish(a, emsg, el), MIKEY_ERR_PEER_ERROR);
    MT_EQ_INT(mikey_ctx_peer_error(a), MIKEY_E_AUTH_FAILURE);
    MT_EQ_INT(mikey_ctx_state(a), MIKEY_STATE_ESTABLISHED);
    /* An Error about another CSB is not ours. */
    emsg[4] ^= 0x01;
    MT_EQ_INT(mikey_finish(a, emsg, el), MIKEY_ERR_STATE);
    mikey_ctx_free(a);
    mikey_ctx_free(b);
    mikey_policy_free(pa);
    mikey_policy_free(pb);
    mikey_creds_free(ca);
    mikey_creds_free(cb);
}

MT_MAIN(test_error_after_offer_without_v)
