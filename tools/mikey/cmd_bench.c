/* SPDX-License-Identifier: BSD-2-Clause */
#include "mikey.h"
const char mkt_bench_help[] = "Usage: mikey bench\n";
int mkt_cmd_bench(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return MKT_EXIT_FAIL;
}
