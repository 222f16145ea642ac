/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_run(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        struct create_options opts = { 0 };
        bool detach = false;
        const char *id;
        int status;

        if (cli_parse_create_flags(argc, argv, &opts, &detach, err) < 0 || cli_container_id(argc, argv, "run", &id, err) < 0)
                return -1;
        if (container_run(rt, id, &opts, detach, &status, err) < 0)
                return -1;
        return status;
}
