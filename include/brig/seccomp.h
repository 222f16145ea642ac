/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp compiled with libseccomp; loaded as late as possible before exec. */
#ifndef BRIG_SECCOMP_H
#define BRIG_SECCOMP_H

#include <stddef.h>

#include "brig/error.h"
#include "brig/spec.h"

struct brig_seccomp;

/*
 * Compile the profile (NULL profile: *ret = NULL). Errors name the JSON path (linux.seccomp.syscalls[3].action).
 * Syscall names unknown to libseccomp are skipped, as are rules whose action is the default one.
 * Several conditions on one argument index cannot share a libseccomp rule: such an entry becomes
 * one rule per condition (so its conditions are ORed, as runc does); otherwise one rule ANDs them all.
 */
int seccomp_prepare(const struct spec_seccomp *profile, struct brig_seccomp **ret, brig_error **err);

/*
 * The same, as a BPF program ready for seccomp(2), taken from or added to the cache in cache_dir
 * (NULL: no cache). Profiles with SCMP_ACT_NOTIFY rules are not cached (libseccomp loads them).
 */
int seccomp_prepare_cached(const struct spec_seccomp *profile, const char *cache_dir, struct brig_seccomp **ret,
                           brig_error **err);

/* The cache behind seccomp_prepare_cached (seccomp_cache.c). */
char *seccomp_profile_key(const struct spec_seccomp *profile);
int seccomp_cache_lookup(const char *dir, const char *key, void **ret_prog, size_t *ret_len);
void seccomp_cache_store(const char *dir, const char *key, const void *prog, size_t len);

/*
 * linux.seccomp.listenerPath is a host path: connect to it before pivot_root and hand the socket
 * to seccomp_filter_load. *ret_fd = -1 when the profile has no SCMP_ACT_NOTIFY rule or no listenerPath.
 */
int seccomp_listener_connect(const struct spec_seccomp *profile, int *ret_fd, brig_error **err);

/*
 * (Named seccomp_filter_load, not seccomp_load: libseccomp already exports that symbol.)
 * Install the filter in the calling thread (needs no_new_privs or CAP_SYS_ADMIN). When the profile
 * has SCMP_ACT_NOTIFY rules, the notify fd goes to the listener with SCM_RIGHTS, together with the
 * container process state (ociVersion, fds, pid, metadata, state). listener_fd: a socket from
 * seccomp_listener_connect (borrowed), or -1 to connect to listenerPath as seen from here.
 * state_json: the container's OCI state, NULL when unknown (then "state" is omitted and pid is ours).
 */
int seccomp_filter_load(struct brig_seccomp *filter, int listener_fd, const char *state_json, brig_error **err);
void seccomp_free(struct brig_seccomp *filter);
void seccomp_freep(struct brig_seccomp **filter);
#define _cleanup_seccomp_ __attribute__((cleanup(seccomp_freep)))

#endif
