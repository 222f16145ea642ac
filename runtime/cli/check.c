/* SPDX-License-Identifier: Apache-2.0 */
/* brig check: evaluate a bundle's config.json against the policy without creating anything. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/policy.h"
#include "brig/util.h"
#include "cli_policy.h"

struct check_options {
        struct cli_policy_options policy;
        const char *bundle;
        bool json;
};

static int parse_check_flags(int argc, char **argv, struct check_options *o, brig_error **err)
{
        static const struct option longopts[] = {
                { "bundle", required_argument, NULL, 'b' },
                { "format", required_argument, NULL, 'f' },
                CLI_POLICY_LONGOPTS,
                { 0 },
        };
        int c;

        while ((c = getopt_long(argc, argv, "+b:f:", longopts, NULL)) != -1) {
                if (c == 'b')
                        o->bundle = optarg;
                else if (c == 'P')
                        o->policy.file = optarg;
                else if (c == 'S')
                        o->policy.preset = optarg;
                else if (c == 'f' && (strcmp(optarg, "text") == 0 || strcmp(optarg, "json") == 0))
                        o->json = strcmp(optarg, "json") == 0;
                else
                        return brig_err(err, "check: bad option `%s`", argv[optind - 1]);
        }
        if (optind < argc)
                return brig_err(err, "check: unexpected argument `%s`", argv[optind]);
        return 0;
}

static void print_summary(const struct policy_report *r)
{
        if (!policy_report_allows(r))
                printf("verdict: refuse (%zu violation%s)\n", r->n_refused, r->n_refused == 1 ? "" : "s");
        else if (r->n_refused > 0)
                printf("verdict: run in audit mode (%zu violations logged, %zu hardened, %zu warnings)\n",
                       r->n_refused, r->n_hardened, r->n_warned);
        else
                printf("verdict: run (%zu hardened, %zu warnings)\n", r->n_hardened, r->n_warned);
}

int cmd_check(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        struct check_options o = { .bundle = "." };
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_policy_ struct brig_policy *policy = NULL;
        _cleanup_policy_report_ struct policy_report *report = NULL;
        _cleanup_free_ char *out = NULL;

        if (parse_check_flags(argc, argv, &o, err) < 0)
                return -1;
        if (o.policy.file == NULL)
                o.policy.file = rt->policy_file;
        if (o.policy.preset == NULL)
                o.policy.preset = rt->policy_preset;
        if (policy_load(o.policy.file, o.policy.preset, &policy, err) < 0 || spec_load(o.bundle, &spec, err) < 0)
                return -1;
        report = policy_evaluate(policy, spec);
        out = o.json ? policy_report_json(report) : policy_report_text(report);
        fputs(out, stdout);
        if (o.json)
                putchar('\n');
        else
                print_summary(report);
        return policy_report_allows(report) ? 0 : 1;
}
