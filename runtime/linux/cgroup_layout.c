/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup layout: v1/v2/hybrid detection from mountinfo, cgroupsPath resolution and path helpers. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cgroup-internal.h"

#define CGROUP_ROOT_V2 "/sys/fs/cgroup"
#define CGROUP_UNIFIED "/sys/fs/cgroup/unified"
#define FIELD_PATH "linux.cgroupsPath"

/* ---- layout ---- */

static const char *const v1_known_controllers[] = {
        "cpu",   "cpuacct",  "cpuset", "memory",     "devices", "freezer", "net_cls",
        "net_prio", "blkio", "perf_event", "hugetlb", "pids",    "rdma",    "misc",
};

static bool v1_controller_known(const char *name)
{
        for (size_t i = 0; i < ARRAY_SIZE(v1_known_controllers); i++)
                if (strcmp(name, v1_known_controllers[i]) == 0)
                        return true;
        return strcmp(name, "name=systemd") == 0;
}

/* The controllers in a v1 mount's super options ("rw,cpu,cpuacct"); NULL when none. */
static char **v1_controllers(const char *super_options)
{
        _cleanup_free_ char *copy = xstrdup(super_options);
        char **v = NULL, *save = NULL;

        for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save))
                if (v1_controller_known(tok))
                        strv_push(&v, tok);
        return v;
}

struct mountinfo_entry {
        const char *dev, *mountpoint, *fstype, *super_options;
};

/* Split one mountinfo line in place; false for lines that are not mount entries. */
static bool mountinfo_split(char *line, struct mountinfo_entry *e)
{
        char *save = NULL, *tok;
        bool after_sep = false;
        int i = 0, j = 0;

        *e = (struct mountinfo_entry) { 0 };
        for (tok = strtok_r(line, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save), i++) {
                if (!after_sep) {
                        if (i == 2)
                                e->dev = tok;
                        else if (i == 4)
                                e->mountpoint = tok;
                        else if (i > 5 && strcmp(tok, "-") == 0)
                                after_sep = true;
                        continue;
                }
                if (j == 0)
                        e->fstype = tok;
                else if (j == 2)
                        e->super_options = tok;
                j++;
        }
        return e->mountpoint != NULL && e->fstype != NULL && e->super_options != NULL;
}

static void layout_push(struct cgroup_layout *l, const char *mountpoint, char **controllers, bool v2)
{
        l->mounts = xrealloc(l->mounts, (l->n_mounts + 1) * sizeof(*l->mounts));
        l->mounts[l->n_mounts++] = (struct cgroup_mount) {
                .mountpoint = xstrdup(mountpoint),
                .controllers = controllers,
                .v2 = v2,
        };
}

int cgroup_layout_parse(const char *mountinfo, struct cgroup_layout *ret, brig_error **err)
{
        _cleanup_free_ char *text = xstrdup(mountinfo);
        _cleanup_free_ char *v2_root = NULL, *v2_other = NULL;
        _cleanup_strv_ char **seen_devs = NULL;
        struct cgroup_layout l = { 0 };
        char *save = NULL;

        for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
                struct mountinfo_entry e;
                char **controllers;

                if (!mountinfo_split(line, &e))
                        continue;
                if (strcmp(e.fstype, "cgroup2") == 0) {
                        if (strcmp(e.mountpoint, CGROUP_ROOT_V2) == 0 && v2_root == NULL)
                                v2_root = xstrdup(e.mountpoint);
                        else if (v2_other == NULL || strcmp(e.mountpoint, CGROUP_UNIFIED) == 0) {
                                free(v2_other);
                                v2_other = xstrdup(e.mountpoint);
                        }
                        continue;
                }
                /* The same hierarchy mounted twice shares its device: keep the first. */
                if (strcmp(e.fstype, "cgroup") != 0 || strv_contains(seen_devs, e.dev))
                        continue;
                controllers = v1_controllers(e.super_options);
                if (controllers == NULL)
                        continue;
                strv_push(&seen_devs, e.dev);
                layout_push(&l, e.mountpoint, controllers, false);
        }

        if (v2_root != NULL) {
                cgroup_layout_clear(&l);
                layout_push(&l, v2_root, NULL, true);
                l.mode = CGROUP_MODE_V2;
        } else if (l.n_mounts == 0) {
                return brig_err(err, "no cgroup hierarchy is mounted (checked /proc/self/mountinfo)");
        } else if (v2_other != NULL) {
                layout_push(&l, v2_other, NULL, true);
                l.mode = CGROUP_MODE_HYBRID;
        } else {
                l.mode = CGROUP_MODE_V1;
        }
        *ret = l;
        return 0;
}

void cgroup_layout_clear(struct cgroup_layout *l)
{
        for (size_t i = 0; i < l->n_mounts; i++) {
                free(l->mounts[i].mountpoint);
                strv_free(l->mounts[i].controllers);
        }
        free(l->mounts);
        *l = (struct cgroup_layout) { 0 };
}

int cgroup_layout_detect(struct cgroup_layout *ret, brig_error **err)
{
        _cleanup_free_ char *mountinfo = NULL;
        int r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mountinfo, NULL, err);

        if (r < 0)
                return r;
        return cgroup_layout_parse(mountinfo, ret, err);
}

/* ---- path resolution ---- */

/* Join the components of `in` below `prefix` ("" or "/brig"), dropping empty and "." ones. */
static int normalize_below(const char *prefix, const char *in, const char *original, char **ret,
                           brig_error **err)
{
        _cleanup_free_ char *copy = xstrdup(in), *out = xstrdup(prefix);
        char *save = NULL;

        for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
                char *joined;

                if (strcmp(c, ".") == 0)
                        continue;
                if (strcmp(c, "..") == 0)
                        return brig_err(err, FIELD_PATH ": `%s`: `..` is not allowed", original);
                joined = xasprintf("%s/%s", out, c);
                free(out);
                out = joined;
        }
        if (*out == '\0')
                return brig_err(err, FIELD_PATH ": `%s`: the root cgroup cannot be a container's",
                                original);
        *ret = TAKE_PTR(out);
        return 0;
}

/* "a-b.slice" -> "/a.slice/a-b.slice"; "-.slice" is the root. */
static int systemd_slice_path(const char *slice, const char *original, char **ret, brig_error **err)
{
        size_t len = strlen(slice);
        _cleanup_free_ char *base = NULL, *out = xstrdup("");

        if (strcmp(slice, "-.slice") == 0) {
                *ret = TAKE_PTR(out);
                return 0;
        }
        if (len <= strlen(".slice") || strcmp(slice + len - strlen(".slice"), ".slice") != 0 ||
            strchr(slice, '/') != NULL)
                return brig_err(err, FIELD_PATH ": `%s`: `%s` is not a slice name", original, slice);
        base = xstrndup(slice, len - strlen(".slice"));
        if (base[0] == '-' || base[strlen(base) - 1] == '-' || strstr(base, "--") != NULL)
                return brig_err(err, FIELD_PATH ": `%s`: `%s` is not a valid slice name", original, slice);
        for (char *dash = strchr(base, '-');; dash = strchr(dash + 1, '-')) {
                char *next;

                if (dash == NULL) {
                        next = xasprintf("%s/%s", out, slice);
                        free(out);
                        out = next;
                        break;
                }
                next = xasprintf("%s/%.*s.slice", out, (int) (dash - base), base);
                free(out);
                out = next;
        }
        *ret = TAKE_PTR(out);
        return 0;
}

/* "slice:prefix:name" -> "<slice path>/<prefix>-<name>.scope". */
static int resolve_systemd(const char *value, char **ret, brig_error **err)
{
        _cleanup_free_ char *copy = xstrdup(value), *slice_path = NULL, *scope = NULL;
        char *slice = copy, *prefix, *name;
        int r;

        prefix = strchr(slice, ':');
        name = prefix != NULL ? strchr(prefix + 1, ':') : NULL;
        if (name == NULL)
                return brig_err(err, FIELD_PATH ": `%s`: expected `slice:prefix:name` (systemd cgroup form)",
                                value);
        *prefix++ = '\0';
        *name++ = '\0';
        if (*name == '\0' || strchr(name, '/') != NULL || strchr(name, ':') != NULL ||
            strchr(prefix, '/') != NULL)
                return brig_err(err, FIELD_PATH ": `%s`: invalid unit name", value);
        r = systemd_slice_path(*slice == '\0' ? "system.slice" : slice, value, &slice_path, err);
        if (r < 0)
                return r;
        scope = *prefix == '\0' ? xasprintf("%s.scope", name) : xasprintf("%s-%s.scope", prefix, name);
        return normalize_below(slice_path, scope, value, ret, err);
}

int cgroup_resolve_path(const char *cgroups_path, const char *id, bool systemd_form, char **ret,
                        brig_error **err)
{
        if (cgroups_path == NULL || *cgroups_path == '\0') {
                if (id == NULL || *id == '\0' || strchr(id, '/') != NULL || strcmp(id, ".") == 0 ||
                    strcmp(id, "..") == 0)
                        return brig_err(err, "container id `%s` cannot name a cgroup", id ? id : "");
                *ret = xasprintf(BRIG_PARENT "/%s", id);
                return 0;
        }
        if (systemd_form)
                return resolve_systemd(cgroups_path, ret, err);
        /* Relative paths go below brig's own parent, never below the caller's cgroup. */
        return normalize_below(cgroups_path[0] == '/' ? "" : BRIG_PARENT, cgroups_path, cgroups_path, ret,
                               err);
}

char **cgroup_path_tail(const char *path, unsigned depth)
{
        _cleanup_free_ char *p = xstrdup(path);
        char **v = NULL;
        size_t len;

        /* Walk up from the leaf, cutting at each '/', then put the list outermost first. */
        for (unsigned i = 0; i < depth && (len = strlen(p)) > 1; i++) {
                strv_push(&v, p);
                *strrchr(p, '/') = '\0';
                if (*p == '\0')
                        break;
        }
        for (size_t i = 0, n = strv_length(v); i < n / 2; i++) {
                char *t = v[i];

                v[i] = v[n - 1 - i];
                v[n - 1 - i] = t;
        }
        return v;
}
