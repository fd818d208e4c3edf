/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mt: the tiny test harness. TAP-style lines per test, a side-by-side hex
 * dump on byte mismatches, and a closing line "N passed, N failed" that
 * CTest and CI read. Usage:
 *
 *   static void test_foo(void) { MT_CHECK(1 + 1 == 2); }
 *   MT_MAIN(test_foo, test_bar)
 */
#ifndef MT_H
#define MT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int mt_failed_checks;
extern const char *mt_current;

void mt_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void mt_memeq(const char *file, int line, const char *what, const void *a, size_t alen, const void *b,
              size_t blen);
/* Decode hex (whitespace ignored) into a malloc'd buffer; aborts on bad hex
 * (test data is trusted). */
unsigned char *mt_hex(const char *hex, size_t *len);
/* Read a whole file; NULL if missing. */
unsigned char *mt_read_file(const char *path, size_t *len);
/* Path of a file in the source tree (MT_SOURCE_DIR is set by CMake). */
const char *mt_src_path(const char *rel);
int mt_run(const char *names, void (*const *fns)(void), size_t n);

#define MT_CHECK(c)                                                                                                    \
    do {                                                                                                               \
        if (!(c))                                                                                                      \
            mt_fail(__FILE__, __LINE__, "check failed: %s", #c);                                                       \
    } while (0)
#define MT_EQ_INT(a, b)                                                                                                \
    do {                                                                                                               \
        long long mt_a_ = (long long)(a), mt_b_ = (long long)(b);                                                      \
        if (mt_a_ != mt_b_)                                                                                            \
            mt_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, mt_a_, #b, mt_b_);                      \
    } while (0)
#define MT_EQ_STR(a, b)                                                                                                \
    do {                                                                                                               \
        const char *mt_a_ = (a), *mt_b_ = (b);                                                                         \
        if (!mt_a_ || !mt_b_ || strcmp(mt_a_, mt_b_) != 0)                                                             \
            mt_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, mt_a_ ? mt_a_ : "(null)",                 \
                    mt_b_ ? mt_b_ : "(null)");                                                                         \
    } while (0)
#define MT_MEMEQ(a, alen, b, blen) mt_memeq(__FILE__, __LINE__, #a, (a), (alen), (b), (blen))
/* Stop the current test function (after a failure that makes the rest moot). */
#define MT_REQUIRE(c)                                                                                                  \
    do {                                                                                                               \
        if (!(c)) {                                                                                                    \
            mt_fail(__FILE__, __LINE__, "required: %s", #c);                                                           \
            return;                                                                                                    \
        }                                                                                                              \
    } while (0)

#define MT_MAIN(...)                                                                                                   \
    int main(void)                                                                                                     \
    {                                                                                                                  \
        static void (*const fns[])(void) = {__VA_ARGS__};                                                              \
        return mt_run(#__VA_ARGS__, fns, sizeof fns / sizeof fns[0]);                                                  \
    }

#endif
