/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup logic that needs no root: path resolution (plain, relative, systemd form, `..`),
 * the v1 -> v2 value conversions, layout detection from mountinfo text, and which ancestors
 * `delete` may remove.
 */
#include <stdlib.h>
#include <string.h>

#include "brig/cgroup.h"
#include "brig/cleanup.h"
#include "brig/util.h"
#include "unit.h"

#define RESOLVE_OK(in, id, systemd, want)                                                  \
        do {                                                                               \
                _cleanup_free_ char *got_ = NULL;                                          \
                ASSERT_OK(cgroup_resolve_path((in), (id), (systemd), &got_, &err), err);   \
                ASSERT_STREQ(got_, (want));                                                \
        } while (0)

TEST(cgroup_resolve_plain_paths)
{
        _cleanup_error_ brig_error *err = NULL;

        RESOLVE_OK(NULL, "abc", false, "/brig/abc");
        RESOLVE_OK("", "abc", false, "/brig/abc");
        RESOLVE_OK("/docker/abc", "abc", false, "/docker/abc");
        RESOLVE_OK("//docker/./abc/", "abc", false, "/docker/abc");
        /* Relative paths never land below the caller's own cgroup. */
        RESOLVE_OK("pods/abc", "abc", false, "/brig/pods/abc");
        RESOLVE_OK("a:b:c", "abc", false, "/brig/a:b:c");
}

TEST(cgroup_resolve_refuses_escapes)
{
        _cleanup_error_ brig_error *err = NULL;
        char *out = NULL;

        ASSERT_ERR_CONTAINS(cgroup_resolve_path("/a/../../b", "x", false, &out, &err), err,
                            "linux.cgroupsPath: `/a/../../b`: `..` is not allowed");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path("../b", "x", false, &out, &err), err, "linux.cgroupsPath");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path("/", "x", false, &out, &err), err, "root cgroup");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path("/./", "x", false, &out, &err), err, "root cgroup");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path(NULL, "..", false, &out, &err), err, "cannot name a cgroup");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path(NULL, "a/b", false, &out, &err), err, "cannot name a cgroup");
        ASSERT_NULL(out);
}

TEST(cgroup_resolve_systemd_form)
{
        _cleanup_error_ brig_error *err = NULL;
        char *out = NULL;

        RESOLVE_OK("system.slice:docker:abc", "abc", true, "/system.slice/docker-abc.scope");
        RESOLVE_OK("machine-pods-x.slice:crio:abc", "abc", true,
                   "/machine.slice/machine-pods.slice/machine-pods-x.slice/crio-abc.scope");
        RESOLVE_OK("-.slice:brig:abc", "abc", true, "/brig-abc.scope");
        RESOLVE_OK(":brig:abc", "abc", true, "/system.slice/brig-abc.scope");
        RESOLVE_OK("user.slice::abc", "abc", true, "/user.slice/abc.scope");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path("/docker/abc", "abc", true, &out, &err), err,
                            "expected `slice:prefix:name`");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path("a--b.slice:p:n", "n", true, &out, &err), err,
                            "not a valid slice name");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path("-a.slice:p:n", "n", true, &out, &err), err,
                            "not a valid slice name");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path("a/b.slice:p:n", "n", true, &out, &err), err,
                            "not a slice name");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path("foo:p:n", "n", true, &out, &err), err, "not a slice name");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path("system.slice:p:../x", "n", true, &out, &err), err,
                            "invalid unit name");
        ASSERT_ERR_CONTAINS(cgroup_resolve_path("system.slice:p:", "n", true, &out, &err), err,
                            "invalid unit name");
        ASSERT_NULL(out);
}

TEST(cgroup_cpu_shares_to_weight)
{
        ASSERT_EQ_UINT(cgroup_cpu_shares_to_weight(0), 0);
        ASSERT_EQ_UINT(cgroup_cpu_shares_to_weight(2), 1);
        ASSERT_EQ_UINT(cgroup_cpu_shares_to_weight(512), 20);
        ASSERT_EQ_UINT(cgroup_cpu_shares_to_weight(1024), 39);
        ASSERT_EQ_UINT(cgroup_cpu_shares_to_weight(262144), 10000);
        /* Out-of-range shares are clamped as the kernel clamps cpu.shares. */
        ASSERT_EQ_UINT(cgroup_cpu_shares_to_weight(1), 1);
        ASSERT_EQ_UINT(cgroup_cpu_shares_to_weight(1000000), 10000);
}

TEST(cgroup_blkio_weight_to_io_weight)
{
        ASSERT_EQ_UINT(cgroup_blkio_weight_to_io_weight(0), 0);
        ASSERT_EQ_UINT(cgroup_blkio_weight_to_io_weight(10), 1);
        ASSERT_EQ_UINT(cgroup_blkio_weight_to_io_weight(100), 910);
        ASSERT_EQ_UINT(cgroup_blkio_weight_to_io_weight(500), 4950);
        ASSERT_EQ_UINT(cgroup_blkio_weight_to_io_weight(1000), 10000);
}

TEST(cgroup_v2_swap_max)
{
        _cleanup_error_ brig_error *err = NULL;
        struct spec_memory m = { .has_limit = true, .limit = 100 << 20, .has_swap = true, .swap = 300 << 20 };
        int64_t v = 0;

        ASSERT_OK(cgroup_v2_swap_max(&m, &v, &err), err);
        ASSERT_EQ_INT(v, 200 << 20);
        m.swap = m.limit;
        ASSERT_OK(cgroup_v2_swap_max(&m, &v, &err), err);
        ASSERT_EQ_INT(v, 0);
        m.swap = -1;
        ASSERT_OK(cgroup_v2_swap_max(&m, &v, &err), err);
        ASSERT_EQ_INT(v, -1);
        m.swap = 50 << 20;
        ASSERT_ERR_CONTAINS(cgroup_v2_swap_max(&m, &v, &err), err,
                            "linux.resources.memory.swap: `52428800` is below the memory limit");
        m.has_limit = false;
        ASSERT_ERR_CONTAINS(cgroup_v2_swap_max(&m, &v, &err), err, "needs a memory limit");
}

/* The layout of the development VM: v1 controllers plus cgroup2 at /sys/fs/cgroup/unified. */
static const char hybrid_mountinfo[] =
        "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
        "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
        "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
        /* The same memory hierarchy mounted again elsewhere is not a second hierarchy. */
        "90 22 0:32 / /tmp/mem rw,relatime - cgroup cgroup rw,memory\n";

TEST(cgroup_layout_hybrid)
{
        _cleanup_error_ brig_error *err = NULL;
        struct cgroup_layout l = { 0 };

        ASSERT_OK(cgroup_layout_parse(hybrid_mountinfo, &l, &err), err);
        ASSERT_EQ_INT(l.mode, CGROUP_MODE_HYBRID);
        ASSERT_EQ_UINT(l.n_mounts, 5);
        ASSERT_STREQ(l.mounts[0].mountpoint, "/sys/fs/cgroup/cpu");
        ASSERT_STREQ(l.mounts[0].controllers[0], "cpu");
        ASSERT_STREQ(l.mounts[3].controllers[0], "name=systemd");
        ASSERT_NULL(l.mounts[3].controllers[1]);
        ASSERT_TRUE(l.mounts[4].v2);
        ASSERT_STREQ(l.mounts[4].mountpoint, "/sys/fs/cgroup/unified");
        cgroup_layout_clear(&l);
}

TEST(cgroup_layout_v1_and_v2)
{
        _cleanup_error_ brig_error *err = NULL;
        struct cgroup_layout l = { 0 };
        static const char v1[] =
                "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                "33 31 0:30 / /sys/fs/cgroup/misc rw shared:5 - cgroup none rw,name=misc-tool\n"
                "34 31 0:31 / /sys/fs/cgroup/pids rw shared:6 master:1 - cgroup cgroup rw,pids\n";
        static const char v2[] =
                "26 22 0:23 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";

        ASSERT_OK(cgroup_layout_parse(v1, &l, &err), err);
        ASSERT_EQ_INT(l.mode, CGROUP_MODE_V1);
        /* A named hierarchy that is not systemd's has no controller brig drives. */
        ASSERT_EQ_UINT(l.n_mounts, 2);
        ASSERT_STREQ(l.mounts[0].controllers[1], "cpuacct");
        ASSERT_STREQ(l.mounts[1].mountpoint, "/sys/fs/cgroup/pids");
        cgroup_layout_clear(&l);

        ASSERT_OK(cgroup_layout_parse(v2, &l, &err), err);
        ASSERT_EQ_INT(l.mode, CGROUP_MODE_V2);
        ASSERT_EQ_UINT(l.n_mounts, 1);
        ASSERT_TRUE(l.mounts[0].v2);
        ASSERT_STREQ(l.mounts[0].mountpoint, "/sys/fs/cgroup");
        cgroup_layout_clear(&l);

        ASSERT_ERR_CONTAINS(cgroup_layout_parse("22 1 254:0 / / rw - ext4 /dev/vda rw\n", &l, &err), err,
                            "no cgroup hierarchy");
}

TEST(cgroup_device_rules_start_with_deny_all)
{
        struct spec_device_rule rule = { true, 'c', 10, 200, (char *) "rw" };
        size_t n = 0;
        _cleanup_free_ struct spec_device_rule *all = cgroup_device_rules_with_defaults(&rule, 1, &n);

        ASSERT_EQ_UINT(n, 11);
        ASSERT_FALSE(all[0].allow);
        ASSERT_EQ_INT(all[0].type, 'a');
        ASSERT_EQ_INT(all[1].major, 10);
        ASSERT_TRUE(all[2].allow);
        ASSERT_EQ_INT(all[2].major, 1);
        ASSERT_EQ_INT(all[2].minor, 3);
        ASSERT_EQ_INT(all[n - 1].major, 136);
        ASSERT_EQ_INT(all[n - 1].minor, -1);
}

TEST(cgroup_open_refuses_unsafe_paths)
{
        _cleanup_error_ brig_error *err = NULL;
        struct brig_cgroup *cg = NULL;

        ASSERT_ERR_CONTAINS(cgroup_open("/brig/../process_api", &cg, &err), err, "without `..`");
        ASSERT_ERR_CONTAINS(cgroup_open("brig/x", &cg, &err), err, "must be absolute");
        ASSERT_ERR_CONTAINS(cgroup_create("/", &cg, &err), err, "below the root");
        ASSERT_NULL(cg);
}

/* What `delete` may remove: the deepest `depth` prefixes of the container's path, never more. */
TEST(cgroup_path_tail)
{
        _cleanup_strv_ char **leaf = cgroup_path_tail("/docker/abc", 1);
        _cleanup_strv_ char **both = cgroup_path_tail("/docker/abc", 2);
        _cleanup_strv_ char **capped = cgroup_path_tail("/a/b/c", 9);
        _cleanup_strv_ char **none = cgroup_path_tail("/a/b/c", 0);

        ASSERT_EQ_UINT(strv_length(leaf), 1);
        ASSERT_STREQ(leaf[0], "/docker/abc");
        ASSERT_EQ_UINT(strv_length(both), 2);
        ASSERT_STREQ(both[0], "/docker");
        ASSERT_STREQ(both[1], "/docker/abc");
        ASSERT_EQ_UINT(strv_length(capped), 3);
        ASSERT_STREQ(capped[0], "/a");
        ASSERT_STREQ(capped[2], "/a/b/c");
        ASSERT_NULL(none);
}
