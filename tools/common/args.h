/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal command-line option matching for the tools (no getopt_long, which
 * is a GNU extension): "--name value", "--name=value", "-n value", flags.
 */
#ifndef MIKEY_TOOLS_ARGS_H
#define MIKEY_TOOLS_ARGS_H

/** 1 if argv[*i] is the flag @p lname ("--json") or @p sname ("-j", may be NULL). */
int mkt_opt_flag(const char *arg, const char *lname, const char *sname);

/**
 * Match an option with a value: "--in hex", "--in=hex", "-i hex".
 * Returns 1 and sets @p *val (advancing @p *i past a separate value),
 * 0 if argv[*i] is not this option, -1 if the value is missing.
 */
int mkt_opt_value(int argc, char **argv, int *i, const char *lname, const char *sname, const char **val);

#endif
