/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The default environment: the ONLY file under src/ that reads the clock or
 * asks the operating system / OpenSSL for randomness. Everything else gets
 * time and randomness through mikey_env (tests/unit/util/sansio_test.c
 * checks this by scanning the sources).
 */
#include <time.h>

#include <openssl/rand.h>

#include "internal.h"

/* Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
#define NTP_UNIX_OFFSET 2208988800ULL

static uint64_t default_now(void *user_data)
{
    MK_UNUSED(user_data);
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    uint64_t sec = (uint64_t)ts.tv_sec + NTP_UNIX_OFFSET;
    uint64_t frac = ((uint64_t)ts.tv_nsec << 32) / 1000000000ULL;
    return (sec << 32) | (frac & 0xffffffffULL);
}

static int default_rng(uint8_t *out, size_t len, void *user_data)
{
    MK_UNUSED(user_data);
    while (len > 0) {
        int chunk = len > 1u << 20 ? 1 << 20 : (int)len;
        if (RAND_bytes(out, chunk) != 1)
            return -1;
        out += chunk;
        len -= (size_t)chunk;
    }
    return 0;
}

void mikey_env_default(mikey_env *env)
{
    if (!env)
        return;
    memset(env, 0, sizeof *env);
    env->now = default_now;
    env->rng = default_rng;
}
