/* SPDX-License-Identifier: Apache-2.0 */
/* The hardening policy: every rule on both sides of its boundary, presets, audit mode, the policy file. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/policy.h"
#include "brig/util.h"
#include "unit.h"

#define FIXTURES "tests/fixtures/engine-configs/"

/* ---- helpers (no ASSERTs: they return and the test body checks) ---- */

/* dockerd's hook is /proc/<dockerd pid>/exe: point it at a live process, ourselves. */
static void retarget_proc_exe_hooks(struct brig_spec *spec)
{
        for (size_t i = 0; i < spec->hooks.n_prestart; i++)
                if (str_has_prefix(spec->hooks.prestart[i].path, "/proc/")) {
                        free(spec->hooks.prestart[i].path);
                        spec->hooks.prestart[i].path = xasprintf("/proc/%d/exe", (int) getpid());
                }
}

static struct brig_spec *fixture(const char *name)
{
        _cleanup_free_ char *path = xasprintf(FIXTURES "%s.config.json", name);
        _cleanup_free_ char *text = NULL;
        _cleanup_error_ brig_error *err = NULL;
        struct brig_spec *spec = NULL;
        size_t len;

        if (read_file_at(AT_FDCWD, path, &text, &len, &err) < 0 || spec_parse(text, len, path, &spec, &err) < 0) {
                fprintf(stderr, "fixture %s: %s\n", name, err->msg);
                return NULL;
        }
        retarget_proc_exe_hooks(spec);
        return spec;
}

static struct brig_spec *config(const char *json)
{
        _cleanup_error_ brig_error *err = NULL;
        struct brig_spec *spec = NULL;

        if (spec_parse(json, strlen(json), "config.json", &spec, &err) < 0)
                fprintf(stderr, "config: %s\n", err->msg);
        return spec;
}

/* A preset whose hook prefixes also take this test binary's directory (the engine binary stand-in). */
static struct brig_policy *test_policy(const char *preset)
{
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_free_ char *exe = realpath("/proc/self/exe", NULL);
        struct brig_policy *p = NULL;

        if (policy_new(preset, &p, &err) < 0)
                return NULL;
        strv_push(&p->lists[LIST_HOOK_PREFIXES], dirname(exe));
        return p;
}

static size_t count(const struct policy_report *r, enum policy_verdict v, enum policy_rule rule)
{
        size_t n = 0;

        for (size_t i = 0; i < r->n_decisions; i++)
                n += r->decisions[i].verdict == v && r->decisions[i].rule == rule;
        return n;
}

static bool has_decision(const struct policy_report *r, enum policy_verdict v, enum policy_rule rule,
                         const char *path, const char *msg_part)
{
        for (size_t i = 0; i < r->n_decisions; i++) {
                const struct policy_decision *d = &r->decisions[i];

                if (d->verdict == v && d->rule == rule && (path == NULL || streq_ptr(d->path, path)) &&
                    (msg_part == NULL || (d->message != NULL && strstr(d->message, msg_part) != NULL)))
                        return true;
        }
        return false;
}

static char *make_temp_dir(void)
{
        char *dir = xstrdup("/tmp/brig-policy-test.XXXXXX");

        if (mkdtemp(dir) == NULL)
                abort();
        return dir;
}

static void remove_tree(const char *dir)
{
        _cleanup_free_ char *cmd = xasprintf("rm -rf --one-file-system '%s'", dir);

        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", dir);
}

static void touch(const char *path)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);

        if (fd >= 0)
                close(fd);
}

static const char *seccomp_names_of(const struct spec_seccomp *s, const char *name, const char *action)
{
        for (size_t i = 0; i < s->n_syscalls; i++)
                if (strv_contains(s->syscalls[i].names, name) &&
                    (action == NULL || streq_ptr(s->syscalls[i].action, action)))
                        return s->syscalls[i].action;
        return NULL;
}

/* A minimal config; `linux_extra`/`process_extra` are spliced in. */
#define CONFIG_LINUX(process_extra, top_extra, linux_body)                                                        \
        "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}" \
        process_extra "},\"root\":{\"path\":\"rootfs\"}" top_extra ",\"linux\":{" linux_body "}}"
#define PRIVATE_NAMESPACES                                                                                         \
        "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"          \
        "{\"type\":\"mount\"}"
#define CONFIG(process_extra, top_extra, linux_extra) \
        CONFIG_LINUX(process_extra, top_extra, PRIVATE_NAMESPACES "]" linux_extra)

/* ---- engine configs ---- */

TEST(policy_refuses_privileged_engine_configs)
{
        static const struct {
                const char *name;
                enum policy_rule rule;
        } cases[] = {
                { "docker-privileged", RULE_CAPS_PRIVILEGED },  { "docker-privileged", RULE_DEVICES_HOST },
                { "docker-cap-add-all", RULE_CAPS_PRIVILEGED }, { "docker-docker-sock", RULE_MOUNTS_HOST_SENSITIVE },
                { "docker-pid-host", RULE_NAMESPACES_HOST },    { "docker-network-host", RULE_NAMESPACES_HOST },
                { "docker-ipc-uts-host", RULE_NAMESPACES_HOST }, { "docker-ipc-uts-host", RULE_MOUNTS_HOST_SENSITIVE },
        };
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);

        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                _cleanup_spec_ struct brig_spec *spec = fixture(cases[i].name);
                _cleanup_policy_report_ struct policy_report *r = NULL;

                ASSERT_NOT_NULL(spec);
                r = policy_evaluate(p, spec);
                if (count(r, POLICY_REFUSE, cases[i].rule) == 0)
                        UNIT_FAIL("%s not refused by %s", cases[i].name, policy_rule_name(cases[i].rule));
                ASSERT_FALSE(policy_report_allows(r));
        }
}

TEST(policy_refuses_privileged_with_named_paths)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = fixture("docker-privileged");
        _cleanup_policy_report_ struct policy_report *r = NULL;
        _cleanup_error_ brig_error *err = NULL;

        ASSERT_NOT_NULL(spec);
        ASSERT_ERR_CONTAINS(policy_enforce(p, spec, &r, &err), err,
                            "refused by policy: caps.privileged: process.capabilities.bounding[");
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_CAPS_PRIVILEGED, NULL, "CAP_SYS_ADMIN is privileged"));
        /* Every set is named (bounding, effective, permitted: 17 privileged caps each; Docker's list
         * predates BPF, PERFMON and CHECKPOINT_RESTORE), not only the first hit. */
        ASSERT_EQ_INT(count(r, POLICY_REFUSE, RULE_CAPS_PRIVILEGED), 3 * 17);
        /* sysfs is writable with --privileged: made read-only rather than refused. */
        ASSERT_TRUE(has_decision(r, POLICY_HARDEN, RULE_MOUNTS_PROC_SYS, NULL, "sysfs is writable"));
}

TEST(policy_error_lists_every_violation_one_per_line)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = fixture("docker-pid-host");
        _cleanup_policy_report_ struct policy_report *r = NULL;
        brig_error *err = NULL;

        ASSERT_NOT_NULL(spec);
        ASSERT_TRUE(policy_enforce(p, spec, &r, &err) < 0);
        ASSERT_NOT_NULL(err);
        ASSERT_EQ_INT(err->errnum, 0);
        ASSERT_STREQ(err->msg, "refused by policy: namespaces.host: linux.namespaces: no pid namespace: the "
                               "container would share the host's");
        brig_error_free(&err);
}

TEST(policy_accepts_and_hardens_engine_defaults)
{
        static const char *const names[] = { "docker-default",   "docker-read-only", "docker-memory-pids",
                                             "docker-user-nobody", "docker-volume-ro", "ctr-default",
                                             "podman-default" };
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);

        for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
                _cleanup_spec_ struct brig_spec *spec = fixture(names[i]);
                _cleanup_policy_report_ struct policy_report *r = NULL;
                _cleanup_error_ brig_error *err = NULL;
                char **bounding;

                ASSERT_NOT_NULL(spec);
                if (policy_enforce(p, spec, &r, &err) < 0)
                        UNIT_FAIL("%s refused: %s", names[i], err->msg);
                ASSERT_TRUE(spec->process->no_new_privileges);
                ASSERT_TRUE(spec->root.readonly);
                ASSERT_NOT_NULL(spec->linux->seccomp);
                ASSERT_NOT_NULL(spec_namespace_find(spec, SPEC_NS_CGROUP));
                ASSERT_TRUE(strv_contains(spec->linux->masked_paths, "/proc/kcore"));
                ASSERT_TRUE(strv_contains(spec->linux->readonly_paths, "/proc/sys"));
                bounding = spec->process->capabilities->bounding;
                ASSERT_FALSE(strv_contains(bounding, "CAP_NET_RAW"));
                ASSERT_FALSE(strv_contains(bounding, "CAP_MKNOD"));
                ASSERT_TRUE(strv_contains(bounding, "CAP_CHOWN"));
                ASSERT_TRUE(r->n_hardened > 0);
        }
}

TEST(policy_seccomp_unconfined_docker_config_gets_the_default_profile)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = fixture("docker-seccomp-unconfined");
        _cleanup_policy_report_ struct policy_report *r = NULL;

        ASSERT_NOT_NULL(spec);
        ASSERT_NULL(spec->linux->seccomp);
        r = policy_evaluate(p, spec);
        ASSERT_TRUE(has_decision(r, POLICY_HARDEN, RULE_SECCOMP_REQUIRED, "linux.seccomp", "default profile"));
        ASSERT_NOT_NULL(spec->linux->seccomp);
        ASSERT_STREQ(spec->linux->seccomp->default_action, "SCMP_ACT_ERRNO");
}

TEST(policy_seccomp_and_apparmor_unconfined_is_refused)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = fixture("docker-seccomp-unconfined");
        _cleanup_policy_report_ struct policy_report *r = NULL;

        ASSERT_NOT_NULL(spec);
        /* What Docker writes for apparmor=unconfined on a host with AppArmor. */
        spec->process->apparmor_profile = xstrdup("unconfined");
        r = policy_evaluate(p, spec);
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_LSM_UNCONFINED, "process.apparmorProfile", "unconfined"));
        ASSERT_FALSE(policy_report_allows(r));
}

TEST(policy_restricted_refuses_what_baseline_accepts)
{
        _cleanup_policy_ struct brig_policy *p = test_policy("restricted");
        _cleanup_spec_ struct brig_spec *docker = fixture("docker-default");
        _cleanup_spec_ struct brig_spec *ctr = fixture("ctr-default");
        _cleanup_spec_ struct brig_spec *nobody = fixture("docker-user-nobody");
        _cleanup_policy_report_ struct policy_report *r1 = NULL, *r2 = NULL, *r3 = NULL;

        ASSERT_NOT_NULL(docker);
        ASSERT_NOT_NULL(ctr);
        ASSERT_NOT_NULL(nobody);
        r1 = policy_evaluate(p, docker);
        ASSERT_TRUE(has_decision(r1, POLICY_REFUSE, RULE_USER_ROOT, "process.user.uid", NULL));
        r2 = policy_evaluate(p, ctr);
        ASSERT_TRUE(has_decision(r2, POLICY_REFUSE, RULE_SECCOMP_REQUIRED, "linux.seccomp", NULL));
        /* Docker's default capabilities are more than PSS restricted lets a pod add. */
        r3 = policy_evaluate(p, nobody);
        ASSERT_TRUE(has_decision(r3, POLICY_REFUSE, RULE_CAPS_ALLOWLIST, NULL, NULL));
        ASSERT_FALSE(policy_report_allows(r3));
}

TEST(policy_restricted_accepts_a_non_root_net_bind_service_only_config)
{
        _cleanup_policy_ struct brig_policy *p = test_policy("restricted");
        _cleanup_spec_ struct brig_spec *nobody = fixture("docker-user-nobody");
        _cleanup_policy_report_ struct policy_report *r = NULL;
        struct spec_capabilities *c;

        ASSERT_NOT_NULL(nobody);
        c = nobody->process->capabilities;
        strv_free(c->bounding);
        strv_free(c->effective);
        strv_free(c->permitted);
        c->bounding = c->effective = c->permitted = NULL;
        strv_push(&c->bounding, "CAP_NET_BIND_SERVICE");
        c->effective = strv_copy(c->bounding);
        c->permitted = strv_copy(c->bounding);
        r = policy_evaluate(p, nobody);
        ASSERT_TRUE(policy_report_allows(r));
        ASSERT_EQ_INT(strv_length(nobody->process->capabilities->bounding), 1);
}

TEST(policy_audit_mode_runs_and_reports)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = fixture("docker-privileged");
        _cleanup_policy_report_ struct policy_report *r = NULL;
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_free_ char *refusals = NULL;

        ASSERT_NOT_NULL(spec);
        p->mode = POLICY_MODE_AUDIT;
        ASSERT_OK(policy_enforce(p, spec, &r, &err), err);
        ASSERT_TRUE(r->n_refused > 0);
        ASSERT_TRUE(policy_report_allows(r));
        refusals = policy_report_refusals(r);
        ASSERT_TRUE(strstr(refusals, "refused by policy: caps.privileged:") != NULL);
}

/* ---- caps ---- */

TEST(policy_caps_privileged_both_sides)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *bad = config(CONFIG(
                ",\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_BPF\"],\"ambient\":[\"CAP_BPF\"]}", "", ""));
        _cleanup_spec_ struct brig_spec *good =
                config(CONFIG(",\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\"]}", "", ""));
        _cleanup_policy_report_ struct policy_report *r1 = NULL, *r2 = NULL;

        ASSERT_NOT_NULL(bad);
        ASSERT_NOT_NULL(good);
        r1 = policy_evaluate(p, bad);
        ASSERT_TRUE(has_decision(r1, POLICY_REFUSE, RULE_CAPS_PRIVILEGED, "process.capabilities.bounding[1]",
                                 "CAP_BPF is privileged"));
        ASSERT_TRUE(has_decision(r1, POLICY_REFUSE, RULE_CAPS_PRIVILEGED, "process.capabilities.ambient[0]", NULL));
        r2 = policy_evaluate(p, good);
        ASSERT_EQ_INT(count(r2, POLICY_REFUSE, RULE_CAPS_PRIVILEGED), 0);
        ASSERT_EQ_INT(count(r2, POLICY_OK, RULE_CAPS_PRIVILEGED), 1);
}

TEST(policy_caps_allowlist_drops_and_reports_once_per_cap)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = config(CONFIG(
                ",\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_NET_RAW\"],\"effective\":[\"CAP_NET_RAW\"],"
                "\"permitted\":[\"CAP_CHOWN\",\"CAP_NET_RAW\"],\"inheritable\":[\"CAP_KILL\"],"
                "\"ambient\":[\"CAP_CHOWN\",\"CAP_KILL\"]}",
                "", ""));
        _cleanup_policy_report_ struct policy_report *r = NULL;
        struct spec_capabilities *c;

        ASSERT_NOT_NULL(spec);
        r = policy_evaluate(p, spec);
        c = spec->process->capabilities;
        ASSERT_TRUE(has_decision(r, POLICY_HARDEN, RULE_CAPS_ALLOWLIST, "process.capabilities.bounding[1]",
                                 "`CAP_NET_RAW` is not in the allowlist: dropped"));
        ASSERT_EQ_INT(count(r, POLICY_HARDEN, RULE_CAPS_ALLOWLIST), 3); /* NET_RAW, then ambient CHOWN and KILL */
        ASSERT_EQ_INT(strv_length(c->bounding), 1);
        ASSERT_EQ_INT(strv_length(c->effective), 0);
        ASSERT_EQ_INT(strv_length(c->permitted), 1);
        /* Ambient ⊆ permitted ∩ inheritable: neither CHOWN (not inheritable) nor KILL (not permitted). */
        ASSERT_EQ_INT(strv_length(c->ambient), 0);
        ASSERT_TRUE(policy_report_allows(r));
}

TEST(policy_caps_allowlist_refuse_action_leaves_caps)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec =
                config(CONFIG(",\"capabilities\":{\"bounding\":[\"CAP_NET_RAW\"]}", "", ""));
        _cleanup_policy_report_ struct policy_report *r = NULL;

        ASSERT_NOT_NULL(spec);
        p->actions[RULE_CAPS_ALLOWLIST] = POLICY_ACTION_REFUSE;
        r = policy_evaluate(p, spec);
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_CAPS_ALLOWLIST, NULL, "`CAP_NET_RAW` is not in the allowlist"));
        ASSERT_STREQ(spec->process->capabilities->bounding[0], "CAP_NET_RAW");
}

/* ---- namespaces ---- */

TEST(policy_ns_is_host_compares_inodes)
{
        _cleanup_free_ char *dir = make_temp_dir();
        _cleanup_free_ char *a = xasprintf("%s/a", dir), *b = xasprintf("%s/b", dir), *l = xasprintf("%s/l", dir);
        _cleanup_error_ brig_error *err = NULL;
        bool same = true;

        touch(a);
        touch(b);
        ASSERT_TRUE(symlink(a, l) == 0);
        ASSERT_OK(policy_ns_is_host(l, a, &same, &err), err);
        ASSERT_TRUE(same);
        ASSERT_OK(policy_ns_is_host(b, a, &same, &err), err);
        ASSERT_FALSE(same);
        ASSERT_ERR_CONTAINS(policy_ns_is_host("/nonexistent/ns", a, &same, &err), err, "stat `/nonexistent/ns`");
        remove_tree(dir);
}

TEST(policy_namespaces_host_joined_paths)
{
        _cleanup_free_ char *dir = make_temp_dir();
        _cleanup_free_ char *host_net = xasprintf("%s/net", dir), *pod_net = xasprintf("%s/pod-net", dir);
        _cleanup_free_ char *json_host = NULL, *json_pod = NULL, *json_gone = NULL;
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *s_host = NULL, *s_pod = NULL, *s_gone = NULL;
        _cleanup_policy_report_ struct policy_report *r1 = NULL, *r2 = NULL, *r3 = NULL;
        static const char fmt[] =
                "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":1,"
                "\"gid\":1}},\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":"
                "\"network\",\"path\":\"%s\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"}]}}";

        touch(host_net);
        touch(pod_net);
        free(p->host_ns_dir);
        p->host_ns_dir = xstrdup(dir);
        json_host = xasprintf(fmt, host_net);
        json_pod = xasprintf(fmt, pod_net);
        json_gone = xasprintf(fmt, "/nonexistent/ns/net");
        s_host = config(json_host);
        s_pod = config(json_pod);
        s_gone = config(json_gone);
        ASSERT_NOT_NULL(s_host);
        r1 = policy_evaluate(p, s_host);
        ASSERT_TRUE(has_decision(r1, POLICY_REFUSE, RULE_NAMESPACES_HOST, "linux.namespaces[1].path",
                                 "is the host's network namespace"));
        r2 = policy_evaluate(p, s_pod);
        ASSERT_EQ_INT(count(r2, POLICY_REFUSE, RULE_NAMESPACES_HOST), 0);
        /* The missing cgroup namespace is added, not refused. */
        ASSERT_TRUE(has_decision(r2, POLICY_HARDEN, RULE_NAMESPACES_HOST, "linux.namespaces", "cgroup"));
        ASSERT_NOT_NULL(spec_namespace_find(s_pod, SPEC_NS_CGROUP));
        r3 = policy_evaluate(p, s_gone);
        ASSERT_TRUE(has_decision(r3, POLICY_REFUSE, RULE_NAMESPACES_HOST, NULL, "cannot tell"));
        remove_tree(dir);
}

/* ---- mounts ---- */

static struct brig_spec *bind_config(const char *source, const char *options)
{
        _cleanup_free_ char *json = xasprintf(
                CONFIG("", ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"%s\","
                           "\"options\":[%s]}]",
                       ""),
                source, options);

        return config(json);
}

static bool bind_refused(const struct brig_policy *p, const char *source, const char *options)
{
        _cleanup_spec_ struct brig_spec *spec = bind_config(source, options);
        _cleanup_policy_report_ struct policy_report *r = NULL;

        if (spec == NULL)
                abort();
        r = policy_evaluate(p, spec);
        return count(r, POLICY_REFUSE, RULE_MOUNTS_HOST_SENSITIVE) > 0;
}

TEST(policy_mounts_host_sensitive_resolves_symlinks)
{
        _cleanup_free_ char *dir = make_temp_dir();
        _cleanup_free_ char *secret = xasprintf("%s/secret", dir), *inner = xasprintf("%s/secret/inner", dir);
        _cleanup_free_ char *link = xasprintf("%s/link", dir), *other = xasprintf("%s/other", dir);
        _cleanup_free_ char *kube = xasprintf("%s/kubelet", dir), *vol = xasprintf("%s/kubelet/pods", dir);
        _cleanup_free_ char *sock = xasprintf("%s/docker.sock", dir), *ro = xasprintf("%s/ro", dir);
        _cleanup_free_ char *ro_file = xasprintf("%s/ro/init", dir);
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);

        ASSERT_TRUE(mkdir(secret, 0700) == 0 && mkdir(inner, 0700) == 0 && mkdir(other, 0700) == 0);
        ASSERT_TRUE(mkdir(kube, 0700) == 0 && mkdir(vol, 0700) == 0 && mkdir(ro, 0700) == 0);
        ASSERT_TRUE(symlink(inner, link) == 0);
        touch(sock);
        touch(ro_file);
        strv_push(&p->lists[LIST_SENSITIVE_TREES], secret);
        strv_push(&p->lists[LIST_SENSITIVE_TREES], ro);
        strv_push(&p->lists[LIST_SENSITIVE_EXACT], kube);
        strv_push(&p->lists[LIST_SENSITIVE_RO_OK], ro);
        ASSERT_TRUE(bind_refused(p, secret, "\"rbind\""));     /* is */
        ASSERT_TRUE(bind_refused(p, inner, "\"rbind\""));      /* under */
        ASSERT_TRUE(bind_refused(p, link, "\"rbind\""));       /* under, through a symlink */
        ASSERT_TRUE(bind_refused(p, dir, "\"rbind\""));        /* contains */
        ASSERT_FALSE(bind_refused(p, other, "\"rbind\""));     /* a sibling */
        ASSERT_TRUE(bind_refused(p, kube, "\"rbind\""));       /* exact: is */
        ASSERT_FALSE(bind_refused(p, vol, "\"rbind\""));       /* exact: under is fine (pod volumes) */
        ASSERT_TRUE(bind_refused(p, sock, "\"rbind\""));       /* an engine socket anywhere */
        ASSERT_TRUE(bind_refused(p, ro_file, "\"rbind\""));    /* read-write under a read-only-allowed dir */
        ASSERT_FALSE(bind_refused(p, ro_file, "\"rbind\",\"ro\""));
        ASSERT_TRUE(bind_refused(p, "/", "\"rbind\",\"ro\""));
        ASSERT_TRUE(bind_refused(p, "/proc/self", "\"rbind\""));
        remove_tree(dir);
}

TEST(policy_mounts_propagation_and_proc_sys)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *shared = bind_config("/var/tmp", "\"rbind\",\"rshared\"");
        _cleanup_spec_ struct brig_spec *private = bind_config("/var/tmp", "\"rbind\",\"rprivate\"");
        _cleanup_spec_ struct brig_spec *mounts = config(CONFIG(
                "",
                ",\"mounts\":[{\"destination\":\"/host/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
                "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\"]},"
                "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}]",
                ",\"rootfsPropagation\":\"rshared\""));
        _cleanup_policy_report_ struct policy_report *r1 = NULL, *r2 = NULL, *r3 = NULL;

        ASSERT_NOT_NULL(shared);
        ASSERT_NOT_NULL(mounts);
        r1 = policy_evaluate(p, shared);
        ASSERT_TRUE(has_decision(r1, POLICY_REFUSE, RULE_MOUNTS_PROPAGATION, "mounts[0].options", NULL));
        r2 = policy_evaluate(p, private);
        ASSERT_EQ_INT(count(r2, POLICY_REFUSE, RULE_MOUNTS_PROPAGATION), 0);
        r3 = policy_evaluate(p, mounts);
        ASSERT_TRUE(has_decision(r3, POLICY_REFUSE, RULE_MOUNTS_PROPAGATION, "linux.rootfsPropagation", NULL));
        ASSERT_TRUE(has_decision(r3, POLICY_REFUSE, RULE_MOUNTS_PROC_SYS, "mounts[0].destination", "/host/proc"));
        ASSERT_EQ_INT(count(r3, POLICY_REFUSE, RULE_MOUNTS_PROC_SYS), 1);
        ASSERT_TRUE(has_decision(r3, POLICY_HARDEN, RULE_MOUNTS_PROC_SYS, "mounts[1].options", "read-only"));
        ASSERT_TRUE(mounts->mounts[1].flags & MS_RDONLY);
}

/* ---- devices ---- */

TEST(policy_devices_by_major_minor)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = config(CONFIG(
                "", "",
                ",\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3},"
                "{\"path\":\"/dev/null2\",\"type\":\"b\",\"major\":8,\"minor\":0},"
                "{\"path\":\"/dev/zero\",\"type\":\"c\",\"major\":8,\"minor\":0}],"
                "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"},"
                "{\"allow\":true,\"type\":\"c\",\"access\":\"m\"},"
                "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":200,\"access\":\"rw\"},"
                "{\"allow\":true,\"access\":\"rwm\"}]}"));
        _cleanup_policy_report_ struct policy_report *r = NULL;

        ASSERT_NOT_NULL(spec);
        r = policy_evaluate(p, spec);
        ASSERT_FALSE(has_decision(r, POLICY_REFUSE, RULE_DEVICES_HOST, "linux.devices[0]", NULL));
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_DEVICES_HOST, "linux.devices[1]", "b 8:0"));
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_DEVICES_HOST, "linux.devices[2]", "c 8:0"));
        ASSERT_FALSE(has_decision(r, POLICY_REFUSE, RULE_DEVICES_HOST, "linux.resources.devices[1]", NULL));
        ASSERT_FALSE(has_decision(r, POLICY_REFUSE, RULE_DEVICES_HOST, "linux.resources.devices[2]", NULL));
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_DEVICES_HOST, "linux.resources.devices[3]", "c 10:200"));
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_DEVICES_HOST, "linux.resources.devices[4]", "every device"));
        ASSERT_EQ_INT(count(r, POLICY_REFUSE, RULE_DEVICES_HOST), 4);
}

/* ---- seccomp ---- */

TEST(policy_seccomp_required_boundaries)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *allow_all = config(CONFIG(
                "", "", ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":[{\"names\":[\"read\"],"
                        "\"action\":\"SCMP_ACT_ALLOW\"}]}"));
        _cleanup_spec_ struct brig_spec *denylist = config(CONFIG(
                "", "", ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"kexec_load\"],"
                        "\"action\":\"SCMP_ACT_ERRNO\"}]}"));
        _cleanup_policy_report_ struct policy_report *r1 = NULL, *r2 = NULL;

        ASSERT_NOT_NULL(allow_all);
        ASSERT_NOT_NULL(denylist);
        r1 = policy_evaluate(p, allow_all);
        ASSERT_TRUE(has_decision(r1, POLICY_REFUSE, RULE_SECCOMP_REQUIRED, "linux.seccomp.defaultAction",
                                 "SCMP_ACT_LOG"));
        r2 = policy_evaluate(p, denylist);
        ASSERT_EQ_INT(count(r2, POLICY_OK, RULE_SECCOMP_REQUIRED), 1);
}

TEST(policy_default_seccomp_follows_granted_caps)
{
        char *none[] = { NULL };
        char *chroot_admin[] = { "CAP_SYS_CHROOT", "CAP_SYS_ADMIN", NULL };
        struct spec_seccomp *plain = policy_default_seccomp(none);
        struct spec_seccomp *admin = policy_default_seccomp(chroot_admin);
        _cleanup_spec_ struct brig_spec *holder_plain = xmalloc0(sizeof(*holder_plain));
        _cleanup_spec_ struct brig_spec *holder_admin = xmalloc0(sizeof(*holder_admin));
        bool has_socket_rule = false;

        /* Heap profiles that spec_free releases, as a config's own. */
        holder_plain->linux = xmalloc0(sizeof(*holder_plain->linux));
        holder_plain->linux->seccomp = plain;
        holder_admin->linux = xmalloc0(sizeof(*holder_admin->linux));
        holder_admin->linux->seccomp = admin;
        ASSERT_STREQ(plain->default_action, "SCMP_ACT_ERRNO");
        ASSERT_TRUE(plain->has_default_errno_ret);
        ASSERT_EQ_INT(plain->default_errno_ret, 1);
        ASSERT_NOT_NULL(seccomp_names_of(plain, "read", "SCMP_ACT_ALLOW"));
        ASSERT_NULL(seccomp_names_of(plain, "chroot", NULL));
        ASSERT_NULL(seccomp_names_of(plain, "mount", NULL));
        ASSERT_NOT_NULL(seccomp_names_of(plain, "clone3", "SCMP_ACT_ERRNO"));
        ASSERT_NOT_NULL(seccomp_names_of(plain, "fchmodat2", "SCMP_ACT_ERRNO"));
        for (size_t i = 0; i < plain->n_syscalls; i++) {
                const struct spec_seccomp_syscall *s = &plain->syscalls[i];

                if (strv_contains(s->names, "socket") && s->n_args == 1 && s->args[0].value == 40 &&
                    streq_ptr(s->args[0].op, "SCMP_CMP_NE"))
                        has_socket_rule = true;
                if (strv_contains(s->names, "clone"))
                        ASSERT_EQ_UINT(s->args[0].value, 0x7E020000ULL);
        }
        ASSERT_TRUE(has_socket_rule);
        ASSERT_NOT_NULL(seccomp_names_of(admin, "chroot", "SCMP_ACT_ALLOW"));
        ASSERT_NOT_NULL(seccomp_names_of(admin, "mount", "SCMP_ACT_ALLOW"));
        ASSERT_NULL(seccomp_names_of(admin, "clone3", "SCMP_ACT_ERRNO"));
}

TEST(policy_seccomp_floor)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        const struct spec_seccomp *f = policy_seccomp_floor(p);
        bool unshare_userns = false;

        ASSERT_NOT_NULL(f);
        ASSERT_STREQ(f->default_action, "SCMP_ACT_ALLOW");
        ASSERT_NOT_NULL(seccomp_names_of(f, "kexec_load", "SCMP_ACT_ERRNO"));
        ASSERT_NOT_NULL(seccomp_names_of(f, "ptrace", "SCMP_ACT_ERRNO"));
        ASSERT_NOT_NULL(seccomp_names_of(f, "open_by_handle_at", "SCMP_ACT_ERRNO"));
        for (size_t i = 0; i < f->n_syscalls; i++)
                if (strv_contains(f->syscalls[i].names, "unshare") && f->syscalls[i].n_args == 1 &&
                    streq_ptr(f->syscalls[i].args[0].op, "SCMP_CMP_MASKED_EQ") &&
                    f->syscalls[i].args[0].value == 0x10000000 && f->syscalls[i].args[0].value_two == 0x10000000)
                        unshare_userns = true;
        ASSERT_TRUE(unshare_userns);
        ASSERT_EQ_UINT(f->syscalls[0].errno_ret, 1);
        p->actions[RULE_SECCOMP_FLOOR] = POLICY_ACTION_OFF;
        policy_finalize(p);
        ASSERT_NULL(policy_seccomp_floor(p));
}

/* ---- process ---- */

TEST(policy_nnp_harden_and_warn)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *a = config(CONFIG("", "", ""));
        _cleanup_spec_ struct brig_spec *b = config(CONFIG("", "", ""));
        _cleanup_spec_ struct brig_spec *c = config(CONFIG(",\"noNewPrivileges\":true", "", ""));
        _cleanup_policy_report_ struct policy_report *r1 = NULL, *r2 = NULL, *r3 = NULL;

        ASSERT_NOT_NULL(a);
        r1 = policy_evaluate(p, a);
        ASSERT_TRUE(a->process->no_new_privileges);
        ASSERT_TRUE(has_decision(r1, POLICY_HARDEN, RULE_NNP_FORCE, "process.noNewPrivileges", "turned on"));
        r3 = policy_evaluate(p, c);
        ASSERT_EQ_INT(count(r3, POLICY_OK, RULE_NNP_FORCE), 1);
        p->actions[RULE_NNP_FORCE] = POLICY_ACTION_WARN;
        r2 = policy_evaluate(p, b);
        ASSERT_FALSE(b->process->no_new_privileges);
        ASSERT_TRUE(has_decision(r2, POLICY_WARN, RULE_NNP_FORCE, NULL, "noNewPrivileges is off"));
        ASSERT_TRUE(policy_report_allows(r2));
}

TEST(policy_rootfs_readonly_adds_tmpfs_where_nothing_is_mounted)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = config(CONFIG(
                "",
                ",\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
                "{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
                "{\"destination\":\"/run/.containerenv\",\"type\":\"bind\",\"source\":\"/var/tmp\"}]",
                ""));
        _cleanup_policy_report_ struct policy_report *r = NULL;
        const struct spec_mount *run;

        ASSERT_NOT_NULL(spec);
        r = policy_evaluate(p, spec);
        ASSERT_TRUE(spec->root.readonly);
        ASSERT_TRUE(has_decision(r, POLICY_HARDEN, RULE_ROOTFS_READONLY, "root.readonly", NULL));
        ASSERT_EQ_INT(spec->n_mounts, 5); /* /run and /var/tmp added, /tmp kept */
        run = &spec->mounts[2];
        ASSERT_STREQ(run->destination, "/run"); /* before /run/.containerenv */
        ASSERT_STREQ(spec->mounts[3].destination, "/run/.containerenv");
        ASSERT_STREQ(run->type, "tmpfs");
        ASSERT_STREQ(run->data, "size=64m,mode=1777");
        ASSERT_EQ_UINT(run->flags, MS_NOSUID | MS_NODEV | MS_NOEXEC);
        ASSERT_STREQ(spec->mounts[4].destination, "/var/tmp");
        ASSERT_STREQ(spec->mounts[1].source, "tmpfs");
        ASSERT_NULL(spec->mounts[1].data); /* the config's own /tmp untouched */
}

TEST(policy_paths_masked_union_and_empty_lists)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec =
                config(CONFIG("", "", ",\"maskedPaths\":[],\"readonlyPaths\":[\"/proc/bus\",\"/extra\"]"));
        _cleanup_policy_report_ struct policy_report *r = NULL;

        ASSERT_NOT_NULL(spec);
        r = policy_evaluate(p, spec);
        ASSERT_EQ_INT(strv_length(spec->linux->masked_paths), strv_length(p->lists[LIST_MASKED_PATHS]));
        ASSERT_TRUE(strv_contains(spec->linux->readonly_paths, "/extra"));
        ASSERT_TRUE(strv_contains(spec->linux->readonly_paths, "/proc/sysrq-trigger"));
        ASSERT_EQ_INT(strv_length(spec->linux->readonly_paths), 6);
        ASSERT_TRUE(has_decision(r, POLICY_HARDEN, RULE_PATHS_MASKED, "linux.maskedPaths", "`/proc/keys`"));
}

TEST(policy_sysctl_namespaced_only)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = config(CONFIG(
                "", "",
                ",\"sysctl\":{\"kernel.shmmax\":\"1\",\"kernel.sem\":\"1\",\"fs.mqueue.msg_max\":\"1\","
                "\"net.ipv4.ip_forward\":\"1\",\"kernel.core_pattern\":\"|/tmp/x\",\"kernel.semx\":\"1\"}"));
        _cleanup_spec_ struct brig_spec *hostnet = NULL;
        _cleanup_policy_report_ struct policy_report *r = NULL, *r2 = NULL;

        ASSERT_NOT_NULL(spec);
        r = policy_evaluate(p, spec);
        ASSERT_EQ_INT(count(r, POLICY_REFUSE, RULE_SYSCTL_ALLOWED), 2);
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_SYSCTL_ALLOWED, "linux.sysctl.kernel.core_pattern", NULL));
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_SYSCTL_ALLOWED, "linux.sysctl.kernel.semx", NULL));
        /* No network namespace at all: net.* would change the host's. */
        hostnet = config(CONFIG_LINUX("", "",
                                      "\"namespaces\":[{\"type\":\"pid\"}],\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}"));
        ASSERT_NOT_NULL(hostnet);
        r2 = policy_evaluate(p, hostnet);
        ASSERT_TRUE(has_decision(r2, POLICY_REFUSE, RULE_SYSCTL_ALLOWED, "linux.sysctl.net.ipv4.ip_forward",
                                 "private network namespace"));
}

TEST(policy_lsm_labels)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *ok = config(CONFIG(
                ",\"apparmorProfile\":\"docker-default\",\"selinuxLabel\":\"system_u:system_r:container_t:s0:c1,c2\"",
                "", ""));
        _cleanup_spec_ struct brig_spec *spc =
                config(CONFIG(",\"selinuxLabel\":\"system_u:system_r:spc_t:s0\"", "", ""));
        _cleanup_policy_report_ struct policy_report *r1 = NULL, *r2 = NULL;

        ASSERT_NOT_NULL(ok);
        ASSERT_NOT_NULL(spc);
        r1 = policy_evaluate(p, ok);
        ASSERT_EQ_INT(count(r1, POLICY_OK, RULE_LSM_UNCONFINED), 1);
        r2 = policy_evaluate(p, spc);
        ASSERT_TRUE(has_decision(r2, POLICY_REFUSE, RULE_LSM_UNCONFINED, "process.selinuxLabel", "spc_t"));
}

TEST(policy_hooks_resolved_under_prefixes)
{
        _cleanup_free_ char *dir = make_temp_dir();
        _cleanup_free_ char *allowed = xasprintf("%s/allowed", dir), *hook = xasprintf("%s/allowed/hook", dir);
        _cleanup_free_ char *evil = xasprintf("%s/evil", dir), *sneaky = xasprintf("%s/allowed/sneaky", dir);
        _cleanup_free_ char *json = NULL;
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = NULL;
        _cleanup_policy_report_ struct policy_report *r = NULL;

        ASSERT_TRUE(mkdir(allowed, 0700) == 0);
        touch(hook);
        touch(evil);
        ASSERT_TRUE(symlink(evil, sneaky) == 0);
        strv_push(&p->lists[LIST_HOOK_PREFIXES], allowed);
        json = xasprintf(CONFIG("", ",\"hooks\":{\"prestart\":[{\"path\":\"%s\"}],\"poststop\":[{\"path\":\"%s\"},"
                                    "{\"path\":\"%s\"},{\"path\":\"/nonexistent/hook\"}]}",
                                ""),
                         hook, evil, sneaky);
        spec = config(json);
        ASSERT_NOT_NULL(spec);
        r = policy_evaluate(p, spec);
        ASSERT_FALSE(has_decision(r, POLICY_REFUSE, RULE_HOOKS_PATHS, "hooks.prestart[0].path", NULL));
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_HOOKS_PATHS, "hooks.poststop[0].path", "not under"));
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_HOOKS_PATHS, "hooks.poststop[1].path", "resolved"));
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_HOOKS_PATHS, "hooks.poststop[2].path", "cannot resolve"));
        remove_tree(dir);
}

TEST(policy_docker_hook_via_proc_exe_is_checked_against_the_binary)
{
        _cleanup_policy_ struct brig_policy *strict = NULL;
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_spec_ struct brig_spec *spec = fixture("docker-default");
        _cleanup_policy_report_ struct policy_report *r = NULL;

        ASSERT_NOT_NULL(spec);
        ASSERT_OK(policy_new(NULL, &strict, &err), err);
        /* This test binary lives in a build dir, not under an engine's binary directory. */
        r = policy_evaluate(strict, spec);
        ASSERT_TRUE(has_decision(r, POLICY_REFUSE, RULE_HOOKS_PATHS, "hooks.prestart[0].path", "unit-tests"));
}

TEST(policy_user_root_boundaries)
{
        _cleanup_policy_ struct brig_policy *p = test_policy("restricted");
        _cleanup_spec_ struct brig_spec *mapped = config(CONFIG_LINUX(
                "", "",
                PRIVATE_NAMESPACES ",{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,"
                "\"size\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
        _cleanup_spec_ struct brig_spec *identity = config(CONFIG_LINUX(
                "", "",
                PRIVATE_NAMESPACES ",{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":0,"
                "\"size\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":65536}]"));
        _cleanup_policy_report_ struct policy_report *r1 = NULL, *r2 = NULL;

        ASSERT_NOT_NULL(mapped);
        ASSERT_NOT_NULL(identity);
        ASSERT_NOT_NULL(spec_namespace_find(mapped, SPEC_NS_USER));
        r1 = policy_evaluate(p, mapped);
        ASSERT_EQ_INT(count(r1, POLICY_OK, RULE_USER_ROOT), 1);
        r2 = policy_evaluate(p, identity);
        ASSERT_TRUE(has_decision(r2, POLICY_REFUSE, RULE_USER_ROOT, "linux.uidMappings", "host uid 0"));
}

TEST(policy_user_root_warns_in_baseline)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = fixture("docker-default");
        _cleanup_policy_report_ struct policy_report *r = NULL;

        ASSERT_NOT_NULL(spec);
        r = policy_evaluate(p, spec);
        ASSERT_TRUE(has_decision(r, POLICY_WARN, RULE_USER_ROOT, "process.user.uid", NULL));
        ASSERT_TRUE(policy_report_allows(r));
}

/* ---- output, audit log ---- */

TEST(policy_report_renderings_are_stable)
{
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *spec = fixture("docker-pid-host");
        _cleanup_policy_report_ struct policy_report *r = NULL;
        _cleanup_free_ char *text = NULL, *json = NULL;
        cJSON *parsed;

        ASSERT_NOT_NULL(spec);
        r = policy_evaluate(p, spec);
        text = policy_report_text(r);
        ASSERT_TRUE(strstr(text, "refuse  namespaces.host        linux.namespaces: no pid namespace") != NULL);
        ASSERT_TRUE(strstr(text, "ok      caps.privileged\n") != NULL);
        json = policy_report_json(r);
        parsed = cJSON_Parse(json);
        ASSERT_NOT_NULL(parsed);
        ASSERT_STREQ(cJSON_GetObjectItem(parsed, "verdict")->valuestring, "refuse");
        ASSERT_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(parsed, "decisions")), (int) r->n_decisions);
        cJSON_Delete(parsed);
}

TEST(policy_audit_log_appends_one_line_per_create)
{
        _cleanup_free_ char *dir = make_temp_dir();
        _cleanup_policy_ struct brig_policy *p = test_policy(NULL);
        _cleanup_spec_ struct brig_spec *a = fixture("docker-default"), *b = fixture("docker-privileged");
        _cleanup_policy_report_ struct policy_report *ra = NULL, *rb = NULL;
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        char *nl;
        cJSON *first, *second;
        struct stat st;

        ASSERT_NOT_NULL(a);
        ASSERT_NOT_NULL(b);
        free(p->audit_log);
        p->audit_log = xasprintf("%s/sub/audit.jsonl", dir);
        ra = policy_evaluate(p, a);
        rb = policy_evaluate(p, b);
        ASSERT_OK(policy_audit_log(p, ra, "ctr-a", "/bundles/a", &err), err);
        ASSERT_OK(policy_audit_log(p, rb, "ctr-b", "/bundles/b", &err), err);
        ASSERT_OK(read_file_at(AT_FDCWD, p->audit_log, &text, &len, &err), err);
        ASSERT_TRUE(stat(p->audit_log, &st) == 0);
        ASSERT_EQ_INT(st.st_mode & 0777, 0600);
        nl = strchr(text, '\n');
        ASSERT_NOT_NULL(nl);
        ASSERT_EQ_INT(text[len - 1], '\n');
        *nl = '\0';
        first = cJSON_Parse(text);
        second = cJSON_Parse(nl + 1);
        ASSERT_NOT_NULL(first);
        ASSERT_NOT_NULL(second);
        ASSERT_STREQ(cJSON_GetObjectItem(first, "id")->valuestring, "ctr-a");
        ASSERT_STREQ(cJSON_GetObjectItem(first, "verdict")->valuestring, "run");
        ASSERT_STREQ(cJSON_GetObjectItem(second, "verdict")->valuestring, "refuse");
        ASSERT_STREQ(cJSON_GetObjectItem(second, "bundle")->valuestring, "/bundles/b");
        ASSERT_NOT_NULL(cJSON_GetObjectItem(second, "time"));
        ASSERT_TRUE(cJSON_GetArraySize(cJSON_GetObjectItem(second, "decisions")) > 0);
        ASSERT_TRUE(cJSON_GetArraySize(cJSON_GetObjectItem(first, "hardening")) > 0);
        cJSON_Delete(first);
        cJSON_Delete(second);
        remove_tree(dir);
}

/* ---- the policy file ---- */

static int parse_policy(const char *json, struct brig_policy **ret, brig_error **err)
{
        return policy_parse(json, strlen(json), "policy.json", NULL, ret, err);
}

TEST(policy_file_is_strict)
{
        struct brig_policy *p = NULL;
        brig_error *err = NULL;

        ASSERT_ERR_CONTAINS(parse_policy("{\"mdoe\":\"audit\"}", &p, &err), err, "policy.json: mdoe: unknown key");
        ASSERT_ERR_CONTAINS(parse_policy("{\"rules\":{\"caps.privileged\":{\"capabilites\":[]}}}", &p, &err), err,
                            "policy.json: rules.caps.privileged.capabilites: unknown key");
        ASSERT_ERR_CONTAINS(parse_policy("{\"rules\":{\"caps.everything\":{}}}", &p, &err), err,
                            "rules.caps.everything: unknown rule");
        ASSERT_ERR_CONTAINS(parse_policy("{\"rules\":{\"caps.allowlist\":{\"capabilities\":[\"CAP_NOPE\"]}}}", &p,
                                         &err),
                            err, "rules.caps.allowlist.capabilities[0]: bad capability `CAP_NOPE`");
        ASSERT_ERR_CONTAINS(parse_policy("{\"rules\":{\"caps.privileged\":{\"action\":\"harden\"}}}", &p, &err), err,
                            "`harden` is not an action caps.privileged takes");
        ASSERT_ERR_CONTAINS(parse_policy("{\"mode\":\"lenient\"}", &p, &err), err, "neither enforce nor audit");
        ASSERT_ERR_CONTAINS(parse_policy("{\"auditLog\":\"rel/path\"}", &p, &err), err, "not an absolute path");
        ASSERT_ERR_CONTAINS(parse_policy("{\"rules\":{\"devices.host\":{\"allowed\":[\"c 1\"]}}}", &p, &err), err,
                            "bad device");
        ASSERT_ERR_CONTAINS(parse_policy("{\"rules\":{\"rootfs.readonly\":{\"tmpfsSize\":\"lots\"}}}", &p, &err),
                            err, "bad tmpfs size `lots`");
        ASSERT_ERR_CONTAINS(parse_policy("{\"preset\":\"lax\"}", &p, &err), err, "lax");
        ASSERT_ERR_CONTAINS(parse_policy("[1]", &p, &err), err, "must be a JSON object");
        ASSERT_ERR_CONTAINS(parse_policy("{", &p, &err), err, "invalid JSON");
        ASSERT_NULL(p);
}

TEST(policy_file_adjusts_the_preset)
{
        _cleanup_policy_ struct brig_policy *p = NULL;
        _cleanup_error_ brig_error *err = NULL;

        ASSERT_OK(parse_policy("{\"mode\":\"audit\",\"preset\":\"restricted\",\"auditLog\":\"/tmp/a.jsonl\","
                               "\"rules\":{\"caps.allowlist\":{\"capabilities\":[\"CAP_KILL\"]},"
                               "\"seccomp.floor\":{\"action\":\"off\"},\"rootfs.readonly\":{\"tmpfsSize\":\"16m\"}}}",
                               &p, &err),
                  err);
        ASSERT_EQ_INT(p->mode, POLICY_MODE_AUDIT);
        ASSERT_STREQ(p->preset, "restricted");
        ASSERT_EQ_INT(p->actions[RULE_USER_ROOT], POLICY_ACTION_REFUSE);
        ASSERT_EQ_INT(strv_length(p->lists[LIST_ALLOWED_CAPS]), 1);
        ASSERT_STREQ(p->lists[LIST_ALLOWED_CAPS][0], "CAP_KILL");
        ASSERT_NULL(policy_seccomp_floor(p));
        ASSERT_STREQ(p->tmpfs_size, "16m");
        ASSERT_STREQ(p->audit_log, "/tmp/a.jsonl");
}

TEST(policy_show_round_trips)
{
        _cleanup_policy_ struct brig_policy *a = NULL, *b = NULL;
        _cleanup_error_ brig_error *err = NULL;
        _cleanup_free_ char *first = NULL, *second = NULL;

        ASSERT_OK(policy_new("restricted", &a, &err), err);
        first = policy_to_json(a);
        ASSERT_OK(parse_policy(first, &b, &err), err);
        second = policy_to_json(b);
        ASSERT_STREQ(second, first);
        ASSERT_TRUE(strstr(first, "\"caps.privileged\"") != NULL);
}

TEST(policy_load_files)
{
        _cleanup_free_ char *dir = make_temp_dir();
        _cleanup_free_ char *file = xasprintf("%s/policy.json", dir);
        _cleanup_policy_ struct brig_policy *p = NULL, *q = NULL;
        brig_error *err = NULL;
        static const char text[] = "{\"rules\":{\"user.root\":{\"action\":\"refuse\"}}}";

        ASSERT_OK(write_file_at(AT_FDCWD, file, text, strlen(text), 0644, &err), err);
        ASSERT_OK(policy_load(file, NULL, &p, &err), err);
        ASSERT_EQ_INT(p->actions[RULE_USER_ROOT], POLICY_ACTION_REFUSE);
        ASSERT_STREQ(p->preset, "baseline");
        ASSERT_ERR_CONTAINS(policy_load("/nonexistent/policy.json", NULL, &q, &err), err, "/nonexistent/policy.json");
        ASSERT_ERR_CONTAINS(policy_new("lax", &q, &err), err, "`lax`");
        remove_tree(dir);
}
