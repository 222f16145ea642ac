/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>

#include "cli.h"

int cmd_resume(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        const char *id;

        optind = 1;
        if (cli_container_id(argc, argv, "resume", &id, err) < 0)
                return -1;
        return container_resume(rt, id, err) < 0 ? -1 : 0;
}
