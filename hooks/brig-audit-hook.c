/* SPDX-License-Identifier: Apache-2.0 */
/*
 * brig-audit-hook: an OCI hook that keeps an audit trail of container lifecycle events.
 *
 *     brig-audit-hook [HOOK-NAME] [--log FILE]
 *
 * Reads the container state JSON the runtime writes on stdin and appends one line
 *     {"time":"...","hook":"poststart","id":"c1","pid":42,"status":"running","bundle":"/b"}
 * to FILE (default /var/log/brig/hooks.jsonl). Each line goes out in a single O_APPEND
 * write, so hooks of many containers can share one file without interleaving.
 * Exits non-zero, with a message on stderr, when the state is invalid or the log cannot
 * be written; in a prestart/poststart list that makes the runtime report the failure.
 *
 * Standalone on purpose: it links nothing from the runtime, only cJSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#define PROGRAM "brig-audit-hook"
#define DEFAULT_LOG "/var/log/brig/hooks.jsonl"
/* A state document is a few hundred bytes plus annotations; anything huge is not a state. */
#define MAX_STATE_SIZE (1024 * 1024)

enum { EXIT_USAGE = 2 };

struct options {
        const char *hook;
        const char *log_path;
};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
        va_list ap;

        fputs(PROGRAM ": ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        return -1;
}

static void usage(FILE *out)
{
        fprintf(out,
                "usage: " PROGRAM " [HOOK-NAME] [--log FILE]\n"
                "Append the OCI container state read on stdin as one JSON line to FILE\n"
                "(default " DEFAULT_LOG ").\n");
}

/* Returns 0 to go on, 1 when --help was answered, -1 on a usage error. */
static int parse_options(int argc, char **argv, struct options *opts)
{
        static const struct option longopts[] = {
                { "log", required_argument, NULL, 'l' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        int c;

        *opts = (struct options){ .hook = "hook", .log_path = DEFAULT_LOG };
        while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                switch (c) {
                case 'l':
                        opts->log_path = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return 1;
                default:
                        usage(stderr);
                        return -1;
                }
        }
        if (argc - optind > 1) {
                fail("unexpected argument `%s`", argv[optind + 1]);
                usage(stderr);
                return -1;
        }
        if (optind < argc)
                opts->hook = argv[optind];
        return 0;
}

/* All of stdin as a NUL-terminated string. */
static char *read_state(void)
{
        /* Room for one byte past the limit, to tell "exactly the limit" from "too big". */
        char *buf = malloc(MAX_STATE_SIZE + 2);
        size_t len = 0;

        if (buf == NULL) {
                fail("out of memory");
                return NULL;
        }
        while (len <= MAX_STATE_SIZE) {
                ssize_t n = read(STDIN_FILENO, buf + len, MAX_STATE_SIZE + 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        fail("read state from stdin: %s", strerror(errno));
                        break;
                }
                if (n == 0) {
                        buf[len] = '\0';
                        return buf;
                }
                len += (size_t)n;
        }
        if (len > MAX_STATE_SIZE)
                fail("state on stdin: larger than %d bytes", MAX_STATE_SIZE);
        free(buf);
        return NULL;
}

static const char *required_string(const cJSON *state, const char *key)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(state, key);

        if (!cJSON_IsString(v) || v->valuestring[0] == '\0') {
                fail("state: `%s`: must be a non-empty string", key);
                return NULL;
        }
        return v->valuestring;
}

/* What the audit line keeps from the state; the strings point into the parsed state. */
struct audit_fields {
        const char *id, *status, *bundle;
        bool has_pid; /* absent once the container has stopped: logged as null */
        double pid;
};

static int read_pid(const cJSON *state, struct audit_fields *f)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(state, "pid");

        f->has_pid = v != NULL && !cJSON_IsNull(v);
        if (!f->has_pid)
                return 0;
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > INT32_MAX ||
            v->valuedouble != (double)(int32_t)v->valuedouble)
                return fail("state: `pid`: must be a non-negative integer");
        f->pid = v->valuedouble;
        return 0;
}

/* The fields the runtime-spec requires in every state, plus the pid when there is one. */
static int read_fields(const cJSON *state, struct audit_fields *f)
{
        if (state == NULL)
                return fail("state on stdin: not valid JSON");
        if (!cJSON_IsObject(state))
                return fail("state on stdin: not a JSON object");
        if (required_string(state, "ociVersion") == NULL ||
            (f->id = required_string(state, "id")) == NULL ||
            (f->status = required_string(state, "status")) == NULL ||
            (f->bundle = required_string(state, "bundle")) == NULL)
                return -1;
        return read_pid(state, f);
}

/* RFC 3339 in UTC with nanoseconds, as runtimes write timestamps. */
static int format_now(char *buf, size_t size)
{
        struct timespec ts;
        struct tm tm;
        char seconds[32];

        if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || gmtime_r(&ts.tv_sec, &tm) == NULL)
                return fail("read the clock: %s", strerror(errno));
        if (strftime(seconds, sizeof(seconds), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
                return fail("format the time");
        snprintf(buf, size, "%s.%09ldZ", seconds, ts.tv_nsec);
        return 0;
}

/* The record as one line, newline included; NULL when out of memory. */
static char *format_record(const struct audit_fields *f, const char *hook, const char *now)
{
        cJSON *record = cJSON_CreateObject();
        char *text = NULL, *line = NULL;

        if (record != NULL && cJSON_AddStringToObject(record, "time", now) != NULL &&
            cJSON_AddStringToObject(record, "hook", hook) != NULL &&
            cJSON_AddStringToObject(record, "id", f->id) != NULL &&
            (f->has_pid ? cJSON_AddNumberToObject(record, "pid", f->pid)
                        : cJSON_AddNullToObject(record, "pid")) != NULL &&
            cJSON_AddStringToObject(record, "status", f->status) != NULL &&
            cJSON_AddStringToObject(record, "bundle", f->bundle) != NULL)
                text = cJSON_PrintUnformatted(record);
        if (text != NULL && asprintf(&line, "%s\n", text) < 0)
                line = NULL;
        cJSON_free(text);
        cJSON_Delete(record);
        if (line == NULL)
                fail("out of memory");
        return line;
}

/* Validate the state and build its audit line. */
static char *audit_line(const char *state_json, const char *hook)
{
        cJSON *state = cJSON_Parse(state_json);
        struct audit_fields fields = { 0 };
        char now[64];
        char *line = NULL;

        if (read_fields(state, &fields) == 0 && format_now(now, sizeof(now)) == 0)
                line = format_record(&fields, hook, now);
        cJSON_Delete(state);
        return line;
}

/* The log's directory may not exist on a fresh host: create the last level only. */
static int open_log(const char *path)
{
        int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
        int fd = open(path, flags, 0640);

        if (fd < 0 && errno == ENOENT) {
                char *copy = strdup(path);
                if (copy == NULL)
                        return fail("out of memory");
                if (mkdir(dirname(copy), 0750) == 0 || errno == EEXIST)
                        fd = open(path, flags, 0640);
                else
                        errno = ENOENT;
                free(copy);
        }
        if (fd < 0)
                return fail("open log `%s`: %s", path, strerror(errno));
        return fd;
}

static int append_line(const char *path, const char *line)
{
        size_t len = strlen(line);
        int fd = open_log(path);
        int r = 0;

        if (fd < 0)
                return -1;
        /* One write: O_APPEND makes it land whole at the end, between other hooks' lines. */
        ssize_t n = write(fd, line, len);
        if (n < 0)
                r = fail("write log `%s`: %s", path, strerror(errno));
        else if ((size_t)n != len)
                r = fail("write log `%s`: short write (%zd of %zu bytes)", path, n, len);
        if (close(fd) < 0 && r == 0)
                r = fail("close log `%s`: %s", path, strerror(errno));
        return r;
}

int main(int argc, char **argv)
{
        struct options opts;
        int r = parse_options(argc, argv, &opts);

        if (r != 0)
                return r > 0 ? EXIT_SUCCESS : EXIT_USAGE;

        char *state = read_state();
        if (state == NULL)
                return EXIT_FAILURE;
        char *line = audit_line(state, opts.hook);
        free(state);
        if (line == NULL)
                return EXIT_FAILURE;
        r = append_line(opts.log_path, line);
        free(line);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
