/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `update [--resources FILE|-] [limit flags] ID`: a linux.resources object (Docker's shim sends
 * it on stdin), then the flags on top of it, applied to the container's cgroup.
 */
#include <ctype.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <strings.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cli.h"

enum update_flag {
        U_MEMORY,
        U_MEMORY_RESERVATION,
        U_MEMORY_SWAP,
        U_PIDS_LIMIT,
        U_CPU_SHARES,
        U_CPU_QUOTA,
        U_CPU_PERIOD,
        U_CPUSET_CPUS,
        U_CPUSET_MEMS,
        U_BLKIO_WEIGHT,
        U__COUNT,
};

#define OPT_FLAG 256

static const struct option update_options[] = {
        { "resources", required_argument, NULL, 'r' },
        { "memory", required_argument, NULL, OPT_FLAG + U_MEMORY },
        { "memory-reservation", required_argument, NULL, OPT_FLAG + U_MEMORY_RESERVATION },
        { "memory-swap", required_argument, NULL, OPT_FLAG + U_MEMORY_SWAP },
        { "pids-limit", required_argument, NULL, OPT_FLAG + U_PIDS_LIMIT },
        { "cpu-shares", required_argument, NULL, OPT_FLAG + U_CPU_SHARES },
        { "cpu-share", required_argument, NULL, OPT_FLAG + U_CPU_SHARES }, /* runc's spelling */
        { "cpu-quota", required_argument, NULL, OPT_FLAG + U_CPU_QUOTA },
        { "cpu-period", required_argument, NULL, OPT_FLAG + U_CPU_PERIOD },
        { "cpuset-cpus", required_argument, NULL, OPT_FLAG + U_CPUSET_CPUS },
        { "cpuset-mems", required_argument, NULL, OPT_FLAG + U_CPUSET_MEMS },
        { "blkio-weight", required_argument, NULL, OPT_FLAG + U_BLKIO_WEIGHT },
        { 0 },
};

static const char *flag_name(enum update_flag f)
{
        for (const struct option *o = update_options; o->name != NULL; o++)
                if (o->val == OPT_FLAG + (int) f)
                        return o->name;
        return "?";
}

/* "-1" (unlimited) or a size: digits with an optional binary suffix k, m, g or t ("64m", "1G"). */
static int parse_bytes(const char *s, int64_t *ret)
{
        static const char units[] = "kmgt";
        _cleanup_free_ char *digits = xstrdup(s);
        size_t len = strlen(digits);
        const char *unit;
        int64_t v;

        if (strcmp(s, "-1") == 0) {
                *ret = -1;
                return 0;
        }
        if (len > 1 && tolower((unsigned char) digits[len - 1]) == 'b')
                digits[--len] = '\0';
        unit = len > 1 ? strchr(units, tolower((unsigned char) digits[len - 1])) : NULL;
        if (unit != NULL)
                digits[--len] = '\0';
        if (len == 0 || !isdigit((unsigned char) digits[0]) || parse_int64(digits, &v) < 0)
                return -EINVAL;
        for (const char *u = units; unit != NULL && u <= unit; u++) {
                if (v > INT64_MAX / 1024)
                        return -ERANGE;
                v *= 1024;
        }
        *ret = v;
        return 0;
}

/* A count where -1 means unlimited. */
static int parse_limit(const char *s, int64_t *ret)
{
        return parse_int64(s, ret) < 0 || *ret < -1 ? -EINVAL : 0;
}

static int parse_count(const char *s, uint64_t *ret)
{
        return isdigit((unsigned char) s[0]) && parse_uint64(s, ret) == 0 ? 0 : -EINVAL;
}

static struct spec_memory *memory_of(struct spec_resources *res)
{
        if (res->memory == NULL)
                res->memory = xmalloc0(sizeof(*res->memory));
        return res->memory;
}

static struct spec_cpu *cpu_of(struct spec_resources *res)
{
        if (res->cpu == NULL)
                res->cpu = xmalloc0(sizeof(*res->cpu));
        return res->cpu;
}

static struct spec_block_io *block_io_of(struct spec_resources *res)
{
        if (res->block_io == NULL)
                res->block_io = xmalloc0(sizeof(*res->block_io));
        return res->block_io;
}

static void set_string(char **field, const char *v)
{
        free(*field);
        *field = xstrdup(v);
}

/* Returns -EINVAL for a value the flag does not take. */
static int set_flag(struct spec_resources *res, enum update_flag f, const char *v)
{
        struct spec_memory *m;
        struct spec_cpu *c;
        uint64_t weight;

        switch (f) {
        case U_MEMORY:
                m = memory_of(res);
                m->has_limit = true;
                return parse_bytes(v, &m->limit);
        case U_MEMORY_RESERVATION:
                m = memory_of(res);
                m->has_reservation = true;
                return parse_bytes(v, &m->reservation);
        case U_MEMORY_SWAP:
                m = memory_of(res);
                m->has_swap = true;
                return parse_bytes(v, &m->swap);
        case U_PIDS_LIMIT:
                res->has_pids_limit = true;
                return parse_limit(v, &res->pids_limit);
        case U_CPU_SHARES:
                c = cpu_of(res);
                c->has_shares = true;
                return parse_count(v, &c->shares);
        case U_CPU_QUOTA:
                c = cpu_of(res);
                c->has_quota = true;
                return parse_limit(v, &c->quota);
        case U_CPU_PERIOD:
                c = cpu_of(res);
                c->has_period = true;
                return parse_count(v, &c->period);
        case U_CPUSET_CPUS:
                set_string(&cpu_of(res)->cpus, v);
                return 0;
        case U_CPUSET_MEMS:
                set_string(&cpu_of(res)->mems, v);
                return 0;
        case U_BLKIO_WEIGHT:
                if (parse_count(v, &weight) < 0 || (weight != 0 && (weight < 10 || weight > 1000)))
                        return -EINVAL;
                block_io_of(res)->has_weight = true;
                block_io_of(res)->weight = (uint16_t) weight;
                return 0;
        case U__COUNT:
                break;
        }
        return -EINVAL;
}

static const char *const flag_expects[U__COUNT] = {
        [U_MEMORY] = "a size in bytes (or -1)",
        [U_MEMORY_RESERVATION] = "a size in bytes (or -1)",
        [U_MEMORY_SWAP] = "a size in bytes (or -1)",
        [U_PIDS_LIMIT] = "a number of processes (or -1)",
        [U_CPU_SHARES] = "a non-negative number",
        [U_CPU_QUOTA] = "microseconds (or -1)",
        [U_CPU_PERIOD] = "a non-negative number of microseconds",
        [U_CPUSET_CPUS] = "a cpu list",
        [U_CPUSET_MEMS] = "a memory node list",
        [U_BLKIO_WEIGHT] = "a weight from 10 to 1000 (0: unset)",
};

/* The --resources document: a file, or standard input for "-". */
static int read_resources(const char *file, struct spec_resources **ret, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        const char *path = strcmp(file, "-") == 0 ? "/dev/stdin" : file;
        size_t len;

        if (read_file_at(AT_FDCWD, path, &text, &len, err) < 0)
                return brig_error_wrap(err, "update: --resources");
        return spec_parse_resources(text, len, strcmp(file, "-") == 0 ? "update: --resources (stdin)" : file,
                                    ret, err);
}

static void spec_resources_freep(struct spec_resources **r)
{
        spec_resources_free(*r);
}

int cmd_update(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        __attribute__((cleanup(spec_resources_freep))) struct spec_resources *res = NULL;
        const char *values[U__COUNT] = { 0 }, *file = NULL, *id;
        bool any = false;
        int c;

        while ((c = getopt_long(argc, argv, "+r:", update_options, NULL)) != -1) {
                if (c == 'r')
                        file = optarg;
                else if (c >= OPT_FLAG && c < OPT_FLAG + U__COUNT)
                        values[c - OPT_FLAG] = optarg;
                else
                        return brig_err(err, "update: unknown option `%s`", argv[optind - 1]);
        }
        if (cli_container_id(argc, argv, "update", &id, err) < 0)
                return -1;
        if (file != NULL && read_resources(file, &res, err) < 0)
                return -1;
        if (res == NULL)
                res = xmalloc0(sizeof(*res));
        for (int f = 0; f < U__COUNT; f++) {
                if (values[f] == NULL)
                        continue;
                any = true;
                if (set_flag(res, f, values[f]) < 0)
                        return brig_err(err, "update: --%s: `%s` is not %s", flag_name(f), values[f],
                                        flag_expects[f]);
        }
        if (file == NULL && !any)
                return brig_err(err, "update: nothing to change (give --resources or a limit flag)");
        return container_update(rt, id, res, err) < 0 ? -1 : 0;
}
