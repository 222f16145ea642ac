/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>

#include "cli.h"

int cmd_delete(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        static const struct option longopts[] = { { "force", no_argument, NULL, 'f' }, { 0 } };
        bool force = false;
        const char *id;
        int c;

        while ((c = getopt_long(argc, argv, "+f", longopts, NULL)) != -1) {
                if (c != 'f')
                        return brig_err(err, "delete: unknown option `%s`", argv[optind - 1]);
                force = true;
        }
        if (cli_container_id(argc, argv, "delete", &id, err) < 0)
                return -1;
        return container_delete(rt, id, force, err) < 0 ? -1 : 0;
}
