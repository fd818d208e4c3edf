/* SPDX-License-Identifier: BSD-2-Clause */
/* Cert hash CHASH (RFC 3830 §6.8; RFC 6043 §6.7 adds SHA-256). The hash
 * length is implicit from the hash function. */
#include "wire/wire.h"

int mk_chash_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_chash *c = &pl->u.chash;
    uint8_t np;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) || (rc = mk_rd_u8(d, r, "Hash func", &c->hash_func)))
        return rc;
    int hl = mikey_hash_len(c->hash_func);
    if (hl < 0)
        return mk_fail(d, MIKEY_ERR_UNSUPPORTED, r->p - 1, "Hash func",
                       "unknown Hash func %u: the hash length cannot be known", c->hash_func);
    if ((rc = mk_rd_bytes(d, r, "Hash", (size_t)hl, &c->hash)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_chash_enc_len(const mikey_payload *pl) { return 2 + pl->u.chash.hash.len; }

void mk_chash_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, pl->u.chash.hash_func);
    mk_wr_span(w, pl->u.chash.hash);
}

int mk_chash_check(const mikey_payload *pl)
{
    int hl = mikey_hash_len(pl->u.chash.hash_func);
    return hl >= 0 && pl->u.chash.hash.len == (size_t)hl ? MIKEY_OK : MIKEY_ERR_FIELD;
}
