/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup statistics for `events --stats` and the OOM counter. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cgroup-internal.h"

static int pids_stats(struct cgroup_dir *d, struct cgroup_stats *s, brig_error **err)
{
        int r = cgroup_read_u64(d->fd, "pids.current", &s->pids_current, err);

        if (r >= 0)
                r = cgroup_read_u64(d->fd, "pids.max", &s->pids_limit, err);
        if (r < 0)
                return r;
        if (s->pids_limit == UINT64_MAX)
                s->pids_limit = 0;
        s->has_pids = true;
        return 0;
}

/* cpu.stat throttling counters: v1 counts ns, v2 µs. */
static int throttling_stats(struct cgroup_dir *d, struct cgroup_stats *s, brig_error **err)
{
        int r = cgroup_read_keyed(d->fd, "cpu.stat", "nr_periods", &s->cpu_periods, err);

        if (r >= 0)
                r = cgroup_read_keyed(d->fd, "cpu.stat", "nr_throttled", &s->cpu_throttled_periods, err);
        if (r >= 0)
                r = cgroup_read_keyed(d->fd, "cpu.stat", d->mnt.v2 ? "throttled_usec" : "throttled_time",
                                      &s->cpu_throttled_time, err);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (d->mnt.v2)
                s->cpu_throttled_time *= 1000;
        s->has_cpu_throttling = true;
        return 0;
}

/* One page size's counters: v1 hugetlb.<size>.{usage_in_bytes,max_usage_in_bytes,failcnt},
 * v2 hugetlb.<size>.current and the "max" count of hugetlb.<size>.events. */
static int hugetlb_size_stats(struct cgroup_dir *d, const char *size, struct cgroup_hugetlb_stats *h,
                              brig_error **err)
{
        _cleanup_free_ char *usage = xasprintf(d->mnt.v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", size);
        _cleanup_free_ char *max = xasprintf("hugetlb.%s.max_usage_in_bytes", size);
        _cleanup_free_ char *failcnt = xasprintf("hugetlb.%s.failcnt", size);
        _cleanup_free_ char *events = xasprintf("hugetlb.%s.events", size);
        int r;

        h->page_size = xstrdup(size);
        r = cgroup_read_u64(d->fd, usage, &h->usage, err);
        if (r < 0 || d->mnt.v2) {
                if (r >= 0 && cgroup_read_keyed(d->fd, events, "max", &h->failcnt, err) == -ENOENT)
                        h->failcnt = 0;
                return r;
        }
        r = cgroup_read_u64(d->fd, max, &h->max_usage, err);
        return r < 0 ? r : cgroup_read_u64(d->fd, failcnt, &h->failcnt, err);
}

static int hugetlb_stats(struct cgroup_dir *d, struct cgroup_stats *s, brig_error **err)
{
        const char *suffix = d->mnt.v2 ? ".current" : ".usage_in_bytes";
        _cleanup_closedir_ DIR *dir = NULL;
        struct dirent *de;
        int fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
                if (fd >= 0)
                        close(fd);
                return brig_syserr(err, "read cgroup `%s`", d->abs);
        }
        while ((de = readdir(dir)) != NULL) {
                size_t len = strlen(de->d_name), slen = strlen(suffix);
                _cleanup_free_ char *size = NULL;
                int r;

                if (!str_has_prefix(de->d_name, "hugetlb.") || len <= strlen("hugetlb.") + slen ||
                    strcmp(de->d_name + len - slen, suffix) != 0 || strstr(de->d_name, ".rsvd.") != NULL)
                        continue;
                size = xstrndup(de->d_name + strlen("hugetlb."), len - strlen("hugetlb.") - slen);
                s->hugetlb = xrealloc(s->hugetlb, (s->n_hugetlb + 1) * sizeof(*s->hugetlb));
                s->hugetlb[s->n_hugetlb] = (struct cgroup_hugetlb_stats) { 0 };
                r = hugetlb_size_stats(d, size, &s->hugetlb[s->n_hugetlb++], err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int cgroup_stats(struct brig_cgroup *cg, struct cgroup_stats *ret, brig_error **err)
{
        struct cgroup_stats s = { 0 };
        struct cgroup_dir *d;
        int r = 0;

        if ((d = cgroup_dir_for(cg, "memory", "memory")) != NULL)
                r = cgroup_dir_ops(d)->memory_stats(d->fd, &s, err);
        if (r >= 0 && (d = cgroup_dir_for(cg, "pids", "pids")) != NULL)
                r = pids_stats(d, &s, err);
        if (r >= 0 && (d = cgroup_dir_for(cg, "cpuacct", "")) != NULL)
                r = cgroup_dir_ops(d)->cpu_stats(d->fd, &s, err);
        if (r >= 0 && (d = cgroup_dir_for(cg, "cpu", "cpu")) != NULL)
                r = throttling_stats(d, &s, err);
        if (r >= 0 && (d = cgroup_dir_for(cg, "blkio", "io")) != NULL)
                r = cgroup_dir_ops(d)->blkio_stats(d->fd, &s, err);
        if (r >= 0 && (d = cgroup_dir_for(cg, "hugetlb", "hugetlb")) != NULL)
                r = hugetlb_stats(d, &s, err);
        if (r < 0) {
                cgroup_stats_clear(&s);
                return brig_error_wrap(err, "statistics of cgroup `%s`", cg->path);
        }
        *ret = s;
        return 0;
}

void cgroup_stats_clear(struct cgroup_stats *s)
{
        free(s->io_service_bytes);
        free(s->io_serviced);
        for (size_t i = 0; i < s->n_hugetlb; i++)
                free(s->hugetlb[i].page_size);
        free(s->hugetlb);
        *s = (struct cgroup_stats) { 0 };
}

int cgroup_oom_count(struct brig_cgroup *cg, uint64_t *ret, brig_error **err)
{
        struct cgroup_dir *d;
        int r = cgroup_controller(cg, "memory", "memory", "oom counter", &d, err);

        return r < 0 ? r : cgroup_dir_ops(d)->oom_count(d->fd, ret, err);
}
