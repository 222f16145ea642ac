/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup interface files: reading and writing them, and the helpers cgroup_v1.c and cgroup_v2.c share. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cgroup-internal.h"

int cgroup_write(int dfd, const char *file, const char *value, const char *field, brig_error **err)
{
        _cleanup_close_ int fd = openat(dfd, file, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        size_t len = strlen(value);
        ssize_t n;

        if (fd < 0)
                return brig_syserr(err, "%s: write `%s`", field, file);
        /* A cgroup file takes one value per write(): no retry loop that could split it. */
        n = write(fd, value, len);
        if (n < 0)
                return brig_syserr(err, "%s: write `%s`", field, file);
        if ((size_t) n != len)
                return brig_err(err, "%s: write `%s`: short write", field, file);
        return 0;
}

int cgroup_writef(int dfd, const char *file, const char *field, brig_error **err, const char *fmt, ...)
{
        _cleanup_free_ char *value = NULL;
        va_list ap;

        va_start(ap, fmt);
        value = xvasprintf(fmt, ap);
        va_end(ap);
        return cgroup_write(dfd, file, value, field, err);
}

static int parse_u64_or_max(const char *s, uint64_t *ret)
{
        if (strcmp(s, "max") == 0) {
                *ret = UINT64_MAX;
                return 0;
        }
        return parse_uint64(s, ret);
}

int cgroup_read_u64(int dfd, const char *file, uint64_t *ret, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        int r = read_file_at(dfd, file, &text, NULL, err);

        if (r < 0)
                return r;
        text[strcspn(text, "\n")] = '\0';
        if (parse_u64_or_max(text, ret) < 0)
                return brig_err(err, "`%s`: `%s` is not a number", file, text);
        return 0;
}

int cgroup_read_keyed(int dfd, const char *file, const char *key, uint64_t *ret, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        char *save = NULL;
        size_t klen = strlen(key);
        int r = read_file_at(dfd, file, &text, NULL, err);

        if (r < 0)
                return r;
        for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
                if (strncmp(line, key, klen) != 0 || line[klen] != ' ')
                        continue;
                if (parse_u64_or_max(line + klen + 1, ret) < 0)
                        return brig_err(err, "`%s`: `%s` is not a number", file, line);
                return 0;
        }
        return -ENOENT;
}

bool cgroup_file_exists(int dfd, const char *file)
{
        return faccessat(dfd, file, F_OK, 0) == 0;
}

void cgroup_blkio_push(struct cgroup_blkio_entry **v, size_t *n, uint64_t major, uint64_t minor,
                       const char *op, uint64_t value)
{
        *v = xrealloc(*v, (*n + 1) * sizeof(**v));
        (*v)[(*n)++] = (struct cgroup_blkio_entry) { major, minor, op, value };
}

void cgroup_throttles(const struct spec_block_io *b, struct cgroup_throttle ret[4])
{
        ret[0] = (struct cgroup_throttle) { "linux.resources.blockIO.throttleReadBpsDevice",
                                            "blkio.throttle.read_bps_device", "rbps", b->throttle_read_bps,
                                            b->n_throttle_read_bps };
        ret[1] = (struct cgroup_throttle) { "linux.resources.blockIO.throttleWriteBpsDevice",
                                            "blkio.throttle.write_bps_device", "wbps", b->throttle_write_bps,
                                            b->n_throttle_write_bps };
        ret[2] = (struct cgroup_throttle) { "linux.resources.blockIO.throttleReadIOPSDevice",
                                            "blkio.throttle.read_iops_device", "riops", b->throttle_read_iops,
                                            b->n_throttle_read_iops };
        ret[3] = (struct cgroup_throttle) { "linux.resources.blockIO.throttleWriteIOPSDevice",
                                            "blkio.throttle.write_iops_device", "wiops", b->throttle_write_iops,
                                            b->n_throttle_write_iops };
}

int cgroup_read_swap_stats(int dfd, const char *usage_file, const char *limit_file, struct cgroup_stats *s,
                           brig_error **err)
{
        int r;

        /* Without swap accounting the files are missing: no swap counters, no error. */
        if (!cgroup_file_exists(dfd, usage_file))
                return 0;
        r = cgroup_read_u64(dfd, usage_file, &s->swap_usage, err);
        if (r >= 0)
                r = cgroup_read_u64(dfd, limit_file, &s->swap_limit, err);
        s->has_swap = r >= 0;
        return r;
}

void cgroup_sleep_ms(long ms)
{
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}
