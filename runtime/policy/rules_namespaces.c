/* SPDX-License-Identifier: Apache-2.0 */
/*
 * namespaces.host: the container must not share the host's pid, ipc, uts, mount or network
 * namespace, neither by leaving it out nor by joining PID 1's by path. Joining another
 * container's namespace (a Kubernetes pod) stays allowed. A missing cgroup namespace is added.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

int policy_ns_is_host(const char *ns_path, const char *host_ns_path, bool *ret, brig_error **err)
{
        struct stat ns, host;

        if (stat(ns_path, &ns) < 0)
                return brig_syserr(err, "stat `%s`", ns_path);
        if (stat(host_ns_path, &host) < 0)
                return brig_syserr(err, "stat `%s`", host_ns_path);
        *ret = ns.st_dev == host.st_dev && ns.st_ino == host.st_ino;
        return 0;
}

/* /proc/<pid>/ns/ names the network namespace "net", the spec "network". */
static const char *proc_ns_name(enum spec_namespace_type t)
{
        return t == SPEC_NS_NETWORK ? "net" : spec_namespace_type_name(t);
}

/* Is ns_path the namespace found under dir? A dir we may not read (PID 1 of a sandbox) says nothing. */
static int same_as(const char *ns_path, const char *dir, enum spec_namespace_type t, bool *ret, brig_error **err)
{
        _cleanup_free_ char *ref = xasprintf("%s/%s", dir, proc_ns_name(t));
        struct stat st;

        *ret = false;
        if (stat(ref, &st) < 0 && (errno == EACCES || errno == EPERM))
                return 0;
        return policy_ns_is_host(ns_path, ref, ret, err);
}

static void check_joined(struct rule_ctx *c, size_t i, const struct spec_namespace *ns)
{
        const char *type = spec_namespace_type_name(ns->type);
        _cleanup_free_ char *path = xasprintf("linux.namespaces[%zu].path", i);
        _cleanup_error_ brig_error *err = NULL;
        bool is_host = false, is_runtime = false;

        /* The runtime's own namespace is the host's as far as this container is concerned. */
        if (same_as(ns->path, c->policy->host_ns_dir, ns->type, &is_host, &err) < 0 ||
            same_as(ns->path, "/proc/self/ns", ns->type, &is_runtime, &err) < 0) {
                _cleanup_free_ char *why = brig_error_text(err);

                /* Fail closed: a namespace that cannot be compared could be the host's. */
                rule_violation(c, path, "cannot tell whether `%s` is the host's %s namespace: %s", ns->path, type,
                               why);
        } else if (is_host || is_runtime)
                rule_violation(c, path, "`%s` is the host's %s namespace", ns->path, type);
}

static void add_cgroup_namespace(struct spec_linux *l)
{
        l->namespaces = xrealloc(l->namespaces, (l->n_namespaces + 1) * sizeof(*l->namespaces));
        l->namespaces[l->n_namespaces++] = (struct spec_namespace){ .type = SPEC_NS_CGROUP };
}

void rule_namespaces_host(struct rule_ctx *c)
{
        struct spec_linux *l = spec_linux_get(c->spec);
        char **required = c->policy->lists[LIST_HOST_NAMESPACES];

        for (size_t i = 0; required[i] != NULL; i++) {
                bool present = false;

                for (size_t j = 0; j < l->n_namespaces; j++)
                        present = present || streq_ptr(spec_namespace_type_name(l->namespaces[j].type), required[i]);
                if (!present)
                        rule_violation(c, "linux.namespaces", "no %s namespace: the container would share the host's",
                                       required[i]);
        }
        for (size_t i = 0; i < l->n_namespaces; i++)
                if (l->namespaces[i].path != NULL)
                        check_joined(c, i, &l->namespaces[i]);
        /* Not a refusal: Docker on cgroup v1 sends no cgroup namespace. */
        if (spec_namespace_find(c->spec, SPEC_NS_CGROUP) == NULL &&
            rule_fix(c, "linux.namespaces", "no cgroup namespace", "a private one added"))
                add_cgroup_namespace(l);
}
