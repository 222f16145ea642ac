/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by runtime/linux/mount.c and mount_cgroup.c; other modules use brig/rootfs.h. */
#ifndef BRIG_MOUNT_INTERNAL_H
#define BRIG_MOUNT_INTERNAL_H

#include <stdint.h>

#include "brig/error.h"
#include "brig/rootfs.h"
#include "brig/spec.h"

/* m's flags as MOUNT_ATTR_* bits to set and to clear (the atime mode as a whole). */
void mount_spec_attr(const struct spec_mount *m, uint64_t *ret_set, uint64_t *ret_clr);
/* A detached mount of a new `type` filesystem (fsopen/fsmount); sb_flags are MS_* superblock flags. */
int mount_fs_open(const char *type, const char *source, const char *data, unsigned long sb_flags,
                  uint64_t attr, brig_error **err);
/* move_mount(2) the detached mnt_fd onto target_fd. */
int mount_attach_at(int mnt_fd, int target_fd, brig_error **err);

/* A config.json cgroup mount (mount_is_cgroup) at m->destination inside root_fd. */
int mount_cgroup(int root_fd, const struct brig_spec *spec, const struct spec_mount *m, brig_error **err);

#endif
