/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one error convention of brig.
 *
 * A fallible function returns an int: >= 0 on success, < 0 on failure. On failure
 * it has filled `*err` with a brig_error carrying the errno (0 when the failure is
 * not a system call's) and a message. Callers add context with brig_error_wrap()
 * on the way up; exactly one place (the CLI's main) prints it.
 *
 *     if (mkdirat(dfd, name, 0700) < 0)
 *             return brig_syserr(err, "mkdir `%s`", name);
 *     if (spec->process == NULL)
 *             return brig_err(err, "config.json: process: missing");
 */
#ifndef BRIG_ERROR_H
#define BRIG_ERROR_H

#include <errno.h>
#include <stdarg.h>

typedef struct brig_error {
        int errnum;   /* errno of the failing call, or 0 */
        char *msg;    /* owned; never NULL once set */
} brig_error;

/* Fill *err with errnum and a printf-style message; returns -1 (or -errnum when errnum != 0). */
int brig_error_make(brig_error **err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int brig_error_makev(brig_error **err, int errnum, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));

/* A failure that is not a system call's (bad input, a refused state change, ...). */
#define brig_err(err, ...) brig_error_make((err), 0, __VA_ARGS__)
/* A failed system call: takes errno as it is right now. */
#define brig_syserr(err, ...) brig_error_make((err), errno, __VA_ARGS__)

/* Prefix the message with context ("create container `x`: ..."); returns the same value as make. */
int brig_error_wrap(brig_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The full text: "msg" or "msg: strerror(errnum)". Caller frees. */
char *brig_error_text(const brig_error *err);

void brig_error_free(brig_error **err);

/* Move an error across a process boundary (container init -> runtime) over a stream socket. */
int brig_error_send(int fd, const brig_error *e);
/* Reads one error sent by brig_error_send; returns 0 and sets *out (or < 0 and fills *err). */
int brig_error_recv(int fd, brig_error **out, brig_error **err);

#define _cleanup_error_ __attribute__((cleanup(brig_error_free)))

#endif
