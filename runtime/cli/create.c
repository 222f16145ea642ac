/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_create(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        struct create_options opts = { 0 };
        const char *id;
        pid_t pid;

        if (cli_parse_create_flags(argc, argv, &opts, NULL, err) < 0 || cli_container_id(argc, argv, "create", &id, err) < 0)
                return -1;
        if (container_create(rt, id, &opts, &pid, err) < 0)
                return -1;
        return 0;
}
