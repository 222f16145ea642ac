/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared between the files of runtime/spec/: typed accessors over cJSON that know
 * the JSON path of what they read, and the per-section parsers.
 *
 * A struct jpath is a chain of stack frames (member names / array indexes) that is
 * rendered only when an error is reported, so a successful parse allocates nothing
 * for paths. The root frame carries `what` ("config.json").
 *
 * Parsers write straight into zero-initialised structs and, on failure, leave them
 * half-filled but consistent: the caller's free function releases everything.
 * JSON null is treated like an absent member (Go encoders write null for nil).
 */
#ifndef BRIG_SPEC_INTERNAL_H
#define BRIG_SPEC_INTERNAL_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "brig/spec.h"

struct jpath {
        const struct jpath *parent; /* NULL for the root */
        const char *key;            /* member name; NULL for an array element or the root */
        size_t index;               /* array index when key == NULL and parent != NULL */
        const char *what;           /* root only: the document's name for messages */
};

#define JPATH_ROOT(w) ((struct jpath){ .what = (w) })
#define JPATH_KEY(p, k) ((struct jpath){ .parent = (p), .key = (k) })
#define JPATH_INDEX(p, i) ((struct jpath){ .parent = (p), .index = (i) })

/* "process.args[2]" (empty for the root). Caller frees. */
char *jpath_render(const struct jpath *at);
/* Fills *err with "<what>: <path>: <message>"; returns < 0. */
int jpath_err(const struct jpath *at, brig_error **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The member `key` of obj, or NULL when it is absent or null. */
const cJSON *json_member(const cJSON *obj, const char *key);
/* Like json_member but a missing member is an error ("<path>.key: missing"). */
int json_require(const cJSON *obj, const char *key, const struct jpath *at, const cJSON **ret, brig_error **err);

/* Checks on a value node whose path is `at`. */
int json_expect_object(const cJSON *node, const struct jpath *at, brig_error **err);
int json_expect_array(const cJSON *node, const struct jpath *at, brig_error **err);
int json_as_string(const cJSON *node, const struct jpath *at, char **ret, brig_error **err);
int json_as_bool(const cJSON *node, const struct jpath *at, bool *ret, brig_error **err);
/* Integers within [min, max]. */
int json_as_int64(const cJSON *node, const struct jpath *at, int64_t min, int64_t max, int64_t *ret,
                  brig_error **err);
int json_as_uint64(const cJSON *node, const struct jpath *at, uint64_t *ret, brig_error **err);
/* An array of strings as a NULL-terminated vector (empty array: vector with no entries). */
int json_as_strv(const cJSON *node, const struct jpath *at, char ***ret, brig_error **err);
/* An absolute path without ".." components (mount destinations, device paths, ...). */
int json_as_clean_abs_path(const cJSON *node, const struct jpath *at, char **ret, brig_error **err);
int json_as_abs_path(const cJSON *node, const struct jpath *at, char **ret, brig_error **err);

/*
 * Optional members of obj (whose path is `at`): absent/null leaves the output untouched
 * and returns 0; present and valid returns 1; wrong type returns < 0. `has` may be NULL.
 */
int json_opt_object(const cJSON *obj, const char *key, const struct jpath *at, const cJSON **ret, brig_error **err);
int json_opt_array(const cJSON *obj, const char *key, const struct jpath *at, const cJSON **ret, brig_error **err);
int json_opt_string(const cJSON *obj, const char *key, const struct jpath *at, char **ret, brig_error **err);
int json_opt_bool(const cJSON *obj, const char *key, const struct jpath *at, bool *ret, bool *has, brig_error **err);
int json_opt_int64(const cJSON *obj, const char *key, const struct jpath *at, int64_t min, int64_t max,
                   int64_t *ret, bool *has, brig_error **err);
int json_opt_uint64(const cJSON *obj, const char *key, const struct jpath *at, uint64_t *ret, bool *has,
                    brig_error **err);
int json_opt_strv(const cJSON *obj, const char *key, const struct jpath *at, char ***ret, brig_error **err);

/* Required members: absent is "<path>: missing". */
int json_req_string(const cJSON *obj, const char *key, const struct jpath *at, char **ret, brig_error **err);
int json_req_int64(const cJSON *obj, const char *key, const struct jpath *at, int64_t min, int64_t max,
                   int64_t *ret, brig_error **err);
int json_req_uint64(const cJSON *obj, const char *key, const struct jpath *at, uint64_t *ret, brig_error **err);

/* Integer members stored into narrower types (uid_t, uint16_t, int, ...), range-checked first. */
#define json_opt_int(obj, key, at, min, max, dst, has, err)                                   \
        ({                                                                                    \
                int64_t _v_;                                                                  \
                int _r_ = json_opt_int64((obj), (key), (at), (min), (max), &_v_, (has), (err)); \
                if (_r_ > 0)                                                                  \
                        *(dst) = _v_;                                                         \
                _r_;                                                                          \
        })
#define json_req_int(obj, key, at, min, max, dst, err)                                        \
        ({                                                                                    \
                int64_t _v_;                                                                  \
                int _r_ = json_req_int64((obj), (key), (at), (min), (max), &_v_, (err));        \
                if (_r_ >= 0)                                                                 \
                        *(dst) = _v_;                                                         \
                _r_;                                                                          \
        })

/* Parses the object `node` (whose path is `at`) into the zero-filled struct `out`. */
typedef int (*json_object_fn)(const cJSON *node, const struct jpath *at, void *out, brig_error **err);

/*
 * An optional object parsed into a newly allocated zero-filled struct of `size` bytes,
 * stored in *ret_ptr (a T **) before parsing so the caller's free function releases a
 * half-parsed one. Returns 0 when absent, 1 when parsed, < 0 on error.
 */
int json_opt_new_object(const cJSON *obj, const char *key, const struct jpath *at, size_t size,
                        json_object_fn parse, void *ret_ptr, brig_error **err);

/*
 * A whole document: parse the text, then `parse` the root object into a new struct of
 * `size` bytes, stored in *ret_ptr (a T **) even on failure, for the caller to free.
 */
int json_parse_root(const char *json, size_t len, const char *what, size_t size, json_object_fn parse,
                    void *ret_ptr, brig_error **err);

/*
 * An optional array of objects parsed element by element into a zero-filled C array of
 * `elem_size` bytes each. *ret_array (a T **) and *ret_n are set before elements are
 * parsed, so a failure leaves an array the caller's free function can release.
 */
int json_opt_array_of(const cJSON *obj, const char *key, const struct jpath *at, size_t elem_size,
                      json_object_fn parse_element, void *ret_array, size_t *ret_n, brig_error **err);

/*
 * An optional object whose values are all strings, as an array of pairs in document order.
 * `arr` is a T ** where T has `char *key, *value` (spec_key_value, spec_annotation).
 */
#define json_opt_string_map(obj, name, at, arr, n, err)                                                    \
        json_opt_string_map_impl((obj), (name), (at), sizeof(**(arr)), offsetof(__typeof__(**(arr)), key), \
                                 offsetof(__typeof__(**(arr)), value), (arr), (n), (err))
int json_opt_string_map_impl(const cJSON *obj, const char *name, const struct jpath *at, size_t elem_size,
                             size_t key_offset, size_t value_offset, void *ret_array, size_t *ret_n,
                             brig_error **err);
void spec_key_values_free(struct spec_key_value *kv, size_t n);

/* ---- sections ---- */

/* The section parsers take their struct as void * to serve as json_object_fn. */
int spec_process_parse_object(const cJSON *node, const struct jpath *at, void *process, brig_error **err);

int spec_mounts_parse(const cJSON *root, const struct jpath *at, struct brig_spec *spec, brig_error **err);
void spec_mounts_free(struct spec_mount *m, size_t n);

int spec_hooks_parse(const cJSON *root, const struct jpath *at, struct spec_hooks *hooks, brig_error **err);
void spec_hooks_clear(struct spec_hooks *hooks);

int spec_linux_parse(const cJSON *node, const struct jpath *at, void *linux_section, brig_error **err);
void spec_linux_free(struct spec_linux *l);

/* uidMappings/gidMappings arrays (linux.* and mounts[].*): size > 0, no overlapping ranges. */
int spec_id_mappings_parse(const cJSON *obj, const char *key, const struct jpath *at, struct spec_id_mapping **ret,
                           size_t *ret_n, brig_error **err);
/* "private", "rslave", ... -> enum; SPEC_PROPAGATION_NONE when unknown. */
enum spec_propagation spec_propagation_from_name(const char *name);

int spec_resources_parse_object(const cJSON *node, const struct jpath *at, void *resources, brig_error **err);

int spec_seccomp_parse_object(const cJSON *node, const struct jpath *at, void *seccomp, brig_error **err);
void spec_seccomp_free(struct spec_seccomp *s);

#endif
