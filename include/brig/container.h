/* SPDX-License-Identifier: Apache-2.0 */
/* The container lifecycle: what the CLI's subcommands call. */
#ifndef BRIG_CONTAINER_H
#define BRIG_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "brig/error.h"
#include "brig/namespaces.h"
#include "brig/spec.h"
#include "brig/state.h"

/* Global options from the command line. */
struct runtime_options {
        const char *root;     /* state root, default /run/brig */
        bool systemd_cgroup;  /* cgroupsPath is "slice:prefix:name" */
        const char *policy_file;   /* --policy; NULL: /etc/brig/policy.json if present, else built in */
        const char *policy_preset; /* --policy-preset baseline|restricted */
};

struct create_options {
        const char *bundle;         /* NULL: the current directory */
        const char *pid_file;
        const char *console_socket;
        bool no_pivot;
        bool no_new_keyring;
        int preserve_fds;
};

int container_create(const struct runtime_options *rt, const char *id, const struct create_options *opts,
                     pid_t *ret_pid, brig_error **err);
int container_start(const struct runtime_options *rt, const char *id, brig_error **err);
/* create + start; without detach, wait and return the exit status (128+signal), then delete. */
int container_run(const struct runtime_options *rt, const char *id, const struct create_options *opts,
                  bool detach, int *ret_status, brig_error **err);
int container_kill(const struct runtime_options *rt, const char *id, int sig, bool all, brig_error **err);
int container_delete(const struct runtime_options *rt, const char *id, bool force, brig_error **err);
/* Read a container's state and live status (no lock held afterwards). */
int container_load(const struct runtime_options *rt, const char *id, struct container_state *ret,
                   enum container_status *ret_status, brig_error **err);

/* Everything the container's init needs, prepared by the runtime before clone. */
struct init_context {
        const char *id;
        const struct brig_spec *spec;
        const char *bundle;
        const char *rootfs;
        const struct create_options *opts;
        struct ns_plan ns;
        int sync_fd;    /* init's end of the handshake socket */
        int state_fd;   /* the state directory, to open exec.fifo */
        int console_fd; /* connected --console-socket, or -1 */
        const struct spec_seccomp *seccomp_floor; /* the policy's filter, stacked under the config's */
        char *state_json; /* received with SYNC_GO: what createContainer/startContainer hooks read */
};

/* Runs in the cloned child: never returns. */
_Noreturn void container_init(struct init_context *ctx);

#endif
