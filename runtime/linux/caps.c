/* SPDX-License-Identifier: Apache-2.0 */
/* process.capabilities: the bounding set first (while root), the other sets after the uid switch. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "brig/caps.h"
#include "brig/cleanup.h"
#include "brig/util.h"

static void cap_freep(cap_t *c)
{
        if (*c != NULL)
                cap_free(*c);
}
#define _cleanup_cap_ __attribute__((cleanup(cap_freep)))

/* The running kernel's highest capability: the compiled-in CAP_LAST_CAP may be older or newer. */
static int kernel_cap_last_cap(int *ret, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", &text, NULL, err);
        if (r < 0)
                return r;
        text[strcspn(text, "\n")] = '\0';
        if (parse_int(text, ret) < 0 || *ret < 0)
                return brig_err(err, "/proc/sys/kernel/cap_last_cap: unexpected content `%s`", text);
        return 0;
}

/*
 * Resolve a capability name. Names the kernel does not know (newer than it) are reported as
 * -1 so callers skip them: a capability the kernel lacks cannot be granted anyway.
 */
static int cap_resolve(const char *name, int last_cap, const char *field, size_t i, cap_value_t *ret,
                       brig_error **err)
{
        if (cap_from_name(name, ret) < 0)
                return brig_err(err, "%s[%zu]: unknown capability `%s`", field, i, name);
        if (*ret > last_cap)
                *ret = -1;
        return 0;
}

int caps_drop_bounding(const struct spec_capabilities *c, brig_error **err)
{
        char **keep = c != NULL ? c->bounding : NULL;
        uint64_t wanted = 0; /* the kernel's capability ABI (v3) has 64 bits */
        int last_cap, r;

        r = kernel_cap_last_cap(&last_cap, err);
        if (r < 0)
                return r;
        if (last_cap > 63)
                return brig_err(err, "/proc/sys/kernel/cap_last_cap: %d is beyond the 64-bit capability ABI",
                                last_cap);
        for (size_t i = 0; keep != NULL && keep[i] != NULL; i++) {
                cap_value_t v;

                r = cap_resolve(keep[i], last_cap, "process.capabilities.bounding", i, &v, err);
                if (r < 0)
                        return r;
                if (v >= 0)
                        wanted |= UINT64_C(1) << v;
        }
        for (int cap = 0; cap <= last_cap; cap++) {
                if (wanted & (UINT64_C(1) << cap))
                        continue;
                if (prctl(PR_CAPBSET_DROP, (unsigned long) cap, 0, 0, 0) < 0) {
                        int saved_errno = errno;
                        char *name = cap_to_name(cap); /* libcap memory: cap_free, not free */

                        r = brig_error_make(err, saved_errno, "drop `%s` from the bounding set", name);
                        cap_free(name);
                        return r;
                }
        }
        return 0;
}

static int caps_add_flag(cap_t caps, cap_flag_t flag, char **names, int last_cap, const char *field,
                         brig_error **err)
{
        for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
                cap_value_t v;
                int r;

                r = cap_resolve(names[i], last_cap, field, i, &v, err);
                if (r < 0)
                        return r;
                if (v >= 0 && cap_set_flag(caps, flag, 1, &v, CAP_SET) < 0)
                        return brig_syserr(err, "%s[%zu]: `%s`", field, i, names[i]);
        }
        return 0;
}

/* Ambient capabilities survive execve only when also permitted and inheritable: say so clearly. */
static int caps_raise_ambient(cap_t caps, char **names, int last_cap, brig_error **err)
{
        if (cap_reset_ambient() < 0)
                return brig_syserr(err, "clear the ambient capability set");
        for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
                cap_flag_value_t in_p = CAP_CLEAR, in_i = CAP_CLEAR;
                cap_value_t v;
                int r;

                r = cap_resolve(names[i], last_cap, "process.capabilities.ambient", i, &v, err);
                if (r < 0)
                        return r;
                if (v < 0)
                        continue;
                cap_get_flag(caps, v, CAP_PERMITTED, &in_p);
                cap_get_flag(caps, v, CAP_INHERITABLE, &in_i);
                if (in_p != CAP_SET || in_i != CAP_SET)
                        return brig_err(err,
                                        "process.capabilities.ambient[%zu]: `%s` must also be in the permitted "
                                        "and inheritable sets",
                                        i, names[i]);
                if (cap_set_ambient(v, CAP_SET) < 0)
                        return brig_syserr(err, "process.capabilities.ambient[%zu]: raise `%s`", i, names[i]);
        }
        return 0;
}

int caps_apply(const struct spec_capabilities *c, brig_error **err)
{
        static const struct spec_capabilities none = { 0 };
        _cleanup_cap_ cap_t caps = cap_init();
        int last_cap, r;

        if (caps == NULL)
                return brig_syserr(err, "cap_init");
        if (c == NULL)
                c = &none;
        r = kernel_cap_last_cap(&last_cap, err);
        if (r < 0)
                return r;
        r = caps_add_flag(caps, CAP_EFFECTIVE, c->effective, last_cap, "process.capabilities.effective", err);
        if (r < 0)
                return r;
        r = caps_add_flag(caps, CAP_PERMITTED, c->permitted, last_cap, "process.capabilities.permitted", err);
        if (r < 0)
                return r;
        r = caps_add_flag(caps, CAP_INHERITABLE, c->inheritable, last_cap, "process.capabilities.inheritable",
                          err);
        if (r < 0)
                return r;
        /*
         * EPERM here means a set asks for more than the process holds: effective not within
         * permitted, or inheritable outside the bounding set.
         */
        if (cap_set_proc(caps) < 0)
                return brig_syserr(err, "process.capabilities: set effective/permitted/inheritable");
        return caps_raise_ambient(caps, c->ambient, last_cap, err);
}
