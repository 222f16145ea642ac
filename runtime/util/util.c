/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/util.h"

void *xmalloc0(size_t size)
{
        void *p = calloc(1, size ? size : 1);

        if (p == NULL)
                abort();
        return p;
}

void *xrealloc(void *p, size_t size)
{
        void *q = realloc(p, size ? size : 1);

        if (q == NULL)
                abort();
        return q;
}

char *xstrdup(const char *s)
{
        char *d = strdup(s);

        if (d == NULL)
                abort();
        return d;
}

char *xstrndup(const char *s, size_t n)
{
        char *d = strndup(s, n);

        if (d == NULL)
                abort();
        return d;
}

char *xvasprintf(const char *fmt, va_list ap)
{
        char *s;

        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        return s;
}

char *xasprintf(const char *fmt, ...)
{
        va_list ap;
        char *s;

        va_start(ap, fmt);
        s = xvasprintf(fmt, ap);
        va_end(ap);
        return s;
}

size_t strv_length(char *const *v)
{
        size_t n = 0;

        while (v != NULL && v[n] != NULL)
                n++;
        return n;
}

void strv_free(char **v)
{
        for (size_t i = 0; v != NULL && v[i] != NULL; i++)
                free(v[i]);
        free(v);
}

char **strv_copy(char *const *v)
{
        size_t n = strv_length(v);
        char **c = xmalloc0((n + 1) * sizeof(char *));

        for (size_t i = 0; i < n; i++)
                c[i] = xstrdup(v[i]);
        return c;
}

bool strv_contains(char *const *v, const char *s)
{
        for (size_t i = 0; v != NULL && v[i] != NULL; i++)
                if (strcmp(v[i], s) == 0)
                        return true;
        return false;
}

void strv_push(char ***v, const char *s)
{
        size_t n = strv_length(*v);

        *v = xrealloc(*v, (n + 2) * sizeof(char *));
        (*v)[n] = xstrdup(s);
        (*v)[n + 1] = NULL;
}

bool str_has_prefix(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool streq_ptr(const char *a, const char *b)
{
        if (a == NULL || b == NULL)
                return a == b;
        return strcmp(a, b) == 0;
}

int parse_int64(const char *s, int64_t *ret)
{
        char *end;
        long long v;

        if (s == NULL || *s == '\0')
                return -EINVAL;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno != 0)
                return -errno;
        if (*end != '\0')
                return -EINVAL;
        *ret = v;
        return 0;
}

int parse_uint64(const char *s, uint64_t *ret)
{
        char *end;
        unsigned long long v;

        /* strtoull accepts "-1" and wraps it: refuse signs explicitly. */
        if (s == NULL || *s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno != 0)
                return -errno;
        if (*end != '\0')
                return -EINVAL;
        *ret = v;
        return 0;
}

int parse_int(const char *s, int *ret)
{
        int64_t v;
        int r = parse_int64(s, &v);

        if (r < 0)
                return r;
        if (v < INT_MIN || v > INT_MAX)
                return -ERANGE;
        *ret = (int) v;
        return 0;
}

union fd_control {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
};

/* sock >= 0 sends (MSG_NOSIGNAL), with fd_to_pass (>= 0) attached to the first chunk. */
static ssize_t write_loop(int fd, const void *buf, size_t len, bool is_socket, int fd_to_pass)
{
        union fd_control control = { 0 };
        struct iovec iov;
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
        const char *p = buf;
        size_t done = 0;

        if (fd_to_pass >= 0) {
                struct cmsghdr *c;

                msg.msg_control = control.buf;
                msg.msg_controllen = sizeof(control.buf);
                c = CMSG_FIRSTHDR(&msg);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd_to_pass, sizeof(int));
        }
        while (done < len) {
                ssize_t n;

                iov = (struct iovec){ .iov_base = (char *) p + done, .iov_len = len - done };
                n = is_socket ? sendmsg(fd, &msg, MSG_NOSIGNAL) : write(fd, p + done, len - done);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -1;
                }
                done += (size_t) n;
                /* The fd went with the first bytes. */
                msg.msg_control = NULL;
                msg.msg_controllen = 0;
        }
        return (ssize_t) done;
}

ssize_t send_all_with_fd(int sock, const void *buf, size_t len, int fd)
{
        return write_loop(sock, buf, len, true, fd);
}

ssize_t recv_with_fd(int sock, void *buf, size_t len, int flags, int *ret_fd)
{
        union fd_control control;
        struct iovec iov = { .iov_base = buf, .iov_len = len };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };
        struct cmsghdr *c;
        ssize_t n;

        *ret_fd = -1;
        do
                n = recvmsg(sock, &msg, flags | MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -1;
        c = CMSG_FIRSTHDR(&msg);
        if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(sizeof(int)))
                memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
        return n;
}

ssize_t write_all(int fd, const void *buf, size_t len)
{
        return write_loop(fd, buf, len, false, -1);
}

ssize_t send_all(int sock, const void *buf, size_t len)
{
        return write_loop(sock, buf, len, true, -1);
}

ssize_t read_all(int fd, void *buf, size_t len)
{
        char *p = buf;
        size_t done = 0;

        while (done < len) {
                ssize_t n = read(fd, p + done, len - done);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -1;
                }
                if (n == 0)
                        break;
                done += (size_t) n;
        }
        return (ssize_t) done;
}

int read_file_at(int dirfd, const char *path, char **ret_content, size_t *ret_len, brig_error **err)
{
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;

        if (fd < 0)
                return brig_syserr(err, "open `%s`", path);
        for (;;) {
                ssize_t n;

                if (cap - len < 4096) {
                        cap = cap ? cap * 2 : 8192;
                        buf = xrealloc(buf, cap + 1);
                }
                n = read(fd, buf + len, cap - len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return brig_syserr(err, "read `%s`", path);
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        if (buf == NULL)
                buf = xmalloc0(1);
        buf[len] = '\0';
        *ret_content = TAKE_PTR(buf);
        if (ret_len != NULL)
                *ret_len = len;
        return 0;
}

int write_file_at(int dirfd, const char *path, const char *content, size_t len, mode_t mode, brig_error **err)
{
        int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY | (mode != 0 ? O_CREAT | O_TRUNC : 0);
        _cleanup_close_ int fd = openat(dirfd, path, flags, mode);

        if (fd < 0)
                return brig_syserr(err, "open `%s`", path);
        if (write_all(fd, content, len) < 0)
                return brig_syserr(err, "write `%s`", path);
        return 0;
}

int write_file_atomic_at(int dirfd, const char *name, const char *content, size_t len, brig_error **err)
{
        /* One temporary name per writer: concurrent writers of one file must not share it. */
        _cleanup_free_ char *tmp = xasprintf(".%s.%d.tmp", name, (int) getpid());
        int r;

        r = write_file_at(dirfd, tmp, content, len, 0600, err);
        if (r >= 0 && renameat(dirfd, tmp, dirfd, name) < 0)
                r = brig_syserr(err, "rename `%s`", name);
        /* A short write (ENOSPC) must not leave the half-written temporary behind either. */
        if (r < 0)
                unlinkat(dirfd, tmp, 0);
        return r < 0 ? r : 0;
}

int mkdir_p_at(int dirfd, const char *path, mode_t mode, brig_error **err)
{
        _cleanup_free_ char *p = xstrdup(path);

        if (*p == '\0')
                return 0;
        for (char *s = p + 1; ; s++) {
                bool end = *s == '\0';

                if (*s != '/' && !end)
                        continue;
                *s = '\0';
                if (mkdirat(dirfd, p, mode) < 0 && errno != EEXIST)
                        return brig_syserr(err, "mkdir `%s`", p);
                if (end)
                        break;
                *s = '/';
        }
        return 0;
}

char *time_rfc3339_now(void)
{
        struct timespec ts;
        struct tm tm;
        char buf[64];

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
        return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}
