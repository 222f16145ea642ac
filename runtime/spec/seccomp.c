/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `linux.seccomp`: the shape of the profile is checked here; syscall and architecture
 * names stay strings and are resolved with libseccomp where the filter is built.
 */
#include <stdlib.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "spec-internal.h"

/* The kernel takes up to six syscall arguments. */
#define SECCOMP_MAX_ARGS 6

static const char *const seccomp_actions[] = {
        "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
        "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};

static const char *const seccomp_operators[] = {
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
        "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

static int parse_known_name(const cJSON *node, const char *key, const struct jpath *at, const char *const *known,
                            const char *what, char **ret, brig_error **err)
{
        struct jpath here = JPATH_KEY(at, key);

        if (json_req_string(node, key, at, ret, err) < 0)
                return -1;
        if (!strv_contains((char *const *) known, *ret))
                return jpath_err(&here, err, "unknown %s `%s`", what, *ret);
        return 0;
}

static int parse_arg(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_seccomp_arg *a = elem;

        if (json_req_int(node, "index", at, 0, SECCOMP_MAX_ARGS - 1, &a->index, err) < 0 ||
            json_req_uint64(node, "value", at, &a->value, err) < 0 ||
            json_opt_uint64(node, "valueTwo", at, &a->value_two, NULL, err) < 0 ||
            parse_known_name(node, "op", at, seccomp_operators, "seccomp operator", &a->op, err) < 0)
                return -1;
        return 0;
}

static int parse_syscall(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_seccomp_syscall *s = elem;
        struct jpath names_at = JPATH_KEY(at, "names");
        const cJSON *names = NULL;

        if (json_require(node, "names", at, &names, err) < 0 ||
            json_as_strv(names, &names_at, &s->names, err) < 0)
                return -1;
        if (s->names[0] == NULL)
                return jpath_err(&names_at, err, "must not be empty");
        if (parse_known_name(node, "action", at, seccomp_actions, "seccomp action", &s->action, err) < 0 ||
            json_opt_int(node, "errnoRet", at, 0, UINT32_MAX, &s->errno_ret, &s->has_errno_ret, err) < 0 ||
            json_opt_array_of(node, "args", at, sizeof(*s->args), parse_arg, &s->args, &s->n_args, err) < 0)
                return -1;
        return 0;
}

int spec_seccomp_parse_object(const cJSON *node, const struct jpath *at, void *seccomp, brig_error **err)
{
        struct spec_seccomp *s = seccomp;

        if (parse_known_name(node, "defaultAction", at, seccomp_actions, "seccomp action", &s->default_action,
                             err) < 0 ||
            json_opt_int(node, "defaultErrnoRet", at, 0, UINT32_MAX, &s->default_errno_ret,
                         &s->has_default_errno_ret, err) < 0 ||
            json_opt_strv(node, "architectures", at, &s->architectures, err) < 0 ||
            json_opt_strv(node, "flags", at, &s->flags, err) < 0 ||
            json_opt_string(node, "listenerPath", at, &s->listener_path, err) < 0 ||
            json_opt_string(node, "listenerMetadata", at, &s->listener_metadata, err) < 0 ||
            json_opt_array_of(node, "syscalls", at, sizeof(*s->syscalls), parse_syscall, &s->syscalls,
                              &s->n_syscalls, err) < 0)
                return -1;
        return 0;
}

void spec_seccomp_free(struct spec_seccomp *s)
{
        if (s == NULL)
                return;
        free(s->default_action);
        strv_free(s->architectures);
        strv_free(s->flags);
        free(s->listener_path);
        free(s->listener_metadata);
        for (size_t i = 0; i < s->n_syscalls; i++) {
                struct spec_seccomp_syscall *sc = &s->syscalls[i];

                strv_free(sc->names);
                free(sc->action);
                for (size_t j = 0; j < sc->n_args; j++)
                        free(sc->args[j].op);
                free(sc->args);
        }
        free(s->syscalls);
        free(s);
}
