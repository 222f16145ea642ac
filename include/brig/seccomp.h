/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp compiled with libseccomp; loaded as late as possible before exec. */
#ifndef BRIG_SECCOMP_H
#define BRIG_SECCOMP_H

#include "brig/error.h"
#include "brig/spec.h"

struct brig_seccomp;

/* Compile the profile (NULL profile: *ret = NULL). Errors name the JSON path (linux.seccomp.syscalls[3].action). */
int seccomp_prepare(const struct spec_seccomp *profile, struct brig_seccomp **ret, brig_error **err);
/* Install the filter in the calling thread (needs no_new_privs or CAP_SYS_ADMIN). */
int seccomp_load(struct brig_seccomp *filter, brig_error **err);
void seccomp_free(struct brig_seccomp *filter);

#endif
