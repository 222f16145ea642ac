/* SPDX-License-Identifier: Apache-2.0 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cli.h"

enum list_format { LIST_TABLE, LIST_JSON, LIST_QUIET };

static cJSON *entry_json(const struct container_state *st, enum container_status status)
{
        _cleanup_free_ char *text = state_to_json(st, status, false);

        return cJSON_Parse(text);
}

static void print_row(const struct container_state *st, enum container_status status)
{
        printf("%-24s %-8d %-10s %-40s %s\n", st->id, status == STATUS_STOPPED ? 0 : st->pid,
               status_name(status), st->bundle != NULL ? st->bundle : "", st->created != NULL ? st->created : "");
}

static int parse_list_flags(int argc, char **argv, enum list_format *fmt, brig_error **err)
{
        static const struct option longopts[] = {
                { "format", required_argument, NULL, 'f' },
                { "quiet", no_argument, NULL, 'q' },
                { 0 },
        };
        int c;

        while ((c = getopt_long(argc, argv, "+f:q", longopts, NULL)) != -1) {
                if (c == 'q')
                        *fmt = LIST_QUIET;
                else if (c == 'f' && strcmp(optarg, "json") == 0)
                        *fmt = LIST_JSON;
                else if (c == 'f' && strcmp(optarg, "table") == 0)
                        *fmt = LIST_TABLE;
                else
                        return brig_err(err, "list: bad option `%s`", argv[optind - 1]);
        }
        return 0;
}

int cmd_list(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        _cleanup_closedir_ DIR *d = NULL;
        enum list_format fmt = LIST_TABLE;
        cJSON *array = cJSON_CreateArray();
        struct dirent *de;
        char *out;

        if (parse_list_flags(argc, argv, &fmt, err) < 0) {
                cJSON_Delete(array);
                return -1;
        }
        if (fmt == LIST_TABLE)
                printf("%-24s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
        d = opendir(rt->root);
        while (d != NULL && (de = readdir(d)) != NULL) {
                struct container_state st;
                enum container_status status;
                brig_error *gone = NULL;

                if (de->d_name[0] == '.' || container_load(rt, de->d_name, &st, &status, &gone) < 0) {
                        brig_error_free(&gone); /* deleted meanwhile, or not a container */
                        continue;
                }
                if (fmt == LIST_QUIET)
                        printf("%s\n", st.id);
                else if (fmt == LIST_TABLE)
                        print_row(&st, status);
                else
                        cJSON_AddItemToArray(array, entry_json(&st, status));
                state_release(&st);
        }
        if (fmt == LIST_JSON) {
                out = cJSON_PrintUnformatted(array);
                printf("%s\n", out);
                cJSON_free(out);
        }
        cJSON_Delete(array);
        return 0;
}
