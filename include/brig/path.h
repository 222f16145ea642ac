/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Path resolution confined to a root directory (the container's rootfs).
 *
 * Every lookup is openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) relative to root_fd:
 * absolute symlinks and ".." stop at root_fd, so an image can never redirect a lookup
 * (or a mount target created from it) onto the host. Missing components are created one
 * at a time with *at() calls on an fd that was itself resolved inside the root.
 */
#ifndef BRIG_PATH_H
#define BRIG_PATH_H

#include <sys/types.h>

#include "brig/error.h"

enum path_kind {
        PATH_DIRECTORY,
        PATH_FILE, /* an empty regular file (a bind-mount target for a file source) */
};

/*
 * Open `path` (absolute or relative, both taken inside root_fd) with `flags` (e.g. O_PATH).
 * Returns the fd, or < 0 with *err set; err's errnum is ENOENT when it does not exist.
 */
int path_open_in_root(int root_fd, const char *path, int flags, brig_error **err);

/*
 * Open `path` inside root_fd as O_PATH, first creating whatever is missing: parents as
 * directories (0755), the last component as `kind` with `mode`. A dangling symlink is
 * followed (inside the root) and its target created. Existing objects are left as they are.
 */
int path_create_in_root(int root_fd, const char *path, enum path_kind kind, mode_t mode, brig_error **err);

/*
 * Open the parent directory of `path` inside root_fd as O_PATH (creating it if missing) and
 * set *ret_name to the last component (owned, never "", "." or ".."), for *at() calls.
 */
int path_create_parent_in_root(int root_fd, const char *path, char **ret_name, brig_error **err);

#endif
