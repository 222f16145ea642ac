/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp_prepare: every error names its JSON path; tolerated oddities compile. */
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/seccomp.h"
#include "unit.h"

static char *names_getcwd[] = { "getcwd", NULL };
static char *names_unknown[] = { "no_such_syscall_in_any_kernel", "getcwd", NULL };

/* A default-allow profile with one rule: the tests below break one field of it. */
static struct spec_seccomp_syscall one_rule(char **names, const char *action)
{
        return (struct spec_seccomp_syscall){ .names = names, .action = (char *) action };
}

static struct spec_seccomp profile_with(struct spec_seccomp_syscall *rules, size_t n)
{
        return (struct spec_seccomp){ .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .n_syscalls = n };
}

TEST(seccomp_null_profile_is_no_filter)
{
        struct brig_seccomp *f = (struct brig_seccomp *) 1;
        brig_error *err = NULL;

        ASSERT_OK(seccomp_prepare(NULL, &f, &err), err);
        ASSERT_NULL(f);
}

TEST(seccomp_unknown_default_action)
{
        struct spec_seccomp p = profile_with(NULL, 0);
        struct brig_seccomp *f = NULL;
        brig_error *err = NULL;

        p.default_action = "SCMP_ACT_MAYBE";
        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err,
                            "linux.seccomp.defaultAction: unknown action `SCMP_ACT_MAYBE`");
        ASSERT_NULL(f);
}

TEST(seccomp_unknown_rule_action_names_index)
{
        struct spec_seccomp_syscall rules[] = { one_rule(names_getcwd, "SCMP_ACT_ERRNO"),
                                                one_rule(names_getcwd, "SCMP_ACT_DENY") };
        struct spec_seccomp p = profile_with(rules, 2);
        struct brig_seccomp *f = NULL;
        brig_error *err = NULL;

        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err,
                            "linux.seccomp.syscalls[1].action: unknown action `SCMP_ACT_DENY`");
}

TEST(seccomp_unknown_architecture)
{
        static char *arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_Z80", NULL };
        static char *bare[] = { "x86_64", NULL };
        struct spec_seccomp p = profile_with(NULL, 0);
        struct brig_seccomp *f = NULL;
        brig_error *err = NULL;

        p.architectures = arches;
        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err,
                            "linux.seccomp.architectures[1]: unknown architecture `SCMP_ARCH_Z80`");
        p.architectures = bare;
        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err,
                            "linux.seccomp.architectures[0]: unknown architecture `x86_64`");
}

TEST(seccomp_unknown_operator_and_bad_index)
{
        struct spec_seccomp_arg args[] = { { .index = 0, .op = "SCMP_CMP_EQ" }, { .index = 1, .op = "SCMP_CMP_ABOUT" } };
        struct spec_seccomp_syscall rules[] = { one_rule(names_getcwd, "SCMP_ACT_ERRNO") };
        struct spec_seccomp p = profile_with(rules, 1);
        struct brig_seccomp *f = NULL;
        brig_error *err = NULL;

        rules[0].args = args;
        rules[0].n_args = 2;
        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err,
                            "linux.seccomp.syscalls[0].args[1].op: unknown operator `SCMP_CMP_ABOUT`");
        args[1] = (struct spec_seccomp_arg){ .index = 6, .op = "SCMP_CMP_EQ" };
        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err,
                            "linux.seccomp.syscalls[0].args[1].index: `6` is not below 6");
}

TEST(seccomp_bad_flag_names)
{
        static char *flags[] = { "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_BOGUS", NULL };
        static char *lower[] = { "seccomp_filter_flag_log", NULL };
        struct spec_seccomp p = profile_with(NULL, 0);
        struct brig_seccomp *f = NULL;
        brig_error *err = NULL;

        p.flags = flags;
        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err,
                            "linux.seccomp.flags[1]: unknown flag `SECCOMP_FILTER_FLAG_BOGUS`");
        p.flags = lower;
        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err, "linux.seccomp.flags[0]: unknown flag");
}

TEST(seccomp_wait_killable_recv_needs_libseccomp_2_6)
{
        static char *flags[] = { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };
        struct spec_seccomp p = profile_with(NULL, 0);
        struct brig_seccomp *f = NULL;
        brig_error *err = NULL;

        p.flags = flags;
        if (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR < 6) {
                ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err, "needs libseccomp >= 2.6");
                return;
        }
        /* With libseccomp 2.6 the kernel may still lack the flag (Linux < 6.0): either answer is fine. */
        if (seccomp_prepare(&p, &f, &err) < 0)
                ASSERT_ERR_CONTAINS(-1, err, "linux.seccomp.flags[0]");
        seccomp_free(f);
}

TEST(seccomp_errno_ret_must_fit_16_bits)
{
        struct spec_seccomp_syscall rules[] = { one_rule(names_getcwd, "SCMP_ACT_ERRNO") };
        struct spec_seccomp p = profile_with(rules, 1);
        struct brig_seccomp *f = NULL;
        brig_error *err = NULL;

        rules[0].has_errno_ret = true;
        rules[0].errno_ret = 70000;
        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err, "linux.seccomp.syscalls[0].errnoRet: `70000`");
}

TEST(seccomp_notify_misuse)
{
        static char *sendmsg_names[] = { "sendmsg", NULL };
        struct spec_seccomp_syscall rules[] = { one_rule(names_getcwd, "SCMP_ACT_NOTIFY") };
        struct spec_seccomp p = profile_with(rules, 1);
        struct brig_seccomp *f = NULL;
        brig_error *err = NULL;

        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err, "linux.seccomp.listenerPath: required");
        p.listener_path = "/run/listener.sock";
        rules[0].names = sendmsg_names;
        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err,
                            "linux.seccomp.syscalls[0].action: `SCMP_ACT_NOTIFY` cannot apply to `sendmsg`");
        p.default_action = "SCMP_ACT_NOTIFY";
        ASSERT_ERR_CONTAINS(seccomp_prepare(&p, &f, &err), err, "linux.seccomp.defaultAction: `SCMP_ACT_NOTIFY`");
}

TEST(seccomp_compiles_every_action_operator_and_flag)
{
        static char *arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", NULL };
        static char *flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                 "SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL };
        static const char *actions[] = { "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                         "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_TRACE",
                                         "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_ALLOW" };
        static char *syscalls[][2] = { { "getcwd" }, { "uname" }, { "getpid" }, { "getppid" }, { "getuid" },
                                       { "getgid" }, { "geteuid" }, { "getegid" }, { "read" } };
        static const char *ops[] = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
                                     "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ" };
        struct spec_seccomp_syscall rules[ARRAY_SIZE(actions) + ARRAY_SIZE(ops)];
        struct spec_seccomp_arg args[ARRAY_SIZE(ops)];
        static char *personality[] = { "personality", NULL };
        struct spec_seccomp p = profile_with(rules, ARRAY_SIZE(rules));
        struct brig_seccomp *f = NULL;
        brig_error *err = NULL;

        for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
                rules[i] = one_rule(syscalls[i], actions[i]);
        for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
                args[i] = (struct spec_seccomp_arg){ .index = (unsigned) i % 6, .op = (char *) ops[i],
                                                     .value = 0xff, .value_two = 8 };
                rules[ARRAY_SIZE(actions) + i] = one_rule(personality, "SCMP_ACT_ERRNO");
                rules[ARRAY_SIZE(actions) + i].args = &args[i];
                rules[ARRAY_SIZE(actions) + i].n_args = 1;
        }
        p.default_action = "SCMP_ACT_ERRNO";
        p.has_default_errno_ret = true;
        p.default_errno_ret = 38;
        p.architectures = arches;
        p.flags = flags;
        p.listener_path = "/run/listener.sock";
        /* The default is ERRNO(38): the plain SCMP_ACT_ERRNO (EPERM) rule differs from it and stays. */
        ASSERT_OK(seccomp_prepare(&p, &f, &err), err);
        ASSERT_NOT_NULL(f);
        seccomp_free(f);
}

TEST(seccomp_skips_unknown_syscalls_and_default_action_rules)
{
        struct spec_seccomp_syscall rules[] = { one_rule(names_unknown, "SCMP_ACT_ERRNO"),
                                                one_rule(names_getcwd, "SCMP_ACT_ALLOW") };
        struct spec_seccomp p = profile_with(rules, 2);
        struct brig_seccomp *f = NULL;
        brig_error *err = NULL;

        ASSERT_OK(seccomp_prepare(&p, &f, &err), err);
        ASSERT_NOT_NULL(f);
        seccomp_free(f);
}

TEST(seccomp_same_argument_conditions_compile)
{
        /* libseccomp refuses two conditions on one argument in a rule: brig splits them. */
        struct spec_seccomp_arg args[] = { { .index = 0, .op = "SCMP_CMP_GE", .value = 5 },
                                           { .index = 0, .op = "SCMP_CMP_LE", .value = 10 },
                                           { .index = 1, .op = "SCMP_CMP_EQ", .value = 0 } };
        static char *prio[] = { "getpriority", NULL };
        struct spec_seccomp_syscall rules[] = { one_rule(prio, "SCMP_ACT_ERRNO") };
        struct spec_seccomp p = profile_with(rules, 1);
        struct brig_seccomp *f = NULL;
        brig_error *err = NULL;

        rules[0].args = args;
        rules[0].n_args = 3;
        ASSERT_OK(seccomp_prepare(&p, &f, &err), err);
        seccomp_free(f);
}

/* Load in a child (under no_new_privs, so no root needed) and watch errnoRet and argument ANDing. */
static int child_under_filter(struct brig_seccomp *f)
{
        brig_error *err = NULL;
        char buf[64];

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_filter_load(f, -1, NULL, &err) < 0)
                return 10;
        if (syscall(SYS_getcwd, buf, sizeof(buf)) != -1 || errno != 38)
                return 11;
        if (syscall(SYS_kill, 999999999, 0) != -1 || errno != 66) /* both conditions hold */
                return 12;
        if (syscall(SYS_kill, 999999999, 18) != -1 || errno != ESRCH) /* only one: the kernel answers */
                return 13;
        return 0;
}

TEST(seccomp_load_applies_errno_ret_and_ands_distinct_arguments)
{
        static char *kill_names[] = { "kill", NULL };
        struct spec_seccomp_arg args[] = { { .index = 0, .op = "SCMP_CMP_EQ", .value = 999999999 },
                                           { .index = 1, .op = "SCMP_CMP_EQ", .value = 0 } };
        struct spec_seccomp_syscall rules[] = { one_rule(names_getcwd, "SCMP_ACT_ERRNO"),
                                                one_rule(kill_names, "SCMP_ACT_ERRNO") };
        struct spec_seccomp p = profile_with(rules, 2);
        _cleanup_seccomp_ struct brig_seccomp *f = NULL;
        brig_error *err = NULL;
        int status;
        pid_t pid;

        rules[0].has_errno_ret = true;
        rules[0].errno_ret = 38;
        rules[1].has_errno_ret = true;
        rules[1].errno_ret = 66;
        rules[1].args = args;
        rules[1].n_args = 2;
        ASSERT_OK(seccomp_prepare(&p, &f, &err), err);
        pid = fork();
        ASSERT_TRUE(pid >= 0);
        if (pid == 0)
                _exit(child_under_filter(f));
        ASSERT_EQ_INT(waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status));
        ASSERT_EQ_INT(WEXITSTATUS(status), 0);
}
