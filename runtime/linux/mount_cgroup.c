/* SPDX-License-Identifier: Apache-2.0 */
/* The cgroup filesystem inside a container: the host's cgroup layout mirrored at the mount's destination. */
/*
 * cgroup mounts mirror the host layout under /sys/fs/cgroup. Pure v2 host: the one
 * hierarchy at the destination. v1/hybrid host: a tmpfs at the destination holding every
 * hierarchy (and the host's alias symlinks such as cpu -> cpu,cpuacct). Each hierarchy is a
 * fresh mount when the container has a cgroup namespace (then it is rooted at the
 * namespace's cgroup), otherwise a bind of the container's own cgroup directory, so the
 * container never sees the host's tree above it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/path.h"
#include "brig/util.h"
#include "mount-internal.h"

#define HOST_CGROUP_ROOT "/sys/fs/cgroup"

struct cgroup_hierarchy {
        char *mountpoint, *root, *fstype, *super_opts;
};

static void cgroup_hierarchies_free(struct cgroup_hierarchy *h, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(h[i].mountpoint);
                free(h[i].root);
                free(h[i].fstype);
                free(h[i].super_opts);
        }
        free(h);
}

/* "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices" */
static bool parse_cgroup_mountinfo_line(char *line, struct cgroup_hierarchy *ret)
{
        char root[4096], mountpoint[4096], fstype[64], super_opts[1024];
        const char *dash = strstr(line, " - ");
        bool at_root, below;

        if (dash == NULL || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mountpoint) != 2 ||
            sscanf(dash, " - %63s %*s %1023s", fstype, super_opts) != 2)
                return false;
        if (strcmp(fstype, "cgroup") != 0 && strcmp(fstype, "cgroup2") != 0)
                return false;
        at_root = strcmp(mountpoint, HOST_CGROUP_ROOT) == 0;
        below = str_has_prefix(mountpoint, HOST_CGROUP_ROOT "/") &&
                strchr(mountpoint + strlen(HOST_CGROUP_ROOT "/"), '/') == NULL;
        if (!at_root && !below)
                return false;
        *ret = (struct cgroup_hierarchy){
                .mountpoint = xstrdup(mountpoint),
                .root = xstrdup(root),
                .fstype = xstrdup(fstype),
                .super_opts = xstrdup(super_opts),
        };
        return true;
}

static int host_cgroup_hierarchies(struct cgroup_hierarchy **ret, size_t *ret_n, brig_error **err)
{
        _cleanup_free_ char *mountinfo = NULL;
        struct cgroup_hierarchy *h = NULL;
        size_t n = 0;
        char *save = NULL;

        if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mountinfo, NULL, err) < 0)
                return -1;
        for (char *line = strtok_r(mountinfo, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                struct cgroup_hierarchy one;

                if (!parse_cgroup_mountinfo_line(line, &one))
                        continue;
                h = xrealloc(h, (n + 1) * sizeof(*h));
                h[n++] = one;
        }
        *ret = h;
        *ret_n = n;
        return 0;
}

/* Is every controller of "cpu,cpuacct" among the mount's super options "rw,cpu,cpuacct"? */
static bool controllers_match(const char *controllers, const char *super_opts)
{
        _cleanup_free_ char *want = xstrdup(controllers);
        _cleanup_free_ char *opts = xasprintf(",%s,", super_opts);
        char *save = NULL;

        for (char *c = strtok_r(want, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
                _cleanup_free_ char *needle = xasprintf(",%s,", c);
                if (strstr(opts, needle) == NULL)
                        return false;
        }
        return true;
}

/* This process's cgroup in hierarchy h, from /proc/self/cgroup ("4:memory:/a/b"); NULL if none. */
static char *own_cgroup_path(const char *proc_self_cgroup, const struct cgroup_hierarchy *h)
{
        _cleanup_free_ char *copy = xstrdup(proc_self_cgroup);
        bool v2 = strcmp(h->fstype, "cgroup2") == 0;
        char *save = NULL;

        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *controllers = strchr(line, ':'), *path;

                if (controllers == NULL || (path = strchr(++controllers, ':')) == NULL)
                        continue;
                *path++ = '\0';
                if (v2 ? *controllers == '\0' : *controllers != '\0' && controllers_match(controllers, h->super_opts))
                        return xstrdup(path);
        }
        return NULL;
}

/* Options to mount hierarchy h afresh: its controllers, not its state (rw, release_agent). */
static char *cgroup_fresh_options(const struct cgroup_hierarchy *h)
{
        _cleanup_free_ char *opts = xstrdup(h->super_opts);
        char *out = xstrdup(""), *save = NULL;

        if (strcmp(h->fstype, "cgroup2") == 0)
                return out;
        for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                char *next;

                if (strcmp(o, "rw") == 0 || strcmp(o, "ro") == 0 || str_has_prefix(o, "release_agent="))
                        continue;
                next = xasprintf("%s%s%s", out, *out ? "," : "", o);
                free(out);
                out = next;
        }
        return out;
}

static int cgroup_hierarchy_mount(const struct cgroup_hierarchy *h, bool cgroupns, const char *proc_self_cgroup,
                                  uint64_t attr, int target_fd, brig_error **err)
{
        _cleanup_free_ char *own = NULL, *source = NULL;
        size_t root_len = strcmp(h->root, "/") == 0 ? 0 : strlen(h->root);

        if (cgroupns) {
                _cleanup_free_ char *data = cgroup_fresh_options(h);
                return mount_fs_at(h->fstype, "cgroup", data, attr, target_fd, err);
        }
        own = own_cgroup_path(proc_self_cgroup, h);
        /* Not a member, or our cgroup lies outside what the host mount shows: leave it empty. */
        if (own == NULL || strncmp(own, h->root, root_len) != 0)
                return 0;
        source = xasprintf("%s%s", h->mountpoint, own + root_len);
        return mount_bind_at(AT_FDCWD, source, false, attr, target_fd, err);
}

/* Recreate the host's alias symlinks (cpu -> cpu,cpuacct) in the container's cgroup tmpfs. */
static int cgroup_copy_symlinks(int dir_fd, brig_error **err)
{
        _cleanup_closedir_ DIR *d = opendir(HOST_CGROUP_ROOT);
        struct dirent *de;

        if (d == NULL)
                return brig_syserr(err, "open `%s`", HOST_CGROUP_ROOT);
        while ((de = readdir(d)) != NULL) {
                char target[256];
                ssize_t n;

                if (de->d_type != DT_LNK)
                        continue;
                n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
                if (n < 0)
                        return brig_syserr(err, "readlink `%s/%s`", HOST_CGROUP_ROOT, de->d_name);
                target[n] = '\0';
                if (symlinkat(target, dir_fd, de->d_name) < 0 && errno != EEXIST)
                        return brig_syserr(err, "symlink `%s`", de->d_name);
        }
        return 0;
}

static int cgroup_mount_v1_tree(int tmpfs_fd, const struct cgroup_hierarchy *h, size_t n, bool cgroupns,
                                const char *proc_self_cgroup, uint64_t attr, brig_error **err)
{
        for (size_t i = 0; i < n; i++) {
                const char *name = strrchr(h[i].mountpoint, '/') + 1;
                _cleanup_close_ int fd = -1;

                if (mkdirat(tmpfs_fd, name, 0755) < 0 && errno != EEXIST)
                        return brig_syserr(err, "mkdir `%s`", name);
                fd = openat(tmpfs_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return brig_syserr(err, "open `%s`", name);
                if (cgroup_hierarchy_mount(&h[i], cgroupns, proc_self_cgroup, attr, fd, err) < 0)
                        return brig_error_wrap(err, "cgroup hierarchy `%s`", h[i].mountpoint);
        }
        return cgroup_copy_symlinks(tmpfs_fd, err);
}

int mount_cgroup(int root_fd, const struct brig_spec *spec, const struct spec_mount *m, brig_error **err)
{
        bool cgroupns = spec->linux != NULL && spec_namespace_find(spec, SPEC_NS_CGROUP) != NULL;
        _cleanup_free_ char *proc_self_cgroup = NULL;
        _cleanup_close_ int target_fd = -1, tmpfs_fd = -1;
        struct cgroup_hierarchy *h = NULL;
        uint64_t attr, clr;
        size_t n = 0;
        int r = -1;

        mount_spec_attr(m, &attr, &clr);
        if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &proc_self_cgroup, NULL, err) < 0 ||
            host_cgroup_hierarchies(&h, &n, err) < 0)
                return -1;
        target_fd = path_create_in_root(root_fd, m->destination, PATH_DIRECTORY, 0755, err);
        if (target_fd < 0)
                goto out;
        if (n == 1 && strcmp(h[0].mountpoint, HOST_CGROUP_ROOT) == 0) {
                r = cgroup_hierarchy_mount(&h[0], cgroupns, proc_self_cgroup, attr, target_fd, err);
                goto out;
        }
        /* The tmpfs is filled first and made read-only last. */
        tmpfs_fd = mount_fs_open("tmpfs", "tmpfs", "mode=755", 0, attr & ~MOUNT_ATTR_RDONLY, err);
        if (tmpfs_fd < 0 || mount_attach_at(tmpfs_fd, target_fd, err) < 0 ||
            cgroup_mount_v1_tree(tmpfs_fd, h, n, cgroupns, proc_self_cgroup, attr, err) < 0)
                goto out;
        r = mount_set_attr(tmpfs_fd, attr & MOUNT_ATTR_RDONLY, 0, false, err);
out:
        cgroup_hierarchies_free(h, n);
        return r;
}
