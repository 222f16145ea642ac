/* SPDX-License-Identifier: Apache-2.0 */
/* process_finalize: the order of the last privileged steps of a container process, then execve. */
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/process.h"
#include "brig/util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define DEFAULT_UMASK 0022

/* ---- args[0] ---- */

static const char *env_path(char **env)
{
        for (size_t i = 0; env != NULL && env[i] != NULL; i++)
                if (str_has_prefix(env[i], "PATH="))
                        return env[i] + strlen("PATH=");
        return DEFAULT_PATH;
}

/* 0, or the errno explaining why path cannot be executed. Root may run anything with an x bit. */
static int executable_file_errno(const char *path)
{
        struct stat st;

        if (stat(path, &st) < 0)
                return errno;
        if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0)
                return EACCES;
        return 0;
}

static int resolve_executable(const char *name, char **env, char **ret, brig_error **err)
{
        _cleanup_free_ char *dirs = NULL;
        char *save = NULL;
        int e;

        if (strchr(name, '/') != NULL) {
                e = executable_file_errno(name);
                if (e != 0)
                        return brig_error_make(err, e, "exec: `%s`", name);
                *ret = xstrdup(name);
                return 0;
        }
        dirs = xstrdup(env_path(env));
        /* strtok would skip empty entries, which mean the current directory. */
        for (char *dir = dirs; *name != '\0' && dir != NULL; dir = save) {
                _cleanup_free_ char *candidate = NULL;

                save = strchr(dir, ':');
                if (save != NULL)
                        *save++ = '\0';
                candidate = xasprintf("%s/%s", *dir != '\0' ? dir : ".", name);
                if (executable_file_errno(candidate) == 0) {
                        *ret = TAKE_PTR(candidate);
                        return 0;
                }
        }
        return brig_err(err, "exec: `%s`: executable file not found in $PATH", name);
}

/* ---- LSM exec labels ---- */

static bool file_starts_with(const char *path, const char *prefix)
{
        _cleanup_error_ brig_error *ignored = NULL;
        _cleanup_free_ char *text = NULL;

        return read_file_at(AT_FDCWD, path, &text, NULL, &ignored) == 0 && str_has_prefix(text, prefix);
}

/* Both checks work after pivot_root: /sys/kernel/security is rarely mounted in a container. */
static bool apparmor_enabled(void)
{
        return file_starts_with("/sys/module/apparmor/parameters/enabled", "Y") ||
               access("/proc/self/attr/apparmor/current", R_OK) == 0;
}

static bool selinux_enabled(void)
{
        _cleanup_error_ brig_error *ignored = NULL;
        _cleanup_free_ char *text = NULL;

        /* selinuxfs is registered only when SELinux is enabled at boot. */
        if (read_file_at(AT_FDCWD, "/proc/filesystems", &text, NULL, &ignored) == 0 &&
            strstr(text, "\tselinuxfs\n") != NULL)
                return true;
        return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

static int apply_apparmor(const char *profile, brig_error **err)
{
        _cleanup_free_ char *text = xasprintf("exec %s", profile);
        /* The per-LSM file (Linux >= 5.8) is unambiguous when several LSMs are stacked. */
        const char *file = access("/proc/self/attr/apparmor/exec", F_OK) == 0 ? "/proc/self/attr/apparmor/exec"
                                                                               : "/proc/self/attr/exec";

        if (!apparmor_enabled())
                return brig_err(err, "process.apparmorProfile: AppArmor is not enabled on this host");
        if (write_file_at(AT_FDCWD, file, text, strlen(text), 0, err) < 0)
                return brig_error_wrap(err, "process.apparmorProfile: `%s`", profile);
        return 0;
}

static int apply_selinux(const char *label, brig_error **err)
{
        if (!selinux_enabled())
                return brig_err(err, "process.selinuxLabel: SELinux is not enabled on this host");
        if (write_file_at(AT_FDCWD, "/proc/self/attr/exec", label, strlen(label), 0, err) < 0)
                return brig_error_wrap(err, "process.selinuxLabel: `%s`", label);
        return 0;
}

/* A requested confinement is never skipped: no LSM means an error. Both take effect at execve. */
static int apply_lsm_labels(const struct spec_process *proc, brig_error **err)
{
        int r;

        if (proc->apparmor_profile != NULL) {
                r = apply_apparmor(proc->apparmor_profile, err);
                if (r < 0)
                        return r;
        }
        return proc->selinux_label != NULL ? apply_selinux(proc->selinux_label, err) : 0;
}

/* ---- seccomp ---- */

static void close_listener(struct exec_plan *plan)
{
        if (plan->has_seccomp_listener)
                close(plan->seccomp_listener_fd);
        plan->has_seccomp_listener = false;
        plan->seccomp_listener_fd = -1;
}

/* The floor first: the config's own filter may deny seccomp(2) itself. Each is loaded once. */
static int load_filters(struct exec_plan *plan, brig_error **err)
{
        int r = seccomp_filter_load(plan->floor, -1, NULL, err);

        if (r >= 0)
                r = seccomp_filter_load(plan->seccomp, plan->has_seccomp_listener ? plan->seccomp_listener_fd : -1,
                                        plan->seccomp_state_json, err);
        close_listener(plan);
        seccomp_freep(&plan->floor);
        seccomp_freep(&plan->seccomp);
        return r;
}

/*
 * The caller should connect before pivot_root (seccomp_listener_connect); without its socket, try
 * once more now, still as root: after the uid switch the socket may be out of reach.
 */
static int ensure_listener(struct exec_plan *plan, const struct spec_seccomp *profile, brig_error **err)
{
        int r;

        if (plan->has_seccomp_listener)
                return 0;
        r = seccomp_listener_connect(profile, &plan->seccomp_listener_fd, err);
        if (r < 0)
                return r;
        plan->has_seccomp_listener = plan->seccomp_listener_fd >= 0;
        return 0;
}

/* ---- the sequence ---- */

/* Try as root first (the user may not reach it); on EACCES retry after the uid switch (root-squashed NFS). */
static int enter_cwd(const char *cwd, bool *ret_retry, brig_error **err)
{
        *ret_retry = false;
        if (cwd == NULL || chdir(cwd) == 0)
                return 0;
        if (errno == EACCES || errno == EPERM) {
                *ret_retry = true;
                return 0;
        }
        return brig_syserr(err, "process.cwd: chdir `%s`", cwd);
}

int process_finalize(const struct spec_process *proc, const struct spec_linux *linux_cfg,
                     struct exec_plan *plan, brig_error **err)
{
        const struct spec_seccomp *profile = linux_cfg != NULL ? linux_cfg->seccomp : NULL;
        bool cwd_retry;
        int r;

        r = ensure_listener(plan, profile, err);
        if (r < 0)
                return r;
        r = process_apply_limits(proc, linux_cfg != NULL ? linux_cfg->personality : NULL, err);
        if (r < 0)
                return r;
        umask(proc->user.has_umask ? proc->user.umask : DEFAULT_UMASK);
        r = apply_lsm_labels(proc, err);
        if (r < 0)
                return r;
        r = enter_cwd(proc->cwd, &cwd_retry, err);
        if (r < 0)
                return r;
        if (proc->args == NULL || proc->args[0] == NULL)
                return brig_err(err, "process.args: must be a non-empty array of strings");
        r = resolve_executable(proc->args[0], proc->env, &plan->path, err);
        if (r < 0)
                return r;
        /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: do it while we still have it. */
        /* The floor goes first: the config's own filter may deny seccomp(2) itself. */
        if (!proc->no_new_privileges) {
                r = load_filters(plan, err);
                if (r < 0)
                        return r;
        }
        r = process_switch_identity(proc, err);
        if (r < 0)
                return r;
        if (cwd_retry && chdir(proc->cwd) < 0)
                return brig_syserr(err, "process.cwd: chdir `%s`", proc->cwd);
        if (proc->no_new_privileges) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                        return brig_syserr(err, "process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
                /* The filters wait for process_exec: as few of brig's own syscalls as possible run under them. */
        }
        return 0;
}

int process_exec(struct exec_plan *plan, const struct spec_process *proc, brig_error **err)
{
        static char *const no_env[] = { NULL };
        int r;

        r = load_filters(plan, err);
        if (r < 0)
                return r;
        execve(plan->path, proc->args, proc->env != NULL ? proc->env : no_env);
        return brig_syserr(err, "exec `%s`", plan->path);
}
