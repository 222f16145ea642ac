/* SPDX-License-Identifier: Apache-2.0 */
/* The policy front-ends: `brig check` (a dry run of the policy) and `brig policy show`. */
#ifndef BRIG_CLI_POLICY_H
#define BRIG_CLI_POLICY_H

#include "brig/container.h"
#include "brig/error.h"

/* Both commands take these; they win over the global --policy / --policy-preset. */
#define CLI_POLICY_LONGOPTS                                         \
        { "policy", required_argument, NULL, 'P' },                 \
        { "policy-preset", required_argument, NULL, 'S' }

struct cli_policy_options {
        const char *file;   /* NULL: /etc/brig/policy.json if present, else built-in */
        const char *preset; /* NULL: the file's, else baseline */
};

/* brig check [--bundle DIR] [--policy FILE] [--policy-preset P] [--format text|json]: 0 would run, 1 would refuse. */
int cmd_check(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
/* brig policy show [--policy FILE] [--policy-preset P]: the effective policy as JSON. */
int cmd_policy(const struct runtime_options *rt, int argc, char **argv, brig_error **err);

#endif
