/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file common.h
 * @brief openmikey: export macro, error codes, memory/environment hooks, spans.
 *
 * Every public symbol is prefixed `mikey_` / `MIKEY_`. The library never
 * aborts on input and never prints: functions return an ::mikey_err and, where
 * RFC 3830 defines one, the Error payload to send back (see session.h).
 */
#ifndef OPENMIKEY_COMMON_H
#define OPENMIKEY_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MIKEY_BUILDING_LIBRARY) && defined(__GNUC__)
#define MIKEY_EXPORT __attribute__((visibility("default")))
#else
#define MIKEY_EXPORT
#endif

#if defined(__GNUC__)
#define MIKEY_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define MIKEY_WARN_UNUSED
#endif

/**
 * Error codes. 0 is success; failures are negative and grouped in ranges:
 * -1xx API/buffer, -2xx wire/parse, -3xx authentication/crypto,
 * -4xx policy/negotiation, -9xx fatal.
 *
 * These are *not* the RFC 3830 §6.12 Error payload numbers (which start at
 * 0 = "Auth failure"); see mikey_err_to_rfc3830().
 */
typedef enum mikey_err {
    MIKEY_OK = 0,

    /* -1xx: API usage and buffers */
    MIKEY_ERR_INVALID_ARG = -101, /**< a NULL pointer, a bad enum value, a length out of range */
    MIKEY_ERR_NOBUF = -102,       /**< output buffer too small; the needed size is reported */
    MIKEY_ERR_NOT_FOUND = -103,   /**< no such payload / item / credential */
    MIKEY_ERR_STATE = -104,       /**< call not valid in the object's current state */
    MIKEY_ERR_IO = -105,          /**< a file or stream could not be read or written (tools) */

    /* -2xx: wire format */
    MIKEY_ERR_TRUNCATED = -201,     /**< input ends inside a field */
    MIKEY_ERR_LENGTH = -202,        /**< a length field disagrees with the data around it */
    MIKEY_ERR_TRAILING = -203,      /**< bytes left after the last payload */
    MIKEY_ERR_UNKNOWN_PAYLOAD = -204, /**< Next payload names a type we do not know */
    MIKEY_ERR_UNSUPPORTED = -205,   /**< a value whose encoding is unknown (e.g. DH group, TS type) */
    MIKEY_ERR_VERSION = -206,       /**< HDR version is not 1 */
    MIKEY_ERR_LIMIT = -207,         /**< a size or count exceeds the limits table */
    MIKEY_ERR_SYNTAX = -208,        /**< payload order/structure is wrong (e.g. no HDR, SIGN not last) */
    MIKEY_ERR_ENCODING = -209,      /**< bad base64 / hex / JSON / SDP text */
    MIKEY_ERR_FIELD = -210,         /**< a field holds a value its payload forbids */

    /* -3xx: authentication and crypto */
    MIKEY_ERR_AUTH = -301,        /**< MAC or signature does not verify */
    MIKEY_ERR_DECRYPT = -302,     /**< decryption failed (e.g. AES key wrap integrity) */
    MIKEY_ERR_REPLAY = -303,      /**< message already seen (RFC 3830 §5.4) */
    MIKEY_ERR_TIMESTAMP = -304,   /**< timestamp outside the allowed window */
    MIKEY_ERR_CERT = -305,        /**< certificate invalid, untrusted or expired */
    MIKEY_ERR_IDENTITY = -306,    /**< identity unknown or not bound to the credential */
    MIKEY_ERR_DH_VALUE = -307,    /**< invalid Diffie-Hellman public value */
    MIKEY_ERR_CRYPTO = -308,      /**< the crypto backend failed */

    /* -4xx: policy and negotiation */
    MIKEY_ERR_POLICY = -401,      /**< security policy not acceptable */
    MIKEY_ERR_UNSUPPORTED_MODE = -402, /**< data type / key-agreement mode not supported */
    MIKEY_ERR_ALGORITHM = -403,   /**< algorithm not supported or not allowed (downgrade) */
    MIKEY_ERR_PEER_ERROR = -404,  /**< the peer sent a MIKEY Error message */
    MIKEY_ERR_NEGOTIATION = -405, /**< no common method / suite */

    /* -9xx: fatal */
    MIKEY_ERR_NOMEM = -901,
    MIKEY_ERR_INTERNAL = -902,
    MIKEY_ERR_CALLBACK = -903 /**< an environment callback (rng, clock) failed */
} mikey_err;

/** A short English description of @p err; never NULL. */
MIKEY_EXPORT const char *mikey_strerror(int err);
/** The symbolic name of @p err ("MIKEY_ERR_TRUNCATED"); never NULL. */
MIKEY_EXPORT const char *mikey_err_name(int err);
/** Non-zero when @p err leaves the object unusable (the -9xx range). */
MIKEY_EXPORT int mikey_err_is_fatal(int err);

/** A read-only view of bytes. Lifetime is documented by whoever returns it. */
typedef struct mikey_span {
    const uint8_t *p;
    size_t len;
} mikey_span;

/**
 * Allocator. All heap use inside the library goes through these, which makes
 * failing-allocation tests possible. Any member may be NULL to use libc's.
 */
typedef struct mikey_mem {
    void *(*malloc)(size_t size, void *user_data);
    void *(*realloc)(void *ptr, size_t size, void *user_data);
    void (*free)(void *ptr, void *user_data);
    void *user_data;
} mikey_mem;

/** Log levels passed to mikey_env::log. */
enum mikey_log_level { MIKEY_LOG_ERROR = 0, MIKEY_LOG_WARN = 1, MIKEY_LOG_INFO = 2, MIKEY_LOG_DEBUG = 3 };

/**
 * The environment: the only way the library reaches time, randomness,
 * memory and logging. Nothing under src/ reads the clock or an RNG directly
 * (sans-I/O core; fixed clocks and seeded RNGs make every exchange
 * reproducible in tests).
 *
 * - @c now returns the current time as a 64-bit NTP timestamp (seconds since
 *   1900-01-01 UTC in the upper 32 bits, fraction in the lower 32).
 * - @c rng fills @p out with @p len random bytes; returns 0 on success.
 * - @c log may be NULL (no logging).
 */
typedef struct mikey_env {
    mikey_mem mem;
    uint64_t (*now)(void *user_data);
    int (*rng)(uint8_t *out, size_t len, void *user_data);
    void (*log)(int level, const char *msg, void *user_data);
    void *user_data;
} mikey_env;

/**
 * Fill @p env with the defaults: libc allocator, the real-time clock, the
 * OpenSSL DRBG (RAND_bytes) and no logging.
 */
MIKEY_EXPORT void mikey_env_default(mikey_env *env);

/** Library version string, e.g. "0.1.0". */
MIKEY_EXPORT const char *mikey_version(void);
/** Library version as 0x00MMmmpp. */
MIKEY_EXPORT unsigned long mikey_version_num(void);

#ifdef __cplusplus
}
#endif
#endif /* OPENMIKEY_COMMON_H */
