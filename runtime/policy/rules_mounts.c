/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mounts.host_sensitive: no bind mount of a sensitive host path (after resolving symlinks) or
 * of a container engine socket, and no filesystem mount beyond the private pseudo filesystems.
 * mounts.propagation: no shared propagation back to the host.
 * mounts.proc_sys: proc and sysfs only at /proc and /sys, sysfs read-only.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

/* realpath, or the path as written when it cannot be resolved (it is then checked literally). */
static char *resolve(const char *path)
{
        char *r = realpath(path, NULL);

        return r != NULL ? r : xstrdup(path);
}

static const char *base_name(const char *path)
{
        const char *slash = strrchr(path, '/');

        return slash != NULL ? slash + 1 : path;
}

static bool ro_allowed(const struct brig_policy *p, const struct spec_mount *m, const char *resolved)
{
        char **ok = p->lists[LIST_SENSITIVE_RO_OK];

        if (!(m->flags & MS_RDONLY))
                return false;
        for (size_t i = 0; ok[i] != NULL; i++) {
                _cleanup_free_ char *dir = resolve(ok[i]);

                if (path_is_under(resolved, dir) && strcmp(resolved, dir) != 0)
                        return true;
        }
        return false;
}

/* The sensitive path that `resolved` is, lies under or contains (trees), or is or contains (exact). */
static char *sensitive_match(const struct brig_policy *p, const char *resolved)
{
        char **trees = p->lists[LIST_SENSITIVE_TREES], **exact = p->lists[LIST_SENSITIVE_EXACT];

        for (size_t i = 0; trees[i] != NULL; i++) {
                _cleanup_free_ char *t = resolve(trees[i]);

                if (path_is_under(resolved, t) || path_is_under(t, resolved))
                        return xstrdup(trees[i]);
        }
        for (size_t i = 0; exact[i] != NULL; i++) {
                _cleanup_free_ char *e = resolve(exact[i]);

                if (path_is_under(e, resolved))
                        return xstrdup(exact[i]);
        }
        return NULL;
}

static void check_bind_source(struct rule_ctx *c, size_t i, const struct spec_mount *m)
{
        _cleanup_free_ char *path = xasprintf("mounts[%zu].source", i);
        _cleanup_free_ char *resolved = resolve(m->source);
        _cleanup_free_ char *hit = NULL;

        if (strv_contains(c->policy->lists[LIST_ENGINE_SOCKETS], base_name(resolved)) ||
            strv_contains(c->policy->lists[LIST_ENGINE_SOCKETS], base_name(m->source))) {
                rule_violation(c, path, "`%s` is a container engine socket", m->source);
                return;
        }
        hit = sensitive_match(c->policy, resolved);
        if (hit == NULL || ro_allowed(c->policy, m, resolved))
                return;
        if (strcmp(resolved, m->source) != 0)
                rule_violation(c, path, "`%s` (resolved `%s`) exposes the sensitive host path `%s`", m->source,
                               resolved, hit);
        else
                rule_violation(c, path, "`%s` exposes the sensitive host path `%s`", m->source, hit);
}

/*
 * The filesystems a container may mount other than by bind: each instance is private to the
 * container (proc and sysfs are placed by mounts.proc_sys, cgroup is scoped by the cgroup
 * namespace). brig mounts before it drops privilege, so any other type (ext4 of a host disk,
 * overlay over host dirs, debugfs, securityfs, devtmpfs, ...) would hand host data to the container.
 */
static char *const private_fs_types[] = { "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2", NULL };

static void check_fs_type(struct rule_ctx *c, size_t i, const struct spec_mount *m)
{
        _cleanup_free_ char *path = NULL, *what = NULL;

        if (m->type != NULL && strv_contains(private_fs_types, m->type))
                return;
        path = xasprintf("mounts[%zu].type", i);
        what = m->type != NULL ? xasprintf("filesystem `%s`", m->type) : xstrdup("a mount without a type");
        rule_violation(c, path,
                       "%s (source `%s`) could expose host data: besides bind mounts, only proc, sysfs, tmpfs, "
                       "devpts, mqueue and cgroup filesystems are allowed",
                       what, m->source != NULL ? m->source : "");
}

void rule_mounts_host_sensitive(struct rule_ctx *c)
{
        for (size_t i = 0; i < c->spec->n_mounts; i++) {
                const struct spec_mount *m = &c->spec->mounts[i];

                if (!m->bind)
                        check_fs_type(c, i, m);
                else if (m->source != NULL)
                        check_bind_source(c, i, m);
        }
}

static bool is_shared(enum spec_propagation p)
{
        return p == SPEC_PROPAGATION_SHARED || p == SPEC_PROPAGATION_RSHARED;
}

void rule_mounts_propagation(struct rule_ctx *c)
{
        for (size_t i = 0; i < c->spec->n_mounts; i++) {
                const struct spec_mount *m = &c->spec->mounts[i];
                _cleanup_free_ char *path = NULL;

                if (!m->bind || !is_shared(m->propagation))
                        continue;
                path = xasprintf("mounts[%zu].options", i);
                rule_violation(c, path, "shared propagation would let the container mount on the host");
        }
        if (c->spec->linux != NULL && is_shared(c->spec->linux->rootfs_propagation))
                rule_violation(c, "linux.rootfsPropagation",
                               "shared propagation would let the container mount on the host");
}

static void force_read_only(struct spec_mount *m)
{
        m->flags |= MS_RDONLY;
        m->clear_flags &= ~(unsigned long) MS_RDONLY;
        strv_push(&m->options, "ro");
}

void rule_mounts_proc_sys(struct rule_ctx *c)
{
        for (size_t i = 0; i < c->spec->n_mounts; i++) {
                struct spec_mount *m = &c->spec->mounts[i];
                _cleanup_free_ char *path = NULL;
                bool proc = streq_ptr(m->type, "proc"), sysfs = streq_ptr(m->type, "sysfs");

                if (!proc && !sysfs)
                        continue;
                path = xasprintf("mounts[%zu].destination", i);
                if (proc && strcmp(m->destination, "/proc") != 0)
                        rule_violation(c, path, "proc mounted at `%s`: only /proc is allowed", m->destination);
                if (sysfs && strcmp(m->destination, "/sys") != 0)
                        rule_violation(c, path, "sysfs mounted at `%s`: only /sys is allowed", m->destination);
                if (sysfs && !(m->flags & MS_RDONLY)) {
                        free(path);
                        path = xasprintf("mounts[%zu].options", i);
                        if (rule_fix(c, path, "sysfs is writable", "made read-only"))
                                force_read_only(m);
                }
        }
}
