/* SPDX-License-Identifier: Apache-2.0 */
/* A container's cgroup: create, open, enter, signal, list pids, destroy (the object and its directories). */
/*
 * The per-version resource files are written by cgroup_v1.c and cgroup_v2.c (applied in
 * cgroup_resources.c); the v2 device filter is cgroup_devices_bpf.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cgroup-internal.h"

/* A cgroup that still has processes after this many 10 ms rounds of SIGKILL is reported. */
#define DRAIN_ROUNDS 300

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
        r = cgroup_layout_detect(&layout, err);
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
struct cgroup_dir *cgroup_dir_for(struct brig_cgroup *cg, const char *v1_name, const char *v2_name)
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

const struct cgroup_ops *cgroup_dir_ops(const struct cgroup_dir *d)
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

int cgroup_controller(struct brig_cgroup *cg, const char *v1_name, const char *v2_name, const char *field,
                      struct cgroup_dir **ret, brig_error **err)
{
        *ret = cgroup_dir_for(cg, v1_name, v2_name);
        if (*ret == NULL)
                return brig_err(err, "%s: the cgroup controller `%s` is not available on this host", field,
                                cg->mode == CGROUP_MODE_V2 && v2_name && *v2_name ? v2_name : v1_name);
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

/* Remove what this process created, deepest first (the leaf too, after a failed create);
 * pre-existing parents stay. */
static void remove_created(struct cgroup_dir *d)
{
        for (size_t i = strv_length(d->created); i > 0; i--)
                if (rmdir(d->created[i - 1]) < 0 && errno != ENOENT)
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
        struct cgroup_dir *d = cgroup_dir_for(cg, NULL, "");

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
        if (d != NULL) {
                int r = cgroup_write(d->fd, "cgroup.kill", "1", cg->path, err);

                /* Removed already (a partial cgroup_destroy): the other hierarchies may still hold some. */
                if (r != -ENOENT && r != -ENODEV)
                        return r;
                brig_error_free(err);
        }
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
