/* SPDX-License-Identifier: Apache-2.0 */
/* The `process` object: what runs in the container, as whom, with which limits. */
#include <ctype.h>
#include <linux/ioprio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "spec-internal.h"

struct name_value {
        const char *name;
        int value;
};

static const struct name_value rlimit_names[] = {
        { "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
        { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
        { "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
        { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
        { "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
        { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
        { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
        { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static const struct name_value ioprio_classes[] = {
        { "IOPRIO_CLASS_RT", IOPRIO_CLASS_RT },
        { "IOPRIO_CLASS_BE", IOPRIO_CLASS_BE },
        { "IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE },
};

static const char *const sched_policies[] = {
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};

static const char *const sched_flags[] = {
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",      "SCHED_FLAG_DL_OVERRUN",
        "SCHED_FLAG_KEEP_POLICY",   "SCHED_FLAG_KEEP_PARAMS",  "SCHED_FLAG_UTIL_CLAMP_MIN",
        "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

static const struct name_value *name_value_find(const struct name_value *table, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(table[i].name, name) == 0)
                        return &table[i];
        return NULL;
}

static int parse_additional_gids(const cJSON *user, const struct jpath *user_at, struct spec_user *u,
                                 brig_error **err)
{
        struct jpath gids_at = JPATH_KEY(user_at, "additionalGids");
        const cJSON *gids = NULL, *item;
        int r;

        r = json_opt_array(user, "additionalGids", user_at, &gids, err);
        if (r <= 0)
                return r;
        u->additional_gids = xmalloc0(((size_t) cJSON_GetArraySize(gids) + 1) * sizeof(gid_t));
        cJSON_ArrayForEach(item, gids) {
                struct jpath item_at = JPATH_INDEX(&gids_at, u->n_additional_gids);
                int64_t gid;

                if (json_as_int64(item, &item_at, 0, UINT32_MAX, &gid, err) < 0)
                        return -1;
                u->additional_gids[u->n_additional_gids++] = (gid_t) gid;
        }
        return 0;
}

/* `user` is embedded in struct spec_process: absent means root. */
static int parse_user(const cJSON *process, const struct jpath *process_at, struct spec_user *u, brig_error **err)
{
        struct jpath user_at = JPATH_KEY(process_at, "user");
        const cJSON *user = NULL;
        int r;

        r = json_opt_object(process, "user", process_at, &user, err);
        if (r <= 0)
                return r;
        if (json_req_int(user, "uid", &user_at, 0, UINT32_MAX, &u->uid, err) < 0 ||
            json_req_int(user, "gid", &user_at, 0, UINT32_MAX, &u->gid, err) < 0 ||
            json_opt_int(user, "umask", &user_at, 0, 0777, &u->umask, &u->has_umask, err) < 0 ||
            json_opt_string(user, "username", &user_at, &u->username, err) < 0)
                return -1;
        return parse_additional_gids(user, &user_at, u, err);
}

/*
 * libcap also takes numbers, any case and trailing junk ("CAP_sys_admin", "CAP_SYS_ADMIN,x"):
 * only the exact upper-case name is accepted, so the policy's name lists cannot be sidestepped.
 */
static bool capability_name_canonical(const char *name, cap_value_t *ret)
{
        _cleanup_free_ char *canonical = NULL;
        char *lower;

        if (!str_has_prefix(name, "CAP_") || cap_from_name(name, ret) < 0)
                return false;
        lower = cap_to_name(*ret);
        if (lower == NULL)
                return false;
        canonical = xstrdup(lower);
        cap_free(lower);
        for (char *c = canonical; *c != '\0'; c++)
                *c = (char) toupper((unsigned char) *c);
        return strcmp(canonical, name) == 0;
}

static int parse_capability_set(const cJSON *node, const struct jpath *at, const char *key, char ***ret,
                                bool *has, brig_error **err)
{
        struct jpath set_at = JPATH_KEY(at, key);
        int r = json_opt_strv(node, key, at, ret, err);

        if (r <= 0)
                return r;
        *has = true;
        for (size_t i = 0; (*ret)[i] != NULL; i++) {
                struct jpath item_at = JPATH_INDEX(&set_at, i);
                const char *name = (*ret)[i];
                cap_value_t value;

                if (!capability_name_canonical(name, &value))
                        return jpath_err(&item_at, err, "unknown capability `%s`", name);
        }
        return 0;
}

static int parse_capabilities(const cJSON *node, const struct jpath *at, void *capabilities, brig_error **err)
{
        struct spec_capabilities *c = capabilities;

        if (parse_capability_set(node, at, "bounding", &c->bounding, &c->has_bounding, err) < 0 ||
            parse_capability_set(node, at, "effective", &c->effective, &c->has_effective, err) < 0 ||
            parse_capability_set(node, at, "permitted", &c->permitted, &c->has_permitted, err) < 0 ||
            parse_capability_set(node, at, "inheritable", &c->inheritable, &c->has_inheritable, err) < 0 ||
            parse_capability_set(node, at, "ambient", &c->ambient, &c->has_ambient, err) < 0)
                return -1;
        return 0;
}

static int parse_rlimit(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_rlimit *rl = elem;
        struct jpath type_at = JPATH_KEY(at, "type");
        const struct name_value *known;

        if (json_req_string(node, "type", at, &rl->type, err) < 0 ||
            json_req_uint64(node, "soft", at, &rl->soft, err) < 0 ||
            json_req_uint64(node, "hard", at, &rl->hard, err) < 0)
                return -1;
        known = name_value_find(rlimit_names, ARRAY_SIZE(rlimit_names), rl->type);
        if (known == NULL)
                return jpath_err(&type_at, err, "unknown rlimit `%s`", rl->type);
        rl->resource = known->value;
        if (rl->soft > rl->hard)
                return jpath_err(at, err, "soft limit %llu exceeds hard limit %llu",
                                 (unsigned long long) rl->soft, (unsigned long long) rl->hard);
        return 0;
}

/* setrlimit() twice on one resource would silently drop the first entry. */
static int check_rlimits_unique(const struct spec_process *p, const struct jpath *at, brig_error **err)
{
        struct jpath list_at = JPATH_KEY(at, "rlimits");

        for (size_t i = 0; i < p->n_rlimits; i++)
                for (size_t j = 0; j < i; j++)
                        if (p->rlimits[i].resource == p->rlimits[j].resource) {
                                struct jpath item_at = JPATH_INDEX(&list_at, i);
                                struct jpath type_at = JPATH_KEY(&item_at, "type");

                                return jpath_err(&type_at, err, "duplicate rlimit `%s`", p->rlimits[i].type);
                        }
        return 0;
}

static int parse_io_priority(const cJSON *node, const struct jpath *at, void *io_priority, brig_error **err)
{
        struct spec_io_priority *io = io_priority;
        struct jpath class_at = JPATH_KEY(at, "class");
        _cleanup_free_ char *class_name = NULL;
        const struct name_value *known;

        if (json_req_string(node, "class", at, &class_name, err) < 0 ||
            json_opt_int(node, "priority", at, 0, 7, &io->priority, NULL, err) < 0)
                return -1;
        known = name_value_find(ioprio_classes, ARRAY_SIZE(ioprio_classes), class_name);
        if (known == NULL)
                return jpath_err(&class_at, err, "unknown I/O priority class `%s`", class_name);
        io->class = known->value;
        return 0;
}

static int check_known_names(char *const *names, const char *const *known, const struct jpath *at,
                             const char *what, brig_error **err)
{
        for (size_t i = 0; names != NULL && names[i] != NULL; i++)
                if (!strv_contains((char *const *) known, names[i])) {
                        struct jpath item_at = JPATH_INDEX(at, i);

                        return jpath_err(&item_at, err, "unknown %s `%s`", what, names[i]);
                }
        return 0;
}

static int parse_scheduler(const cJSON *node, const struct jpath *at, void *scheduler, brig_error **err)
{
        struct spec_scheduler *s = scheduler;
        struct jpath policy_at = JPATH_KEY(at, "policy");
        struct jpath flags_at = JPATH_KEY(at, "flags");

        if (json_req_string(node, "policy", at, &s->policy, err) < 0 ||
            json_opt_int(node, "nice", at, -20, 19, &s->nice, NULL, err) < 0 ||
            json_opt_int(node, "priority", at, INT32_MIN, INT32_MAX, &s->priority, NULL, err) < 0 ||
            json_opt_strv(node, "flags", at, &s->flags, err) < 0 ||
            json_opt_uint64(node, "runtime", at, &s->runtime, NULL, err) < 0 ||
            json_opt_uint64(node, "deadline", at, &s->deadline, NULL, err) < 0 ||
            json_opt_uint64(node, "period", at, &s->period, NULL, err) < 0)
                return -1;
        if (!strv_contains((char *const *) sched_policies, s->policy))
                return jpath_err(&policy_at, err, "unknown scheduler policy `%s`", s->policy);
        return check_known_names(s->flags, sched_flags, &flags_at, "scheduler flag", err);
}

static int parse_args(const cJSON *node, const struct jpath *at, struct spec_process *p, brig_error **err)
{
        struct jpath args_at = JPATH_KEY(at, "args");
        const cJSON *args = json_member(node, "args"), *item;

        /* One message for every way of getting it wrong: absent, not an array, empty, non-strings. */
        if (!cJSON_IsArray(args) || cJSON_GetArraySize(args) == 0)
                return jpath_err(&args_at, err, "must be a non-empty array of strings");
        cJSON_ArrayForEach(item, args)
                if (!cJSON_IsString(item))
                        return jpath_err(&args_at, err, "must be a non-empty array of strings");
        return json_as_strv(args, &args_at, &p->args, err);
}

static int parse_console_size(const cJSON *node, const struct jpath *at, struct spec_process *p, brig_error **err)
{
        struct jpath size_at = JPATH_KEY(at, "consoleSize");
        const cJSON *size = NULL;
        int r;

        r = json_opt_object(node, "consoleSize", at, &size, err);
        if (r <= 0)
                return r;
        p->has_console_size = true;
        if (json_req_int(size, "height", &size_at, 0, UINT16_MAX, &p->console_size.height, err) < 0 ||
            json_req_int(size, "width", &size_at, 0, UINT16_MAX, &p->console_size.width, err) < 0)
                return -1;
        return 0;
}

int spec_process_parse_object(const cJSON *node, const struct jpath *at, void *process, brig_error **err)
{
        struct spec_process *p = process;
        struct jpath cwd_at = JPATH_KEY(at, "cwd");
        const cJSON *cwd = NULL;

        if (json_expect_object(node, at, err) < 0 || parse_args(node, at, p, err) < 0)
                return -1;
        if (json_require(node, "cwd", at, &cwd, err) < 0 || json_as_abs_path(cwd, &cwd_at, &p->cwd, err) < 0)
                return -1;
        if (json_opt_bool(node, "terminal", at, &p->terminal, NULL, err) < 0 ||
            parse_console_size(node, at, p, err) < 0 ||
            json_opt_string(node, "commandLine", at, &p->command_line, err) < 0 ||
            json_opt_strv(node, "env", at, &p->env, err) < 0 ||
            json_opt_array_of(node, "rlimits", at, sizeof(*p->rlimits), parse_rlimit, &p->rlimits, &p->n_rlimits,
                              err) < 0 ||
            check_rlimits_unique(p, at, err) < 0 ||
            json_opt_bool(node, "noNewPrivileges", at, &p->no_new_privileges, NULL, err) < 0 ||
            json_opt_string(node, "apparmorProfile", at, &p->apparmor_profile, err) < 0 ||
            json_opt_int(node, "oomScoreAdj", at, -1000, 1000, &p->oom_score_adj, &p->has_oom_score_adj, err) < 0 ||
            json_opt_string(node, "selinuxLabel", at, &p->selinux_label, err) < 0 ||
            json_opt_new_object(node, "capabilities", at, sizeof(*p->capabilities), parse_capabilities,
                                &p->capabilities, err) < 0 ||
            json_opt_new_object(node, "ioPriority", at, sizeof(*p->io_priority), parse_io_priority,
                                &p->io_priority, err) < 0 ||
            json_opt_new_object(node, "scheduler", at, sizeof(*p->scheduler), parse_scheduler, &p->scheduler,
                                err) < 0)
                return -1;
        return parse_user(node, at, &p->user, err);
}

static void capabilities_free(struct spec_capabilities *c)
{
        if (c == NULL)
                return;
        strv_free(c->bounding);
        strv_free(c->effective);
        strv_free(c->permitted);
        strv_free(c->inheritable);
        strv_free(c->ambient);
        free(c);
}

static void scheduler_free(struct spec_scheduler *s)
{
        if (s == NULL)
                return;
        free(s->policy);
        strv_free(s->flags);
        free(s);
}

static void spec_process_clear(struct spec_process *p)
{
        free(p->user.additional_gids);
        free(p->user.username);
        strv_free(p->args);
        free(p->command_line);
        strv_free(p->env);
        free(p->cwd);
        capabilities_free(p->capabilities);
        for (size_t i = 0; i < p->n_rlimits; i++)
                free(p->rlimits[i].type);
        free(p->rlimits);
        free(p->apparmor_profile);
        free(p->selinux_label);
        free(p->io_priority);
        scheduler_free(p->scheduler);
        *p = (struct spec_process){ 0 };
}

void spec_process_free(struct spec_process *p)
{
        if (p == NULL)
                return;
        spec_process_clear(p);
        free(p);
}

int spec_parse_process(const char *json, size_t len, const char *what, struct spec_process **ret,
                       brig_error **err)
{
        struct spec_process *p = NULL;

        if (json_parse_root(json, len, what, sizeof(*p), spec_process_parse_object, &p, err) < 0) {
                spec_process_free(p);
                return -1;
        }
        *ret = p;
        return 0;
}
