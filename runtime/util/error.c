/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "brig/cleanup.h"
#include "brig/error.h"
#include "brig/util.h"

int brig_error_makev(brig_error **err, int errnum, const char *fmt, va_list ap)
{
        brig_error *e = xmalloc0(sizeof(*e));

        e->errnum = errnum;
        e->msg = xvasprintf(fmt, ap);
        /* A second error replaces the first: the newest is the most precise. */
        brig_error_free(err);
        *err = e;
        return errnum > 0 ? -errnum : -1;
}

int brig_error_make(brig_error **err, int errnum, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = brig_error_makev(err, errnum, fmt, ap);
        va_end(ap);
        return r;
}

int brig_error_wrap(brig_error **err, const char *fmt, ...)
{
        _cleanup_free_ char *prefix = NULL;
        brig_error *e = *err;
        va_list ap;
        char *msg;

        if (e == NULL)
                return -1;
        va_start(ap, fmt);
        prefix = xvasprintf(fmt, ap);
        va_end(ap);
        msg = xasprintf("%s: %s", prefix, e->msg);
        free(e->msg);
        e->msg = msg;
        return e->errnum > 0 ? -e->errnum : -1;
}

char *brig_error_text(const brig_error *e)
{
        if (e->errnum > 0)
                return xasprintf("%s: %s", e->msg, strerror(e->errnum));
        return xstrdup(e->msg);
}

void brig_error_free(brig_error **err)
{
        if (*err == NULL)
                return;
        free((*err)->msg);
        free(*err);
        *err = NULL;
}

/* Wire format on a SOCK_SEQPACKET/stream fd: int32 errnum, uint32 length, message bytes. */
struct error_header {
        int32_t errnum;
        uint32_t len;
};

int brig_error_send(int fd, const brig_error *e)
{
        size_t len = strlen(e->msg);
        struct error_header h = { .errnum = e->errnum, .len = (uint32_t) len };

        if (send_all(fd, &h, sizeof(h)) < 0 || send_all(fd, e->msg, len) < 0)
                return -1;
        return 0;
}

int brig_error_recv(int fd, brig_error **out, brig_error **err)
{
        _cleanup_free_ char *msg = NULL;
        struct error_header h;
        ssize_t n;

        n = read_all(fd, &h, sizeof(h));
        if (n < 0)
                return brig_syserr(err, "read error from container process");
        if ((size_t) n != sizeof(h) || h.len > 65536)
                return brig_err(err, "container process sent a truncated error");
        msg = xmalloc0(h.len + 1);
        if (read_all(fd, msg, h.len) != (ssize_t) h.len)
                return brig_err(err, "container process sent a truncated error");
        brig_error_free(out);
        *out = xmalloc0(sizeof(**out));
        (*out)->errnum = h.errnum;
        (*out)->msg = TAKE_PTR(msg);
        return 0;
}
