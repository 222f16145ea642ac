/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hooks.paths: hooks run on the host as root, so their executables (after resolving symlinks,
 * and /proc/<pid>/exe to the binary behind it) must lie under a directory the policy allows.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

static bool under_allowed_prefix(char **prefixes, const char *resolved)
{
        for (size_t i = 0; prefixes[i] != NULL; i++) {
                _cleanup_free_ char *dir = realpath(prefixes[i], NULL);

                if (path_is_under(resolved, dir != NULL ? dir : prefixes[i]))
                        return true;
        }
        return false;
}

static void check_hooks(struct rule_ctx *c, const char *phase, const struct spec_hook *hooks, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = xasprintf("hooks.%s[%zu].path", phase, i);
                _cleanup_free_ char *resolved = realpath(hooks[i].path, NULL);

                /* Fail closed: what cannot be resolved now could be anything when it runs. */
                if (resolved == NULL)
                        rule_violation(c, path, "cannot resolve `%s`: %s", hooks[i].path, strerror(errno));
                else if (!under_allowed_prefix(c->policy->lists[LIST_HOOK_PREFIXES], resolved))
                        rule_violation(c, path, "`%s` (resolved `%s`) is not under an allowed hook directory",
                                       hooks[i].path, resolved);
        }
}

void rule_hooks_paths(struct rule_ctx *c)
{
        const struct spec_hooks *h = &c->spec->hooks;

        check_hooks(c, "prestart", h->prestart, h->n_prestart);
        check_hooks(c, "createRuntime", h->create_runtime, h->n_create_runtime);
        check_hooks(c, "createContainer", h->create_container, h->n_create_container);
        check_hooks(c, "startContainer", h->start_container, h->n_start_container);
        check_hooks(c, "poststart", h->poststart, h->n_poststart);
        check_hooks(c, "poststop", h->poststop, h->n_poststop);
}
