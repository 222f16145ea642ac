/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's filesystem view, built inside the container's mount namespace by its
 * init process (running as root of its user namespace, before any privilege is dropped).
 *
 * Every mount target is resolved inside the rootfs (openat2 RESOLVE_IN_ROOT) so that a
 * symlink in the image can never redirect a mount onto the host.
 */
#ifndef BRIG_ROOTFS_H
#define BRIG_ROOTFS_H

#include <stdbool.h>

#include "brig/error.h"
#include "brig/spec.h"

struct rootfs_options {
        const char *rootfs;     /* absolute host path of the rootfs directory */
        bool no_pivot;          /* chroot(2) instead of pivot_root(2) (--no-pivot) */
        bool in_user_namespace; /* devices are bind-mounted from the host, not mknod'ed */
};

/*
 * Before pivot: make "/" propagation as linux.rootfsPropagation says (rslave by default,
 * never leaking mounts back to the host), bind the rootfs onto itself, perform every
 * spec mount (proc, sysfs, tmpfs, devpts, mqueue, cgroup, bind/rbind with flags and
 * propagation, idmapped mounts), create the default devices and linux.devices and the
 * /dev symlinks (fd, stdin, stdout, stderr, ptmx, core).
 */
int rootfs_prepare(const struct brig_spec *spec, const struct rootfs_options *opts, brig_error **err);

/* Make the rootfs the process's "/" (pivot_root, or chroot with no_pivot); cwd becomes "/". */
int rootfs_pivot(const struct rootfs_options *opts, brig_error **err);

/* After pivot: maskedPaths, readonlyPaths, then root.readonly (remount "/" read-only). */
int rootfs_finalize(const struct brig_spec *spec, brig_error **err);

#endif
