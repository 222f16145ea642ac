/* SPDX-License-Identifier: Apache-2.0 */
/* One config.json mount: built detached, then attached inside the rootfs (cgroup: mount_cgroup.c). */
/*
 * One config.json mount, done with the new mount API: the mount is built detached
 * (fsopen/fsmount for a filesystem, open_tree(OPEN_TREE_CLONE) for a bind), its flags
 * and id-mapping are set while nobody can see it, then move_mount(2) attaches it onto
 * an O_PATH fd of the target resolved inside the rootfs. No path string is ever
 * resolved twice and nothing depends on /proc/self/fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
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
#include "mount-internal.h"

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

void mount_spec_attr(const struct spec_mount *m, uint64_t *ret_set, uint64_t *ret_clr)
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

int mount_attach_at(int mnt_fd, int target_fd, brig_error **err)
{
        if (move_mount(mnt_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return brig_syserr(err, "move_mount");
        return 0;
}

static int bind_open(int source_dfd, const char *source, bool recursive, brig_error **err)
{
        unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0) |
                         (*source == '\0' ? AT_EMPTY_PATH : 0);
        _cleanup_close_ int fd = open_tree(source_dfd, source, flags);
        /* A clone is a peer of a shared source, and idmapped ones are cloned in the host's mount
         * namespace: as a slave, nothing mounted on it in the container propagates to the host. */
        struct mount_attr slave = { .propagation = MS_SLAVE };

        if (fd < 0)
                return brig_syserr(err, "bind source `%s`", source);
        if (setattr(fd, &slave, recursive, err) < 0)
                return -1;
        return TAKE_FD(fd);
}

int mount_bind_at(int source_dfd, const char *source, bool recursive, uint64_t attr, int target_fd,
                  brig_error **err)
{
        _cleanup_close_ int mnt_fd = bind_open(source_dfd, source, recursive, err);

        if (mnt_fd < 0)
                return mnt_fd;
        if (mount_set_attr(mnt_fd, attr, 0, recursive, err) < 0)
                return -1;
        return mount_attach_at(mnt_fd, target_fd, err);
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

int mount_fs_open(const char *type, const char *source, const char *data, unsigned long sb_flags,
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
        _cleanup_close_ int mnt_fd = mount_fs_open(type, source, data, 0, attr, err);

        if (mnt_fd < 0)
                return mnt_fd;
        return mount_attach_at(mnt_fd, target_fd, err);
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

        mount_spec_attr(m, &attr_set, &attr_clr);
        if (!m->bind) {
                if (m->type == NULL)
                        return brig_err(err, "no type and not a bind mount");
                return mount_fs_open(m->type, m->source, m->data, m->flags, attr_set, err);
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
        if (target_fd < 0 || mount_attach_at(mnt_fd, target_fd, err) < 0)
                return -1;
        return set_propagation(mnt_fd, m->propagation, err);
}
