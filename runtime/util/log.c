/* SPDX-License-Identifier: Apache-2.0 */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/log.h"
#include "brig/util.h"

/* The log sink is part of the parsed command line: set once by brig_log_init. */
static struct {
        int fd;
        bool json;
        bool debug;
} sink = { .fd = -1 };

static const char *const level_names[] = {
        [BRIG_LOG_ERROR] = "error",
        [BRIG_LOG_WARN] = "warning",
        [BRIG_LOG_INFO] = "info",
        [BRIG_LOG_DEBUG] = "debug",
};

int brig_log_init(const char *path, bool json, bool debug, brig_error **err)
{
        sink.json = json;
        sink.debug = debug;
        if (path == NULL)
                return 0;
        sink.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (sink.fd < 0)
                return brig_syserr(err, "open log file `%s`", path);
        return 0;
}

/* logfmt quoting, as runc's text log: one line, with `"` and `\` escaped. */
static char *text_quote(const char *msg)
{
        char *out = xmalloc0(2 * strlen(msg) + 1), *o = out;

        for (const char *p = msg; *p != '\0'; p++) {
                if (*p == '\n') {
                        *o++ = '\\';
                        *o++ = 'n';
                        continue;
                }
                if (*p == '"' || *p == '\\')
                        *o++ = '\\';
                *o++ = *p;
        }
        return out;
}

static char *format_line(enum brig_log_level level, const char *msg)
{
        _cleanup_free_ char *now = time_rfc3339_now(), *flat = NULL;
        cJSON *o;
        char *line, *out;

        if (!sink.json) {
                flat = text_quote(msg);
                return xasprintf("time=\"%s\" level=%s msg=\"%s\"\n", now, level_names[level], flat);
        }
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "level", level_names[level]);
        cJSON_AddStringToObject(o, "msg", msg);
        cJSON_AddStringToObject(o, "time", now);
        line = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        if (line == NULL)
                abort();
        out = xasprintf("%s\n", line);
        cJSON_free(line);
        return out;
}

/*
 * stderr gets one "brig: " line per line of the message (every policy violation on its own);
 * the log file gets the message as one entry, because engines show only the last error entry.
 */
static void emit(enum brig_log_level level, const char *msg)
{
        _cleanup_free_ char *copy = NULL, *entry = NULL;
        char *save = NULL;

        if (level == BRIG_LOG_DEBUG && !sink.debug)
                return;
        /* Without a log file, warnings and debug output go to stderr; errors always do. */
        if (level == BRIG_LOG_ERROR || sink.fd < 0) {
                copy = xstrdup(msg);
                for (char *line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
                        fprintf(stderr, "brig: %s%s\n", level == BRIG_LOG_WARN ? "warning: " : "", line);
        }
        if (sink.fd < 0)
                return;
        entry = format_line(level, msg);
        /* One write per entry: concurrent writers to the same log never interleave. */
        (void) write_all(sink.fd, entry, strlen(entry));
}

void brig_log(enum brig_log_level level, const char *fmt, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = xvasprintf(fmt, ap);
        va_end(ap);
        emit(level, msg);
}

void brig_log_error(const brig_error *e)
{
        _cleanup_free_ char *text = brig_error_text(e);

        emit(BRIG_LOG_ERROR, text);
}
