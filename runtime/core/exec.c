/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `exec`: start another process inside a running container. It joins the init's namespaces
 * and cgroup and goes through the same policy and the same final steps (limits, identity,
 * capabilities, no_new_privs, seccomp) as the init did.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brig/cgroup.h"
#include "brig/cleanup.h"
#include "brig/console.h"
#include "brig/container.h"
#include "brig/policy.h"
#include "brig/process.h"
#include "brig/sync.h"
#include "brig/util.h"
#include "core.h"

static const char *const ns_files[SPEC_NS__COUNT] = {
        [SPEC_NS_PID] = "pid", [SPEC_NS_NETWORK] = "net", [SPEC_NS_MOUNT] = "mnt",    [SPEC_NS_IPC] = "ipc",
        [SPEC_NS_UTS] = "uts", [SPEC_NS_USER] = "user",   [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

static bool same_namespace(pid_t pid, const char *name)
{
        _cleanup_free_ char *theirs = xasprintf("/proc/%d/ns/%s", pid, name);
        _cleanup_free_ char *ours = xasprintf("/proc/self/ns/%s", name);
        struct stat a, b;

        return stat(theirs, &a) == 0 && stat(ours, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Join every namespace in which the init differs from us. */
static int plan_namespaces_of(const struct container_state *st, struct ns_plan *plan, brig_error **err)
{
        pid_t pid = st->pid;

        *plan = (struct ns_plan){ 0 };
        for (size_t t = 0; t < SPEC_NS__COUNT; t++)
                plan->join_fds[t] = -1;
        for (size_t t = 0; t < SPEC_NS__COUNT; t++) {
                _cleanup_free_ char *path = NULL;

                if (ns_files[t] == NULL || same_namespace(pid, ns_files[t]))
                        continue;
                path = xasprintf("/proc/%d/ns/%s", pid, ns_files[t]);
                plan->join_fds[t] = open(path, O_RDONLY | O_CLOEXEC);
                if (plan->join_fds[t] < 0) {
                        int r = brig_syserr(err, "open `%s`", path);
                        ns_plan_release(plan);
                        return r;
                }
        }
        /* The state lock is gone: had the init died and its pid been reused, these are a stranger's. */
        if (process_start_time(pid) != st->pid_start_time) {
                ns_plan_release(plan);
                return brig_err(err, "cannot exec in container `%s`: it is stopped", st->id);
        }
        return 0;
}

static int parse_user(const char *s, struct spec_user *u, brig_error **err)
{
        _cleanup_free_ char *copy = xstrdup(s);
        char *gid = strchr(copy, ':');
        int64_t v;

        if (gid != NULL)
                *gid++ = '\0';
        if (parse_int64(copy, &v) < 0 || v < 0 || v > UINT32_MAX)
                return brig_err(err, "exec: --user: `%s` is not uid[:gid]", s);
        u->uid = (uid_t) v;
        if (gid != NULL) {
                if (parse_int64(gid, &v) < 0 || v < 0 || v > UINT32_MAX)
                        return brig_err(err, "exec: --user: `%s` is not uid[:gid]", s);
                u->gid = (gid_t) v;
        }
        return 0;
}

/* Without --process, the new process starts from the container's own process settings. */
static int apply_exec_flags(struct spec_process *p, const struct exec_options *o, brig_error **err)
{
        if (strv_length(o->args) == 0)
                return brig_err(err, "exec: no command given (and no --process)");
        strv_free(p->args);
        p->args = strv_copy(o->args);
        for (size_t i = 0; o->env != NULL && o->env[i] != NULL; i++)
                strv_push(&p->env, o->env[i]);
        if (o->cwd != NULL) {
                free(p->cwd);
                p->cwd = xstrdup(o->cwd);
        }
        p->terminal = o->tty;
        return o->user != NULL ? parse_user(o->user, &p->user, err) : 0;
}

static int load_process(const struct exec_options *o, struct brig_spec *spec, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        struct spec_process *p = NULL;
        size_t len;

        if (o->process_file == NULL)
                return apply_exec_flags(spec->process, o, err);
        if (read_file_at(AT_FDCWD, o->process_file, &text, &len, err) < 0 ||
            spec_parse_process(text, len, "process.json", &p, err) < 0)
                return brig_error_wrap(err, "exec: --process");
        spec_process_free(spec->process);
        spec->process = p;
        return 0;
}

struct exec_child {
        const struct brig_spec *spec;
        const struct exec_options *opts;
        struct brig_seccomp *seccomp, *floor; /* compiled before clone */
        struct ns_plan ns;
        int sync_fd;
        int console_fd;
};

static int exec_child_setup(struct exec_child *c, struct exec_plan *plan, brig_error **err)
{
        if (sync_expect(c->sync_fd, SYNC_GO, err) < 0 || ns_join_paths(&c->ns, err) < 0)
                return -1;
        if (c->spec->process->terminal && console_setup_exec(c->console_fd, c->spec->process, err) < 0)
                return -1;
        plan->seccomp = TAKE_PTR(c->seccomp);
        plan->floor = TAKE_PTR(c->floor);
        if (process_finalize(c->spec->process, c->spec->linux, plan, err) < 0)
                return -1;
        return pass_only_preserved_fds(c->opts->preserve_fds, err);
}

_Noreturn static void exec_child(struct exec_child *c)
{
        struct exec_plan plan = { 0 };
        brig_error *err = NULL;

        /* No parent-death signal: it would survive execve and kill a detached exec with the runtime. */
        if (exec_child_setup(c, &plan, &err) == 0)
                process_exec(&plan, c->spec->process, &err);
        /* Our end of the socket closes on a successful execve: the runtime reads EOF then. */
        sync_send_error(c->sync_fd, err);
        _exit(127);
}

/* EOF means execve succeeded (the child's end is close-on-exec); SYNC_ERROR carries why not. */
static int wait_exec_started(int fd, brig_error **err)
{
        uint32_t m;
        ssize_t n = read_all(fd, &m, sizeof(m));

        if (n == 0)
                return 0;
        if (n == sizeof(m) && m == SYNC_ERROR && brig_error_recv(fd, err, err) == 0)
                return -1;
        return brig_err(err, "exec: the process died before it started");
}

static int spawn_exec(struct exec_child *c, struct brig_cgroup *cg, pid_t *ret_pid, brig_error **err)
{
        _cleanup_close_ int saved_pidns = -1, parent_end = -1;
        int sv[2];
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return brig_syserr(err, "socketpair");
        parent_end = sv[0];
        if (ns_enter_pid_for_children(&c->ns, &saved_pidns, err) < 0) {
                close(sv[1]);
                return -1;
        }
        pid = clone_into(0, cg != NULL ? cgroup_clone_fd(cg) : -1);
        if (pid == 0) {
                close(sv[0]);
                c->sync_fd = sv[1];
                exec_child(c);
        }
        if (pid < 0) {
                int r = brig_syserr(err, "exec: clone");
                close(sv[1]);
                ns_restore_pid_for_children(saved_pidns, err);
                return r;
        }
        close(sv[1]);
        *ret_pid = pid;
        if (ns_restore_pid_for_children(saved_pidns, err) < 0 ||
            (cg != NULL && cgroup_clone_fd(cg) < 0 && cgroup_enter(cg, pid, err) < 0) ||
            sync_send(parent_end, SYNC_GO, err) < 0 || wait_exec_started(parent_end, err) < 0) {
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                return -1;
        }
        return 0;
}

/* --console-socket, or in the foreground a socketpair whose other end keeps the terminal with us. */
static int open_terminal_socket(const struct exec_options *o, int *ret_fd, int *ret_ours, brig_error **err)
{
        int sv[2];

        if (o->console_socket != NULL)
                return console_socket_connect(o->console_socket, ret_fd, err);
        if (o->detach)
                return brig_err(err, "exec: --tty --detach needs --console-socket to pass the terminal");
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return brig_syserr(err, "socketpair");
        *ret_ours = sv[0];
        *ret_fd = sv[1];
        return 0;
}

static int open_container_cgroup(const struct container_state *st, struct brig_cgroup **ret, brig_error **err)
{
        *ret = NULL;
        return st->cgroup_path != NULL ? cgroup_open(st->cgroup_path, ret, err) : 0;
}

static int prepare_exec(const struct runtime_options *rt, const char *id, const struct exec_options *o,
                        struct container_state *st, struct brig_spec **spec, struct brig_policy **policy,
                        brig_error **err)
{
        _cleanup_policy_report_ struct policy_report *report = NULL;
        _cleanup_close_ int fd = -1;
        enum container_status status;

        if (check_preserved_fds(o->preserve_fds, err) < 0)
                return -1;
        fd = state_dir_open(rt->root, id, true, err);
        if (fd < 0 || state_read(fd, id, st, err) < 0)
                return -1;
        status = state_status(fd, st);
        if (status != STATUS_RUNNING && status != STATUS_CREATED)
                return brig_err(err, "cannot exec in container `%s`: it is %s", id, status_name(status));
        if (state_load_config(fd, st->bundle, spec, err) < 0 || load_process(o, *spec, err) < 0)
                return -1;
        /* The exec'd process gets no more privilege than the policy grants an init. */
        if (policy_load(rt->policy_file, rt->policy_preset, policy, err) < 0)
                return -1;
        return policy_enforce(*policy, *spec, &report, err);
}

int container_exec(const struct runtime_options *rt, const char *id, const struct exec_options *o,
                   int *ret_status, brig_error **err)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_policy_ struct brig_policy *policy = NULL;
        _cleanup_cgroup_ struct brig_cgroup *cg = NULL;
        _cleanup_close_ int console_fd = -1, ours = -1, master = -1;
        struct container_state st = { 0 };
        struct exec_child child = { .opts = o, .sync_fd = -1, .console_fd = -1 };
        pid_t pid = 0;
        int r;

        *ret_status = 0;
        r = prepare_exec(rt, id, o, &st, &spec, &policy, err);
        if (r == 0 && spec->process->terminal)
                r = open_terminal_socket(o, &console_fd, &ours, err);
        if (r == 0)
                r = open_container_cgroup(&st, &cg, err);
        if (r == 0)
                r = prepare_seccomp_filters(rt, spec, policy, &child.seccomp, &child.floor, err);
        if (r == 0)
                r = plan_namespaces_of(&st, &child.ns, err);
        if (r == 0) {
                child.spec = spec;
                child.console_fd = console_fd;
                r = spawn_exec(&child, cg, &pid, err);
                ns_plan_release(&child.ns);
        }
        seccomp_freep(&child.seccomp);
        seccomp_freep(&child.floor);
        /* A caller that cannot learn the pid cannot manage the process: do not leave it running. */
        if (r == 0 && write_pid_file(o->pid_file, pid, err) < 0) {
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                r = -1;
        }
        if (r == 0 && ours >= 0)
                r = console_recv_master(ours, &master, err);
        if (r == 0 && !o->detach)
                r = container_wait(pid, master, ret_status, err);
        state_release(&st);
        return r;
}
