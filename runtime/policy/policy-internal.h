/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between the files of runtime/policy/: the rule context and the rule functions. */
#ifndef BRIG_POLICY_INTERNAL_H
#define BRIG_POLICY_INTERNAL_H

#include "brig/policy.h"

/* Exported by runtime/spec/seccomp.c (declared in its internal header): frees a heap profile. */
void spec_seccomp_free(struct spec_seccomp *s);

/* One rule's view of an evaluation. */
struct rule_ctx {
        const struct brig_policy *policy;
        struct brig_spec *spec;
        struct policy_report *report;
        enum policy_rule rule;
        enum policy_action action;
        bool found; /* anything recorded for this rule (else it gets an ok line) */
};

/* A violation of a refuse-type rule: recorded as refuse or warn by the rule's action. */
void rule_violation(struct rule_ctx *c, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/*
 * A loose setting. With action harden, records "<problem>: <fix>" and returns true: the caller
 * applies the fix. Otherwise records "<problem>" as refuse or warn and returns false.
 */
bool rule_loose(struct rule_ctx *c, const char *path, const char *problem, const char *fix);
/*
 * A fix a refuse-type rule makes instead of refusing (a missing cgroup namespace, a writable
 * sysfs): harden unless the action is warn (then only reported). Returns whether to apply it.
 */
bool rule_fix(struct rule_ctx *c, const char *path, const char *problem, const char *fix);
/* A change the rule always makes (no problem to name), recorded as harden. */
void rule_hardened(struct rule_ctx *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

typedef void (*rule_fn)(struct rule_ctx *c);

void rule_caps_privileged(struct rule_ctx *c);
void rule_caps_allowlist(struct rule_ctx *c);
void rule_namespaces_host(struct rule_ctx *c);
void rule_mounts_host_sensitive(struct rule_ctx *c);
void rule_mounts_propagation(struct rule_ctx *c);
void rule_mounts_proc_sys(struct rule_ctx *c);
void rule_devices_host(struct rule_ctx *c);
void rule_seccomp_required(struct rule_ctx *c);
void rule_seccomp_floor(struct rule_ctx *c);
void rule_nnp_force(struct rule_ctx *c);
void rule_rootfs_readonly(struct rule_ctx *c);
void rule_paths_masked(struct rule_ctx *c);
void rule_sysctl_allowed(struct rule_ctx *c);
void rule_lsm_unconfined(struct rule_ctx *c);
void rule_hooks_paths(struct rule_ctx *c);
void rule_user_root(struct rule_ctx *c);

/* The spec's linux object, created empty when absent (rules that add to it). */
struct spec_linux *spec_linux_get(struct brig_spec *spec);

/* Whether `path` is `dir` or lies under it, comparing whole components ("/usr" vs "/usrx"). */
bool path_is_under(const char *path, const char *dir);

/* devices.host.allowed entries: "c 1:3", "c 136:*" (-1 = wildcard). */
struct device_pattern {
        char type;
        int64_t major, minor;
};
int device_pattern_parse(const char *s, struct device_pattern *ret);

/* Builders for heap seccomp profiles (runtime/policy/seccomp_build.c). */
struct seccomp_arg_def {
        unsigned index;
        unsigned long long value, value_two;
        const char *op;
};
struct spec_seccomp *seccomp_new(const char *default_action, unsigned default_errno);
/* Appends a rule; errno_ret < 0: none. names NULL-terminated. */
void seccomp_add(struct spec_seccomp *s, const char *const *names, const char *action, int errno_ret,
                 const struct seccomp_arg_def *args, size_t n_args);
/* The architectures of this build (x86_64 also takes x86 and x32 binaries). */
void seccomp_add_native_arches(struct spec_seccomp *s);

/* The floor, built from the policy's lists; NULL when seccomp.floor is off. */
struct spec_seccomp *policy_build_floor(const struct brig_policy *p);

/* JSON pieces shared by report.c and audit.c (cJSON types stay out of the public header). */
struct cJSON;
struct cJSON *policy_decisions_json(const struct policy_report *r, bool with_ok);
/* Adds verdict, mode and the counts to o. */
void policy_summary_json(struct cJSON *o, const struct policy_report *r);
/* Prints o (indented or compact) into a malloc'd string and deletes o. */
char *json_print_and_free(struct cJSON *o, bool pretty);

#endif
