/* SPDX-License-Identifier: Apache-2.0 */
/* path_*_in_root: lookups and creation never leave the root, whatever symlinks the image holds. */
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/path.h"
#include "brig/util.h"
#include "unit.h"

/* A scratch directory holding "root/" (the fake rootfs) and "outside/" (the fake host). */
struct scratch {
        char *dir;
        int root_fd;
};

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        return remove(path);
}

static void scratch_done(struct scratch *s)
{
        if (s->root_fd >= 0)
                close(s->root_fd);
        if (s->dir != NULL)
                nftw(s->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(s->dir);
}

static bool scratch_init(struct scratch *s)
{
        char tmpl[] = "/tmp/brig-test-path-XXXXXX";
        _cleanup_free_ char *root = NULL, *outside = NULL;

        if (mkdtemp(tmpl) == NULL)
                return false;
        s->dir = xstrdup(tmpl);
        root = xasprintf("%s/root", s->dir);
        outside = xasprintf("%s/outside", s->dir);
        if (mkdir(root, 0755) < 0 || mkdir(outside, 0755) < 0)
                return false;
        s->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        return s->root_fd >= 0;
}

#define _cleanup_scratch_ __attribute__((cleanup(scratch_done)))

static bool exists_at(int dirfd, const char *path, mode_t type)
{
        struct stat st;

        return fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & S_IFMT) == type;
}

static bool exists(const char *dir, const char *path, mode_t type)
{
        _cleanup_free_ char *full = xasprintf("%s/%s", dir, path);

        return exists_at(AT_FDCWD, full, type);
}

TEST(path_create_makes_missing_parents)
{
        _cleanup_scratch_ struct scratch s = { .root_fd = -1 };
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_close_ int fd = -1;

        ASSERT_TRUE(scratch_init(&s));
        ASSERT_OK(fd = path_create_in_root(s.root_fd, "/a/b//c/", PATH_DIRECTORY, 0755, &err), err);
        ASSERT_TRUE(exists_at(s.root_fd, "a/b/c", S_IFDIR));
        close(fd);
        ASSERT_OK(fd = path_create_in_root(s.root_fd, "/a/f", PATH_FILE, 0644, &err), err);
        ASSERT_TRUE(exists_at(s.root_fd, "a/f", S_IFREG));
        close(fd);
        /* Existing objects are reused, not recreated. */
        ASSERT_OK(fd = path_create_in_root(s.root_fd, "/a/f", PATH_FILE, 0644, &err), err);
}

TEST(path_create_absolute_symlink_stays_inside)
{
        _cleanup_scratch_ struct scratch s = { .root_fd = -1 };
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_free_ char *outside = NULL, *inside = NULL;
        _cleanup_close_ int fd = -1;

        ASSERT_TRUE(scratch_init(&s));
        outside = xasprintf("%s/outside", s.dir);
        ASSERT_TRUE(symlinkat(outside, s.root_fd, "etc") == 0);
        ASSERT_OK(fd = path_create_in_root(s.root_fd, "/etc/hosts", PATH_FILE, 0644, &err), err);
        ASSERT_FALSE(exists(s.dir, "outside/hosts", S_IFREG));
        inside = xasprintf("%s/hosts", outside + 1);
        ASSERT_TRUE(exists_at(s.root_fd, inside, S_IFREG));
}

TEST(path_create_dotdot_symlink_is_clamped_to_root)
{
        _cleanup_scratch_ struct scratch s = { .root_fd = -1 };
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_close_ int fd = -1;

        ASSERT_TRUE(scratch_init(&s));
        ASSERT_TRUE(symlinkat("../../../../../../..", s.root_fd, "up") == 0);
        ASSERT_OK(fd = path_create_in_root(s.root_fd, "/up/outside/x", PATH_DIRECTORY, 0755, &err), err);
        ASSERT_FALSE(exists(s.dir, "outside/x", S_IFDIR));
        ASSERT_TRUE(exists_at(s.root_fd, "outside/x", S_IFDIR));
        close(fd);
        ASSERT_OK(fd = path_create_in_root(s.root_fd, "/../../outside/y", PATH_DIRECTORY, 0755, &err), err);
        ASSERT_FALSE(exists(s.dir, "outside/y", S_IFDIR));
}

TEST(path_create_follows_dangling_symlink_inside_root)
{
        _cleanup_scratch_ struct scratch s = { .root_fd = -1 };
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_close_ int fd = -1;

        ASSERT_TRUE(scratch_init(&s));
        ASSERT_TRUE(mkdirat(s.root_fd, "etc", 0755) == 0);
        ASSERT_TRUE(symlinkat("../run/resolve/stub.conf", s.root_fd, "etc/resolv.conf") == 0);
        ASSERT_OK(fd = path_create_in_root(s.root_fd, "/etc/resolv.conf", PATH_FILE, 0644, &err), err);
        ASSERT_TRUE(exists_at(s.root_fd, "run/resolve/stub.conf", S_IFREG));
        close(fd);
        ASSERT_TRUE(symlinkat("/nowhere/deep", s.root_fd, "d") == 0);
        ASSERT_OK(fd = path_create_in_root(s.root_fd, "/d/z", PATH_DIRECTORY, 0755, &err), err);
        ASSERT_TRUE(exists_at(s.root_fd, "nowhere/deep/z", S_IFDIR));
}

TEST(path_create_symlink_loop_fails)
{
        _cleanup_scratch_ struct scratch s = { .root_fd = -1 };
        _cleanup_error_ brig_error *err = NULL;

        ASSERT_TRUE(scratch_init(&s));
        ASSERT_TRUE(symlinkat("/l2", s.root_fd, "l1") == 0);
        ASSERT_TRUE(symlinkat("/l1", s.root_fd, "l2") == 0);
        ASSERT_ERR_CONTAINS(path_create_in_root(s.root_fd, "/l1/x", PATH_DIRECTORY, 0755, &err), err,
                            "inside the rootfs");
}

TEST(path_open_in_root_reports_missing)
{
        _cleanup_scratch_ struct scratch s = { .root_fd = -1 };
        _cleanup_error_ brig_error *err = NULL;

        ASSERT_TRUE(scratch_init(&s));
        ASSERT_EQ_INT(path_open_in_root(s.root_fd, "/nope", O_PATH, &err), -ENOENT);
        ASSERT_ERR_CONTAINS(-1, err, "`/nope`");
}

TEST(path_create_parent_splits_name)
{
        _cleanup_scratch_ struct scratch s = { .root_fd = -1 };
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_free_ char *name = NULL;
        _cleanup_close_ int fd = -1;

        ASSERT_TRUE(scratch_init(&s));
        ASSERT_OK(fd = path_create_parent_in_root(s.root_fd, "/dev/pts/ptmx", &name, &err), err);
        ASSERT_STREQ(name, "ptmx");
        ASSERT_TRUE(exists_at(s.root_fd, "dev/pts", S_IFDIR));
        ASSERT_ERR_CONTAINS(path_create_parent_in_root(s.root_fd, "/", &name, &err), err, "does not name a file");
        ASSERT_ERR_CONTAINS(path_create_parent_in_root(s.root_fd, "/a/..", &name, &err), err,
                            "does not name a file");
}
