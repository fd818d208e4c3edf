/* SPDX-License-Identifier: BSD-2-Clause */
#include "fuzz_env.h"

#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;
static unsigned alloc_count, alloc_fail_at;

static uint64_t fixed_now(void *ud)
{
    (void)ud;
    return (uint64_t)3976214400u << 32; /* 2026-01-01T00:00:00Z as NTP seconds */
}

static int xorshift_rng(uint8_t *out, size_t len, void *ud)
{
    (void)ud;
    for (size_t i = 0; i < len; i++) {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        out[i] = (uint8_t)rng_state;
    }
    return 0;
}

static void *f_malloc(size_t n, void *ud)
{
    (void)ud;
    if (alloc_fail_at && ++alloc_count == alloc_fail_at)
        return NULL;
    return malloc(n);
}

static void *f_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    if (alloc_fail_at && ++alloc_count == alloc_fail_at)
        return NULL;
    return realloc(p, n);
}

static void f_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

void fuzz_env_init(mikey_env *env, uint64_t seed, unsigned fail_at)
{
    memset(env, 0, sizeof *env);
    rng_state = seed ? seed : 0x9e3779b97f4a7c15ull;
    alloc_count = 0;
    alloc_fail_at = fail_at;
    env->mem.malloc = f_malloc;
    env->mem.realloc = f_realloc;
    env->mem.free = f_free;
    env->now = fixed_now;
    env->rng = xorshift_rng;
}
