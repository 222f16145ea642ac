/* SPDX-License-Identifier: Apache-2.0 */
/* brig's entry point: global options, subcommand dispatch, and the one place errors are printed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brig/log.h"
#include "cli.h"
#include "cli_policy.h"

static const struct cli_command commands[] = {
        { "create", "[--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot] [--no-new-keyring] "
                    "[--preserve-fds N] ID", "create a container, its process waiting for start", cmd_create },
        { "start", "ID", "run the user process of a created container", cmd_start },
        { "run", "[create flags] [--detach] ID", "create, start and wait for a container", cmd_run },
        { "exec", "[--process F | [--env K=V] [--cwd D] [--user U[:G]] [--tty]] [--detach] [--pid-file F] "
                  "[--console-socket S] [--preserve-fds N] ID [COMMAND...]",
          "run another process in a running container", cmd_exec },
        { "state", "ID", "print the OCI state of a container", cmd_state },
        { "kill", "[--all] ID [SIGNAL]", "send a signal (default SIGTERM) to a container", cmd_kill },
        { "delete", "[--force] ID", "delete a container and everything it holds on the host", cmd_delete },
        { "list", "[--format table|json] [--quiet]", "list containers", cmd_list },
        { "update", "[--resources FILE|-] [--memory N] [--memory-reservation N] [--memory-swap N] "
                    "[--pids-limit N] [--cpu-shares N] [--cpu-quota N] [--cpu-period N] [--cpuset-cpus S] "
                    "[--cpuset-mems S] [--blkio-weight N] ID", "change the resource limits of a container", cmd_update },
        { "pause", "ID", "freeze every process of a running container", cmd_pause },
        { "resume", "ID", "thaw a paused container", cmd_resume },
        { "ps", "[--format table|json] ID [PS_ARGS...]", "list the processes of a container", cmd_ps },
        { "events", "[--stats] [--interval D] ID", "print a container's statistics and OOM events as JSON",
          cmd_events },
        { "spec", "[--bundle DIR]", "write a hardened default config.json", cmd_spec },
        { "features", "", "print the runtime-spec features brig supports", cmd_features },
        { "check", "[--bundle DIR] [--policy FILE] [--policy-preset P] [--format text|json]",
          "dry-run the hardening policy on a bundle (exit 1 if brig would refuse it)", cmd_check },
        { "policy", "show [--policy FILE] [--policy-preset P]", "print the effective hardening policy as JSON",
          cmd_policy },
        { "version", "", "print brig's version", cmd_version },
};

static void usage(FILE *out)
{
        fprintf(out, "usage: brig [--root DIR] [--log FILE] [--log-format text|json] [--debug] "
                     "[--systemd-cgroup]\n            [--policy FILE] [--policy-preset baseline|restricted] COMMAND [ARGS]\n\n"
                     "brig is a hardened OCI container runtime with runc's command line.\n\ncommands:\n");
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                fprintf(out, "  %-9s %s\n            %s\n", commands[i].name, commands[i].usage,
                        commands[i].summary);
}

struct global_options {
        struct runtime_options rt;
        const char *log_path;
        bool log_json;
        bool debug;
};

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP, OPT_POLICY, OPT_POLICY_PRESET };

/* Returns the index of the subcommand, or -1 with *err set; exits for --help/--version. */
static int parse_global(int argc, char **argv, struct global_options *g, brig_error **err)
{
        static const struct option longopts[] = {
                { "root", required_argument, NULL, OPT_ROOT },
                { "log", required_argument, NULL, OPT_LOG },
                { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
                { "debug", no_argument, NULL, OPT_DEBUG },
                { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
                { "policy", required_argument, NULL, OPT_POLICY },
                { "policy-preset", required_argument, NULL, OPT_POLICY_PRESET },
                { "version", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        int c;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
                switch (c) {
                case OPT_ROOT:
                        g->rt.root = optarg;
                        break;
                case OPT_LOG:
                        g->log_path = optarg;
                        break;
                case OPT_LOG_FORMAT:
                        if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
                                return brig_err(err, "--log-format: `%s` is neither text nor json", optarg);
                        g->log_json = strcmp(optarg, "json") == 0;
                        break;
                case OPT_DEBUG:
                        g->debug = true;
                        break;
                case OPT_SYSTEMD_CGROUP:
                        g->rt.systemd_cgroup = true;
                        break;
                case OPT_POLICY:
                        g->rt.policy_file = optarg;
                        break;
                case OPT_POLICY_PRESET:
                        g->rt.policy_preset = optarg;
                        break;
                case 'v':
                        exit(cmd_version(&g->rt, 0, NULL, err));
                case 'h':
                        usage(stdout);
                        exit(0);
                default:
                        return brig_err(err, "unknown global option `%s` (see brig --help)", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return brig_err(err, "no command given (see brig --help)");
        return optind;
}

static const struct cli_command *find_command(const char *name)
{
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (strcmp(commands[i].name, name) == 0)
                        return &commands[i];
        return NULL;
}

int main(int argc, char **argv)
{
        struct global_options g = { .rt = { .root = "/run/brig" } };
        brig_error *err = NULL;
        const struct cli_command *cmd;
        int first, status;

        first = parse_global(argc, argv, &g, &err);
        if (first >= 0 && brig_log_init(g.log_path, g.log_json, g.debug, &err) < 0)
                first = -1;
        if (first < 0)
                goto fail;
        cmd = find_command(argv[first]);
        if (cmd == NULL) {
                brig_err(&err, "unknown command `%s` (see brig --help)", argv[first]);
                goto fail;
        }
        /* Each subcommand parses its own flags from its own argv[0]. */
        optind = 0;
        status = cmd->run(&g.rt, argc - first, argv + first, &err);
        if (status >= 0)
                return status;
fail:
        brig_log_error(err);
        brig_error_free(&err);
        return 1;
}
