/* SPDX-License-Identifier: Apache-2.0 */
/* OCI lifecycle hooks: each hook gets the container state JSON on stdin. */
#ifndef BRIG_HOOKS_H
#define BRIG_HOOKS_H

#include <stddef.h>

#include "brig/error.h"
#include "brig/spec.h"

/*
 * Run hooks in order, each with `state_json` on stdin, its args/env, and its timeout.
 * `phase` names the hook list in messages ("prestart"). Stops at the first failing hook.
 * stdout/stderr are the caller's; the caller's signal state is left untouched.
 * Errors count hooks from 1: "prestart hook #1 (`/path`): timed out after 5s",
 * "...: exited with status 3", "...: killed by signal SIGSEGV", "...: execute: <errno>".
 */
int hooks_run(const struct spec_hook *hooks, size_t n, const char *phase, const char *state_json,
              brig_error **err);

#endif
