/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cli.h"

int cmd_spec(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        static const struct option longopts[] = { { "bundle", required_argument, NULL, 'b' }, { 0 } };
        _cleanup_free_ char *json = NULL, *path = NULL;
        _cleanup_close_ int fd = -1;
        const char *bundle = ".";
        int c;

        while ((c = getopt_long(argc, argv, "+b:", longopts, NULL)) != -1) {
                if (c != 'b')
                        return brig_err(err, "spec: unknown option `%s`", argv[optind - 1]);
                bundle = optarg;
        }
        path = xasprintf("%s/config.json", bundle);
        /* O_EXCL: never overwrite a config someone wrote. */
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
                if (errno == EEXIST)
                        return brig_err(err, "spec: `%s` already exists", path);
                return brig_syserr(err, "spec: create `%s`", path);
        }
        json = spec_default_json();
        if (write_all(fd, json, strlen(json)) < 0 || write_all(fd, "\n", 1) < 0)
                return brig_syserr(err, "spec: write `%s`", path);
        return 0;
}
