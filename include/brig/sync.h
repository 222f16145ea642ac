/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The handshake between the runtime (brig create) and the container's init process over a
 * SOCK_STREAM socketpair. Each message is a 32-bit type; SYNC_ERROR is followed by a
 * serialized brig_error, so a failure inside the container is reported by the runtime with
 * its original errno and message.
 */
#ifndef BRIG_SYNC_H
#define BRIG_SYNC_H

#include "brig/error.h"

enum sync_msg {
        SYNC_GO = 1,         /* runtime -> init: id maps written, set up the container */
        SYNC_CGROUP_JOINED,  /* runtime -> init: now in the container's cgroup (see rootfs cgroup_gate) */
        SYNC_RUN_HOOKS,      /* init -> runtime: namespaces ready, run prestart/createRuntime */
        SYNC_HOOKS_DONE,     /* runtime -> init */
        SYNC_READY,          /* init -> runtime: set up, now waiting for `start` */
        SYNC_ERROR,          /* either way, followed by a brig_error */
};

int sync_send(int fd, enum sync_msg msg, brig_error **err);
/* Receive one message and require it to be `expected`; a SYNC_ERROR becomes *err. */
int sync_expect(int fd, enum sync_msg expected, brig_error **err);
/* A length-prefixed string (the state JSON that hooks inside the container receive). */
int sync_send_string(int fd, const char *s, brig_error **err);
int sync_recv_string(int fd, char **ret, brig_error **err);
/* Report e to the other side (best effort: the process exits right after). */
void sync_send_error(int fd, const brig_error *e);

#endif
