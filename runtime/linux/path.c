/* SPDX-License-Identifier: Apache-2.0 */
/* Path resolution and creation confined to a root directory (see brig/path.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/path.h"
#include "brig/util.h"

/* As the kernel's own limit on nested symlinks (MAXSYMLINKS). */
#define PATH_MAX_SYMLINKS 40
/* openat2 fails with EAGAIN when a concurrent rename races RESOLVE_IN_ROOT; retry a little. */
#define PATH_OPENAT2_RETRIES 32

static int openat2_in_root(int root_fd, const char *path, int flags)
{
        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd = -1;

        for (int i = 0; i < PATH_OPENAT2_RETRIES; i++) {
                fd = (int) syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
                if (fd >= 0 || errno != EAGAIN)
                        break;
        }
        return fd;
}

int path_open_in_root(int root_fd, const char *path, int flags, brig_error **err)
{
        int fd = openat2_in_root(root_fd, *path == '\0' ? "." : path, flags);

        if (fd < 0)
                return brig_syserr(err, "open `%s` inside the rootfs", path);
        return fd;
}

/* Create one missing component in the directory parent_fd. */
static int create_component(int parent_fd, const char *name, enum path_kind kind, mode_t mode)
{
        int fd;

        if (kind == PATH_DIRECTORY)
                return mkdirat(parent_fd, name, mode);
        fd = openat(parent_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, mode);
        if (fd < 0)
                return -1;
        close(fd);
        return 0;
}

/* Split the next component off *rest (skipping slashes); NULL at the end. */
static char *next_component(char **rest)
{
        char *s = *rest + strspn(*rest, "/");
        char *end;

        if (*s == '\0')
                return NULL;
        end = s + strcspn(s, "/");
        *rest = *end == '\0' ? end : end + 1;
        *end = '\0';
        return s;
}

static bool only_slashes(const char *s)
{
        return s[strspn(s, "/")] == '\0';
}

/*
 * The walk keeps `done`, the resolved prefix as a root-relative string, and cur_fd, the
 * directory it names. Each step reopens `done/name` from root_fd, so symlinks and ".." are
 * always judged by the kernel against the root, never by string manipulation here.
 */
int path_create_in_root(int root_fd, const char *path, enum path_kind kind, mode_t mode, brig_error **err)
{
        _cleanup_free_ char *todo = xstrdup(path);
        _cleanup_free_ char *done = xstrdup(".");
        _cleanup_close_ int cur_fd = openat2_in_root(root_fd, ".", O_PATH);
        char *rest = todo, *name;
        unsigned symlinks = 0;

        if (cur_fd < 0)
                return brig_syserr(err, "open the rootfs");
        while ((name = next_component(&rest)) != NULL) {
                _cleanup_free_ char *candidate = NULL;
                bool last = only_slashes(rest);
                int fd;

                if (strcmp(name, ".") == 0)
                        continue;
                candidate = xasprintf("%s/%s", done, name);
                fd = openat2_in_root(root_fd, candidate, O_PATH);
                if (fd < 0 && errno == ENOENT) {
                        if (create_component(cur_fd, name, last ? kind : PATH_DIRECTORY, last ? mode : 0755) < 0) {
                                char target[PATH_MAX];
                                ssize_t n;

                                if (errno != EEXIST)
                                        return brig_syserr(err, "create `%s` inside the rootfs", candidate + 2);
                                /* It exists yet does not resolve: a dangling symlink, create its target. */
                                n = readlinkat(cur_fd, name, target, sizeof(target) - 1);
                                if (n < 0)
                                        return brig_syserr(err, "resolve `%s` inside the rootfs", candidate + 2);
                                if (++symlinks > PATH_MAX_SYMLINKS) {
                                        errno = ELOOP;
                                        return brig_syserr(err, "resolve `%s` inside the rootfs", path);
                                }
                                target[n] = '\0';
                                if (target[0] == '/') {
                                        free(done);
                                        done = xstrdup(".");
                                        close(cur_fd);
                                        cur_fd = openat2_in_root(root_fd, ".", O_PATH);
                                        if (cur_fd < 0)
                                                return brig_syserr(err, "open the rootfs");
                                }
                                /* `rest` points into `todo`: build the new path before freeing it. */
                                char *expanded = xasprintf("%s/%s", target, rest);
                                free(todo);
                                todo = rest = expanded;
                                continue;
                        }
                        fd = openat2_in_root(root_fd, candidate, O_PATH);
                }
                if (fd < 0)
                        return brig_syserr(err, "open `%s` inside the rootfs", candidate + 2);
                close(cur_fd);
                cur_fd = fd;
                free(done);
                done = TAKE_PTR(candidate);
        }
        return TAKE_FD(cur_fd);
}

int path_create_parent_in_root(int root_fd, const char *path, char **ret_name, brig_error **err)
{
        _cleanup_free_ char *dir = xstrdup(path);
        char *slash, *name;
        int fd;

        /* Trailing slashes do not name another component. */
        for (size_t len = strlen(dir); len > 1 && dir[len - 1] == '/'; len--)
                dir[len - 1] = '\0';
        slash = strrchr(dir, '/');
        name = slash != NULL ? slash + 1 : dir;
        if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return brig_err(err, "`%s`: does not name a file", path);
        name = xstrdup(name);
        if (slash != NULL)
                slash[1] = '\0';
        fd = path_create_in_root(root_fd, slash != NULL ? dir : ".", PATH_DIRECTORY, 0755, err);
        if (fd < 0) {
                free(name);
                return fd;
        }
        *ret_name = name;
        return fd;
}
