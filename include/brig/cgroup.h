/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Control groups on cgroup v1, v2 and hybrid hosts.
 *
 * brig only ever touches cgroups it created: a relative or missing cgroupsPath is placed
 * under brig's own parent ("/brig"), never under the caller's cgroup. Paths with ".."
 * are refused. A container's cgroup is identified by its normalized path ("/docker/abc"),
 * stored in the container state so later commands can reopen it.
 *
 * On a hybrid host (v1 controllers plus cgroup2 at /sys/fs/cgroup/unified) every controller
 * bound to v1 is driven through v1, and the directory is also made in the unified hierarchy
 * so the container has a v2 cgroup too.
 */
#ifndef BRIG_CGROUP_H
#define BRIG_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

/*
 * Apply linux.resources (create and update). A value the host cannot apply is an error naming
 * the field. Device rules (when the list is non-empty) start from "deny all", then the rules in
 * order, then the devices every container gets (null, zero, full, random, urandom, tty,
 * console, ptmx, pts). Devices listed in linux.devices need allow rules from the caller.
 */
int cgroup_apply_resources(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err);

/*
 * On a pure v2 host: an O_PATH|O_DIRECTORY fd of the cgroup for clone3(CLONE_INTO_CGROUP), else -1.
 * The fd belongs to cg (do not close it); it stays valid until cgroup_destroy or cgroup_free.
 */
int cgroup_clone_fd(const struct brig_cgroup *cg);
/* Move pid into the cgroup in every hierarchy. */
int cgroup_enter(struct brig_cgroup *cg, pid_t pid, brig_error **err);

/* Signal every process in the cgroup. */
int cgroup_kill_all(struct brig_cgroup *cg, int sig, brig_error **err);
/* Pids of the processes in the cgroup (host pid namespace). Caller frees *ret. */
int cgroup_pids(struct brig_cgroup *cg, pid_t **ret, size_t *n, brig_error **err);
/* Kill stragglers, then remove every directory brig created for this cgroup. */
int cgroup_destroy(struct brig_cgroup *cg, brig_error **err);

/*
 * How many trailing components of the path brig created ("/docker/abc" made from nothing: 2),
 * the least over the hierarchies. Kept in the container state so that a later `delete`, which
 * reopens the cgroup with cgroup_open() (depth 1: the leaf only), can hand it back with
 * cgroup_set_created_depth() and cgroup_destroy() removes those ancestors too, once empty.
 */
unsigned cgroup_created_depth(const struct brig_cgroup *cg);
void cgroup_set_created_depth(struct brig_cgroup *cg, unsigned depth);

/* Freeze (pause) or thaw (resume) every process; returns once the state has settled. */
int cgroup_pause(struct brig_cgroup *cg, brig_error **err);
int cgroup_resume(struct brig_cgroup *cg, brig_error **err);
/* 1 when frozen, 0 when not, < 0 on error. */
int cgroup_is_frozen(struct brig_cgroup *cg, brig_error **err);

/* One line of blkio/io statistics, as `runc events --stats` reports them. */
struct cgroup_blkio_entry {
        uint64_t major, minor;
        const char *op; /* "Read", "Write", ... (static string) */
        uint64_t value;
};

struct cgroup_hugetlb_stats {
        char *page_size; /* "2MB" */
        uint64_t usage, max_usage, failcnt;
};

/* Statistics for `events --stats`; a has_* flag is false when the host has no such counter. */
struct cgroup_stats {
        bool has_memory, has_swap, has_pids, has_cpu, has_cpu_throttling;
        uint64_t memory_usage, memory_max_usage, memory_limit, memory_failcnt; /* bytes */
        uint64_t swap_usage, swap_limit;                                        /* bytes, v1: mem+swap */
        uint64_t pids_current, pids_limit;                                      /* limit 0 = unlimited */
        uint64_t cpu_total, cpu_user, cpu_system;                               /* nanoseconds */
        uint64_t cpu_periods, cpu_throttled_periods, cpu_throttled_time;        /* time in ns */
        struct cgroup_blkio_entry *io_service_bytes, *io_serviced;
        size_t n_io_service_bytes, n_io_serviced;
        struct cgroup_hugetlb_stats *hugetlb;
        size_t n_hugetlb;
};

int cgroup_stats(struct brig_cgroup *cg, struct cgroup_stats *ret, brig_error **err);
void cgroup_stats_clear(struct cgroup_stats *s);
/* How many times the OOM killer acted in the cgroup (v1: oom_kill, else under_oom; v2: oom_kill). */
int cgroup_oom_count(struct brig_cgroup *cg, uint64_t *ret, brig_error **err);

const char *cgroup_path(const struct brig_cgroup *cg);
void cgroup_free(struct brig_cgroup *cg);
void cgroup_freep(struct brig_cgroup **cg);
#define _cleanup_cgroup_ __attribute__((cleanup(cgroup_freep)))

/* ---- Pure helpers, exposed for the unit tests ---- */

enum cgroup_mode { CGROUP_MODE_V1, CGROUP_MODE_V2, CGROUP_MODE_HYBRID };

struct cgroup_mount {
        char *mountpoint;   /* "/sys/fs/cgroup/memory" */
        char **controllers; /* v1: "cpu", "cpuacct", "name=systemd", ...; v2: NULL */
        bool v2;
};

struct cgroup_layout {
        enum cgroup_mode mode;
        struct cgroup_mount *mounts; /* the v2 mount, if any, is last */
        size_t n_mounts;
};

/* Detect the layout from the text of /proc/self/mountinfo. */
int cgroup_layout_parse(const char *mountinfo, struct cgroup_layout *ret, brig_error **err);
void cgroup_layout_clear(struct cgroup_layout *l);

/* The `depth` deepest prefixes of an absolute path, outermost first ("/a/b/c", 2 -> "/a/b", "/a/b/c");
 * depth is capped at the number of components. NULL for depth 0. */
char **cgroup_path_tail(const char *path, unsigned depth);

/* cpu.shares (2..262144) -> cpu.weight (1..10000), as runc converts it; 0 stays 0 (unset). */
uint64_t cgroup_cpu_shares_to_weight(uint64_t shares);
/* blkio.weight (10..1000) -> io.weight (1..10000); 0 stays 0 (unset). */
uint64_t cgroup_blkio_weight_to_io_weight(uint64_t weight);
/* memory.swap.max from the OCI memory+swap value: -1 = "max" in *ret; errors name the field. */
int cgroup_v2_swap_max(const struct spec_memory *m, int64_t *ret, brig_error **err);
/* The rules the kernel enforces: "deny all", the spec's rules in order, then the defaults. */
struct spec_device_rule *cgroup_device_rules_with_defaults(const struct spec_device_rule *rules, size_t n,
                                                            size_t *ret_n);

/* Wait between polls of a file whose state settles asynchronously (freezer, cgroup.procs). */
void cgroup_sleep_ms(long ms);

#endif
