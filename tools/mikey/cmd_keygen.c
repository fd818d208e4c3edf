/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mikey keygen: credentials for the key agreement commands.
 *
 *   mikey keygen psk  [--bytes N] [OUT|-]       a random pre-shared key, hex
 *   mikey keygen ca   --key F --cert F ...       a small test CA
 *   mikey keygen cert --uri URI --key F --cert F [--ca-cert F --ca-key F]
 *                                                an RSA key and a certificate
 *                                                naming URI in subjectAltName
 *
 * The tools may use OpenSSL directly (only the library is restricted to
 * src/crypto/ossl_*.c). Keys and PSKs are written with mode 0600.
 * RFC 3830 §4.2.6 / RFC 4738: the identity a certificate is bound to is the
 * URI in its subjectAltName (RFC 5280 §4.2.1.6), which the session layer
 * compares with the ID payload.
 */
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "codec.h"
#include "input.h"
#include "mikey.h"
#include "secret.h"

const char mkt_keygen_help[] =
    "Usage: mikey keygen psk [--bytes N] [--force] [OUT|-]\n"
    "       mikey keygen ca --key FILE --cert FILE [--cn NAME] [--days N]\n"
    "                    [--bits N] [--force]\n"
    "       mikey keygen cert --uri URI --key FILE --cert FILE\n"
    "                    [--ca-cert FILE --ca-key FILE] [--cn NAME] [--days N]\n"
    "                    [--bits N] [--force]\n"
    "\n"
    "Make the credentials 'mikey offer' and 'mikey answer' use.\n"
    "\n"
    "  psk    N random bytes (default 32) from OpenSSL's DRBG, as one line of hex,\n"
    "         to OUT (mode 0600) or standard output. Use it with --psk-file.\n"
    "  ca     a self-signed CA certificate and its RSA key: a small test CA\n"
    "         (basicConstraints CA:TRUE, keyCertSign). Give its certificate to\n"
    "         --trust.\n"
    "  cert   an RSA key and an X.509v3 certificate whose subjectAltName is URI\n"
    "         (the MIKEY identity, e.g. sip:alice@a.example), signed by the CA\n"
    "         given with --ca-cert/--ca-key, or self-signed without them (a\n"
    "         self-signed certificate is trusted only where it is given to --trust).\n"
    "\n"
    "Options:\n"
    "      --bytes N      PSK length in bytes, 16 to 256 (default 32)\n"
    "      --key FILE     where to write the private key (PEM, PKCS#8, mode 0600)\n"
    "      --cert FILE    where to write the certificate (PEM)\n"
    "      --uri URI      the identity for subjectAltName (cert)\n"
    "      --cn NAME      subject common name (default: the URI, or\n"
    "                     \"openmikey test CA\")\n"
    "      --days N       validity in days from one hour ago (default 365; CA 3650)\n"
    "      --bits N       RSA modulus size, 1024 to 8192 (default 2048)\n"
    "      --ca-cert FILE, --ca-key FILE   the issuing CA (cert)\n"
    "      --force        overwrite existing files\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 success, 1 failure (an unreadable CA, a file that exists,\n"
    "a write error), 2 usage error.\n"
    "\n"
    "Example (a CA and two users):\n"
    "  mikey keygen ca --key ca.key --cert ca.pem\n"
    "  mikey keygen cert --uri sip:alice@a.example --key alice.key --cert alice.pem \\\n"
    "                    --ca-cert ca.pem --ca-key ca.key\n"
    "  mikey keygen psk alice-bob.psk\n";

static const char *CMD = "keygen";

/* ---------------------------------------------------------------------- */

static int ossl_fail(const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    mkt_err(CMD, "%s: %s", what, e ? buf : "OpenSSL failed");
    ERR_clear_error();
    return -1;
}

static int check_new(const char *path, int force)
{
    if (!force && mkt_file_exists(path)) {
        mkt_err(CMD, "%s exists (use --force to overwrite it)", path);
        return -1;
    }
    return 0;
}

/* Write a memory BIO's contents to path. */
static int bio_to_file(BIO *b, const char *path, int secret)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    char err[512];
    if (n <= 0 || mkt_write_file(path, (const uint8_t *)p, (size_t)n, secret, err, sizeof err)) {
        mkt_err(CMD, "%s", n <= 0 ? "nothing to write" : err);
        return -1;
    }
    return 0;
}

static int write_key(EVP_PKEY *k, const char *path)
{
    BIO *b = BIO_new(BIO_s_secmem());
    if (!b)
        b = BIO_new(BIO_s_mem());
    int rc = -1;
    if (!b || !PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL))
        ossl_fail("writing the private key");
    else
        rc = bio_to_file(b, path, 1);
    BIO_free(b); /* a secure-heap BIO is cleared on free */
    return rc;
}

static int write_cert(X509 *x, const char *path)
{
    BIO *b = BIO_new(BIO_s_mem());
    int rc = -1;
    if (!b || !PEM_write_bio_X509(b, x))
        ossl_fail("writing the certificate");
    else
        rc = bio_to_file(b, path, 0);
    BIO_free(b);
    return rc;
}

static EVP_PKEY *read_key(const char *path)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[512];
    if (mkt_read_input(path, 1u << 20, &buf, &len, err, sizeof err)) {
        mkt_err(CMD, "%s", err);
        return NULL;
    }
    BIO *b = BIO_new_mem_buf(buf, (int)len);
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    mkt_free_secret(buf, len);
    if (!k) {
        ERR_clear_error();
        mkt_err(CMD, "%s: not a PEM private key (an encrypted key is not supported)", path);
    }
    return k;
}

static X509 *read_cert(const char *path)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[512];
    if (mkt_read_input(path, 1u << 20, &buf, &len, err, sizeof err)) {
        mkt_err(CMD, "%s", err);
        return NULL;
    }
    BIO *b = BIO_new_mem_buf(buf, (int)len);
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    free(buf);
    if (!x) {
        ERR_clear_error();
        mkt_err(CMD, "%s: not a PEM certificate", path);
    }
    return x;
}

static int add_ext(X509 *x, X509V3_CTX *v3, int nid, const char *value)
{
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, v3, nid, value);
    if (!e)
        return ossl_fail("a certificate extension");
    int ok = X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    return ok ? 0 : ossl_fail("a certificate extension");
}

/*
 * A certificate for @p key: self-signed when @p ca is NULL, else issued by
 * @p ca / @p ca_key. RFC 5280: v3, a random positive 159-bit serial,
 * subject/authority key identifiers, SAN URI for a user.
 */
static X509 *make_cert(EVP_PKEY *key, const char *cn, const char *uri, int is_ca, long days, X509 *ca,
                       EVP_PKEY *ca_key)
{
    X509 *x = X509_new();
    BIGNUM *sn = BN_new();
    int ok = x && sn;
    /* RFC 5280 §4.1.2.2: positive, at most 20 bytes. */
    ok = ok && BN_rand(sn, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) && BN_to_ASN1_INTEGER(sn, X509_get_serialNumber(x));
    ok = ok && X509_set_version(x, 2);
    /* Valid from an hour ago: a peer's clock a little behind still accepts it. */
    ok = ok && X509_gmtime_adj(X509_getm_notBefore(x), -3600) && X509_gmtime_adj(X509_getm_notAfter(x), days * 86400L);
    ok = ok && X509_set_pubkey(x, key);
    ok = ok && X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
                                          -1, 0);
    ok = ok && X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : X509_get_subject_name(x));
    BN_free(sn);
    if (!ok) {
        ossl_fail("building the certificate");
        X509_free(x);
        return NULL;
    }
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, ca ? ca : x, x, NULL, NULL, 0);
    char san[1100];
    if (add_ext(x, &v3, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE") ||
        add_ext(x, &v3, NID_key_usage,
                is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment") ||
        add_ext(x, &v3, NID_subject_key_identifier, "hash") ||
        (ca && add_ext(x, &v3, NID_authority_key_identifier, "keyid:always"))) {
        X509_free(x);
        return NULL;
    }
    if (uri) {
        snprintf(san, sizeof san, "URI:%s", uri);
        if (add_ext(x, &v3, NID_subject_alt_name, san)) {
            X509_free(x);
            return NULL;
        }
    }
    if (X509_sign(x, ca_key ? ca_key : key, EVP_sha256()) <= 0) {
        ossl_fail("signing the certificate");
        X509_free(x);
        return NULL;
    }
    return x;
}

static char *bio_strdup(BIO *b)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    char *s = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (s) {
        memcpy(s, p, (size_t)n);
        s[n] = '\0';
    }
    return s;
}

int mkt_keygen_pem(unsigned bits, const char *cn, const char *uri, int is_ca, const char *ca_key_pem,
                   const char *ca_cert_pem, char **key_pem, char **cert_pem)
{
    X509 *ca = NULL, *x = NULL;
    EVP_PKEY *cak = NULL, *k = NULL;
    BIO *b = NULL, *kb = NULL, *cb = NULL;
    int rc = -1;
    *key_pem = *cert_pem = NULL;
    if (ca_key_pem && ca_cert_pem) {
        if (!(b = BIO_new_mem_buf(ca_cert_pem, -1)) || !(ca = PEM_read_bio_X509(b, NULL, NULL, NULL)))
            goto done;
        BIO_free(b);
        if (!(b = BIO_new_mem_buf(ca_key_pem, -1)) || !(cak = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)))
            goto done;
    }
    if (!(k = EVP_RSA_gen(bits)) || !(x = make_cert(k, cn, uri, is_ca, 365, ca, cak)))
        goto done;
    if (!(kb = BIO_new(BIO_s_mem())) || !(cb = BIO_new(BIO_s_mem())) ||
        !PEM_write_bio_PrivateKey(kb, k, NULL, NULL, 0, NULL, NULL) || !PEM_write_bio_X509(cb, x))
        goto done;
    *key_pem = bio_strdup(kb);
    *cert_pem = bio_strdup(cb);
    rc = *key_pem && *cert_pem ? 0 : -1;
done:
    if (rc) {
        ERR_clear_error();
        free(*key_pem);
        free(*cert_pem);
        *key_pem = *cert_pem = NULL;
    }
    BIO_free(b);
    BIO_free(kb);
    BIO_free(cb);
    X509_free(ca);
    X509_free(x);
    EVP_PKEY_free(cak);
    EVP_PKEY_free(k);
    return rc;
}

static int keygen_psk(size_t bytes, const char *out, int force)
{
    uint8_t key[256];
    char hex[2 * sizeof key + 2];
    int to_stdout = !out || !strcmp(out, "-");
    if (!to_stdout && check_new(out, force))
        return MKT_EXIT_FAIL;
    if (RAND_priv_bytes(key, (int)bytes) != 1) {
        ossl_fail("random bytes");
        return MKT_EXIT_FAIL;
    }
    mkt_hex_encode(key, bytes, hex);
    mkt_wipe(key, sizeof key);
    strcat(hex, "\n");
    int rc = 0;
    if (to_stdout) {
        rc = fputs(hex, stdout) < 0 || fflush(stdout) != 0;
        if (rc)
            mkt_err(CMD, "writing to standard output failed");
    } else {
        char err[512];
        rc = mkt_write_file(out, (const uint8_t *)hex, strlen(hex), 1, err, sizeof err);
        if (rc)
            mkt_err(CMD, "%s", err);
    }
    mkt_wipe(hex, sizeof hex);
    return rc ? MKT_EXIT_FAIL : MKT_EXIT_OK;
}

/* A SIP/SIPS/tel URI or any "scheme:rest" without blanks or commas (the
 * SAN syntax of X509V3_EXT_conf would split at a comma). */
static int uri_ok(const char *u)
{
    const char *c = strchr(u, ':');
    if (!c || c == u || !c[1] || strlen(u) > 1000)
        return 0;
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == ',' || (unsigned char)*p >= 0x7f)
            return 0;
    return 1;
}

int mkt_cmd_keygen(int argc, char **argv)
{
    if (argc < 2)
        return mkt_usage_err(CMD, "what to make: psk, ca or cert");
    const char *what = argv[1];
    int is_psk = !strcmp(what, "psk"), is_ca = !strcmp(what, "ca"), is_cert = !strcmp(what, "cert");
    if (!is_psk && !is_ca && !is_cert)
        return mkt_usage_err(CMD, "unknown kind '%s' (expected psk, ca or cert)", what);
    const char *key_path = NULL, *cert_path = NULL, *uri = NULL, *cn = NULL, *ca_cert = NULL, *ca_key = NULL,
               *out = NULL, *val;
    unsigned long bytes = 32, days = is_ca ? 3650 : 365, bits = 2048;
    int force = 0, only_pos = 0, rc;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        unsigned long *num = NULL, lo = 0, hi = 0;
        if (!only_pos && !strcmp(a, "--")) {
            only_pos = 1;
            continue;
        }
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            if (!is_psk)
                return mkt_usage_err(CMD, "unexpected argument '%s' (files are given with --key and --cert)", a);
            if (out)
                return mkt_usage_err(CMD, "more than one output file ('%s' and '%s')", out, a);
            out = a;
            continue;
        }
        if (mkt_opt_flag(a, "--force", NULL)) {
            force = 1;
            continue;
        }
        const char **sp = NULL;
        if ((rc = mkt_opt_value(argc, argv, &i, "--bytes", NULL, &val)) != 0 && is_psk) {
            num = &bytes, lo = 16, hi = 256;
        } else if (rc == 0 && (rc = mkt_opt_value(argc, argv, &i, "--days", NULL, &val)) != 0 && !is_psk) {
            num = &days, lo = 1, hi = 36500;
        } else if (rc == 0 && (rc = mkt_opt_value(argc, argv, &i, "--bits", NULL, &val)) != 0 && !is_psk) {
            num = &bits, lo = 1024, hi = 8192;
        } else if (rc == 0 && (rc = mkt_opt_value(argc, argv, &i, "--key", NULL, &val)) != 0 && !is_psk) {
            sp = &key_path;
        } else if (rc == 0 && (rc = mkt_opt_value(argc, argv, &i, "--cert", NULL, &val)) != 0 && !is_psk) {
            sp = &cert_path;
        } else if (rc == 0 && (rc = mkt_opt_value(argc, argv, &i, "--cn", NULL, &val)) != 0 && !is_psk) {
            sp = &cn;
        } else if (rc == 0 && (rc = mkt_opt_value(argc, argv, &i, "--uri", NULL, &val)) != 0 && is_cert) {
            sp = &uri;
        } else if (rc == 0 && (rc = mkt_opt_value(argc, argv, &i, "--ca-cert", NULL, &val)) != 0 && is_cert) {
            sp = &ca_cert;
        } else if (rc == 0 && (rc = mkt_opt_value(argc, argv, &i, "--ca-key", NULL, &val)) != 0 && is_cert) {
            sp = &ca_key;
        } else if (rc != 0) {
            return mkt_usage_err(CMD, "option '%s' does not apply to 'keygen %s'", a, what);
        } else {
            return mkt_usage_err(CMD, "unknown option '%s'", a);
        }
        if (rc < 0)
            return mkt_usage_err(CMD, "option '%s' needs a value", a);
        if (sp) {
            *sp = val;
        } else {
            char *end = NULL;
            unsigned long v = strtoul(val, &end, 10);
            if (!val[0] || *end || val[0] == '-' || v < lo || v > hi)
                return mkt_usage_err(CMD, "option '%s': '%s' is not a number from %lu to %lu", a, val, lo, hi);
            *num = v;
        }
    }
    if (is_psk)
        return keygen_psk(bytes, out, force);

    if (!key_path || !cert_path)
        return mkt_usage_err(CMD, "keygen %s needs --key FILE and --cert FILE (where to write them)", what);
    if (is_cert && !uri)
        return mkt_usage_err(CMD, "keygen cert needs --uri (the identity, e.g. sip:alice@a.example)");
    if (uri && !uri_ok(uri))
        return mkt_usage_err(CMD, "'%s' is not a URI (scheme:rest, no blanks or commas)", uri);
    if (!ca_cert != !ca_key)
        return mkt_usage_err(CMD, "--ca-cert and --ca-key go together");
    if (!strcmp(key_path, cert_path))
        return mkt_usage_err(CMD, "--key and --cert name the same file");
    if (check_new(key_path, force) || check_new(cert_path, force))
        return MKT_EXIT_FAIL;

    int status = MKT_EXIT_FAIL;
    X509 *ca = NULL, *x = NULL;
    EVP_PKEY *cak = NULL, *k = NULL;
    if (ca_cert) {
        if (!(ca = read_cert(ca_cert)) || !(cak = read_key(ca_key)))
            goto done;
        if (X509_check_private_key(ca, cak) != 1) {
            ERR_clear_error();
            mkt_err(CMD, "%s is not the key of %s", ca_key, ca_cert);
            goto done;
        }
        if (X509_check_ca(ca) == 0) {
            mkt_err(CMD, "%s is not a CA certificate", ca_cert);
            goto done;
        }
    }
    if (!(k = EVP_RSA_gen((unsigned)bits))) {
        ossl_fail("RSA key generation");
        goto done;
    }
    if (!cn)
        cn = is_ca ? "openmikey test CA" : uri;
    if (!(x = make_cert(k, cn, uri, is_ca, (long)days, ca, cak)))
        goto done;
    if (write_key(k, key_path) || write_cert(x, cert_path))
        goto done;
    status = MKT_EXIT_OK;
done:
    X509_free(ca);
    X509_free(x);
    EVP_PKEY_free(cak);
    EVP_PKEY_free(k);
    return status;
}
