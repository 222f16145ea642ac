/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources: each resource applied through the controller that serves it, v1 or v2. */
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cgroup-internal.h"

static bool memory_set(const struct spec_memory *m)
{
        return m != NULL && (m->has_limit || m->has_reservation || m->has_swap || m->has_kernel ||
                             m->has_kernel_tcp || m->has_swappiness || m->has_disable_oom_killer ||
                             m->has_use_hierarchy);
}

static bool cpu_set(const struct spec_cpu *c)
{
        return c != NULL && (c->has_shares || c->has_quota || c->has_burst || c->has_period ||
                             c->has_realtime_runtime || c->has_realtime_period || c->has_idle);
}

static bool blkio_set(const struct spec_block_io *b)
{
        return b != NULL && (b->has_weight || b->has_leaf_weight || b->n_weight_device > 0 ||
                             b->n_throttle_read_bps > 0 || b->n_throttle_write_bps > 0 ||
                             b->n_throttle_read_iops > 0 || b->n_throttle_write_iops > 0);
}

/* checkBeforeUpdate: refuse a limit below what the cgroup already uses. */
static int check_memory_usage(struct cgroup_dir *d, const struct spec_memory *m, brig_error **err)
{
        uint64_t usage;
        int r;

        if (!m->check_before_update || !m->has_limit || m->limit < 0)
                return 0;
        r = cgroup_read_u64(d->fd, d->mnt.v2 ? "memory.current" : "memory.usage_in_bytes", &usage, err);
        if (r < 0)
                return brig_error_wrap(err, "linux.resources.memory.checkBeforeUpdate");
        if ((uint64_t) m->limit < usage)
                return brig_err(err, "linux.resources.memory.limit: `%lld` is below the current usage `%llu`",
                                (long long) m->limit, (unsigned long long) usage);
        return 0;
}

static int apply_memory(struct brig_cgroup *cg, const struct spec_memory *m, brig_error **err)
{
        struct cgroup_dir *d;
        int r;

        if (!memory_set(m))
                return 0;
        r = cgroup_controller(cg, "memory", "memory", "linux.resources.memory", &d, err);
        if (r >= 0)
                r = check_memory_usage(d, m, err);
        return r < 0 ? r : cgroup_dir_ops(d)->memory(d->fd, m, err);
}

static int apply_cpu(struct brig_cgroup *cg, const struct spec_cpu *c, brig_error **err)
{
        struct cgroup_dir *d;
        int r;

        if (!cpu_set(c))
                return 0;
        r = cgroup_controller(cg, "cpu", "cpu", "linux.resources.cpu", &d, err);
        return r < 0 ? r : cgroup_dir_ops(d)->cpu(d->fd, c, err);
}

/* cpuset files have the same names and format on v1 and v2. */
static int apply_cpuset(struct brig_cgroup *cg, const struct spec_cpu *c, brig_error **err)
{
        struct cgroup_dir *d;
        int r = 0;

        if (c == NULL || (c->cpus == NULL && c->mems == NULL))
                return 0;
        r = cgroup_controller(cg, "cpuset", "cpuset", "linux.resources.cpu.cpus", &d, err);
        if (r >= 0 && c->cpus != NULL)
                r = cgroup_write(d->fd, "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", err);
        if (r >= 0 && c->mems != NULL)
                r = cgroup_write(d->fd, "cpuset.mems", c->mems, "linux.resources.cpu.mems", err);
        return r;
}

static int apply_pids(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        struct cgroup_dir *d;
        int r;

        if (!res->has_pids_limit)
                return 0;
        r = cgroup_controller(cg, "pids", "pids", "linux.resources.pids.limit", &d, err);
        if (r < 0)
                return r;
        if (res->pids_limit <= 0)
                return cgroup_write(d->fd, "pids.max", "max", "linux.resources.pids.limit", err);
        return cgroup_writef(d->fd, "pids.max", "linux.resources.pids.limit", err, "%lld",
                             (long long) res->pids_limit);
}

static int apply_blkio(struct brig_cgroup *cg, const struct spec_block_io *b, brig_error **err)
{
        struct cgroup_dir *d;
        int r;

        if (!blkio_set(b))
                return 0;
        r = cgroup_controller(cg, "blkio", "io", "linux.resources.blockIO", &d, err);
        return r < 0 ? r : cgroup_dir_ops(d)->blkio(d->fd, b, err);
}

/* hugetlb.<size>.limit_in_bytes on v1, hugetlb.<size>.max on v2. */
static int apply_hugetlb(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        struct cgroup_dir *d;
        int r;

        if (res->n_hugepage_limits == 0)
                return 0;
        r = cgroup_controller(cg, "hugetlb", "hugetlb", "linux.resources.hugepageLimits", &d, err);
        for (size_t i = 0; r >= 0 && i < res->n_hugepage_limits; i++) {
                const struct spec_hugepage_limit *h = &res->hugepage_limits[i];
                _cleanup_free_ char *field = xasprintf("linux.resources.hugepageLimits[%zu]", i);
                _cleanup_free_ char *file = NULL;

                if (h->page_size == NULL || *h->page_size == '\0' || strchr(h->page_size, '/') != NULL ||
                    strchr(h->page_size, '.') != NULL)
                        return brig_err(err, "%s.pageSize: `%s` is not a page size", field,
                                        h->page_size ? h->page_size : "");
                file = xasprintf(d->mnt.v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", h->page_size);
                r = cgroup_writef(d->fd, file, field, err, "%llu", (unsigned long long) h->limit);
        }
        return r;
}

static int apply_network(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        struct cgroup_dir *d;
        int r = 0;

        if (res->has_net_class_id) {
                r = cgroup_controller(cg, "net_cls", NULL, "linux.resources.network.classID", &d, err);
                if (r >= 0)
                        r = cgroup_v1_net_cls(d->fd, res->net_class_id, err);
        }
        if (r >= 0 && res->n_net_priorities > 0) {
                r = cgroup_controller(cg, "net_prio", NULL, "linux.resources.network.priorities", &d, err);
                if (r >= 0)
                        r = cgroup_v1_net_prio(d->fd, res->net_priorities, res->n_net_priorities, err);
        }
        return r;
}

static int apply_unified(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        struct cgroup_dir *d;

        if (res->n_unified == 0)
                return 0;
        d = cgroup_dir_for(cg, NULL, "");
        if (d == NULL)
                return brig_err(err, "linux.resources.unified: needs cgroup v2, this host has only v1");
        return cgroup_v2_unified(d->fd, res->unified, res->n_unified, err);
}

static const struct spec_device_rule default_device_rules[] = {
        { true, 'c', 1, 3, "rwm" },   /* null */
        { true, 'c', 1, 5, "rwm" },   /* zero */
        { true, 'c', 1, 7, "rwm" },   /* full */
        { true, 'c', 1, 8, "rwm" },   /* random */
        { true, 'c', 1, 9, "rwm" },   /* urandom */
        { true, 'c', 5, 0, "rwm" },   /* tty */
        { true, 'c', 5, 1, "rwm" },   /* console */
        { true, 'c', 5, 2, "rwm" },   /* ptmx */
        { true, 'c', 136, -1, "rwm" }, /* pts */
};

struct spec_device_rule *cgroup_device_rules_with_defaults(const struct spec_device_rule *rules, size_t n,
                                                            size_t *ret_n)
{
        size_t total = 1 + n + ARRAY_SIZE(default_device_rules);
        struct spec_device_rule *all = xmalloc0(total * sizeof(*all));

        /* The copies share the strings of their sources: the caller frees only the array. */
        all[0] = (struct spec_device_rule) { false, 'a', -1, -1, (char *) "rwm" };
        memcpy(all + 1, rules, n * sizeof(*rules));
        memcpy(all + 1 + n, default_device_rules, sizeof(default_device_rules));
        *ret_n = total;
        return all;
}

static int apply_devices(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        _cleanup_free_ struct spec_device_rule *rules = NULL;
        struct cgroup_dir *d;
        size_t n;
        int r;

        if (res->n_devices == 0)
                return 0;
        /* The v2 device filter is a BPF program any v2 cgroup takes; on hybrid, v1 devices rules. */
        r = cgroup_controller(cg, "devices", cg->mode == CGROUP_MODE_V2 ? "" : NULL, "linux.resources.devices", &d,
                       err);
        if (r < 0)
                return r;
        rules = cgroup_device_rules_with_defaults(res->devices, res->n_devices, &n);
        return cgroup_dir_ops(d)->devices(d->fd, rules, n, err);
}

int cgroup_apply_resources(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        int (*const steps[])(struct brig_cgroup *, const struct spec_resources *, brig_error **) = {
                apply_pids, apply_hugetlb, apply_network, apply_unified, apply_devices,
        };
        int r;

        if (res == NULL)
                return 0;
        r = apply_memory(cg, res->memory, err);
        if (r >= 0)
                r = apply_cpu(cg, res->cpu, err);
        if (r >= 0)
                r = apply_cpuset(cg, res->cpu, err);
        if (r >= 0)
                r = apply_blkio(cg, res->block_io, err);
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(steps); i++)
                r = steps[i](cg, res, err);
        return r;
}
