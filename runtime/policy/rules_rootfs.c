/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rootfs.readonly: a read-only root, with small tmpfs at /tmp, /run and /var/tmp when the config
 * mounts nothing there (as podman's --read-only-tmpfs), so ordinary images keep working.
 * paths.masked: maskedPaths and readonlyPaths are the union of the config's and the policy's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

#define TMPFS_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static bool has_mount_at(const struct brig_spec *spec, const char *dest)
{
        for (size_t i = 0; i < spec->n_mounts; i++)
                if (strcmp(spec->mounts[i].destination, dest) == 0)
                        return true;
        return false;
}

/* Before the first mount under dest (podman's /run/.containerenv must land on the tmpfs), else last. */
static size_t tmpfs_position(const struct brig_spec *spec, const char *dest)
{
        for (size_t i = 0; i < spec->n_mounts; i++)
                if (path_is_under(spec->mounts[i].destination, dest))
                        return i;
        return spec->n_mounts;
}

static void insert_tmpfs(struct brig_spec *spec, const char *dest, const char *size)
{
        size_t at = tmpfs_position(spec, dest);
        struct spec_mount *m;

        spec->mounts = xrealloc(spec->mounts, (spec->n_mounts + 1) * sizeof(*spec->mounts));
        memmove(&spec->mounts[at + 1], &spec->mounts[at], (spec->n_mounts - at) * sizeof(*spec->mounts));
        spec->n_mounts++;
        m = &spec->mounts[at];
        *m = (struct spec_mount){ .destination = xstrdup(dest), .type = xstrdup("tmpfs"),
                                  .source = xstrdup("tmpfs"), .flags = TMPFS_FLAGS,
                                  .optional = true };
        m->data = xasprintf("size=%s,mode=1777", size);
        m->options = strv_copy((char *const[]){ "nosuid", "nodev", "noexec", "mode=1777", NULL });
        strv_push(&m->options, m->data);
}

void rule_rootfs_readonly(struct rule_ctx *c)
{
        char **dirs = c->policy->lists[LIST_TMPFS];

        if (!c->spec->root.readonly &&
            rule_loose(c, "root.readonly", "the root filesystem is writable", "made read-only"))
                c->spec->root.readonly = true;
        if (!c->spec->root.readonly)
                return;
        for (size_t i = 0; dirs[i] != NULL; i++)
                if (!has_mount_at(c->spec, dirs[i])) {
                        insert_tmpfs(c->spec, dirs[i], c->policy->tmpfs_size);
                        rule_hardened(c, "mounts", "tmpfs mounted at `%s` (size %s, nosuid, nodev, noexec)", dirs[i],
                                      c->policy->tmpfs_size);
                }
}

static char **missing_paths(char **list, char **policy_paths)
{
        char **missing = NULL;

        for (size_t i = 0; policy_paths[i] != NULL; i++)
                if (!strv_contains(list, policy_paths[i]))
                        strv_push(&missing, policy_paths[i]);
        return missing;
}

static void harden_path_list(struct rule_ctx *c, const char *path, char ***list, char **policy_paths)
{
        _cleanup_strv_ char **missing = missing_paths(*list, policy_paths);
        _cleanup_free_ char *problem = NULL;
        char *names = NULL;
        size_t len = 0;

        if (missing == NULL)
                return;
        for (size_t i = 0; missing[i] != NULL; i++) {
                names = xrealloc(names, len + strlen(missing[i]) + 5);
                len += sprintf(names + len, "%s`%s`", i > 0 ? ", " : "", missing[i]);
        }
        problem = xasprintf("missing %s", names);
        free(names);
        if (rule_loose(c, path, problem, "added"))
                for (size_t i = 0; missing[i] != NULL; i++)
                        strv_push(list, missing[i]);
}

void rule_paths_masked(struct rule_ctx *c)
{
        struct spec_linux *l = spec_linux_get(c->spec);

        harden_path_list(c, "linux.maskedPaths", &l->masked_paths, c->policy->lists[LIST_MASKED_PATHS]);
        harden_path_list(c, "linux.readonlyPaths", &l->readonly_paths, c->policy->lists[LIST_READONLY_PATHS]);
}
