/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The last steps of a container process (init or exec'd), after its filesystem is in place:
 * limits, identity, capabilities, no_new_privs, seccomp, then execve.
 */
#ifndef BRIG_PROCESS_H
#define BRIG_PROCESS_H

#include <stdbool.h>

#include "brig/error.h"
#include "brig/seccomp.h"
#include "brig/spec.h"

struct exec_plan {
        char *path;                         /* resolved executable, inside the container */
        struct brig_seccomp *late_seccomp;  /* loaded by process_exec when no_new_privs is on */
};

/*
 * After pivot_root: resolve args[0] (PATH from process.env), apply rlimits, oomScoreAdj,
 * personality, cwd, umask, additionalGids/gid/uid keeping the configured capabilities,
 * no_new_privs. The seccomp filter (from `linux`, may be NULL) is loaded here when
 * no_new_privs is off (it needs CAP_SYS_ADMIN then), else deferred to process_exec.
 */
int process_finalize(const struct spec_process *proc, const struct spec_linux *linux_cfg,
                     struct exec_plan *plan, brig_error **err);

/* Load the deferred seccomp filter and execve. Returns only on failure. */
int process_exec(struct exec_plan *plan, const struct spec_process *proc, brig_error **err);

void exec_plan_release(struct exec_plan *plan);

#endif
