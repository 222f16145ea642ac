/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cmd_state(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        struct container_state st;
        enum container_status status;
        const char *id;
        char *json;

        optind = 1;
        if (cli_container_id(argc, argv, "state", &id, err) < 0 || container_load(rt, id, &st, &status, err) < 0)
                return -1;
        json = state_to_json(&st, status, true);
        printf("%s\n", json);
        free(json);
        state_release(&st);
        return 0;
}
