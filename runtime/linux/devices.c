/* SPDX-License-Identifier: Apache-2.0 */
/* /dev inside the container: the default devices, the usual symlinks, linux.devices. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/path.h"
#include "brig/rootfs.h"
#include "brig/util.h"

struct device_node {
        const char *path;
        mode_t type; /* S_IFCHR, S_IFBLK or S_IFIFO */
        dev_t dev;
        mode_t mode;
        uid_t uid;
        gid_t gid;
};

/* What every container gets (the runtime-spec "default devices"), owned by root, mode 0666. */
static const struct {
        const char *path;
        unsigned major, minor;
} default_devices[] = {
        { "/dev/null", 1, 3 },   { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
        { "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const struct {
        const char *path, *target;
} default_symlinks[] = {
        { "/dev/fd", "/proc/self/fd" },      { "/dev/stdin", "/proc/self/fd/0" },
        { "/dev/stdout", "/proc/self/fd/1" }, { "/dev/stderr", "/proc/self/fd/2" },
        { "/dev/ptmx", "pts/ptmx" },          { "/dev/core", "/proc/kcore" },
};

static const char *const default_dirs[] = { "/dev/pts", "/dev/shm" };

/*
 * A user namespace cannot mknod devices: it gets the host's node bind-mounted instead. The
 * host node at that path must be the device the config names (and the policy judged by its
 * type and major:minor): "/dev/sda" declared as `c 1:3` must not bring in the disk.
 */
static int device_bind(int root_fd, const struct device_node *d, brig_error **err)
{
        _cleanup_close_ int host_fd = open(d->path, O_PATH | O_CLOEXEC), target_fd = -1;
        struct stat st;

        if (host_fd < 0)
                return brig_syserr(err, "open the host's `%s` to bind it", d->path);
        if (fstat(host_fd, &st) < 0)
                return brig_syserr(err, "stat the host's `%s`", d->path);
        if ((st.st_mode & S_IFMT) != d->type || st.st_rdev != d->dev)
                return brig_err(err, "the host's `%s` (%u:%u) is not the device asked for (%u:%u)", d->path,
                                major(st.st_rdev), minor(st.st_rdev), major(d->dev), minor(d->dev));
        target_fd = path_create_in_root(root_fd, d->path, PATH_FILE, 0644, err);
        if (target_fd < 0)
                return target_fd;
        return mount_bind_at(host_fd, "", false, 0, target_fd, err);
}

/* mknod, replacing whatever else the image has at that name (a file, a symlink, another node). */
static int mknod_replacing(int parent_fd, const char *name, const struct device_node *d, brig_error **err)
{
        struct stat st;

        if (mknodat(parent_fd, name, d->type | d->mode, d->dev) == 0)
                return 0;
        if (errno != EEXIST)
                return brig_syserr(err, "mknod `%s`", d->path);
        if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return brig_syserr(err, "stat `%s`", d->path);
        if ((st.st_mode & S_IFMT) == d->type && st.st_rdev == d->dev)
                return 0;
        if (unlinkat(parent_fd, name, 0) < 0)
                return brig_syserr(err, "remove `%s` to create a device there", d->path);
        if (mknodat(parent_fd, name, d->type | d->mode, d->dev) < 0)
                return brig_syserr(err, "mknod `%s`", d->path);
        return 0;
}

static int device_mknod(int root_fd, const struct device_node *d, brig_error **err)
{
        _cleanup_free_ char *name = NULL;
        _cleanup_close_ int parent_fd = path_create_parent_in_root(root_fd, d->path, &name, err);

        if (parent_fd < 0)
                return parent_fd;
        if (mknod_replacing(parent_fd, name, d, err) < 0)
                return -1;
        /* The umask applied to mknod; NOFOLLOW in case the node was swapped for a symlink. */
        if (fchmodat(parent_fd, name, d->mode, AT_SYMLINK_NOFOLLOW) < 0)
                return brig_syserr(err, "chmod `%s`", d->path);
        if (fchownat(parent_fd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
                return brig_syserr(err, "chown `%s`", d->path);
        return 0;
}

static int device_create(int root_fd, const struct device_node *d, bool in_user_namespace, brig_error **err)
{
        /* A FIFO is not a device: a user namespace may create it. */
        if (in_user_namespace && d->type != S_IFIFO)
                return device_bind(root_fd, d, err);
        return device_mknod(root_fd, d, err);
}

static int symlink_create(int root_fd, const char *path, const char *target, brig_error **err)
{
        _cleanup_free_ char *name = NULL;
        _cleanup_close_ int parent_fd = path_create_parent_in_root(root_fd, path, &name, err);

        if (parent_fd < 0)
                return parent_fd;
        /* Whatever the image already has there is kept: it may be a working ptmx node. */
        if (symlinkat(target, parent_fd, name) < 0 && errno != EEXIST)
                return brig_syserr(err, "symlink `%s` -> `%s`", path, target);
        return 0;
}

/* The host's /dev bound in (refused by policy, but possible): then it is not ours to populate. */
static bool dev_is_bind_mounted(const struct brig_spec *spec)
{
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct spec_mount *m = &spec->mounts[i];

                if (m->bind && strcmp(m->destination, "/dev") == 0)
                        return true;
        }
        return false;
}

static int default_devices_create(int root_fd, bool in_user_namespace, brig_error **err)
{
        for (size_t i = 0; i < ARRAY_SIZE(default_dirs); i++) {
                int fd = path_create_in_root(root_fd, default_dirs[i], PATH_DIRECTORY, 0755, err);
                if (fd < 0)
                        return fd;
                close(fd);
        }
        for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
                const struct device_node d = {
                        .path = default_devices[i].path,
                        .type = S_IFCHR,
                        .dev = makedev(default_devices[i].major, default_devices[i].minor),
                        .mode = 0666,
                };
                if (device_create(root_fd, &d, in_user_namespace, err) < 0)
                        return -1;
        }
        for (size_t i = 0; i < ARRAY_SIZE(default_symlinks); i++)
                if (symlink_create(root_fd, default_symlinks[i].path, default_symlinks[i].target, err) < 0)
                        return -1;
        return 0;
}

static mode_t device_type(char type)
{
        switch (type) {
        case 'b': return S_IFBLK;
        case 'p': return S_IFIFO;
        default: return S_IFCHR; /* 'c' and 'u' (unbuffered) */
        }
}

static int spec_devices_create(int root_fd, const struct spec_linux *l, bool in_user_namespace, brig_error **err)
{
        for (size_t i = 0; i < l->n_devices; i++) {
                const struct spec_device *sd = &l->devices[i];
                const struct device_node d = {
                        .path = sd->path,
                        .type = device_type(sd->type),
                        .dev = sd->type == 'p' ? 0 : makedev((unsigned) sd->major, (unsigned) sd->minor),
                        .mode = sd->has_file_mode ? sd->file_mode & 07777 : 0666,
                        .uid = sd->has_uid ? sd->uid : 0,
                        .gid = sd->has_gid ? sd->gid : 0,
                };
                if (device_create(root_fd, &d, in_user_namespace, err) < 0)
                        return brig_error_wrap(err, "config.json: linux.devices[%zu]", i);
        }
        return 0;
}

int devices_create(int root_fd, const struct brig_spec *spec, bool in_user_namespace, brig_error **err)
{
        if (!dev_is_bind_mounted(spec) && default_devices_create(root_fd, in_user_namespace, err) < 0)
                return brig_error_wrap(err, "default devices");
        if (spec->linux != NULL && spec_devices_create(root_fd, spec->linux, in_user_namespace, err) < 0)
                return -1;
        return 0;
}
