/* SPDX-License-Identifier: Apache-2.0 */
/* Typed accessors over cJSON that name the JSON path at fault in every error. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "spec-internal.h"

/* 2^63 and 2^64 as doubles: the nearest doubles to INT64_MAX and UINT64_MAX. */
#define TWO_POW_63 9223372036854775808.0
#define TWO_POW_64 18446744073709551616.0

static void jpath_append(const struct jpath *at, FILE *out)
{
        if (at->parent == NULL)
                return;
        jpath_append(at->parent, out);
        if (at->key == NULL)
                fprintf(out, "[%zu]", at->index);
        else if (at->parent->parent == NULL)
                fputs(at->key, out);
        else
                fprintf(out, ".%s", at->key);
}

char *jpath_render(const struct jpath *at)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buf, &size);

        if (out == NULL)
                abort();
        jpath_append(at, out);
        if (fclose(out) != 0)
                abort();
        return buf;
}

static const char *jpath_what(const struct jpath *at)
{
        while (at->parent != NULL)
                at = at->parent;
        return at->what;
}

int jpath_err(const struct jpath *at, brig_error **err, const char *fmt, ...)
{
        _cleanup_free_ char *path = jpath_render(at);
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = xvasprintf(fmt, ap);
        va_end(ap);
        if (path[0] == '\0')
                return brig_err(err, "%s: %s", jpath_what(at), msg);
        return brig_err(err, "%s: %s: %s", jpath_what(at), path, msg);
}

static void text_position(const char *text, size_t offset, unsigned *line, unsigned *column)
{
        *line = 1;
        *column = 1;
        for (size_t i = 0; i < offset; i++) {
                if (text[i] == '\n') {
                        (*line)++;
                        *column = 1;
                } else {
                        (*column)++;
                }
        }
}

/* Malformed JSON is reported with the line and column where cJSON gave up. */
static int parse_document(const char *json, size_t len, const char *what, cJSON **ret, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        const char *end = NULL;
        unsigned line, column;
        cJSON *root;

        /* cJSON wants a NUL-terminated buffer to reject trailing garbage. */
        if (memchr(json, '\0', len) != NULL)
                return brig_err(err, "%s: invalid JSON: contains a NUL byte", what);
        text = xstrndup(json, len);
        root = cJSON_ParseWithOpts(text, &end, true);
        if (root == NULL) {
                size_t offset = end != NULL && end >= text ? (size_t) (end - text) : 0;

                text_position(text, offset, &line, &column);
                return brig_err(err, "%s: invalid JSON near line %u, column %u", what, line, column);
        }
        *ret = root;
        return 0;
}

int json_parse_root(const char *json, size_t len, const char *what, size_t size, json_object_fn parse,
                    void *ret_ptr, brig_error **err)
{
        struct jpath root_at = JPATH_ROOT(what);
        cJSON *root = NULL;
        void *out;
        int r;

        if (parse_document(json, len, what, &root, err) < 0)
                return -1;
        if (json_expect_object(root, &root_at, err) < 0) {
                cJSON_Delete(root);
                return -1;
        }
        out = xmalloc0(size);
        memcpy(ret_ptr, &out, sizeof(out));
        r = parse(root, &root_at, out, err);
        cJSON_Delete(root);
        return r < 0 ? -1 : 0;
}

const cJSON *json_member(const cJSON *obj, const char *key)
{
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

        return cJSON_IsNull(m) ? NULL : m;
}

int json_require(const cJSON *obj, const char *key, const struct jpath *at, const cJSON **ret, brig_error **err)
{
        const cJSON *m = json_member(obj, key);

        if (m == NULL) {
                struct jpath here = JPATH_KEY(at, key);

                return jpath_err(&here, err, "missing");
        }
        *ret = m;
        return 0;
}

int json_expect_object(const cJSON *node, const struct jpath *at, brig_error **err)
{
        return cJSON_IsObject(node) ? 0 : jpath_err(at, err, "must be an object");
}

int json_expect_array(const cJSON *node, const struct jpath *at, brig_error **err)
{
        return cJSON_IsArray(node) ? 0 : jpath_err(at, err, "must be an array");
}

int json_as_string(const cJSON *node, const struct jpath *at, char **ret, brig_error **err)
{
        if (!cJSON_IsString(node))
                return jpath_err(at, err, "must be a string");
        free(*ret);
        *ret = xstrdup(node->valuestring);
        return 0;
}

int json_as_bool(const cJSON *node, const struct jpath *at, bool *ret, brig_error **err)
{
        if (!cJSON_IsBool(node))
                return jpath_err(at, err, "must be a boolean");
        *ret = cJSON_IsTrue(node);
        return 0;
}

static int int64_range_err(const struct jpath *at, int64_t min, int64_t max, brig_error **err)
{
        if (max == INT64_MAX)
                return jpath_err(at, err, "must be an integer >= %lld", (long long) min);
        return jpath_err(at, err, "must be an integer between %lld and %lld", (long long) min, (long long) max);
}

/*
 * JSON numbers arrive as doubles, so integers beyond 2^53 are approximate. INT64_MAX and
 * UINT64_MAX, which engines write for "unlimited", round up to 2^63 / 2^64 and are mapped back.
 */
int json_as_int64(const cJSON *node, const struct jpath *at, int64_t min, int64_t max, int64_t *ret,
                  brig_error **err)
{
        double d;
        int64_t v;

        if (!cJSON_IsNumber(node))
                return int64_range_err(at, min, max, err);
        d = node->valuedouble;
        if (!(d >= -TWO_POW_63 && d <= TWO_POW_63))
                return int64_range_err(at, min, max, err);
        v = d == TWO_POW_63 ? INT64_MAX : (int64_t) d;
        if (d != TWO_POW_63 && (double) v != d)
                return int64_range_err(at, min, max, err);
        if (v < min || v > max)
                return int64_range_err(at, min, max, err);
        *ret = v;
        return 0;
}

int json_as_uint64(const cJSON *node, const struct jpath *at, uint64_t *ret, brig_error **err)
{
        double d;
        uint64_t v;

        if (!cJSON_IsNumber(node))
                return jpath_err(at, err, "must be a non-negative integer");
        d = node->valuedouble;
        if (!(d >= 0 && d <= TWO_POW_64))
                return jpath_err(at, err, "must be a non-negative integer");
        v = d == TWO_POW_64 ? UINT64_MAX : (uint64_t) d;
        if (d != TWO_POW_64 && (double) v != d)
                return jpath_err(at, err, "must be a non-negative integer");
        *ret = v;
        return 0;
}

int json_as_strv(const cJSON *node, const struct jpath *at, char ***ret, brig_error **err)
{
        const cJSON *item = NULL;
        size_t i = 0;
        char **v;

        if (!cJSON_IsArray(node))
                return jpath_err(at, err, "must be an array of strings");
        v = xmalloc0(((size_t) cJSON_GetArraySize(node) + 1) * sizeof(char *));
        strv_free(*ret);
        *ret = v;
        cJSON_ArrayForEach(item, node) {
                struct jpath here = JPATH_INDEX(at, i);

                if (!cJSON_IsString(item))
                        return jpath_err(&here, err, "must be a string");
                v[i++] = xstrdup(item->valuestring);
        }
        return 0;
}

static bool path_has_dotdot(const char *path)
{
        const char *p = path;

        while (*p != '\0') {
                size_t len = strcspn(p, "/");

                if (len == 2 && p[0] == '.' && p[1] == '.')
                        return true;
                p += len;
                p += strspn(p, "/");
        }
        return false;
}

/*
 * In place, drop empty and "." components and a trailing slash ("/dev//./" -> "/dev"): the policy
 * and the rootfs code compare these paths as strings, so one directory must have one spelling.
 */
static void path_squash(char *path)
{
        const char *in = path;
        char *out = path;

        while (*in != '\0') {
                size_t len;

                in += strspn(in, "/");
                len = strcspn(in, "/");
                if (len == 0 || (len == 1 && in[0] == '.')) {
                        in += len;
                        continue;
                }
                *out++ = '/';
                memmove(out, in, len);
                out += len;
                in += len;
        }
        if (out == path)
                *out++ = '/';
        *out = '\0';
}

int json_as_abs_path(const cJSON *node, const struct jpath *at, char **ret, brig_error **err)
{
        int r = json_as_string(node, at, ret, err);

        if (r < 0)
                return r;
        if ((*ret)[0] != '/')
                return jpath_err(at, err, "must be an absolute path, got `%s`", *ret);
        return 0;
}

int json_as_clean_abs_path(const cJSON *node, const struct jpath *at, char **ret, brig_error **err)
{
        int r = json_as_abs_path(node, at, ret, err);

        if (r < 0)
                return r;
        if (path_has_dotdot(*ret))
                return jpath_err(at, err, "must not contain `..` components, got `%s`", *ret);
        path_squash(*ret);
        return 0;
}

int json_opt_object(const cJSON *obj, const char *key, const struct jpath *at, const cJSON **ret, brig_error **err)
{
        const cJSON *m = json_member(obj, key);
        struct jpath here = JPATH_KEY(at, key);

        if (m == NULL)
                return 0;
        if (json_expect_object(m, &here, err) < 0)
                return -1;
        *ret = m;
        return 1;
}

int json_opt_array(const cJSON *obj, const char *key, const struct jpath *at, const cJSON **ret, brig_error **err)
{
        const cJSON *m = json_member(obj, key);
        struct jpath here = JPATH_KEY(at, key);

        if (m == NULL)
                return 0;
        if (json_expect_array(m, &here, err) < 0)
                return -1;
        *ret = m;
        return 1;
}

int json_opt_string(const cJSON *obj, const char *key, const struct jpath *at, char **ret, brig_error **err)
{
        const cJSON *m = json_member(obj, key);
        struct jpath here = JPATH_KEY(at, key);

        if (m == NULL)
                return 0;
        return json_as_string(m, &here, ret, err) < 0 ? -1 : 1;
}

int json_opt_bool(const cJSON *obj, const char *key, const struct jpath *at, bool *ret, bool *has, brig_error **err)
{
        const cJSON *m = json_member(obj, key);
        struct jpath here = JPATH_KEY(at, key);

        if (m == NULL)
                return 0;
        if (json_as_bool(m, &here, ret, err) < 0)
                return -1;
        if (has != NULL)
                *has = true;
        return 1;
}

int json_opt_int64(const cJSON *obj, const char *key, const struct jpath *at, int64_t min, int64_t max,
                   int64_t *ret, bool *has, brig_error **err)
{
        const cJSON *m = json_member(obj, key);
        struct jpath here = JPATH_KEY(at, key);

        if (m == NULL)
                return 0;
        if (json_as_int64(m, &here, min, max, ret, err) < 0)
                return -1;
        if (has != NULL)
                *has = true;
        return 1;
}

int json_opt_uint64(const cJSON *obj, const char *key, const struct jpath *at, uint64_t *ret, bool *has,
                    brig_error **err)
{
        const cJSON *m = json_member(obj, key);
        struct jpath here = JPATH_KEY(at, key);

        if (m == NULL)
                return 0;
        if (json_as_uint64(m, &here, ret, err) < 0)
                return -1;
        if (has != NULL)
                *has = true;
        return 1;
}

int json_opt_strv(const cJSON *obj, const char *key, const struct jpath *at, char ***ret, brig_error **err)
{
        const cJSON *m = json_member(obj, key);
        struct jpath here = JPATH_KEY(at, key);

        if (m == NULL)
                return 0;
        return json_as_strv(m, &here, ret, err) < 0 ? -1 : 1;
}

int json_req_string(const cJSON *obj, const char *key, const struct jpath *at, char **ret, brig_error **err)
{
        struct jpath here = JPATH_KEY(at, key);
        const cJSON *m = NULL;

        if (json_require(obj, key, at, &m, err) < 0)
                return -1;
        return json_as_string(m, &here, ret, err);
}

int json_req_int64(const cJSON *obj, const char *key, const struct jpath *at, int64_t min, int64_t max,
                   int64_t *ret, brig_error **err)
{
        struct jpath here = JPATH_KEY(at, key);
        const cJSON *m = NULL;

        if (json_require(obj, key, at, &m, err) < 0)
                return -1;
        return json_as_int64(m, &here, min, max, ret, err);
}

int json_req_uint64(const cJSON *obj, const char *key, const struct jpath *at, uint64_t *ret, brig_error **err)
{
        struct jpath here = JPATH_KEY(at, key);
        const cJSON *m = NULL;

        if (json_require(obj, key, at, &m, err) < 0)
                return -1;
        return json_as_uint64(m, &here, ret, err);
}

int json_opt_new_object(const cJSON *obj, const char *key, const struct jpath *at, size_t size,
                        json_object_fn parse, void *ret_ptr, brig_error **err)
{
        struct jpath here = JPATH_KEY(at, key);
        const cJSON *node = NULL;
        void *out;
        int r;

        r = json_opt_object(obj, key, at, &node, err);
        if (r <= 0)
                return r;
        out = xmalloc0(size);
        memcpy(ret_ptr, &out, sizeof(out));
        return parse(node, &here, out, err) < 0 ? -1 : 1;
}

int json_opt_array_of(const cJSON *obj, const char *key, const struct jpath *at, size_t elem_size,
                      json_object_fn parse_element, void *ret_array, size_t *ret_n, brig_error **err)
{
        struct jpath here = JPATH_KEY(at, key);
        const cJSON *arr = NULL, *item;
        size_t n, i = 0;
        char *elems;
        int r;

        r = json_opt_array(obj, key, at, &arr, err);
        if (r <= 0)
                return r;
        n = (size_t) cJSON_GetArraySize(arr);
        if (n == 0)
                return 1;
        elems = xmalloc0(n * elem_size);
        /* ret_array is a T **: store the pointer without type-punning. */
        memcpy(ret_array, &elems, sizeof(elems));
        *ret_n = n;
        cJSON_ArrayForEach(item, arr) {
                struct jpath elem_at = JPATH_INDEX(&here, i);

                if (json_expect_object(item, &elem_at, err) < 0)
                        return -1;
                if (parse_element(item, &elem_at, elems + i * elem_size, err) < 0)
                        return -1;
                i++;
        }
        return 1;
}

static void store_string_at(char *elem, size_t offset, const char *value)
{
        char *copy = xstrdup(value);

        memcpy(elem + offset, &copy, sizeof(copy));
}

int json_opt_string_map_impl(const cJSON *obj, const char *name, const struct jpath *at, size_t elem_size,
                             size_t key_offset, size_t value_offset, void *ret_array, size_t *ret_n,
                             brig_error **err)
{
        struct jpath here = JPATH_KEY(at, name);
        const cJSON *map = NULL, *item;
        char *elems;
        int r;

        r = json_opt_object(obj, name, at, &map, err);
        if (r <= 0)
                return r;
        elems = xmalloc0(((size_t) cJSON_GetArraySize(map) + 1) * elem_size);
        memcpy(ret_array, &elems, sizeof(elems));
        *ret_n = 0;
        cJSON_ArrayForEach(item, map) {
                struct jpath item_at = JPATH_KEY(&here, item->string);
                char *elem = elems + *ret_n * elem_size;

                if (!cJSON_IsString(item))
                        return jpath_err(&item_at, err, "must be a string");
                store_string_at(elem, key_offset, item->string);
                store_string_at(elem, value_offset, item->valuestring);
                (*ret_n)++;
        }
        return 1;
}

void spec_key_values_free(struct spec_key_value *kv, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(kv[i].key);
                free(kv[i].value);
        }
        free(kv);
}
