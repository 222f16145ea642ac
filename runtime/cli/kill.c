/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

#include "brig/util.h"
#include "cli.h"

/* "KILL", "SIGKILL", "sigkill" and "9" all name SIGKILL, as with runc. */
static int parse_signal(const char *s, int *ret, brig_error **err)
{
        const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;

        if (parse_int(s, ret) == 0 && *ret > 0 && *ret <= SIGRTMAX)
                return 0;
        for (int sig = 1; sig < SIGRTMIN; sig++) {
                const char *abbrev = sigabbrev_np(sig);
                if (abbrev != NULL && strcasecmp(abbrev, name) == 0) {
                        *ret = sig;
                        return 0;
                }
        }
        return brig_err(err, "kill: unknown signal `%s`", s);
}

int cmd_kill(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        static const struct option longopts[] = { { "all", no_argument, NULL, 'a' }, { 0 } };
        bool all = false;
        int c, sig = SIGTERM;
        const char *id;

        while ((c = getopt_long(argc, argv, "+a", longopts, NULL)) != -1) {
                if (c != 'a')
                        return brig_err(err, "kill: unknown option `%s`", argv[optind - 1]);
                all = true;
        }
        if (cli_container_id(argc, argv, "kill", &id, err) < 0)
                return -1;
        if (optind + 1 < argc && parse_signal(argv[optind + 1], &sig, err) < 0)
                return -1;
        return container_kill(rt, id, sig, all, err) < 0 ? -1 : 0;
}
