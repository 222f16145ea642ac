/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy file: a preset adjusted by an admin's JSON. Strict, unlike config.json: an
 * unknown key or a bad value is an error naming it, so a typo never weakens the policy
 * silently. policy_to_json writes the same format (`brig policy show`).
 *
 *   { "mode": "enforce", "preset": "baseline", "auditLog": "/var/log/brig/audit.jsonl",
 *     "rules": { "caps.allowlist": { "action": "harden", "capabilities": [ "CAP_CHOWN" ] }, ... } }
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

typedef bool (*item_check)(const char *item);

struct list_def {
        enum policy_rule rule;
        const char *key;
        item_check check;
        const char *what; /* for "bad <what> `x`" */
};

static bool is_capability(const char *s)
{
        cap_value_t v;

        return str_has_prefix(s, "CAP_") && cap_from_name(s, &v) == 0;
}

static bool is_namespace_type(const char *s)
{
        for (int t = 0; t < SPEC_NS__COUNT; t++)
                if (strcmp(spec_namespace_type_name((enum spec_namespace_type) t), s) == 0)
                        return true;
        return false;
}

static bool is_absolute_path(const char *s)
{
        return s[0] == '/';
}

static bool is_file_name(const char *s)
{
        return s[0] != '\0' && strchr(s, '/') == NULL;
}

static bool is_device_pattern(const char *s)
{
        struct device_pattern d;

        return device_pattern_parse(s, &d) == 0;
}

/* Lower-case identifiers; `extra` lists the other characters allowed. */
static bool is_word(const char *s, const char *extra)
{
        if (s[0] == '\0')
                return false;
        for (; *s != '\0'; s++)
                if (!islower((unsigned char) *s) && !isdigit((unsigned char) *s) && *s != '_' && strchr(extra, *s) == NULL)
                        return false;
        return true;
}

static bool is_syscall_name(const char *s)
{
        return is_word(s, "");
}

static bool is_selinux_type(const char *s)
{
        return is_word(s, "");
}

/* "kernel.sem", "kernel.shm*": a '*' only at the end. */
static bool is_sysctl_pattern(const char *s)
{
        const char *star = strchr(s, '*');

        return is_word(s, ".-*") && (star == NULL || star[1] == '\0');
}

static const struct list_def list_defs[LIST__COUNT] = {
        [LIST_PRIVILEGED_CAPS] = { RULE_CAPS_PRIVILEGED, "capabilities", is_capability, "capability" },
        [LIST_ALLOWED_CAPS] = { RULE_CAPS_ALLOWLIST, "capabilities", is_capability, "capability" },
        [LIST_HOST_NAMESPACES] = { RULE_NAMESPACES_HOST, "required", is_namespace_type, "namespace type" },
        [LIST_SENSITIVE_TREES] = { RULE_MOUNTS_HOST_SENSITIVE, "paths", is_absolute_path, "absolute path" },
        [LIST_SENSITIVE_EXACT] = { RULE_MOUNTS_HOST_SENSITIVE, "exactPaths", is_absolute_path, "absolute path" },
        [LIST_SENSITIVE_RO_OK] = { RULE_MOUNTS_HOST_SENSITIVE, "readOnlyAllowed", is_absolute_path, "absolute path" },
        [LIST_ENGINE_SOCKETS] = { RULE_MOUNTS_HOST_SENSITIVE, "socketNames", is_file_name, "file name" },
        [LIST_DEVICES] = { RULE_DEVICES_HOST, "allowed", is_device_pattern, "device (\"c 1:3\", \"c 136:*\")" },
        [LIST_FLOOR_SYSCALLS] = { RULE_SECCOMP_FLOOR, "syscalls", is_syscall_name, "syscall name" },
        [LIST_TMPFS] = { RULE_ROOTFS_READONLY, "tmpfs", is_absolute_path, "absolute path" },
        [LIST_MASKED_PATHS] = { RULE_PATHS_MASKED, "maskedPaths", is_absolute_path, "absolute path" },
        [LIST_READONLY_PATHS] = { RULE_PATHS_MASKED, "readonlyPaths", is_absolute_path, "absolute path" },
        [LIST_SYSCTLS] = { RULE_SYSCTL_ALLOWED, "sysctls", is_sysctl_pattern, "sysctl pattern" },
        [LIST_NET_SYSCTLS] = { RULE_SYSCTL_ALLOWED, "networkSysctls", is_sysctl_pattern, "sysctl pattern" },
        [LIST_SELINUX_TYPES] = { RULE_LSM_UNCONFINED, "selinuxTypes", is_selinux_type, "SELinux type" },
        [LIST_HOOK_PREFIXES] = { RULE_HOOKS_PATHS, "prefixes", is_absolute_path, "absolute path" },
};

/* ---- reading ---- */

struct loader {
        const char *what; /* "policy.json" */
        struct brig_policy *p;
        brig_error **err;
};

static int read_string(const struct loader *ld, const cJSON *v, const char *path, const char **ret)
{
        if (!cJSON_IsString(v))
                return brig_err(ld->err, "%s: %s: must be a string", ld->what, path);
        *ret = v->valuestring;
        return 0;
}

static int read_list(const struct loader *ld, const cJSON *v, const char *path, const struct list_def *def,
                     char ***ret)
{
        _cleanup_strv_ char **list = xmalloc0(sizeof(char *));
        size_t i = 0;
        const cJSON *item;

        if (!cJSON_IsArray(v))
                return brig_err(ld->err, "%s: %s: must be an array of strings", ld->what, path);
        cJSON_ArrayForEach(item, v) {
                _cleanup_free_ char *at = xasprintf("%s[%zu]", path, i++);
                const char *s = NULL;

                if (read_string(ld, item, at, &s) < 0)
                        return -1;
                if (!def->check(s))
                        return brig_err(ld->err, "%s: %s: bad %s `%s`", ld->what, at, def->what, s);
                strv_push(&list, s);
        }
        strv_free(*ret);
        *ret = TAKE_PTR(list);
        return 0;
}

static int read_action(const struct loader *ld, const cJSON *v, const char *path, enum policy_rule rule)
{
        const char *name = NULL;

        if (read_string(ld, v, path, &name) < 0)
                return -1;
        for (int a = POLICY_ACTION_OFF; a <= POLICY_ACTION_REFUSE; a++)
                if (strcmp(policy_action_name((enum policy_action) a), name) == 0 &&
                    policy_rule_takes(rule, (enum policy_action) a)) {
                        ld->p->actions[rule] = (enum policy_action) a;
                        return 0;
                }
        return brig_err(ld->err, "%s: %s: `%s` is not an action %s takes", ld->what, path, name,
                        policy_rule_name(rule));
}

/* tmpfs size= values: digits with an optional k, m, g or % suffix. */
static bool is_tmpfs_size(const char *s)
{
        size_t digits = strspn(s, "0123456789");

        return digits > 0 && (s[digits] == '\0' || (strchr("kmg%", s[digits]) != NULL && s[digits + 1] == '\0'));
}

/* Scalar settings of one rule; returns 1 when `key` is one, 0 when not, < 0 on error. */
static int read_rule_scalar(const struct loader *ld, enum policy_rule rule, const cJSON *v, const char *path)
{
        const char *s = NULL;

        if (rule == RULE_ROOTFS_READONLY && strcmp(v->string, "tmpfsSize") == 0) {
                if (read_string(ld, v, path, &s) < 0)
                        return -1;
                if (!is_tmpfs_size(s))
                        return brig_err(ld->err, "%s: %s: bad tmpfs size `%s` (e.g. `64m`)", ld->what, path, s);
                free(ld->p->tmpfs_size);
                ld->p->tmpfs_size = xstrdup(s);
                return 1;
        }
        if (rule == RULE_SECCOMP_FLOOR && strcmp(v->string, "denyUserNamespaces") == 0) {
                if (!cJSON_IsBool(v))
                        return brig_err(ld->err, "%s: %s: must be true or false", ld->what, path);
                ld->p->floor_deny_userns = cJSON_IsTrue(v);
                return 1;
        }
        return 0;
}

static int read_rule_member(const struct loader *ld, enum policy_rule rule, const cJSON *v, const char *path)
{
        int r;

        if (strcmp(v->string, "action") == 0)
                return read_action(ld, v, path, rule);
        for (int l = 0; l < LIST__COUNT; l++)
                if (list_defs[l].rule == rule && strcmp(list_defs[l].key, v->string) == 0)
                        return read_list(ld, v, path, &list_defs[l], &ld->p->lists[l]);
        r = read_rule_scalar(ld, rule, v, path);
        if (r != 0)
                return r < 0 ? r : 0;
        return brig_err(ld->err, "%s: %s: unknown key", ld->what, path);
}

static int read_rules(const struct loader *ld, const cJSON *rules)
{
        const cJSON *rule_obj, *member;

        if (!cJSON_IsObject(rules))
                return brig_err(ld->err, "%s: rules: must be an object", ld->what);
        cJSON_ArrayForEach(rule_obj, rules) {
                int rule = policy_rule_from_name(rule_obj->string);

                if (rule < 0)
                        return brig_err(ld->err, "%s: rules.%s: unknown rule", ld->what, rule_obj->string);
                if (!cJSON_IsObject(rule_obj))
                        return brig_err(ld->err, "%s: rules.%s: must be an object", ld->what, rule_obj->string);
                cJSON_ArrayForEach(member, rule_obj) {
                        _cleanup_free_ char *path = xasprintf("rules.%s.%s", rule_obj->string, member->string);

                        if (read_rule_member(ld, (enum policy_rule) rule, member, path) < 0)
                                return -1;
                }
        }
        return 0;
}

static int read_top_member(const struct loader *ld, const cJSON *v)
{
        const char *s = NULL;

        if (strcmp(v->string, "rules") == 0)
                return read_rules(ld, v);
        /* The preset was applied before the other keys: only check it here. */
        if (strcmp(v->string, "preset") == 0) {
                if (read_string(ld, v, "preset", &s) < 0)
                        return -1;
                if (strcmp(s, "baseline") != 0 && strcmp(s, "restricted") != 0)
                        return brig_err(ld->err, "%s: preset: `%s` is neither baseline nor restricted", ld->what, s);
                return 0;
        }
        if (strcmp(v->string, "mode") == 0) {
                if (read_string(ld, v, "mode", &s) < 0)
                        return -1;
                if (strcmp(s, "enforce") != 0 && strcmp(s, "audit") != 0)
                        return brig_err(ld->err, "%s: mode: `%s` is neither enforce nor audit", ld->what, s);
                ld->p->mode = strcmp(s, "audit") == 0 ? POLICY_MODE_AUDIT : POLICY_MODE_ENFORCE;
                return 0;
        }
        if (strcmp(v->string, "auditLog") == 0) {
                if (read_string(ld, v, "auditLog", &s) < 0)
                        return -1;
                if (!is_absolute_path(s))
                        return brig_err(ld->err, "%s: auditLog: `%s` is not an absolute path", ld->what, s);
                free(ld->p->audit_log);
                ld->p->audit_log = xstrdup(s);
                return 0;
        }
        return brig_err(ld->err, "%s: %s: unknown key", ld->what, v->string);
}

/* The preset to start from: the caller's, else the file's "preset", else baseline. */
static int file_preset(const cJSON *root, const char *what, const char **ret, brig_error **err)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "preset");

        if (v == NULL)
                return 0;
        if (!cJSON_IsString(v))
                return brig_err(err, "%s: preset: must be a string", what);
        *ret = v->valuestring;
        return 0;
}

int policy_parse(const char *json, size_t len, const char *what, const char *preset, struct brig_policy **ret,
                 brig_error **err)
{
        _cleanup_policy_ struct brig_policy *p = NULL;
        cJSON *root = cJSON_ParseWithLength(json, len);
        const cJSON *member;
        int r = -1;

        if (root == NULL) {
                const char *at = cJSON_GetErrorPtr();

                return brig_err(err, "%s: invalid JSON at byte %td", what, at != NULL ? at - json : (ptrdiff_t) 0);
        }
        if (!cJSON_IsObject(root)) {
                brig_err(err, "%s: must be a JSON object", what);
                goto out;
        }
        if ((preset == NULL && file_preset(root, what, &preset, err) < 0) || policy_new(preset, &p, err) < 0)
                goto out;
        cJSON_ArrayForEach(member, root) {
                struct loader ld = { what, p, err };

                if (read_top_member(&ld, member) < 0)
                        goto out;
        }
        policy_finalize(p);
        *ret = TAKE_PTR(p);
        r = 0;
out:
        cJSON_Delete(root);
        return r;
}

int policy_load(const char *file, const char *preset, struct brig_policy **ret, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        const char *path = file != NULL ? file : POLICY_DEFAULT_FILE;

        if (read_file_at(AT_FDCWD, path, &text, &len, err) < 0) {
                /* No admin file is the normal case: the built-in preset applies. */
                if (file == NULL && (*err)->errnum == ENOENT) {
                        brig_error_free(err);
                        return policy_new(preset, ret, err);
                }
                return brig_error_wrap(err, "policy");
        }
        return policy_parse(text, len, path, preset, ret, err);
}

/* ---- writing ---- */

static cJSON *strv_json(char **v)
{
        cJSON *a = cJSON_CreateArray();

        for (size_t i = 0; v[i] != NULL; i++)
                cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
        return a;
}

static cJSON *rule_json(const struct brig_policy *p, enum policy_rule rule)
{
        cJSON *o = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "action", policy_action_name(p->actions[rule]));
        for (int l = 0; l < LIST__COUNT; l++)
                if (list_defs[l].rule == rule)
                        cJSON_AddItemToObject(o, list_defs[l].key, strv_json(p->lists[l]));
        if (rule == RULE_ROOTFS_READONLY)
                cJSON_AddStringToObject(o, "tmpfsSize", p->tmpfs_size);
        if (rule == RULE_SECCOMP_FLOOR)
                cJSON_AddBoolToObject(o, "denyUserNamespaces", p->floor_deny_userns);
        return o;
}

char *policy_to_json(const struct brig_policy *p)
{
        cJSON *o = cJSON_CreateObject(), *rules = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "mode", p->mode == POLICY_MODE_AUDIT ? "audit" : "enforce");
        cJSON_AddStringToObject(o, "preset", p->preset);
        cJSON_AddStringToObject(o, "auditLog", p->audit_log);
        for (int r = 0; r < RULE__COUNT; r++)
                cJSON_AddItemToObject(rules, policy_rule_name((enum policy_rule) r), rule_json(p, (enum policy_rule) r));
        cJSON_AddItemToObject(o, "rules", rules);
        return json_print_and_free(o, true);
}
