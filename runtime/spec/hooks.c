/* SPDX-License-Identifier: Apache-2.0 */
/* `hooks`: programs the runtime runs at lifecycle points. */
#include <limits.h>
#include <stdlib.h>

#include "brig/util.h"
#include "spec-internal.h"

static int parse_hook(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_hook *h = elem;
        struct jpath path_at = JPATH_KEY(at, "path");
        struct jpath timeout_at = JPATH_KEY(at, "timeout");
        const cJSON *path = NULL;

        if (json_require(node, "path", at, &path, err) < 0 || json_as_abs_path(path, &path_at, &h->path, err) < 0 ||
            json_opt_strv(node, "args", at, &h->args, err) < 0 || json_opt_strv(node, "env", at, &h->env, err) < 0 ||
            json_opt_int(node, "timeout", at, INT_MIN, INT_MAX, &h->timeout, &h->has_timeout, err) < 0)
                return -1;
        if (h->has_timeout && h->timeout <= 0)
                return jpath_err(&timeout_at, err, "must be greater than 0");
        return 0;
}

static int parse_phase(const cJSON *node, const char *key, const struct jpath *at, struct spec_hook **ret,
                       size_t *ret_n, brig_error **err)
{
        return json_opt_array_of(node, key, at, sizeof(**ret), parse_hook, ret, ret_n, err);
}

int spec_hooks_parse(const cJSON *root, const struct jpath *at, struct spec_hooks *hooks, brig_error **err)
{
        struct jpath hooks_at = JPATH_KEY(at, "hooks");
        const cJSON *node = NULL;
        int r;

        r = json_opt_object(root, "hooks", at, &node, err);
        if (r <= 0)
                return r;
        if (parse_phase(node, "prestart", &hooks_at, &hooks->prestart, &hooks->n_prestart, err) < 0 ||
            parse_phase(node, "createRuntime", &hooks_at, &hooks->create_runtime, &hooks->n_create_runtime, err) < 0 ||
            parse_phase(node, "createContainer", &hooks_at, &hooks->create_container, &hooks->n_create_container,
                        err) < 0 ||
            parse_phase(node, "startContainer", &hooks_at, &hooks->start_container, &hooks->n_start_container,
                        err) < 0 ||
            parse_phase(node, "poststart", &hooks_at, &hooks->poststart, &hooks->n_poststart, err) < 0 ||
            parse_phase(node, "poststop", &hooks_at, &hooks->poststop, &hooks->n_poststop, err) < 0)
                return -1;
        return 0;
}

static void hooks_free(struct spec_hook *h, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(h[i].path);
                strv_free(h[i].args);
                strv_free(h[i].env);
        }
        free(h);
}

void spec_hooks_clear(struct spec_hooks *hooks)
{
        hooks_free(hooks->prestart, hooks->n_prestart);
        hooks_free(hooks->create_runtime, hooks->n_create_runtime);
        hooks_free(hooks->create_container, hooks->n_create_container);
        hooks_free(hooks->start_container, hooks->n_start_container);
        hooks_free(hooks->poststart, hooks->n_poststart);
        hooks_free(hooks->poststop, hooks->n_poststop);
        *hooks = (struct spec_hooks){ 0 };
}
