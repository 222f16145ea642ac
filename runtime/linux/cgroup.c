/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroups: layout detection, path resolution and the life of a container's cgroup
 * (create, enter, signal, freeze, statistics, destroy). The per-version resource files are
 * written by cgroup_v1.c and cgroup_v2.c; the v2 device filter is cgroup_devices_bpf.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "brig/cgroup.h"
#include "brig/cleanup.h"
#include "brig/util.h"

#define CGROUP_ROOT_V2 "/sys/fs/cgroup"
#define CGROUP_UNIFIED "/sys/fs/cgroup/unified"
#define BRIG_PARENT "/brig"
#define FIELD_PATH "linux.cgroupsPath"
/* A cgroup that still has processes after this many 10 ms rounds of SIGKILL is reported. */
#define DRAIN_ROUNDS 300
/* Freezing a busy cgroup can take a while: poll every ms for up to about 2 s. */
#define FREEZE_POLLS 2000

/* The container's directory in one hierarchy. */
struct cgroup_dir {
        struct cgroup_mount mnt;
        char *abs;      /* mountpoint + path */
        int fd;         /* O_DIRECTORY of abs, -1 when missing (reopened after a partial create) */
        char **created; /* directories this process made, outermost first */
};

struct brig_cgroup {
        char *path;
        enum cgroup_mode mode;
        int clone_fd; /* pure v2: O_PATH of the directory for CLONE_INTO_CGROUP, else -1 */
        struct cgroup_dir *dirs;
        size_t n_dirs;
};

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

static int layout_detect(struct cgroup_layout *ret, brig_error **err)
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

/* ---- conversions ---- */

uint64_t cgroup_cpu_shares_to_weight(uint64_t shares)
{
        if (shares == 0)
                return 0;
        if (shares < 2)
                shares = 2;
        if (shares > 262144)
                shares = 262144;
        return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cgroup_blkio_weight_to_io_weight(uint64_t weight)
{
        if (weight == 0)
                return 0;
        if (weight < 10)
                weight = 10;
        if (weight > 1000)
                weight = 1000;
        return 1 + ((weight - 10) * 9999) / 990;
}

int cgroup_v2_swap_max(const struct spec_memory *m, int64_t *ret, brig_error **err)
{
        if (m->swap == -1) {
                *ret = -1;
                return 0;
        }
        if (m->swap < 0)
                return brig_err(err, "linux.resources.memory.swap: `%lld` is negative", (long long) m->swap);
        if (!m->has_limit || m->limit < 0)
                return brig_err(err, "linux.resources.memory.swap: needs a memory limit on cgroup v2");
        if (m->swap < m->limit)
                return brig_err(err, "linux.resources.memory.swap: `%lld` is below the memory limit `%lld`",
                                (long long) m->swap, (long long) m->limit);
        *ret = m->swap - m->limit;
        return 0;
}

/* ---- file helpers shared with cgroup_v1.c and cgroup_v2.c ---- */

int cgroup_write(int dfd, const char *file, const char *value, const char *field, brig_error **err)
{
        _cleanup_close_ int fd = openat(dfd, file, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        size_t len = strlen(value);
        ssize_t n;

        if (fd < 0)
                return brig_syserr(err, "%s: write `%s`", field, file);
        /* A cgroup file takes one value per write(): no retry loop that could split it. */
        n = write(fd, value, len);
        if (n < 0)
                return brig_syserr(err, "%s: write `%s`", field, file);
        if ((size_t) n != len)
                return brig_err(err, "%s: write `%s`: short write", field, file);
        return 0;
}

int cgroup_writef(int dfd, const char *file, const char *field, brig_error **err, const char *fmt, ...)
{
        _cleanup_free_ char *value = NULL;
        va_list ap;

        va_start(ap, fmt);
        value = xvasprintf(fmt, ap);
        va_end(ap);
        return cgroup_write(dfd, file, value, field, err);
}

static int parse_u64_or_max(const char *s, uint64_t *ret)
{
        if (strcmp(s, "max") == 0) {
                *ret = UINT64_MAX;
                return 0;
        }
        return parse_uint64(s, ret);
}

int cgroup_read_u64(int dfd, const char *file, uint64_t *ret, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        int r = read_file_at(dfd, file, &text, NULL, err);

        if (r < 0)
                return r;
        text[strcspn(text, "\n")] = '\0';
        if (parse_u64_or_max(text, ret) < 0)
                return brig_err(err, "`%s`: `%s` is not a number", file, text);
        return 0;
}

int cgroup_read_keyed(int dfd, const char *file, const char *key, uint64_t *ret, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        char *save = NULL;
        size_t klen = strlen(key);
        int r = read_file_at(dfd, file, &text, NULL, err);

        if (r < 0)
                return r;
        for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
                if (strncmp(line, key, klen) != 0 || line[klen] != ' ')
                        continue;
                if (parse_u64_or_max(line + klen + 1, ret) < 0)
                        return brig_err(err, "`%s`: `%s` is not a number", file, line);
                return 0;
        }
        return -ENOENT;
}

bool cgroup_file_exists(int dfd, const char *file)
{
        return faccessat(dfd, file, F_OK, 0) == 0;
}

void cgroup_blkio_push(struct cgroup_blkio_entry **v, size_t *n, uint64_t major, uint64_t minor,
                       const char *op, uint64_t value)
{
        *v = xrealloc(*v, (*n + 1) * sizeof(**v));
        (*v)[(*n)++] = (struct cgroup_blkio_entry) { major, minor, op, value };
}

void cgroup_throttles(const struct spec_block_io *b, struct cgroup_throttle ret[4])
{
        ret[0] = (struct cgroup_throttle) { "linux.resources.blockIO.throttleReadBpsDevice",
                                            "blkio.throttle.read_bps_device", "rbps", b->throttle_read_bps,
                                            b->n_throttle_read_bps };
        ret[1] = (struct cgroup_throttle) { "linux.resources.blockIO.throttleWriteBpsDevice",
                                            "blkio.throttle.write_bps_device", "wbps", b->throttle_write_bps,
                                            b->n_throttle_write_bps };
        ret[2] = (struct cgroup_throttle) { "linux.resources.blockIO.throttleReadIOPSDevice",
                                            "blkio.throttle.read_iops_device", "riops", b->throttle_read_iops,
                                            b->n_throttle_read_iops };
        ret[3] = (struct cgroup_throttle) { "linux.resources.blockIO.throttleWriteIOPSDevice",
                                            "blkio.throttle.write_iops_device", "wiops", b->throttle_write_iops,
                                            b->n_throttle_write_iops };
}

int cgroup_read_swap_stats(int dfd, const char *usage_file, const char *limit_file, struct cgroup_stats *s,
                           brig_error **err)
{
        int r;

        /* Without swap accounting the files are missing: no swap counters, no error. */
        if (!cgroup_file_exists(dfd, usage_file))
                return 0;
        r = cgroup_read_u64(dfd, usage_file, &s->swap_usage, err);
        if (r >= 0)
                r = cgroup_read_u64(dfd, limit_file, &s->swap_limit, err);
        s->has_swap = r >= 0;
        return r;
}

void cgroup_sleep_ms(long ms)
{
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* ---- the cgroup object ---- */

static struct brig_cgroup *cgroup_new(const char *path, struct cgroup_layout *layout)
{
        struct brig_cgroup *cg = xmalloc0(sizeof(*cg));

        cg->path = xstrdup(path);
        cg->mode = layout->mode;
        cg->clone_fd = -1;
        cg->n_dirs = layout->n_mounts;
        cg->dirs = xmalloc0(cg->n_dirs * sizeof(*cg->dirs));
        for (size_t i = 0; i < cg->n_dirs; i++) {
                struct cgroup_dir *d = &cg->dirs[i];

                /* The dirs take the mounts over: the layout keeps only its array. */
                d->mnt = layout->mounts[i];
                layout->mounts[i] = (struct cgroup_mount) { 0 };
                d->abs = xasprintf("%s%s", d->mnt.mountpoint, path);
                d->fd = -1;
        }
        return cg;
}

static bool has_dotdot(const char *path)
{
        for (const char *c = strstr(path, ".."); c != NULL; c = strstr(c + 1, ".."))
                if ((c == path || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
                        return true;
        return false;
}

static int cgroup_new_detected(const char *path, struct brig_cgroup **ret, brig_error **err)
{
        struct cgroup_layout layout = { 0 };
        int r;

        if (path == NULL || path[0] != '/' || path[1] == '\0' || has_dotdot(path))
                return brig_err(err, "cgroup path `%s` must be absolute, below the root, without `..`",
                                path ? path : "");
        r = layout_detect(&layout, err);
        if (r < 0)
                return r;
        *ret = cgroup_new(path, &layout);
        cgroup_layout_clear(&layout);
        return 0;
}

void cgroup_free(struct brig_cgroup *cg)
{
        if (cg == NULL)
                return;
        for (size_t i = 0; i < cg->n_dirs; i++) {
                struct cgroup_dir *d = &cg->dirs[i];

                if (d->fd >= 0)
                        close(d->fd);
                free(d->mnt.mountpoint);
                strv_free(d->mnt.controllers);
                free(d->abs);
                strv_free(d->created);
        }
        if (cg->clone_fd >= 0)
                close(cg->clone_fd);
        free(cg->dirs);
        free(cg->path);
        free(cg);
}

void cgroup_freep(struct brig_cgroup **cg)
{
        cgroup_free(*cg);
}

const char *cgroup_path(const struct brig_cgroup *cg)
{
        return cg->path;
}

/* The directory serving a v1 controller, else the v2 one when that controller is enabled there.
 * v2_name NULL: no v2 equivalent; "" : a core v2 interface every cgroup has. */
static struct cgroup_dir *dir_for(struct brig_cgroup *cg, const char *v1_name, const char *v2_name)
{
        for (size_t i = 0; i < cg->n_dirs; i++) {
                struct cgroup_dir *d = &cg->dirs[i];

                if (!d->mnt.v2 && v1_name != NULL && strv_contains(d->mnt.controllers, v1_name))
                        return d->fd >= 0 ? d : NULL;
        }
        for (size_t i = 0; i < cg->n_dirs; i++) {
                struct cgroup_dir *d = &cg->dirs[i];
                _cleanup_free_ char *enabled = NULL;
                _cleanup_error_ brig_error *ignored = NULL;
                char *save = NULL;

                if (!d->mnt.v2 || d->fd < 0 || v2_name == NULL)
                        continue;
                if (*v2_name == '\0')
                        return d;
                if (read_file_at(d->fd, "cgroup.controllers", &enabled, NULL, &ignored) < 0)
                        return NULL;
                for (char *c = strtok_r(enabled, " \n", &save); c != NULL; c = strtok_r(NULL, " \n", &save))
                        if (strcmp(c, v2_name) == 0)
                                return d;
        }
        return NULL;
}

static const struct cgroup_ops *ops_of(const struct cgroup_dir *d)
{
        return d->mnt.v2 ? &cgroup_v2_ops : &cgroup_v1_ops;
}

static int open_dir(struct cgroup_dir *d, brig_error **err)
{
        d->fd = open(d->abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d->fd < 0)
                return brig_syserr(err, "open cgroup `%s`", d->abs);
        return 0;
}

/* Only on pure v2 does one directory stand for the whole cgroup, so clone3 can start there. */
static int open_clone_fd(struct brig_cgroup *cg, brig_error **err)
{
        if (cg->mode != CGROUP_MODE_V2 || cg->dirs[0].fd < 0)
                return 0;
        cg->clone_fd = open(cg->dirs[0].abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cg->clone_fd < 0)
                return brig_syserr(err, "open cgroup `%s`", cg->dirs[0].abs);
        return 0;
}

/* ---- create ---- */

/* mkdir every missing component of the path in one hierarchy, remembering which ones. */
static int make_dir_once(struct brig_cgroup *cg, struct cgroup_dir *d, brig_error **err)
{
        _cleanup_free_ char *p = xstrdup(d->abs);

        for (char *s = p + strlen(d->mnt.mountpoint) + 1;; s++) {
                bool leaf = *s == '\0';

                if (*s != '/' && !leaf)
                        continue;
                *s = '\0';
                if (mkdir(p, 0755) == 0)
                        strv_push(&d->created, p);
                else if (errno != EEXIST)
                        return brig_syserr(err, "create cgroup `%s`", p);
                else if (leaf)
                        return brig_err(err, "cgroup `%s` already exists", cg->path);
                if (leaf)
                        return 0;
                *s = '/';
        }
}

/* Another brig deleting its container may remove an empty shared parent ("/brig") between
 * our mkdirs: start over a few times before giving up. */
static int make_dir(struct brig_cgroup *cg, struct cgroup_dir *d, brig_error **err)
{
        int r = -ENOENT;

        for (int attempt = 0; attempt < 3 && r == -ENOENT; attempt++)
                r = make_dir_once(cg, d, err);
        return r;
}

static bool blank(const char *s)
{
        return s[strspn(s, " \n")] == '\0';
}

/* v1 cpuset starts empty, and tasks cannot join an empty cpuset: inherit the parent's. */
static int cpuset_inherit(const char *dir, const char *file, brig_error **err)
{
        _cleanup_free_ char *own = NULL, *parent_value = NULL, *parent_file = NULL;
        _cleanup_close_ int fd = -1;
        int r;

        parent_file = xasprintf("%.*s/%s", (int) (strrchr(dir, '/') - dir), dir, file);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return brig_syserr(err, "open cgroup `%s`", dir);
        r = read_file_at(fd, file, &own, NULL, err);
        if (r < 0 || !blank(own))
                return r;
        r = read_file_at(AT_FDCWD, parent_file, &parent_value, NULL, err);
        if (r < 0)
                return r;
        return cgroup_write(fd, file, parent_value, dir, err);
}

static int cpuset_prepare(struct cgroup_dir *d, brig_error **err)
{
        if (d->mnt.v2 || !strv_contains(d->mnt.controllers, "cpuset"))
                return 0;
        for (char **c = d->created; c != NULL && *c != NULL; c++) {
                int r = cpuset_inherit(*c, "cpuset.cpus", err);

                if (r >= 0)
                        r = cpuset_inherit(*c, "cpuset.mems", err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* On pure v2 the controllers must be enabled in every ancestor's subtree_control. A controller
 * that cannot be enabled is left off: writing its files later fails and names the field. */
static void v2_enable_controllers(struct cgroup_dir *d)
{
        _cleanup_free_ char *p = xstrdup(d->abs);
        char *leaf_slash = strrchr(p, '/');

        for (char *s = p + strlen(d->mnt.mountpoint);; s = strchr(s + 1, '/')) {
                _cleanup_close_ int fd = -1;
                _cleanup_free_ char *available = NULL;
                _cleanup_error_ brig_error *ignored = NULL;
                char *save = NULL;

                *s = '\0';
                fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd >= 0 && read_file_at(fd, "cgroup.controllers", &available, NULL, &ignored) >= 0)
                        for (char *c = strtok_r(available, " \n", &save); c != NULL;
                             c = strtok_r(NULL, " \n", &save)) {
                                brig_error *e = NULL;

                                cgroup_writef(fd, "cgroup.subtree_control", "", &e, "+%s", c);
                                brig_error_free(&e);
                        }
                if (s == leaf_slash)
                        return;
                *s = '/';
        }
}

/* Remove what this process created, deepest first; pre-existing parents stay. */
static void remove_created(struct cgroup_dir *d)
{
        for (size_t i = strv_length(d->created); i > 0; i--)
                /* The leaf itself is gone already. */
                if (strcmp(d->created[i - 1], d->abs) != 0 && rmdir(d->created[i - 1]) < 0 && errno != ENOENT)
                        break;
        strv_free(d->created);
        d->created = NULL;
}

static int create_all(struct brig_cgroup *cg, brig_error **err)
{
        for (size_t i = 0; i < cg->n_dirs; i++) {
                struct cgroup_dir *d = &cg->dirs[i];
                int r = make_dir(cg, d, err);

                if (r < 0)
                        return r;
                if (cg->mode == CGROUP_MODE_V2)
                        v2_enable_controllers(d);
                r = cpuset_prepare(d, err);
                if (r >= 0)
                        r = open_dir(d, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int cgroup_create(const char *path, struct brig_cgroup **ret, brig_error **err)
{
        _cleanup_cgroup_ struct brig_cgroup *cg = NULL;
        int r = cgroup_new_detected(path, &cg, err);

        if (r < 0)
                return r;
        r = create_all(cg, err);
        if (r >= 0)
                r = open_clone_fd(cg, err);
        if (r < 0) {
                for (size_t i = 0; i < cg->n_dirs; i++)
                        remove_created(&cg->dirs[i]);
                return r;
        }
        *ret = TAKE_PTR(cg);
        return 0;
}

int cgroup_open(const char *path, struct brig_cgroup **ret, brig_error **err)
{
        _cleanup_cgroup_ struct brig_cgroup *cg = NULL;
        bool any = false;
        int r = cgroup_new_detected(path, &cg, err);

        if (r < 0)
                return r;
        /* A hierarchy may lack the directory after an interrupted create or delete: skip it. */
        for (size_t i = 0; i < cg->n_dirs; i++) {
                cg->dirs[i].fd = open(cg->dirs[i].abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (cg->dirs[i].fd >= 0)
                        any = true;
                else if (errno != ENOENT)
                        return brig_syserr(err, "open cgroup `%s`", cg->dirs[i].abs);
        }
        if (!any)
                return brig_err(err, "cgroup `%s` does not exist", path);
        r = open_clone_fd(cg, err);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(cg);
        return 0;
}

/* ---- resources ---- */

static int controller(struct brig_cgroup *cg, const char *v1_name, const char *v2_name, const char *field,
                      struct cgroup_dir **ret, brig_error **err)
{
        *ret = dir_for(cg, v1_name, v2_name);
        if (*ret == NULL)
                return brig_err(err, "%s: the cgroup controller `%s` is not available on this host", field,
                                cg->mode == CGROUP_MODE_V2 && v2_name && *v2_name ? v2_name : v1_name);
        return 0;
}

static bool memory_set(const struct spec_memory *m)
{
        return m != NULL && (m->has_limit || m->has_reservation || m->has_swap || m->has_kernel ||
                             m->has_kernel_tcp || m->has_swappiness || m->has_disable_oom_killer ||
                             m->has_use_hierarchy);
}

static bool cpu_set(const struct spec_cpu *c)
{
        return c != NULL && (c->has_shares || c->has_quota || c->has_burst || c->has_period ||
                             c->has_realtime_runtime || c->has_realtime_period || c->has_idle);
}

static bool blkio_set(const struct spec_block_io *b)
{
        return b != NULL && (b->has_weight || b->has_leaf_weight || b->n_weight_device > 0 ||
                             b->n_throttle_read_bps > 0 || b->n_throttle_write_bps > 0 ||
                             b->n_throttle_read_iops > 0 || b->n_throttle_write_iops > 0);
}

/* checkBeforeUpdate: refuse a limit below what the cgroup already uses. */
static int check_memory_usage(struct cgroup_dir *d, const struct spec_memory *m, brig_error **err)
{
        uint64_t usage;
        int r;

        if (!m->check_before_update || !m->has_limit || m->limit < 0)
                return 0;
        r = cgroup_read_u64(d->fd, d->mnt.v2 ? "memory.current" : "memory.usage_in_bytes", &usage, err);
        if (r < 0)
                return brig_error_wrap(err, "linux.resources.memory.checkBeforeUpdate");
        if ((uint64_t) m->limit < usage)
                return brig_err(err, "linux.resources.memory.limit: `%lld` is below the current usage `%llu`",
                                (long long) m->limit, (unsigned long long) usage);
        return 0;
}

static int apply_memory(struct brig_cgroup *cg, const struct spec_memory *m, brig_error **err)
{
        struct cgroup_dir *d;
        int r;

        if (!memory_set(m))
                return 0;
        r = controller(cg, "memory", "memory", "linux.resources.memory", &d, err);
        if (r >= 0)
                r = check_memory_usage(d, m, err);
        return r < 0 ? r : ops_of(d)->memory(d->fd, m, err);
}

static int apply_cpu(struct brig_cgroup *cg, const struct spec_cpu *c, brig_error **err)
{
        struct cgroup_dir *d;
        int r;

        if (!cpu_set(c))
                return 0;
        r = controller(cg, "cpu", "cpu", "linux.resources.cpu", &d, err);
        return r < 0 ? r : ops_of(d)->cpu(d->fd, c, err);
}

/* cpuset files have the same names and format on v1 and v2. */
static int apply_cpuset(struct brig_cgroup *cg, const struct spec_cpu *c, brig_error **err)
{
        struct cgroup_dir *d;
        int r = 0;

        if (c == NULL || (c->cpus == NULL && c->mems == NULL))
                return 0;
        r = controller(cg, "cpuset", "cpuset", "linux.resources.cpu.cpus", &d, err);
        if (r >= 0 && c->cpus != NULL)
                r = cgroup_write(d->fd, "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", err);
        if (r >= 0 && c->mems != NULL)
                r = cgroup_write(d->fd, "cpuset.mems", c->mems, "linux.resources.cpu.mems", err);
        return r;
}

static int apply_pids(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        struct cgroup_dir *d;
        int r;

        if (!res->has_pids_limit)
                return 0;
        r = controller(cg, "pids", "pids", "linux.resources.pids.limit", &d, err);
        if (r < 0)
                return r;
        if (res->pids_limit <= 0)
                return cgroup_write(d->fd, "pids.max", "max", "linux.resources.pids.limit", err);
        return cgroup_writef(d->fd, "pids.max", "linux.resources.pids.limit", err, "%lld",
                             (long long) res->pids_limit);
}

static int apply_blkio(struct brig_cgroup *cg, const struct spec_block_io *b, brig_error **err)
{
        struct cgroup_dir *d;
        int r;

        if (!blkio_set(b))
                return 0;
        r = controller(cg, "blkio", "io", "linux.resources.blockIO", &d, err);
        return r < 0 ? r : ops_of(d)->blkio(d->fd, b, err);
}

/* hugetlb.<size>.limit_in_bytes on v1, hugetlb.<size>.max on v2. */
static int apply_hugetlb(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        struct cgroup_dir *d;
        int r;

        if (res->n_hugepage_limits == 0)
                return 0;
        r = controller(cg, "hugetlb", "hugetlb", "linux.resources.hugepageLimits", &d, err);
        for (size_t i = 0; r >= 0 && i < res->n_hugepage_limits; i++) {
                const struct spec_hugepage_limit *h = &res->hugepage_limits[i];
                _cleanup_free_ char *field = xasprintf("linux.resources.hugepageLimits[%zu]", i);
                _cleanup_free_ char *file = NULL;

                if (h->page_size == NULL || *h->page_size == '\0' || strchr(h->page_size, '/') != NULL ||
                    strchr(h->page_size, '.') != NULL)
                        return brig_err(err, "%s.pageSize: `%s` is not a page size", field,
                                        h->page_size ? h->page_size : "");
                file = xasprintf(d->mnt.v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", h->page_size);
                r = cgroup_writef(d->fd, file, field, err, "%llu", (unsigned long long) h->limit);
        }
        return r;
}

static int apply_network(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        struct cgroup_dir *d;
        int r = 0;

        if (res->has_net_class_id) {
                r = controller(cg, "net_cls", NULL, "linux.resources.network.classID", &d, err);
                if (r >= 0)
                        r = cgroup_v1_net_cls(d->fd, res->net_class_id, err);
        }
        if (r >= 0 && res->n_net_priorities > 0) {
                r = controller(cg, "net_prio", NULL, "linux.resources.network.priorities", &d, err);
                if (r >= 0)
                        r = cgroup_v1_net_prio(d->fd, res->net_priorities, res->n_net_priorities, err);
        }
        return r;
}

static int apply_unified(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        struct cgroup_dir *d;

        if (res->n_unified == 0)
                return 0;
        d = dir_for(cg, NULL, "");
        if (d == NULL)
                return brig_err(err, "linux.resources.unified: needs cgroup v2, this host has only v1");
        return cgroup_v2_unified(d->fd, res->unified, res->n_unified, err);
}

static const struct spec_device_rule default_device_rules[] = {
        { true, 'c', 1, 3, "rwm" },   /* null */
        { true, 'c', 1, 5, "rwm" },   /* zero */
        { true, 'c', 1, 7, "rwm" },   /* full */
        { true, 'c', 1, 8, "rwm" },   /* random */
        { true, 'c', 1, 9, "rwm" },   /* urandom */
        { true, 'c', 5, 0, "rwm" },   /* tty */
        { true, 'c', 5, 1, "rwm" },   /* console */
        { true, 'c', 5, 2, "rwm" },   /* ptmx */
        { true, 'c', 136, -1, "rwm" }, /* pts */
};

struct spec_device_rule *cgroup_device_rules_with_defaults(const struct spec_device_rule *rules, size_t n,
                                                            size_t *ret_n)
{
        size_t total = 1 + n + ARRAY_SIZE(default_device_rules);
        struct spec_device_rule *all = xmalloc0(total * sizeof(*all));

        /* The copies share the strings of their sources: the caller frees only the array. */
        all[0] = (struct spec_device_rule) { false, 'a', -1, -1, (char *) "rwm" };
        memcpy(all + 1, rules, n * sizeof(*rules));
        memcpy(all + 1 + n, default_device_rules, sizeof(default_device_rules));
        *ret_n = total;
        return all;
}

static int apply_devices(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        _cleanup_free_ struct spec_device_rule *rules = NULL;
        struct cgroup_dir *d;
        size_t n;
        int r;

        if (res->n_devices == 0)
                return 0;
        /* The v2 device filter is a BPF program any v2 cgroup takes; on hybrid, v1 devices rules. */
        r = controller(cg, "devices", cg->mode == CGROUP_MODE_V2 ? "" : NULL, "linux.resources.devices", &d,
                       err);
        if (r < 0)
                return r;
        rules = cgroup_device_rules_with_defaults(res->devices, res->n_devices, &n);
        return ops_of(d)->devices(d->fd, rules, n, err);
}

int cgroup_apply_resources(struct brig_cgroup *cg, const struct spec_resources *res, brig_error **err)
{
        int (*const steps[])(struct brig_cgroup *, const struct spec_resources *, brig_error **) = {
                apply_pids, apply_hugetlb, apply_network, apply_unified, apply_devices,
        };
        int r;

        if (res == NULL)
                return 0;
        r = apply_memory(cg, res->memory, err);
        if (r >= 0)
                r = apply_cpu(cg, res->cpu, err);
        if (r >= 0)
                r = apply_cpuset(cg, res->cpu, err);
        if (r >= 0)
                r = apply_blkio(cg, res->block_io, err);
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(steps); i++)
                r = steps[i](cg, res, err);
        return r;
}

/* ---- processes ---- */

int cgroup_clone_fd(const struct brig_cgroup *cg)
{
        return cg->clone_fd;
}

int cgroup_enter(struct brig_cgroup *cg, pid_t pid, brig_error **err)
{
        for (size_t i = 0; i < cg->n_dirs; i++) {
                struct cgroup_dir *d = &cg->dirs[i];
                _cleanup_free_ char *field = NULL;
                int r;

                if (d->fd < 0)
                        continue;
                field = xasprintf("cgroup `%s`", d->abs);
                r = cgroup_writef(d->fd, "cgroup.procs", field, err, "%d", (int) pid);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int pid_cmp(const void *a, const void *b)
{
        pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;

        return (x > y) - (x < y);
}

/* Append the pids listed in one hierarchy's cgroup.procs. */
static int read_procs(struct cgroup_dir *d, pid_t **pids, size_t *n, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        char *save = NULL;
        int r = read_file_at(d->fd, "cgroup.procs", &text, NULL, err);

        /* A directory removed meanwhile (by another brig process) holds no processes. */
        if (r == -ENOENT || r == -ENODEV) {
                brig_error_free(err);
                return 0;
        }
        if (r < 0)
                return brig_error_wrap(err, "cgroup `%s`", d->abs);
        for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
                int pid;

                if (parse_int(line, &pid) < 0)
                        return brig_err(err, "cgroup `%s`: `%s` is not a pid", d->abs, line);
                *pids = xrealloc(*pids, (*n + 1) * sizeof(**pids));
                (*pids)[(*n)++] = pid;
        }
        return 0;
}

int cgroup_pids(struct brig_cgroup *cg, pid_t **ret, size_t *ret_n, brig_error **err)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0, unique = 0;

        /* Every hierarchy should list the same processes; the union survives a half-done enter. */
        for (size_t i = 0; i < cg->n_dirs; i++) {
                int r;

                if (cg->dirs[i].fd < 0)
                        continue;
                r = read_procs(&cg->dirs[i], &pids, &n, err);
                if (r < 0)
                        return r;
        }
        if (n > 0)
                qsort(pids, n, sizeof(*pids), pid_cmp);
        for (size_t i = 0; i < n; i++)
                if (unique == 0 || pids[unique - 1] != pids[i])
                        pids[unique++] = pids[i];
        *ret = TAKE_PTR(pids);
        *ret_n = unique;
        return 0;
}

static struct cgroup_dir *v2_kill_dir(struct brig_cgroup *cg)
{
        struct cgroup_dir *d = dir_for(cg, NULL, "");

        return d != NULL && cg->mode == CGROUP_MODE_V2 && cgroup_file_exists(d->fd, "cgroup.kill") ? d : NULL;
}

/* Signal the listed processes; returns how many were still there. */
static int signal_pids(struct brig_cgroup *cg, int sig, size_t *ret_n, brig_error **err)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n;
        int r = cgroup_pids(cg, &pids, &n, err);

        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (kill(pids[i], sig) < 0 && errno != ESRCH)
                        return brig_syserr(err, "kill pid `%d` of cgroup `%s`", (int) pids[i], cg->path);
        *ret_n = n;
        return 0;
}

int cgroup_kill_all(struct brig_cgroup *cg, int sig, brig_error **err)
{
        struct cgroup_dir *d = sig == SIGKILL ? v2_kill_dir(cg) : NULL;
        size_t n;

        /* cgroup.kill reaches processes forked while we iterate; a pid walk can miss them. */
        if (d != NULL)
                return cgroup_write(d->fd, "cgroup.kill", "1", cg->path, err);
        return signal_pids(cg, sig, &n, err);
}

/* SIGKILL until no process is left; forks that race a round are caught by the next one. */
static int drain(struct brig_cgroup *cg, brig_error **err)
{
        for (int round = 0; round < DRAIN_ROUNDS; round++) {
                size_t n;
                int r = cgroup_kill_all(cg, SIGKILL, err);

                if (r >= 0)
                        r = signal_pids(cg, 0, &n, err);
                if (r < 0)
                        return r;
                if (n == 0)
                        return 0;
                cgroup_sleep_ms(10);
        }
        return brig_err(err, "cgroup `%s`: processes still running after SIGKILL", cg->path);
}

/* rmdir that waits out the moment between the last exit and the cgroup being unpopulated. */
static int remove_dir(const char *path, brig_error **err)
{
        for (int round = 0; round < DRAIN_ROUNDS; round++) {
                if (rmdir(path) == 0 || errno == ENOENT)
                        return 0;
                if (errno != EBUSY)
                        break;
                cgroup_sleep_ms(10);
        }
        return brig_syserr(err, "remove cgroup `%s`", path);
}

/* A stopped container's cgroups are empty: then rmdir alone does it, without reading any cgroup.procs. */
static bool remove_if_empty(struct brig_cgroup *cg)
{
        bool all = true;

        for (size_t i = 0; i < cg->n_dirs; i++)
                if (rmdir(cg->dirs[i].abs) < 0 && errno != ENOENT)
                        all = false;
        return all;
}

int cgroup_destroy(struct brig_cgroup *cg, brig_error **err)
{
        bool removed = remove_if_empty(cg);
        int r = removed ? 0 : drain(cg, err), first = 0;

        if (r < 0)
                return r;
        if (cg->clone_fd >= 0) {
                close(cg->clone_fd);
                cg->clone_fd = -1;
        }
        /* Go on through every hierarchy after a failure so as little as possible is left. */
        for (size_t i = 0; i < cg->n_dirs; i++) {
                struct cgroup_dir *d = &cg->dirs[i];
                _cleanup_free_ char *brig_parent = xasprintf("%s" BRIG_PARENT, d->mnt.mountpoint);
                _cleanup_error_ brig_error *later = NULL;

                if (d->fd >= 0) {
                        close(d->fd);
                        d->fd = -1;
                }
                r = removed ? 0 : remove_dir(d->abs, first < 0 ? &later : err);
                if (r < 0) {
                        first = first < 0 ? first : r;
                        continue;
                }
                /* Parents: those this process made, and brig's own "/brig" once empty. */
                remove_created(d);
                if (str_has_prefix(cg->path, BRIG_PARENT "/"))
                        (void) rmdir(brig_parent);
        }
        return first;
}

unsigned cgroup_created_depth(const struct brig_cgroup *cg)
{
        size_t depth = SIZE_MAX;

        for (size_t i = 0; i < cg->n_dirs; i++)
                if (strv_length(cg->dirs[i].created) < depth)
                        depth = strv_length(cg->dirs[i].created);
        return depth == SIZE_MAX ? 0 : (unsigned) depth;
}

void cgroup_set_created_depth(struct brig_cgroup *cg, unsigned depth)
{
        _cleanup_strv_ char **tail = cgroup_path_tail(cg->path, depth);

        for (size_t i = 0; i < cg->n_dirs; i++) {
                struct cgroup_dir *d = &cg->dirs[i];

                strv_free(d->created);
                d->created = NULL;
                for (char **t = tail; t != NULL && *t != NULL; t++) {
                        _cleanup_free_ char *abs = xasprintf("%s%s", d->mnt.mountpoint, *t);

                        strv_push(&d->created, abs);
                }
        }
}

/* ---- freezer ---- */

static int freezer(struct brig_cgroup *cg, struct cgroup_dir **ret, brig_error **err)
{
        return controller(cg, "freezer", "", "freezer", ret, err);
}

/* The freezer settles asynchronously (FREEZING on v1, cgroup.events on v2): write again and
 * poll until the state is reached. */
static int set_frozen(struct brig_cgroup *cg, bool frozen, brig_error **err)
{
        const struct cgroup_ops *ops;
        struct cgroup_dir *d;
        int r = freezer(cg, &d, err);

        if (r < 0)
                return r;
        ops = ops_of(d);
        for (int i = 0; i < FREEZE_POLLS; i++) {
                r = ops->freeze(d->fd, frozen, err);
                if (r >= 0)
                        r = ops->is_frozen(d->fd, err);
                if (r < 0)
                        return r;
                if (r == frozen)
                        return 0;
                cgroup_sleep_ms(1);
        }
        if (frozen) {
                _cleanup_error_ brig_error *ignored = NULL;

                /* Do not leave a half-frozen container behind. */
                (void) ops->freeze(d->fd, false, &ignored);
        }
        return brig_err(err, "freezer: cgroup `%s` did not become %s", cg->path, frozen ? "frozen" : "thawed");
}

int cgroup_pause(struct brig_cgroup *cg, brig_error **err)
{
        return set_frozen(cg, true, err);
}

int cgroup_resume(struct brig_cgroup *cg, brig_error **err)
{
        return set_frozen(cg, false, err);
}

int cgroup_is_frozen(struct brig_cgroup *cg, brig_error **err)
{
        struct cgroup_dir *d;
        int r = freezer(cg, &d, err);

        return r < 0 ? r : ops_of(d)->is_frozen(d->fd, err);
}

/* ---- statistics ---- */

static int pids_stats(struct cgroup_dir *d, struct cgroup_stats *s, brig_error **err)
{
        int r = cgroup_read_u64(d->fd, "pids.current", &s->pids_current, err);

        if (r >= 0)
                r = cgroup_read_u64(d->fd, "pids.max", &s->pids_limit, err);
        if (r < 0)
                return r;
        if (s->pids_limit == UINT64_MAX)
                s->pids_limit = 0;
        s->has_pids = true;
        return 0;
}

/* cpu.stat throttling counters: v1 counts ns, v2 µs. */
static int throttling_stats(struct cgroup_dir *d, struct cgroup_stats *s, brig_error **err)
{
        int r = cgroup_read_keyed(d->fd, "cpu.stat", "nr_periods", &s->cpu_periods, err);

        if (r >= 0)
                r = cgroup_read_keyed(d->fd, "cpu.stat", "nr_throttled", &s->cpu_throttled_periods, err);
        if (r >= 0)
                r = cgroup_read_keyed(d->fd, "cpu.stat", d->mnt.v2 ? "throttled_usec" : "throttled_time",
                                      &s->cpu_throttled_time, err);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (d->mnt.v2)
                s->cpu_throttled_time *= 1000;
        s->has_cpu_throttling = true;
        return 0;
}

/* One page size's counters: v1 hugetlb.<size>.{usage_in_bytes,max_usage_in_bytes,failcnt},
 * v2 hugetlb.<size>.current and the "max" count of hugetlb.<size>.events. */
static int hugetlb_size_stats(struct cgroup_dir *d, const char *size, struct cgroup_hugetlb_stats *h,
                              brig_error **err)
{
        _cleanup_free_ char *usage = xasprintf(d->mnt.v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", size);
        _cleanup_free_ char *max = xasprintf("hugetlb.%s.max_usage_in_bytes", size);
        _cleanup_free_ char *failcnt = xasprintf("hugetlb.%s.failcnt", size);
        _cleanup_free_ char *events = xasprintf("hugetlb.%s.events", size);
        int r;

        h->page_size = xstrdup(size);
        r = cgroup_read_u64(d->fd, usage, &h->usage, err);
        if (r < 0 || d->mnt.v2) {
                if (r >= 0 && cgroup_read_keyed(d->fd, events, "max", &h->failcnt, err) == -ENOENT)
                        h->failcnt = 0;
                return r;
        }
        r = cgroup_read_u64(d->fd, max, &h->max_usage, err);
        return r < 0 ? r : cgroup_read_u64(d->fd, failcnt, &h->failcnt, err);
}

static int hugetlb_stats(struct cgroup_dir *d, struct cgroup_stats *s, brig_error **err)
{
        const char *suffix = d->mnt.v2 ? ".current" : ".usage_in_bytes";
        _cleanup_closedir_ DIR *dir = NULL;
        struct dirent *de;
        int fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
                if (fd >= 0)
                        close(fd);
                return brig_syserr(err, "read cgroup `%s`", d->abs);
        }
        while ((de = readdir(dir)) != NULL) {
                size_t len = strlen(de->d_name), slen = strlen(suffix);
                _cleanup_free_ char *size = NULL;
                int r;

                if (!str_has_prefix(de->d_name, "hugetlb.") || len <= strlen("hugetlb.") + slen ||
                    strcmp(de->d_name + len - slen, suffix) != 0 || strstr(de->d_name, ".rsvd.") != NULL)
                        continue;
                size = xstrndup(de->d_name + strlen("hugetlb."), len - strlen("hugetlb.") - slen);
                s->hugetlb = xrealloc(s->hugetlb, (s->n_hugetlb + 1) * sizeof(*s->hugetlb));
                s->hugetlb[s->n_hugetlb] = (struct cgroup_hugetlb_stats) { 0 };
                r = hugetlb_size_stats(d, size, &s->hugetlb[s->n_hugetlb++], err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int cgroup_stats(struct brig_cgroup *cg, struct cgroup_stats *ret, brig_error **err)
{
        struct cgroup_stats s = { 0 };
        struct cgroup_dir *d;
        int r = 0;

        if ((d = dir_for(cg, "memory", "memory")) != NULL)
                r = ops_of(d)->memory_stats(d->fd, &s, err);
        if (r >= 0 && (d = dir_for(cg, "pids", "pids")) != NULL)
                r = pids_stats(d, &s, err);
        if (r >= 0 && (d = dir_for(cg, "cpuacct", "")) != NULL)
                r = ops_of(d)->cpu_stats(d->fd, &s, err);
        if (r >= 0 && (d = dir_for(cg, "cpu", "cpu")) != NULL)
                r = throttling_stats(d, &s, err);
        if (r >= 0 && (d = dir_for(cg, "blkio", "io")) != NULL)
                r = ops_of(d)->blkio_stats(d->fd, &s, err);
        if (r >= 0 && (d = dir_for(cg, "hugetlb", "hugetlb")) != NULL)
                r = hugetlb_stats(d, &s, err);
        if (r < 0) {
                cgroup_stats_clear(&s);
                return brig_error_wrap(err, "statistics of cgroup `%s`", cg->path);
        }
        *ret = s;
        return 0;
}

void cgroup_stats_clear(struct cgroup_stats *s)
{
        free(s->io_service_bytes);
        free(s->io_serviced);
        for (size_t i = 0; i < s->n_hugetlb; i++)
                free(s->hugetlb[i].page_size);
        free(s->hugetlb);
        *s = (struct cgroup_stats) { 0 };
}

int cgroup_oom_count(struct brig_cgroup *cg, uint64_t *ret, brig_error **err)
{
        struct cgroup_dir *d;
        int r = controller(cg, "memory", "memory", "oom counter", &d, err);

        return r < 0 ? r : ops_of(d)->oom_count(d->fd, ret, err);
}
