/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>

#include "cli.h"

int cmd_pause(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        const char *id;

        optind = 1;
        if (cli_container_id(argc, argv, "pause", &id, err) < 0)
                return -1;
        return container_pause(rt, id, err) < 0 ? -1 : 0;
}
