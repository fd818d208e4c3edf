/* SPDX-License-Identifier: BSD-2-Clause */
/* Constant-time comparison and secret wiping (CONVENTIONS.md §2.2.9). */
#include <openssl/crypto.h>

#include "internal.h"

int mk_ct_memcmp(const void *a, const void *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0 ? 0 : 1;
}

void mk_wipe(void *p, size_t len)
{
    if (p && len)
        OPENSSL_cleanse(p, len);
}
