/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * offergen: fresh MIKEY I_MESSAGEs for the sipp load benchmark (bench/load.sh).
 *
 * sipp cannot run MIKEY, so each INVITE it sends carries a different,
 * freshly made I_MESSAGE read from an injection file (one per call: the
 * responder's replay cache, RFC 3830 §5.4, refuses a message seen before,
 * and its timestamp must lie within the allowed skew, so they are made
 * right before each load step). The answering side does all of its real
 * work: verify, (DH) compute, answer.
 *
 *   offergen --mode psk|pke|dh|dhhmac|rsar --id URI --peer URI --count N
 *            [--psk HEX] [--key PEM --cert PEM --trust PEM --peer-cert PEM]
 *            [--suite NAME]
 *
 * Prints sipp's injection format: "SEQUENTIAL" then one line per offer,
 * the SDP attribute "a=key-mgmt:mikey <base64>" (one field).
 * Uses only the public API (include/openmikey). Built by bench/load.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openmikey/openmikey.h>

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;

    if (!f)
        return -1;
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return -1;
    }
    *buf = malloc((size_t)n + 1);
    if (!*buf || fread(*buf, 1, (size_t)n, f) != (size_t)n) {
        free(*buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *len = (size_t)n;
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int die(const char *what, int err)
{
    fprintf(stderr, "offergen: %s: %s\n", what, err ? mikey_strerror(err) : "failed");
    return 1;
}

int main(int argc, char **argv)
{
    const char *mode_s = "psk", *id = NULL, *peer = NULL, *psk_hex = NULL, *key = NULL, *cert = NULL;
    const char *trust = NULL, *peer_cert = NULL, *suite = "AES_CM_128_HMAC_SHA1_80";
    unsigned long count = 1;
    unsigned mode;
    mikey_env env;
    mikey_creds *creds = NULL;
    mikey_policy *pol = NULL;
    mikey_srtp_params sp;
    int e;

    for (int i = 1; i + 1 < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        if (!strcmp(o, "--mode")) mode_s = v;
        else if (!strcmp(o, "--id")) id = v;
        else if (!strcmp(o, "--peer")) peer = v;
        else if (!strcmp(o, "--psk")) psk_hex = v;
        else if (!strcmp(o, "--key")) key = v;
        else if (!strcmp(o, "--cert")) cert = v;
        else if (!strcmp(o, "--trust")) trust = v;
        else if (!strcmp(o, "--peer-cert")) peer_cert = v;
        else if (!strcmp(o, "--suite")) suite = v;
        else if (!strcmp(o, "--count")) count = strtoul(v, NULL, 10);
        else {
            fprintf(stderr, "offergen: unknown option %s\n", o);
            return 2;
        }
    }
    if (argc % 2 == 0 || !id || !peer || count == 0) {
        fprintf(stderr, "usage: offergen --mode M --id URI --peer URI --count N [--psk HEX] [--key F --cert F "
                        "--trust F --peer-cert F] [--suite NAME]\n");
        return 2;
    }
    if (!strcmp(mode_s, "psk")) mode = MIKEY_MODE_PSK;
    else if (!strcmp(mode_s, "pke")) mode = MIKEY_MODE_PKE;
    else if (!strcmp(mode_s, "dh")) mode = MIKEY_MODE_DH;
    else if (!strcmp(mode_s, "dhhmac")) mode = MIKEY_MODE_DHHMAC;
    else if (!strcmp(mode_s, "rsar")) mode = MIKEY_MODE_RSAR;
    else {
        fprintf(stderr, "offergen: unknown mode %s\n", mode_s);
        return 2;
    }

    mikey_env_default(&env);
    if ((e = mikey_creds_new(&env, &creds)) || (e = mikey_creds_set_identity(creds, id)))
        return die("credentials", e);
    if (psk_hex) {
        size_t n = strlen(psk_hex) / 2;
        uint8_t k[256];
        if (n == 0 || n > sizeof(k) || strlen(psk_hex) % 2)
            return die("--psk: bad hex", 0);
        for (size_t i = 0; i < n; i++) {
            int hi = hexval(psk_hex[2 * i]), lo = hexval(psk_hex[2 * i + 1]);
            if (hi < 0 || lo < 0)
                return die("--psk: bad hex", 0);
            k[i] = (uint8_t)(hi << 4 | lo);
        }
        if ((e = mikey_creds_add_psk(creds, peer, k, n)))
            return die("PSK", e);
    }
    struct {
        const char *path;
        int (*add)(mikey_creds *, const uint8_t *, size_t);
    } pems[] = {{key, mikey_creds_set_key}, {cert, mikey_creds_add_cert}, {trust, mikey_creds_add_trust}};
    for (size_t i = 0; i < sizeof(pems) / sizeof(pems[0]); i++) {
        uint8_t *b;
        size_t n;
        if (!pems[i].path)
            continue;
        if (read_file(pems[i].path, &b, &n))
            return die(pems[i].path, 0);
        e = pems[i].add(creds, b, n);
        free(b);
        if (e)
            return die(pems[i].path, e);
    }
    if (peer_cert) {
        uint8_t *b;
        size_t n;
        if (read_file(peer_cert, &b, &n))
            return die(peer_cert, 0);
        e = mikey_creds_add_peer_cert(creds, peer, b, n);
        free(b);
        if (e)
            return die(peer_cert, e);
    }
    if ((e = mikey_policy_new(&env, &pol)) || (e = mikey_srtp_params_suite(&sp, suite)) ||
        (e = mikey_policy_add_srtp(pol, &sp)))
        return die("policy", e);

    printf("SEQUENTIAL\n");
    for (unsigned long i = 0; i < count; i++) {
        mikey_ctx *ctx = NULL;
        mikey_stream_desc sd = {0, 0, 0};
        mikey_offer_opts oo;
        uint8_t msg[8192];
        char line[12000];
        size_t mlen = 0, llen = 0;

        memset(&oo, 0, sizeof(oo));
        oo.mode = mode;
        oo.peer_id = peer;
        oo.streams = &sd;
        oo.nstreams = 1;
        if ((e = mikey_ctx_new(&env, creds, pol, &ctx)))
            return die("context", e);
        if ((e = mikey_offer(ctx, &oo, msg, sizeof(msg), &mlen))) {
            mikey_ctx_free(ctx);
            return die("offer", e);
        }
        mikey_ctx_free(ctx);
        if ((e = mikey_sdp_keymgmt_emit("mikey", msg, mlen, line, sizeof(line), &llen)))
            return die("key-mgmt attribute", e);
        while (llen > 0 && (line[llen - 1] == '\n' || line[llen - 1] == '\r'))
            line[--llen] = '\0';
        /* sipp splits fields at ';' — base64 has none */
        printf("%s\n", line);
    }
    mikey_policy_free(pol);
    mikey_creds_free(creds);
    return ferror(stdout) ? 1 : 0;
}
