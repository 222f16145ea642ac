/* SPDX-License-Identifier: Apache-2.0 */
/*
 * brig's unit-test framework: one header, no dependencies.
 *
 *     #include "unit.h"
 *
 *     TEST(spec_parses_minimal)           // registers itself; name it <module>_<what>
 *     {
 *             _cleanup_spec_ struct brig_spec *spec = NULL;
 *             _cleanup_error_ brig_error *err = NULL;
 *
 *             ASSERT_OK(spec_parse(json, strlen(json), "config.json", &spec, &err), err);
 *             ASSERT_STREQ(spec->process->cwd, "/");
 *             ASSERT_ERR_CONTAINS(spec_parse("{", 1, "config.json", &spec, &err), err, "invalid JSON");
 *     }
 *
 * Every file tests/unit/test_*.c is linked with tests/unit/main.c into one runner:
 *     unit-tests [FILTER]   runs the tests whose name contains FILTER (all without one),
 *                           prints "ok <name>" or "FAIL <name>" plus "file:line: why" for each,
 *                           ends with "N passed, N failed" and exits 1 if any failed.
 *
 * A failed ASSERT_* records file:line and returns from the test function, so cleanup
 * attributes still run; the next test then starts. Use ASSERT_* only in the TEST body
 * (in a helper it would only return from the helper). ASSERT_ERR_CONTAINS and
 * ASSERT_OK free the brig_error they looked at, so `err` can be reused afterwards.
 */
#ifndef BRIG_UNIT_H
#define BRIG_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "brig/error.h"

struct unit_test {
        const char *name;
        void (*fn)(struct unit_test *t);
        bool failed;
        struct unit_test *next;
};

/* Called by TEST's constructor; main.c keeps the list in definition order. */
void unit_register(struct unit_test *t);
/* Records a failure (printed under the test's FAIL line). */
void unit_fail(struct unit_test *t, const char *file, int line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

#define TEST(name)                                                                          \
        static void unit_test_fn_##name(struct unit_test *unit_t_);                         \
        static struct unit_test unit_test_##name = { #name, unit_test_fn_##name, false, NULL }; \
        __attribute__((constructor)) static void unit_test_register_##name(void)            \
        {                                                                                   \
                unit_register(&unit_test_##name);                                           \
        }                                                                                   \
        static void unit_test_fn_##name(struct unit_test *unit_t_)

#define UNIT_FAIL(...)                                               \
        do {                                                         \
                unit_fail(unit_t_, __FILE__, __LINE__, __VA_ARGS__); \
                return;                                              \
        } while (0)

#define ASSERT_TRUE(cond)                                  \
        do {                                               \
                if (!(cond))                               \
                        UNIT_FAIL("expected true: %s", #cond); \
        } while (0)

#define ASSERT_FALSE(cond)                                  \
        do {                                                \
                if (cond)                                   \
                        UNIT_FAIL("expected false: %s", #cond); \
        } while (0)

#define ASSERT_NULL(p)                                  \
        do {                                            \
                if ((p) != NULL)                        \
                        UNIT_FAIL("expected NULL: %s", #p); \
        } while (0)

#define ASSERT_NOT_NULL(p)                                  \
        do {                                                \
                if ((p) == NULL)                            \
                        UNIT_FAIL("expected non-NULL: %s", #p); \
        } while (0)

/* Integers of any type up to 64 bits, compared as long long (or unsigned long long for _U). */
#define ASSERT_EQ_INT(actual, expected)                                                                 \
        do {                                                                                            \
                long long a_ = (long long) (actual), e_ = (long long) (expected);                       \
                if (a_ != e_)                                                                           \
                        UNIT_FAIL("%s == %lld, expected %lld", #actual, a_, e_);                        \
        } while (0)

#define ASSERT_EQ_UINT(actual, expected)                                                                \
        do {                                                                                            \
                unsigned long long a_ = (unsigned long long) (actual), e_ = (unsigned long long) (expected); \
                if (a_ != e_)                                                                           \
                        UNIT_FAIL("%s == %llu, expected %llu", #actual, a_, e_);                        \
        } while (0)

#define ASSERT_STREQ(actual, expected)                                                                  \
        do {                                                                                            \
                const char *a_ = (actual), *e_ = (expected);                                            \
                if (a_ == NULL || e_ == NULL ? a_ != e_ : strcmp(a_, e_) != 0)                           \
                        UNIT_FAIL("%s == \"%s\", expected \"%s\"", #actual, a_ ? a_ : "(null)",          \
                                  e_ ? e_ : "(null)");                                                  \
        } while (0)

/* rc >= 0; otherwise report err's message. Frees err. */
#define ASSERT_OK(rc, err)                                                                              \
        do {                                                                                            \
                int rc_ = (rc);                                                                         \
                if (rc_ < 0) {                                                                          \
                        unit_fail(unit_t_, __FILE__, __LINE__, "%s failed (%d): %s", #rc, rc_,          \
                                  (err) != NULL ? (err)->msg : "(no error set)");                       \
                        brig_error_free(&(err));                                                        \
                        return;                                                                         \
                }                                                                                       \
                brig_error_free(&(err));                                                                \
        } while (0)

/* rc < 0 and err's message contains substr. Frees err. */
#define ASSERT_ERR_CONTAINS(rc, err, substr)                                                            \
        do {                                                                                            \
                int rc_ = (rc);                                                                         \
                const char *s_ = (substr);                                                              \
                if (rc_ >= 0) {                                                                         \
                        brig_error_free(&(err));                                                        \
                        UNIT_FAIL("%s succeeded (%d), expected an error containing \"%s\"", #rc, rc_, s_); \
                }                                                                                       \
                if ((err) == NULL)                                                                      \
                        UNIT_FAIL("%s failed (%d) without setting an error", #rc, rc_);                 \
                if (strstr((err)->msg, s_) == NULL) {                                                   \
                        unit_fail(unit_t_, __FILE__, __LINE__, "error \"%s\" does not contain \"%s\"",  \
                                  (err)->msg, s_);                                                      \
                        brig_error_free(&(err));                                                        \
                        return;                                                                         \
                }                                                                                       \
                brig_error_free(&(err));                                                                \
        } while (0)

#endif
