/* SPDX-License-Identifier: Apache-2.0 */
/* nnp.force, sysctl.allowed, lsm.unconfined and user.root: the process-level rules. */
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

void rule_nnp_force(struct rule_ctx *c)
{
        struct spec_process *p = c->spec->process;

        if (p != NULL && !p->no_new_privileges &&
            rule_loose(c, "process.noNewPrivileges", "noNewPrivileges is off", "turned on"))
                p->no_new_privileges = true;
}

/* "kernel.shm*" matches by prefix, anything else exactly. Keys may use '/' (runc accepts both). */
static bool sysctl_matches(char **patterns, const char *key)
{
        _cleanup_free_ char *dotted = xstrdup(key);

        for (char *s = dotted; *s != '\0'; s++)
                if (*s == '/')
                        *s = '.';
        for (size_t i = 0; patterns[i] != NULL; i++) {
                size_t n = strlen(patterns[i]);

                if (n > 0 && patterns[i][n - 1] == '*' ? strncmp(dotted, patterns[i], n - 1) == 0
                                                       : strcmp(dotted, patterns[i]) == 0)
                        return true;
        }
        return false;
}

void rule_sysctl_allowed(struct rule_ctx *c)
{
        const struct spec_linux *l = c->spec->linux;
        bool private_net = spec_namespace_find(c->spec, SPEC_NS_NETWORK) != NULL;

        for (size_t i = 0; l != NULL && i < l->n_sysctl; i++) {
                const char *key = l->sysctl[i].key;
                _cleanup_free_ char *path = NULL;

                if (sysctl_matches(c->policy->lists[LIST_SYSCTLS], key))
                        continue;
                path = xasprintf("linux.sysctl.%s", key);
                if (!sysctl_matches(c->policy->lists[LIST_NET_SYSCTLS], key))
                        rule_violation(c, path, "`%s` is not a namespaced sysctl the policy allows", key);
                else if (!private_net)
                        rule_violation(c, path, "`%s` needs a private network namespace", key);
        }
}

/* The type field of "user:role:type[:level]"; NULL when the label has no type. */
static char *selinux_type(const char *label)
{
        const char *start = strchr(label, ':');
        const char *end;

        if (start == NULL || (start = strchr(start + 1, ':')) == NULL)
                return NULL;
        start++;
        end = strchr(start, ':');
        return end != NULL ? xstrndup(start, end - start) : xstrdup(start);
}

void rule_lsm_unconfined(struct rule_ctx *c)
{
        const struct spec_process *p = c->spec->process;
        _cleanup_free_ char *type = NULL;

        if (p == NULL)
                return;
        if (streq_ptr(p->apparmor_profile, "unconfined"))
                rule_violation(c, "process.apparmorProfile", "`unconfined` runs the container without AppArmor");
        if (p->selinux_label == NULL)
                return;
        type = selinux_type(p->selinux_label);
        if (type == NULL || !strv_contains(c->policy->lists[LIST_SELINUX_TYPES], type))
                rule_violation(c, "process.selinuxLabel", "`%s` does not have a container type", p->selinux_label);
}

/* The host uid that container uid 0 maps to, or -1 when it is not mapped. */
static int64_t host_uid_of_root(const struct spec_linux *l)
{
        for (size_t i = 0; i < l->n_uid_mappings; i++)
                if (l->uid_mappings[i].container_id == 0)
                        return l->uid_mappings[i].host_id;
        return -1;
}

void rule_user_root(struct rule_ctx *c)
{
        const struct spec_namespace *userns = spec_namespace_find(c->spec, SPEC_NS_USER);

        if (c->spec->process == NULL || c->spec->process->user.uid != 0)
                return;
        if (userns == NULL)
                rule_violation(c, "process.user.uid", "uid 0 without a user namespace is root on the host");
        /* A joined user namespace (path) has its mappings elsewhere; the host's is namespaces.host's. */
        else if (userns->path == NULL && host_uid_of_root(c->spec->linux) == 0)
                rule_violation(c, "linux.uidMappings", "uid 0 is mapped to host uid 0");
}
