/* SPDX-License-Identifier: Apache-2.0 */
/* brig policy show: the effective policy, in the policy-file format, ready to edit. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/policy.h"
#include "cli_policy.h"

int cmd_policy(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        static const struct option longopts[] = { CLI_POLICY_LONGOPTS, { 0 } };
        struct cli_policy_options o = { 0 };
        _cleanup_policy_ struct brig_policy *policy = NULL;
        _cleanup_free_ char *json = NULL;
        int c;

        if (argc < 2 || strcmp(argv[1], "show") != 0)
                return brig_err(err, "policy: usage: brig policy show [--policy FILE] [--policy-preset P]");
        optind = 0; /* a fresh scan of show's own flags */
        while ((c = getopt_long(argc - 1, argv + 1, "+", longopts, NULL)) != -1) {
                if (c == 'P')
                        o.file = optarg;
                else if (c == 'S')
                        o.preset = optarg;
                else
                        return brig_err(err, "policy show: bad option `%s`", argv[optind]);
        }
        if (o.file == NULL)
                o.file = rt->policy_file;
        if (o.preset == NULL)
                o.preset = rt->policy_preset;
        if (policy_load(o.file, o.preset, &policy, err) < 0)
                return -1;
        json = policy_to_json(policy);
        printf("%s\n", json);
        return 0;
}
