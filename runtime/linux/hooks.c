/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI hooks: spawn, feed the state JSON on stdin, wait with a timeout.
 *
 * No global state is touched: the state goes over a socketpair written with
 * MSG_NOSIGNAL (a hook that never reads its stdin cannot SIGPIPE us), and the
 * timeout is a poll() on a pidfd (no SIGCHLD/SIGALRM handlers).
 */
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/hooks.h"

/* One running hook: its pidfd and what is left to write on its stdin. */
struct hook_run {
        int pidfd;
        int stdin_fd; /* -1 once the state is written or the hook closed its stdin */
        const char *input;
        size_t input_left;
        int64_t deadline_ms; /* CLOCK_MONOTONIC; -1: no timeout */
};

static int64_t monotonic_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The poll() timeout until the deadline: -1 for none, 0 once it has passed. */
static int poll_timeout_ms(const struct hook_run *run)
{
        if (run->deadline_ms < 0)
                return -1;
        int64_t left = run->deadline_ms - monotonic_ms();
        return left > 0 ? (int)left : 0;
}

/*
 * Start the hook with `stdin_fd` as its stdin and stdout/stderr inherited. posix_spawn
 * reports exec failures to us directly, and resets the signal mask and dispositions the
 * runtime may have changed so the hook starts with a clean slate.
 */
static int spawn_hook(const struct spec_hook *hook, int stdin_fd, pid_t *ret_pid, brig_error **err)
{
        char *default_argv[] = { hook->path, NULL };
        char *empty_env[] = { NULL };
        /* The spec: env is exactly the hook's env, args[0] is passed as given. */
        char *const *argv = hook->args != NULL && hook->args[0] != NULL ? hook->args : default_argv;
        char *const *envp = hook->env != NULL ? hook->env : empty_env;
        posix_spawn_file_actions_t actions;
        posix_spawnattr_t attr;
        sigset_t none, all;
        int r;

        sigemptyset(&none);
        sigfillset(&all);
        r = posix_spawn_file_actions_init(&actions);
        if (r != 0)
                return brig_error_make(err, r, "prepare spawn");
        r = posix_spawnattr_init(&attr);
        if (r != 0) {
                posix_spawn_file_actions_destroy(&actions);
                return brig_error_make(err, r, "prepare spawn");
        }
        r = posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
        if (r == 0)
                r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        if (r == 0)
                r = posix_spawnattr_setsigmask(&attr, &none);
        if (r == 0)
                r = posix_spawnattr_setsigdefault(&attr, &all);
        if (r == 0)
                r = posix_spawn(ret_pid, hook->path, &actions, &attr, argv, envp);
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&actions);
        if (r != 0)
                return brig_error_make(err, r, "execute");
        return 0;
}

static void stop_feeding(struct hook_run *run)
{
        brig_closep(&run->stdin_fd);
        run->stdin_fd = -1;
}

/* Write what the socket takes without blocking; close it when done so the hook sees EOF. */
static int feed_stdin(struct hook_run *run, brig_error **err)
{
        while (run->input_left > 0) {
                ssize_t n = send(run->stdin_fd, run->input, run->input_left, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                return 0;
                        /* The hook closed its stdin without reading it all: its choice. */
                        if (errno == EPIPE || errno == ECONNRESET)
                                break;
                        return brig_syserr(err, "write state to stdin");
                }
                run->input += n;
                run->input_left -= (size_t)n;
        }
        stop_feeding(run);
        return 0;
}

static int reap(int pidfd, siginfo_t *ret, brig_error **err)
{
        memset(ret, 0, sizeof(*ret));
        while (waitid(P_PIDFD, (id_t)pidfd, ret, WEXITED) < 0)
                if (errno != EINTR)
                        return brig_syserr(err, "wait");
        return 0;
}

static void kill_and_reap(int pidfd)
{
        siginfo_t info;
        brig_error *ignored = NULL;

        /* Best effort on a path that already fails: the error being reported matters more. */
        (void)pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        if (reap(pidfd, &info, &ignored) < 0)
                brig_error_free(&ignored);
}

/* Feed stdin and wait for the exit, whichever order the hook does things in. */
static int wait_hook(struct hook_run *run, const struct spec_hook *hook, siginfo_t *ret, brig_error **err)
{
        for (;;) {
                struct pollfd fds[] = {
                        { .fd = run->pidfd, .events = POLLIN },
                        { .fd = run->stdin_fd, .events = POLLOUT }, /* ignored by poll once -1 */
                };
                int r = poll(fds, ARRAY_SIZE(fds), poll_timeout_ms(run));
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        r = brig_syserr(err, "poll");
                        kill_and_reap(run->pidfd);
                        return r;
                }
                if (r == 0) {
                        kill_and_reap(run->pidfd);
                        return brig_err(err, "timed out after %ds", hook->timeout);
                }
                if (fds[0].revents != 0)
                        return reap(run->pidfd, ret, err);
                if (fds[1].revents != 0 && feed_stdin(run, err) < 0) {
                        kill_and_reap(run->pidfd);
                        return -1;
                }
        }
}

static int check_exit(const siginfo_t *info, brig_error **err)
{
        if (info->si_code == CLD_EXITED) {
                if (info->si_status == 0)
                        return 0;
                return brig_err(err, "exited with status %d", info->si_status);
        }
        const char *name = sigabbrev_np(info->si_status);
        if (name != NULL)
                return brig_err(err, "killed by signal SIG%s", name);
        return brig_err(err, "killed by signal %d", info->si_status);
}

static int run_hook(const struct spec_hook *hook, const char *state_json, brig_error **err)
{
        int pair[2];
        pid_t pid;
        siginfo_t info;
        int r;

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
                return brig_syserr(err, "socketpair");
        _cleanup_close_ int ours = pair[0];
        _cleanup_close_ int theirs = pair[1];

        r = spawn_hook(hook, theirs, &pid, err);
        if (r < 0)
                return r;
        brig_closep(&theirs);
        theirs = -1;

        /* Our child, not yet reaped: its pid cannot have been reused. */
        _cleanup_close_ int pidfd = pidfd_open(pid, 0);
        if (pidfd < 0) {
                r = brig_syserr(err, "pidfd_open");
                (void)kill(pid, SIGKILL);
                (void)waitpid(pid, NULL, 0);
                return r;
        }

        struct hook_run run = {
                .pidfd = pidfd,
                .stdin_fd = TAKE_FD(ours),
                .input = state_json,
                .input_left = strlen(state_json),
                .deadline_ms = hook->has_timeout ? monotonic_ms() + (int64_t)hook->timeout * 1000 : -1,
        };
        r = wait_hook(&run, hook, &info, err);
        stop_feeding(&run);
        if (r < 0)
                return r;
        return check_exit(&info, err);
}

int hooks_run(const struct spec_hook *hooks, size_t n, const char *phase, const char *state_json,
              brig_error **err)
{
        for (size_t i = 0; i < n; i++) {
                int r = run_hook(&hooks[i], state_json, err);
                if (r < 0)
                        return brig_error_wrap(err, "%s hook #%zu (`%s`)", phase, i + 1, hooks[i].path);
        }
        return 0;
}
