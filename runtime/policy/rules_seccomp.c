/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp.required: a config without a profile gets brig's default one; a profile that allows
 * everything is refused. seccomp.floor: a second filter, whatever the config's profile says.
 */
#include <errno.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

#define CLONE_NEWUSER_FLAG 0x10000000ULL

static bool is_permissive_action(const char *action)
{
        return streq_ptr(action, "SCMP_ACT_ALLOW") || streq_ptr(action, "SCMP_ACT_LOG");
}

/* A rule that stops something; an allow-by-default profile without one confines nothing. */
static bool has_restricting_rule(const struct spec_seccomp *s)
{
        for (size_t i = 0; i < s->n_syscalls; i++)
                if (!is_permissive_action(s->syscalls[i].action))
                        return true;
        return false;
}

static char **granted_caps(const struct brig_spec *spec)
{
        if (spec->process == NULL || spec->process->capabilities == NULL)
                return NULL;
        return spec->process->capabilities->bounding;
}

void rule_seccomp_required(struct rule_ctx *c)
{
        struct spec_linux *l = spec_linux_get(c->spec);

        if (l->seccomp == NULL) {
                if (rule_loose(c, "linux.seccomp", "no seccomp profile", "brig's default profile applied"))
                        l->seccomp = policy_default_seccomp(granted_caps(c->spec));
                return;
        }
        if (is_permissive_action(l->seccomp->default_action) && !has_restricting_rule(l->seccomp))
                rule_violation(c, "linux.seccomp.defaultAction",
                               "`%s` without any restricting rule confines nothing", l->seccomp->default_action);
}

void rule_seccomp_floor(struct rule_ctx *c)
{
        const struct spec_seccomp *floor = c->policy->floor;

        if (floor != NULL)
                rule_hardened(c, "linux.seccomp", "a second filter denies %zu syscalls%s",
                              strv_length(c->policy->lists[LIST_FLOOR_SYSCALLS]),
                              c->policy->floor_deny_userns ? " and user namespace creation" : "");
}

/* unshare/clone/setns into a new user namespace; clone3 hides its flags, so ENOSYS sends libc to clone. */
static void add_userns_rules(struct spec_seccomp *s, char **denied)
{
        static const struct {
                const char *name;
                struct seccomp_arg_def arg;
        } rules[] = {
                { "unshare", { 0, CLONE_NEWUSER_FLAG, CLONE_NEWUSER_FLAG, "SCMP_CMP_MASKED_EQ" } },
                { "clone", { 0, CLONE_NEWUSER_FLAG, CLONE_NEWUSER_FLAG, "SCMP_CMP_MASKED_EQ" } },
                { "setns", { 1, CLONE_NEWUSER_FLAG, CLONE_NEWUSER_FLAG, "SCMP_CMP_MASKED_EQ" } },
                /* nstype 0 joins whatever namespace the fd is, a user namespace included. */
                { "setns", { 1, 0, 0, "SCMP_CMP_EQ" } },
        };

        for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
                if (!strv_contains(denied, rules[i].name))
                        seccomp_add(s, (const char *const[]){ rules[i].name, NULL }, "SCMP_ACT_ERRNO", EPERM,
                                    &rules[i].arg, 1);
        if (!strv_contains(denied, "clone3"))
                seccomp_add(s, (const char *const[]){ "clone3", NULL }, "SCMP_ACT_ERRNO", ENOSYS, NULL, 0);
}

struct spec_seccomp *policy_build_floor(const struct brig_policy *p)
{
        char **denied = p->lists[LIST_FLOOR_SYSCALLS];
        struct spec_seccomp *s;

        if (p->actions[RULE_SECCOMP_FLOOR] == POLICY_ACTION_OFF)
                return NULL;
        s = seccomp_new("SCMP_ACT_ALLOW", EPERM);
        seccomp_add_native_arches(s);
        if (denied[0] != NULL)
                seccomp_add(s, (const char *const *) denied, "SCMP_ACT_ERRNO", EPERM, NULL, 0);
        if (p->floor_deny_userns)
                add_userns_rules(s, denied);
        return s;
}
