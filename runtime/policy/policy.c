/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy as data: rule ids, which actions each rule takes, the built-in defaults and the
 * two presets. Defaults follow Docker's defaults, Kubernetes Pod Security Standards and the
 * CIS Docker Benchmark section 5.
 */
#include <stdlib.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

#define REFUSE_TYPE ((1u << POLICY_ACTION_OFF) | (1u << POLICY_ACTION_WARN) | (1u << POLICY_ACTION_REFUSE))
#define HARDEN_TYPE (REFUSE_TYPE | (1u << POLICY_ACTION_HARDEN))

struct rule_def {
        const char *name;
        unsigned takes; /* bit per enum policy_action */
        enum policy_action baseline;
};

static const struct rule_def rule_defs[RULE__COUNT] = {
        [RULE_CAPS_PRIVILEGED] = { "caps.privileged", REFUSE_TYPE, POLICY_ACTION_REFUSE },
        [RULE_CAPS_ALLOWLIST] = { "caps.allowlist", HARDEN_TYPE, POLICY_ACTION_HARDEN },
        [RULE_NAMESPACES_HOST] = { "namespaces.host", REFUSE_TYPE, POLICY_ACTION_REFUSE },
        [RULE_MOUNTS_HOST_SENSITIVE] = { "mounts.host_sensitive", REFUSE_TYPE, POLICY_ACTION_REFUSE },
        [RULE_MOUNTS_PROPAGATION] = { "mounts.propagation", REFUSE_TYPE, POLICY_ACTION_REFUSE },
        [RULE_MOUNTS_PROC_SYS] = { "mounts.proc_sys", REFUSE_TYPE, POLICY_ACTION_REFUSE },
        [RULE_DEVICES_HOST] = { "devices.host", REFUSE_TYPE, POLICY_ACTION_REFUSE },
        [RULE_SECCOMP_REQUIRED] = { "seccomp.required", HARDEN_TYPE, POLICY_ACTION_HARDEN },
        [RULE_SECCOMP_FLOOR] = { "seccomp.floor", (1u << POLICY_ACTION_OFF) | (1u << POLICY_ACTION_HARDEN),
                                 POLICY_ACTION_HARDEN },
        [RULE_NNP_FORCE] = { "nnp.force", HARDEN_TYPE, POLICY_ACTION_HARDEN },
        [RULE_ROOTFS_READONLY] = { "rootfs.readonly", HARDEN_TYPE, POLICY_ACTION_HARDEN },
        [RULE_PATHS_MASKED] = { "paths.masked", HARDEN_TYPE, POLICY_ACTION_HARDEN },
        [RULE_SYSCTL_ALLOWED] = { "sysctl.allowed", REFUSE_TYPE, POLICY_ACTION_REFUSE },
        [RULE_LSM_UNCONFINED] = { "lsm.unconfined", REFUSE_TYPE, POLICY_ACTION_REFUSE },
        [RULE_HOOKS_PATHS] = { "hooks.paths", REFUSE_TYPE, POLICY_ACTION_REFUSE },
        [RULE_USER_ROOT] = { "user.root", REFUSE_TYPE, POLICY_ACTION_WARN },
};

static const char *const action_names[] = {
        [POLICY_ACTION_OFF] = "off",
        [POLICY_ACTION_WARN] = "warn",
        [POLICY_ACTION_HARDEN] = "harden",
        [POLICY_ACTION_REFUSE] = "refuse",
};

const char *policy_rule_name(enum policy_rule r)
{
        return (unsigned) r < RULE__COUNT ? rule_defs[r].name : NULL;
}

int policy_rule_from_name(const char *name)
{
        for (int r = 0; r < RULE__COUNT; r++)
                if (strcmp(rule_defs[r].name, name) == 0)
                        return r;
        return -1;
}

const char *policy_action_name(enum policy_action a)
{
        return (unsigned) a < ARRAY_SIZE(action_names) ? action_names[a] : NULL;
}

bool policy_rule_takes(enum policy_rule r, enum policy_action a)
{
        return (unsigned) r < RULE__COUNT && (rule_defs[r].takes & (1u << a)) != 0;
}

/* ---- default lists ---- */

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const char *const *const baseline_lists[LIST__COUNT] = {
        [LIST_PRIVILEGED_CAPS] = LIST("CAP_SYS_ADMIN", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_PTRACE",
                                      "CAP_SYS_BOOT", "CAP_SYS_TIME", "CAP_SYS_PACCT", "CAP_SYS_TTY_CONFIG",
                                      "CAP_SYS_RESOURCE", "CAP_NET_ADMIN", "CAP_DAC_READ_SEARCH", "CAP_MAC_ADMIN",
                                      "CAP_MAC_OVERRIDE", "CAP_BPF", "CAP_PERFMON", "CAP_SYSLOG",
                                      "CAP_LINUX_IMMUTABLE", "CAP_AUDIT_CONTROL", "CAP_AUDIT_READ",
                                      "CAP_CHECKPOINT_RESTORE"),
        [LIST_ALLOWED_CAPS] = LIST("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
                                   "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_SETFCAP",
                                   "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_AUDIT_WRITE"),
        [LIST_HOST_NAMESPACES] = LIST("pid", "ipc", "uts", "mount", "network"),
        [LIST_SENSITIVE_TREES] = LIST("/proc", "/sys", "/dev", "/boot", "/etc", "/root", "/lib/modules", "/usr",
                                      "/run/brig", "/run/runc", "/run/crun", "/run/youki", "/var/run/brig"),
        /* Itself or an ancestor only: the kubelet's pod volume dirs and the engines' own files stay usable. */
        [LIST_SENSITIVE_EXACT] = LIST("/", "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd",
                                      "/var/lib/containers", "/run/docker.sock", "/run/containerd/containerd.sock",
                                      "/run/crio/crio.sock", "/run/podman/podman.sock",
                                      "/run/buildkit/buildkitd.sock"),
        /* `docker run --init` binds /usr/bin/docker-init read-only. */
        [LIST_SENSITIVE_RO_OK] = LIST("/usr"),
        [LIST_ENGINE_SOCKETS] = LIST("docker.sock", "containerd.sock", "crio.sock", "podman.sock",
                                     "buildkitd.sock"),
        [LIST_DEVICES] = LIST("c 1:3", "c 1:5", "c 1:7", "c 1:8", "c 1:9", "c 5:0", "c 5:1", "c 5:2", "c 136:*"),
        [LIST_FLOOR_SYSCALLS] = LIST("kexec_load", "kexec_file_load", "init_module", "finit_module",
                                     "delete_module", "bpf", "perf_event_open", "open_by_handle_at", "keyctl",
                                     "add_key", "request_key", "userfaultfd", "iopl", "ioperm", "swapon",
                                     "swapoff", "reboot", "acct", "mount", "umount", "umount2", "pivot_root",
                                     "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree",
                                     "mount_setattr", "ptrace"),
        [LIST_TMPFS] = LIST("/tmp", "/run", "/var/tmp"),
        [LIST_MASKED_PATHS] = LIST("/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys",
                                   "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                   "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
                                   "/sys/devices/virtual/powercap"),
        [LIST_READONLY_PATHS] = LIST("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"),
        [LIST_SYSCTLS] = LIST("kernel.shm*", "kernel.msg*", "kernel.sem", "fs.mqueue.*"),
        [LIST_NET_SYSCTLS] = LIST("net.*"),
        [LIST_SELINUX_TYPES] = LIST("container_t", "container_init_t", "container_kvm_t", "svirt_lxc_net_t"),
        /* brig's own hooks and the engines' binaries (dockerd's libnetwork-setkey runs /proc/<pid>/exe). */
        [LIST_HOOK_PREFIXES] = LIST(BRIG_HOOKS_DIR, "/usr/bin", "/usr/sbin", "/usr/libexec", "/usr/lib",
                                    "/usr/local/bin", "/usr/local/sbin", "/usr/local/libexec"),
};

/* PSS restricted on top of baseline: only NET_BIND_SERVICE, non-root user, a seccomp profile in the config. */
static void apply_restricted(struct brig_policy *p)
{
        strv_free(p->lists[LIST_ALLOWED_CAPS]);
        p->lists[LIST_ALLOWED_CAPS] = NULL;
        strv_push(&p->lists[LIST_ALLOWED_CAPS], "CAP_NET_BIND_SERVICE");
        /* PSS restricted rejects a pod that adds anything else, rather than dropping it silently. */
        p->actions[RULE_CAPS_ALLOWLIST] = POLICY_ACTION_REFUSE;
        p->actions[RULE_USER_ROOT] = POLICY_ACTION_REFUSE;
        p->actions[RULE_SECCOMP_REQUIRED] = POLICY_ACTION_REFUSE;
}

int policy_new(const char *preset, struct brig_policy **ret, brig_error **err)
{
        struct brig_policy *p;

        if (preset == NULL)
                preset = "baseline";
        if (strcmp(preset, "baseline") != 0 && strcmp(preset, "restricted") != 0)
                return brig_err(err, "policy preset `%s` is neither baseline nor restricted", preset);
        p = xmalloc0(sizeof(*p));
        p->mode = POLICY_MODE_ENFORCE;
        p->preset = xstrdup(preset);
        p->audit_log = xstrdup(POLICY_DEFAULT_AUDIT_LOG);
        p->tmpfs_size = xstrdup("64m");
        p->floor_deny_userns = true;
        p->host_ns_dir = xstrdup("/proc/1/ns");
        for (int r = 0; r < RULE__COUNT; r++)
                p->actions[r] = rule_defs[r].baseline;
        for (int l = 0; l < LIST__COUNT; l++)
                p->lists[l] = strv_copy((char *const *) baseline_lists[l]);
        if (strcmp(preset, "restricted") == 0)
                apply_restricted(p);
        policy_finalize(p);
        *ret = p;
        return 0;
}

void policy_finalize(struct brig_policy *p)
{
        spec_seccomp_free(p->floor);
        p->floor = policy_build_floor(p);
}

const struct spec_seccomp *policy_seccomp_floor(const struct brig_policy *p)
{
        return p->floor;
}

void policy_free(struct brig_policy *p)
{
        if (p == NULL)
                return;
        free(p->preset);
        free(p->audit_log);
        free(p->tmpfs_size);
        free(p->host_ns_dir);
        for (int l = 0; l < LIST__COUNT; l++)
                strv_free(p->lists[l]);
        spec_seccomp_free(p->floor);
        free(p);
}

void policy_freep(struct brig_policy **p)
{
        policy_free(*p);
}

bool path_is_under(const char *path, const char *dir)
{
        size_t n = strlen(dir);

        if (strcmp(dir, "/") == 0)
                return path[0] == '/';
        while (n > 1 && dir[n - 1] == '/')
                n--;
        return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

struct spec_linux *spec_linux_get(struct brig_spec *spec)
{
        if (spec->linux == NULL)
                spec->linux = xmalloc0(sizeof(*spec->linux));
        return spec->linux;
}
