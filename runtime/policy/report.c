/* SPDX-License-Identifier: Apache-2.0 */
/* Decisions as text (brig check, error messages) and JSON (brig check --format json, audit log). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

static const char *mode_name(enum policy_mode m)
{
        return m == POLICY_MODE_AUDIT ? "audit" : "enforce";
}

/* A memstream that aborts on allocation failure, as x* helpers do. */
static FILE *text_open(char **buf, size_t *len)
{
        FILE *f = open_memstream(buf, len);

        if (f == NULL)
                abort();
        return f;
}

/* The text written to f (NULL when nothing was); buf and len are only valid after fclose. */
static char *text_close(FILE *f, char **buf, const size_t *len)
{
        if (fclose(f) != 0)
                abort();
        if (*len == 0) {
                free(*buf);
                return NULL;
        }
        return *buf;
}

char *policy_report_text(const struct policy_report *r)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = text_open(&buf, &len);

        for (size_t i = 0; i < r->n_decisions; i++) {
                const struct policy_decision *d = &r->decisions[i];

                if (d->verdict == POLICY_OK)
                        fprintf(f, "ok      %s\n", policy_rule_name(d->rule));
                else
                        fprintf(f, "%-7s %-22s %s: %s\n", policy_verdict_name(d->verdict), policy_rule_name(d->rule),
                                d->path, d->message);
        }
        buf = text_close(f, &buf, &len);
        return buf != NULL ? buf : xstrdup("");
}

char *policy_report_refusals(const struct policy_report *r)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = text_open(&buf, &len);
        bool first = true;

        for (size_t i = 0; i < r->n_decisions; i++) {
                const struct policy_decision *d = &r->decisions[i];

                if (d->verdict != POLICY_REFUSE)
                        continue;
                fprintf(f, "%srefused by policy: %s: %s: %s", first ? "" : "\n", policy_rule_name(d->rule), d->path,
                        d->message);
                first = false;
        }
        return text_close(f, &buf, &len);
}

cJSON *policy_decisions_json(const struct policy_report *r, bool with_ok)
{
        cJSON *list = cJSON_CreateArray();

        for (size_t i = 0; i < r->n_decisions; i++) {
                const struct policy_decision *d = &r->decisions[i];
                cJSON *o;

                if (d->verdict == POLICY_OK && !with_ok)
                        continue;
                o = cJSON_CreateObject();
                cJSON_AddStringToObject(o, "verdict", policy_verdict_name(d->verdict));
                cJSON_AddStringToObject(o, "rule", policy_rule_name(d->rule));
                if (d->path != NULL)
                        cJSON_AddStringToObject(o, "path", d->path);
                if (d->message != NULL)
                        cJSON_AddStringToObject(o, "message", d->message);
                cJSON_AddItemToArray(list, o);
        }
        return list;
}

void policy_summary_json(cJSON *o, const struct policy_report *r)
{
        cJSON_AddStringToObject(o, "verdict", policy_report_allows(r) ? "run" : "refuse");
        cJSON_AddStringToObject(o, "mode", mode_name(r->mode));
        cJSON_AddNumberToObject(o, "refused", (double) r->n_refused);
        cJSON_AddNumberToObject(o, "hardened", (double) r->n_hardened);
        cJSON_AddNumberToObject(o, "warned", (double) r->n_warned);
}

char *json_print_and_free(cJSON *o, bool pretty)
{
        char *printed = pretty ? cJSON_Print(o) : cJSON_PrintUnformatted(o);
        char *out;

        cJSON_Delete(o);
        if (printed == NULL)
                abort();
        /* cJSON's allocator need not be malloc: hand out our own copy. */
        out = xstrdup(printed);
        cJSON_free(printed);
        return out;
}

char *policy_report_json(const struct policy_report *r)
{
        cJSON *o = cJSON_CreateObject();

        policy_summary_json(o, r);
        cJSON_AddItemToObject(o, "decisions", policy_decisions_json(r, true));
        return json_print_and_free(o, false);
}
