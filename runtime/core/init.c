/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's init process, from clone to execve. Every failure before SYNC_READY is
 * sent to the runtime, which prints it and cleans up; after it (the runtime has exited),
 * the only place left to report to is the container's stderr.
 */
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/console.h"
#include "brig/container.h"
#include "brig/hooks.h"
#include "brig/netlink.h"
#include "brig/process.h"
#include "brig/rootfs.h"
#include "brig/sync.h"
#include "brig/sysctl.h"
#include "brig/util.h"
#include "core.h"

static int set_identity_names(const struct brig_spec *spec, const struct ns_plan *ns, brig_error **err)
{
        bool own_uts = (ns->clone_flags & CLONE_NEWUTS) != 0;

        /* Setting a name in the host's UTS namespace would rename the host. */
        if ((spec->hostname != NULL || spec->domainname != NULL) && !own_uts && ns->join_fds[SPEC_NS_UTS] < 0)
                return brig_err(err, "config.json: hostname: needs a new uts namespace");
        if (spec->hostname != NULL && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
                return brig_syserr(err, "config.json: hostname: set `%s`", spec->hostname);
        if (spec->domainname != NULL && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
                return brig_syserr(err, "config.json: domainname: set `%s`", spec->domainname);
        return 0;
}

static int join_session_keyring(const struct init_context *ctx, brig_error **err)
{
        _cleanup_free_ char *name = NULL;

        if (ctx->opts->no_new_keyring)
                return 0;
        name = xasprintf("_ses.%s", ctx->id);
        /* Keys of the host's session must not be reachable from the container. */
        if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0) < 0 && errno != ENOSYS)
                return brig_syserr(err, "join a new session keyring");
        return 0;
}

/* In a new user namespace we still carry the host's ids, which it does not map: become its root. */
static int become_userns_root(brig_error **err)
{
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                return brig_syserr(err, "become root of the user namespace (are uid 0 and gid 0 mapped?)");
        return 0;
}

static int enter_namespaces(struct init_context *ctx, brig_error **err)
{
        if (ns_join_paths(&ctx->ns, err) < 0)
                return -1;
        if (ns_plan_has(&ctx->ns, SPEC_NS_USER) && become_userns_root(err) < 0)
                return -1;
        if (ctx->ns.unshare_time && ns_unshare_time(ctx->spec->linux, err) < 0)
                return -1;
        if ((ctx->ns.clone_flags & CLONE_NEWNET) && netlink_loopback_up(err) < 0)
                return brig_error_wrap(err, "bring up loopback");
        return 0;
}

/*
 * Everything that depends on being in the container's cgroup waits here: the cgroup namespace
 * must be rooted there, the cgroup mount shows it, and no hook or user code may run outside it.
 */
static int wait_for_cgroup(void *data, brig_error **err)
{
        struct init_context *ctx = data;

        if (sync_expect(ctx->sync_fd, SYNC_CGROUP_JOINED, err) < 0)
                return -1;
        if (ctx->ns.unshare_cgroup && unshare(CLONE_NEWCGROUP) < 0)
                return brig_syserr(err, "create the cgroup namespace");
        return 0;
}

static bool has_runtime_hooks(const struct spec_hooks *h)
{
        return h->n_prestart > 0 || h->n_create_runtime > 0;
}

/* Everything up to pivot_root happens with the host's view of the filesystem. */
static int setup_before_pivot(struct init_context *ctx, const struct rootfs_options *ropts, brig_error **err)
{
        const struct brig_spec *spec = ctx->spec;

        if (set_identity_names(spec, &ctx->ns, err) < 0 || join_session_keyring(ctx, err) < 0)
                return -1;
        if (sysctl_apply(spec->linux, err) < 0)
                return -1;
        /* Relative bind sources are relative to the bundle, as the spec says. */
        if (chdir(ctx->bundle) < 0)
                return brig_syserr(err, "chdir to bundle `%s`", ctx->bundle);
        if (rootfs_prepare(spec, ropts, err) < 0)
                return -1;
        if (has_runtime_hooks(&spec->hooks)) {
                if (sync_send(ctx->sync_fd, SYNC_RUN_HOOKS, err) < 0 ||
                    sync_expect(ctx->sync_fd, SYNC_HOOKS_DONE, err) < 0)
                        return -1;
        }
        return hooks_run(spec->hooks.create_container, spec->hooks.n_create_container, "createContainer",
                         ctx->state_json, err);
}

/* listenerPath is a host path: reach it before pivot_root hides the host. */
static int connect_seccomp_listener(const struct init_context *ctx, struct exec_plan *plan, brig_error **err)
{
        const struct spec_linux *l = ctx->spec->linux;

        plan->seccomp_listener_fd = -1;
        if (seccomp_listener_connect(l != NULL ? l->seccomp : NULL, &plan->seccomp_listener_fd, err) < 0)
                return -1;
        plan->has_seccomp_listener = plan->seccomp_listener_fd >= 0;
        plan->seccomp_state_json = ctx->state_json;
        return 0;
}

static int setup_container(struct init_context *ctx, struct exec_plan *plan, int *ret_fifo, brig_error **err)
{
        const struct brig_spec *spec = ctx->spec;
        struct rootfs_options ropts = {
                .rootfs = ctx->rootfs,
                .no_pivot = ctx->opts->no_pivot,
                .in_user_namespace = ns_plan_has(&ctx->ns, SPEC_NS_USER),
                .mount_fds = ctx->mount_fds,
                .cgroup_gate = wait_for_cgroup,
                .cgroup_gate_data = ctx,
        };
        _cleanup_close_ int fifo = -1;

        if (sync_expect(ctx->sync_fd, SYNC_GO, err) < 0 ||
            sync_recv_string(ctx->sync_fd, &ctx->state_json, err) < 0)
                return -1;
        /* Opened while still the host's root. O_RDWR does not block on a fifo; the read in
         * wait_for_start blocks until `start` writes. */
        fifo = openat(ctx->state_fd, STATE_FIFO, O_RDWR | O_CLOEXEC);
        if (fifo < 0)
                return brig_syserr(err, "open `%s`", STATE_FIFO);
        /* The inherited fd shares the runtime's flock: holding it would lock out `start`. */
        close(ctx->state_fd);
        ctx->state_fd = -1;
        if (enter_namespaces(ctx, err) < 0)
                return -1;
        if (setup_before_pivot(ctx, &ropts, err) < 0 || connect_seccomp_listener(ctx, plan, err) < 0 ||
            rootfs_pivot(&ropts, err) < 0)
                return -1;
        if (spec->process->terminal && console_setup(ctx->console_fd, spec->process, err) < 0)
                return -1;
        if (rootfs_finalize(spec, err) < 0)
                return -1;
        /* The runtime compiled them before clone: this process holds its own copy. */
        plan->seccomp = TAKE_PTR(ctx->seccomp);
        plan->floor = TAKE_PTR(ctx->seccomp_floor);
        if (process_finalize(spec->process, spec->linux, plan, err) < 0)
                return -1;
        *ret_fifo = TAKE_FD(fifo);
        return 0;
}

static int wait_for_start(int fifo, brig_error **err)
{
        char c;
        ssize_t n;

        do
                n = read(fifo, &c, 1);
        while (n < 0 && errno == EINTR);
        if (n != 1)
                return brig_syserr(err, "wait for start");
        return 0;
}

_Noreturn void container_init(struct init_context *ctx)
{
        struct exec_plan plan = { 0 };
        brig_error *err = NULL;
        int fifo = -1;

        /* Until `create` returns, the container must not outlive a crashed runtime. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || setup_container(ctx, &plan, &fifo, &err) < 0)
                goto fail;
        if (prctl(PR_SET_PDEATHSIG, 0) < 0) {
                brig_syserr(&err, "clear the parent-death signal");
                goto fail;
        }
        if (sync_send(ctx->sync_fd, SYNC_READY, &err) < 0)
                goto fail;
        close(ctx->sync_fd);
        ctx->sync_fd = -1;

        if (wait_for_start(fifo, &err) < 0 ||
            hooks_run(ctx->spec->hooks.start_container, ctx->spec->hooks.n_start_container, "startContainer",
                      ctx->state_json, &err) < 0 ||
            pass_only_preserved_fds(ctx->opts->preserve_fds, &err) < 0)
                goto fail;
        process_exec(&plan, ctx->spec->process, &err);
fail:
        if (ctx->sync_fd >= 0) {
                sync_send_error(ctx->sync_fd, err);
        } else {
                _cleanup_free_ char *text = brig_error_text(err);
                fprintf(stderr, "brig: %s\n", text);
        }
        _exit(127);
}
