/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mikey_fields: helper for the interop scripts.
 *
 *   mikey_fields FILE
 *       Parse the MIKEY message in FILE with our library and print what
 *       tshark 4.0 shows for it (fields.h). Exit 0; 3 when the message
 *       holds something tshark 4.0 cannot show (reason on stderr); 1 when
 *       our parser refuses it.
 *
 *   mikey_fields --roundtrip FILE...
 *       For each message: parse; re-encode (must be byte-identical);
 *       rebuild payload by payload with mikey_msg_append and encode (must
 *       be byte-identical); parse the nested chains (KEMAC Key data in the
 *       clear, TP / TICKET data). One line per file, a closing
 *       "N passed, N failed" line; exit 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "openmikey/message.h"

#define MAXFILE (1u << 20)

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *b = malloc(MAXFILE);
    size_t n = b ? fread(b, 1, MAXFILE, f) : 0;
    int bad = ferror(f) || !feof(f);
    fclose(f);
    if (!b || bad) {
        free(b);
        return NULL;
    }
    *len = n;
    return b;
}

static const char *check_chain(const uint8_t *p, size_t n, int prefixed, unsigned first)
{
    mikey_msg *c = NULL;
    int rc = prefixed ? mikey_chain_parse_prefixed(NULL, p, n, NULL, &c, NULL)
                      : mikey_chain_parse(NULL, first, p, n, NULL, &c, NULL);
    if (rc != MIKEY_OK)
        return "a nested chain does not parse";
    size_t need = mikey_msg_encoded_len(c), got = 0;
    uint8_t *out = malloc(need ? need : 1);
    const char *why = NULL;
    size_t skip = prefixed && n ? 1 : 0;
    if (!out || mikey_msg_encode(c, out, need, &got) != MIKEY_OK || got != n - skip ||
        memcmp(out, p + skip, got) != 0)
        why = "a nested chain does not re-encode byte-identically";
    free(out);
    mikey_msg_free(c);
    return why;
}

static const char *roundtrip(const uint8_t *buf, size_t len)
{
    mikey_msg *m = NULL, *b = NULL;
    mikey_parse_error perr;
    static char why[256];
    const char *r = NULL;
    int rc = mikey_msg_parse(NULL, buf, len, NULL, &m, &perr);
    if (rc != MIKEY_OK) {
        snprintf(why, sizeof why, "parse: %s at offset %zu: %s", mikey_err_name(rc), perr.offset, perr.detail);
        return why;
    }
    uint8_t *out = malloc(len ? len : 1);
    size_t got = 0;
    if (!out || mikey_msg_encode(m, out, len, &got) != MIKEY_OK || got != len || memcmp(out, buf, len) != 0) {
        r = "parse -> encode is not byte-identical";
        goto done;
    }
    if (mikey_msg_new(NULL, 0, &b) != MIKEY_OK) {
        r = "mikey_msg_new failed";
        goto done;
    }
    for (size_t i = 0; i < mikey_msg_count(m); i++) {
        if ((rc = mikey_msg_append(b, mikey_msg_at(m, i))) != MIKEY_OK) {
            snprintf(why, sizeof why, "the builder refuses parsed payload %zu (%s): %s", i,
                     mikey_pt_name(mikey_msg_at(m, i)->type), mikey_err_name(rc));
            r = why;
            goto done;
        }
    }
    memset(out, 0, len);
    if (mikey_msg_encode(b, out, len, &got) != MIKEY_OK || got != len || memcmp(out, buf, len) != 0) {
        r = "rebuild -> encode is not byte-identical";
        goto done;
    }
    for (size_t i = 0; i < mikey_msg_count(m) && !r; i++) {
        const mikey_payload *p = mikey_msg_at(m, i);
        if (p->type == MIKEY_PT_KEMAC && p->u.kemac.encr_alg == MIKEY_ENCR_NULL)
            r = check_chain(p->u.kemac.encr_data.p, p->u.kemac.encr_data.len, 0, MIKEY_PT_KEYDATA);
        if ((p->type == MIKEY_PT_TP || p->type == MIKEY_PT_TICKET) && !r)
            r = check_chain(p->u.ticket.tp_data.p, p->u.ticket.tp_data.len, 1, 0);
        if (p->type == MIKEY_PT_TICKET && !r)
            r = check_chain(p->u.ticket.initiator_data.p, p->u.ticket.initiator_data.len, 1, 0);
    }
done:
    free(out);
    mikey_msg_free(b);
    mikey_msg_free(m);
    return r;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--roundtrip") == 0) {
        int pass = 0, fail = 0;
        for (int i = 2; i < argc; i++) {
            size_t len = 0;
            uint8_t *buf = slurp(argv[i], &len);
            const char *why = buf ? roundtrip(buf, len) : "cannot read the file";
            if (why) {
                printf("FAIL %s: %s\n", argv[i], why);
                fail++;
            } else {
                printf("ok   %s (%zu bytes)\n", argv[i], len);
                pass++;
            }
            free(buf);
        }
        printf("%d passed, %d failed\n", pass, fail);
        return fail ? 1 : 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: mikey_fields FILE | mikey_fields --roundtrip FILE...\n");
        return 2;
    }
    size_t len = 0;
    uint8_t *buf = slurp(argv[1], &len);
    if (!buf) {
        fprintf(stderr, "mikey_fields: cannot read %s\n", argv[1]);
        return 2;
    }
    mikey_parse_error perr;
    const char *why = NULL;
    int rc = fields_print(stdout, buf, len, &perr, &why);
    free(buf);
    if (rc == FIELDS_NOT_TSHARK) {
        fprintf(stderr, "mikey_fields: %s: tshark 4.0 cannot show this message: %s\n", argv[1], why);
        return 3;
    }
    if (rc != MIKEY_OK) {
        fprintf(stderr, "mikey_fields: %s: %s at offset %zu: %s\n", argv[1], mikey_err_name(rc), perr.offset,
                perr.detail);
        return 1;
    }
    return fflush(stdout) == 0 ? 0 : 2;
}
