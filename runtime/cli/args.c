/* SPDX-License-Identifier: Apache-2.0 */
/* Argument helpers shared by the subcommands. */
#include <getopt.h>
#include <string.h>

#include "brig/util.h"
#include "cli.h"

int cli_container_id(int argc, char **argv, const char *cmd, const char **ret, brig_error **err)
{
        if (optind >= argc)
                return brig_err(err, "%s: missing container id", cmd);
        *ret = argv[optind];
        return state_validate_id(*ret, err);
}

enum { OPT_BUNDLE = 'b', OPT_DETACH = 'd', OPT_PID_FILE = 256, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING,
       OPT_PRESERVE };

int cli_parse_create_flags(int argc, char **argv, struct create_options *opts, bool *detach, brig_error **err)
{
        static const struct option longopts[] = {
                { "bundle", required_argument, NULL, OPT_BUNDLE },
                { "pid-file", required_argument, NULL, OPT_PID_FILE },
                { "console-socket", required_argument, NULL, OPT_CONSOLE },
                { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
                { "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
                { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
                { "detach", no_argument, NULL, OPT_DETACH },
                { 0 },
        };
        int c;

        while ((c = getopt_long(argc, argv, detach != NULL ? "+b:d" : "+b:", longopts, NULL)) != -1) {
                switch (c) {
                case OPT_BUNDLE:
                        opts->bundle = optarg;
                        break;
                case OPT_PID_FILE:
                        opts->pid_file = optarg;
                        break;
                case OPT_CONSOLE:
                        opts->console_socket = optarg;
                        break;
                case OPT_NO_PIVOT:
                        opts->no_pivot = true;
                        break;
                case OPT_NO_KEYRING:
                        opts->no_new_keyring = true;
                        break;
                case OPT_PRESERVE:
                        if (parse_int(optarg, &opts->preserve_fds) < 0 || opts->preserve_fds < 0)
                                return brig_err(err, "%s: --preserve-fds: `%s` is not a count", argv[0], optarg);
                        break;
                case OPT_DETACH:
                        if (detach == NULL)
                                goto unknown;
                        *detach = true;
                        break;
                default:
                unknown:
                        return brig_err(err, "%s: unknown option `%s`", argv[0], argv[optind - 1]);
                }
        }
        return optind;
}
