/* SPDX-License-Identifier: Apache-2.0 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brig/cgroup.h"
#include "brig/cleanup.h"
#include "brig/state.h"
#include "brig/util.h"

#define OCI_VERSION "1.2.0"

int state_validate_id(const char *id, brig_error **err)
{
        size_t len = strlen(id);

        if (len == 0 || len > 1024 || !isalnum((unsigned char) id[0]))
                return brig_err(err, "invalid container id: must be 1 to 1024 characters, starting with a letter "
                                     "or digit");
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) id[i];
                /* Name the character, not the id: it may hold newlines or escape sequences. */
                if (!isalnum(c) && strchr("_+.-", c) == NULL)
                        return brig_err(err, "invalid container id: character %zu (0x%02x) is not one of "
                                             "[A-Za-z0-9_+.-]", i + 1, c);
        }
        return 0;
}

static int lock_dir(int fd, const char *id, brig_error **err)
{
        if (flock(fd, LOCK_EX) < 0)
                return brig_syserr(err, "lock container `%s`", id);
        return 0;
}

int state_dir_create(const char *root, const char *id, brig_error **err)
{
        _cleanup_close_ int rootfd = -1, fd = -1;

        if (mkdir_p_at(AT_FDCWD, root, 0711, err) < 0)
                return brig_error_wrap(err, "state root");
        rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return brig_syserr(err, "open state root `%s`", root);
        if (mkdirat(rootfd, id, 0700) < 0) {
                if (errno == EEXIST)
                        return brig_err(err, "container `%s` already exists", id);
                return brig_syserr(err, "create state directory `%s/%s`", root, id);
        }
        fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || lock_dir(fd, id, err) < 0) {
                int r = fd < 0 ? brig_syserr(err, "open state directory `%s/%s`", root, id) : -1;
                unlinkat(rootfd, id, AT_REMOVEDIR);
                return r;
        }
        return TAKE_FD(fd);
}

int state_dir_open(const char *root, const char *id, bool lock, brig_error **err)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -1;

        if (state_validate_id(id, err) < 0)
                return -1;
        path = xasprintf("%s/%s", root, id);
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT)
                        return brig_err(err, "container `%s` does not exist", id);
                return brig_syserr(err, "open state directory `%s`", path);
        }
        if (!lock)
                return TAKE_FD(fd);
        if (lock_dir(fd, id, err) < 0)
                return -1;
        /* A concurrent delete may have removed it while we waited for the lock. */
        if (faccessat(fd, ".", F_OK, 0) < 0 || access(path, F_OK) < 0)
                return brig_err(err, "container `%s` does not exist", id);
        return TAKE_FD(fd);
}

int state_dir_remove(const char *root, const char *id, brig_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/%s", root, id);
        _cleanup_closedir_ DIR *d = opendir(path);
        struct dirent *de;

        if (d == NULL) {
                if (errno == ENOENT)
                        return 0;
                return brig_syserr(err, "open state directory `%s`", path);
        }
        /* The directory only ever holds plain files and the fifo: no recursion needed. */
        while ((de = readdir(d)) != NULL) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT)
                        return brig_syserr(err, "remove `%s/%s`", path, de->d_name);
        }
        if (rmdir(path) < 0 && errno != ENOENT)
                return brig_syserr(err, "remove state directory `%s`", path);
        return 0;
}

bool state_dir_exists(const char *root, const char *id)
{
        _cleanup_free_ char *path = xasprintf("%s/%s", root, id);

        /* Only ENOENT says it is gone: any other failure leaves the answer to whoever locks it. */
        return access(path, F_OK) == 0 || errno != ENOENT;
}

static cJSON *annotations_to_json(const struct container_state *st)
{
        cJSON *o = cJSON_CreateObject();

        for (size_t i = 0; i < st->n_annotations; i++)
                cJSON_AddStringToObject(o, st->annotations[i].key, st->annotations[i].value);
        return o;
}

static char *print_json(cJSON *o, bool pretty)
{
        char *s = pretty ? cJSON_Print(o) : cJSON_PrintUnformatted(o);
        char *out;

        cJSON_Delete(o);
        if (s == NULL)
                abort();
        out = xstrdup(s);
        cJSON_free(s);
        return out;
}

int state_write(int dirfd, const struct container_state *st, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        cJSON *o = cJSON_CreateObject();
        char start[32];

        snprintf(start, sizeof(start), "%" PRIu64, st->pid_start_time);
        cJSON_AddStringToObject(o, "id", st->id);
        cJSON_AddNumberToObject(o, "pid", st->pid);
        cJSON_AddStringToObject(o, "pidStartTime", start);
        cJSON_AddStringToObject(o, "bundle", st->bundle);
        cJSON_AddStringToObject(o, "rootfs", st->rootfs);
        cJSON_AddStringToObject(o, "created", st->created);
        if (st->cgroup_path != NULL) {
                cJSON_AddStringToObject(o, "cgroupPath", st->cgroup_path);
                cJSON_AddNumberToObject(o, "cgroupCreatedDepth", st->cgroup_depth);
        }
        cJSON_AddItemToObject(o, "annotations", annotations_to_json(st));
        text = print_json(o, false);
        return write_file_atomic_at(dirfd, STATE_FILE, text, strlen(text), err);
}

static char *dup_string(const cJSON *o, const char *key)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static void read_annotations(const cJSON *o, struct container_state *st)
{
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "annotations");
        const cJSON *item;
        size_t n = 0;

        st->annotations = xmalloc0((size_t) cJSON_GetArraySize(a) * sizeof(*st->annotations));
        cJSON_ArrayForEach(item, a)
        {
                if (!cJSON_IsString(item))
                        continue;
                st->annotations[n].key = xstrdup(item->string);
                st->annotations[n].value = xstrdup(item->valuestring);
                n++;
        }
        st->n_annotations = n;
}

/* A state written before the depth was recorded owns only the leaf. */
static void read_cgroup_depth(const cJSON *o, struct container_state *st)
{
        const cJSON *depth = cJSON_GetObjectItemCaseSensitive(o, "cgroupCreatedDepth");

        st->cgroup_depth = cJSON_IsNumber(depth) && depth->valuedouble >= 1 && depth->valuedouble <= 1024
                                   ? (unsigned) depth->valuedouble
                                   : 1;
}

int state_read(int dirfd, const char *id, struct container_state *ret, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        const cJSON *pid;
        cJSON *o;

        *ret = (struct container_state){ .id = xstrdup(id) };
        if (read_file_at(dirfd, STATE_FILE, &text, NULL, err) < 0) {
                if ((*err)->errnum != ENOENT)
                        return brig_error_wrap(err, "container `%s`", id);
                brig_error_free(err);
                return 0; /* still being created */
        }
        o = cJSON_Parse(text);
        if (o == NULL)
                return brig_err(err, "container `%s`: corrupt `state.json`", id);
        pid = cJSON_GetObjectItemCaseSensitive(o, "pid");
        /* Out of range, the cast would be undefined: a corrupt pid reads as "no process". */
        ret->pid = cJSON_IsNumber(pid) && pid->valuedouble >= 1 && pid->valuedouble <= INT_MAX
                           ? (pid_t) pid->valuedouble
                           : 0;
        ret->bundle = dup_string(o, "bundle");
        ret->rootfs = dup_string(o, "rootfs");
        ret->created = dup_string(o, "created");
        ret->cgroup_path = dup_string(o, "cgroupPath");
        read_cgroup_depth(o, ret);
        {
                _cleanup_free_ char *start = dup_string(o, "pidStartTime");
                if (start == NULL || parse_uint64(start, &ret->pid_start_time) < 0)
                        ret->pid_start_time = 0;
        }
        read_annotations(o, ret);
        cJSON_Delete(o);
        return 0;
}

void state_release(struct container_state *st)
{
        free(st->id);
        free(st->bundle);
        free(st->rootfs);
        free(st->created);
        free(st->cgroup_path);
        for (size_t i = 0; i < st->n_annotations; i++) {
                free(st->annotations[i].key);
                free(st->annotations[i].value);
        }
        free(st->annotations);
        *st = (struct container_state){ 0 };
}

int state_load_config(int dirfd, const char *bundle, struct brig_spec **ret, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;

        if (read_file_at(dirfd, STATE_CONFIG, &text, &len, err) < 0 || spec_parse(text, len, "config.json", ret, err) < 0)
                return -1;
        if (bundle != NULL)
                spec_resolve_bind_sources(*ret, bundle);
        return 0;
}

uint64_t process_start_time(pid_t pid)
{
        _cleanup_free_ char *path = xasprintf("/proc/%d/stat", pid);
        _cleanup_free_ char *text = NULL;
        brig_error *err = NULL;
        uint64_t start = 0;
        char *p;
        char state;

        if (read_file_at(AT_FDCWD, path, &text, NULL, &err) < 0) {
                brig_error_free(&err);
                return 0;
        }
        /* comm may hold spaces and parentheses: fields resume after the last ')'. */
        p = strrchr(text, ')');
        if (p == NULL || sscanf(p + 1, " %c", &state) != 1 || state == 'Z' || state == 'X')
                return 0;
        /* Field 22 (starttime) is the 20th field after comm. */
        for (int field = 0; p != NULL && field < 20; field++)
                p = strchr(p + 1, ' ');
        if (p == NULL || sscanf(p + 1, "%" SCNu64, &start) != 1)
                return 0;
        return start;
}

static bool cgroup_frozen(const char *path)
{
        _cleanup_cgroup_ struct brig_cgroup *cg = NULL;
        brig_error *err = NULL;
        int frozen;

        if (path == NULL || cgroup_open(path, &cg, &err) < 0) {
                brig_error_free(&err);
                return false;
        }
        frozen = cgroup_is_frozen(cg, &err);
        brig_error_free(&err);
        return frozen > 0;
}

enum container_status state_status(int dirfd, const struct container_state *st)
{
        if (st->pid <= 0)
                return STATUS_CREATING;
        if (st->pid_start_time == 0 || process_start_time(st->pid) != st->pid_start_time)
                return STATUS_STOPPED;
        if (faccessat(dirfd, STATE_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                return STATUS_CREATED;
        if (cgroup_frozen(st->cgroup_path))
                return STATUS_PAUSED;
        return STATUS_RUNNING;
}

const char *status_name(enum container_status s)
{
        static const char *const names[] = {
                [STATUS_CREATING] = "creating", [STATUS_CREATED] = "created", [STATUS_RUNNING] = "running",
                [STATUS_PAUSED] = "paused",     [STATUS_STOPPED] = "stopped",
        };
        return names[s];
}

char *state_to_json(const struct container_state *st, enum container_status status, bool pretty)
{
        cJSON *o = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "ociVersion", OCI_VERSION);
        cJSON_AddStringToObject(o, "id", st->id);
        cJSON_AddStringToObject(o, "status", status_name(status));
        cJSON_AddNumberToObject(o, "pid", status == STATUS_STOPPED ? 0 : st->pid);
        cJSON_AddStringToObject(o, "bundle", st->bundle != NULL ? st->bundle : "");
        cJSON_AddStringToObject(o, "rootfs", st->rootfs != NULL ? st->rootfs : "");
        cJSON_AddStringToObject(o, "created", st->created != NULL ? st->created : "");
        cJSON_AddItemToObject(o, "annotations", annotations_to_json(st));
        return print_json(o, pretty);
}
