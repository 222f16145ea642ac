/* SPDX-License-Identifier: Apache-2.0 */
/*
 * brig's built-in seccomp profile, applied when a config has none: the allowlist of Docker's
 * default profile (moby profiles/seccomp/default.json, Apache-2.0) as C data, with its argument
 * rules (personality, clone without namespace flags, socket without AF_VSOCK) and its
 * capability-conditional rules decided against the capabilities the container is granted.
 * Anything else fails with EPERM; syscalls newer than the list fail with ENOSYS so that libc
 * falls back to an older one (as it does for clone3).
 */
#include <errno.h>
#include <stddef.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const char *const allowed_syscalls[] = {
        "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset", "chdir", "chmod",
        "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
        "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
        "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1",
        "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd",
        "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64",
        "fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown", "fchown32",
        "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr",
        "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
        "ftruncate64", "futex", "futex_time64", "futex_waitv", "futimesat", "getcpu", "getcwd", "getdents",
        "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
        "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
        "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list",
        "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday",
        "getuid", "getuid32", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
        "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents", "io_pgetevents",
        "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit", "io_uring_enter",
        "io_uring_register", "io_uring_setup", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
        "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat", "listen", "listxattr",
        "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise",
        "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat",
        "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
        "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink",
        "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap",
        "nanosleep", "newfstatat", "_newselect", "open", "openat", "openat2", "pause", "pidfd_open",
        "pidfd_send_signal", "pipe", "pipe2", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv",
        "preadv2", "prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev",
        "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg",
        "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat", "renameat2",
        "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask",
        "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
        "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max",
        "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64",
        "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
        "select", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send", "sendfile",
        "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32",
        "setgid", "setgid32", "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid",
        "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32",
        "setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
        "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd",
        "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64",
        "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo",
        "tee", "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
        "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
        "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64",
        "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64",
        "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev",
        NULL,
};

/* x86 and arm only (arch-specific rules of the upstream profile for other arches are left out). */
#if defined(__x86_64__) || defined(__i386__)
#define ARCH_SYSCALLS NAMES("arch_prctl", "modify_ldt")
#elif defined(__aarch64__) || defined(__arm__)
#define ARCH_SYSCALLS NAMES("arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", \
                            "cacheflush", "set_tls")
#else
#define ARCH_SYSCALLS NAMES("restart_syscall")
#endif

/* Namespace flags of clone(2): CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET. */
#define CLONE_NAMESPACE_FLAGS 0x7E020000ULL
#define AF_VSOCK_FAMILY 40

struct default_rule {
        const char *const *names;
        const char *action;
        int errno_ret; /* -1: none */
        struct seccomp_arg_def arg;
        bool has_arg;
        const char *requires_cap; /* only when granted */
        const char *unless_cap;   /* only when not granted */
};

#define ALLOW_IF(cap, ...) { NAMES(__VA_ARGS__), "SCMP_ACT_ALLOW", -1, { 0 }, false, cap, NULL }
#define ALLOW_ARG(idx, op, val, ...) \
        { NAMES(__VA_ARGS__), "SCMP_ACT_ALLOW", -1, { idx, val, 0, op }, true, NULL, NULL }

static const struct default_rule default_rules[] = {
        ALLOW_IF(NULL, "process_vm_readv", "process_vm_writev", "ptrace"),
        ALLOW_ARG(0, "SCMP_CMP_NE", AF_VSOCK_FAMILY, "socket"),
        ALLOW_ARG(0, "SCMP_CMP_EQ", 0x0, "personality"),        /* PER_LINUX */
        ALLOW_ARG(0, "SCMP_CMP_EQ", 0x8, "personality"),        /* PER_LINUX32 */
        ALLOW_ARG(0, "SCMP_CMP_EQ", 0x20000, "personality"),    /* UNAME26 */
        ALLOW_ARG(0, "SCMP_CMP_EQ", 0x20008, "personality"),    /* UNAME26|PER_LINUX32 */
        ALLOW_ARG(0, "SCMP_CMP_EQ", 0xffffffff, "personality"), /* query */
        { ARCH_SYSCALLS, "SCMP_ACT_ALLOW", -1, { 0 }, false, NULL, NULL },
        ALLOW_IF("CAP_DAC_READ_SEARCH", "open_by_handle_at"),
        ALLOW_IF("CAP_SYS_ADMIN", "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen",
                 "fspick", "lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open",
                 "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns", "syslog", "umount", "umount2",
                 "unshare"),
        { NAMES("clone"), "SCMP_ACT_ALLOW", -1, { 0, CLONE_NAMESPACE_FLAGS, 0, "SCMP_CMP_MASKED_EQ" }, true, NULL,
          "CAP_SYS_ADMIN" },
        /* clone3 passes its flags in memory a filter cannot read: ENOSYS makes libc use clone. */
        { NAMES("clone3"), "SCMP_ACT_ERRNO", ENOSYS, { 0 }, false, NULL, "CAP_SYS_ADMIN" },
        ALLOW_IF("CAP_SYS_BOOT", "reboot"),
        ALLOW_IF("CAP_SYS_CHROOT", "chroot"),
        ALLOW_IF("CAP_SYS_MODULE", "delete_module", "init_module", "finit_module"),
        ALLOW_IF("CAP_SYS_PACCT", "acct"),
        ALLOW_IF("CAP_SYS_PTRACE", "kcmp", "pidfd_getfd", "process_madvise"),
        ALLOW_IF("CAP_SYS_RAWIO", "iopl", "ioperm"),
        ALLOW_IF("CAP_SYS_TIME", "settimeofday", "stime", "clock_settime", "clock_settime64"),
        ALLOW_IF("CAP_SYS_TTY_CONFIG", "vhangup"),
        ALLOW_IF("CAP_SYS_NICE", "get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"),
        ALLOW_IF("CAP_SYSLOG", "syslog"),
        ALLOW_IF("CAP_BPF", "bpf"),
        ALLOW_IF("CAP_PERFMON", "perf_event_open"),
        /* Newer than the list above: ENOSYS, so libc takes its fallback (fchmodat2 -> fchmodat). */
        { NAMES("cachestat", "fchmodat2", "futex_requeue", "futex_wait", "futex_wake", "getxattrat", "listmount",
                "listxattrat", "lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr", "map_shadow_stack",
                "mseal", "removexattrat", "setxattrat", "statmount", "uretprobe"),
          "SCMP_ACT_ERRNO", ENOSYS, { 0 }, false, NULL, NULL },
};

static bool rule_applies(const struct default_rule *r, char *const *granted)
{
        if (r->requires_cap != NULL && !strv_contains(granted, r->requires_cap))
                return false;
        return r->unless_cap == NULL || !strv_contains(granted, r->unless_cap);
}

/* Names already allowed unconditionally by an earlier rule are left out: libseccomp refuses duplicates. */
static void add_rule(struct spec_seccomp *s, const struct default_rule *r, char ***allowed)
{
        _cleanup_strv_ char **names = NULL;

        for (size_t i = 0; r->names[i] != NULL; i++)
                if (r->has_arg || !strv_contains(*allowed, r->names[i]))
                        strv_push(&names, r->names[i]);
        if (names == NULL)
                return;
        seccomp_add(s, (const char *const *) names, r->action, r->errno_ret, &r->arg, r->has_arg ? 1 : 0);
        for (size_t i = 0; !r->has_arg && names[i] != NULL; i++)
                strv_push(allowed, names[i]);
}

struct spec_seccomp *policy_default_seccomp(char *const *granted)
{
        struct spec_seccomp *s = seccomp_new("SCMP_ACT_ERRNO", EPERM);
        _cleanup_strv_ char **allowed = strv_copy((char *const *) allowed_syscalls);

        seccomp_add_native_arches(s);
        seccomp_add(s, allowed_syscalls, "SCMP_ACT_ALLOW", -1, NULL, 0);
        for (size_t i = 0; i < ARRAY_SIZE(default_rules); i++)
                if (rule_applies(&default_rules[i], granted))
                        add_rule(s, &default_rules[i], &allowed);
        return s;
}
