/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal definitions shared by every module under src/. Not installed.
 * Internal non-static symbols are prefixed mk_ (public ones mikey_); the
 * linker version script exports only mikey_*.
 */
#ifndef MIKEY_INTERNAL_H
#define MIKEY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "openmikey/common.h"

#define MK_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define MK_MAX(a, b) ((a) > (b) ? (a) : (b))
#define MK_UNUSED(x) ((void)(x))

/* ---- environment helpers (src/util/env.c) ---- */

/* Fill *dst from src, or from the defaults when src is NULL, then complete
 * any NULL allocator member with libc's. */
void mk_env_init(mikey_env *dst, const mikey_env *src);
void *mk_malloc(const mikey_env *env, size_t n);
void *mk_calloc(const mikey_env *env, size_t nmemb, size_t size);
void *mk_realloc(const mikey_env *env, void *p, size_t n);
void mk_free(const mikey_env *env, void *p);
/* Random bytes via env->rng; MIKEY_ERR_CALLBACK if it fails. */
int mk_random(const mikey_env *env, uint8_t *out, size_t len);
/* Log through env->log (printf-style); no-op when log is NULL. */
void mk_log(const mikey_env *env, int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---- constant-time helpers and secret wiping (src/util/ct.c) ---- */

/* 0 when equal; constant time in len. */
int mk_ct_memcmp(const void *a, const void *b, size_t len);
/* Wipe memory that held a secret; never optimised away. */
void mk_wipe(void *p, size_t len);

/* ---- big-endian load/store ---- */
static inline uint16_t mk_be16(const uint8_t *p) { return (uint16_t)((unsigned)p[0] << 8 | p[1]); }
static inline uint32_t mk_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t mk_be64(const uint8_t *p) { return (uint64_t)mk_be32(p) << 32 | mk_be32(p + 4); }
static inline void mk_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void mk_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static inline void mk_put64(uint8_t *p, uint64_t v)
{
    mk_put32(p, (uint32_t)(v >> 32));
    mk_put32(p + 4, (uint32_t)v);
}

#endif /* MIKEY_INTERNAL_H */
