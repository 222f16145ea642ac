/* SPDX-License-Identifier: Apache-2.0 */
/* Running the rules over a spec and collecting their decisions. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

static const rule_fn rule_fns[RULE__COUNT] = {
        [RULE_CAPS_PRIVILEGED] = rule_caps_privileged,
        [RULE_CAPS_ALLOWLIST] = rule_caps_allowlist,
        [RULE_NAMESPACES_HOST] = rule_namespaces_host,
        [RULE_MOUNTS_HOST_SENSITIVE] = rule_mounts_host_sensitive,
        [RULE_MOUNTS_PROPAGATION] = rule_mounts_propagation,
        [RULE_MOUNTS_PROC_SYS] = rule_mounts_proc_sys,
        [RULE_DEVICES_HOST] = rule_devices_host,
        [RULE_SECCOMP_REQUIRED] = rule_seccomp_required,
        [RULE_SECCOMP_FLOOR] = rule_seccomp_floor,
        [RULE_NNP_FORCE] = rule_nnp_force,
        [RULE_ROOTFS_READONLY] = rule_rootfs_readonly,
        [RULE_PATHS_MASKED] = rule_paths_masked,
        [RULE_SYSCTL_ALLOWED] = rule_sysctl_allowed,
        [RULE_LSM_UNCONFINED] = rule_lsm_unconfined,
        [RULE_HOOKS_PATHS] = rule_hooks_paths,
        [RULE_USER_ROOT] = rule_user_root,
};

static const char *const verdict_names[] = {
        [POLICY_OK] = "ok",
        [POLICY_WARN] = "warn",
        [POLICY_HARDEN] = "harden",
        [POLICY_REFUSE] = "refuse",
};

const char *policy_verdict_name(enum policy_verdict v)
{
        return (unsigned) v < ARRAY_SIZE(verdict_names) ? verdict_names[v] : NULL;
}

/* Takes ownership of message. */
static void record(struct rule_ctx *c, enum policy_verdict v, const char *path, char *message)
{
        struct policy_report *r = c->report;
        struct policy_decision *d;

        r->decisions = xrealloc(r->decisions, (r->n_decisions + 1) * sizeof(*r->decisions));
        d = &r->decisions[r->n_decisions++];
        *d = (struct policy_decision){ .verdict = v, .rule = c->rule, .message = message };
        d->path = path != NULL ? xstrdup(path) : NULL;
        r->n_refused += v == POLICY_REFUSE;
        r->n_hardened += v == POLICY_HARDEN;
        r->n_warned += v == POLICY_WARN;
        if (v != POLICY_OK)
                c->found = true;
}

/* A finding is refused unless the rule only warns (harden rules refuse what they cannot fix). */
static enum policy_verdict finding_verdict(const struct rule_ctx *c)
{
        return c->action == POLICY_ACTION_WARN ? POLICY_WARN : POLICY_REFUSE;
}

static void record_formatted(struct rule_ctx *c, enum policy_verdict v, const char *path, const char *fmt,
                             va_list ap)
{
        record(c, v, path, xvasprintf(fmt, ap));
}

void rule_violation(struct rule_ctx *c, const char *path, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        record_formatted(c, finding_verdict(c), path, fmt, ap);
        va_end(ap);
}

void rule_hardened(struct rule_ctx *c, const char *path, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        record_formatted(c, POLICY_HARDEN, path, fmt, ap);
        va_end(ap);
}

/* Records the fix when `fixing`, else the problem as a finding; returns `fixing`. */
static bool record_loose(struct rule_ctx *c, const char *path, const char *problem, const char *fix, bool fixing)
{
        if (fixing)
                record(c, POLICY_HARDEN, path, xasprintf("%s: %s", problem, fix));
        else
                record(c, finding_verdict(c), path, xstrdup(problem));
        return fixing;
}

bool rule_loose(struct rule_ctx *c, const char *path, const char *problem, const char *fix)
{
        return record_loose(c, path, problem, fix, c->action == POLICY_ACTION_HARDEN);
}

bool rule_fix(struct rule_ctx *c, const char *path, const char *problem, const char *fix)
{
        return record_loose(c, path, problem, fix, c->action != POLICY_ACTION_WARN);
}

struct policy_report *policy_evaluate(const struct brig_policy *p, struct brig_spec *spec)
{
        struct policy_report *r = xmalloc0(sizeof(*r));

        r->mode = p->mode;
        for (int i = 0; i < RULE__COUNT; i++) {
                struct rule_ctx c = { .policy = p, .spec = spec, .report = r, .rule = (enum policy_rule) i,
                                      .action = p->actions[i] };

                if (c.action == POLICY_ACTION_OFF)
                        continue;
                rule_fns[i](&c);
                if (!c.found)
                        record(&c, POLICY_OK, NULL, NULL);
        }
        return r;
}

bool policy_report_allows(const struct policy_report *r)
{
        return r->n_refused == 0 || r->mode == POLICY_MODE_AUDIT;
}

int policy_enforce(const struct brig_policy *p, struct brig_spec *spec, struct policy_report **ret,
                   brig_error **err)
{
        _cleanup_free_ char *refusals = NULL;

        *ret = policy_evaluate(p, spec);
        if (policy_report_allows(*ret))
                return 0;
        refusals = policy_report_refusals(*ret);
        return brig_err(err, "%s", refusals);
}

void policy_report_free(struct policy_report *r)
{
        if (r == NULL)
                return;
        for (size_t i = 0; i < r->n_decisions; i++) {
                free(r->decisions[i].path);
                free(r->decisions[i].message);
        }
        free(r->decisions);
        free(r);
}

void policy_report_freep(struct policy_report **r)
{
        policy_report_free(*r);
}
