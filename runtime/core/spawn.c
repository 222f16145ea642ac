/* SPDX-License-Identifier: Apache-2.0 */
/* Process plumbing shared by create and exec. */
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/container.h"
#include "brig/policy.h"
#include "brig/util.h"
#include "core.h"

int check_preserved_fds(int n, brig_error **err)
{
        if (n < 0)
                return brig_err(err, "--preserve-fds: must not be negative");
        for (int fd = 3; fd < 3 + n; fd++)
                if (fcntl(fd, F_GETFD) < 0)
                        return brig_syserr(err, "--preserve-fds: fd %d", fd);
        return 0;
}

pid_t clone_into(unsigned long flags, int cgroup_fd)
{
        struct clone_args args = {
                .flags = flags,
                .exit_signal = SIGCHLD,
        };

        if (cgroup_fd >= 0) {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = (uint64_t) cgroup_fd;
        }
        return (pid_t) syscall(SYS_clone3, &args, sizeof(args));
}

int write_pid_file(const char *path, pid_t pid, brig_error **err)
{
        _cleanup_free_ char *tmp = NULL, *text = NULL;

        if (path == NULL)
                return 0;
        tmp = xasprintf("%s.brig-tmp", path);
        text = xasprintf("%d", pid);
        if (write_file_at(AT_FDCWD, tmp, text, strlen(text), 0644, err) < 0) {
                unlink(tmp);
                return brig_error_wrap(err, "--pid-file");
        }
        if (rename(tmp, path) < 0) {
                int r = brig_syserr(err, "--pid-file: rename to `%s`", path);
                unlink(tmp);
                return r;
        }
        return 0;
}

int pass_only_preserved_fds(int preserve_fds, brig_error **err)
{
        unsigned first = 3 + (unsigned) preserve_fds;

        if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                return brig_syserr(err, "mark fds close-on-exec");
        for (unsigned fd = 3; fd < first; fd++)
                if (fcntl((int) fd, F_SETFD, 0) < 0)
                        return brig_syserr(err, "--preserve-fds: fd %u", fd);
        return 0;
}

int prepare_seccomp_filters(const struct runtime_options *rt, const struct brig_spec *spec,
                            const struct brig_policy *policy, struct brig_seccomp **ret_seccomp,
                            struct brig_seccomp **ret_floor, brig_error **err)
{
        _cleanup_free_ char *cache = xasprintf("%s/.seccomp-cache", rt->root);

        *ret_floor = NULL;
        if (seccomp_prepare_cached(spec->linux != NULL ? spec->linux->seccomp : NULL, cache, ret_seccomp, err) < 0)
                return brig_error_wrap(err, "config.json");
        if (seccomp_prepare_cached(policy_seccomp_floor(policy), cache, ret_floor, err) < 0) {
                seccomp_freep(ret_seccomp);
                return brig_error_wrap(err, "policy seccomp floor");
        }
        return 0;
}
