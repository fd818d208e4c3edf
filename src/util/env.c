/* SPDX-License-Identifier: BSD-2-Clause */
/* Environment plumbing: every allocation, random byte and log line of the
 * library goes through a mikey_env (DESIGN.md "Sans-I/O core"). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

void mk_env_init(mikey_env *dst, const mikey_env *src)
{
    if (src)
        *dst = *src;
    else
        mikey_env_default(dst);
}

void *mk_malloc(const mikey_env *env, size_t n)
{
    if (n == 0)
        n = 1;
    if (env && env->mem.malloc)
        return env->mem.malloc(n, env->mem.user_data);
    return malloc(n);
}

void *mk_calloc(const mikey_env *env, size_t nmemb, size_t size)
{
    if (size && nmemb > SIZE_MAX / size)
        return NULL;
    size_t n = nmemb * size;
    void *p = mk_malloc(env, n);
    if (p && n)
        memset(p, 0, n);
    return p;
}

void *mk_realloc(const mikey_env *env, void *p, size_t n)
{
    if (n == 0)
        n = 1;
    if (env && env->mem.realloc)
        return env->mem.realloc(p, n, env->mem.user_data);
    if (env && env->mem.malloc) /* malloc given without realloc: not allowed to mix with libc */
        return NULL;
    return realloc(p, n);
}

void mk_free(const mikey_env *env, void *p)
{
    if (!p)
        return;
    if (env && env->mem.free)
        env->mem.free(p, env->mem.user_data);
    else
        free(p);
}

int mk_random(const mikey_env *env, uint8_t *out, size_t len)
{
    if (!env || !env->rng)
        return MIKEY_ERR_CALLBACK;
    if (len == 0)
        return MIKEY_OK;
    return env->rng(out, len, env->user_data) == 0 ? MIKEY_OK : MIKEY_ERR_CALLBACK;
}

void mk_log(const mikey_env *env, int level, const char *fmt, ...)
{
    if (!env || !env->log)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    env->log(level, buf, env->user_data);
}
