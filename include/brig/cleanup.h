/* SPDX-License-Identifier: Apache-2.0 */
/* Scope-bound ownership of fds and allocations, in the style of systemd's _cleanup_ helpers. */
#ifndef BRIG_CLEANUP_H
#define BRIG_CLEANUP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

void brig_freep(void *p);          /* free(*(void **)p) */
void brig_closep(int *fd);         /* close(*fd) if >= 0, keeping errno */
void brig_fclosep(FILE **f);
void brig_closedirp(DIR **d);
void brig_strv_freep(char ***v);   /* NULL-terminated string vector */

#define _cleanup_free_ __attribute__((cleanup(brig_freep)))
#define _cleanup_close_ __attribute__((cleanup(brig_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(brig_fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(brig_closedirp)))
#define _cleanup_strv_ __attribute__((cleanup(brig_strv_freep)))

/* Hand ownership out of a cleanup-guarded variable. */
#define TAKE_PTR(p)                                  \
        ({                                           \
                __typeof__(p) _taken_ = (p);         \
                (p) = NULL;                          \
                _taken_;                             \
        })
#define TAKE_FD(fd)                                  \
        ({                                           \
                int _taken_fd_ = (fd);               \
                (fd) = -1;                           \
                _taken_fd_;                          \
        })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
