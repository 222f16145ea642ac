/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp -> a libseccomp filter; SCMP_ACT_NOTIFY fds go to the listener over SCM_RIGHTS. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <ctype.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/seccomp.h"
#include "brig/util.h"

#define SYSCALL_ARGS_MAX 6
#define DEFAULT_RET_DATA EPERM          /* errnoRet / trace message when the profile gives none */
#define PROCESS_STATE_OCI_VERSION "1.2.0"
/* libseccomp's binary-tree optimisation pays off on long profiles (docker's has ~60 entries). */
#define OPTIMIZE_TREE_ABOVE 32

#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
#define HAVE_SCMP_WAITKILL 1
#else
#define HAVE_SCMP_WAITKILL 0
#endif

struct brig_seccomp {
        scmp_filter_ctx ctx; /* a profile with SCMP_ACT_NOTIFY: libseccomp loads it and hands out the fd */
        void *prog;          /* otherwise the compiled BPF, loaded with seccomp(2) */
        size_t prog_len;     /* bytes */
        unsigned load_flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
        char *listener_path; /* set only when some rule notifies */
        char *listener_metadata;
};

static const struct {
        const char *name;
        uint32_t action;
        bool takes_ret_data; /* the low 16 bits carry errnoRet (ERRNO) or the tracer's message (TRACE) */
} actions[] = {
        { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
        { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
        { "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false },
        { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
        { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
        { "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
        { "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
        { "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
        { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false },
};

static const struct {
        const char *name;
        enum scmp_compare op;
} operators[] = {
        { "SCMP_CMP_NE", SCMP_CMP_NE },
        { "SCMP_CMP_LT", SCMP_CMP_LT },
        { "SCMP_CMP_LE", SCMP_CMP_LE },
        { "SCMP_CMP_EQ", SCMP_CMP_EQ },
        { "SCMP_CMP_GE", SCMP_CMP_GE },
        { "SCMP_CMP_GT", SCMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const struct {
        const char *name;
        enum scmp_filter_attr attr;
} flag_attrs[] = {
        { "SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB },
#if HAVE_SCMP_WAITKILL
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SCMP_FLTATR_CTL_WAITKILL },
#endif
};

void seccomp_free(struct brig_seccomp *f)
{
        if (f == NULL)
                return;
        if (f->ctx != NULL)
                seccomp_release(f->ctx);
        free(f->prog);
        free(f->listener_path);
        free(f->listener_metadata);
        free(f);
}

void seccomp_freep(struct brig_seccomp **f)
{
        seccomp_free(*f);
        *f = NULL;
}

/* `field` names the action ("linux.seccomp.syscalls[3].action"), `ret_field` its errnoRet. */
static int resolve_action(const char *name, bool has_ret, unsigned ret_data, const char *field,
                          const char *ret_field, uint32_t *ret, brig_error **err)
{
        unsigned data = has_ret ? ret_data : DEFAULT_RET_DATA;

        if (name == NULL)
                return brig_err(err, "%s: missing", field);
        for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
                if (strcmp(actions[i].name, name) != 0)
                        continue;
                if (!actions[i].takes_ret_data) {
                        *ret = actions[i].action;
                        return 0;
                }
                if (data > 0xffff)
                        return brig_err(err, "%s: `%u` does not fit the 16 bits seccomp returns", ret_field,
                                        data);
                *ret = actions[i].action | data;
                return 0;
        }
        return brig_err(err, "%s: unknown action `%s`", field, name);
}

static int add_architecture(scmp_filter_ctx ctx, const char *name, size_t i, brig_error **err)
{
        const char *prefix = "SCMP_ARCH_";
        char lower[32];
        uint32_t arch = 0;
        size_t n;
        int r;

        /* libseccomp knows "x86_64" where the spec says "SCMP_ARCH_X86_64". */
        if (str_has_prefix(name, prefix) && (n = strlen(name + strlen(prefix))) > 0 && n < sizeof(lower)) {
                for (size_t k = 0; k <= n; k++)
                        lower[k] = (char) tolower((unsigned char) name[strlen(prefix) + k]);
                arch = seccomp_arch_resolve_name(lower);
        }
        if (arch == 0)
                return brig_err(err, "linux.seccomp.architectures[%zu]: unknown architecture `%s`", i, name);
        r = seccomp_arch_add(ctx, arch);
        if (r < 0 && r != -EEXIST) /* the native architecture is always in */
                return brig_error_make(err, -r, "linux.seccomp.architectures[%zu]: add `%s`", i, name);
        return 0;
}

static int set_flag(scmp_filter_ctx ctx, const char *name, size_t i, brig_error **err)
{
        int r;

        /* brig's container process is single-threaded when it loads the filter: nothing to sync. */
        if (strcmp(name, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
                return 0;
        for (size_t k = 0; k < ARRAY_SIZE(flag_attrs); k++) {
                if (strcmp(flag_attrs[k].name, name) != 0)
                        continue;
                r = seccomp_attr_set(ctx, flag_attrs[k].attr, 1);
                if (r < 0)
                        return brig_error_make(err, -r, "linux.seccomp.flags[%zu]: set `%s`", i, name);
                return 0;
        }
        if (!HAVE_SCMP_WAITKILL && strcmp(name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
                return brig_err(err, "linux.seccomp.flags[%zu]: `%s` needs libseccomp >= 2.6 (brig has %d.%d)", i,
                                name, SCMP_VER_MAJOR, SCMP_VER_MINOR);
        return brig_err(err, "linux.seccomp.flags[%zu]: unknown flag `%s`", i, name);
}

/*
 * Fill conds from sc->args. *ret_split: some argument index has several conditions, which one
 * libseccomp rule refuses (EINVAL); the caller then adds one rule per condition.
 */
static int build_conditions(const struct spec_seccomp_syscall *sc, size_t i, struct scmp_arg_cmp *conds,
                            bool *ret_split, brig_error **err)
{
        unsigned per_index[SYSCALL_ARGS_MAX] = { 0 };

        *ret_split = false;
        for (size_t k = 0; k < sc->n_args; k++) {
                const struct spec_seccomp_arg *a = &sc->args[k];
                bool known = false;

                if (a->index >= SYSCALL_ARGS_MAX)
                        return brig_err(err, "linux.seccomp.syscalls[%zu].args[%zu].index: `%u` is not below %d", i,
                                        k, a->index, SYSCALL_ARGS_MAX);
                for (size_t o = 0; o < ARRAY_SIZE(operators) && !known; o++) {
                        if (a->op == NULL || strcmp(operators[o].name, a->op) != 0)
                                continue;
                        /* For SCMP_CMP_MASKED_EQ value is the mask and valueTwo the datum, as libseccomp wants. */
                        conds[k] = (struct scmp_arg_cmp){ .arg = a->index,
                                                          .op = operators[o].op,
                                                          .datum_a = a->value,
                                                          .datum_b = a->value_two };
                        known = true;
                }
                if (!known)
                        return brig_err(err, "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator `%s`", i, k,
                                        a->op != NULL ? a->op : "");
                if (++per_index[a->index] > 1)
                        *ret_split = true;
        }
        return 0;
}

/*
 * The spec ANDs an entry's conditions. libseccomp cannot hold two conditions on the same argument
 * in one rule, so, like runc, such an entry becomes one rule per condition: they are ORed then.
 */
static int add_rules(scmp_filter_ctx ctx, uint32_t action, int nr, const struct scmp_arg_cmp *conds, size_t n,
                     bool split)
{
        int r;

        if (!split)
                return seccomp_rule_add_array(ctx, action, nr, (unsigned) n, n > 0 ? conds : NULL);
        for (size_t k = 0; k < n; k++) {
                r = seccomp_rule_add_array(ctx, action, nr, 1, &conds[k]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int add_syscall_entry(scmp_filter_ctx ctx, const struct spec_seccomp_syscall *sc, size_t i,
                             uint32_t default_action, brig_error **err)
{
        _cleanup_free_ struct scmp_arg_cmp *conds = xmalloc0((sc->n_args + 1) * sizeof(*conds));
        char field[64], ret_field[64];
        uint32_t action;
        bool split;
        int r;

        snprintf(field, sizeof(field), "linux.seccomp.syscalls[%zu].action", i);
        snprintf(ret_field, sizeof(ret_field), "linux.seccomp.syscalls[%zu].errnoRet", i);
        r = resolve_action(sc->action, sc->has_errno_ret, sc->errno_ret, field, ret_field, &action, err);
        if (r < 0)
                return r;
        r = build_conditions(sc, i, conds, &split, err);
        if (r < 0)
                return r;
        if (action == SCMP_ACT_NOTIFY && strv_contains(sc->names, "sendmsg"))
                return brig_err(err, "%s: `SCMP_ACT_NOTIFY` cannot apply to `sendmsg`: brig sends the notify fd "
                                "to the listener with it", field);
        /* libseccomp refuses (EACCES) a rule that repeats the default action; it changes nothing anyway. */
        if (action == default_action)
                return 0;
        for (size_t j = 0; sc->names != NULL && sc->names[j] != NULL; j++) {
                int nr = seccomp_syscall_resolve_name(sc->names[j]);

                /* Profiles list syscalls of newer kernels and other architectures: skip what is unknown. */
                if (nr == __NR_SCMP_ERROR)
                        continue;
                r = add_rules(ctx, action, nr, conds, sc->n_args, split);
                if (r < 0)
                        return brig_error_make(err, -r, "linux.seccomp.syscalls[%zu]: add the rule for `%s`", i,
                                               sc->names[j]);
        }
        return 0;
}

static bool profile_notifies(const struct spec_seccomp *p)
{
        for (size_t i = 0; i < p->n_syscalls; i++)
                if (streq_ptr(p->syscalls[i].action, "SCMP_ACT_NOTIFY"))
                        return true;
        return false;
}

static int set_filter_attributes(scmp_filter_ctx ctx, const struct spec_seccomp *p, brig_error **err)
{
        int r;

        /* brig sets no_new_privs itself, and only when process.noNewPrivileges asks for it. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r < 0)
                return brig_error_make(err, -r, "linux.seccomp: clear the no_new_privs attribute");
        /* An older libseccomp without the optimiser still builds a correct (linear) filter. */
        if (p->n_syscalls > OPTIMIZE_TREE_ABOVE)
                (void) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        for (size_t i = 0; p->architectures != NULL && p->architectures[i] != NULL; i++) {
                r = add_architecture(ctx, p->architectures[i], i, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; p->flags != NULL && p->flags[i] != NULL; i++) {
                r = set_flag(ctx, p->flags[i], i, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int seccomp_prepare(const struct spec_seccomp *p, struct brig_seccomp **ret, brig_error **err)
{
        _cleanup_seccomp_ struct brig_seccomp *f = NULL;
        uint32_t default_action;
        int r;

        *ret = NULL;
        if (p == NULL)
                return 0;
        r = resolve_action(p->default_action, p->has_default_errno_ret, p->default_errno_ret,
                           "linux.seccomp.defaultAction", "linux.seccomp.defaultErrnoRet", &default_action, err);
        if (r < 0)
                return r;
        /* Every syscall brig makes after loading, sendmsg of the notify fd included, would wait for it. */
        if (default_action == SCMP_ACT_NOTIFY)
                return brig_err(err, "linux.seccomp.defaultAction: `SCMP_ACT_NOTIFY` cannot be the default action");
        if (profile_notifies(p) && p->listener_path == NULL)
                return brig_err(err, "linux.seccomp.listenerPath: required when a rule uses `SCMP_ACT_NOTIFY`");

        f = xmalloc0(sizeof(*f));
        f->ctx = seccomp_init(default_action);
        if (f->ctx == NULL)
                return brig_err(err, "linux.seccomp.defaultAction: libseccomp refused `%s`", p->default_action);
        r = set_filter_attributes(f->ctx, p, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < p->n_syscalls; i++) {
                r = add_syscall_entry(f->ctx, &p->syscalls[i], i, default_action, err);
                if (r < 0)
                        return r;
        }
        if (profile_notifies(p)) {
                f->listener_path = xstrdup(p->listener_path);
                f->listener_metadata = p->listener_metadata != NULL ? xstrdup(p->listener_metadata) : NULL;
        }
        *ret = TAKE_PTR(f);
        return 0;
}

/* The seccomp(2) flags libseccomp would have set from the profile's flags. */
static unsigned load_flags_of(const struct spec_seccomp *p)
{
        unsigned flags = 0;

        for (size_t i = 0; p->flags != NULL && p->flags[i] != NULL; i++) {
                if (strcmp(p->flags[i], "SECCOMP_FILTER_FLAG_LOG") == 0)
                        flags |= SECCOMP_FILTER_FLAG_LOG;
                else if (strcmp(p->flags[i], "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
                        flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
        }
        return flags;
}

static int export_program(scmp_filter_ctx ctx, void **ret, size_t *ret_len, brig_error **err)
{
        _cleanup_close_ int fd = memfd_create("brig-seccomp", MFD_CLOEXEC);
        _cleanup_free_ char *path = NULL;
        char *prog;
        int r;

        if (fd < 0)
                return brig_syserr(err, "linux.seccomp: memfd_create");
        r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return brig_error_make(err, -r, "linux.seccomp: export the compiled filter");
        /* A fresh open reads from the start, whatever the export left the offset at. */
        path = xasprintf("/proc/self/fd/%d", fd);
        if (read_file_at(AT_FDCWD, path, &prog, ret_len, err) < 0)
                return brig_error_wrap(err, "linux.seccomp: read the compiled filter");
        *ret = prog;
        return 0;
}

int seccomp_prepare_cached(const struct spec_seccomp *p, const char *cache_dir, struct brig_seccomp **ret,
                           brig_error **err)
{
        _cleanup_seccomp_ struct brig_seccomp *compiled = NULL, *f = NULL;
        _cleanup_free_ char *key = NULL;

        *ret = NULL;
        if (p == NULL)
                return 0;
        /* Only libseccomp can hand out a notify fd: those profiles keep its context. */
        if (profile_notifies(p))
                return seccomp_prepare(p, ret, err);
        key = seccomp_profile_key(p);
        f = xmalloc0(sizeof(*f));
        f->load_flags = load_flags_of(p);
        if (cache_dir == NULL || !seccomp_cache_lookup(cache_dir, key, &f->prog, &f->prog_len)) {
                if (seccomp_prepare(p, &compiled, err) < 0 ||
                    export_program(compiled->ctx, &f->prog, &f->prog_len, err) < 0)
                        return -1;
                if (cache_dir != NULL)
                        seccomp_cache_store(cache_dir, key, f->prog, f->prog_len);
        }
        *ret = TAKE_PTR(f);
        return 0;
}

static int load_program(const struct brig_seccomp *f, brig_error **err)
{
        struct sock_fprog prog = {
                .len = (unsigned short) (f->prog_len / sizeof(struct sock_filter)),
                .filter = f->prog,
        };

        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->load_flags, &prog) < 0)
                return brig_syserr(err, "linux.seccomp: load the filter");
        return 0;
}

static int listener_connect_path(const char *path, int *ret_fd, brig_error **err)
{
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        _cleanup_close_ int fd = -1;

        if (strlen(path) >= sizeof(addr.sun_path))
                return brig_err(err, "linux.seccomp.listenerPath: `%s` is too long for a unix socket", path);
        strcpy(addr.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return brig_syserr(err, "linux.seccomp.listenerPath: socket");
        if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0)
                return brig_syserr(err, "linux.seccomp.listenerPath: connect `%s`", path);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int seccomp_listener_connect(const struct spec_seccomp *p, int *ret_fd, brig_error **err)
{
        *ret_fd = -1;
        if (p == NULL || p->listener_path == NULL || !profile_notifies(p))
                return 0;
        return listener_connect_path(p->listener_path, ret_fd, err);
}

static void cjson_deletep(cJSON **j)
{
        cJSON_Delete(*j);
}
#define _cleanup_cjson_ __attribute__((cleanup(cjson_deletep)))

/* The runtime-spec's "container process state": what the listener receives with the fd. */
static int process_state_message(const struct brig_seccomp *f, const char *state_json, char **ret,
                                 brig_error **err)
{
        _cleanup_cjson_ cJSON *msg = cJSON_CreateObject();
        cJSON *state = NULL, *version = NULL, *pid = NULL, *fds;

        if (state_json != NULL) {
                state = cJSON_Parse(state_json);
                if (!cJSON_IsObject(state)) {
                        cJSON_Delete(state);
                        return brig_err(err, "seccomp listener: the container state is not a JSON object");
                }
                version = cJSON_GetObjectItemCaseSensitive(state, "ociVersion");
                pid = cJSON_GetObjectItemCaseSensitive(state, "pid");
        }
        cJSON_AddStringToObject(msg, "ociVersion",
                                cJSON_IsString(version) ? version->valuestring : PROCESS_STATE_OCI_VERSION);
        fds = cJSON_AddArrayToObject(msg, "fds");
        cJSON_AddItemToArray(fds, cJSON_CreateString("seccompFd"));
        cJSON_AddNumberToObject(msg, "pid", cJSON_IsNumber(pid) ? pid->valuedouble : (double) getpid());
        if (f->listener_metadata != NULL)
                cJSON_AddStringToObject(msg, "metadata", f->listener_metadata);
        if (state != NULL)
                cJSON_AddItemToObject(msg, "state", state);
        *ret = cJSON_PrintUnformatted(msg);
        if (*ret == NULL)
                abort(); /* cJSON fails only when out of memory */
        return 0;
}

/* The fd rides on the first chunk; a stream socket may take the rest in further sends. */
int seccomp_filter_load(struct brig_seccomp *f, int listener_fd, const char *state_json, brig_error **err)
{
        _cleanup_close_ int own_listener = -1, notify_fd = -1;
        _cleanup_free_ char *message = NULL;
        int r;

        if (f == NULL)
                return 0;
        if (f->prog != NULL)
                return load_program(f, err);
        /* Connect and build the message first: as few syscalls as possible run under the filter. */
        if (f->listener_path != NULL) {
                if (listener_fd < 0) {
                        r = listener_connect_path(f->listener_path, &own_listener, err);
                        if (r < 0)
                                return r;
                        listener_fd = own_listener;
                }
                r = process_state_message(f, state_json, &message, err);
                if (r < 0)
                        return r;
        }
        r = seccomp_load(f->ctx);
        if (r < 0)
                return brig_error_make(err, -r, "linux.seccomp: load the filter");
        if (f->listener_path == NULL)
                return 0;
        /* Ours to close: a notify fd left in the container would let it answer its own syscalls. */
        notify_fd = seccomp_notify_fd(f->ctx);
        if (notify_fd < 0)
                return brig_error_make(err, -notify_fd, "linux.seccomp: get the notify fd");
        if (send_all_with_fd(listener_fd, message, strlen(message), notify_fd) < 0)
                return brig_syserr(err, "linux.seccomp.listenerPath: send the notify fd");
        return 0;
}
