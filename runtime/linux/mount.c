/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One config.json mount, done with the new mount API: the mount is built detached
 * (fsopen/fsmount for a filesystem, open_tree(OPEN_TREE_CLONE) for a bind), its flags
 * and id-mapping are set while nobody can see it, then move_mount(2) attaches it onto
 * an O_PATH fd of the target resolved inside the rootfs. No path string is ever
 * resolved twice and nothing depends on /proc/self/fd.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/namespaces.h"
#include "brig/path.h"
#include "brig/rootfs.h"
#include "brig/util.h"

/* Per-mount flags that mount_setattr(2)/fsmount(2) express as MOUNT_ATTR_* bits. */
static const struct {
        unsigned long ms;
        uint64_t attr;
} mount_attr_map[] = {
        { MS_RDONLY, MOUNT_ATTR_RDONLY },         { MS_NOSUID, MOUNT_ATTR_NOSUID },
        { MS_NODEV, MOUNT_ATTR_NODEV },           { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
        { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME }, { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
};

/* Superblock flags, given to a new filesystem as fsconfig(2) flags. */
static const struct {
        unsigned long ms;
        const char *name;
} sb_flag_map[] = {
        { MS_SYNCHRONOUS, "sync" },
        { MS_DIRSYNC, "dirsync" },
        { MS_LAZYTIME, "lazytime" },
};

static uint64_t ms_to_attr(unsigned long ms)
{
        uint64_t attr = 0;

        for (size_t i = 0; i < ARRAY_SIZE(mount_attr_map); i++)
                if (ms & mount_attr_map[i].ms)
                        attr |= mount_attr_map[i].attr;
        return attr;
}

/* The atime mode is one field, not bits: the kernel wants it set and cleared as a whole. */
static bool atime_attr(const struct spec_mount *m, uint64_t *ret)
{
        const unsigned long atime_flags = MS_NOATIME | MS_STRICTATIME | MS_RELATIME;

        if (m->flags & MS_NOATIME)
                *ret = MOUNT_ATTR_NOATIME;
        else if (m->flags & MS_STRICTATIME)
                *ret = MOUNT_ATTR_STRICTATIME;
        else if (m->flags & MS_RELATIME || m->clear_flags & atime_flags)
                *ret = MOUNT_ATTR_RELATIME; /* also the kernel's default when one is cleared */
        else
                return false;
        return true;
}

static void spec_mount_attr(const struct spec_mount *m, uint64_t *ret_set, uint64_t *ret_clr)
{
        uint64_t atime;

        *ret_set = ms_to_attr(m->flags);
        *ret_clr = ms_to_attr(m->clear_flags) & ~*ret_set;
        if (atime_attr(m, &atime)) {
                *ret_set |= atime;
                *ret_clr |= MOUNT_ATTR__ATIME;
        }
}

unsigned long mount_propagation_flags(enum spec_propagation p)
{
        switch (p) {
        case SPEC_PROPAGATION_PRIVATE: return MS_PRIVATE;
        case SPEC_PROPAGATION_RPRIVATE: return MS_PRIVATE | MS_REC;
        case SPEC_PROPAGATION_SLAVE: return MS_SLAVE;
        case SPEC_PROPAGATION_RSLAVE: return MS_SLAVE | MS_REC;
        case SPEC_PROPAGATION_SHARED: return MS_SHARED;
        case SPEC_PROPAGATION_RSHARED: return MS_SHARED | MS_REC;
        case SPEC_PROPAGATION_UNBINDABLE: return MS_UNBINDABLE;
        case SPEC_PROPAGATION_RUNBINDABLE: return MS_UNBINDABLE | MS_REC;
        case SPEC_PROPAGATION_NONE: break;
        }
        return 0;
}

static int setattr(int fd, struct mount_attr *attr, bool recursive, brig_error **err)
{
        unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);

        if (mount_setattr(fd, "", flags, attr, sizeof(*attr)) < 0)
                return brig_syserr(err, "mount_setattr");
        return 0;
}

int mount_set_attr(int fd, uint64_t attr_set, uint64_t attr_clr, bool recursive, brig_error **err)
{
        struct mount_attr attr = { .attr_set = attr_set, .attr_clr = attr_clr };

        if (attr_set == 0 && attr_clr == 0)
                return 0;
        /* The atime mode is changed as a whole or not at all. */
        if (attr_set & MOUNT_ATTR__ATIME)
                attr.attr_clr |= MOUNT_ATTR__ATIME;
        return setattr(fd, &attr, recursive, err);
}

static int set_propagation(int fd, enum spec_propagation p, brig_error **err)
{
        unsigned long ms = mount_propagation_flags(p);
        struct mount_attr attr = { .propagation = ms & ~(unsigned long) MS_REC };

        if (ms == 0)
                return 0;
        return setattr(fd, &attr, ms & MS_REC, err);
}

static int attach_at(int mnt_fd, int target_fd, brig_error **err)
{
        if (move_mount(mnt_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return brig_syserr(err, "move_mount");
        return 0;
}

static int bind_open(int source_dfd, const char *source, bool recursive, brig_error **err)
{
        unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0) |
                         (*source == '\0' ? AT_EMPTY_PATH : 0);
        int fd = open_tree(source_dfd, source, flags);

        if (fd < 0)
                return brig_syserr(err, "bind source `%s`", source);
        return fd;
}

int mount_bind_at(int source_dfd, const char *source, bool recursive, uint64_t attr, int target_fd,
                  brig_error **err)
{
        _cleanup_close_ int mnt_fd = bind_open(source_dfd, source, recursive, err);

        if (mnt_fd < 0)
                return mnt_fd;
        if (mount_set_attr(mnt_fd, attr, 0, recursive, err) < 0)
                return -1;
        return attach_at(mnt_fd, target_fd, err);
}

/* A failed fsconfig/fsmount leaves the filesystem's own explanation in the context's log. */
static int fs_error(int fs_fd, const char *what, brig_error **err)
{
        int saved = errno;
        char log[512];
        ssize_t n = read(fs_fd, log, sizeof(log) - 1);

        if (n > 2) {
                log[n] = '\0';
                log[strcspn(log, "\n")] = '\0';
                return brig_error_make(err, saved, "%s: %s", what, log + 2); /* skip the "e " level */
        }
        return brig_error_make(err, saved, "%s", what);
}

static void unquote(char *s)
{
        size_t len = strlen(s);

        if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
                memmove(s, s + 1, len - 2);
                s[len - 2] = '\0';
        }
}

/* "a=b,c" -> fsconfig(a, "b"), fsconfig(c); a comma inside double quotes does not split. */
static int fs_config_data(int fs_fd, const char *data, brig_error **err)
{
        _cleanup_free_ char *copy = xstrdup(data);
        char *opt = copy;

        while (*opt != '\0') {
                char *end = opt, *eq;
                bool quoted = false;
                int r;

                for (; *end != '\0' && (quoted || *end != ','); end++)
                        if (*end == '"')
                                quoted = !quoted;
                if (*end != '\0')
                        *end++ = '\0';
                eq = strchr(opt, '=');
                if (eq != NULL) {
                        *eq = '\0';
                        unquote(eq + 1);
                        r = fsconfig(fs_fd, FSCONFIG_SET_STRING, opt, eq + 1, 0);
                } else if (*opt != '\0') {
                        r = fsconfig(fs_fd, FSCONFIG_SET_FLAG, opt, NULL, 0);
                } else {
                        r = 0;
                }
                if (r < 0) {
                        _cleanup_free_ char *what = xasprintf("option `%s`", opt);
                        return fs_error(fs_fd, what, err);
                }
                opt = end;
        }
        return 0;
}

static int fs_open(const char *type, const char *source, const char *data, unsigned long sb_flags,
                   uint64_t attr, brig_error **err)
{
        _cleanup_close_ int fs_fd = fsopen(type, FSOPEN_CLOEXEC);
        int mnt_fd;

        if (fs_fd < 0)
                return brig_syserr(err, "filesystem type `%s`", type);
        if (source != NULL && fsconfig(fs_fd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
                return fs_error(fs_fd, "source", err);
        for (size_t i = 0; i < ARRAY_SIZE(sb_flag_map); i++)
                if ((sb_flags & sb_flag_map[i].ms) &&
                    fsconfig(fs_fd, FSCONFIG_SET_FLAG, sb_flag_map[i].name, NULL, 0) < 0)
                        return fs_error(fs_fd, sb_flag_map[i].name, err);
        if (data != NULL && fs_config_data(fs_fd, data, err) < 0)
                return -1;
        if (fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return fs_error(fs_fd, type, err);
        /* Read-only is a property of this mount only: a superblock may be shared with the host (sysfs). */
        mnt_fd = fsmount(fs_fd, FSMOUNT_CLOEXEC, (unsigned) attr);
        if (mnt_fd < 0)
                return fs_error(fs_fd, type, err);
        return mnt_fd;
}

int mount_fs_at(const char *type, const char *source, const char *data, uint64_t attr, int target_fd,
                brig_error **err)
{
        _cleanup_close_ int mnt_fd = fs_open(type, source, data, 0, attr, err);

        if (mnt_fd < 0)
                return mnt_fd;
        return attach_at(mnt_fd, target_fd, err);
}

/* ---- id-mapped mounts ---- */

/* The child reports where it is in our /proc: getpid() would be wrong in a new PID namespace. */
static _Noreturn void userns_holder(int sock)
{
        char self[32];
        ssize_t n;

        if (unshare(CLONE_NEWUSER) < 0)
                _exit(1);
        n = readlink("/proc/self", self, sizeof(self));
        if (n <= 0 || write_all(sock, self, (size_t) n) < 0)
                _exit(1);
        /* Stay alive (so the namespace can be opened) until the parent closes its end. */
        _exit(read(sock, self, 1) < 0);
}

static int userns_configure(int sock, const struct spec_linux *maps, brig_error **err)
{
        char proc_pid[32];
        ssize_t n = read(sock, proc_pid, sizeof(proc_pid) - 1);
        _cleanup_free_ char *ns_path = NULL;
        int pid, fd;

        if (n <= 0)
                return brig_err(err, "create a user namespace for an id-mapped mount");
        proc_pid[n] = '\0';
        if (parse_int(proc_pid, &pid) < 0)
                return brig_err(err, "unexpected /proc/self `%s`", proc_pid);
        if (ns_write_id_mappings(pid, maps, err) < 0)
                return -1;
        ns_path = xasprintf("/proc/%d/ns/user", pid);
        fd = open(ns_path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return brig_syserr(err, "open `%s`", ns_path);
        return fd;
}

/* A user namespace carrying the mappings, held open by fd, for MOUNT_ATTR_IDMAP. */
static int userns_from_mappings(const struct spec_linux *maps, brig_error **err)
{
        int sock[2], fd, status;
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) < 0)
                return brig_syserr(err, "socketpair");
        pid = fork();
        if (pid < 0) {
                fd = brig_syserr(err, "fork");
                close(sock[0]);
                close(sock[1]);
                return fd;
        }
        if (pid == 0) {
                close(sock[0]);
                userns_holder(sock[1]);
        }
        close(sock[1]);
        fd = userns_configure(sock[0], maps, err);
        close(sock[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        return fd;
}

bool mount_is_idmapped(const struct spec_mount *m)
{
        /* runtime-spec 1.1 configs have the mappings without the 1.2 "idmap" option: still idmapped. */
        return m->idmap || m->n_uid_mappings > 0 || m->n_gid_mappings > 0;
}

/* runtime-spec 1.2: "ridmap" maps the submounts too, "idmap" only the top mount (even under rbind). */
static int apply_idmap(int mnt_fd, const struct brig_spec *spec, const struct spec_mount *m, brig_error **err)
{
        /* Without mappings of its own the mount takes the container's (runtime-spec "idmap"). */
        const struct spec_linux *maps = spec->linux;
        const struct spec_linux own = {
                .uid_mappings = m->uid_mappings,
                .n_uid_mappings = m->n_uid_mappings,
                .gid_mappings = m->gid_mappings,
                .n_gid_mappings = m->n_gid_mappings,
        };
        _cleanup_close_ int ns_fd = -1;
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };

        if (m->n_uid_mappings > 0 || m->n_gid_mappings > 0)
                maps = &own;
        else if (maps == NULL || maps->n_uid_mappings == 0)
                return brig_err(err, "idmap: needs uidMappings/gidMappings on the mount or in linux");
        ns_fd = userns_from_mappings(maps, err);
        if (ns_fd < 0)
                return ns_fd;
        attr.userns_fd = (uint64_t) ns_fd;
        return setattr(mnt_fd, &attr, m->idmap_recursive, err);
}

/* ---- cgroup ---- */

/*
 * cgroup mounts mirror the host layout under /sys/fs/cgroup. Pure v2 host: the one
 * hierarchy at the destination. v1/hybrid host: a tmpfs at the destination holding every
 * hierarchy (and the host's alias symlinks such as cpu -> cpu,cpuacct). Each hierarchy is a
 * fresh mount when the container has a cgroup namespace (then it is rooted at the
 * namespace's cgroup), otherwise a bind of the container's own cgroup directory, so the
 * container never sees the host's tree above it.
 */
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

static int mount_cgroup(int root_fd, const struct brig_spec *spec, const struct spec_mount *m, brig_error **err)
{
        bool cgroupns = spec->linux != NULL && spec_namespace_find(spec, SPEC_NS_CGROUP) != NULL;
        _cleanup_free_ char *proc_self_cgroup = NULL;
        _cleanup_close_ int target_fd = -1, tmpfs_fd = -1;
        struct cgroup_hierarchy *h = NULL;
        uint64_t attr, clr;
        size_t n = 0;
        int r = -1;

        spec_mount_attr(m, &attr, &clr);
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
        tmpfs_fd = fs_open("tmpfs", "tmpfs", "mode=755", 0, attr & ~MOUNT_ATTR_RDONLY, err);
        if (tmpfs_fd < 0 || attach_at(tmpfs_fd, target_fd, err) < 0 ||
            cgroup_mount_v1_tree(tmpfs_fd, h, n, cgroupns, proc_self_cgroup, attr, err) < 0)
                goto out;
        r = mount_set_attr(tmpfs_fd, attr & MOUNT_ATTR_RDONLY, 0, false, err);
out:
        cgroup_hierarchies_free(h, n);
        return r;
}

/* ---- one spec mount ---- */

bool mount_is_cgroup(const struct spec_mount *m)
{
        return !m->bind && (streq_ptr(m->type, "cgroup") || streq_ptr(m->type, "cgroup2"));
}

/* A detached mount for m, with its flags already set; bind sources are resolved from source_dfd. */
static int spec_mount_open(int source_dfd, const struct spec_mount *m, brig_error **err)
{
        uint64_t attr_set, attr_clr;
        _cleanup_close_ int fd = -1;

        spec_mount_attr(m, &attr_set, &attr_clr);
        if (!m->bind) {
                if (m->type == NULL)
                        return brig_err(err, "no type and not a bind mount");
                return fs_open(m->type, m->source, m->data, m->flags, attr_set, err);
        }
        if (m->source == NULL)
                return brig_err(err, "bind mount without a source");
        fd = bind_open(source_dfd, m->source, m->recursive, err);
        if (fd < 0)
                return fd;
        /* As with "ro" on mount(8), the flags apply to the top mount, not to submounts. */
        if (mount_set_attr(fd, attr_set, attr_clr, false, err) < 0)
                return -1;
        return TAKE_FD(fd);
}

int mount_spec_open_idmapped(int source_dfd, const struct brig_spec *spec, const struct spec_mount *m,
                             brig_error **err)
{
        _cleanup_close_ int mnt_fd = spec_mount_open(source_dfd, m, err);

        if (mnt_fd < 0)
                return mnt_fd;
        if (apply_idmap(mnt_fd, spec, m, err) < 0)
                return -1;
        return TAKE_FD(mnt_fd);
}

int mount_spec_mount(int root_fd, const struct brig_spec *spec, const struct spec_mount *m, int premade_fd,
                     brig_error **err)
{
        _cleanup_close_ int own_fd = -1, target_fd = -1;
        enum path_kind kind = PATH_DIRECTORY;
        int mnt_fd = premade_fd;
        struct stat st;

        /* A mapped root may not create it, and an image without it does not need it. */
        if (m->optional && premade_fd < 0) {
                _cleanup_close_ int existing = path_open_in_root(root_fd, m->destination, O_PATH | O_CLOEXEC, err);

                if (existing == -ENOENT) {
                        brig_error_free(err);
                        return 0;
                }
                if (existing < 0)
                        return -1;
        }
        if (mnt_fd < 0) {
                if (mount_is_cgroup(m))
                        return mount_cgroup(root_fd, spec, m, err);
                own_fd = mount_is_idmapped(m) ? mount_spec_open_idmapped(AT_FDCWD, spec, m, err)
                                              : spec_mount_open(AT_FDCWD, m, err);
                if (own_fd < 0)
                        return own_fd;
                mnt_fd = own_fd;
        }
        if (fstat(mnt_fd, &st) < 0)
                return brig_syserr(err, "stat the mount source");
        if (!S_ISDIR(st.st_mode))
                kind = PATH_FILE;
        target_fd = path_create_in_root(root_fd, m->destination, kind, kind == PATH_FILE ? 0644 : 0755, err);
        if (target_fd < 0 || attach_at(mnt_fd, target_fd, err) < 0)
                return -1;
        return set_propagation(mnt_fd, m->propagation, err);
}
