/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging at the program's edge. Library code does not log: it returns brig_error.
 * The CLI configures the sink once from --log/--log-format/--debug; brig_log_*()
 * writes text ("level=error msg=...") or runc-style JSON lines
 * ({"level":"error","msg":"...","time":"..."}) to the log file, and errors also to stderr.
 */
#ifndef BRIG_LOG_H
#define BRIG_LOG_H

#include <stdbool.h>

#include "brig/error.h"

enum brig_log_level { BRIG_LOG_ERROR, BRIG_LOG_WARN, BRIG_LOG_INFO, BRIG_LOG_DEBUG };

/* path may be NULL (stderr only); json selects the JSON format. */
int brig_log_init(const char *path, bool json, bool debug, brig_error **err);
void brig_log(enum brig_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The single place errors are printed: stderr "brig: <text>" plus the log file. */
void brig_log_error(const brig_error *e);

#define brig_warn(...) brig_log(BRIG_LOG_WARN, __VA_ARGS__)
#define brig_info(...) brig_log(BRIG_LOG_INFO, __VA_ARGS__)
#define brig_debug(...) brig_log(BRIG_LOG_DEBUG, __VA_ARGS__)

#endif
