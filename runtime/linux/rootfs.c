/* SPDX-License-Identifier: Apache-2.0 */
/* The container's filesystem view: mounts and devices, pivot_root, then masking (brig/rootfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/rootfs.h"
#include "brig/util.h"

static unsigned long rootfs_propagation(const struct brig_spec *spec)
{
        return mount_propagation_flags(spec->linux != NULL ? spec->linux->rootfs_propagation
                                                           : SPEC_PROPAGATION_NONE);
}

/* Nothing done in this mount namespace may reach the host: rslave unless the config says otherwise. */
static int set_root_propagation(const struct brig_spec *spec, brig_error **err)
{
        unsigned long ms = rootfs_propagation(spec);

        if (ms == 0)
                ms = MS_SLAVE | MS_REC;
        if (mount(NULL, "/", NULL, ms, NULL) < 0)
                return brig_syserr(err, "config.json: linux.rootfsPropagation: set the propagation of `/`");
        return 0;
}

static int mount_error(size_t i, const struct spec_mount *m, brig_error **err)
{
        return brig_error_wrap(err, "config.json: mounts[%zu]: mount `%s` on `%s`", i,
                               m->source != NULL ? m->source : "none", m->destination);
}

static int pass_cgroup_gate(const struct rootfs_options *opts, bool *passed, brig_error **err)
{
        if (*passed || opts->cgroup_gate == NULL)
                return 0;
        *passed = true;
        return opts->cgroup_gate(opts->cgroup_gate_data, err);
}

/* A cgroup mount can wait until the end when no later mount lands on or under it. */
static bool cgroup_mount_deferrable(const struct brig_spec *spec, size_t i)
{
        const char *dest = spec->mounts[i].destination;
        size_t len = strlen(dest);

        for (size_t j = i + 1; j < spec->n_mounts; j++) {
                const char *later = spec->mounts[j].destination;

                if (strncmp(later, dest, len) == 0 && (later[len] == '\0' || later[len] == '/' || len == 1))
                        return false;
        }
        return true;
}

static int mount_one(int root_fd, const struct brig_spec *spec, const struct rootfs_options *opts, size_t i,
                     brig_error **err)
{
        int premade = opts->mount_fds != NULL ? opts->mount_fds[i] : -1;

        if (mount_spec_mount(root_fd, spec, &spec->mounts[i], premade, err) < 0)
                return mount_error(i, &spec->mounts[i], err);
        return 0;
}

/*
 * In config order, except that cgroup mounts nothing depends on go last, behind the cgroup gate:
 * everything before the gate overlaps with the runtime's (slow, on v1) move into the cgroup.
 */
static int mount_spec_mounts(int root_fd, const struct brig_spec *spec, const struct rootfs_options *opts,
                             brig_error **err)
{
        bool gate_passed = false;

        for (size_t i = 0; i < spec->n_mounts; i++) {
                if (mount_is_cgroup(&spec->mounts[i])) {
                        if (cgroup_mount_deferrable(spec, i))
                                continue;
                        if (pass_cgroup_gate(opts, &gate_passed, err) < 0)
                                return -1;
                }
                if (mount_one(root_fd, spec, opts, i, err) < 0)
                        return -1;
        }
        if (devices_create(root_fd, spec, opts->in_user_namespace, err) < 0 ||
            pass_cgroup_gate(opts, &gate_passed, err) < 0)
                return -1;
        for (size_t i = 0; i < spec->n_mounts; i++)
                if (mount_is_cgroup(&spec->mounts[i]) && cgroup_mount_deferrable(spec, i) &&
                    mount_one(root_fd, spec, opts, i, err) < 0)
                        return -1;
        return 0;
}

void rootfs_mount_fds_free(int *fds, size_t n)
{
        for (size_t i = 0; fds != NULL && i < n; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
        free(fds);
}

int rootfs_prepare_mount_fds(const struct brig_spec *spec, const char *bundle, int **ret_fds,
                             brig_error **err)
{
        _cleanup_close_ int bundle_fd = -1;
        int *fds;

        *ret_fds = NULL;
        bundle_fd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (bundle_fd < 0)
                return brig_syserr(err, "open the bundle `%s`", bundle);
        fds = xmalloc0((spec->n_mounts + 1) * sizeof(*fds)); /* + 1: never a 0-byte allocation */
        for (size_t i = 0; i < spec->n_mounts; i++)
                fds[i] = -1;
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct spec_mount *m = &spec->mounts[i];

                if (!mount_is_idmapped(m))
                        continue;
                fds[i] = mount_spec_open_idmapped(bundle_fd, spec, m, err);
                if (fds[i] < 0) {
                        rootfs_mount_fds_free(fds, i);
                        return mount_error(i, m, err);
                }
        }
        *ret_fds = fds;
        return 0;
}

int rootfs_prepare(const struct brig_spec *spec, const struct rootfs_options *opts, brig_error **err)
{
        _cleanup_close_ int root_fd = -1;

        if (set_root_propagation(spec, err) < 0)
                return -1;
        /* pivot_root(2) needs the new root to be a mount point. */
        if (mount(opts->rootfs, opts->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
                return brig_syserr(err, "bind the rootfs `%s` onto itself", opts->rootfs);
        /* Opened after the bind, so that lookups start in the new mount. */
        root_fd = open(opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return brig_syserr(err, "open the rootfs `%s`", opts->rootfs);
        if (mount_spec_mounts(root_fd, spec, opts, err) < 0)
                return -1;
        /* pivot_root(2) refuses a shared new root; rootfs_finalize() shares it again. */
        if ((rootfs_propagation(spec) & MS_SHARED) && mount(NULL, opts->rootfs, NULL, MS_PRIVATE, NULL) < 0)
                return brig_syserr(err, "make the rootfs mount private for pivot_root");
        return 0;
}

/*
 * pivot_root(2) refuses a new root whose parent mount is shared (rshared
 * rootfsPropagation); that parent is about to be detached, so make it private.
 */
static int make_parent_mount_private(const char *rootfs, brig_error **err)
{
        _cleanup_free_ char *dir = xstrdup(rootfs);
        char *p = dirname(dir);

        for (;;) {
                struct statx stx;

                if (statx(AT_FDCWD, p, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0)
                        return brig_syserr(err, "stat `%s`", p);
                if ((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
                    (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
                        break;
                if (strcmp(p, "/") == 0)
                        break;
                p = dirname(p);
        }
        if (mount(NULL, p, NULL, MS_PRIVATE, NULL) < 0)
                return brig_syserr(err, "make the mount `%s` private", p);
        return 0;
}

static int pivot(const char *rootfs, brig_error **err)
{
        if (make_parent_mount_private(rootfs, err) < 0)
                return -1;
        if (chdir(rootfs) < 0)
                return brig_syserr(err, "chdir `%s`", rootfs);
        /* Stack the old root on top of the new one, so neither needs a directory inside the image. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return brig_syserr(err, "pivot_root `%s`", rootfs);
        /* "." now names the old root: make sure its unmount does not propagate anywhere. */
        if (mount(NULL, ".", NULL, MS_PRIVATE | MS_REC, NULL) < 0)
                return brig_syserr(err, "make the old root private");
        if (umount2(".", MNT_DETACH) < 0)
                return brig_syserr(err, "detach the old root");
        return 0;
}

static int move_and_chroot(const char *rootfs, brig_error **err)
{
        if (chdir(rootfs) < 0)
                return brig_syserr(err, "chdir `%s`", rootfs);
        if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
                return brig_syserr(err, "move the rootfs `%s` to `/`", rootfs);
        if (chroot(".") < 0)
                return brig_syserr(err, "chroot `%s`", rootfs);
        return 0;
}

int rootfs_pivot(const struct rootfs_options *opts, brig_error **err)
{
        int r = opts->no_pivot ? move_and_chroot(opts->rootfs, err) : pivot(opts->rootfs, err);

        if (r < 0)
                return r;
        if (chdir("/") < 0)
                return brig_syserr(err, "chdir `/`");
        return 0;
}

int rootfs_finalize(const struct brig_spec *spec, brig_error **err)
{
        _cleanup_close_ int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (root_fd < 0)
                return brig_syserr(err, "open `/`");
        if (masked_paths_apply(root_fd, spec, err) < 0)
                return -1;
        if (rootfs_propagation(spec) != 0 && mount(NULL, "/", NULL, rootfs_propagation(spec), NULL) < 0)
                return brig_syserr(err, "config.json: linux.rootfsPropagation: set the propagation of `/`");
        /* mount_setattr changes only the bits asked for: nosuid, nodev, ... and locked flags stay. */
        if (spec->root.readonly && mount_set_attr(root_fd, MOUNT_ATTR_RDONLY, 0, false, err) < 0)
                return brig_error_wrap(err, "config.json: root.readonly: remount `/` read-only");
        return 0;
}
