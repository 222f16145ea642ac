/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/sync.h"
#include "brig/util.h"

int sync_send(int fd, enum sync_msg msg, brig_error **err)
{
        uint32_t m = msg;

        if (send_all(fd, &m, sizeof(m)) < 0)
                return brig_syserr(err, "sync with container process");
        return 0;
}

int sync_expect(int fd, enum sync_msg expected, brig_error **err)
{
        uint32_t m;
        ssize_t n = read_all(fd, &m, sizeof(m));

        if (n < 0)
                return brig_syserr(err, "sync with container process");
        if (n != sizeof(m))
                return brig_err(err, "container process exited during setup");
        if (m == SYNC_ERROR) {
                if (brig_error_recv(fd, err, err) < 0)
                        return -1;
                return (*err)->errnum > 0 ? -(*err)->errnum : -1;
        }
        if (m != expected)
                return brig_err(err, "unexpected message %u from container process (wanted %u)", m, expected);
        return 0;
}

void sync_send_error(int fd, const brig_error *e)
{
        uint32_t m = SYNC_ERROR;

        if (send_all(fd, &m, sizeof(m)) == sizeof(m))
                (void) brig_error_send(fd, e);
}

int sync_send_string(int fd, const char *s, brig_error **err)
{
        uint32_t len = (uint32_t) strlen(s);

        if (send_all(fd, &len, sizeof(len)) < 0 || send_all(fd, s, len) < 0)
                return brig_syserr(err, "sync with container process");
        return 0;
}

int sync_recv_string(int fd, char **ret, brig_error **err)
{
        _cleanup_free_ char *s = NULL;
        uint32_t len;

        if (read_all(fd, &len, sizeof(len)) != sizeof(len) || len > (1u << 20))
                return brig_err(err, "sync with runtime: truncated message");
        s = xmalloc0(len + 1);
        if (read_all(fd, s, len) != (ssize_t) len)
                return brig_err(err, "sync with runtime: truncated message");
        *ret = TAKE_PTR(s);
        return 0;
}
