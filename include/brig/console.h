/* SPDX-License-Identifier: Apache-2.0 */
/* process.terminal: a pty whose master goes to the caller over --console-socket. */
#ifndef BRIG_CONSOLE_H
#define BRIG_CONSOLE_H

#include "brig/error.h"
#include "brig/spec.h"

/* Connect to the console socket (AF_UNIX, SOCK_STREAM) on the host side, before pivot. */
int console_socket_connect(const char *path, int *ret_fd, brig_error **err);

/*
 * Inside the container (devpts mounted, after pivot): open a new pty, size it from
 * process.consoleSize, send the master over `socket_fd` (SCM_RIGHTS, as runc does, with the
 * slave's name "/dev/pts/N" as payload), bind the slave onto /dev/console, make it the
 * controlling terminal and stdin/stdout/stderr, owned by process.user. The caller keeps
 * `socket_fd` (close-on-exec). Needs to run before the rootfs is made read-only.
 */
int console_setup(int socket_fd, const struct spec_process *proc, brig_error **err);
/* The same for a process `exec`'d into a running container: /dev/console stays the init's. */
/*
 * The runtime's side when it keeps the terminal itself (a foreground `run`/`exec` without
 * --console-socket, as runc does): the master sent over sock, if one is waiting there; *ret = -1
 * when none is (the process has no terminal).
 */
int console_recv_master(int sock, int *ret_master, brig_error **err);

int console_setup_exec(int socket_fd, const struct spec_process *proc, brig_error **err);

#endif
