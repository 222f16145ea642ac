/* SPDX-License-Identifier: Apache-2.0 */
#include <seccomp.h>
#include <stdio.h>

#include "cli.h"

int cmd_version(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        const struct scmp_version *v = seccomp_version();

        printf("brig version %s\nspec: 1.2.0\nlibseccomp: %u.%u.%u\n", BRIG_VERSION, v->major, v->minor, v->micro);
        return 0;
}
