/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hardening policy: config in, decisions out.
 *
 * Before anything is created on the host, the parsed config (struct brig_spec) is
 * evaluated against an admin-owned policy. Each rule (stable id, e.g. `caps.privileged`)
 * yields decisions: refuse (the container must not run), harden (the spec was changed
 * in place and the change is reported), warn, or ok. Evaluation is pure code apart from
 * stat/realpath of host paths named by the config (namespace paths, bind sources, hooks).
 *
 *     policy_load(rt_policy_file, rt_policy_preset, &policy, err)      once per command
 *     policy_enforce(policy, spec, &report, err)                       hardens spec in place
 *     policy_audit_log(policy, report, id, bundle, err)                one JSON line
 *     policy_seccomp_floor(policy)                                     second seccomp filter
 */
#ifndef BRIG_POLICY_H
#define BRIG_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "brig/error.h"
#include "brig/spec.h"

#define POLICY_DEFAULT_FILE "/etc/brig/policy.json"
#define POLICY_DEFAULT_AUDIT_LOG "/var/log/brig/audit.jsonl"

/* Rule ids, in evaluation order (caps before seccomp: the default profile depends on the granted caps). */
enum policy_rule {
        RULE_CAPS_PRIVILEGED,
        RULE_CAPS_ALLOWLIST,
        RULE_NAMESPACES_HOST,
        RULE_MOUNTS_HOST_SENSITIVE,
        RULE_MOUNTS_PROPAGATION,
        RULE_MOUNTS_PROC_SYS,
        RULE_DEVICES_HOST,
        RULE_SECCOMP_REQUIRED,
        RULE_SECCOMP_FLOOR,
        RULE_NNP_FORCE,
        RULE_ROOTFS_READONLY,
        RULE_PATHS_MASKED,
        RULE_SYSCTL_ALLOWED,
        RULE_LSM_UNCONFINED,
        RULE_HOOKS_PATHS,
        RULE_USER_ROOT,
        RULE__COUNT,
};

/* What a rule does with what it finds. Not every rule takes every action (see policy_rule_takes). */
enum policy_action { POLICY_ACTION_OFF, POLICY_ACTION_WARN, POLICY_ACTION_HARDEN, POLICY_ACTION_REFUSE };

enum policy_mode {
        POLICY_MODE_ENFORCE, /* refusals stop the container */
        POLICY_MODE_AUDIT,   /* refusals are only reported and logged (migration) */
};

/* The policy's lists; each belongs to one rule and has a key in the policy file. */
enum policy_list {
        LIST_PRIVILEGED_CAPS,   /* caps.privileged.capabilities */
        LIST_ALLOWED_CAPS,      /* caps.allowlist.capabilities */
        LIST_HOST_NAMESPACES,   /* namespaces.host.required: types that must be private */
        LIST_SENSITIVE_TREES,   /* mounts.host_sensitive.paths: is, contains or lies under */
        LIST_SENSITIVE_EXACT,   /* mounts.host_sensitive.exactPaths: is or contains */
        LIST_SENSITIVE_RO_OK,   /* mounts.host_sensitive.readOnlyAllowed: read-only binds under these pass */
        LIST_ENGINE_SOCKETS,    /* mounts.host_sensitive.socketNames: refused wherever they sit */
        LIST_DEVICES,           /* devices.host.allowed: "c 1:3", "c 136:*" */
        LIST_FLOOR_SYSCALLS,    /* seccomp.floor.syscalls */
        LIST_TMPFS,             /* rootfs.readonly.tmpfs */
        LIST_MASKED_PATHS,      /* paths.masked.maskedPaths */
        LIST_READONLY_PATHS,    /* paths.masked.readonlyPaths */
        LIST_SYSCTLS,           /* sysctl.allowed.sysctls: "kernel.shm*" = prefix */
        LIST_NET_SYSCTLS,       /* sysctl.allowed.networkSysctls: only with a private network namespace */
        LIST_SELINUX_TYPES,     /* lsm.unconfined.selinuxTypes */
        LIST_HOOK_PREFIXES,     /* hooks.paths.prefixes */
        LIST__COUNT,
};

struct spec_seccomp;

/*
 * The effective policy. Fields are public for the policy module and its tests; everyone
 * else uses the functions below.
 */
struct brig_policy {
        enum policy_mode mode;
        char *preset;    /* "baseline" or "restricted": what the file's settings started from */
        char *audit_log; /* absolute path of the JSONL audit log */
        char *tmpfs_size;        /* rootfs.readonly.tmpfsSize: tmpfs size= value ("64m") */
        bool floor_deny_userns;  /* seccomp.floor.denyUserNamespaces */
        enum policy_action actions[RULE__COUNT];
        char **lists[LIST__COUNT]; /* NULL-terminated, never NULL */
        /* Not in the file: where PID 1's namespaces are, so tests can use fake files. */
        char *host_ns_dir; /* "/proc/1/ns" */
        struct spec_seccomp *floor; /* built from the lists by policy_finalize(); NULL when off */
};

/* "caps.privileged" ... ; policy_rule_from_name returns -1 when unknown. */
const char *policy_rule_name(enum policy_rule r);
int policy_rule_from_name(const char *name);
const char *policy_action_name(enum policy_action a);
/* Whether rule r accepts action a in a policy file (e.g. only refuse-type rules lack harden). */
bool policy_rule_takes(enum policy_rule r, enum policy_action a);

/* A built-in preset ("baseline" or "restricted"; NULL = baseline). */
int policy_new(const char *preset, struct brig_policy **ret, brig_error **err);
/*
 * The effective policy: preset (NULL: the file's "preset", else baseline), then the policy file
 * on top. file NULL: /etc/brig/policy.json when it exists, else the built-in preset alone.
 * The file is strict: unknown keys and bad values are errors naming the key.
 */
int policy_load(const char *file, const char *preset, struct brig_policy **ret, brig_error **err);
/* The same from text; `what` names the document in messages ("policy.json"). */
int policy_parse(const char *json, size_t len, const char *what, const char *preset, struct brig_policy **ret,
                 brig_error **err);
/* The effective policy in the policy-file format (what `brig policy show` prints). Caller frees. */
char *policy_to_json(const struct brig_policy *p);
/* Rebuild derived data (the seccomp floor) after fields were changed directly (tests). */
void policy_finalize(struct brig_policy *p);
void policy_free(struct brig_policy *p);
void policy_freep(struct brig_policy **p);
#define _cleanup_policy_ __attribute__((cleanup(policy_freep)))

/* ---- decisions ---- */

enum policy_verdict { POLICY_OK, POLICY_WARN, POLICY_HARDEN, POLICY_REFUSE };

struct policy_decision {
        enum policy_verdict verdict;
        enum policy_rule rule;
        char *path;    /* JSON path in config.json ("process.capabilities.bounding[3]"); NULL for ok */
        char *message; /* "CAP_SYS_ADMIN is privileged" */
};

struct policy_report {
        struct policy_decision *decisions; /* in rule order; one POLICY_OK per rule that found nothing */
        size_t n_decisions;
        size_t n_refused, n_hardened, n_warned;
        enum policy_mode mode;
};

const char *policy_verdict_name(enum policy_verdict v); /* "ok", "warn", "harden", "refuse" */

/* Evaluate every rule; spec is hardened in place. Never fails: a path that cannot be checked is refused. */
struct policy_report *policy_evaluate(const struct brig_policy *p, struct brig_spec *spec);
/*
 * policy_evaluate, then: in enforce mode with any refusal, return < 0 with an error listing every
 * refusal, one per line ("refused by policy: caps.privileged: process.capabilities.bounding[3]:
 * CAP_SYS_ADMIN is privileged"). *ret is set in every case, so the caller can audit-log it.
 */
int policy_enforce(const struct brig_policy *p, struct brig_spec *spec, struct policy_report **ret,
                   brig_error **err);
/* Whether the container would run (no refusal, or audit mode). */
bool policy_report_allows(const struct policy_report *r);
void policy_report_free(struct policy_report *r);
void policy_report_freep(struct policy_report **r);
#define _cleanup_policy_report_ __attribute__((cleanup(policy_report_freep)))

/* Renderings (caller frees). Text: one decision per line, "refuse  caps.privileged  path: message". */
char *policy_report_text(const struct policy_report *r);
/* {"verdict":"refuse"|"run","mode":...,"decisions":[{"verdict","rule","path","message"}]} */
char *policy_report_json(const struct policy_report *r);
/* The refusals as the error text policy_enforce returns; NULL when there are none. */
char *policy_report_refusals(const struct policy_report *r);

/*
 * Append one JSON line {time, id, bundle, mode, verdict, decisions (not ok), hardened} to the
 * policy's audit log with a single O_APPEND write, so concurrent creates never interleave.
 */
int policy_audit_log(const struct brig_policy *p, const struct policy_report *r, const char *id,
                     const char *bundle, brig_error **err);

/* ---- seccomp ---- */

/*
 * brig's default profile (Docker's default: allowlist, argument rules, capability-conditional
 * rules evaluated against `granted` caps, ENOSYS for syscalls newer than the list), as a heap
 * struct that spec_free releases. granted: NULL-terminated cap names, may be NULL.
 */
struct spec_seccomp *policy_default_seccomp(char *const *granted);
/*
 * The seccomp floor: allow by default, deny (EPERM) the policy's syscalls and user namespace
 * creation, whatever the config's own profile says. Load it as a second filter. NULL when the
 * policy has seccomp.floor off. Owned by the policy.
 */
const struct spec_seccomp *policy_seccomp_floor(const struct brig_policy *p);

/* Whether ns_path is the same namespace as host_ns_path (same st_dev and st_ino). */
int policy_ns_is_host(const char *ns_path, const char *host_ns_path, bool *ret, brig_error **err);

#endif
