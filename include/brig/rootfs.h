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
#include <stddef.h>

#include "brig/error.h"
#include "brig/spec.h"

struct rootfs_options {
        const char *rootfs;     /* absolute host path of the rootfs directory */
        bool no_pivot;          /* chroot(2) instead of pivot_root(2) (--no-pivot) */
        bool in_user_namespace; /* devices are bind-mounted from the host, not mknod'ed */
        const int *mount_fds;   /* from rootfs_prepare_mount_fds(), indexed like spec->mounts; may be NULL */
        /*
         * Called once before the first cgroup mount, and at the latest before rootfs_prepare
         * returns: the mounts before it overlap with the runtime moving us into our cgroup
         * (a slow write on cgroup v1), the cgroup mount needs the move done. May be NULL.
         */
        int (*cgroup_gate)(void *data, brig_error **err);
        void *cgroup_gate_data;
};

/*
 * Run by the runtime in the host's user namespace, before it clones the container's init:
 * build the detached idmapped mounts (mounts[i] with idmap/ridmap or mount-level
 * uidMappings/gidMappings). Inside a new user namespace init may not idmap a host
 * filesystem; it only attaches these fds (move_mount). *ret_fds has spec->n_mounts entries,
 * -1 where the mount is made by init itself; all O_CLOEXEC. Relative bind sources are
 * resolved against bundle, as init resolves them. Free with rootfs_mount_fds_free().
 */
int rootfs_prepare_mount_fds(const struct brig_spec *spec, const char *bundle, int **ret_fds,
                             brig_error **err);
void rootfs_mount_fds_free(int *fds, size_t n);

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

/*
 * Building blocks shared by the rootfs implementation (runtime/linux/{rootfs,mount,devices,
 * masked}.c); other modules use the three calls above. Targets are O_PATH fds resolved
 * inside the rootfs (brig/path.h); mounts are built detached and attached with move_mount(2).
 * `attr` values are MOUNT_ATTR_* bits.
 */
#include <stdint.h>

/*
 * Perform config.json mounts[i] inside the rootfs root_fd. premade_fd (borrowed): a detached
 * mount from mount_spec_open_idmapped() to attach instead of building one, or -1.
 */
bool mount_is_cgroup(const struct spec_mount *m);
int mount_spec_mount(int root_fd, const struct brig_spec *spec, const struct spec_mount *m, int premade_fd,
                     brig_error **err);
/* m asks for an idmapped mount: option idmap/ridmap, or mount-level mappings (runtime-spec 1.1). */
bool mount_is_idmapped(const struct spec_mount *m);
/* The detached, flagged and idmapped mount for m; bind sources resolved from source_dfd. */
int mount_spec_open_idmapped(int source_dfd, const struct brig_spec *spec, const struct spec_mount *m,
                             brig_error **err);
/* Bind source (resolved from source_dfd, host side) onto target_fd, then set attr on it. */
int mount_bind_at(int source_dfd, const char *source, bool recursive, uint64_t attr, int target_fd,
                  brig_error **err);
/* A new `type` filesystem with fs options `data` ("a=b,c"; may be NULL) onto target_fd. */
int mount_fs_at(const char *type, const char *source, const char *data, uint64_t attr, int target_fd,
                brig_error **err);
/* mount_setattr(2) on the mount fd is the root of (the whole tree when recursive). */
int mount_set_attr(int fd, uint64_t attr_set, uint64_t attr_clr, bool recursive, brig_error **err);
/* MS_PRIVATE/MS_SLAVE/MS_SHARED/MS_UNBINDABLE, | MS_REC for the r* forms; 0 for NONE. */
unsigned long mount_propagation_flags(enum spec_propagation p);

/* Default devices, /dev symlinks and linux.devices inside root_fd. */
int devices_create(int root_fd, const struct brig_spec *spec, bool in_user_namespace, brig_error **err);
/* After pivot: linux.maskedPaths then linux.readonlyPaths, relative to root_fd ("/"). */
int masked_paths_apply(int root_fd, const struct brig_spec *spec, brig_error **err);

#endif
