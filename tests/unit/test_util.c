/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "unit.h"

/* Entries of a directory besides "." and "..". */
static int count_entries(const char *path)
{
        _cleanup_closedir_ DIR *d = opendir(path);
        struct dirent *de;
        int n = 0;

        while (d != NULL && (de = readdir(d)) != NULL)
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                        n++;
        return d != NULL ? n : -1;
}

/* In a child, so that the file size limit does not outlive the attempt: 0 when the write failed. */
static int failing_atomic_write(const char *dir)
{
        struct rlimit small = { .rlim_cur = 4, .rlim_max = 4 };
        char big[64] = { 0 };
        int status;
        pid_t pid = fork();

        if (pid == 0) {
                _cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
                brig_error *err = NULL;

                /* EFBIG instead of SIGXFSZ once the file reaches the limit. */
                signal(SIGXFSZ, SIG_IGN);
                if (dfd < 0 || setrlimit(RLIMIT_FSIZE, &small) < 0)
                        _exit(2);
                _exit(write_file_atomic_at(dfd, "state.json", big, sizeof(big), &err) < 0 ? 0 : 1);
        }
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
                return -1;
        return WEXITSTATUS(status);
}

TEST(util_atomic_write_leaves_no_temporary_after_a_failed_write)
{
        char dir[] = "/tmp/brig-unit-util-XXXXXX";

        ASSERT_NOT_NULL(mkdtemp(dir));
        ASSERT_EQ_INT(failing_atomic_write(dir), 0);
        ASSERT_EQ_INT(count_entries(dir), 0);
        ASSERT_EQ_INT(rmdir(dir), 0);
}
