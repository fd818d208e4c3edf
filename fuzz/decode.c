/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the MIKEY message decoder (and the nested-chain decoder), under a
 * deterministic env with an allocator that fails on demand. Every accepted
 * message must re-encode to the same bytes (the lossless property). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_env.h"
#include "openmikey/message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mikey_env env;
    /* Fail one allocation for some inputs, chosen from the input itself. */
    unsigned fail_at = size > 0 && (data[size - 1] & 0xe0) == 0xe0 ? (data[size - 1] & 0x07) + 1u : 0;
    fuzz_env_init(&env, 1, fail_at);
    mikey_msg *m = NULL;
    mikey_parse_error perr;
    int rc = mikey_msg_parse(&env, data, size, NULL, &m, &perr);
    if (rc == MIKEY_OK) {
        size_t need = mikey_msg_encoded_len(m), outlen = 0;
        uint8_t *out = malloc(need ? need : 1);
        if (mikey_msg_encode(m, out, need, &outlen) != MIKEY_OK || outlen != size || memcmp(out, data, size) != 0)
            abort(); /* decode -> encode must be byte-identical */
        /* Rebuild payload by payload: the builder must accept what the parser did. */
        mikey_msg *b = NULL;
        if (mikey_msg_new(&env, 0, &b) == MIKEY_OK) {
            int ok = 1;
            for (size_t i = 0; i < mikey_msg_count(m) && ok; i++) {
                int arc = mikey_msg_append(b, mikey_msg_at(m, i));
                if (arc == MIKEY_ERR_NOMEM)
                    ok = 0;
                else if (arc != MIKEY_OK)
                    abort();
            }
            if (ok) {
                if (mikey_msg_encode(b, out, need, &outlen) != MIKEY_OK || outlen != size ||
                    memcmp(out, data, size) != 0)
                    abort();
            }
            mikey_msg_free(b);
        }
        free(out);
        /* Walk the nested KEMAC key data when it is in the clear. */
        const mikey_payload *k = mikey_msg_find(m, MIKEY_PT_KEMAC, 0);
        if (k && k->u.kemac.encr_alg == MIKEY_ENCR_NULL) {
            mikey_msg *c = NULL;
            if (mikey_chain_parse(&env, MIKEY_PT_KEYDATA, k->u.kemac.encr_data.p, k->u.kemac.encr_data.len, NULL,
                                  &c, NULL) == MIKEY_OK)
                mikey_msg_free(c);
        }
        mikey_msg_free(m);
    } else if (m != NULL) {
        abort(); /* on failure nothing is returned */
    }
    return 0;
}
