/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cert_check: drives the crypto ops' X.509 functions for
 * tests/scripts/crypto_certs.sh, which creates the certificates with the
 * `openssl` command line. One check per run:
 *
 *   cert_check --leaf F [--chain F]... [--trust F]... [--time UNIX]
 *              [--identity URI] [--key F] [--other-key F] --expect RESULT
 *
 * Files ending in .der are read as DER, others as PEM. RESULT is OK, CERT,
 * IDENTITY or ENCODING (the error of cert_from_*). --key: also check that
 * the key matches the leaf and that a signature made with it verifies with
 * the leaf's public key; --other-key: check that this key does NOT match.
 * Exit 0 when the result is the expected one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"

#define MAXN 8

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cert_check: cannot open %s\n", path);
        exit(2);
    }
    size_t cap = 1 << 16;
    uint8_t *b = malloc(cap);
    *len = fread(b, 1, cap, f);
    fclose(f);
    return b;
}

static int load_cert(const mk_crypto_ops *ops, const char *path, mk_cert **out)
{
    size_t n;
    uint8_t *b = slurp(path, &n);
    size_t pl = strlen(path);
    int rc = pl > 4 && strcmp(path + pl - 4, ".der") == 0 ? ops->cert_from_der(NULL, b, n, out)
                                                          : ops->cert_from_pem(NULL, b, n, out);
    free(b);
    return rc;
}

static const char *result_name(int rc)
{
    switch (rc) {
    case MIKEY_OK: return "OK";
    case MIKEY_ERR_CERT: return "CERT";
    case MIKEY_ERR_IDENTITY: return "IDENTITY";
    case MIKEY_ERR_ENCODING: return "ENCODING";
    default: return mikey_err_name(rc);
    }
}

int main(int argc, char **argv)
{
    const mk_crypto_ops *ops = mk_crypto_ossl();
    const char *leaf = NULL, *chain[MAXN], *trust[MAXN], *identity = NULL, *expect = NULL, *key = NULL,
               *other_key = NULL;
    size_t nchain = 0, ntrust = 0;
    long long unix_time = (long long)time(NULL);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "cert_check: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--leaf"))
            leaf = v;
        else if (!strcmp(a, "--chain") && nchain < MAXN)
            chain[nchain++] = v;
        else if (!strcmp(a, "--trust") && ntrust < MAXN)
            trust[ntrust++] = v;
        else if (!strcmp(a, "--time"))
            unix_time = strtoll(v, NULL, 10);
        else if (!strcmp(a, "--identity"))
            identity = v;
        else if (!strcmp(a, "--expect"))
            expect = v;
        else if (!strcmp(a, "--key"))
            key = v;
        else if (!strcmp(a, "--other-key"))
            other_key = v;
        else {
            fprintf(stderr, "cert_check: unknown option %s\n", a);
            return 2;
        }
    }
    if (!leaf || !expect) {
        fprintf(stderr, "cert_check: --leaf and --expect are required\n");
        return 2;
    }

    int rc, ok = 1;
    mk_cert *lc = NULL, *cc[MAXN] = {0}, *tc[MAXN] = {0};
    mk_trust *t = NULL;
    rc = load_cert(ops, leaf, &lc);
    for (size_t i = 0; rc == MIKEY_OK && i < nchain; i++)
        rc = load_cert(ops, chain[i], &cc[i]);
    if (rc == MIKEY_OK)
        rc = ops->trust_new(NULL, &t);
    for (size_t i = 0; rc == MIKEY_OK && i < ntrust; i++) {
        rc = load_cert(ops, trust[i], &tc[i]);
        if (rc == MIKEY_OK)
            rc = ops->trust_add(t, tc[i]);
    }
    if (rc == MIKEY_OK) {
        /* The DER view is the certificate's encoding: re-parse it. */
        mikey_span der = ops->cert_der(lc);
        mk_cert *again = NULL;
        if (ops->cert_from_der(NULL, der.p, der.len, &again) != MIKEY_OK || der.len < 100) {
            fprintf(stderr, "cert_check: DER view does not re-parse\n");
            ok = 0;
        }
        ops->cert_free(again);
        uint64_t ntp = (uint64_t)(unix_time + 2208988800LL) << 32;
        rc = ops->cert_verify(t, lc, (const mk_cert *const *)cc, nchain, ntp, identity);
    }
    printf("cert_check %s%s%s: %s (expected %s)\n", leaf, identity ? " as " : "", identity ? identity : "",
           result_name(rc), expect);
    if (strcmp(result_name(rc), expect) != 0)
        ok = 0;

    if (key && lc) {
        size_t n;
        uint8_t *b = slurp(key, &n);
        mk_pkey *k = NULL, *pk = NULL;
        if (ops->pkey_from_pem(NULL, b, n, 1, &k) != MIKEY_OK || ops->cert_pubkey(NULL, lc, &pk) != MIKEY_OK) {
            fprintf(stderr, "cert_check: cannot load %s or the leaf's public key\n", key);
            ok = 0;
        } else {
            if (!ops->cert_matches_key(lc, k)) {
                fprintf(stderr, "cert_check: key does not match the leaf\n");
                ok = 0;
            }
            uint8_t sig[MK_MAX_SIG_LEN];
            size_t sl = 0;
            mikey_span part = {(const uint8_t *)"signed by the leaf key", 22};
            if (ops->sign(NULL, k, MIKEY_SIGN_RSA_PKCS1, MIKEY_HASH_SHA256, &part, 1, sig, sizeof sig, &sl) !=
                    MIKEY_OK ||
                ops->verify(pk, MIKEY_SIGN_RSA_PKCS1, MIKEY_HASH_SHA256, &part, 1, sig, sl) != MIKEY_OK) {
                fprintf(stderr, "cert_check: sign with key / verify with leaf public key failed\n");
                ok = 0;
            }
        }
        ops->pkey_free(k);
        ops->pkey_free(pk);
        free(b);
    }
    if (other_key && lc) {
        size_t n;
        uint8_t *b = slurp(other_key, &n);
        mk_pkey *k = NULL;
        if (ops->pkey_from_pem(NULL, b, n, 1, &k) != MIKEY_OK || ops->cert_matches_key(lc, k)) {
            fprintf(stderr, "cert_check: %s should load and not match the leaf\n", other_key);
            ok = 0;
        }
        ops->pkey_free(k);
        free(b);
    }

    ops->cert_free(lc);
    for (size_t i = 0; i < MAXN; i++) {
        ops->cert_free(cc[i]);
        ops->cert_free(tc[i]);
    }
    ops->trust_free(t);
    return ok ? 0 : 1;
}
