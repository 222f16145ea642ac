/* SPDX-License-Identifier: Apache-2.0 */
/* linux.maskedPaths and linux.readonlyPaths, applied after pivot_root. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/path.h"
#include "brig/rootfs.h"

/* Open path for masking; 0 with *ret_fd = -1 when it does not exist (nothing to hide). */
static int open_existing(int root_fd, const char *path, int *ret_fd, brig_error **err)
{
        int fd = path_open_in_root(root_fd, path, O_PATH, err);

        if (fd == -ENOENT) {
                brig_error_free(err);
                fd = -1;
        } else if (fd < 0) {
                return fd;
        }
        *ret_fd = fd;
        return 0;
}

/* A directory is covered by an empty read-only tmpfs, anything else by /dev/null. */
static int mask_path(int root_fd, const char *path, brig_error **err)
{
        _cleanup_close_ int fd = -1;
        struct stat st;

        if (open_existing(root_fd, path, &fd, err) < 0)
                return -1;
        if (fd < 0)
                return 0;
        if (fstat(fd, &st) < 0)
                return brig_syserr(err, "stat");
        if (S_ISDIR(st.st_mode))
                return mount_fs_at("tmpfs", "tmpfs", NULL, MOUNT_ATTR_RDONLY, fd, err);
        return mount_bind_at(root_fd, "dev/null", false, 0, fd, err);
}

/* Bind the path onto itself (a mount of its own), then make that mount tree read-only. */
static int make_readonly(int root_fd, const char *path, brig_error **err)
{
        _cleanup_close_ int fd = -1;

        if (open_existing(root_fd, path, &fd, err) < 0)
                return -1;
        if (fd < 0)
                return 0;
        return mount_bind_at(fd, "", true, MOUNT_ATTR_RDONLY, fd, err);
}

int masked_paths_apply(int root_fd, const struct brig_spec *spec, brig_error **err)
{
        const struct spec_linux *l = spec->linux;
        size_t i;

        if (l == NULL)
                return 0;
        for (i = 0; l->masked_paths != NULL && l->masked_paths[i] != NULL; i++)
                if (mask_path(root_fd, l->masked_paths[i], err) < 0)
                        return brig_error_wrap(err, "config.json: linux.maskedPaths[%zu]: `%s`", i,
                                               l->masked_paths[i]);
        for (i = 0; l->readonly_paths != NULL && l->readonly_paths[i] != NULL; i++)
                if (make_readonly(root_fd, l->readonly_paths[i], err) < 0)
                        return brig_error_wrap(err, "config.json: linux.readonlyPaths[%zu]: `%s`", i,
                                               l->readonly_paths[i]);
        return 0;
}
