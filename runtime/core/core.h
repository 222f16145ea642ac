/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers private to runtime/core. */
#ifndef BRIG_CORE_H
#define BRIG_CORE_H

#include <sys/types.h>

#include "brig/error.h"
#include "brig/seccomp.h"
#include "brig/spec.h"

struct brig_policy;
struct runtime_options;

/* fds 3..3+n-1 must be open: they are handed to the container process. */
int check_preserved_fds(int n, brig_error **err);
/* Right before execve: only stdio and the preserved fds reach the new program. */
int pass_only_preserved_fds(int preserve_fds, brig_error **err);
/* clone3 into new namespaces (flags) and, with cgroup_fd >= 0, straight into a v2 cgroup. */
pid_t clone_into(unsigned long flags, int cgroup_fd);
/*
 * Compile the config's seccomp profile and the policy's floor in the runtime, before clone, through
 * the BPF cache under the state root: errors come before anything exists, and most creates compile nothing.
 */
int prepare_seccomp_filters(const struct runtime_options *rt, const struct brig_spec *spec,
                            const struct brig_policy *policy, struct brig_seccomp **ret_seccomp,
                            struct brig_seccomp **ret_floor, brig_error **err);
/* Write the host pid atomically (temp file + rename); path NULL: nothing to do. */
int write_pid_file(const char *path, pid_t pid, brig_error **err);

#endif
