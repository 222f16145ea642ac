/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources on cgroup v2: one directory, the v1 values mapped onto the v2 interface files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cgroup-internal.h"

#define MEM "linux.resources.memory."
#define CPU "linux.resources.cpu."
#define BLKIO "linux.resources.blockIO."

/* ---- v1 values converted to their v2 counterparts ---- */

uint64_t cgroup_cpu_shares_to_weight(uint64_t shares)
{
        if (shares == 0)
                return 0;
        if (shares < 2)
                shares = 2;
        if (shares > 262144)
                shares = 262144;
        return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cgroup_blkio_weight_to_io_weight(uint64_t weight)
{
        if (weight == 0)
                return 0;
        if (weight < 10)
                weight = 10;
        if (weight > 1000)
                weight = 1000;
        return 1 + ((weight - 10) * 9999) / 990;
}

int cgroup_v2_swap_max(const struct spec_memory *m, int64_t *ret, brig_error **err)
{
        if (m->swap == -1) {
                *ret = -1;
                return 0;
        }
        if (m->swap < 0)
                return brig_err(err, "linux.resources.memory.swap: `%lld` is negative", (long long) m->swap);
        if (!m->has_limit || m->limit < 0)
                return brig_err(err, "linux.resources.memory.swap: needs a memory limit on cgroup v2");
        if (m->swap < m->limit)
                return brig_err(err, "linux.resources.memory.swap: `%lld` is below the memory limit `%lld`",
                                (long long) m->swap, (long long) m->limit);
        *ret = m->swap - m->limit;
        return 0;
}

/* v2 writes "max" where v1 took -1. */
static int write_limit(int dfd, const char *file, int64_t v, const char *field, brig_error **err)
{
        if (v < 0)
                return cgroup_write(dfd, file, "max", field, err);
        return cgroup_writef(dfd, file, field, err, "%lld", (long long) v);
}

static int v2_unsupported(const char *field, brig_error **err)
{
        return brig_err(err, "%s: not supported on cgroup v2", field);
}

static int v2_memory(int dfd, const struct spec_memory *m, brig_error **err)
{
        int r = 0;

        /* memory.kernel is deprecated by the spec and has no v2 file: ignored. */
        if (m->has_limit)
                r = write_limit(dfd, "memory.max", m->limit, MEM "limit", err);
        if (r >= 0 && m->has_reservation)
                r = write_limit(dfd, "memory.low", m->reservation, MEM "reservation", err);
        if (r >= 0 && m->has_swap) {
                int64_t swap_max;

                r = cgroup_v2_swap_max(m, &swap_max, err);
                if (r >= 0)
                        r = write_limit(dfd, "memory.swap.max", swap_max, MEM "swap", err);
        }
        if (r >= 0 && m->has_kernel_tcp)
                r = v2_unsupported(MEM "kernelTCP", err);
        if (r >= 0 && m->has_swappiness)
                r = v2_unsupported(MEM "swappiness", err);
        /* v2 always accounts hierarchically and always has the OOM killer: only the defaults pass. */
        if (r >= 0 && m->has_disable_oom_killer && m->disable_oom_killer)
                r = v2_unsupported(MEM "disableOOMKiller", err);
        if (r >= 0 && m->has_use_hierarchy && !m->use_hierarchy)
                r = v2_unsupported(MEM "useHierarchy", err);
        return r;
}

/* cpu.max is "<quota|max> <period>": keep the half the config leaves out. */
static int v2_cpu_max(int dfd, const struct spec_cpu *c, brig_error **err)
{
        _cleanup_free_ char *current = NULL, *quota = NULL;
        unsigned long long period = 100000;
        char old_quota[32] = "max";
        const char *field = c->has_quota ? CPU "quota" : CPU "period";
        int r = read_file_at(dfd, "cpu.max", &current, NULL, err);

        if (r < 0)
                return brig_error_wrap(err, "%s", field);
        if (sscanf(current, "%31s %llu", old_quota, &period) != 2)
                return brig_err(err, "%s: `cpu.max` reads `%s`", field, current);
        /* A period of 0 is "not set", as engines send it. */
        if (c->has_period && c->period != 0)
                period = c->period;
        if (!c->has_quota)
                quota = xstrdup(old_quota);
        else
                quota = c->quota > 0 ? xasprintf("%lld", (long long) c->quota) : xstrdup("max");
        return cgroup_writef(dfd, "cpu.max", field, err, "%s %llu", quota, period);
}

static int v2_cpu(int dfd, const struct spec_cpu *c, brig_error **err)
{
        int r = 0;

        if (c->has_shares && c->shares != 0)
                r = cgroup_writef(dfd, "cpu.weight", CPU "shares", err, "%llu",
                                  (unsigned long long) cgroup_cpu_shares_to_weight(c->shares));
        if (r >= 0 && (c->has_quota || c->has_period))
                r = v2_cpu_max(dfd, c, err);
        if (r >= 0 && c->has_burst)
                r = cgroup_writef(dfd, "cpu.max.burst", CPU "burst", err, "%llu", (unsigned long long) c->burst);
        if (r >= 0 && (c->has_realtime_period || c->has_realtime_runtime))
                r = v2_unsupported(c->has_realtime_period ? CPU "realtimePeriod" : CPU "realtimeRuntime", err);
        if (r >= 0 && c->has_idle)
                r = cgroup_writef(dfd, "cpu.idle", CPU "idle", err, "%lld", (long long) c->idle);
        return r;
}

/* BFQ takes blkio weights (1..1000) as they are; io.weight (cost model) needs them scaled. */
static int v2_write_weight(int dfd, const char *device, uint16_t weight, const char *field, brig_error **err)
{
        if (cgroup_file_exists(dfd, "io.bfq.weight"))
                return cgroup_writef(dfd, "io.bfq.weight", field, err, "%s %u", device, weight);
        return cgroup_writef(dfd, "io.weight", field, err, "%s %llu", device,
                             (unsigned long long) cgroup_blkio_weight_to_io_weight(weight));
}

static int v2_weight_devices(int dfd, const struct spec_block_io *b, brig_error **err)
{
        for (size_t i = 0; i < b->n_weight_device; i++) {
                const struct spec_weight_device *w = &b->weight_device[i];
                _cleanup_free_ char *field = xasprintf(BLKIO "weightDevice[%zu]", i);
                _cleanup_free_ char *device = xasprintf("%lld:%lld", (long long) w->major, (long long) w->minor);
                int r = 0;

                if (w->has_leaf_weight)
                        return v2_unsupported(field, err);
                if (w->has_weight)
                        r = v2_write_weight(dfd, device, w->weight, field, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int v2_blkio(int dfd, const struct spec_block_io *b, brig_error **err)
{
        struct cgroup_throttle t[4];
        int r = 0;

        if (b->has_leaf_weight && b->leaf_weight != 0)
                return v2_unsupported(BLKIO "leafWeight", err);
        if (b->has_weight && b->weight != 0)
                r = v2_write_weight(dfd, "default", b->weight, BLKIO "weight", err);
        if (r >= 0)
                r = v2_weight_devices(dfd, b, err);
        cgroup_throttles(b, t);
        for (size_t k = 0; r >= 0 && k < ARRAY_SIZE(t); k++)
                for (size_t i = 0; r >= 0 && i < t[k].n; i++) {
                        const struct spec_throttle_device *d = &t[k].devs[i];
                        _cleanup_free_ char *field = xasprintf("%s[%zu]", t[k].field, i);
                        _cleanup_free_ char *rate = d->rate == 0 ? xstrdup("max")
                                                                 : xasprintf("%llu", (unsigned long long) d->rate);

                        /* A rate of 0 lifts the limit, as writing 0 does on v1. */
                        r = cgroup_writef(dfd, "io.max", field, err, "%lld:%lld %s=%s", (long long) d->major,
                                          (long long) d->minor, t[k].v2_key, rate);
                }
        return r;
}

static int v2_devices(int dfd, const struct spec_device_rule *rules, size_t n, brig_error **err)
{
        return cgroup_devices_bpf_apply(dfd, rules, n, err);
}

static int v2_is_frozen(int dfd, brig_error **err)
{
        uint64_t frozen;
        int r = cgroup_read_keyed(dfd, "cgroup.events", "frozen", &frozen, err);

        if (r == -ENOENT)
                return brig_err(err, "freezer: `cgroup.events` has no `frozen` key (kernel before 5.2)");
        return r < 0 ? r : frozen != 0;
}

static int v2_freeze(int dfd, bool frozen, brig_error **err)
{
        return cgroup_write(dfd, "cgroup.freeze", frozen ? "1" : "0", "freezer", err);
}

static int v2_memory_stats(int dfd, struct cgroup_stats *s, brig_error **err)
{
        int r = cgroup_read_u64(dfd, "memory.current", &s->memory_usage, err);

        if (r >= 0)
                r = cgroup_read_u64(dfd, "memory.max", &s->memory_limit, err);
        /* memory.peak appeared in 5.19. */
        if (r >= 0 && cgroup_file_exists(dfd, "memory.peak"))
                r = cgroup_read_u64(dfd, "memory.peak", &s->memory_max_usage, err);
        if (r >= 0)
                r = cgroup_read_keyed(dfd, "memory.events", "max", &s->memory_failcnt, err);
        if (r < 0)
                return r;
        s->has_memory = true;
        return cgroup_read_swap_stats(dfd, "memory.swap.current", "memory.swap.max", s, err);
}

static int v2_cpu_stats(int dfd, struct cgroup_stats *s, brig_error **err)
{
        int r = cgroup_read_keyed(dfd, "cpu.stat", "usage_usec", &s->cpu_total, err);

        if (r >= 0)
                r = cgroup_read_keyed(dfd, "cpu.stat", "user_usec", &s->cpu_user, err);
        if (r >= 0)
                r = cgroup_read_keyed(dfd, "cpu.stat", "system_usec", &s->cpu_system, err);
        if (r < 0)
                return r;
        s->cpu_total *= 1000;
        s->cpu_user *= 1000;
        s->cpu_system *= 1000;
        s->has_cpu = true;
        return 0;
}

struct io_stat_key {
        const char *key, *op;
        bool bytes;
};

static const struct io_stat_key io_stat_keys[] = {
        { "rbytes", "Read", true }, { "wbytes", "Write", true }, { "dbytes", "Discard", true },
        { "rios", "Read", false },  { "wios", "Write", false },  { "dios", "Discard", false },
};

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device. */
static void v2_io_stat_line(char *line, struct cgroup_stats *s)
{
        unsigned long long major, minor;
        char *save = NULL, *tok = strtok_r(line, " ", &save);

        if (tok == NULL || sscanf(tok, "%llu:%llu", &major, &minor) != 2)
                return;
        while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
                char *eq = strchr(tok, '=');
                uint64_t value;

                if (eq == NULL)
                        continue;
                *eq = '\0';
                if (parse_uint64(eq + 1, &value) < 0)
                        continue;
                for (size_t i = 0; i < ARRAY_SIZE(io_stat_keys); i++) {
                        const struct io_stat_key *k = &io_stat_keys[i];

                        if (strcmp(tok, k->key) != 0)
                                continue;
                        if (k->bytes)
                                cgroup_blkio_push(&s->io_service_bytes, &s->n_io_service_bytes, major, minor,
                                                  k->op, value);
                        else
                                cgroup_blkio_push(&s->io_serviced, &s->n_io_serviced, major, minor, k->op,
                                                  value);
                }
        }
}

static int v2_blkio_stats(int dfd, struct cgroup_stats *s, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        char *save = NULL;
        int r = read_file_at(dfd, "io.stat", &text, NULL, err);

        if (r < 0)
                return r;
        for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
                v2_io_stat_line(line, s);
        return 0;
}

static int v2_oom_count(int dfd, uint64_t *ret, brig_error **err)
{
        return cgroup_read_keyed(dfd, "memory.events", "oom_kill", ret, err);
}

int cgroup_v2_unified(int dfd, const struct spec_key_value *kv, size_t n, brig_error **err)
{
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *field = NULL;
                int r;

                /* Keys name files of this very directory: nothing that could reach elsewhere. */
                if (kv[i].key == NULL || *kv[i].key == '\0' || strchr(kv[i].key, '/') != NULL ||
                    strstr(kv[i].key, "..") != NULL)
                        return brig_err(err, "linux.resources.unified: `%s` is not a cgroup file name",
                                        kv[i].key ? kv[i].key : "");
                field = xasprintf("linux.resources.unified.%s", kv[i].key);
                r = cgroup_write(dfd, kv[i].key, kv[i].value ? kv[i].value : "", field, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

const struct cgroup_ops cgroup_v2_ops = {
        .memory = v2_memory,
        .cpu = v2_cpu,
        .blkio = v2_blkio,
        .devices = v2_devices,
        .freeze = v2_freeze,
        .is_frozen = v2_is_frozen,
        .memory_stats = v2_memory_stats,
        .cpu_stats = v2_cpu_stats,
        .blkio_stats = v2_blkio_stats,
        .oom_count = v2_oom_count,
};
