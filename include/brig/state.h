/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's state directory: <root>/<id>/ holding state.json, exec.fifo (present
 * while the container is created but not started) and a copy of config.json (for hooks after
 * create and for exec). Every command holds an exclusive flock on the directory while it
 * works, so commands on one id serialise.
 */
#ifndef BRIG_STATE_H
#define BRIG_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "brig/error.h"
#include "brig/spec.h"

#define STATE_FILE "state.json"
#define STATE_FIFO "exec.fifo"
#define STATE_CONFIG "config.json"

enum container_status {
        STATUS_CREATING,
        STATUS_CREATED,
        STATUS_RUNNING,
        STATUS_PAUSED,
        STATUS_STOPPED,
};

struct container_state {
        char *id;
        pid_t pid;
        uint64_t pid_start_time; /* /proc/<pid>/stat field 22: guards against pid reuse */
        char *bundle;
        char *rootfs;
        char *created; /* RFC 3339 */
        char *cgroup_path; /* NULL when brig made no cgroup */
        unsigned cgroup_depth; /* trailing components of cgroup_path brig created (cgroup_created_depth) */
        struct spec_annotation *annotations;
        size_t n_annotations;
};

/* ids are [A-Za-z0-9][A-Za-z0-9_+.-]*: they become directory and cgroup names. */
int state_validate_id(const char *id, brig_error **err);

/* Make <root>/<id> (fails with "already exists"), locked. Returns the directory fd. */
int state_dir_create(const char *root, const char *id, brig_error **err);
/*
 * Open an existing <root>/<id> (fails with "does not exist"), locked unless only reading: state.json
 * is replaced atomically, so `state` and `list` need no lock and see a create in progress as "creating".
 */
int state_dir_open(const char *root, const char *id, bool lock, brig_error **err);
/* Remove <root>/<id> and what it holds. */
int state_dir_remove(const char *root, const char *id, brig_error **err);
/* Whether <root>/<id> is there, without locking it. */
bool state_dir_exists(const char *root, const char *id);

int state_write(int dirfd, const struct container_state *st, brig_error **err);
/* Reads state.json; a directory without one is a container still being created (*ret zeroed, pid 0). */
int state_read(int dirfd, const char *id, struct container_state *ret, brig_error **err);
void state_release(struct container_state *st);
/* The copy of config.json taken at create; relative bind sources resolved against bundle. */
int state_load_config(int dirfd, const char *bundle, struct brig_spec **ret, brig_error **err);

/* Start time of a live pid (0 when it is gone or a zombie). */
uint64_t process_start_time(pid_t pid);
/* creating/created/running/paused/stopped from the live process, not from what was written. */
enum container_status state_status(int dirfd, const struct container_state *st);
const char *status_name(enum container_status s);

/* The OCI state JSON (ociVersion, id, status, pid, bundle, annotations, plus created and rootfs). */
char *state_to_json(const struct container_state *st, enum container_status status, bool pretty);

#endif
