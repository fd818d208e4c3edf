/* SPDX-License-Identifier: BSD-2-Clause */
/* TEST-ONLY PKI for the fuzz targets and their seed generator, made by
 * fuzz/make_pki.sh (openssl CLI): a CA and two 1024-bit RSA leaves with a
 * SIP URI subjectAltName, valid 2020-2120. These private keys are public:
 * never use them for anything else. */
#ifndef FUZZ_PKI_H
#define FUZZ_PKI_H
#define FZ_CA_PEM \
    "-----BEGIN CERTIFICATE-----\n" \
    "MIIB/TCCAWagAwIBAgICEAAwDQYJKoZIhvcNAQELBQAwITEfMB0GA1UEAwwWb3Bl\n" \
    "bm1pa2V5IGZ1enogdGVzdCBDQTAgFw0yMDAxMDEwMDAwMDBaGA8yMTIwMDEwMTAw\n" \
    "MDAwMFowITEfMB0GA1UEAwwWb3Blbm1pa2V5IGZ1enogdGVzdCBDQTCBnzANBgkq\n" \
    "hkiG9w0BAQEFAAOBjQAwgYkCgYEArUKgj7oZUyyRbcj80q7t+vFxWrnQId4e171k\n" \
    "h65yhbdoEWUaUcVK1ZSBedt6POQz8kET+Gt+vVNO5TtMP0T8QzZLux13bENPNlB6\n" \
    "+2+y9DYZmbf2Rd3TvzV3kULv1Okm6egjVJZsp90l5q/euYTIcrAUMNgOCedl9dwG\n" \
    "IGdtg6MCAwEAAaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYw\n" \
    "HQYDVR0OBBYEFCZy0ezSsEOKjTqt6rqj1CZxGcd1MA0GCSqGSIb3DQEBCwUAA4GB\n" \
    "AF+SEkoRFebzMSZkplf4QcsI/YyS+PZHNpyb4n7xDnm8O1gMZ4r66aQ5Ydb6bRaG\n" \
    "pby47cFY2c+G4i4zAvWPLtoLYW5f2Ow8TiVsS+Hc9dv8MlzFiw2GnqvdM5bJ4RpI\n" \
    "LSKYSZniykOtToAp7J8qMi6E71+eUbFc6SdmwlwkjBOS\n" \
    "-----END CERTIFICATE-----\n"
#define FZ_ALICE_KEY_PEM \
    "-----BEGIN PRIVATE KEY-----\n" \
    "MIICeAIBADANBgkqhkiG9w0BAQEFAASCAmIwggJeAgEAAoGBAMQK7OYS3sfMdxm1\n" \
    "VRXWSR7VT38oZItv2muPoxBh453S2Da+qlxjQJrdnDhvzjcE6SN4+i7zV1pj0GWX\n" \
    "mXkf4MDn6xj//xm8ZpgnbimHw47soSwmOv2za3+xE3lmGoH7e5c3+tlOrWDlkHmI\n" \
    "95gcZxKygTN9R7WXCeFKpyIwbNVVAgMBAAECgYEArc7h6bmhOpLUpT5XiVzKx0Nn\n" \
    "j91IBzfL9sEKWWPwYeSlPSQd9nsotCT2dDLsKWt5J7ICXc3xDHqiMPAPaYwRvmgH\n" \
    "HAWWSWwhntEcGHkkiMhD5v6H1JK9Pn3GAXChivTHsJvSb4OVqvHrsBE5s3UJ5yB+\n" \
    "c4cT7Mq0h696KAhoaQECQQDsxB2X928T4VcRjCcW+zOIvG2Y1TBbEVf16slxfwIu\n" \
    "k4ep5pAL2mty5J5/Bz84aaAkE+MEU4Uv2m2RbkLZ0oWNAkEA0/foxnJmO6DyDKKg\n" \
    "0XGI6IsLKz1TIcgV6wE2yCXLD3oH2wur0h25dYhIUY2idPkhBOdAcidQzR1BBT38\n" \
    "Q9Bo6QJBAL+5CzG8loDlr0ixUhIE9jUaSDFDKPYFdFHZfqfeLhkjM+77mddPVkTi\n" \
    "Jgo9Bw+aUKgGRoWBUE9ws9rZC18xXx0CQFhaLE+TXaObKWk03F2QumVbl5M1Y5Jg\n" \
    "KSqkfeYdQq+3yNB34+2X8DbaUHKV29JwCWBW19j9JEPq3rBFrwHBPAkCQQDqPEp2\n" \
    "OM11h9dLXARao3cWW8HL1n8541v7zObEL5hr1PHp0k8NOkqCszg+ZRBWtBFjHYQx\n" \
    "sbMz9cGGacBFa8EA\n" \
    "-----END PRIVATE KEY-----\n"
#define FZ_ALICE_CERT_PEM \
    "-----BEGIN CERTIFICATE-----\n" \
    "MIICJzCCAZCgAwIBAgICEAEwDQYJKoZIhvcNAQELBQAwITEfMB0GA1UEAwwWb3Bl\n" \
    "bm1pa2V5IGZ1enogdGVzdCBDQTAgFw0yMDAxMDEwMDAwMDBaGA8yMTIwMDEwMTAw\n" \
    "MDAwMFowEDEOMAwGA1UEAwwFYWxpY2UwgZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJ\n" \
    "AoGBAMQK7OYS3sfMdxm1VRXWSR7VT38oZItv2muPoxBh453S2Da+qlxjQJrdnDhv\n" \
    "zjcE6SN4+i7zV1pj0GWXmXkf4MDn6xj//xm8ZpgnbimHw47soSwmOv2za3+xE3lm\n" \
    "GoH7e5c3+tlOrWDlkHmI95gcZxKygTN9R7WXCeFKpyIwbNVVAgMBAAGjfTB7MAkG\n" \
    "A1UdEwQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBSa/8KFcLYEFFaGNAyP\n" \
    "3PYRbisyDTAfBgNVHSMEGDAWgBQmctHs0rBDio06req6o9QmcRnHdTAeBgNVHREE\n" \
    "FzAVhhNzaXA6YWxpY2VAYS5leGFtcGxlMA0GCSqGSIb3DQEBCwUAA4GBAG8/cyaM\n" \
    "Jz763IzNe8aypfPT05mFpybxywcoTrMdEJVd3XUvnEwdt9xRNOpmJB4nUG3ozzoE\n" \
    "rV/MIbsJ0HSsKJG8otYh8bzRvJXlU2UIi8xHvtPKm7GXtZLLtZwQqQMLEjaNXBN5\n" \
    "JcoTEcniNRwRam0JHpoNybTm7ScjVlH9OQuh\n" \
    "-----END CERTIFICATE-----\n"
#define FZ_BOB_KEY_PEM \
    "-----BEGIN PRIVATE KEY-----\n" \
    "MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAMTJ/jHypy+ZYfsf\n" \
    "acorR4bEhaUB0KtLVqodSOcTh59mtHjXaYpHRuSiz8gqYR6wzostyB8OMtp5Xn9a\n" \
    "7NT91MjoH72V275A6rUPeIHZDCZ2/ScoRndZxxpXfOj8lnBaClXLTBmEXpL2fHUp\n" \
    "b7XeyXsvO/dXvrvGdot/GBJxsl+LAgMBAAECgYEAigmysDCpC5+I9lEzsOeo9aTW\n" \
    "pkdeqzleoleGcujlInA1uepIkwGqfeii3aK0m4WkbEaB8R7RlyS5n5YVONaQsd2C\n" \
    "9bjPCIPyUljkmMXQ/Yr77nUxyuu2bkh3JryWL2EoqPbsEB2w0XqW0wUNe1K1UI5G\n" \
    "AvwwNoIz/nQpr0f6rcECQQDuc7uv4vH8vgyQHZoTH+m3deh8rkIe99c47BMDFk+k\n" \
    "ExVA6cRVXO+u+Ce2KUzLa/qs/oQt3NUB6IAO8fBa9ushAkEA00VblX/h34JrqG4r\n" \
    "YXm0CTjigGbw1PBc28+d1nT5Sx5Q6M0/HboctAWTwZRnakRrQVVWmExOCC8sE1WN\n" \
    "0VXBKwJAH1OxGsB0DkJhoCVjcpPEvseMzaSPJ0ZkTiQls0ghGmsvZaHQm25kRtZv\n" \
    "US1H24nKGyQs9WGH0oJbIJuEek7qQQJBALtHvVK+JQ0LwMFyv7PNvcF7EpW+Kvio\n" \
    "Bbi4x3LnCGIFgrWL08pXQ8B1PTCZjD7QXb9xlay132oz3r9Y1LlfajcCQH8D1FWU\n" \
    "bxdJeWTHE0BbZBO3VsZBihVov9DnIT3un4AkE0r9LhkfWBzOVdSs+M7+ulxpMBWn\n" \
    "DT1Y0eGlkt9+m7A=\n" \
    "-----END PRIVATE KEY-----\n"
#define FZ_BOB_CERT_PEM \
    "-----BEGIN CERTIFICATE-----\n" \
    "MIICIzCCAYygAwIBAgICEAIwDQYJKoZIhvcNAQELBQAwITEfMB0GA1UEAwwWb3Bl\n" \
    "bm1pa2V5IGZ1enogdGVzdCBDQTAgFw0yMDAxMDEwMDAwMDBaGA8yMTIwMDEwMTAw\n" \
    "MDAwMFowDjEMMAoGA1UEAwwDYm9iMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKB\n" \
    "gQDEyf4x8qcvmWH7H2nKK0eGxIWlAdCrS1aqHUjnE4efZrR412mKR0bkos/IKmEe\n" \
    "sM6LLcgfDjLaeV5/WuzU/dTI6B+9ldu+QOq1D3iB2Qwmdv0nKEZ3WccaV3zo/JZw\n" \
    "WgpVy0wZhF6S9nx1KW+13sl7Lzv3V767xnaLfxgScbJfiwIDAQABo3sweTAJBgNV\n" \
    "HRMEAjAAMA4GA1UdDwEB/wQEAwIFoDAdBgNVHQ4EFgQUc/b7hUa+zXXd8cDrLK2e\n" \
    "YUGMPVswHwYDVR0jBBgwFoAUJnLR7NKwQ4qNOq3quqPUJnEZx3UwHAYDVR0RBBUw\n" \
    "E4YRc2lwOmJvYkBiLmV4YW1wbGUwDQYJKoZIhvcNAQELBQADgYEASEkkY11otR15\n" \
    "WVMXpvE4qRsPxG0S3+q8d5AuL+XAbLej7y88bNJ8lYZr30M/zzequHI4+KQXErYM\n" \
    "aq+C46ZQcEkCKTVMp3WCmP+/60k40MzNpf82JVNUMiVF+SYSa8rOwb5+1UwxXpaR\n" \
    "YdbwAwCDYTlUSUK3lwrhZ8+c1bUfU1w=\n" \
    "-----END CERTIFICATE-----\n"
#endif
