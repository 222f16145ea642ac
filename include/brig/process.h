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
        char *path; /* resolved executable, inside the container */

        /*
         * Set by the caller before process_finalize (zero-initialised means none). The filters are
         * prepared by the runtime before clone (seccomp_prepare_cached) and owned by the plan: the
         * floor goes first, and both are loaded before the identity switch when no_new_privs is off
         * (that needs CAP_SYS_ADMIN), else by process_exec right before execve.
         */
        struct brig_seccomp *seccomp; /* linux.seccomp */
        struct brig_seccomp *floor;   /* the policy's floor */
        const char *seccomp_state_json; /* OCI state JSON for the seccomp listener (borrowed) */
        bool has_seccomp_listener;      /* seccomp_listener_fd is set: */
        int seccomp_listener_fd;        /* from seccomp_listener_connect() before pivot_root; owned by the plan */
};

/*
 * After pivot_root: resolve args[0] (PATH from process.env), apply rlimits, oomScoreAdj,
 * personality, umask, apparmorProfile/selinuxLabel, cwd, additionalGids/gid/uid keeping the
 * configured capabilities, no_new_privs. The seccomp filter (from `linux`, may be NULL) is loaded
 * here when no_new_privs is off (it needs CAP_SYS_ADMIN then, so before the capabilities go),
 * else deferred to process_exec.
 */
int process_finalize(const struct spec_process *proc, const struct spec_linux *linux_cfg,
                     struct exec_plan *plan, brig_error **err);

/* Load the deferred seccomp filter and execve. Returns only on failure. */
int process_exec(struct exec_plan *plan, const struct spec_process *proc, brig_error **err);

/* Steps of process_finalize, in runtime/linux/limits.c and identity.c. */

/* process.rlimits, process.oomScoreAdj (written only when it changes), linux.personality (may be NULL). */
int process_apply_limits(const struct spec_process *proc, const struct spec_personality *personality,
                         brig_error **err);
/*
 * Trim the bounding set (needs CAP_SETPCAP, so first), then additionalGids, gid, uid keeping the
 * permitted capabilities across the uid change, then the configured capability sets.
 */
int process_switch_identity(const struct spec_process *proc, brig_error **err);

#endif
