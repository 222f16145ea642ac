/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit trail: one JSON line per create, appended with a single write(2) on an O_APPEND
 * fd, so lines from concurrent creates never interleave.
 */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

static char *audit_line(const struct brig_policy *p, const struct policy_report *r, const char *id,
                        const char *bundle)
{
        _cleanup_free_ char *now = time_rfc3339_now();
        cJSON *o = cJSON_CreateObject();
        _cleanup_strv_ char **hardened_rules = NULL;
        char *line;

        cJSON_AddStringToObject(o, "time", now);
        cJSON_AddStringToObject(o, "id", id != NULL ? id : "");
        cJSON_AddStringToObject(o, "bundle", bundle != NULL ? bundle : "");
        cJSON_AddStringToObject(o, "preset", p->preset);
        policy_summary_json(o, r);
        cJSON_AddItemToObject(o, "decisions", policy_decisions_json(r, false));
        /* The rules that changed the config; what each changed is in "decisions". */
        for (size_t i = 0; i < r->n_decisions; i++) {
                const char *rule = policy_rule_name(r->decisions[i].rule);

                if (r->decisions[i].verdict == POLICY_HARDEN && !strv_contains(hardened_rules, rule))
                        strv_push(&hardened_rules, rule);
        }
        cJSON_AddItemToObject(o, "hardening",
                              hardened_rules != NULL
                                      ? cJSON_CreateStringArray((const char *const *) hardened_rules,
                                                                (int) strv_length(hardened_rules))
                                      : cJSON_CreateArray());
        line = json_print_and_free(o, false);
        /* The newline is part of the one write. */
        line = xrealloc(line, strlen(line) + 2);
        strcat(line, "\n");
        return line;
}

int policy_audit_log(const struct brig_policy *p, const struct policy_report *r, const char *id,
                     const char *bundle, brig_error **err)
{
        _cleanup_free_ char *line = audit_line(p, r, id, bundle);
        _cleanup_free_ char *dir_copy = xstrdup(p->audit_log);
        _cleanup_close_ int fd = -1;
        size_t len = strlen(line);
        ssize_t n;

        if (mkdir_p_at(AT_FDCWD, dirname(dir_copy), 0700, err) < 0)
                return brig_error_wrap(err, "audit log `%s`", p->audit_log);
        fd = open(p->audit_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return brig_syserr(err, "open audit log `%s`", p->audit_log);
        /* Not write_all: a second write could interleave with another create's line. */
        n = write(fd, line, len);
        if (n < 0)
                return brig_syserr(err, "write audit log `%s`", p->audit_log);
        if ((size_t) n != len)
                return brig_err(err, "write audit log `%s`: short write (%zd of %zu bytes)", p->audit_log, n, len);
        return 0;
}
