/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiled seccomp programs, cached by profile. Compiling Docker's default profile with
 * libseccomp costs more than the rest of `create` together, and every container of an engine
 * gets the same profile: the BPF is kept under the state root and reused.
 *
 * A cache file holds the profile's canonical text (the key) followed by the program. The file
 * name is a hash of the key, but a hit needs the whole key to match, so a hash collision can
 * never hand a container someone else's filter.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/seccomp.h"
#include "brig/util.h"

#define CACHE_MAGIC "brig-seccomp-1\n"

static void append(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char **s, const char *fmt, ...)
{
        _cleanup_free_ char *piece = NULL;
        va_list ap;
        char *joined;

        va_start(ap, fmt);
        piece = xvasprintf(fmt, ap);
        va_end(ap);
        joined = xasprintf("%s%s", *s, piece);
        free(*s);
        *s = joined;
}

static void append_strv(char **s, const char *label, char **v)
{
        append(s, "%s", label);
        for (size_t i = 0; v != NULL && v[i] != NULL; i++)
                append(s, " %s", v[i]);
        append(s, "\n");
}

/* Everything that decides the program: the profile, the libseccomp that compiles it, the arch. */
char *seccomp_profile_key(const struct spec_seccomp *p)
{
        const struct scmp_version *v = seccomp_version();
        char *key = xasprintf("libseccomp %u.%u.%u arch %u\ndefault %s %d %u\n", v->major, v->minor, v->micro,
                              seccomp_arch_native(), p->default_action, p->has_default_errno_ret,
                              p->default_errno_ret);

        append_strv(&key, "archs", p->architectures);
        append_strv(&key, "flags", p->flags);
        for (size_t i = 0; i < p->n_syscalls; i++) {
                const struct spec_seccomp_syscall *sc = &p->syscalls[i];

                append(&key, "rule %s %d %u\n", sc->action, sc->has_errno_ret, sc->errno_ret);
                append_strv(&key, " names", sc->names);
                for (size_t a = 0; a < sc->n_args; a++)
                        append(&key, " arg %u %s %" PRIu64 " %" PRIu64 "\n", sc->args[a].index, sc->args[a].op,
                               sc->args[a].value, sc->args[a].value_two);
        }
        return key;
}

static char *cache_file_name(const char *key)
{
        uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a: only spreads names, the key decides */

        for (const char *c = key; *c != '\0'; c++)
                h = (h ^ (unsigned char) *c) * 0x100000001b3ULL;
        return xasprintf("%016" PRIx64 ".bpf", h);
}

int seccomp_cache_lookup(const char *dir, const char *key, void **ret_prog, size_t *ret_len)
{
        _cleanup_free_ char *name = cache_file_name(key), *path = xasprintf("%s/%s", dir, name), *text = NULL;
        size_t len, head = strlen(CACHE_MAGIC) + strlen(key) + 1;
        brig_error *missing = NULL;

        if (read_file_at(AT_FDCWD, path, &text, &len, &missing) < 0) {
                brig_error_free(&missing);
                return 0;
        }
        if (len <= head || !str_has_prefix(text, CACHE_MAGIC) ||
            memcmp(text + strlen(CACHE_MAGIC), key, strlen(key) + 1) != 0 || (len - head) % 8 != 0)
                return 0;
        *ret_len = len - head;
        *ret_prog = xmalloc0(*ret_len);
        memcpy(*ret_prog, text + head, *ret_len);
        return 1;
}

/* Best effort: a cache that cannot be written only costs the next container a compile. */
void seccomp_cache_store(const char *dir, const char *key, const void *prog, size_t len)
{
        _cleanup_free_ char *name = cache_file_name(key), *content = NULL;
        _cleanup_close_ int dfd = -1;
        size_t head = strlen(CACHE_MAGIC) + strlen(key) + 1;
        brig_error *err = NULL;

        if (mkdir_p_at(AT_FDCWD, dir, 0700, &err) < 0) {
                brig_error_free(&err);
                return;
        }
        dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        content = xmalloc0(head + len);
        memcpy(content, CACHE_MAGIC, strlen(CACHE_MAGIC));
        memcpy(content + strlen(CACHE_MAGIC), key, strlen(key) + 1);
        memcpy(content + head, prog, len);
        if (dfd < 0 || write_file_atomic_at(dfd, name, content, head + len, &err) < 0)
                brig_error_free(&err);
}
