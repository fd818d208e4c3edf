/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the responder (mikey_answer) with RSAR-mode I_MESSAGEs; see answer_impl.h. */
#define FZ_ANSWER_MODE MIKEY_MODE_RSAR
#include "answer_impl.h"
