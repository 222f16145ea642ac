/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.namespaces: which namespaces the container's init is cloned into, which it joins by
 * path, and the user namespace's id mappings.
 */
#ifndef BRIG_NAMESPACES_H
#define BRIG_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "brig/error.h"
#include "brig/spec.h"

struct ns_plan {
        unsigned long clone_flags; /* CLONE_NEW* created by clone3 (never CLONE_NEWCGROUP, see below) */
        /* The cgroup namespace must be rooted at the container's cgroup, so init unshares it
         * only after the runtime has moved it there. */
        bool unshare_cgroup;
        /* A new time namespace takes its offsets before any process is in it: init unshares it
         * and the workload enters it at execve. */
        bool unshare_time;
        int join_fds[SPEC_NS__COUNT]; /* -1, or an fd of the namespace to join */
};

/* Open and check (right namespace type) every path before anything is created on the host. */
int ns_plan_build(const struct spec_linux *linux_cfg, struct ns_plan *plan, brig_error **err);
void ns_plan_release(struct ns_plan *plan);
bool ns_plan_has(const struct ns_plan *plan, enum spec_namespace_type t); /* new or joined */

/* Runtime side: the pid namespace is joined for the next child only (setns on pid_for_children). */
int ns_enter_pid_for_children(const struct ns_plan *plan, int *ret_saved_fd, brig_error **err);
int ns_restore_pid_for_children(int saved_fd, brig_error **err);

/* Runtime side: write uid_map/gid_map of the child's new user namespace. */
int ns_write_id_mappings(pid_t pid, const struct spec_linux *linux_cfg, brig_error **err);

/* Container side: a new time namespace with linux.timeOffsets, entered by the next execve. */
int ns_unshare_time(const struct spec_linux *linux_cfg, brig_error **err);

/* Container side: join every namespace given by path (user first; pid is the runtime's job). */
int ns_join_paths(const struct ns_plan *plan, brig_error **err);

#endif
