/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by runtime/linux/cgroup*.c; other modules use the API of brig/cgroup.h. */
#ifndef BRIG_CGROUP_INTERNAL_H
#define BRIG_CGROUP_INTERNAL_H

#include "brig/cgroup.h"

/* brig's own parent of the cgroups it places (relative or missing cgroupsPath). */
#define BRIG_PARENT "/brig"

/* The container's directory in one hierarchy. */
struct cgroup_dir {
        struct cgroup_mount mnt;
        char *abs;      /* mountpoint + path */
        int fd;         /* O_DIRECTORY of abs, -1 when missing (reopened after a partial create) */
        char **created; /* directories this process made, outermost first */
};

struct brig_cgroup {
        char *path;
        enum cgroup_mode mode;
        int clone_fd; /* pure v2: O_PATH of the directory for CLONE_INTO_CGROUP, else -1 */
        struct cgroup_dir *dirs;
        size_t n_dirs;
};

/* The host's layout, from /proc/self/mountinfo. */
int cgroup_layout_detect(struct cgroup_layout *ret, brig_error **err);

/* The directory serving a v1 controller, else the v2 one when that controller is enabled there.
 * v2_name NULL: no v2 equivalent; "" : a core v2 interface every cgroup has. */
struct cgroup_dir *cgroup_dir_for(struct brig_cgroup *cg, const char *v1_name, const char *v2_name);
/* cgroup_dir_for, or an error naming `field` when the host lacks the controller. */
int cgroup_controller(struct brig_cgroup *cg, const char *v1_name, const char *v2_name, const char *field,
                      struct cgroup_dir **ret, brig_error **err);
/* The resource writers and readers of d's cgroup version. */
const struct cgroup_ops *cgroup_dir_ops(const struct cgroup_dir *d);

/* Write value to file in the cgroup directory dfd; errors read "<field>: write `<file>`: ...". */
int cgroup_write(int dfd, const char *file, const char *value, const char *field, brig_error **err);
int cgroup_writef(int dfd, const char *file, const char *field, brig_error **err, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
/* A single number; "max" reads as UINT64_MAX. */
int cgroup_read_u64(int dfd, const char *file, uint64_t *ret, brig_error **err);
/* The value of `key` in a "key value" per line file (cpu.stat, memory.events, ...); -ENOENT if absent. */
int cgroup_read_keyed(int dfd, const char *file, const char *key, uint64_t *ret, brig_error **err);
bool cgroup_file_exists(int dfd, const char *file);
void cgroup_blkio_push(struct cgroup_blkio_entry **v, size_t *n, uint64_t major, uint64_t minor,
                       const char *op, uint64_t value);
/* The four throttle lists of linux.resources.blockIO with the names each version gives them. */
struct cgroup_throttle {
        const char *field;   /* "linux.resources.blockIO.throttleReadBpsDevice" */
        const char *v1_file; /* "blkio.throttle.read_bps_device" */
        const char *v2_key;  /* "rbps" (io.max) */
        const struct spec_throttle_device *devs;
        size_t n;
};
void cgroup_throttles(const struct spec_block_io *b, struct cgroup_throttle ret[4]);

/* Swap usage and limit from the two files, when the host accounts swap. */
int cgroup_read_swap_stats(int dfd, const char *usage_file, const char *limit_file, struct cgroup_stats *s,
                           brig_error **err);

/* Per-version resource writers and readers; dfd is the cgroup directory of that controller. */
struct cgroup_ops {
        int (*memory)(int dfd, const struct spec_memory *m, brig_error **err);
        int (*cpu)(int dfd, const struct spec_cpu *c, brig_error **err);
        int (*blkio)(int dfd, const struct spec_block_io *b, brig_error **err);
        int (*devices)(int dfd, const struct spec_device_rule *rules, size_t n, brig_error **err);
        int (*freeze)(int dfd, bool frozen, brig_error **err); /* one write; the caller polls */
        int (*is_frozen)(int dfd, brig_error **err);
        int (*memory_stats)(int dfd, struct cgroup_stats *s, brig_error **err);
        int (*cpu_stats)(int dfd, struct cgroup_stats *s, brig_error **err);
        int (*blkio_stats)(int dfd, struct cgroup_stats *s, brig_error **err);
        int (*oom_count)(int dfd, uint64_t *ret, brig_error **err);
};

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

/* v1-only and v2-only resources. */
int cgroup_v1_net_cls(int dfd, uint32_t class_id, brig_error **err);
int cgroup_v1_net_prio(int dfd, const struct spec_net_priority *p, size_t n, brig_error **err);
int cgroup_v2_unified(int dfd, const struct spec_key_value *kv, size_t n, brig_error **err);

/* Load the rules as a BPF_PROG_TYPE_CGROUP_DEVICE program and attach it to the v2 cgroup
 * directory fd (BPF_F_ALLOW_MULTI), replacing the programs attached there before. */
int cgroup_devices_bpf_apply(int cgroup_fd, const struct spec_device_rule *rules, size_t n, brig_error **err);

#endif
