/* SPDX-License-Identifier: BSD-2-Clause */
/* Deterministic environment for fuzz targets: fixed clock, seeded RNG, and
 * an allocator that fails on demand (picotls / libsrtp fuzzers). */
#ifndef FUZZ_ENV_H
#define FUZZ_ENV_H
#include <stddef.h>
#include <stdint.h>
#include "openmikey/common.h"

/* Fill env: clock fixed at 2026-01-01T00:00:00Z (NTP), xorshift RNG seeded
 * with `seed`, allocator failing the `fail_at`-th allocation (0 = never). */
void fuzz_env_init(mikey_env *env, uint64_t seed, unsigned fail_at);
#endif
