/* SPDX-License-Identifier: Apache-2.0 */
/* caps.privileged (refuse capabilities that open a way out) and caps.allowlist (grant requested ∩ allowed). */
#include <stdlib.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

struct cap_set {
        const char *name;
        char ***caps;
};

/* The five sets in the order of the OCI spec; sets that are absent have *caps == NULL. */
static void cap_sets(struct spec_capabilities *c, struct cap_set out[5])
{
        out[0] = (struct cap_set){ "bounding", &c->bounding };
        out[1] = (struct cap_set){ "effective", &c->effective };
        out[2] = (struct cap_set){ "inheritable", &c->inheritable };
        out[3] = (struct cap_set){ "permitted", &c->permitted };
        out[4] = (struct cap_set){ "ambient", &c->ambient };
}

static char *cap_path(const struct cap_set *s, size_t i)
{
        return xasprintf("process.capabilities.%s[%zu]", s->name, i);
}

void rule_caps_privileged(struct rule_ctx *c)
{
        char **privileged = c->policy->lists[LIST_PRIVILEGED_CAPS];
        struct cap_set sets[5];

        if (c->spec->process == NULL || c->spec->process->capabilities == NULL)
                return;
        cap_sets(c->spec->process->capabilities, sets);
        for (size_t s = 0; s < ARRAY_SIZE(sets); s++)
                for (size_t i = 0; *sets[s].caps != NULL && (*sets[s].caps)[i] != NULL; i++) {
                        const char *name = (*sets[s].caps)[i];
                        _cleanup_free_ char *path = NULL;

                        if (!strv_contains(privileged, name))
                                continue;
                        path = cap_path(&sets[s], i);
                        rule_violation(c, path, "%s is privileged", name);
                }
}

/* Keeps the entries of *v for which keep() holds; v stays NULL-terminated. */
static void strv_filter(char **v, bool (*keep)(const char *name, void *data), void *data)
{
        size_t out = 0;

        if (v == NULL)
                return;
        for (size_t i = 0; v[i] != NULL; i++) {
                if (keep(v[i], data))
                        v[out++] = v[i];
                else
                        free(v[i]);
        }
        v[out] = NULL;
}

static bool is_allowed(const char *name, void *allow)
{
        return strv_contains(allow, name);
}

/* One decision per capability name (not per set), at its first occurrence. Returns whether to drop. */
static bool report_disallowed(struct rule_ctx *c, struct cap_set sets[5])
{
        char **allow = c->policy->lists[LIST_ALLOWED_CAPS];
        _cleanup_strv_ char **seen = NULL;
        bool drop = false;

        for (size_t s = 0; s < 5; s++)
                for (size_t i = 0; *sets[s].caps != NULL && (*sets[s].caps)[i] != NULL; i++) {
                        const char *name = (*sets[s].caps)[i];
                        _cleanup_free_ char *path = NULL, *problem = NULL;

                        if (strv_contains(allow, name) || strv_contains(seen, name))
                                continue;
                        strv_push(&seen, name);
                        path = cap_path(&sets[s], i);
                        problem = xasprintf("`%s` is not in the allowlist", name);
                        drop = rule_loose(c, path, problem, "dropped from every set");
                }
        return drop;
}

struct ambient_ok {
        char **permitted, **inheritable;
};

/* The kernel raises an ambient capability only when it is permitted and inheritable. */
static bool ambient_possible(const char *name, void *data)
{
        const struct ambient_ok *ok = data;

        return strv_contains(ok->permitted, name) && strv_contains(ok->inheritable, name);
}

static void check_ambient(struct rule_ctx *c, struct spec_capabilities *caps)
{
        struct ambient_ok ok = { caps->permitted, caps->inheritable };
        bool drop = false;

        for (size_t i = 0; caps->ambient != NULL && caps->ambient[i] != NULL; i++) {
                _cleanup_free_ char *path = xasprintf("process.capabilities.ambient[%zu]", i);
                _cleanup_free_ char *problem =
                        xasprintf("`%s` is ambient but not both permitted and inheritable", caps->ambient[i]);

                if (!ambient_possible(caps->ambient[i], &ok))
                        drop = rule_loose(c, path, problem, "dropped from ambient");
        }
        if (drop)
                strv_filter(caps->ambient, ambient_possible, &ok);
}

void rule_caps_allowlist(struct rule_ctx *c)
{
        struct spec_capabilities *caps;
        struct cap_set sets[5];

        /* Without process.capabilities every capability is dropped already. */
        if (c->spec->process == NULL || c->spec->process->capabilities == NULL)
                return;
        caps = c->spec->process->capabilities;
        cap_sets(caps, sets);
        if (report_disallowed(c, sets))
                for (size_t s = 0; s < ARRAY_SIZE(sets); s++)
                        strv_filter(*sets[s].caps, is_allowed, c->policy->lists[LIST_ALLOWED_CAPS]);
        check_ambient(c, caps);
}
