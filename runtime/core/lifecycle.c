/* SPDX-License-Identifier: Apache-2.0 */
/* start, kill, delete, run: everything after `create`, driven from the state directory. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "brig/cgroup.h"
#include "brig/cleanup.h"
#include "brig/console.h"
#include "brig/container.h"
#include "brig/hooks.h"
#include "brig/log.h"
#include "brig/util.h"

/* A locked state directory with its state and live status. */
struct loaded {
        int fd;
        struct container_state st;
        enum container_status status;
};

static void loaded_release(struct loaded *l)
{
        if (l->fd >= 0)
                close(l->fd);
        state_release(&l->st);
}

static int load(const struct runtime_options *rt, const char *id, bool lock, struct loaded *l, brig_error **err)
{
        *l = (struct loaded){ .fd = -1 };
        l->fd = state_dir_open(rt->root, id, lock, err);
        if (l->fd < 0)
                return -1;
        if (state_read(l->fd, id, &l->st, err) < 0)
                return -1;
        l->status = state_status(l->fd, &l->st);
        return 0;
}

int container_load(const struct runtime_options *rt, const char *id, struct container_state *ret,
                   enum container_status *ret_status, brig_error **err)
{
        struct loaded l;

        if (load(rt, id, false, &l, err) < 0) {
                loaded_release(&l);
                return -1;
        }
        *ret = l.st;
        *ret_status = l.status;
        l.st = (struct container_state){ 0 };
        loaded_release(&l);
        return 0;
}

/* Hooks after create: their failure is a warning, as the runtime-spec says. */
static void run_late_hooks(int state_fd, const struct container_state *st, enum container_status status,
                           bool poststop)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_free_ char *json = NULL;
        brig_error *err = NULL;
        const struct spec_hooks *h;

        if (state_load_config(state_fd, st->bundle, &spec, &err) < 0)
                goto out;
        h = &spec->hooks;
        json = state_to_json(st, status, false);
        if (poststop)
                hooks_run(h->poststop, h->n_poststop, "poststop", json, &err);
        else
                hooks_run(h->poststart, h->n_poststart, "poststart", json, &err);
out:
        if (err != NULL)
                brig_warn("%s", err->msg);
        brig_error_free(&err);
}

static int start_locked(struct loaded *l, brig_error **err)
{
        _cleanup_close_ int fifo = -1;

        if (l->status != STATUS_CREATED)
                return brig_err(err, "cannot start container `%s`: it is %s, not created", l->st.id,
                                status_name(l->status));
        fifo = openat(l->fd, STATE_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fifo < 0) {
                if (errno == ENXIO)
                        return brig_err(err, "cannot start container `%s`: its init process is gone", l->st.id);
                return brig_syserr(err, "open `%s`", STATE_FIFO);
        }
        if (write(fifo, "0", 1) != 1)
                return brig_syserr(err, "start container `%s`", l->st.id);
        if (unlinkat(l->fd, STATE_FIFO, 0) < 0)
                return brig_syserr(err, "remove `%s`", STATE_FIFO);
        run_late_hooks(l->fd, &l->st, STATUS_RUNNING, false);
        return 0;
}

int container_start(const struct runtime_options *rt, const char *id, brig_error **err)
{
        struct loaded l;
        int r = load(rt, id, true, &l, err);

        if (r == 0)
                r = start_locked(&l, err);
        loaded_release(&l);
        return r;
}

/* Signal the init through a pidfd, after checking it is still the process we started. */
static int signal_init(const struct container_state *st, int sig, int *ret_pidfd, brig_error **err)
{
        _cleanup_close_ int pidfd = (int) syscall(SYS_pidfd_open, st->pid, 0);

        if (pidfd < 0 || process_start_time(st->pid) != st->pid_start_time)
                return brig_err(err, "container `%s` is not running", st->id);
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
                return brig_syserr(err, "send signal %d to container `%s`", sig, st->id);
        if (ret_pidfd != NULL)
                *ret_pidfd = TAKE_FD(pidfd);
        return 0;
}

static int kill_all(const struct container_state *st, int sig, brig_error **err)
{
        _cleanup_cgroup_ struct brig_cgroup *cg = NULL;

        if (st->cgroup_path == NULL)
                return brig_err(err, "container `%s` has no cgroup: --all is not possible", st->id);
        if (cgroup_open(st->cgroup_path, &cg, err) < 0)
                return -1;
        return cgroup_kill_all(cg, sig, err);
}

int container_kill(const struct runtime_options *rt, const char *id, int sig, bool all, brig_error **err)
{
        struct loaded l;
        int r = load(rt, id, true, &l, err);

        if (r == 0) {
                if (l.status == STATUS_STOPPED || l.status == STATUS_CREATING)
                        r = brig_err(err, "container `%s` is not running", id);
                else if (all)
                        r = kill_all(&l.st, sig, err);
                else
                        r = signal_init(&l.st, sig, NULL, err);
        }
        loaded_release(&l);
        return r;
}

static int wait_pidfd_exit(int pidfd, int timeout_ms)
{
        struct pollfd p = { .fd = pidfd, .events = POLLIN };

        return poll(&p, 1, timeout_ms);
}

static int destroy_locked(const struct runtime_options *rt, struct loaded *l, brig_error **err)
{
        _cleanup_cgroup_ struct brig_cgroup *cg = NULL;

        if (l->status != STATUS_STOPPED && l->status != STATUS_CREATING) {
                _cleanup_close_ int pidfd = -1;

                if (signal_init(&l->st, SIGKILL, &pidfd, err) == 0)
                        wait_pidfd_exit(pidfd, 10000);
                brig_error_free(err);
        }
        if (l->st.cgroup_path != NULL) {
                if (cgroup_open(l->st.cgroup_path, &cg, err) == 0) {
                        cgroup_set_created_depth(cg, l->st.cgroup_depth);
                        if (cgroup_destroy(cg, err) < 0)
                                return -1;
                }
                brig_error_free(err); /* already gone */
        }
        run_late_hooks(l->fd, &l->st, STATUS_STOPPED, true);
        return state_dir_remove(rt->root, l->st.id, err);
}

int container_delete(const struct runtime_options *rt, const char *id, bool force, brig_error **err)
{
        struct loaded l;
        int r;

        /* `delete --force` of a container that is gone succeeds, as with runc: containerd's shim
         * runs it after every delete and after a failed create, and logs a failure otherwise. */
        if (state_validate_id(id, err) < 0)
                return -1;
        if (force && !state_dir_exists(rt->root, id))
                return 0;
        r = load(rt, id, true, &l, err);
        if (r == 0) {
                if ((l.status == STATUS_RUNNING || l.status == STATUS_PAUSED) && !force)
                        r = brig_err(err, "cannot delete container `%s`: it is %s (use --force)", id,
                                     status_name(l.status));
                else
                        r = destroy_locked(rt, &l, err);
        }
        loaded_release(&l);
        return r;
}

int container_run(const struct runtime_options *rt, const char *id, const struct create_options *opts,
                  bool detach, int *ret_status, brig_error **err)
{
        _cleanup_close_ int ours = -1, theirs = -1, master = -1;
        struct create_options o = *opts;
        brig_error *ignored = NULL;
        pid_t pid;
        int r;

        *ret_status = 0;
        /* In the foreground without --console-socket, a terminal stays with us, as runc does. */
        if (!detach && opts->console_socket == NULL) {
                int sv[2];

                if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                        return brig_syserr(err, "socketpair");
                ours = sv[0];
                theirs = sv[1];
                o.has_terminal_socket = true;
                o.terminal_socket = theirs;
        }
        if (container_create(rt, id, &o, &pid, err) < 0)
                return -1;
        r = ours >= 0 ? console_recv_master(ours, &master, err) : 0;
        if (r == 0)
                r = container_start(rt, id, err);
        if (r == 0 && detach)
                return 0;
        if (r == 0)
                r = container_wait(pid, master, ret_status, err);
        /* A foreground run owns the container: it goes away with its workload. */
        if (container_delete(rt, id, true, &ignored) < 0)
                brig_warn("%s", ignored->msg);
        brig_error_free(&ignored);
        return r;
}
