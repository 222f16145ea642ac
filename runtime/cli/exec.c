/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cli.h"

enum { OPT_PROCESS = 'p', OPT_DETACH = 'd', OPT_TTY = 't', OPT_ENV = 'e', OPT_USER = 'u',
       OPT_CWD = 256, OPT_PID_FILE, OPT_CONSOLE, OPT_PRESERVE };

static int parse_exec_flags(int argc, char **argv, struct exec_options *o, char ***env, brig_error **err)
{
        static const struct option longopts[] = {
                { "process", required_argument, NULL, OPT_PROCESS },
                { "detach", no_argument, NULL, OPT_DETACH },
                { "tty", no_argument, NULL, OPT_TTY },
                { "env", required_argument, NULL, OPT_ENV },
                { "user", required_argument, NULL, OPT_USER },
                { "cwd", required_argument, NULL, OPT_CWD },
                { "pid-file", required_argument, NULL, OPT_PID_FILE },
                { "console-socket", required_argument, NULL, OPT_CONSOLE },
                { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
                { 0 },
        };
        int c;

        while ((c = getopt_long(argc, argv, "+p:dte:u:", longopts, NULL)) != -1) {
                switch (c) {
                case OPT_PROCESS: o->process_file = optarg; break;
                case OPT_DETACH: o->detach = true; break;
                case OPT_TTY: o->tty = true; break;
                case OPT_ENV: strv_push(env, optarg); break;
                case OPT_USER: o->user = optarg; break;
                case OPT_CWD: o->cwd = optarg; break;
                case OPT_PID_FILE: o->pid_file = optarg; break;
                case OPT_CONSOLE: o->console_socket = optarg; break;
                case OPT_PRESERVE:
                        if (parse_int(optarg, &o->preserve_fds) < 0 || o->preserve_fds < 0)
                                return brig_err(err, "exec: --preserve-fds: `%s` is not a count", optarg);
                        break;
                default:
                        return brig_err(err, "exec: unknown option `%s`", argv[optind - 1]);
                }
        }
        return 0;
}

int cmd_exec(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        _cleanup_strv_ char **env = NULL;
        struct exec_options o = { 0 };
        const char *id;
        int status;

        if (parse_exec_flags(argc, argv, &o, &env, err) < 0 || cli_container_id(argc, argv, "exec", &id, err) < 0)
                return -1;
        o.env = env;
        o.args = argv + optind + 1;
        if (container_exec(rt, id, &o, &status, err) < 0)
                return -1;
        return status;
}
