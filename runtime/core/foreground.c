/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A foreground `run` or `exec`: wait for the process, forward the signals the runtime receives,
 * and, when the runtime keeps the terminal itself (no --console-socket), copy between its own
 * stdio and the pty master, with our terminal raw and its size passed on, as runc does.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/container.h"
#include "brig/util.h"

static const int forwarded_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };

static int block_forwarded_signals(sigset_t *set, brig_error **err)
{
        sigemptyset(set);
        for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
                sigaddset(set, forwarded_signals[i]);
        if (sigprocmask(SIG_BLOCK, set, NULL) < 0)
                return brig_syserr(err, "block signals");
        return 0;
}

static int exit_status_of(int wstatus)
{
        if (WIFSIGNALED(wstatus))
                return 128 + WTERMSIG(wstatus);
        return WEXITSTATUS(wstatus);
}

/* Our terminal, if stdin is one, goes raw while the container's terminal is in charge. */
struct raw_tty {
        bool active;
        struct termios saved;
};

static void tty_make_raw(struct raw_tty *t)
{
        struct termios raw;

        if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &t->saved) < 0)
                return;
        raw = t->saved;
        cfmakeraw(&raw);
        t->active = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

static void tty_restore(struct raw_tty *t)
{
        if (t->active)
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
}

static void copy_window_size(int master)
{
        struct winsize ws;

        if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
                (void) ioctl(master, TIOCSWINSZ, &ws);
}

/* Copy what is readable now; false at end of input (EOF, or EIO once the pty's last user is gone). */
static bool pump(int from, int to)
{
        char buf[8192];
        ssize_t n = read(from, buf, sizeof(buf));

        if (n < 0)
                return errno == EAGAIN || errno == EINTR;
        return n > 0 && write_all(to, buf, (size_t) n) == n;
}

static void drain_master(int master)
{
        if (fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK) == 0)
                while (pump(master, STDOUT_FILENO)) {
                        struct pollfd p = { .fd = master, .events = POLLIN };
                        if (poll(&p, 1, 0) <= 0)
                                break;
                }
}

int container_wait(pid_t pid, int master, int *ret_status, brig_error **err)
{
        _cleanup_close_ int pidfd = (int) syscall(SYS_pidfd_open, pid, 0), sfd = -1;
        struct raw_tty tty = { 0 };
        bool input = master >= 0;
        sigset_t set;
        int wstatus;

        if (pidfd < 0)
                return brig_syserr(err, "pidfd_open");
        if (block_forwarded_signals(&set, err) < 0)
                return -1;
        sfd = signalfd(-1, &set, SFD_CLOEXEC);
        if (sfd < 0)
                return brig_syserr(err, "signalfd");
        if (master >= 0) {
                copy_window_size(master);
                tty_make_raw(&tty);
        }
        for (;;) {
                struct pollfd p[4] = {
                        { .fd = pidfd, .events = POLLIN },
                        { .fd = sfd, .events = POLLIN },
                        { .fd = master, .events = POLLIN },
                        { .fd = input ? STDIN_FILENO : -1, .events = POLLIN },
                };
                struct signalfd_siginfo si;

                if (poll(p, master >= 0 ? 4 : 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        tty_restore(&tty);
                        return brig_syserr(err, "poll");
                }
                if (p[0].revents)
                        break;
                if ((p[1].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si)) {
                        /* With our own terminal, a resize is passed to it rather than signalled. */
                        if (master >= 0 && si.ssi_signo == SIGWINCH)
                                copy_window_size(master);
                        else
                                syscall(SYS_pidfd_send_signal, pidfd, (int) si.ssi_signo, NULL, 0);
                }
                if (master >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(master, STDOUT_FILENO))
                        master = -1; /* the workload closed its terminal; wait for it to exit */
                if (input && (p[3].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(STDIN_FILENO, p[2].fd))
                        input = false;
        }
        if (master >= 0)
                drain_master(master);
        tty_restore(&tty);
        if (waitpid(pid, &wstatus, 0) < 0)
                return brig_syserr(err, "wait for the container");
        *ret_status = exit_status_of(wstatus);
        return 0;
}
