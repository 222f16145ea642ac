/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by every module: memory, strings, whole-file I/O, number parsing. */
#ifndef BRIG_UTIL_H
#define BRIG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "brig/error.h"

/* Allocation failure is not recoverable for a short-lived runtime: these abort. */
void *xmalloc0(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* NULL-terminated string vectors. */
size_t strv_length(char *const *v);
void strv_free(char **v);
char **strv_copy(char *const *v);
bool strv_contains(char *const *v, const char *s);
/* Appends a copy of s to *v (which may be NULL). */
void strv_push(char ***v, const char *s);

bool str_has_prefix(const char *s, const char *prefix);
bool streq_ptr(const char *a, const char *b); /* NULL-safe strcmp()==0 */

/* Parse a whole string as a number; no trailing garbage, range checked. */
int parse_int64(const char *s, int64_t *ret);
int parse_uint64(const char *s, uint64_t *ret);
int parse_int(const char *s, int *ret);

/* Loop over short reads/writes and EINTR. Return bytes done or -1 with errno. */
ssize_t write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);
/* write_all for sockets: a peer that is gone is EPIPE, never SIGPIPE. */
ssize_t send_all(int sock, const void *buf, size_t len);
/* send_all with fd passed (SCM_RIGHTS) along with the first bytes. */
ssize_t send_all_with_fd(int sock, const void *buf, size_t len, int fd);
/* One recvmsg(flags) into buf; *ret_fd is the fd passed with it, or -1 when none came. */
ssize_t recv_with_fd(int sock, void *buf, size_t len, int flags, int *ret_fd);

/* Whole-file helpers relative to a directory fd (AT_FDCWD for paths). */
int read_file_at(int dirfd, const char *path, char **ret_content, size_t *ret_len, brig_error **err);
/* Writes content (no O_CREAT unless mode != 0) — used for /proc and cgroup files too. */
int write_file_at(int dirfd, const char *path, const char *content, size_t len, mode_t mode, brig_error **err);
/* Atomically replace path with content (write to temp + rename) inside dirfd. */
int write_file_atomic_at(int dirfd, const char *name, const char *content, size_t len, brig_error **err);

/* mkdir -p relative to dirfd (or AT_FDCWD). Existing directories are fine. */
int mkdir_p_at(int dirfd, const char *path, mode_t mode, brig_error **err);

/* Current time as RFC 3339 with nanoseconds, UTC (as runc writes `created`). Caller frees. */
char *time_rfc3339_now(void);

#endif
