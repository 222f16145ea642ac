/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ps [--format table|json] ID [PS_ARGS...]`: the processes in the container's cgroup. json is
 * the array of host pids containerd's shim parses; table is the host's `ps` output (-ef unless
 * PS_ARGS are given) kept to the header and the container's processes.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cli.h"

extern char **environ;

static void print_json(const pid_t *pids, size_t n)
{
        putchar('[');
        for (size_t i = 0; i < n; i++)
                printf("%s%d", i > 0 ? "," : "", (int) pids[i]);
        printf("]\n");
}

/* Run ps with argv and collect its standard output. */
static int run_ps(char **ps_argv, char **ret, brig_error **err)
{
        _cleanup_close_ int rd = -1, wr = -1;
        _cleanup_free_ char *out = NULL, *path = NULL;
        posix_spawn_file_actions_t fa;
        int fds[2], status, r;
        pid_t pid;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return brig_syserr(err, "ps: pipe");
        rd = fds[0];
        wr = fds[1];
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, wr, STDOUT_FILENO);
        r = posix_spawnp(&pid, "ps", &fa, NULL, ps_argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (r != 0) {
                errno = r;
                return brig_syserr(err, "ps: run `ps`");
        }
        close(TAKE_FD(wr));
        /* Reopening the read end through /proc reads the same pipe, with read_file_at's loop. */
        path = xasprintf("/proc/self/fd/%d", rd);
        r = read_file_at(AT_FDCWD, path, &out, NULL, err) < 0 ? -1 : 0;
        if (waitpid(pid, &status, 0) < 0)
                return brig_syserr(err, "ps: wait for `ps`");
        if (r < 0)
                return r;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return brig_err(err, "ps: `ps` failed (status %d)", status);
        *ret = TAKE_PTR(out);
        return 0;
}

/* Which whitespace-separated column of the header reads "PID"; -1 when none does. */
static int pid_column(const char *header)
{
        _cleanup_free_ char *copy = xstrdup(header);
        char *save = NULL;
        int i = 0;

        for (char *tok = strtok_r(copy, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save), i++)
                if (strcmp(tok, "PID") == 0)
                        return i;
        return -1;
}

static bool line_has_pid(const char *line, int column, const pid_t *pids, size_t n)
{
        _cleanup_free_ char *copy = xstrdup(line);
        char *save = NULL, *tok = strtok_r(copy, " \t", &save);
        int pid;

        for (int i = 0; tok != NULL && i < column; i++)
                tok = strtok_r(NULL, " \t", &save);
        if (tok == NULL || parse_int(tok, &pid) < 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                        return true;
        return false;
}

static int print_table(char **ps_args, const pid_t *pids, size_t n, brig_error **err)
{
        _cleanup_strv_ char **ps_argv = NULL;
        _cleanup_free_ char *out = NULL;
        char *save = NULL, *header;
        int column;

        strv_push(&ps_argv, "ps");
        if (*ps_args == NULL)
                strv_push(&ps_argv, "-ef");
        for (char **a = ps_args; *a != NULL; a++)
                strv_push(&ps_argv, *a);
        if (run_ps(ps_argv, &out, err) < 0)
                return -1;
        header = strtok_r(out, "\n", &save);
        column = header != NULL ? pid_column(header) : -1;
        if (column < 0)
                return brig_err(err, "ps: the output of `ps` has no PID column");
        printf("%s\n", header);
        for (char *line = strtok_r(NULL, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
                if (line_has_pid(line, column, pids, n))
                        printf("%s\n", line);
        return 0;
}

int cmd_ps(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        static const struct option longopts[] = { { "format", required_argument, NULL, 'f' }, { 0 } };
        _cleanup_free_ pid_t *pids = NULL;
        bool json = false;
        const char *id;
        size_t n;
        int c;

        while ((c = getopt_long(argc, argv, "+f:", longopts, NULL)) != -1) {
                if (c != 'f' || (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0))
                        return brig_err(err, "ps: bad option `%s` (--format takes table or json)",
                                        argv[optind - 1]);
                json = strcmp(optarg, "json") == 0;
        }
        if (cli_container_id(argc, argv, "ps", &id, err) < 0 || container_pids(rt, id, &pids, &n, err) < 0)
                return -1;
        if (json) {
                print_json(pids, n);
                return 0;
        }
        return print_table(argv + optind + 1, pids, n, err) < 0 ? -1 : 0;
}
