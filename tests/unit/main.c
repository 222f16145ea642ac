/* SPDX-License-Identifier: Apache-2.0 */
/* The unit-test runner: runs every registered TEST (or those matching argv[1]); see unit.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* The registry is filled by constructors before main(); a test binary may have global state. */
static struct unit_test *tests_head, **tests_tail = &tests_head;

void unit_register(struct unit_test *t)
{
        *tests_tail = t;
        tests_tail = &t->next;
}

void unit_fail(struct unit_test *t, const char *file, int line, const char *fmt, ...)
{
        va_list ap;

        /* The FAIL line comes after the test ends; failures go first so they read in order. */
        t->failed = true;
        printf("    %s:%d: ", file, line);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
}

int main(int argc, char **argv)
{
        const char *filter = argc > 1 ? argv[1] : NULL;
        unsigned passed = 0, failed = 0;

        for (struct unit_test *t = tests_head; t != NULL; t = t->next) {
                if (filter != NULL && strstr(t->name, filter) == NULL)
                        continue;
                t->fn(t);
                printf("%s %s\n", t->failed ? "FAIL" : "ok  ", t->name);
                fflush(stdout);
                if (t->failed)
                        failed++;
                else
                        passed++;
        }
        printf("%u passed, %u failed\n", passed, failed);
        return failed > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
