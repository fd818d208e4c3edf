/* SPDX-License-Identifier: BSD-2-Clause */
/* Option matching for the tools; see args.h. */
#include "args.h"

#include <string.h>

int mkt_opt_flag(const char *arg, const char *lname, const char *sname)
{
    return strcmp(arg, lname) == 0 || (sname && strcmp(arg, sname) == 0);
}

int mkt_opt_value(int argc, char **argv, int *i, const char *lname, const char *sname, const char **val)
{
    const char *a = argv[*i];
    size_t ll = strlen(lname);
    if (strncmp(a, lname, ll) == 0 && a[ll] == '=') {
        *val = a + ll + 1;
        return 1;
    }
    if (strcmp(a, lname) == 0 || (sname && strcmp(a, sname) == 0)) {
        if (*i + 1 >= argc)
            return -1;
        *val = argv[++*i];
        return 1;
    }
    return 0;
}
