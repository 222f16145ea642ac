/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `create`: validate the bundle, make the state directory and cgroup, clone the container's
 * init into its namespaces and drive it through setup until it waits for `start`. On any
 * failure everything made so far is undone: no state dir, cgroup or process is left.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brig/cgroup.h"
#include "brig/cleanup.h"
#include "brig/console.h"
#include "brig/container.h"
#include "brig/hooks.h"
#include "brig/log.h"
#include "brig/policy.h"
#include "brig/rootfs.h"
#include "brig/sync.h"
#include "brig/util.h"
#include "core.h"

/* What create has made so far, so a failure can take exactly that back. */
struct creation {
        const struct runtime_options *rt;
        const char *id;
        int state_fd;
        struct brig_cgroup *cgroup;
        pid_t pid;
};

static void creation_undo(struct creation *c)
{
        brig_error *ignored = NULL;

        if (c->pid > 0) {
                kill(c->pid, SIGKILL);
                waitpid(c->pid, NULL, 0);
        }
        if (c->cgroup != NULL)
                cgroup_destroy(c->cgroup, &ignored);
        brig_error_free(&ignored);
        if (c->state_fd >= 0) {
                state_dir_remove(c->rt->root, c->id, &ignored);
                brig_error_free(&ignored);
        }
}

static int resolve_bundle(const char *bundle, char **ret, brig_error **err)
{
        char *abs = realpath(bundle != NULL ? bundle : ".", NULL);

        if (abs == NULL)
                return brig_syserr(err, "bundle `%s`", bundle != NULL ? bundle : ".");
        *ret = abs;
        return 0;
}

static int resolve_rootfs(const char *bundle, const struct brig_spec *spec, char **ret, brig_error **err)
{
        _cleanup_free_ char *joined = NULL;
        struct stat st;
        char *abs;

        if (spec->root.path == NULL)
                return brig_err(err, "config.json: root.path: missing");
        joined = spec->root.path[0] == '/' ? xstrdup(spec->root.path) : xasprintf("%s/%s", bundle, spec->root.path);
        abs = realpath(joined, NULL);
        if (abs == NULL)
                return brig_syserr(err, "config.json: root.path: `%s`", joined);
        if (stat(abs, &st) < 0 || !S_ISDIR(st.st_mode)) {
                free(abs);
                return brig_err(err, "config.json: root.path: `%s` is not a directory", joined);
        }
        *ret = abs;
        return 0;
}

static int check_console(const struct brig_spec *spec, const struct create_options *opts, int *ret_fd,
                         brig_error **err)
{
        *ret_fd = -1;
        if (!spec->process->terminal)
                return 0;
        if (opts->has_terminal_socket) {
                *ret_fd = fcntl(opts->terminal_socket, F_DUPFD_CLOEXEC, 3);
                return *ret_fd < 0 ? brig_syserr(err, "dup the terminal socket") : 0;
        }
        if (opts->console_socket == NULL)
                return brig_err(err, "config.json: process.terminal: needs --console-socket to pass the terminal");
        return console_socket_connect(opts->console_socket, ret_fd, err);
}

static int spawn_init(struct init_context *ctx, struct creation *c, int *ret_sync, brig_error **err)
{
        _cleanup_close_ int saved_pidns = -1;
        int sv[2];
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return brig_syserr(err, "socketpair");
        if (ns_enter_pid_for_children(&ctx->ns, &saved_pidns, err) < 0)
                goto fail;
        pid = clone_into(ctx->ns.clone_flags, cgroup_clone_fd(c->cgroup));
        if (pid < 0) {
                brig_syserr(err, "clone the container's init");
                ns_restore_pid_for_children(saved_pidns, err);
                goto fail;
        }
        if (pid == 0) {
                close(sv[0]);
                ctx->sync_fd = sv[1];
                container_init(ctx);
        }
        c->pid = pid;
        close(sv[1]);
        *ret_sync = sv[0];
        return ns_restore_pid_for_children(saved_pidns, err);
fail:
        close(sv[0]);
        close(sv[1]);
        return -1;
}

static int run_runtime_hooks(const struct brig_spec *spec, const char *state_json, brig_error **err)
{
        if (hooks_run(spec->hooks.prestart, spec->hooks.n_prestart, "prestart", state_json, err) < 0)
                return -1;
        return hooks_run(spec->hooks.create_runtime, spec->hooks.n_create_runtime, "createRuntime", state_json,
                         err);
}

/* The runtime's half of the handshake in sync.h. */
static int drive_init(const struct init_context *ctx, struct creation *c, int sync_fd,
                      struct container_state *st, brig_error **err)
{
        const struct brig_spec *spec = ctx->spec;
        _cleanup_free_ char *state_json = NULL;

        if ((ctx->ns.clone_flags & CLONE_NEWUSER) && ns_write_id_mappings(c->pid, spec->linux, err) < 0)
                return brig_error_wrap(err, "config.json: linux.uidMappings/gidMappings");
        st->pid = c->pid;
        st->pid_start_time = process_start_time(c->pid);
        state_json = state_to_json(st, STATUS_CREATING, false);
        if (sync_send(sync_fd, SYNC_GO, err) < 0 || sync_send_string(sync_fd, state_json, err) < 0)
                return -1;
        /* On cgroup v1 this write waits for an RCU grace period: init builds its mounts meanwhile. */
        if (c->cgroup != NULL && cgroup_clone_fd(c->cgroup) < 0 && cgroup_enter(c->cgroup, c->pid, err) < 0)
                return -1;
        /* If init failed meanwhile, its error is waiting on the socket: report that one. */
        if (sync_send(sync_fd, SYNC_CGROUP_JOINED, err) < 0) {
                brig_error_free(err);
                return sync_expect(sync_fd, SYNC_READY, err) < 0 ? -1 : brig_err(err, "container process hung up");
        }
        if (spec->hooks.n_prestart > 0 || spec->hooks.n_create_runtime > 0) {
                if (sync_expect(sync_fd, SYNC_RUN_HOOKS, err) < 0)
                        return -1;
                if (run_runtime_hooks(spec, state_json, err) < 0) {
                        sync_send_error(sync_fd, *err);
                        return -1;
                }
                if (sync_send(sync_fd, SYNC_HOOKS_DONE, err) < 0)
                        return -1;
        }
        return sync_expect(sync_fd, SYNC_READY, err);
}

static int make_cgroup(const struct runtime_options *rt, const char *id, const struct brig_spec *spec,
                       struct creation *c, char **ret_path, brig_error **err)
{
        const struct spec_linux *l = spec->linux;

        if (cgroup_resolve_path(l != NULL ? l->cgroups_path : NULL, id, rt->systemd_cgroup, ret_path, err) < 0)
                return -1;
        if (cgroup_create(*ret_path, &c->cgroup, err) < 0)
                return -1;
        if (l != NULL && l->resources != NULL && cgroup_apply_resources(c->cgroup, l->resources, err) < 0)
                return -1;
        return 0;
}

static void copy_annotations(const struct brig_spec *spec, struct container_state *st)
{
        st->annotations = xmalloc0(spec->n_annotations * sizeof(*st->annotations));
        for (size_t i = 0; i < spec->n_annotations; i++) {
                st->annotations[i].key = xstrdup(spec->annotations[i].key);
                st->annotations[i].value = xstrdup(spec->annotations[i].value);
        }
        st->n_annotations = spec->n_annotations;
}

static int create_in_state_dir(struct init_context *ctx, struct creation *c, struct container_state *st,
                               brig_error **err)
{
        _cleanup_close_ int sync_fd = -1;

        if (mkfifoat(c->state_fd, STATE_FIFO, 0600) < 0)
                return brig_syserr(err, "create `%s`", STATE_FIFO);
        if (make_cgroup(c->rt, c->id, ctx->spec, c, &st->cgroup_path, err) < 0)
                return -1;
        st->cgroup_depth = cgroup_created_depth(c->cgroup);
        /* Idmapping a host filesystem needs the host's user namespace: init may have left it. */
        if (rootfs_prepare_mount_fds(ctx->spec, ctx->bundle, &ctx->mount_fds, err) < 0)
                return -1;
        if (spawn_init(ctx, c, &sync_fd, err) < 0 || drive_init(ctx, c, sync_fd, st, err) < 0)
                return -1;
        /* Later hooks and exec need the config even when the bundle is gone: the very text the policy
         * judged, not the bundle's file as it is now. */
        if (write_file_atomic_at(c->state_fd, STATE_CONFIG, ctx->config_text, ctx->config_len, err) < 0)
                return -1;
        if (state_write(c->state_fd, st, err) < 0)
                return -1;
        return write_pid_file(ctx->opts->pid_file, c->pid, err);
}

/*
 * The admin's policy decides before anything touches the host: privileged requests are refused
 * (every violation named), loose settings are hardened in the spec, and each decision is audited.
 */
static int enforce_policy(const struct runtime_options *rt, const char *id, const char *bundle,
                          struct brig_spec *spec, struct brig_policy **ret_policy, brig_error **err)
{
        _cleanup_policy_report_ struct policy_report *report = NULL;
        brig_error *audit_err = NULL;
        int r;

        if (policy_load(rt->policy_file, rt->policy_preset, ret_policy, err) < 0)
                return -1;
        r = policy_enforce(*ret_policy, spec, &report, err);
        if (report != NULL && policy_audit_log(*ret_policy, report, id, bundle, &audit_err) < 0) {
                /* A missing audit trail must not take the container down with it. */
                brig_warn("audit log: %s", audit_err->msg);
                brig_error_free(&audit_err);
        }
        return r;
}

static void init_context_release(struct init_context *ctx)
{
        ns_plan_release(&ctx->ns);
        seccomp_freep(&ctx->seccomp);
        seccomp_freep(&ctx->seccomp_floor);
        if (ctx->mount_fds != NULL)
                rootfs_mount_fds_free(ctx->mount_fds, ctx->spec->n_mounts);
        ctx->mount_fds = NULL;
}

int container_create(const struct runtime_options *rt, const char *id, const struct create_options *opts,
                     pid_t *ret_pid, brig_error **err)
{
        _cleanup_policy_ struct brig_policy *policy = NULL;
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_free_ char *bundle = NULL, *rootfs = NULL, *config_text = NULL;
        size_t config_len = 0;
        _cleanup_close_ int console_fd = -1, state_fd = -1;
        struct container_state st = { 0 };
        struct creation c = { .rt = rt, .id = id, .state_fd = -1 };
        struct init_context ctx = { .id = id, .opts = opts, .sync_fd = -1 };
        int r = -1;

        /* Everything that can be checked is checked before anything is made on the host. */
        if (state_validate_id(id, err) < 0 || check_preserved_fds(opts->preserve_fds, err) < 0 ||
            resolve_bundle(opts->bundle, &bundle, err) < 0 || spec_load_text(bundle, &spec, &config_text, &config_len, err) < 0 ||
            enforce_policy(rt, id, bundle, spec, &policy, err) < 0 ||
            prepare_seccomp_filters(rt, spec, policy, &ctx.seccomp, &ctx.seccomp_floor, err) < 0 ||
            resolve_rootfs(bundle, spec, &rootfs, err) < 0 || check_console(spec, opts, &console_fd, err) < 0 ||
            ns_plan_build(spec->linux, &ctx.ns, err) < 0)
                goto out;

        state_fd = state_dir_create(rt->root, id, err);
        if (state_fd < 0)
                goto out;
        c.state_fd = state_fd;
        ctx.spec = spec;
        ctx.bundle = bundle;
        ctx.config_text = config_text;
        ctx.config_len = config_len;
        ctx.rootfs = rootfs;
        ctx.state_fd = state_fd;
        ctx.console_fd = console_fd;
        st = (struct container_state){ .id = xstrdup(id), .bundle = xstrdup(bundle), .rootfs = xstrdup(rootfs),
                                       .created = time_rfc3339_now() };
        copy_annotations(spec, &st);

        r = create_in_state_dir(&ctx, &c, &st, err);
        if (r < 0)
                creation_undo(&c);
        else
                *ret_pid = c.pid;
        cgroup_free(c.cgroup);
        state_release(&st);
out:
        init_context_release(&ctx);
        return r;
}
