/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json parser: real engine configs parse into the right struct members, and every
 * kind of invalid document is refused with the JSON path at fault.
 *
 * Fixtures are read from $BRIG_FIXTURES or ./tests/fixtures (make runs from the top dir).
 * Invalid documents are a minimal valid config plus a JSON merge patch (RFC 7386: null
 * deletes a member), written with single quotes for readability.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "brig/cleanup.h"
#include "brig/spec.h"
#include "brig/util.h"
#include "unit.h"

static const char minimal_config[] =
        "{'ociVersion': '1.2.0', 'root': {'path': 'rootfs'}, 'process': {'args': ['sh'], 'cwd': '/'}}";

static char *single_to_double_quotes(const char *text)
{
        char *s = xstrdup(text);

        for (char *p = s; *p != '\0'; p++)
                if (*p == '\'')
                        *p = '"';
        return s;
}

static cJSON *merge_patch(cJSON *target, const cJSON *patch)
{
        const cJSON *item;

        if (!cJSON_IsObject(patch)) {
                cJSON_Delete(target);
                return cJSON_Duplicate(patch, true);
        }
        if (!cJSON_IsObject(target)) {
                cJSON_Delete(target);
                target = cJSON_CreateObject();
        }
        cJSON_ArrayForEach(item, patch) {
                cJSON *old = cJSON_DetachItemFromObjectCaseSensitive(target, item->string);

                if (cJSON_IsNull(item))
                        cJSON_Delete(old);
                else
                        cJSON_AddItemToObject(target, item->string, merge_patch(old, item));
        }
        return target;
}

/* The minimal config with `patch` merged in, as JSON text. Caller frees. */
static char *patched_config(const char *patch)
{
        _cleanup_free_ char *base_text = single_to_double_quotes(minimal_config);
        _cleanup_free_ char *patch_text = single_to_double_quotes(patch);
        cJSON *base = cJSON_Parse(base_text);
        cJSON *p = cJSON_Parse(patch_text);
        char *out;

        if (base == NULL || p == NULL)
                abort(); /* a broken test, not a parser failure */
        base = merge_patch(base, p);
        out = cJSON_PrintUnformatted(base);
        cJSON_Delete(base);
        cJSON_Delete(p);
        return out;
}

static int parse_patched(const char *patch, struct brig_spec **spec, brig_error **err)
{
        _cleanup_free_ char *json = patched_config(patch);

        return spec_parse(json, strlen(json), "config.json", spec, err);
}

/* Parses minimal+patch and expects failure with exactly `msg`. */
#define ASSERT_PATCH_FAILS(patch, msg)                                                  \
        do {                                                                            \
                _cleanup_spec_ struct brig_spec *spec_ = NULL;                          \
                _cleanup_error_ brig_error *err_ = NULL;                                \
                ASSERT_ERR_CONTAINS(parse_patched((patch), &spec_, &err_), err_, (msg)); \
                ASSERT_NULL(spec_);                                                     \
        } while (0)

static const char *fixtures_dir(void)
{
        const char *dir = getenv("BRIG_FIXTURES");

        return dir != NULL ? dir : "tests/fixtures";
}

static int load_fixture(const char *name, char **text, size_t *len, brig_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/engine-configs/%s", fixtures_dir(), name);

        return read_file_at(AT_FDCWD, path, text, len, err);
}

static int parse_fixture(const char *name, struct brig_spec **spec, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;

        if (load_fixture(name, &text, &len, err) < 0)
                return -1;
        return spec_parse(text, len, "config.json", spec, err);
}

static const struct spec_mount *find_mount(const struct brig_spec *spec, const char *destination)
{
        for (size_t i = 0; i < spec->n_mounts; i++)
                if (strcmp(spec->mounts[i].destination, destination) == 0)
                        return &spec->mounts[i];
        return NULL;
}

static bool str_has_suffix(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);

        return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Parses one fixture with the parser its name calls for. */
static int parse_any_fixture(const char *name, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        if (load_fixture(name, &text, &len, err) < 0)
                return -1;
        if (str_has_suffix(name, ".process.json")) {
                struct spec_process *p = NULL;

                r = spec_parse_process(text, len, "process.json", &p, err);
                spec_process_free(p);
        } else if (str_has_suffix(name, ".resources.json")) {
                struct spec_resources *res = NULL;

                r = spec_parse_resources(text, len, "resources.json", &res, err);
                spec_resources_free(res);
        } else {
                struct brig_spec *spec = NULL;

                r = spec_parse(text, len, "config.json", &spec, err);
                spec_free(spec);
        }
        return r;
}

/* ---- valid documents ---- */

TEST(spec_every_fixture_parses)
{
        _cleanup_free_ char *dir_path = xasprintf("%s/engine-configs", fixtures_dir());
        _cleanup_closedir_ DIR *dir = opendir(dir_path);
        _cleanup_error_ brig_error *err = NULL;
        unsigned parsed = 0;
        struct dirent *de;

        ASSERT_NOT_NULL(dir);
        while ((de = readdir(dir)) != NULL) {
                if (!str_has_suffix(de->d_name, ".json"))
                        continue;
                if (parse_any_fixture(de->d_name, &err) < 0)
                        UNIT_FAIL("%s: %s", de->d_name, err->msg);
                parsed++;
        }
        ASSERT_TRUE(parsed >= 25);
}

TEST(spec_docker_default_process)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        const struct spec_process *p;

        ASSERT_OK(parse_fixture("docker-default.config.json", &spec, &err), err);
        ASSERT_STREQ(spec->oci_version, "1.0.2-dev");
        p = spec->process;
        ASSERT_NOT_NULL(p);
        ASSERT_STREQ(p->args[0], "sh");
        ASSERT_STREQ(p->cwd, "/");
        ASSERT_EQ_INT(p->user.uid, 0);
        ASSERT_EQ_INT(p->user.n_additional_gids, 1);
        ASSERT_FALSE(p->terminal);
        ASSERT_FALSE(p->no_new_privileges);
        ASSERT_TRUE(p->has_oom_score_adj);
        ASSERT_EQ_INT(p->oom_score_adj, 0);
        ASSERT_NOT_NULL(p->capabilities);
        ASSERT_TRUE(p->capabilities->has_bounding);
        ASSERT_FALSE(p->capabilities->has_ambient);
        ASSERT_EQ_INT(strv_length(p->capabilities->bounding), 14);
        ASSERT_STREQ(p->capabilities->bounding[0], "CAP_CHOWN");
        ASSERT_STREQ(p->capabilities->permitted[13], "CAP_AUDIT_WRITE");
        ASSERT_TRUE(str_has_prefix(spec->root.path, "/var/tmp/engine/docker/"));
        ASSERT_FALSE(spec->root.readonly);
}

TEST(spec_docker_default_mounts)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        const struct spec_mount *m;

        ASSERT_OK(parse_fixture("docker-default.config.json", &spec, &err), err);
        ASSERT_EQ_INT(spec->n_mounts, 10);
        m = find_mount(spec, "/dev");
        ASSERT_NOT_NULL(m);
        ASSERT_STREQ(m->type, "tmpfs");
        ASSERT_STREQ(m->data, "mode=755,size=65536k");
        ASSERT_EQ_UINT(m->flags, MS_NOSUID | MS_STRICTATIME);
        ASSERT_FALSE(m->bind);
        m = find_mount(spec, "/dev/pts");
        ASSERT_STREQ(m->data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
        ASSERT_EQ_UINT(m->flags, MS_NOSUID | MS_NOEXEC);
        m = find_mount(spec, "/sys");
        ASSERT_EQ_UINT(m->flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
        ASSERT_NULL(m->data);
        m = find_mount(spec, "/etc/resolv.conf");
        ASSERT_TRUE(m->bind);
        ASSERT_TRUE(m->recursive);
        ASSERT_EQ_UINT(m->flags, MS_BIND | MS_REC);
        ASSERT_EQ_INT(m->propagation, SPEC_PROPAGATION_RPRIVATE);
        ASSERT_STREQ(m->options[1], "rprivate");
}

TEST(spec_docker_default_linux)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        const struct spec_linux *l;
        const struct spec_resources *res;

        ASSERT_OK(parse_fixture("docker-default.config.json", &spec, &err), err);
        l = spec->linux;
        ASSERT_NOT_NULL(l);
        ASSERT_EQ_INT(l->n_namespaces, 5);
        ASSERT_EQ_INT(l->namespaces[0].type, SPEC_NS_MOUNT);
        ASSERT_NULL(l->namespaces[0].path);
        ASSERT_NOT_NULL(spec_namespace_find(spec, SPEC_NS_IPC));
        ASSERT_NULL(spec_namespace_find(spec, SPEC_NS_USER));
        ASSERT_STREQ(spec_namespace_type_name(SPEC_NS_NETWORK), "network");
        ASSERT_EQ_INT(strv_length(l->masked_paths), 10);
        ASSERT_STREQ(l->readonly_paths[4], "/proc/sysrq-trigger");
        ASSERT_TRUE(str_has_prefix(l->cgroups_path, "/docker/"));
        res = l->resources;
        ASSERT_NOT_NULL(res);
        ASSERT_EQ_INT(res->n_devices, 8);
        ASSERT_FALSE(res->devices[0].allow);
        ASSERT_EQ_INT(res->devices[0].type, 'a');
        ASSERT_EQ_INT(res->devices[0].major, -1);
        ASSERT_EQ_INT(res->devices[0].minor, -1);
        ASSERT_STREQ(res->devices[0].access, "rwm");
        ASSERT_TRUE(res->devices[1].allow);
        ASSERT_EQ_INT(res->devices[1].type, 'c');
        ASSERT_EQ_INT(res->devices[1].major, 1);
        ASSERT_EQ_INT(res->devices[1].minor, 5);
        ASSERT_NOT_NULL(res->memory);
        ASSERT_TRUE(res->memory->has_disable_oom_killer);
        ASSERT_FALSE(res->memory->has_limit);
        ASSERT_TRUE(res->cpu->has_shares);
        ASSERT_EQ_UINT(res->cpu->shares, 0);
        ASSERT_TRUE(res->block_io->has_weight);
        ASSERT_FALSE(res->has_pids_limit);
}

TEST(spec_docker_default_seccomp_and_hooks)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        const struct spec_seccomp *s;

        ASSERT_OK(parse_fixture("docker-default.config.json", &spec, &err), err);
        s = spec->linux->seccomp;
        ASSERT_NOT_NULL(s);
        ASSERT_STREQ(s->default_action, "SCMP_ACT_ERRNO");
        ASSERT_FALSE(s->has_default_errno_ret); /* written as null */
        ASSERT_EQ_INT(strv_length(s->architectures), 3);
        ASSERT_NULL(s->flags);
        ASSERT_EQ_INT(s->n_syscalls, 12);
        ASSERT_STREQ(s->syscalls[0].names[0], "accept");
        ASSERT_EQ_INT(s->syscalls[0].n_args, 0);
        ASSERT_EQ_INT(s->syscalls[6].n_args, 1);
        ASSERT_EQ_UINT(s->syscalls[6].args[0].value, 4294967295u);
        ASSERT_STREQ(s->syscalls[9].names[0], "clone");
        ASSERT_EQ_UINT(s->syscalls[9].args[0].index, 0);
        ASSERT_EQ_UINT(s->syscalls[9].args[0].value, 2114060288);
        ASSERT_STREQ(s->syscalls[9].args[0].op, "SCMP_CMP_MASKED_EQ");
        ASSERT_EQ_INT(spec->hooks.n_prestart, 1);
        ASSERT_STREQ(spec->hooks.prestart[0].path, "/proc/23861/exe");
        ASSERT_EQ_INT(strv_length(spec->hooks.prestart[0].args), 4);
        ASSERT_FALSE(spec->hooks.prestart[0].has_timeout);
        ASSERT_EQ_INT(spec->hooks.n_poststop, 0);
}

TEST(spec_docker_tmpfs_sysctl_ulimit)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        const struct spec_mount *m;

        ASSERT_OK(parse_fixture("docker-tmpfs-sysctl-ulimit.config.json", &spec, &err), err);
        ASSERT_EQ_INT(spec->process->n_rlimits, 1);
        ASSERT_EQ_INT(spec->process->rlimits[0].resource, RLIMIT_NOFILE);
        ASSERT_STREQ(spec->process->rlimits[0].type, "RLIMIT_NOFILE");
        ASSERT_EQ_UINT(spec->process->rlimits[0].soft, 512);
        ASSERT_EQ_UINT(spec->process->rlimits[0].hard, 1024);
        ASSERT_EQ_INT(spec->linux->n_sysctl, 3);
        ASSERT_STREQ(spec->linux->sysctl[2].key, "net.ipv4.ping_group_range");
        ASSERT_STREQ(spec->linux->sysctl[2].value, "0 2147483647");
        m = find_mount(spec, "/scratch");
        ASSERT_NOT_NULL(m);
        ASSERT_EQ_UINT(m->flags, MS_NOEXEC | MS_NOSUID | MS_NODEV);
        ASSERT_EQ_INT(m->propagation, SPEC_PROPAGATION_RPRIVATE);
        ASSERT_FALSE(m->recursive);
        ASSERT_STREQ(m->data, "size=1m,mode=1777");
}

TEST(spec_docker_privileged_devices)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        const struct spec_device *d;

        ASSERT_OK(parse_fixture("docker-privileged.config.json", &spec, &err), err);
        ASSERT_EQ_INT(spec->linux->n_devices, 101);
        d = &spec->linux->devices[0];
        ASSERT_STREQ(d->path, "/dev/autofs");
        ASSERT_EQ_INT(d->type, 'c');
        ASSERT_EQ_INT(d->major, 10);
        ASSERT_EQ_INT(d->minor, 235);
        ASSERT_TRUE(d->has_file_mode);
        ASSERT_EQ_INT(d->file_mode, 0644);
        ASSERT_TRUE(d->has_uid);
        ASSERT_EQ_INT(d->gid, 0);
        ASSERT_TRUE(spec->linux->resources->devices[0].allow);
        ASSERT_TRUE(strv_length(spec->process->capabilities->bounding) > 30);
}

TEST(spec_docker_resources)
{
        _cleanup_spec_ struct brig_spec *cpus = NULL, *mem = NULL;
        _cleanup_error_ brig_error *err = NULL;
        const struct spec_resources *r;

        ASSERT_OK(parse_fixture("docker-cpus-device-oom.config.json", &cpus, &err), err);
        r = cpus->linux->resources;
        ASSERT_EQ_INT(r->cpu->quota, 50000);
        ASSERT_EQ_UINT(r->cpu->period, 100000);
        ASSERT_STREQ(r->cpu->cpus, "0");
        ASSERT_NULL(r->cpu->mems);
        ASSERT_EQ_INT(cpus->linux->n_devices, 1);
        ASSERT_STREQ(cpus->linux->devices[0].path, "/dev/fuse");
        ASSERT_OK(parse_fixture("docker-memory-pids.config.json", &mem, &err), err);
        r = mem->linux->resources;
        ASSERT_TRUE(r->memory->has_limit);
        ASSERT_EQ_INT(r->memory->limit, 67108864);
        ASSERT_EQ_INT(r->memory->swap, 134217728);
        ASSERT_TRUE(r->has_pids_limit);
        ASSERT_EQ_INT(r->pids_limit, 50);
}

TEST(spec_docker_volume_ro_bind)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        const struct spec_mount *m;

        ASSERT_OK(parse_fixture("docker-volume-ro.config.json", &spec, &err), err);
        m = find_mount(spec, "/img");
        ASSERT_NOT_NULL(m);
        ASSERT_TRUE(m->bind);
        ASSERT_EQ_UINT(m->flags, MS_BIND | MS_REC | MS_RDONLY);
        ASSERT_STREQ(m->source, "/var/tmp/engine/img");
        m = find_mount(spec, "/data");
        ASSERT_EQ_UINT(m->flags, MS_BIND | MS_REC);
}

TEST(spec_podman_default)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        const struct spec_seccomp *s;
        const struct spec_mount *m;

        ASSERT_OK(parse_fixture("podman-default.config.json", &spec, &err), err);
        ASSERT_TRUE(spec->process->user.has_umask);
        ASSERT_EQ_INT(spec->process->user.umask, 022);
        ASSERT_EQ_INT(spec->process->n_rlimits, 2);
        ASSERT_EQ_INT(spec->process->rlimits[1].resource, RLIMIT_NPROC);
        ASSERT_EQ_INT(spec->n_annotations, 8);
        ASSERT_STREQ(spec_annotation_get(spec, "io.container.manager"), "libpod");
        ASSERT_NULL(spec_annotation_get(spec, "no.such.key"));
        s = spec->linux->seccomp;
        ASSERT_TRUE(s->has_default_errno_ret);
        ASSERT_EQ_INT(s->default_errno_ret, 38);
        m = find_mount(spec, "/dev/shm");
        ASSERT_TRUE(m->bind);
        ASSERT_FALSE(m->recursive);
        ASSERT_EQ_UINT(m->flags, MS_BIND | MS_NOSUID | MS_NOEXEC | MS_NODEV);
        m = find_mount(spec, "/sys/fs/cgroup");
        ASSERT_EQ_UINT(m->flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY);
        ASSERT_EQ_INT(m->propagation, SPEC_PROPAGATION_RPRIVATE);
        ASSERT_EQ_INT(spec->linux->resources->pids_limit, 2048);
}

TEST(spec_process_json)
{
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_free_ char *text = NULL;
        struct spec_process *p = NULL;
        size_t len;
        int r;

        ASSERT_OK(load_fixture("docker-exec-user65534.process.json", &text, &len, &err), err);
        r = spec_parse_process(text, len, "process.json", &p, &err);
        if (r < 0)
                UNIT_FAIL("%s", err->msg);
        r = p->user.uid == 65534 && p->user.gid == 65534 && p->user.additional_gids[0] == 65534 &&
            strcmp(p->args[0], "sh") == 0;
        spec_process_free(p);
        ASSERT_TRUE(r);
        p = NULL;
        ASSERT_ERR_CONTAINS(spec_parse_process("{\"cwd\": \"/\"}", 12, "process.json", &p, &err), err,
                            "process.json: args: must be a non-empty array of strings");
        ASSERT_NULL(p);
}

TEST(spec_resources_json)
{
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_free_ char *text = NULL;
        struct spec_resources *res = NULL;
        size_t len;
        bool good;

        ASSERT_OK(load_fixture("docker-update.resources.json", &text, &len, &err), err);
        ASSERT_OK(spec_parse_resources(text, len, "resources.json", &res, &err), err);
        good = res->memory->limit == 67108864 && res->memory->swap == 134217728 && res->memory->has_kernel &&
               res->cpu->shares == 512 && res->cpu->has_quota && res->has_pids_limit && res->pids_limit == 99;
        spec_resources_free(res);
        ASSERT_TRUE(good);
        res = NULL;
        ASSERT_ERR_CONTAINS(spec_parse_resources("{\"memory\": {\"limit\": \"1g\"}}", 27, "resources.json", &res,
                                                 &err),
                            err, "resources.json: memory.limit: must be an integer >= -1");
        ASSERT_NULL(res);
}

TEST(spec_default_parses_back)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_free_ char *json = spec_default_json();
        const struct spec_process *p;

        ASSERT_OK(spec_parse(json, strlen(json), "config.json", &spec, &err), err);
        ASSERT_STREQ(spec->oci_version, "1.2.0");
        p = spec->process;
        ASSERT_FALSE(p->terminal);
        ASSERT_STREQ(p->args[0], "sh");
        ASSERT_NULL(p->args[1]);
        ASSERT_STREQ(p->env[1], "TERM=xterm");
        ASSERT_TRUE(p->no_new_privileges);
        ASSERT_EQ_INT(strv_length(p->capabilities->bounding), 3);
        ASSERT_EQ_INT(strv_length(p->capabilities->effective), 3);
        ASSERT_EQ_INT(strv_length(p->capabilities->permitted), 3);
        ASSERT_FALSE(p->capabilities->has_ambient);
        ASSERT_EQ_INT(p->rlimits[0].resource, RLIMIT_NOFILE);
        ASSERT_STREQ(spec->root.path, "rootfs");
        ASSERT_TRUE(spec->root.readonly);
        ASSERT_STREQ(spec->hostname, "brig");
        ASSERT_EQ_INT(spec->n_mounts, 7);
        ASSERT_EQ_UINT(find_mount(spec, "/sys")->flags & MS_RDONLY, MS_RDONLY);
        ASSERT_EQ_UINT(find_mount(spec, "/sys/fs/cgroup")->flags & MS_RDONLY, MS_RDONLY);
        ASSERT_EQ_INT(spec->linux->n_namespaces, 6);
        ASSERT_NOT_NULL(spec_namespace_find(spec, SPEC_NS_CGROUP));
        ASSERT_NULL(spec_namespace_find(spec, SPEC_NS_USER));
        ASSERT_TRUE(strv_length(spec->linux->masked_paths) >= 10);
        ASSERT_FALSE(spec->linux->resources->devices[0].allow);
}

TEST(spec_mount_options_decoded)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        const struct spec_mount *m;

        ASSERT_OK(parse_patched("{'mounts': ["
                                "{'destination': '/a', 'type': 'tmpfs', 'options': ['ro', 'rw', 'suid', 'mode=700', "
                                "'noatime', 'lazytime', 'slave', 'uid=1']},"
                                "{'destination': '/b', 'type': 'bind', 'source': '/x', 'options': ['ridmap']},"
                                "{'destination': '/c', 'source': '/y', 'options': ['bind', 'remount', 'ro']}]}",
                                &spec, &err),
                  err);
        m = &spec->mounts[0];
        ASSERT_EQ_UINT(m->flags, MS_NOATIME | MS_LAZYTIME);
        ASSERT_EQ_UINT(m->clear_flags, MS_RDONLY | MS_NOSUID);
        ASSERT_EQ_INT(m->propagation, SPEC_PROPAGATION_SLAVE);
        ASSERT_STREQ(m->data, "mode=700,uid=1");
        m = &spec->mounts[1];
        ASSERT_TRUE(m->bind);
        ASSERT_TRUE(m->idmap);
        ASSERT_TRUE(m->idmap_recursive);
        ASSERT_FALSE(m->recursive);
        ASSERT_EQ_UINT(m->flags, MS_BIND);
        m = &spec->mounts[2];
        ASSERT_NULL(m->type);
        ASSERT_EQ_UINT(m->flags, MS_BIND | MS_REMOUNT | MS_RDONLY);
}

TEST(spec_optional_members_and_limits)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        const struct spec_linux *l;

        /* Engines write INT64_MAX / UINT64_MAX for "unlimited"; they must survive the double round trip. */
        ASSERT_OK(parse_patched("{'process': {'rlimits': [{'type': 'RLIMIT_CORE', 'soft': 18446744073709551615, "
                                "'hard': 18446744073709551615}], 'consoleSize': {'height': 24, 'width': 80}, "
                                "'ioPriority': {'class': 'IOPRIO_CLASS_IDLE'}, "
                                "'scheduler': {'policy': 'SCHED_BATCH', 'nice': 5}}, "
                                "'hooks': {'poststop': [{'path': '/bin/true', 'timeout': 5}]}, "
                                "'linux': {'resources': {'memory': {'limit': 9223372036854775807, 'swap': -1}}, "
                                "'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}], "
                                 "'gidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}], "
                                "'rootfsPropagation': 'rslave', 'personality': {'domain': 'LINUX32'}, "
                                "'timeOffsets': {'monotonic': {'secs': -5, 'nanosecs': 7}}, "
                                "'namespaces': [{'type': 'user'}, {'type': 'time'}, "
                                "{'type': 'network', 'path': '/proc/1/ns/net'}]}}",
                                &spec, &err),
                  err);
        ASSERT_EQ_UINT(spec->process->rlimits[0].soft, UINT64_MAX);
        ASSERT_TRUE(spec->process->has_console_size);
        ASSERT_EQ_INT(spec->process->console_size.width, 80);
        ASSERT_EQ_INT(spec->process->io_priority->class, 3);
        ASSERT_EQ_INT(spec->process->scheduler->nice, 5);
        ASSERT_TRUE(spec->hooks.poststop[0].has_timeout);
        ASSERT_EQ_INT(spec->hooks.poststop[0].timeout, 5);
        l = spec->linux;
        ASSERT_EQ_INT(l->resources->memory->limit, INT64_MAX);
        ASSERT_EQ_INT(l->resources->memory->swap, -1);
        ASSERT_EQ_UINT(l->uid_mappings[0].host_id, 100000);
        ASSERT_EQ_INT(l->n_gid_mappings, 1);
        ASSERT_EQ_INT(l->rootfs_propagation, SPEC_PROPAGATION_RSLAVE);
        ASSERT_STREQ(l->personality->domain, "LINUX32");
        ASSERT_EQ_INT(l->time_offsets[0].secs, -5);
        ASSERT_EQ_UINT(l->time_offsets[0].nanosecs, 7);
        ASSERT_STREQ(spec_namespace_find(spec, SPEC_NS_NETWORK)->path, "/proc/1/ns/net");
}

TEST(spec_null_and_unknown_members_ignored)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        static const char json[] = "{\"ociVersion\": \"1.1.0-rc.1\", \"root\": {\"path\": \"r\"}, \"hostname\": null,"
                                   " \"process\": {\"args\": [\"a\"], \"cwd\": \"/\", \"env\": null,"
                                   " \"futureThing\": {\"x\": [1]}}, \"linux\": {\"seccomp\": null}, \"vm\": {}}";

        ASSERT_OK(spec_parse(json, strlen(json), "config.json", &spec, &err), err);
        ASSERT_NULL(spec->hostname);
        ASSERT_NULL(spec->process->env);
        ASSERT_NULL(spec->linux->seccomp);
}

TEST(spec_oci_versions)
{
        static const char *const good[] = { "1.0.0", "1.0.2-dev", "1.1.0", "1.2.0", "1.2.1-rc.1", "1.0.2+dev" };
        static const char *const bad[] = { "2.0.0", "1.3.0", "1.0", "1.0.", "1.0.x", "0.9.0", "1.0.1-", "" };

        for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
                _cleanup_spec_ struct brig_spec *spec = NULL;
                _cleanup_error_ brig_error *err = NULL;
                _cleanup_free_ char *patch = xasprintf("{'ociVersion': '%s'}", good[i]);

                ASSERT_OK(parse_patched(patch, &spec, &err), err);
        }
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                _cleanup_spec_ struct brig_spec *spec = NULL;
                _cleanup_error_ brig_error *err = NULL;
                _cleanup_free_ char *patch = xasprintf("{'ociVersion': '%s'}", bad[i]);
                _cleanup_free_ char *msg = xasprintf("config.json: ociVersion: unsupported version `%s`", bad[i]);

                ASSERT_ERR_CONTAINS(parse_patched(patch, &spec, &err), err, msg);
        }
}

TEST(spec_load_bundle)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_free_ char *json = spec_default_json();
        _cleanup_free_ char *config = NULL;
        char dir[] = "/tmp/brig-unit-spec-XXXXXX";

        ASSERT_NOT_NULL(mkdtemp(dir));
        config = xasprintf("%s/config.json", dir);
        ASSERT_ERR_CONTAINS(spec_load(dir, &spec, &err), err, config);
        ASSERT_OK(write_file_at(AT_FDCWD, config, json, strlen(json), 0644, &err), err);
        ASSERT_OK(spec_load(dir, &spec, &err), err);
        unlink(config);
        rmdir(dir);
        ASSERT_STREQ(spec->root.path, "rootfs");
}

/* ---- invalid documents: each names the JSON path at fault ---- */

TEST(spec_malformed_json)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;
        static const char bad[] = "{\n  \"ociVersion\": \"1.0.0\",\n  \"root\": {\"path\": }\n}";

        ASSERT_ERR_CONTAINS(spec_parse(bad, strlen(bad), "config.json", &spec, &err), err,
                            "config.json: invalid JSON near line 3, column 20");
        ASSERT_ERR_CONTAINS(spec_parse("", 0, "config.json", &spec, &err), err, "config.json: invalid JSON");
        ASSERT_ERR_CONTAINS(spec_parse("{} {}", 5, "config.json", &spec, &err), err,
                            "config.json: invalid JSON near line 1, column 4");
        ASSERT_ERR_CONTAINS(spec_parse("[]", 2, "config.json", &spec, &err), err, "config.json: must be an object");
        ASSERT_NULL(spec);
}

TEST(spec_wrong_types)
{
        ASSERT_PATCH_FAILS("{'process': {'terminal': 'yes'}}", "config.json: process.terminal: must be a boolean");
        ASSERT_PATCH_FAILS("{'process': {'env': ['A=1', 2]}}", "config.json: process.env[1]: must be a string");
        ASSERT_PATCH_FAILS("{'process': {'user': {'uid': '0', 'gid': 0}}}",
                           "config.json: process.user.uid: must be an integer between 0 and 4294967295");
        ASSERT_PATCH_FAILS("{'process': {'user': {'uid': 1.5, 'gid': 0}}}",
                           "config.json: process.user.uid: must be an integer between 0 and 4294967295");
        ASSERT_PATCH_FAILS("{'process': {'user': {'uid': -1, 'gid': 0}}}",
                           "config.json: process.user.uid: must be an integer between 0 and 4294967295");
        ASSERT_PATCH_FAILS("{'mounts': {}}", "config.json: mounts: must be an array");
        ASSERT_PATCH_FAILS("{'mounts': ['/proc']}", "config.json: mounts[0]: must be an object");
        ASSERT_PATCH_FAILS("{'hostname': 7}", "config.json: hostname: must be a string");
        ASSERT_PATCH_FAILS("{'linux': []}", "config.json: linux: must be an object");
        ASSERT_PATCH_FAILS("{'annotations': {'a': 'b', 'c': true}}", "config.json: annotations.c: must be a string");
        ASSERT_PATCH_FAILS("{'linux': {'sysctl': {'kernel.x': 1}}}",
                           "config.json: linux.sysctl.kernel.x: must be a string");
        ASSERT_PATCH_FAILS("{'linux': {'resources': {'memory': {'limit': -2}}}}",
                           "config.json: linux.resources.memory.limit: must be an integer >= -1");
        ASSERT_PATCH_FAILS("{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': -1, 'hard': 1}]}}",
                           "config.json: process.rlimits[0].soft: must be a non-negative integer");
        ASSERT_PATCH_FAILS("{'process': {'oomScoreAdj': 1001}}",
                           "config.json: process.oomScoreAdj: must be an integer between -1000 and 1000");
}

TEST(spec_missing_required)
{
        ASSERT_PATCH_FAILS("{'process': null}", "config.json: process: missing");
        ASSERT_PATCH_FAILS("{'process': {'args': null}}",
                           "config.json: process.args: must be a non-empty array of strings");
        ASSERT_PATCH_FAILS("{'process': {'args': []}}",
                           "config.json: process.args: must be a non-empty array of strings");
        ASSERT_PATCH_FAILS("{'process': {'args': ['sh', 1]}}",
                           "config.json: process.args: must be a non-empty array of strings");
        ASSERT_PATCH_FAILS("{'process': {'cwd': null}}", "config.json: process.cwd: missing");
        ASSERT_PATCH_FAILS("{'root': null}", "config.json: root: missing");
        ASSERT_PATCH_FAILS("{'root': {'path': null}}", "config.json: root.path: missing");
        ASSERT_PATCH_FAILS("{'root': {'path': ''}}", "config.json: root.path: must not be empty");
        ASSERT_PATCH_FAILS("{'ociVersion': null}", "config.json: ociVersion: missing");
        ASSERT_PATCH_FAILS("{'process': {'user': {'uid': 0}}}", "config.json: process.user.gid: missing");
        ASSERT_PATCH_FAILS("{'mounts': [{'type': 'tmpfs'}]}", "config.json: mounts[0].destination: missing");
        ASSERT_PATCH_FAILS("{'linux': {'seccomp': {'syscalls': []}}}",
                           "config.json: linux.seccomp.defaultAction: missing");
}

TEST(spec_paths)
{
        ASSERT_PATCH_FAILS("{'process': {'cwd': 'tmp'}}",
                           "config.json: process.cwd: must be an absolute path, got `tmp`");
        ASSERT_PATCH_FAILS("{'mounts': [{'destination': '/ok'}, {'destination': 'data'}]}",
                           "config.json: mounts[1].destination: must be an absolute path, got `data`");
        ASSERT_PATCH_FAILS("{'mounts': [{'destination': '/a/../etc'}]}",
                           "config.json: mounts[0].destination: must not contain `..` components, got `/a/../etc`");
        ASSERT_PATCH_FAILS("{'mounts': [{'destination': '/..'}]}",
                           "config.json: mounts[0].destination: must not contain `..` components, got `/..`");
        ASSERT_PATCH_FAILS("{'linux': {'devices': [{'path': '/dev/../etc/x', 'type': 'c', 'major': 1, 'minor': 3}]}}",
                           "config.json: linux.devices[0].path: must not contain `..` components");
        ASSERT_PATCH_FAILS("{'linux': {'maskedPaths': ['/proc/kcore', 'proc/keys']}}",
                           "config.json: linux.maskedPaths[1]: must be an absolute path, got `proc/keys`");
        ASSERT_PATCH_FAILS("{'linux': {'readonlyPaths': ['/proc/../sys']}}",
                           "config.json: linux.readonlyPaths[0]: must not contain `..` components");
        ASSERT_PATCH_FAILS("{'linux': {'namespaces': [{'type': 'pid', 'path': 'ns/pid'}]}}",
                           "config.json: linux.namespaces[0].path: must be an absolute path, got `ns/pid`");
}

TEST(spec_dotdot_lookalikes_allowed)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;

        ASSERT_OK(parse_patched("{'mounts': [{'destination': '/a/..b/c..//...'}]}", &spec, &err), err);
        ASSERT_STREQ(spec->mounts[0].destination, "/a/..b/c../...");
}

TEST(spec_namespaces)
{
        ASSERT_PATCH_FAILS("{'linux': {'namespaces': [{'type': 'pid'}, {'type': 'uts'}, {'type': 'foo'}]}}",
                           "config.json: linux.namespaces[2].type: unknown namespace type `foo`");
        ASSERT_PATCH_FAILS("{'linux': {'namespaces': [{'type': 'pid'}, {'type': 'pid'}]}}",
                           "config.json: linux.namespaces[1].type: duplicate namespace type `pid`");
        ASSERT_PATCH_FAILS("{'linux': {'namespaces': [{'path': '/proc/1/ns/pid'}]}}",
                           "config.json: linux.namespaces[0].type: missing");
}

TEST(spec_capabilities_and_rlimits)
{
        ASSERT_PATCH_FAILS("{'process': {'capabilities': {'bounding': ['CAP_CHOWN', 'CAP_KILL', 'CAP_SETUID', "
                           "'CAP_FOO']}}}",
                           "config.json: process.capabilities.bounding[3]: unknown capability `CAP_FOO`");
        ASSERT_PATCH_FAILS("{'process': {'capabilities': {'ambient': ['chown']}}}",
                           "config.json: process.capabilities.ambient[0]: unknown capability `chown`");
        ASSERT_PATCH_FAILS("{'process': {'capabilities': {'effective': ['CAP_1']}}}",
                           "config.json: process.capabilities.effective[0]: unknown capability `CAP_1`");
        ASSERT_PATCH_FAILS("{'process': {'rlimits': [{'type': 'RLIMIT_FOO', 'soft': 1, 'hard': 1}]}}",
                           "config.json: process.rlimits[0].type: unknown rlimit `RLIMIT_FOO`");
        ASSERT_PATCH_FAILS("{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1}, "
                           "{'type': 'RLIMIT_NOFILE', 'soft': 2, 'hard': 2}]}}",
                           "config.json: process.rlimits[1].type: duplicate rlimit `RLIMIT_NOFILE`");
        ASSERT_PATCH_FAILS("{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 2048, 'hard': 1024}]}}",
                           "config.json: process.rlimits[0]: soft limit 2048 exceeds hard limit 1024");
        ASSERT_PATCH_FAILS("{'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1}]}}",
                           "config.json: process.rlimits[0].hard: missing");
}

TEST(spec_device_rules)
{
        ASSERT_PATCH_FAILS("{'linux': {'resources': {'devices': [{'allow': false}, "
                           "{'allow': true, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rwx'}]}}}",
                           "config.json: linux.resources.devices[1].access: must be a combination of `r`, `w`, `m`, "
                           "got `rwx`");
        ASSERT_PATCH_FAILS("{'linux': {'resources': {'devices': [{'allow': true, 'access': ''}]}}}",
                           "config.json: linux.resources.devices[0].access: must be a combination");
        ASSERT_PATCH_FAILS("{'linux': {'resources': {'devices': [{'allow': true, 'type': 'u'}]}}}",
                           "config.json: linux.resources.devices[0].type: must be one of `a`, `c`, `b`, got `u`");
        ASSERT_PATCH_FAILS("{'linux': {'resources': {'devices': [{'access': 'r'}]}}}",
                           "config.json: linux.resources.devices[0].allow: missing");
        ASSERT_PATCH_FAILS("{'linux': {'devices': [{'path': '/dev/x', 'type': 'x', 'major': 1, 'minor': 1}]}}",
                           "config.json: linux.devices[0].type: must be one of `c`, `b`, `u`, `p`, got `x`");
        ASSERT_PATCH_FAILS("{'linux': {'devices': [{'path': '/dev/x', 'type': 'c', 'minor': 1}]}}",
                           "config.json: linux.devices[0].major: missing");
}

TEST(spec_id_mappings)
{
        ASSERT_PATCH_FAILS("{'linux': {'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 0}]}}",
                           "config.json: linux.uidMappings[0].size: must be greater than 0");
        ASSERT_PATCH_FAILS("{'linux': {'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10}, "
                           "{'containerID': 5, 'hostID': 5000, 'size': 10}]}}",
                           "config.json: linux.gidMappings[1]: containerID range overlaps linux.gidMappings[0]");
        ASSERT_PATCH_FAILS("{'linux': {'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10}, "
                           "{'containerID': 10, 'hostID': 1009, 'size': 1}]}}",
                           "config.json: linux.uidMappings[1]: hostID range overlaps linux.uidMappings[0]");
        ASSERT_PATCH_FAILS("{'mounts': [{'destination': '/m', 'options': ['idmap'], "
                           "'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 0}]}]}",
                           "config.json: mounts[0].uidMappings[0].size: must be greater than 0");
        ASSERT_PATCH_FAILS("{'linux': {'uidMappings': [{'containerID': 4294967295, 'hostID': 0, 'size': 2}]}}",
                           "config.json: linux.uidMappings[0].size: range exceeds the 32-bit id space");
        ASSERT_PATCH_FAILS("{'linux': {'namespaces': [{'type': 'user'}]}}",
                           "config.json: linux.uidMappings: a new user namespace needs at least one mapping");
        ASSERT_PATCH_FAILS("{'linux': {'namespaces': [{'type': 'user'}], "
                           "'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10}]}}",
                           "config.json: linux.gidMappings: a new user namespace needs at least one mapping");
}

TEST(spec_hooks)
{
        ASSERT_PATCH_FAILS("{'hooks': {'prestart': [{'path': 'hook'}]}}",
                           "config.json: hooks.prestart[0].path: must be an absolute path, got `hook`");
        ASSERT_PATCH_FAILS("{'hooks': {'poststop': [{'path': '/bin/true'}, {'path': '/bin/true', 'timeout': 0}]}}",
                           "config.json: hooks.poststop[1].timeout: must be greater than 0");
        ASSERT_PATCH_FAILS("{'hooks': {'createRuntime': [{'args': ['x']}]}}",
                           "config.json: hooks.createRuntime[0].path: missing");
        ASSERT_PATCH_FAILS("{'hooks': []}", "config.json: hooks: must be an object");
}

TEST(spec_seccomp_shapes)
{
        ASSERT_PATCH_FAILS("{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': "
                           "['clone'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 6, 'value': 1, "
                           "'op': 'SCMP_CMP_EQ'}]}]}}}",
                           "config.json: linux.seccomp.syscalls[0].args[0].index: must be an integer between 0 and 5");
        ASSERT_PATCH_FAILS("{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': "
                           "['clone'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 0, 'value': 1, "
                           "'op': 'SCMP_CMP_FOO'}]}]}}}",
                           "config.json: linux.seccomp.syscalls[0].args[0].op: "
                           "unknown seccomp operator `SCMP_CMP_FOO`");
        ASSERT_PATCH_FAILS("{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': [], "
                           "'action': 'SCMP_ACT_ALLOW'}]}}}",
                           "config.json: linux.seccomp.syscalls[0].names: must not be empty");
        ASSERT_PATCH_FAILS("{'linux': {'seccomp': {'defaultAction': 'ALLOW'}}}",
                           "config.json: linux.seccomp.defaultAction: unknown seccomp action `ALLOW`");
}

TEST(spec_enums)
{
        ASSERT_PATCH_FAILS("{'linux': {'rootfsPropagation': 'everywhere'}}",
                           "config.json: linux.rootfsPropagation: unknown propagation `everywhere`");
        ASSERT_PATCH_FAILS("{'linux': {'personality': {'domain': 'BSD'}}}",
                           "config.json: linux.personality.domain: must be `LINUX` or `LINUX32`, got `BSD`");
        ASSERT_PATCH_FAILS("{'linux': {'timeOffsets': {'realtime': {'secs': 1}}}}",
                           "config.json: linux.timeOffsets.realtime: unknown clock `realtime`");
        ASSERT_PATCH_FAILS("{'process': {'ioPriority': {'class': 'IOPRIO_CLASS_FAST'}}}",
                           "config.json: process.ioPriority.class: unknown I/O priority class `IOPRIO_CLASS_FAST`");
        ASSERT_PATCH_FAILS("{'process': {'scheduler': {'policy': 'SCHED_FAST'}}}",
                           "config.json: process.scheduler.policy: unknown scheduler policy `SCHED_FAST`");
        ASSERT_PATCH_FAILS("{'process': {'scheduler': {'policy': 'SCHED_RR', 'flags': ['SCHED_FLAG_X']}}}",
                           "config.json: process.scheduler.flags[0]: unknown scheduler flag `SCHED_FLAG_X`");
}

TEST(spec_device_file_mode_keeps_only_permissions)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;

        /* podman sends the host node's st_mode: S_IFCHR | 0666. */
        ASSERT_OK(parse_patched("{'linux': {'devices': [{'path': '/dev/xnull', 'type': 'c', 'major': 1, "
                                "'minor': 3, 'fileMode': 8630}]}}",
                                &spec, &err),
                  err);
        ASSERT_EQ_UINT(spec->linux->devices[0].file_mode, 0666);
}

/* libcap's cap_from_name also takes "CAP_sys_admin" and "CAP_SYS_ADMIN,x": the policy would not see them. */
TEST(spec_capability_names_are_exact)
{
        ASSERT_PATCH_FAILS("{'process': {'capabilities': {'bounding': ['CAP_sys_admin']}}}",
                           "config.json: process.capabilities.bounding[0]: unknown capability `CAP_sys_admin`");
        ASSERT_PATCH_FAILS("{'process': {'capabilities': {'effective': ['CAP_CHOWN', 'CAP_SYS_ADMIN ']}}}",
                           "config.json: process.capabilities.effective[1]: unknown capability `CAP_SYS_ADMIN `");
        ASSERT_PATCH_FAILS("{'process': {'capabilities': {'permitted': ['CAP_SYS_ADMIN,CAP_CHOWN']}}}",
                           "unknown capability `CAP_SYS_ADMIN,CAP_CHOWN`");
}

/* One directory, one spelling: the policy and the rootfs code compare destinations as strings. */
TEST(spec_clean_paths_are_squashed)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_error_ brig_error *err = NULL;

        ASSERT_OK(parse_patched("{'mounts': [{'destination': '/dev//./', 'type': 'bind', 'source': '/dev'},"
                                "{'destination': '//', 'type': 'tmpfs'}, {'destination': '/.a/./b.', 'type': 'tmpfs'}],"
                                "'linux': {'maskedPaths': ['/proc//kcore/'],"
                                "'devices': [{'path': '/dev/./xnull', 'type': 'c', 'major': 1, 'minor': 3}]}}",
                                &spec, &err),
                  err);
        ASSERT_STREQ(spec->mounts[0].destination, "/dev");
        ASSERT_STREQ(spec->mounts[1].destination, "/");
        ASSERT_STREQ(spec->mounts[2].destination, "/.a/b.");
        ASSERT_STREQ(spec->linux->masked_paths[0], "/proc/kcore");
        ASSERT_STREQ(spec->linux->devices[0].path, "/dev/xnull");
}
