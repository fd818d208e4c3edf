/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * prf_print PRF INKEY_HEX LABEL_HEX OUTLEN: print mk_prf()'s output in
 * lower-case hex, for tests/scripts/prf_openssl_oracle.sh, which compares
 * it with OpenSSL's TLS1-PRF (MIKEY-1's P-function is TLS's P_SHA1).
 * PRF is 0 (MIKEY-1) or 1 (PRF-HMAC-SHA-256).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = strlen(s);
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    *len = n / 2;
    return 0;
}

int main(int argc, char **argv)
{
    static uint8_t inkey[4096], label[1024], out[4096];
    size_t kl, ll;
    if (argc != 5 || unhex(argv[2], inkey, sizeof inkey, &kl) || unhex(argv[3], label, sizeof label, &ll)) {
        fprintf(stderr, "usage: prf_print PRF INKEY_HEX LABEL_HEX OUTLEN\n");
        return 2;
    }
    size_t ol = (size_t)strtoul(argv[4], NULL, 10);
    if (ol > sizeof out)
        return 2;
    int rc = mk_prf(mk_crypto_ossl(), (unsigned)strtoul(argv[1], NULL, 10), inkey, kl, label, ll, out, ol);
    if (rc != MIKEY_OK) {
        fprintf(stderr, "prf_print: %s\n", mikey_err_name(rc));
        return 1;
    }
    for (size_t i = 0; i < ol; i++)
        printf("%02x", out[i]);
    printf("\n");
    return 0;
}
