/* SPDX-License-Identifier: Apache-2.0 */
/* The command line: one file per subcommand, each parsing its flags and calling the core. */
#ifndef BRIG_CLI_H
#define BRIG_CLI_H

#include <stdbool.h>

#include "brig/container.h"
#include "brig/error.h"

struct cli_command {
        const char *name;
        const char *usage; /* after "brig [global options] <name> " */
        const char *summary;
        /* argv[0] is the subcommand; returns the process exit status, or < 0 with *err set. */
        int (*run)(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
};

/* The single positional container id after the flags (getopt's optind). */
int cli_container_id(int argc, char **argv, const char *cmd, const char **ret, brig_error **err);

/* Flags shared by create and run; `extra` adds run's own (--detach). Returns optind. */
int cli_parse_create_flags(int argc, char **argv, struct create_options *opts, bool *detach, brig_error **err);

/* Subcommands. */
int cmd_create(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_start(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_run(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_exec(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_state(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_kill(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_delete(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_list(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_spec(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_features(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_update(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_pause(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_resume(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_ps(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_events(const struct runtime_options *rt, int argc, char **argv, brig_error **err);
int cmd_version(const struct runtime_options *rt, int argc, char **argv, brig_error **err);

#endif
