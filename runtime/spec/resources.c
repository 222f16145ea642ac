/* SPDX-License-Identifier: Apache-2.0 */
/* `linux.resources` (also `update --resources`): cgroup limits and device rules. */
#include <stdlib.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "spec-internal.h"

static int parse_device_rule(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_device_rule *d = elem;
        struct jpath allow_at = JPATH_KEY(at, "allow");
        struct jpath type_at = JPATH_KEY(at, "type");
        struct jpath access_at = JPATH_KEY(at, "access");
        _cleanup_free_ char *type = NULL;
        const cJSON *allow = NULL;

        d->type = 'a';
        d->major = d->minor = -1;
        if (json_require(node, "allow", at, &allow, err) < 0 || json_as_bool(allow, &allow_at, &d->allow, err) < 0 ||
            json_opt_string(node, "type", at, &type, err) < 0 ||
            json_opt_int64(node, "major", at, -1, INT64_MAX, &d->major, NULL, err) < 0 ||
            json_opt_int64(node, "minor", at, -1, INT64_MAX, &d->minor, NULL, err) < 0 ||
            json_opt_string(node, "access", at, &d->access, err) < 0)
                return -1;
        if (type != NULL) {
                if (strlen(type) != 1 || strchr("acb", type[0]) == NULL)
                        return jpath_err(&type_at, err, "must be one of `a`, `c`, `b`, got `%s`", type);
                d->type = type[0];
        }
        if (d->access == NULL)
                d->access = xstrdup("rwm");
        if (d->access[0] == '\0' || strspn(d->access, "rwm") != strlen(d->access))
                return jpath_err(&access_at, err, "must be a combination of `r`, `w`, `m`, got `%s`", d->access);
        return 0;
}

static int parse_memory(const cJSON *node, const struct jpath *at, void *memory, brig_error **err)
{
        struct spec_memory *m = memory;
        struct jpath swappiness_at = JPATH_KEY(at, "swappiness");

        /* -1 means unlimited for the byte counts. */
        if (json_opt_int64(node, "limit", at, -1, INT64_MAX, &m->limit, &m->has_limit, err) < 0 ||
            json_opt_int64(node, "reservation", at, -1, INT64_MAX, &m->reservation, &m->has_reservation, err) < 0 ||
            json_opt_int64(node, "swap", at, -1, INT64_MAX, &m->swap, &m->has_swap, err) < 0 ||
            json_opt_int64(node, "kernel", at, -1, INT64_MAX, &m->kernel, &m->has_kernel, err) < 0 ||
            json_opt_int64(node, "kernelTCP", at, -1, INT64_MAX, &m->kernel_tcp, &m->has_kernel_tcp, err) < 0 ||
            json_opt_uint64(node, "swappiness", at, &m->swappiness, &m->has_swappiness, err) < 0 ||
            json_opt_bool(node, "disableOOMKiller", at, &m->disable_oom_killer, &m->has_disable_oom_killer, err) < 0 ||
            json_opt_bool(node, "useHierarchy", at, &m->use_hierarchy, &m->has_use_hierarchy, err) < 0 ||
            json_opt_bool(node, "checkBeforeUpdate", at, &m->check_before_update, &m->has_check_before_update,
                          err) < 0)
                return -1;
        if (m->has_swappiness && m->swappiness > 100)
                return jpath_err(&swappiness_at, err, "must be an integer between 0 and 100");
        return 0;
}

static int parse_cpu(const cJSON *node, const struct jpath *at, void *cpu, brig_error **err)
{
        struct spec_cpu *c = cpu;

        if (json_opt_uint64(node, "shares", at, &c->shares, &c->has_shares, err) < 0 ||
            json_opt_int64(node, "quota", at, -1, INT64_MAX, &c->quota, &c->has_quota, err) < 0 ||
            json_opt_uint64(node, "burst", at, &c->burst, &c->has_burst, err) < 0 ||
            json_opt_uint64(node, "period", at, &c->period, &c->has_period, err) < 0 ||
            json_opt_int64(node, "realtimeRuntime", at, INT64_MIN, INT64_MAX, &c->realtime_runtime,
                           &c->has_realtime_runtime, err) < 0 ||
            json_opt_uint64(node, "realtimePeriod", at, &c->realtime_period, &c->has_realtime_period, err) < 0 ||
            json_opt_string(node, "cpus", at, &c->cpus, err) < 0 ||
            json_opt_string(node, "mems", at, &c->mems, err) < 0 ||
            json_opt_int64(node, "idle", at, INT64_MIN, INT64_MAX, &c->idle, &c->has_idle, err) < 0)
                return -1;
        return 0;
}

static int parse_device_numbers(const cJSON *node, const struct jpath *at, int64_t *major, int64_t *minor,
                                brig_error **err)
{
        if (json_req_int64(node, "major", at, 0, INT64_MAX, major, err) < 0 ||
            json_req_int64(node, "minor", at, 0, INT64_MAX, minor, err) < 0)
                return -1;
        return 0;
}

static int parse_weight_device(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_weight_device *w = elem;

        if (parse_device_numbers(node, at, &w->major, &w->minor, err) < 0 ||
            json_opt_int(node, "weight", at, 0, UINT16_MAX, &w->weight, &w->has_weight, err) < 0 ||
            json_opt_int(node, "leafWeight", at, 0, UINT16_MAX, &w->leaf_weight, &w->has_leaf_weight, err) < 0)
                return -1;
        return 0;
}

static int parse_throttle_device(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_throttle_device *t = elem;

        if (parse_device_numbers(node, at, &t->major, &t->minor, err) < 0 ||
            json_req_uint64(node, "rate", at, &t->rate, err) < 0)
                return -1;
        return 0;
}

static int parse_block_io(const cJSON *node, const struct jpath *at, void *block_io, brig_error **err)
{
        struct spec_block_io *b = block_io;

        if (json_opt_int(node, "weight", at, 0, UINT16_MAX, &b->weight, &b->has_weight, err) < 0 ||
            json_opt_int(node, "leafWeight", at, 0, UINT16_MAX, &b->leaf_weight, &b->has_leaf_weight, err) < 0 ||
            json_opt_array_of(node, "weightDevice", at, sizeof(*b->weight_device), parse_weight_device,
                              &b->weight_device, &b->n_weight_device, err) < 0 ||
            json_opt_array_of(node, "throttleReadBpsDevice", at, sizeof(*b->throttle_read_bps),
                              parse_throttle_device, &b->throttle_read_bps, &b->n_throttle_read_bps, err) < 0 ||
            json_opt_array_of(node, "throttleWriteBpsDevice", at, sizeof(*b->throttle_write_bps),
                              parse_throttle_device, &b->throttle_write_bps, &b->n_throttle_write_bps, err) < 0 ||
            json_opt_array_of(node, "throttleReadIOPSDevice", at, sizeof(*b->throttle_read_iops),
                              parse_throttle_device, &b->throttle_read_iops, &b->n_throttle_read_iops, err) < 0 ||
            json_opt_array_of(node, "throttleWriteIOPSDevice", at, sizeof(*b->throttle_write_iops),
                              parse_throttle_device, &b->throttle_write_iops, &b->n_throttle_write_iops, err) < 0)
                return -1;
        return 0;
}

static int parse_hugepage_limit(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_hugepage_limit *h = elem;

        if (json_req_string(node, "pageSize", at, &h->page_size, err) < 0 ||
            json_req_uint64(node, "limit", at, &h->limit, err) < 0)
                return -1;
        return 0;
}

static int parse_net_priority(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_net_priority *p = elem;

        if (json_req_string(node, "name", at, &p->name, err) < 0 ||
            json_req_int(node, "priority", at, 0, UINT32_MAX, &p->priority, err) < 0)
                return -1;
        return 0;
}

static int parse_network(const cJSON *node, const struct jpath *at, struct spec_resources *r, brig_error **err)
{
        if (json_opt_int(node, "classID", at, 0, UINT32_MAX, &r->net_class_id, &r->has_net_class_id, err) < 0 ||
            json_opt_array_of(node, "priorities", at, sizeof(*r->net_priorities), parse_net_priority,
                              &r->net_priorities, &r->n_net_priorities, err) < 0)
                return -1;
        return 0;
}

int spec_resources_parse_object(const cJSON *node, const struct jpath *at, void *resources, brig_error **err)
{
        struct spec_resources *res = resources;
        struct jpath pids_at = JPATH_KEY(at, "pids");
        struct jpath network_at = JPATH_KEY(at, "network");
        const cJSON *pids = NULL, *network = NULL;

        if (json_opt_array_of(node, "devices", at, sizeof(*res->devices), parse_device_rule, &res->devices,
                              &res->n_devices, err) < 0 ||
            json_opt_object(node, "pids", at, &pids, err) < 0 ||
            (pids != NULL && json_opt_int64(pids, "limit", &pids_at, INT64_MIN, INT64_MAX, &res->pids_limit,
                                            &res->has_pids_limit, err) < 0) ||
            json_opt_array_of(node, "hugepageLimits", at, sizeof(*res->hugepage_limits), parse_hugepage_limit,
                              &res->hugepage_limits, &res->n_hugepage_limits, err) < 0 ||
            json_opt_object(node, "network", at, &network, err) < 0 ||
            (network != NULL && parse_network(network, &network_at, res, err) < 0) ||
            json_opt_string_map(node, "unified", at, &res->unified, &res->n_unified, err) < 0 ||
            json_opt_new_object(node, "memory", at, sizeof(*res->memory), parse_memory, &res->memory, err) < 0 ||
            json_opt_new_object(node, "cpu", at, sizeof(*res->cpu), parse_cpu, &res->cpu, err) < 0 ||
            json_opt_new_object(node, "blockIO", at, sizeof(*res->block_io), parse_block_io, &res->block_io, err) < 0)
                return -1;
        return 0;
}

static void block_io_free(struct spec_block_io *b)
{
        if (b == NULL)
                return;
        free(b->weight_device);
        free(b->throttle_read_bps);
        free(b->throttle_write_bps);
        free(b->throttle_read_iops);
        free(b->throttle_write_iops);
        free(b);
}

void spec_resources_free(struct spec_resources *r)
{
        if (r == NULL)
                return;
        for (size_t i = 0; i < r->n_devices; i++)
                free(r->devices[i].access);
        free(r->devices);
        free(r->memory);
        if (r->cpu != NULL) {
                free(r->cpu->cpus);
                free(r->cpu->mems);
                free(r->cpu);
        }
        block_io_free(r->block_io);
        for (size_t i = 0; i < r->n_hugepage_limits; i++)
                free(r->hugepage_limits[i].page_size);
        free(r->hugepage_limits);
        for (size_t i = 0; i < r->n_net_priorities; i++)
                free(r->net_priorities[i].name);
        free(r->net_priorities);
        spec_key_values_free(r->unified, r->n_unified);
        free(r);
}

int spec_parse_resources(const char *json, size_t len, const char *what, struct spec_resources **ret,
                         brig_error **err)
{
        struct spec_resources *res = NULL;

        if (json_parse_root(json, len, what, sizeof(*res), spec_resources_parse_object, &res, err) < 0) {
                spec_resources_free(res);
                return -1;
        }
        *ret = res;
        return 0;
}
