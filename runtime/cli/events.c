/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `events [--stats] [--interval D] ID`: runc's event stream, one JSON object per line.
 * --stats prints one {"type":"stats",...} and exits; otherwise a stats event goes out every
 * interval and an {"type":"oom"} event as soon as the cgroup's OOM-kill counter rises, until
 * the container stops.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "brig/cgroup.h"
#include "brig/cleanup.h"
#include "brig/util.h"
#include "cli.h"

#define DEFAULT_INTERVAL_MS 5000
/* The OOM counter is polled this often, so an OOM is reported soon even with a long interval. */
#define OOM_POLL_MS 100

/* cJSON keeps numbers as doubles: counters above 2^53 (an unlimited limit) go out as raw text. */
static void add_u64(cJSON *o, const char *key, uint64_t v)
{
        char text[24];

        snprintf(text, sizeof(text), "%" PRIu64, v);
        cJSON_AddRawToObject(o, key, text);
}

static cJSON *cpu_json(const struct cgroup_stats *s)
{
        cJSON *cpu = cJSON_CreateObject(), *usage = cJSON_AddObjectToObject(cpu, "usage");
        cJSON *throttling = cJSON_AddObjectToObject(cpu, "throttling");

        add_u64(usage, "total", s->cpu_total);
        add_u64(usage, "kernel", s->cpu_system);
        add_u64(usage, "user", s->cpu_user);
        add_u64(throttling, "periods", s->cpu_periods);
        add_u64(throttling, "throttledPeriods", s->cpu_throttled_periods);
        add_u64(throttling, "throttledTime", s->cpu_throttled_time);
        return cpu;
}

static cJSON *memory_json(const struct cgroup_stats *s)
{
        cJSON *memory = cJSON_CreateObject(), *usage = cJSON_AddObjectToObject(memory, "usage");

        add_u64(usage, "limit", s->memory_limit);
        add_u64(usage, "usage", s->memory_usage);
        add_u64(usage, "max", s->memory_max_usage);
        add_u64(usage, "failcnt", s->memory_failcnt);
        if (s->has_swap) {
                cJSON *swap = cJSON_AddObjectToObject(memory, "swap");

                add_u64(swap, "limit", s->swap_limit);
                add_u64(swap, "usage", s->swap_usage);
                add_u64(swap, "failcnt", 0);
        }
        return memory;
}

static cJSON *blkio_entries_json(const struct cgroup_blkio_entry *v, size_t n)
{
        cJSON *a = cJSON_CreateArray();

        for (size_t i = 0; i < n; i++) {
                cJSON *e = cJSON_CreateObject();

                add_u64(e, "major", v[i].major);
                add_u64(e, "minor", v[i].minor);
                cJSON_AddStringToObject(e, "op", v[i].op);
                add_u64(e, "value", v[i].value);
                cJSON_AddItemToArray(a, e);
        }
        return a;
}

static cJSON *stats_json(const struct cgroup_stats *s)
{
        cJSON *data = cJSON_CreateObject(), *pids, *blkio, *hugetlb;

        cJSON_AddItemToObject(data, "cpu", s->has_cpu ? cpu_json(s) : cJSON_CreateObject());
        cJSON_AddItemToObject(data, "memory", s->has_memory ? memory_json(s) : cJSON_CreateObject());
        pids = cJSON_AddObjectToObject(data, "pids");
        if (s->has_pids) {
                add_u64(pids, "current", s->pids_current);
                add_u64(pids, "limit", s->pids_limit);
        }
        blkio = cJSON_AddObjectToObject(data, "blkio");
        cJSON_AddItemToObject(blkio, "ioServiceBytesRecursive",
                              blkio_entries_json(s->io_service_bytes, s->n_io_service_bytes));
        cJSON_AddItemToObject(blkio, "ioServicedRecursive", blkio_entries_json(s->io_serviced, s->n_io_serviced));
        hugetlb = cJSON_AddObjectToObject(data, "hugetlb");
        for (size_t i = 0; i < s->n_hugetlb; i++) {
                cJSON *h = cJSON_AddObjectToObject(hugetlb, s->hugetlb[i].page_size);

                add_u64(h, "usage", s->hugetlb[i].usage);
                add_u64(h, "max", s->hugetlb[i].max_usage);
                add_u64(h, "failcnt", s->hugetlb[i].failcnt);
        }
        return data;
}

/* One event per line, flushed: the reader (a shim, a pipe) acts on each as it comes. */
static void emit(const char *type, const char *id, cJSON *data)
{
        cJSON *event = cJSON_CreateObject();
        char *text;

        cJSON_AddStringToObject(event, "type", type);
        cJSON_AddStringToObject(event, "id", id);
        if (data != NULL)
                cJSON_AddItemToObject(event, "data", data);
        text = cJSON_PrintUnformatted(event);
        if (text == NULL)
                abort();
        printf("%s\n", text);
        fflush(stdout);
        cJSON_free(text);
        cJSON_Delete(event);
}

/* A Go-style duration, as runc takes it: "5s", "500ms", "1m30s" (units ms, s, m, h). */
static int parse_interval(const char *s, long *ret_ms, brig_error **err)
{
        static const struct {
                const char *unit;
                long ms;
        } units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 } };
        const char *p = s;
        long total = 0;

        while (*p != '\0') {
                char *end;
                long n = strtol(p, &end, 10);
                size_t i;

                if (end == p || n < 0)
                        break;
                for (i = 0; i < ARRAY_SIZE(units); i++)
                        /* "ms" is tried before "m". */
                        if (strncmp(end, units[i].unit, strlen(units[i].unit)) == 0)
                                break;
                if (i == ARRAY_SIZE(units) || n > 86400000L / units[i].ms)
                        break;
                total += n * units[i].ms;
                p = end + strlen(units[i].unit);
        }
        if (*p != '\0' || total <= 0)
                return brig_err(err, "events: --interval: `%s` is not a duration such as `5s` or `500ms`", s);
        *ret_ms = total;
        return 0;
}

static long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The watch itself takes a container that disappears as the end; at the start it is an error. */
static int require_live(const struct runtime_options *rt, const char *id, brig_error **err)
{
        struct container_state st;
        enum container_status status;

        if (container_load(rt, id, &st, &status, err) < 0)
                return -1;
        state_release(&st);
        if (status == STATUS_STOPPED || status == STATUS_CREATING)
                return brig_err(err, "events: container `%s` is %s", id, status_name(status));
        return 0;
}

static int print_stats_once(const struct runtime_options *rt, const char *id, brig_error **err)
{
        struct cgroup_stats stats = { 0 };
        enum container_status status;
        uint64_t ooms = 0;

        if (require_live(rt, id, err) < 0 || container_observe(rt, id, &status, &ooms, &stats, err) < 0)
                return -1;
        if (status == STATUS_STOPPED)
                return brig_err(err, "events: container `%s` is stopped", id);
        emit("stats", id, stats_json(&stats));
        cgroup_stats_clear(&stats);
        return 0;
}

static int stream(const struct runtime_options *rt, const char *id, long interval_ms, brig_error **err)
{
        enum container_status status;
        uint64_t ooms = 0, seen;
        long next_stats = now_ms() + interval_ms;

        if (require_live(rt, id, err) < 0 || container_observe(rt, id, &status, &ooms, NULL, err) < 0)
                return -1;
        for (;;) {
                struct cgroup_stats stats = { 0 };
                bool due;

                cgroup_sleep_ms(interval_ms < OOM_POLL_MS ? interval_ms : OOM_POLL_MS);
                due = now_ms() >= next_stats;
                seen = ooms;
                if (container_observe(rt, id, &status, &seen, due ? &stats : NULL, err) < 0)
                        return -1;
                /* The last kills of a container that died of OOM are reported before the stream ends. */
                if (seen > ooms)
                        emit("oom", id, NULL);
                ooms = seen;
                if (status == STATUS_STOPPED)
                        return 0;
                if (due) {
                        emit("stats", id, stats_json(&stats));
                        cgroup_stats_clear(&stats);
                        next_stats += interval_ms;
                }
        }
}

int cmd_events(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        static const struct option longopts[] = {
                { "stats", no_argument, NULL, 's' },
                { "interval", required_argument, NULL, 'i' },
                { 0 },
        };
        long interval_ms = DEFAULT_INTERVAL_MS;
        bool once = false;
        const char *id;
        int c;

        while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
                if (c == 's')
                        once = true;
                else if (c != 'i')
                        return brig_err(err, "events: unknown option `%s`", argv[optind - 1]);
                else if (parse_interval(optarg, &interval_ms, err) < 0)
                        return -1;
        }
        if (cli_container_id(argc, argv, "events", &id, err) < 0)
                return -1;
        if (once)
                return print_stats_once(rt, id, err) < 0 ? -1 : 0;
        return stream(rt, id, interval_ms, err) < 0 ? -1 : 0;
}
