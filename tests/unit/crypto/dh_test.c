/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Diffie-Hellman in OAKLEY 1, 2, 5 (RFC 3830 §4.2.7): the primes are the
 * RFC constants (tests/vectors/oakley/groups.txt, copied from RFC 2412
 * App. E / RFC 3526 §2), public values and shared secrets match Python
 * big-integer computations (tests/vectors/mikey/dh.txt), the private
 * exponent is taken from env->rng, and invalid peer values (0, 1, p-1, p,
 * > p, wrong order) are refused with MIKEY_ERR_DH_VALUE.
 */
#include "crypto/crypto.h"
#include "mt.h"
#include "vec.h"

static const mk_crypto_ops *ops;

/* An rng that plays back fixed bytes, then fails. */
typedef struct script_rng {
    const uint8_t *p[4];
    size_t len[4];
    int n, next;
} script_rng;

static int script_rng_fn(uint8_t *out, size_t len, void *ud)
{
    script_rng *r = ud;
    if (r->next >= r->n || r->len[r->next] != len)
        return -1;
    memcpy(out, r->p[r->next], len);
    r->next++;
    return 0;
}

static void *null_malloc(size_t n, void *ud)
{
    (void)n;
    (void)ud;
    return NULL;
}

static void env_with(mikey_env *env, script_rng *r)
{
    mikey_env_default(env);
    env->rng = script_rng_fn;
    env->user_data = r;
}

static void test_groups_are_rfc_constants(void)
{
    vec_file f;
    vec_block b;
    int count = 0;
    if (!vec_open(&f, "tests/vectors/oakley/groups.txt"))
        return;
    while (vec_next(&f, &b)) {
        VEC_CTX_BEGIN();
        size_t pl;
        uint8_t *p = vec_hex(&b, "p", &pl);
        unsigned g = (unsigned)vec_num(&b, "mikey_group", 10);
        MT_EQ_INT(mikey_dh_value_len(g), pl);
        uint8_t out[MK_MAX_DH_LEN];
        MT_EQ_INT(ops->dh_prime(g, out), MIKEY_OK);
        MT_MEMEQ(out, pl, p, pl);
        MT_EQ_INT(vec_num(&b, "g", 10), 2);
        VEC_CTX_END("OAKLEY %lu", vec_num(&b, "oakley", 10));
        free(p);
        count++;
    }
    vec_close(&f);
    MT_EQ_INT(count, 3);
    uint8_t out[MK_MAX_DH_LEN];
    MT_EQ_INT(ops->dh_prime(3, out), MIKEY_ERR_UNSUPPORTED);
}

static void test_dh_known_answers(void)
{
    vec_file f;
    vec_block b;
    int kat = 0, bad = 0;
    if (!vec_open(&f, "tests/vectors/mikey/dh.txt"))
        return;
    mk_dh *last[3] = {NULL, NULL, NULL}; /* one key pair per group for the "bad" entries */
    while (vec_next(&f, &b)) {
        VEC_CTX_BEGIN();
        unsigned g = (unsigned)vec_num(&b, "group", 10);
        size_t vl = (size_t)mikey_dh_value_len(g);
        if (strcmp(vec_get(&b, "kind"), "kat") == 0) {
            size_t l1, l2, l3, l4, l5;
            uint8_t *xi = vec_hex(&b, "x_i", &l1), *xr = vec_hex(&b, "x_r", &l2);
            uint8_t *yi = vec_hex(&b, "y_i", &l3), *yr = vec_hex(&b, "y_r", &l4), *z = vec_hex(&b, "z", &l5);
            script_rng ri = {{xi}, {l1}, 1, 0}, rr = {{xr}, {l2}, 1, 0};
            mikey_env ei, er;
            env_with(&ei, &ri);
            env_with(&er, &rr);
            mk_dh *di = NULL, *dr = NULL;
            MT_EQ_INT(ops->dh_generate(&ei, g, &di), MIKEY_OK);
            MT_EQ_INT(ops->dh_generate(&er, g, &dr), MIKEY_OK);
            MT_EQ_INT(ri.next, 1); /* exactly one 32-byte draw */
            if (di && dr) {
                uint8_t pub[MK_MAX_DH_LEN], si[MK_MAX_DH_LEN], sr[MK_MAX_DH_LEN];
                MT_EQ_INT(ops->dh_group(di), g);
                MT_EQ_INT(ops->dh_public(di, pub), MIKEY_OK);
                MT_MEMEQ(pub, vl, yi, l3);
                MT_EQ_INT(ops->dh_public(dr, pub), MIKEY_OK);
                MT_MEMEQ(pub, vl, yr, l4);
                MT_EQ_INT(ops->dh_compute(di, yr, l4, si), MIKEY_OK);
                MT_MEMEQ(si, vl, z, l5);
                /* The responder computes the same secret from y_i. */
                MT_EQ_INT(ops->dh_compute(dr, yi, l3, sr), MIKEY_OK);
                MT_MEMEQ(sr, vl, z, l5);
            }
            unsigned slot = g;
            if (slot < 3) {
                ops->dh_free(last[slot]);
                last[slot] = di;
                di = NULL;
            }
            ops->dh_free(di);
            ops->dh_free(dr);
            free(xi), free(xr), free(yi), free(yr), free(z);
            kat++;
        } else {
            size_t yl;
            uint8_t *y = vec_hex(&b, "y", &yl);
            uint8_t s[MK_MAX_DH_LEN];
            memset(s, 0x33, sizeof s);
            MT_CHECK(g < 3 && last[g] != NULL);
            if (g < 3 && last[g]) {
                MT_EQ_INT(ops->dh_compute(last[g], y, yl, s), MIKEY_ERR_DH_VALUE);
                MT_CHECK(s[0] == 0x33 || s[0] == 0); /* never a secret */
            }
            free(y);
            bad++;
        }
        VEC_CTX_END("dh.txt vector at line %d", b.line);
    }
    vec_close(&f);
    for (int i = 0; i < 3; i++)
        ops->dh_free(last[i]);
    MT_EQ_INT(kat, 6);
    MT_CHECK(bad >= 24);
}

/* The wrong-length peer values and random-env agreement. */
static void test_dh_agreement_and_lengths(void)
{
    mikey_env env;
    mikey_env_default(&env);
    const unsigned groups[3] = {MIKEY_DH_OAKLEY1, MIKEY_DH_OAKLEY2, MIKEY_DH_OAKLEY5};
    for (int i = 0; i < 3; i++) {
        mk_dh *a = NULL, *b = NULL;
        MT_EQ_INT(ops->dh_generate(&env, groups[i], &a), MIKEY_OK);
        MT_EQ_INT(ops->dh_generate(&env, groups[i], &b), MIKEY_OK);
        if (!a || !b) {
            ops->dh_free(a);
            ops->dh_free(b);
            continue;
        }
        size_t vl = (size_t)mikey_dh_value_len(groups[i]);
        uint8_t pa[MK_MAX_DH_LEN + 1], pb[MK_MAX_DH_LEN], sa[MK_MAX_DH_LEN], sb[MK_MAX_DH_LEN];
        MT_EQ_INT(ops->dh_public(a, pa), MIKEY_OK);
        MT_EQ_INT(ops->dh_public(b, pb), MIKEY_OK);
        MT_EQ_INT(ops->dh_compute(a, pb, vl, sa), MIKEY_OK);
        MT_EQ_INT(ops->dh_compute(b, pa, vl, sb), MIKEY_OK);
        MT_MEMEQ(sa, vl, sb, vl);
        MT_CHECK(memcmp(pa, pb, vl) != 0);
        /* A value one byte short or long is not a value of this group. */
        MT_EQ_INT(ops->dh_compute(a, pb + 1, vl - 1, sa), MIKEY_ERR_DH_VALUE);
        memmove(pa + 1, pa, vl);
        pa[0] = 0;
        MT_EQ_INT(ops->dh_compute(b, pa, vl + 1, sb), MIKEY_ERR_DH_VALUE);
        ops->dh_free(a);
        ops->dh_free(b);
    }
}

static void test_dh_rng_and_errors(void)
{
    mk_dh *d = NULL;
    mikey_env env;
    /* A failing rng: MIKEY_ERR_CALLBACK, nothing allocated (LSan). */
    script_rng none = {{NULL}, {0}, 0, 0};
    env_with(&env, &none);
    MT_EQ_INT(ops->dh_generate(&env, MIKEY_DH_OAKLEY5, &d), MIKEY_ERR_CALLBACK);
    MT_CHECK(d == NULL);
    /* x = 0 and x = 1 are redrawn; the third draw is used. */
    static uint8_t zero[32], one[32], five[32];
    one[31] = 1;
    five[31] = 5;
    script_rng r = {{zero, one, five}, {32, 32, 32}, 3, 0};
    env_with(&env, &r);
    MT_EQ_INT(ops->dh_generate(&env, MIKEY_DH_OAKLEY1, &d), MIKEY_OK);
    MT_EQ_INT(r.next, 3);
    if (d) {
        uint8_t pub[96], expect[96] = {0};
        expect[95] = 32; /* 2^5 */
        MT_EQ_INT(ops->dh_public(d, pub), MIKEY_OK);
        MT_MEMEQ(pub, 96, expect, 96);
        ops->dh_free(d);
        d = NULL;
    }
    /* An rng that only ever returns 0: refused after a few draws. */
    script_rng zeros = {{zero, zero, zero, zero}, {32, 32, 32, 32}, 4, 0};
    env_with(&env, &zeros);
    MT_EQ_INT(ops->dh_generate(&env, MIKEY_DH_OAKLEY2, &d), MIKEY_ERR_CALLBACK);
    MT_CHECK(d == NULL);
    mikey_env_default(&env);
    MT_EQ_INT(ops->dh_generate(&env, 3, &d), MIKEY_ERR_UNSUPPORTED);
    MT_EQ_INT(ops->dh_generate(&env, 255, &d), MIKEY_ERR_UNSUPPORTED);
    ops->dh_free(NULL);
    /* Out of memory: NOMEM, nothing leaked, the rng not consulted. */
    script_rng r2 = {{five}, {32}, 1, 0};
    env_with(&env, &r2);
    env.mem.malloc = null_malloc;
    MT_EQ_INT(ops->dh_generate(&env, MIKEY_DH_OAKLEY5, &d), MIKEY_ERR_NOMEM);
    MT_CHECK(d == NULL);
    MT_EQ_INT(r2.next, 0);
}

int main(void)
{
    ops = mk_crypto_ossl();
    static void (*const fns[])(void) = {test_groups_are_rfc_constants, test_dh_known_answers,
                                        test_dh_agreement_and_lengths, test_dh_rng_and_errors};
    return mt_run("test_groups_are_rfc_constants, test_dh_known_answers, test_dh_agreement_and_lengths, "
                  "test_dh_rng_and_errors",
                  fns, MK_ARRAY_LEN(fns));
}
