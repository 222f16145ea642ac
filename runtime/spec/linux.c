/* SPDX-License-Identifier: Apache-2.0 */
/* The `linux` object: namespaces, id mappings, devices, paths, sysctl and the smaller knobs. */
#include <stdlib.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "spec-internal.h"

static const char *const namespace_names[SPEC_NS__COUNT] = {
        [SPEC_NS_PID] = "pid",   [SPEC_NS_NETWORK] = "network", [SPEC_NS_MOUNT] = "mount",
        [SPEC_NS_IPC] = "ipc",   [SPEC_NS_UTS] = "uts",         [SPEC_NS_USER] = "user",
        [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

const char *spec_namespace_type_name(enum spec_namespace_type t)
{
        return (unsigned) t < SPEC_NS__COUNT ? namespace_names[t] : NULL;
}

static int namespace_type_from_name(const char *name, enum spec_namespace_type *ret)
{
        for (int t = 0; t < SPEC_NS__COUNT; t++)
                if (strcmp(namespace_names[t], name) == 0) {
                        *ret = (enum spec_namespace_type) t;
                        return 0;
                }
        return -1;
}

static int parse_namespace(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_namespace *ns = elem;
        struct jpath type_at = JPATH_KEY(at, "type");
        struct jpath path_at = JPATH_KEY(at, "path");
        _cleanup_free_ char *type = NULL;
        const cJSON *path = NULL;

        if (json_req_string(node, "type", at, &type, err) < 0)
                return -1;
        if (namespace_type_from_name(type, &ns->type) < 0)
                return jpath_err(&type_at, err, "unknown namespace type `%s`", type);
        path = json_member(node, "path");
        if (path != NULL && json_as_abs_path(path, &path_at, &ns->path, err) < 0)
                return -1;
        return 0;
}

static int parse_namespaces(const cJSON *node, const struct jpath *at, struct spec_linux *l, brig_error **err)
{
        struct jpath list_at = JPATH_KEY(at, "namespaces");
        bool seen[SPEC_NS__COUNT] = { false };

        if (json_opt_array_of(node, "namespaces", at, sizeof(*l->namespaces), parse_namespace, &l->namespaces,
                              &l->n_namespaces, err) < 0)
                return -1;
        for (size_t i = 0; i < l->n_namespaces; i++) {
                struct jpath item_at = JPATH_INDEX(&list_at, i);
                struct jpath type_at = JPATH_KEY(&item_at, "type");
                enum spec_namespace_type t = l->namespaces[i].type;

                if (seen[t])
                        return jpath_err(&type_at, err, "duplicate namespace type `%s`", namespace_names[t]);
                seen[t] = true;
        }
        return 0;
}

static int parse_id_mapping(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_id_mapping *m = elem;
        struct jpath size_at = JPATH_KEY(at, "size");

        if (json_req_int(node, "containerID", at, 0, UINT32_MAX, &m->container_id, err) < 0 ||
            json_req_int(node, "hostID", at, 0, UINT32_MAX, &m->host_id, err) < 0 ||
            json_req_int(node, "size", at, 0, UINT32_MAX, &m->size, err) < 0)
                return -1;
        if (m->size == 0)
                return jpath_err(&size_at, err, "must be greater than 0");
        if ((uint64_t) m->container_id + m->size > (uint64_t) UINT32_MAX + 1 ||
            (uint64_t) m->host_id + m->size > (uint64_t) UINT32_MAX + 1)
                return jpath_err(&size_at, err, "range exceeds the 32-bit id space");
        return 0;
}

static bool ranges_overlap(uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b)
{
        return (uint64_t) a < (uint64_t) b + size_b && (uint64_t) b < (uint64_t) a + size_a;
}

/* The kernel refuses a map whose ranges overlap on either side. */
static int check_id_mappings_disjoint(const struct spec_id_mapping *m, size_t n, const struct jpath *list_at,
                                      brig_error **err)
{
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < i; j++) {
                        struct jpath item_at = JPATH_INDEX(list_at, i);
                        struct jpath other_at = JPATH_INDEX(list_at, j);
                        _cleanup_free_ char *other = jpath_render(&other_at);

                        if (ranges_overlap(m[i].container_id, m[j].container_id, m[i].size, m[j].size))
                                return jpath_err(&item_at, err, "containerID range overlaps %s", other);
                        if (ranges_overlap(m[i].host_id, m[j].host_id, m[i].size, m[j].size))
                                return jpath_err(&item_at, err, "hostID range overlaps %s", other);
                }
        return 0;
}

int spec_id_mappings_parse(const cJSON *obj, const char *key, const struct jpath *at, struct spec_id_mapping **ret,
                           size_t *ret_n, brig_error **err)
{
        struct jpath list_at = JPATH_KEY(at, key);

        if (json_opt_array_of(obj, key, at, sizeof(**ret), parse_id_mapping, ret, ret_n, err) < 0)
                return -1;
        return check_id_mappings_disjoint(*ret, *ret_n, &list_at, err);
}

static int parse_device(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_device *d = elem;
        struct jpath path_at = JPATH_KEY(at, "path");
        struct jpath type_at = JPATH_KEY(at, "type");
        _cleanup_free_ char *type = NULL;
        const cJSON *path = NULL;

        if (json_require(node, "path", at, &path, err) < 0 ||
            json_as_clean_abs_path(path, &path_at, &d->path, err) < 0 ||
            json_req_string(node, "type", at, &type, err) < 0)
                return -1;
        if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL)
                return jpath_err(&type_at, err, "must be one of `c`, `b`, `u`, `p`, got `%s`", type);
        d->type = type[0];
        /* FIFOs have no device number; the others need both. */
        if (d->type != 'p' && (json_req_int64(node, "major", at, 0, INT64_MAX, &d->major, err) < 0 ||
                               json_req_int64(node, "minor", at, 0, INT64_MAX, &d->minor, err) < 0))
                return -1;
        /* podman passes the host node's st_mode, file type bits included: only the permissions count. */
        if (json_opt_int(node, "fileMode", at, 0, 0177777, &d->file_mode, &d->has_file_mode, err) < 0 ||
            json_opt_int(node, "uid", at, 0, UINT32_MAX, &d->uid, &d->has_uid, err) < 0 ||
            json_opt_int(node, "gid", at, 0, UINT32_MAX, &d->gid, &d->has_gid, err) < 0)
                return -1;
        d->file_mode &= 07777;
        return 0;
}

static int parse_container_paths(const cJSON *node, const char *key, const struct jpath *at, char ***ret,
                                 brig_error **err)
{
        struct jpath list_at = JPATH_KEY(at, key);
        const cJSON *list = NULL, *item;
        size_t i = 0;
        int r;

        r = json_opt_array(node, key, at, &list, err);
        if (r <= 0)
                return r;
        *ret = xmalloc0(((size_t) cJSON_GetArraySize(list) + 1) * sizeof(char *));
        cJSON_ArrayForEach(item, list) {
                struct jpath item_at = JPATH_INDEX(&list_at, i);

                if (json_as_clean_abs_path(item, &item_at, &(*ret)[i], err) < 0)
                        return -1;
                i++;
        }
        return 0;
}

static int parse_rootfs_propagation(const cJSON *node, const struct jpath *at, struct spec_linux *l,
                                    brig_error **err)
{
        struct jpath prop_at = JPATH_KEY(at, "rootfsPropagation");
        _cleanup_free_ char *name = NULL;
        int r;

        r = json_opt_string(node, "rootfsPropagation", at, &name, err);
        if (r <= 0)
                return r;
        l->rootfs_propagation = spec_propagation_from_name(name);
        if (l->rootfs_propagation == SPEC_PROPAGATION_NONE)
                return jpath_err(&prop_at, err, "unknown propagation `%s`", name);
        return 0;
}

static int parse_personality(const cJSON *node, const struct jpath *at, void *personality, brig_error **err)
{
        struct spec_personality *p = personality;
        struct jpath domain_at = JPATH_KEY(at, "domain");

        if (json_req_string(node, "domain", at, &p->domain, err) < 0 ||
            json_opt_strv(node, "flags", at, &p->flags, err) < 0)
                return -1;
        if (strcmp(p->domain, "LINUX") != 0 && strcmp(p->domain, "LINUX32") != 0)
                return jpath_err(&domain_at, err, "must be `LINUX` or `LINUX32`, got `%s`", p->domain);
        return 0;
}

/* timeOffsets is an object keyed by clock: {"monotonic": {"secs": 1, "nanosecs": 0}}. */
static int parse_time_offsets(const cJSON *node, const struct jpath *at, struct spec_linux *l, brig_error **err)
{
        struct jpath offsets_at = JPATH_KEY(at, "timeOffsets");
        const cJSON *offsets = NULL, *item;
        int r;

        r = json_opt_object(node, "timeOffsets", at, &offsets, err);
        if (r <= 0)
                return r;
        l->time_offsets = xmalloc0(((size_t) cJSON_GetArraySize(offsets) + 1) * sizeof(*l->time_offsets));
        cJSON_ArrayForEach(item, offsets) {
                struct jpath clock_at = JPATH_KEY(&offsets_at, item->string);
                struct spec_time_offset *o = &l->time_offsets[l->n_time_offsets];

                if (strcmp(item->string, "monotonic") != 0 && strcmp(item->string, "boottime") != 0)
                        return jpath_err(&clock_at, err, "unknown clock `%s`", item->string);
                o->clock = xstrdup(item->string);
                l->n_time_offsets++;
                if (json_expect_object(item, &clock_at, err) < 0 ||
                    json_opt_int64(item, "secs", &clock_at, INT64_MIN, INT64_MAX, &o->secs, NULL, err) < 0 ||
                    json_opt_int(item, "nanosecs", &clock_at, 0, 999999999, &o->nanosecs, NULL, err) < 0)
                        return -1;
        }
        return 0;
}

static int parse_intel_rdt(const cJSON *node, const struct jpath *at, void *intel_rdt, brig_error **err)
{
        struct spec_intel_rdt *rdt = intel_rdt;

        if (json_opt_string(node, "closID", at, &rdt->clos_id, err) < 0 ||
            json_opt_string(node, "l3CacheSchema", at, &rdt->l3_cache_schema, err) < 0 ||
            json_opt_string(node, "memBwSchema", at, &rdt->mem_bw_schema, err) < 0)
                return -1;
        return 0;
}

/* A new user namespace without mappings leaves its root unmapped: nothing could be set up in it. */
static int check_user_namespace_mappings(const struct spec_linux *l, const struct jpath *at, brig_error **err)
{
        bool new_userns = false;

        for (size_t i = 0; i < l->n_namespaces; i++)
                new_userns = new_userns || (l->namespaces[i].type == SPEC_NS_USER && l->namespaces[i].path == NULL);
        if (!new_userns)
                return 0;
        if (l->n_uid_mappings == 0) {
                struct jpath key = JPATH_KEY(at, "uidMappings");
                return jpath_err(&key, err, "a new user namespace needs at least one mapping");
        }
        if (l->n_gid_mappings == 0) {
                struct jpath key = JPATH_KEY(at, "gidMappings");
                return jpath_err(&key, err, "a new user namespace needs at least one mapping");
        }
        return 0;
}

/* Offsets are a property of a new time namespace: without one they would be ignored. */
static int check_time_offsets(const struct spec_linux *l, const struct jpath *at, brig_error **err)
{
        struct jpath key = JPATH_KEY(at, "timeOffsets");

        if (l->n_time_offsets == 0)
                return 0;
        for (size_t i = 0; i < l->n_namespaces; i++)
                if (l->namespaces[i].type == SPEC_NS_TIME && l->namespaces[i].path == NULL)
                        return 0;
        return jpath_err(&key, err, "needs a new time namespace in linux.namespaces");
}

int spec_linux_parse(const cJSON *node, const struct jpath *at, void *linux_section, brig_error **err)
{
        struct spec_linux *l = linux_section;

        if (parse_namespaces(node, at, l, err) < 0 ||
            spec_id_mappings_parse(node, "uidMappings", at, &l->uid_mappings, &l->n_uid_mappings, err) < 0 ||
            spec_id_mappings_parse(node, "gidMappings", at, &l->gid_mappings, &l->n_gid_mappings, err) < 0 ||
            check_user_namespace_mappings(l, at, err) < 0 ||
            json_opt_array_of(node, "devices", at, sizeof(*l->devices), parse_device, &l->devices, &l->n_devices,
                              err) < 0 ||
            json_opt_string(node, "cgroupsPath", at, &l->cgroups_path, err) < 0 ||
            json_opt_string_map(node, "sysctl", at, &l->sysctl, &l->n_sysctl, err) < 0 ||
            parse_container_paths(node, "maskedPaths", at, &l->masked_paths, err) < 0 ||
            parse_container_paths(node, "readonlyPaths", at, &l->readonly_paths, err) < 0 ||
            parse_rootfs_propagation(node, at, l, err) < 0 ||
            json_opt_string(node, "mountLabel", at, &l->mount_label, err) < 0 ||
            parse_time_offsets(node, at, l, err) < 0 || check_time_offsets(l, at, err) < 0 ||
            json_opt_new_object(node, "resources", at, sizeof(*l->resources), spec_resources_parse_object,
                                &l->resources, err) < 0 ||
            json_opt_new_object(node, "seccomp", at, sizeof(*l->seccomp), spec_seccomp_parse_object, &l->seccomp,
                                err) < 0 ||
            json_opt_new_object(node, "personality", at, sizeof(*l->personality), parse_personality,
                                &l->personality, err) < 0 ||
            json_opt_new_object(node, "intelRdt", at, sizeof(*l->intel_rdt), parse_intel_rdt, &l->intel_rdt,
                                err) < 0)
                return -1;
        return 0;
}

static void personality_free(struct spec_personality *p)
{
        if (p == NULL)
                return;
        free(p->domain);
        strv_free(p->flags);
        free(p);
}

static void intel_rdt_free(struct spec_intel_rdt *rdt)
{
        if (rdt == NULL)
                return;
        free(rdt->clos_id);
        free(rdt->l3_cache_schema);
        free(rdt->mem_bw_schema);
        free(rdt);
}

void spec_linux_free(struct spec_linux *l)
{
        if (l == NULL)
                return;
        for (size_t i = 0; i < l->n_namespaces; i++)
                free(l->namespaces[i].path);
        free(l->namespaces);
        free(l->uid_mappings);
        free(l->gid_mappings);
        for (size_t i = 0; i < l->n_devices; i++)
                free(l->devices[i].path);
        free(l->devices);
        spec_resources_free(l->resources);
        free(l->cgroups_path);
        spec_key_values_free(l->sysctl, l->n_sysctl);
        strv_free(l->masked_paths);
        strv_free(l->readonly_paths);
        spec_seccomp_free(l->seccomp);
        free(l->mount_label);
        personality_free(l->personality);
        for (size_t i = 0; i < l->n_time_offsets; i++)
                free(l->time_offsets[i].clock);
        free(l->time_offsets);
        intel_rdt_free(l->intel_rdt);
        free(l);
}
