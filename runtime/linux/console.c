/* SPDX-License-Identifier: Apache-2.0 */
/*
 * process.terminal: allocate a pty inside the container and hand its master to whoever
 * listens on --console-socket, the way runc does (containerd's console.Recv reads it).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/console.h"
#include "brig/util.h"

int console_socket_connect(const char *path, int *ret_fd, brig_error **err)
{
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        size_t len = strlen(path);

        if (len >= sizeof(addr.sun_path))
                return brig_err(err, "console socket `%s`: path longer than %zu bytes", path,
                                sizeof(addr.sun_path) - 1);
        memcpy(addr.sun_path, path, len + 1);

        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return brig_syserr(err, "console socket `%s`: socket", path);
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                return brig_syserr(err, "connect to console socket `%s`", path);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* The slave must not sit on 0..2: dup2() onto itself would leave it close-on-exec. */
static int fd_move_above_stdio(int *fd, brig_error **err)
{
        if (*fd > STDERR_FILENO)
                return 0;
        int moved = fcntl(*fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
        if (moved < 0)
                return brig_syserr(err, "dup pty slave");
        brig_closep(fd);
        *fd = moved;
        return 0;
}

static int pty_open_slave(int master, const char *name, int *ret_slave, brig_error **err)
{
        /* TIOCGPTPEER opens the peer without a path lookup that a container could redirect. */
        int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0 && (errno == EINVAL || errno == ENOTTY))
                slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return brig_syserr(err, "open pty slave `%s`", name);
        *ret_slave = slave;
        return fd_move_above_stdio(ret_slave, err);
}

/* A new pty from the container's devpts: master, slave, and the slave's name. */
static int pty_open(int *ret_master, int *ret_slave, char *name, size_t name_size, brig_error **err)
{
        _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0)
                return brig_syserr(err, "open `/dev/ptmx`");
        if (unlockpt(master) < 0)
                return brig_syserr(err, "unlockpt");
        int r = ptsname_r(master, name, name_size);
        if (r != 0)
                return brig_error_make(err, r, "ptsname");
        r = pty_open_slave(master, name, ret_slave, err);
        if (r < 0)
                return r;
        *ret_master = TAKE_FD(master);
        return 0;
}

static int pty_set_size(int master, const struct spec_process *proc, brig_error **err)
{
        if (!proc->has_console_size)
                return 0;
        struct winsize ws = {
                .ws_row = (unsigned short)proc->console_size.height,
                .ws_col = (unsigned short)proc->console_size.width,
        };
        if (ioctl(master, TIOCSWINSZ, &ws) < 0)
                return brig_syserr(err, "set window size %ux%u from process.consoleSize",
                                   proc->console_size.width, proc->console_size.height);
        return 0;
}

int console_recv_master(int sock, int *ret_master, brig_error **err)
{
        char name[256];
        /* The container sent it during setup, before it reported ready: nothing to wait for. */
        ssize_t n = recv_with_fd(sock, name, sizeof(name), MSG_DONTWAIT, ret_master);

        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return 0;
        if (n < 0)
                return brig_syserr(err, "receive the pty master");
        if (*ret_master < 0)
                return brig_err(err, "the container sent no pty master");
        return 0;
}

/* One message: the pty name as payload and the master as SCM_RIGHTS, as runc sends it. */
static int send_master(int socket_fd, int master, const char *name, brig_error **err)
{
        if (send_all_with_fd(socket_fd, name, strlen(name), master) < 0)
                return brig_syserr(err, "send pty master over the console socket");
        return 0;
}

/* The runtime-spec: with a terminal, /dev/console is a bind mount of the pty slave. */
static int bind_dev_console(int slave, brig_error **err)
{
        /* A regular file as mount point; never open what may already be a device there. */
        if (mknodat(AT_FDCWD, "/dev/console", S_IFREG | 0600, 0) < 0 && errno != EEXIST)
                return brig_syserr(err, "create `/dev/console`");
        _cleanup_close_ int target = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (target < 0)
                return brig_syserr(err, "open `/dev/console`");
        _cleanup_close_ int tree = open_tree(slave, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0)
                return brig_syserr(err, "clone a mount of the pty");
        if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return brig_syserr(err, "bind the pty onto `/dev/console`");
        return 0;
}

static int become_session_leader(void)
{
        if (setsid() >= 0)
                return 0;
        /* Already leading a session (an earlier setsid()) is as good. */
        return getsid(0) == getpid() ? 0 : -1;
}

/* Make the slave our controlling terminal and our stdin/stdout/stderr. */
static int attach_slave(int slave, const struct spec_process *proc, brig_error **err)
{
        if (become_session_leader() < 0)
                return brig_syserr(err, "setsid");
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                return brig_syserr(err, "make the pty the controlling terminal");
        /* The process may drop to an unprivileged user: it must still own its terminal. */
        if (fchown(slave, proc->user.uid, proc->user.gid) < 0)
                return brig_syserr(err, "chown pty to %u:%u", (unsigned)proc->user.uid,
                                   (unsigned)proc->user.gid);
        for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
                if (dup2(slave, fd) < 0)
                        return brig_syserr(err, "dup2 pty onto fd %d", fd);
        return 0;
}

static int console_attach(int socket_fd, const struct spec_process *proc, bool bind_console, brig_error **err)
{
        _cleanup_close_ int master = -1;
        _cleanup_close_ int slave = -1;
        char name[64];
        int r;

        r = pty_open(&master, &slave, name, sizeof(name), err);
        if (r >= 0)
                r = pty_set_size(master, proc, err);
        if (r >= 0)
                r = send_master(socket_fd, master, name, err);
        if (r >= 0 && bind_console)
                r = bind_dev_console(slave, err);
        if (r >= 0)
                r = attach_slave(slave, proc, err);
        if (r < 0)
                return brig_error_wrap(err, "process.terminal");
        /* Our copy of the master closes here: only the console socket's peer holds it now. */
        return 0;
}

int console_setup(int socket_fd, const struct spec_process *proc, brig_error **err)
{
        return console_attach(socket_fd, proc, true, err);
}

int console_setup_exec(int socket_fd, const struct spec_process *proc, brig_error **err)
{
        return console_attach(socket_fd, proc, false, err);
}
