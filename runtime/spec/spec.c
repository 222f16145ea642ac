/* SPDX-License-Identifier: Apache-2.0 */
/* The document as a whole: ociVersion, root, hostname, annotations; load, free, lookups. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "spec-internal.h"

/* The spec versions whose config.json brig understands (pre-release suffixes allowed). */
static const char *const supported_version_prefixes[] = { "1.0.", "1.1.", "1.2." };

/* "1.0.2", "1.0.2-dev", "1.1.0-rc.1", "1.2.0+dev" */
static bool oci_version_supported(const char *v)
{
        for (size_t i = 0; i < ARRAY_SIZE(supported_version_prefixes); i++) {
                const char *patch;
                size_t digits;

                if (!str_has_prefix(v, supported_version_prefixes[i]))
                        continue;
                patch = v + strlen(supported_version_prefixes[i]);
                digits = strspn(patch, "0123456789");
                if (digits == 0)
                        return false;
                if (patch[digits] == '\0')
                        return true;
                return (patch[digits] == '-' || patch[digits] == '+') && patch[digits + 1] != '\0';
        }
        return false;
}

static int parse_oci_version(const cJSON *root, const struct jpath *at, struct brig_spec *spec, brig_error **err)
{
        struct jpath version_at = JPATH_KEY(at, "ociVersion");

        if (json_req_string(root, "ociVersion", at, &spec->oci_version, err) < 0)
                return -1;
        if (!oci_version_supported(spec->oci_version))
                return jpath_err(&version_at, err, "unsupported version `%s` (brig supports 1.0.x, 1.1.x and 1.2.x)",
                                 spec->oci_version);
        return 0;
}

static int parse_root(const cJSON *root, const struct jpath *at, struct spec_root *r, brig_error **err)
{
        struct jpath root_at = JPATH_KEY(at, "root");
        struct jpath path_at = JPATH_KEY(&root_at, "path");
        const cJSON *node = NULL;

        if (json_require(root, "root", at, &node, err) < 0 || json_expect_object(node, &root_at, err) < 0 ||
            json_req_string(node, "path", &root_at, &r->path, err) < 0 ||
            json_opt_bool(node, "readonly", &root_at, &r->readonly, NULL, err) < 0)
                return -1;
        if (r->path[0] == '\0')
                return jpath_err(&path_at, err, "must not be empty");
        return 0;
}

static int parse_process(const cJSON *root, const struct jpath *at, struct brig_spec *spec, brig_error **err)
{
        struct jpath process_at = JPATH_KEY(at, "process");
        const cJSON *node = NULL;

        if (json_require(root, "process", at, &node, err) < 0)
                return -1;
        spec->process = xmalloc0(sizeof(*spec->process));
        return spec_process_parse_object(node, &process_at, spec->process, err);
}

static int parse_document(const cJSON *root, const struct jpath *at, void *out, brig_error **err)
{
        struct brig_spec *spec = out;

        if (parse_oci_version(root, at, spec, err) < 0 ||
            parse_root(root, at, &spec->root, err) < 0 || parse_process(root, at, spec, err) < 0 ||
            json_opt_string(root, "hostname", at, &spec->hostname, err) < 0 ||
            json_opt_string(root, "domainname", at, &spec->domainname, err) < 0 ||
            spec_mounts_parse(root, at, spec, err) < 0 || spec_hooks_parse(root, at, &spec->hooks, err) < 0 ||
            json_opt_string_map(root, "annotations", at, &spec->annotations, &spec->n_annotations, err) < 0 ||
            json_opt_new_object(root, "linux", at, sizeof(*spec->linux), spec_linux_parse, &spec->linux, err) < 0)
                return -1;
        return 0;
}

int spec_parse(const char *json, size_t len, const char *what, struct brig_spec **ret, brig_error **err)
{
        _cleanup_spec_ struct brig_spec *spec = NULL;

        if (json_parse_root(json, len, what, sizeof(*spec), parse_document, &spec, err) < 0)
                return -1;
        *ret = TAKE_PTR(spec);
        return 0;
}

void spec_resolve_bind_sources(struct brig_spec *spec, const char *bundle)
{
        for (size_t i = 0; i < spec->n_mounts; i++) {
                struct spec_mount *m = &spec->mounts[i];
                char *abs;

                if (!m->bind || m->source == NULL || m->source[0] == '/')
                        continue;
                abs = xasprintf("%s/%s", bundle, m->source);
                free(m->source);
                m->source = abs;
        }
}

int spec_load_text(const char *bundle, struct brig_spec **ret, char **ret_text, size_t *ret_len, brig_error **err)
{
        _cleanup_free_ char *abs = realpath(bundle, NULL), *path = NULL, *text = NULL;
        size_t len;

        if (abs == NULL)
                return brig_syserr(err, "bundle `%s`", bundle);
        path = xasprintf("%s/config.json", abs);
        if (read_file_at(AT_FDCWD, path, &text, &len, err) < 0 || spec_parse(text, len, "config.json", ret, err) < 0)
                return -1;
        spec_resolve_bind_sources(*ret, abs);
        if (ret_text != NULL) {
                *ret_text = TAKE_PTR(text);
                *ret_len = len;
        }
        return 0;
}

int spec_load(const char *bundle, struct brig_spec **ret, brig_error **err)
{
        return spec_load_text(bundle, ret, NULL, NULL, err);
}

void spec_free(struct brig_spec *spec)
{
        if (spec == NULL)
                return;
        free(spec->oci_version);
        spec_process_free(spec->process);
        free(spec->root.path);
        free(spec->hostname);
        free(spec->domainname);
        spec_mounts_free(spec->mounts, spec->n_mounts);
        spec_hooks_clear(&spec->hooks);
        for (size_t i = 0; i < spec->n_annotations; i++) {
                free(spec->annotations[i].key);
                free(spec->annotations[i].value);
        }
        free(spec->annotations);
        spec_linux_free(spec->linux);
        free(spec);
}

void spec_freep(struct brig_spec **spec)
{
        spec_free(*spec);
        *spec = NULL;
}

const struct spec_namespace *spec_namespace_find(const struct brig_spec *spec, enum spec_namespace_type t)
{
        if (spec->linux == NULL)
                return NULL;
        for (size_t i = 0; i < spec->linux->n_namespaces; i++)
                if (spec->linux->namespaces[i].type == t)
                        return &spec->linux->namespaces[i];
        return NULL;
}

const char *spec_annotation_get(const struct brig_spec *spec, const char *key)
{
        for (size_t i = 0; i < spec->n_annotations; i++)
                if (strcmp(spec->annotations[i].key, key) == 0)
                        return spec->annotations[i].value;
        return NULL;
}
