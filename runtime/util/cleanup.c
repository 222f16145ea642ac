/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/util.h"

void brig_freep(void *p)
{
        free(*(void **) p);
}

void brig_closep(int *fd)
{
        int saved = errno;

        if (*fd >= 0)
                close(*fd);
        errno = saved;
}

void brig_fclosep(FILE **f)
{
        if (*f != NULL)
                fclose(*f);
}

void brig_closedirp(DIR **d)
{
        if (*d != NULL)
                closedir(*d);
}

void brig_strv_freep(char ***v)
{
        strv_free(*v);
}
