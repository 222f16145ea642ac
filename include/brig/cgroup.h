/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Control groups on cgroup v1, v2 and hybrid hosts.
 *
 * brig only ever touches cgroups it created: a relative or missing cgroupsPath is placed
 * under brig's own parent ("/brig"), never under the caller's cgroup. Paths with ".."
 * are refused. A container's cgroup is identified by its normalized path ("/docker/abc"),
 * stored in the container state so later commands can reopen it.
 */
#ifndef BRIG_CGROUP_H
#define BRIG_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "brig/error.h"
#include "brig/spec.h"

struct brig_cgroup;

/*
 * Resolve the config's cgroupsPath (NULL when absent) for container `id`: absolute, relative,
 * or "slice:prefix:name" with systemd_form. Returns the normalized absolute path in *ret.
 */
int cgroup_resolve_path(const char *cgroups_path, const char *id, bool systemd_form, char **ret,
                        brig_error **err);

/* Create the cgroup in every hierarchy brig uses; on failure nothing is left behind. */
int cgroup_create(const char *path, struct brig_cgroup **ret, brig_error **err);
/* Reopen an existing container cgroup (for kill --all, ps, delete, update, ...). */
int cgroup_open(const char *path, struct brig_cgroup **ret, brig_error **err);

/* Apply linux.resources (create and update). A value the host cannot apply is an error naming the field. */
int cgroup_apply_resources(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err);

/* On a pure v2 host: an O_PATH|O_DIRECTORY fd of the cgroup for clone3(CLONE_INTO_CGROUP), else -1. */
int cgroup_clone_fd(const struct brig_cgroup *cg);
/* Move pid into the cgroup in every hierarchy. */
int cgroup_enter(struct brig_cgroup *cg, pid_t pid, brig_error **err);

/* Signal every process in the cgroup. */
int cgroup_kill_all(struct brig_cgroup *cg, int sig, brig_error **err);
/* Pids of the processes in the cgroup (host pid namespace). Caller frees *ret. */
int cgroup_pids(struct brig_cgroup *cg, pid_t **ret, size_t *n, brig_error **err);
/* Kill stragglers, then remove every directory brig created for this cgroup. */
int cgroup_destroy(struct brig_cgroup *cg, brig_error **err);

const char *cgroup_path(const struct brig_cgroup *cg);
void cgroup_free(struct brig_cgroup *cg);
void cgroup_freep(struct brig_cgroup **cg);
#define _cleanup_cgroup_ __attribute__((cleanup(cgroup_freep)))

#endif
