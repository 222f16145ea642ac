/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources on cgroup v1: one hierarchy per controller, one file per knob. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cgroup-internal.h"

#define MEM "linux.resources.memory."
#define CPU "linux.resources.cpu."
#define BLKIO "linux.resources.blockIO."

static int write_i64(int dfd, const char *file, int64_t v, const char *field, brig_error **err)
{
        return cgroup_writef(dfd, file, field, err, "%lld", (long long) v);
}

/* mem+swap must stay >= mem at every step: raise mem+swap first, or lower mem first. */
static int v1_memory_limits(int dfd, const struct spec_memory *m, brig_error **err)
{
        bool swap_first = false;
        int64_t swap = m->swap;
        bool has_swap = m->has_swap;
        int r;

        /* An unlimited memory with no swap value given means unlimited mem+swap too. */
        if (m->has_limit && m->limit == -1 && !has_swap &&
            cgroup_file_exists(dfd, "memory.memsw.limit_in_bytes")) {
                has_swap = true;
                swap = -1;
        }
        if (has_swap) {
                uint64_t current;

                r = cgroup_read_u64(dfd, "memory.memsw.limit_in_bytes", &current, err);
                if (r < 0)
                        return brig_error_wrap(err, MEM "swap");
                swap_first = swap == -1 || (uint64_t) swap > current;
        }
        if (has_swap && swap_first) {
                r = write_i64(dfd, "memory.memsw.limit_in_bytes", swap, MEM "swap", err);
                if (r < 0)
                        return r;
        }
        if (m->has_limit) {
                r = write_i64(dfd, "memory.limit_in_bytes", m->limit, MEM "limit", err);
                if (r < 0)
                        return r;
        }
        if (has_swap && !swap_first)
                return write_i64(dfd, "memory.memsw.limit_in_bytes", swap, MEM "swap", err);
        return 0;
}

static int v1_memory(int dfd, const struct spec_memory *m, brig_error **err)
{
        int r = v1_memory_limits(dfd, m, err);

        /* memory.kernel is deprecated by the spec and no longer enforced by the kernel: ignored. */
        if (r >= 0 && m->has_reservation)
                r = write_i64(dfd, "memory.soft_limit_in_bytes", m->reservation, MEM "reservation", err);
        if (r >= 0 && m->has_kernel_tcp)
                r = write_i64(dfd, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, MEM "kernelTCP", err);
        if (r >= 0 && m->has_swappiness)
                r = cgroup_writef(dfd, "memory.swappiness", MEM "swappiness", err, "%llu",
                                  (unsigned long long) m->swappiness);
        if (r >= 0 && m->has_disable_oom_killer)
                r = cgroup_write(dfd, "memory.oom_control", m->disable_oom_killer ? "1" : "0",
                                 MEM "disableOOMKiller", err);
        /* Recent kernels dropped use_hierarchy (always on): nothing to write then. */
        if (r >= 0 && m->has_use_hierarchy && cgroup_file_exists(dfd, "memory.use_hierarchy"))
                r = cgroup_write(dfd, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0",
                                 MEM "useHierarchy", err);
        return r;
}

static int v1_cpu(int dfd, const struct spec_cpu *c, brig_error **err)
{
        int r = 0;

        /* Engines write 0 for "not set", as runc reads it. */
        if (c->has_shares && c->shares != 0)
                r = cgroup_writef(dfd, "cpu.shares", CPU "shares", err, "%llu", (unsigned long long) c->shares);
        /* The period bounds the quota, and the quota the burst. A period of 0 is "not set", as
         * engines send it (Docker's update), not a value the kernel would take. */
        if (r >= 0 && c->has_period && c->period != 0)
                r = cgroup_writef(dfd, "cpu.cfs_period_us", CPU "period", err, "%llu",
                                  (unsigned long long) c->period);
        if (r >= 0 && c->has_quota)
                r = write_i64(dfd, "cpu.cfs_quota_us", c->quota > 0 ? c->quota : -1, CPU "quota", err);
        if (r >= 0 && c->has_burst)
                r = cgroup_writef(dfd, "cpu.cfs_burst_us", CPU "burst", err, "%llu",
                                  (unsigned long long) c->burst);
        if (r >= 0 && c->has_realtime_period)
                r = cgroup_writef(dfd, "cpu.rt_period_us", CPU "realtimePeriod", err, "%llu",
                                  (unsigned long long) c->realtime_period);
        if (r >= 0 && c->has_realtime_runtime)
                r = write_i64(dfd, "cpu.rt_runtime_us", c->realtime_runtime, CPU "realtimeRuntime", err);
        if (r >= 0 && c->has_idle)
                r = write_i64(dfd, "cpu.idle", c->idle, CPU "idle", err);
        return r;
}

/* Since CFQ left the kernel, BFQ carries the v1 weights under its own names. */
static const char *v1_weight_file(int dfd, const char *cfq, const char *bfq)
{
        return cgroup_file_exists(dfd, cfq) || !cgroup_file_exists(dfd, bfq) ? cfq : bfq;
}

static int v1_weight_devices(int dfd, const struct spec_block_io *b, brig_error **err)
{
        const char *file = v1_weight_file(dfd, "blkio.weight_device", "blkio.bfq.weight_device");

        for (size_t i = 0; i < b->n_weight_device; i++) {
                const struct spec_weight_device *w = &b->weight_device[i];
                _cleanup_free_ char *field = xasprintf(BLKIO "weightDevice[%zu]", i);
                int r = 0;

                if (w->has_weight)
                        r = cgroup_writef(dfd, file, field, err, "%lld:%lld %u", (long long) w->major,
                                          (long long) w->minor, w->weight);
                if (r >= 0 && w->has_leaf_weight)
                        r = cgroup_writef(dfd, "blkio.leaf_weight_device", field, err, "%lld:%lld %u",
                                          (long long) w->major, (long long) w->minor, w->leaf_weight);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int v1_blkio(int dfd, const struct spec_block_io *b, brig_error **err)
{
        struct cgroup_throttle t[4];
        int r = 0;

        if (b->has_weight && b->weight != 0)
                r = cgroup_writef(dfd, v1_weight_file(dfd, "blkio.weight", "blkio.bfq.weight"), BLKIO "weight",
                                  err, "%u", b->weight);
        if (r >= 0 && b->has_leaf_weight && b->leaf_weight != 0)
                r = cgroup_writef(dfd, "blkio.leaf_weight", BLKIO "leafWeight", err, "%u", b->leaf_weight);
        if (r >= 0)
                r = v1_weight_devices(dfd, b, err);
        cgroup_throttles(b, t);
        for (size_t k = 0; r >= 0 && k < ARRAY_SIZE(t); k++)
                for (size_t i = 0; r >= 0 && i < t[k].n; i++) {
                        _cleanup_free_ char *field = xasprintf("%s[%zu]", t[k].field, i);

                        r = cgroup_writef(dfd, t[k].v1_file, field, err, "%lld:%lld %llu",
                                          (long long) t[k].devs[i].major, (long long) t[k].devs[i].minor,
                                          (unsigned long long) t[k].devs[i].rate);
                }
        return r;
}

/* "c 1:3 rwm", "*" for a wildcard number; type "a" stands alone. */
static char *v1_device_rule(const struct spec_device_rule *d)
{
        char major[24] = "*", minor[24] = "*";

        if (d->type == 'a')
                return xstrdup("a");
        if (d->major >= 0)
                snprintf(major, sizeof(major), "%lld", (long long) d->major);
        if (d->minor >= 0)
                snprintf(minor, sizeof(minor), "%lld", (long long) d->minor);
        return xasprintf("%c %s:%s %s", d->type, major, minor, d->access ? d->access : "rwm");
}

static int v1_devices(int dfd, const struct spec_device_rule *rules, size_t n, brig_error **err)
{
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *rule = v1_device_rule(&rules[i]);
                _cleanup_free_ char *field = xasprintf("linux.resources.devices: rule `%s`", rule);
                int r = cgroup_write(dfd, rules[i].allow ? "devices.allow" : "devices.deny", rule, field, err);

                if (r < 0)
                        return r;
        }
        return 0;
}

static int v1_freezer_state(int dfd, char **ret, brig_error **err)
{
        int r = read_file_at(dfd, "freezer.state", ret, NULL, err);

        if (r < 0)
                return r;
        (*ret)[strcspn(*ret, "\n")] = '\0';
        return 0;
}

static int v1_is_frozen(int dfd, brig_error **err)
{
        _cleanup_free_ char *state = NULL;
        int r = v1_freezer_state(dfd, &state, err);

        return r < 0 ? r : strcmp(state, "FROZEN") == 0;
}

static int v1_freeze(int dfd, bool frozen, brig_error **err)
{
        return cgroup_write(dfd, "freezer.state", frozen ? "FROZEN" : "THAWED", "freezer", err);
}

static int v1_memory_stats(int dfd, struct cgroup_stats *s, brig_error **err)
{
        int r = cgroup_read_u64(dfd, "memory.usage_in_bytes", &s->memory_usage, err);

        if (r >= 0)
                r = cgroup_read_u64(dfd, "memory.max_usage_in_bytes", &s->memory_max_usage, err);
        if (r >= 0)
                r = cgroup_read_u64(dfd, "memory.limit_in_bytes", &s->memory_limit, err);
        if (r >= 0)
                r = cgroup_read_u64(dfd, "memory.failcnt", &s->memory_failcnt, err);
        if (r < 0)
                return r;
        s->has_memory = true;
        return cgroup_read_swap_stats(dfd, "memory.memsw.usage_in_bytes", "memory.memsw.limit_in_bytes", s, err);
}

/* cpuacct: usage in ns; user/system in ns where the kernel has them, else USER_HZ ticks. */
static int v1_cpu_stats(int dfd, struct cgroup_stats *s, brig_error **err)
{
        int r = cgroup_read_u64(dfd, "cpuacct.usage", &s->cpu_total, err);

        if (r < 0)
                return r;
        if (cgroup_file_exists(dfd, "cpuacct.usage_user")) {
                r = cgroup_read_u64(dfd, "cpuacct.usage_user", &s->cpu_user, err);
                if (r >= 0)
                        r = cgroup_read_u64(dfd, "cpuacct.usage_sys", &s->cpu_system, err);
        } else {
                long hz = sysconf(_SC_CLK_TCK);

                r = cgroup_read_keyed(dfd, "cpuacct.stat", "user", &s->cpu_user, err);
                if (r >= 0)
                        r = cgroup_read_keyed(dfd, "cpuacct.stat", "system", &s->cpu_system, err);
                s->cpu_user = s->cpu_user * 1000000000ULL / (uint64_t) (hz > 0 ? hz : 100);
                s->cpu_system = s->cpu_system * 1000000000ULL / (uint64_t) (hz > 0 ? hz : 100);
        }
        s->has_cpu = r >= 0;
        return r;
}

static const char *const blkio_ops[] = { "Read", "Write", "Sync", "Async", "Discard" };

/* "8:0 Read 4096" lines; "Total" and unknown operations are left out. */
static int v1_blkio_file(int dfd, const char *file, struct cgroup_blkio_entry **v, size_t *n, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        char *save = NULL;
        int r = read_file_at(dfd, file, &text, NULL, err);

        if (r < 0)
                return r;
        for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
                unsigned long long major, minor, value;
                char op[16];

                if (sscanf(line, "%llu:%llu %15s %llu", &major, &minor, op, &value) != 4)
                        continue;
                for (size_t i = 0; i < ARRAY_SIZE(blkio_ops); i++)
                        if (strcmp(op, blkio_ops[i]) == 0)
                                cgroup_blkio_push(v, n, major, minor, blkio_ops[i], value);
        }
        return 0;
}

static int v1_blkio_stats(int dfd, struct cgroup_stats *s, brig_error **err)
{
        int r = v1_blkio_file(dfd, "blkio.throttle.io_service_bytes_recursive", &s->io_service_bytes,
                              &s->n_io_service_bytes, err);

        return r < 0 ? r
                     : v1_blkio_file(dfd, "blkio.throttle.io_serviced_recursive", &s->io_serviced,
                                     &s->n_io_serviced, err);
}

static int v1_oom_count(int dfd, uint64_t *ret, brig_error **err)
{
        int r = cgroup_read_keyed(dfd, "memory.oom_control", "oom_kill", ret, err);

        /* Kernels before 4.13 only say whether the cgroup is under OOM right now. */
        if (r == -ENOENT)
                r = cgroup_read_keyed(dfd, "memory.oom_control", "under_oom", ret, err);
        return r;
}

int cgroup_v1_net_cls(int dfd, uint32_t class_id, brig_error **err)
{
        return cgroup_writef(dfd, "net_cls.classid", "linux.resources.network.classID", err, "%u", class_id);
}

int cgroup_v1_net_prio(int dfd, const struct spec_net_priority *p, size_t n, brig_error **err)
{
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *field = xasprintf("linux.resources.network.priorities[%zu]", i);
                int r;

                if (p[i].name == NULL || *p[i].name == '\0' || strpbrk(p[i].name, " \t\n/") != NULL)
                        return brig_err(err, "%s.name: `%s` is not an interface name", field,
                                        p[i].name ? p[i].name : "");
                r = cgroup_writef(dfd, "net_prio.ifpriomap", field, err, "%s %u", p[i].name, p[i].priority);
                if (r < 0)
                        return r;
        }
        return 0;
}

const struct cgroup_ops cgroup_v1_ops = {
        .memory = v1_memory,
        .cpu = v1_cpu,
        .blkio = v1_blkio,
        .devices = v1_devices,
        .freeze = v1_freeze,
        .is_frozen = v1_is_frozen,
        .memory_stats = v1_memory_stats,
        .cpu_stats = v1_cpu_stats,
        .blkio_stats = v1_blkio_stats,
        .oom_count = v1_oom_count,
};
