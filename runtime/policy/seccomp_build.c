/* SPDX-License-Identifier: Apache-2.0 */
/* Building heap struct spec_seccomp profiles from C data (the default profile, the floor). */
#include <stdlib.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

struct spec_seccomp *seccomp_new(const char *default_action, unsigned default_errno)
{
        struct spec_seccomp *s = xmalloc0(sizeof(*s));

        s->default_action = xstrdup(default_action);
        s->has_default_errno_ret = true;
        s->default_errno_ret = default_errno;
        return s;
}

void seccomp_add(struct spec_seccomp *s, const char *const *names, const char *action, int errno_ret,
                 const struct seccomp_arg_def *args, size_t n_args)
{
        struct spec_seccomp_syscall *sc;

        s->syscalls = xrealloc(s->syscalls, (s->n_syscalls + 1) * sizeof(*s->syscalls));
        sc = &s->syscalls[s->n_syscalls++];
        *sc = (struct spec_seccomp_syscall){ .action = xstrdup(action) };
        sc->names = strv_copy((char *const *) names);
        sc->has_errno_ret = errno_ret >= 0;
        sc->errno_ret = errno_ret >= 0 ? (unsigned) errno_ret : 0;
        if (n_args == 0)
                return;
        sc->args = xmalloc0(n_args * sizeof(*sc->args));
        sc->n_args = n_args;
        for (size_t i = 0; i < n_args; i++)
                sc->args[i] = (struct spec_seccomp_arg){ .index = args[i].index, .value = args[i].value,
                                                         .value_two = args[i].value_two,
                                                         .op = xstrdup(args[i].op) };
}

void seccomp_add_native_arches(struct spec_seccomp *s)
{
#if defined(__x86_64__)
        static const char *const arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL };
#elif defined(__aarch64__)
        static const char *const arches[] = { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL };
#elif defined(__i386__)
        static const char *const arches[] = { "SCMP_ARCH_X86", NULL };
#else
        /* Unlisted: libseccomp filters for the native architecture only. */
        static const char *const arches[] = { NULL };
#endif
        strv_free(s->architectures);
        s->architectures = strv_copy((char *const *) arches);
}
