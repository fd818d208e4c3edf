/* SPDX-License-Identifier: BSD-2-Clause */
#include "mt.h"

#include <ctype.h>
#include <stdarg.h>

int mt_failed_checks;
const char *mt_current = "";
static int cur_failed;

void mt_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stdout, "#   %s:%d: [%s] ", file, line, mt_current);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    mt_failed_checks++;
    cur_failed = 1;
}

void mt_memeq(const char *file, int line, const char *what, const void *a, size_t alen, const void *b, size_t blen)
{
    if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
        return;
    mt_fail(file, line, "%s: bytes differ (got %zu, expected %zu)", what, alen, blen);
    const unsigned char *x = a, *y = b;
    size_t n = alen > blen ? alen : blen;
    for (size_t off = 0; off < n; off += 16) {
        fprintf(stdout, "#   %04zx  ", off);
        for (size_t i = off; i < off + 16; i++)
            fprintf(stdout, i < alen ? "%02x" : "  ", i < alen ? x[i] : 0);
        fprintf(stdout, "  |  ");
        for (size_t i = off; i < off + 16; i++) {
            int diff = i >= alen || i >= blen || x[i] != y[i];
            fprintf(stdout, i < blen ? (diff ? "%02X" : "%02x") : "  ", i < blen ? y[i] : 0);
        }
        fputc('\n', stdout);
    }
}

unsigned char *mt_hex(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    unsigned char *out = malloc(n / 2 + 1);
    size_t k = 0;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)hex[i];
        if (isspace(c))
            continue;
        int v = isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (v < 0) {
            fprintf(stderr, "mt_hex: bad hex\n");
            abort();
        }
        if (hi < 0)
            hi = v;
        else {
            out[k++] = (unsigned char)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0) {
        fprintf(stderr, "mt_hex: odd length\n");
        abort();
    }
    *len = k;
    return out;
}

unsigned char *mt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

const char *mt_src_path(const char *rel)
{
    static char buf[4096];
#ifdef MT_SOURCE_DIR
    snprintf(buf, sizeof buf, "%s/%s", MT_SOURCE_DIR, rel);
#else
    snprintf(buf, sizeof buf, "%s", rel);
#endif
    return buf;
}

int mt_run(const char *names, void (*const *fns)(void), size_t n)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "%s", names);
    char *save = NULL;
    char *tok = strtok_r(buf, ", ", &save);
    int passed = 0, failed = 0;
    printf("1..%zu\n", n);
    for (size_t i = 0; i < n; i++) {
        mt_current = tok ? tok : "?";
        cur_failed = 0;
        fns[i]();
        printf("%s %zu - %s\n", cur_failed ? "not ok" : "ok", i + 1, mt_current);
        if (cur_failed)
            failed++;
        else
            passed++;
        tok = strtok_r(NULL, ", ", &save);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
