/* SPDX-License-Identifier: Apache-2.0 */
/* The container lifecycle: what the CLI's subcommands call. */
#ifndef BRIG_CONTAINER_H
#define BRIG_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "brig/error.h"
#include "brig/namespaces.h"
#include "brig/seccomp.h"
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
        /* Set by a foreground run without --console-socket: the pty master goes to this socket. */
        bool has_terminal_socket;
        int terminal_socket;
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
struct exec_options {
        const char *process_file;   /* --process: a process.json replaces everything below */
        char **args;                /* the command, when no --process */
        char **env;                 /* --env additions */
        const char *cwd;            /* --cwd */
        const char *user;           /* --user uid[:gid] */
        bool tty;                   /* --tty */
        bool detach;
        const char *pid_file;
        const char *console_socket;
        int preserve_fds;
};

/* Run another process in a running container; without detach, wait and return its exit status. */
int container_exec(const struct runtime_options *rt, const char *id, const struct exec_options *opts,
                   int *ret_status, brig_error **err);

/*
 * Wait for a child, forwarding the signals a foreground runtime receives; status is 128+signal when
 * killed. With master >= 0 (the runtime kept the terminal), copy between our stdio and it meanwhile.
 */
int container_wait(pid_t pid, int master, int *ret_status, brig_error **err);

/* Read a container's state and live status (no lock held afterwards). */
int container_load(const struct runtime_options *rt, const char *id, struct container_state *ret,
                   enum container_status *ret_status, brig_error **err);

/* ---- The container's cgroup after create (runtime/core/resources.c) ---- */

struct cgroup_stats;

/* Apply linux.resources (`update`) to a created, running or paused container. */
int container_update(const struct runtime_options *rt, const char *id, const struct spec_resources *res,
                     brig_error **err);
/* Freeze a running container; thaw a paused one. Any other status is an error. */
int container_pause(const struct runtime_options *rt, const char *id, brig_error **err);
int container_resume(const struct runtime_options *rt, const char *id, brig_error **err);
/* Host pids of the processes in the container's cgroup, sorted. Caller frees *ret. */
int container_pids(const struct runtime_options *rt, const char *id, pid_t **ret, size_t *ret_n,
                   brig_error **err);
/*
 * One look for `events`: the live status (STATUS_STOPPED once the container has stopped or is
 * gone), the OOM-kill count (left as it was when the cgroup is gone) and, when ret_stats is not
 * NULL and the container has not stopped, the statistics (release them with cgroup_stats_clear).
 */
int container_observe(const struct runtime_options *rt, const char *id, enum container_status *ret_status,
                      uint64_t *ret_oom_count, struct cgroup_stats *ret_stats, brig_error **err);

/* Everything the container's init needs, prepared by the runtime before clone. */
struct init_context {
        const char *id;
        const struct brig_spec *spec;
        const char *bundle;
        const char *config_text; /* config.json as parsed, kept with the state */
        size_t config_len;
        const char *rootfs;
        const struct create_options *opts;
        struct ns_plan ns;
        int sync_fd;    /* init's end of the handshake socket */
        int state_fd;   /* the state directory, to open exec.fifo */
        int console_fd; /* connected --console-socket, or -1 */
        struct brig_seccomp *seccomp;       /* linux.seccomp, compiled (or cached) before clone */
        struct brig_seccomp *seccomp_floor; /* the policy's filter, stacked under the config's */
        char *state_json; /* received with SYNC_GO: what createContainer/startContainer hooks read */
        int *mount_fds;   /* rootfs_prepare_mount_fds(): idmapped mounts built by the runtime */
};

/* Runs in the cloned child: never returns. */
_Noreturn void container_init(struct init_context *ctx);

#endif
