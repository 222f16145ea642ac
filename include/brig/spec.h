/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json as typed C structs.
 *
 * The bundle's config.json is parsed exactly once (spec_load / spec_parse) into a
 * struct brig_spec; nothing else in brig looks at JSON. Parsing validates against
 * the OCI runtime-spec (types, required fields, absolute paths, known enums,
 * ociVersion 1.0.x..1.2.x) and reports the JSON path at fault:
 *     config.json: process.args: must be a non-empty array of strings
 * Unknown fields are ignored, as the spec requires.
 *
 * Conventions: strings are owned char* (NULL when absent); arrays are a pointer plus
 * `n_<name>`; optional scalars have a `has_<name>` flag next to them.
 */
#ifndef BRIG_SPEC_H
#define BRIG_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "brig/error.h"

/* ---- process ---- */

struct spec_rlimit {
        int resource; /* RLIMIT_* resolved from "type" */
        char *type;   /* the name as written, for messages */
        uint64_t soft, hard;
};

struct spec_capabilities {
        /* Names as written ("CAP_CHOWN"); validated against the names libcap knows. */
        char **bounding, **effective, **permitted, **inheritable, **ambient;
        bool has_bounding, has_effective, has_permitted, has_inheritable, has_ambient;
};

struct spec_user {
        uid_t uid;
        gid_t gid;
        gid_t *additional_gids;
        size_t n_additional_gids;
        bool has_umask;
        mode_t umask;
        char *username; /* ignored by the runtime, kept for completeness */
};

struct spec_console_size {
        unsigned height, width;
};

struct spec_io_priority {
        int class; /* IOPRIO_CLASS_* */
        int priority;
};

struct spec_scheduler {
        char *policy; /* SCHED_OTHER, ... */
        int nice, priority;
        char **flags;
        uint64_t runtime, deadline, period;
};

struct spec_process {
        bool terminal;
        bool has_console_size;
        struct spec_console_size console_size;
        struct spec_user user;
        char **args; /* non-empty */
        char *command_line; /* Windows only; ignored */
        char **env;
        char *cwd; /* absolute */
        struct spec_capabilities *capabilities; /* NULL when absent */
        struct spec_rlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        char *apparmor_profile;
        bool has_oom_score_adj;
        int oom_score_adj;
        char *selinux_label;
        struct spec_io_priority *io_priority; /* NULL when absent */
        struct spec_scheduler *scheduler;     /* NULL when absent */
};

/* ---- root, mounts ---- */

struct spec_root {
        char *path; /* as written; relative to the bundle when not absolute */
        bool readonly;
};

struct spec_id_mapping {
        uint32_t container_id, host_id, size;
};

enum spec_propagation {
        SPEC_PROPAGATION_NONE = 0, /* not given */
        SPEC_PROPAGATION_PRIVATE,
        SPEC_PROPAGATION_RPRIVATE,
        SPEC_PROPAGATION_SLAVE,
        SPEC_PROPAGATION_RSLAVE,
        SPEC_PROPAGATION_SHARED,
        SPEC_PROPAGATION_RSHARED,
        SPEC_PROPAGATION_UNBINDABLE,
        SPEC_PROPAGATION_RUNBINDABLE,
};

struct spec_mount {
        char *destination; /* absolute, no ".." component */
        char *type;        /* may be NULL: then "bind" if options say bind/rbind */
        char *source;
        char **options; /* as written */
        /* Decoded from options: */
        unsigned long flags;       /* MS_* to set (MS_RDONLY, MS_NOSUID, MS_BIND, MS_REC, ...); no
                                      propagation flags: those are in `propagation` */
        unsigned long clear_flags; /* MS_* explicitly cleared ("rw", "suid", ...) */
        enum spec_propagation propagation; /* the last propagation option; R* ones are recursive */
        bool bind;            /* "bind" or "rbind" or type "bind" (MS_BIND is then in flags) */
        bool recursive;       /* "rbind" (MS_REC is then in flags); "rprivate" etc. do not set it */
        bool idmap;           /* "idmap" / "ridmap" */
        bool idmap_recursive; /* "ridmap" */
        bool optional;  /* added by brig's policy, not the config: skipped when the image lacks the destination */
        char *data;     /* remaining fs-specific options joined by ',' (e.g. "mode=755,size=65536k") */
        struct spec_id_mapping *uid_mappings, *gid_mappings;
        size_t n_uid_mappings, n_gid_mappings;
};

/* ---- hooks ---- */

struct spec_hook {
        char *path; /* absolute */
        char **args;
        char **env;
        bool has_timeout;
        int timeout; /* seconds, > 0 */
};

struct spec_hooks {
        struct spec_hook *prestart, *create_runtime, *create_container, *start_container, *poststart,
                *poststop;
        size_t n_prestart, n_create_runtime, n_create_container, n_start_container, n_poststart,
                n_poststop;
};

/* ---- linux ---- */

enum spec_namespace_type {
        SPEC_NS_PID,
        SPEC_NS_NETWORK,
        SPEC_NS_MOUNT,
        SPEC_NS_IPC,
        SPEC_NS_UTS,
        SPEC_NS_USER,
        SPEC_NS_CGROUP,
        SPEC_NS_TIME,
        SPEC_NS__COUNT,
};

struct spec_namespace {
        enum spec_namespace_type type;
        char *path; /* NULL: create a new one; else join this one */
};

struct spec_device {
        char *path; /* absolute, inside the container */
        char type;  /* 'c', 'b', 'u' or 'p' */
        int64_t major, minor;
        bool has_file_mode, has_uid, has_gid;
        mode_t file_mode;
        uid_t uid;
        gid_t gid;
};

/* A device-cgroup rule (linux.resources.devices[]). */
struct spec_device_rule {
        bool allow;
        char type;  /* 'a', 'c' or 'b'; 'a' when absent */
        int64_t major, minor; /* -1 = wildcard (absent) */
        char *access; /* subset of "rwm"; "rwm" when absent */
};

struct spec_memory {
        bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness,
                has_disable_oom_killer, has_use_hierarchy, has_check_before_update;
        int64_t limit, reservation, swap, kernel, kernel_tcp; /* -1 = unlimited */
        uint64_t swappiness;
        bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct spec_cpu {
        bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
                has_realtime_period, has_idle;
        uint64_t shares, period, realtime_period, burst;
        int64_t quota, realtime_runtime, idle;
        char *cpus, *mems; /* cpuset lists, NULL when absent */
};

struct spec_weight_device {
        int64_t major, minor;
        bool has_weight, has_leaf_weight;
        uint16_t weight, leaf_weight;
};

struct spec_throttle_device {
        int64_t major, minor;
        uint64_t rate;
};

struct spec_block_io {
        bool has_weight, has_leaf_weight;
        uint16_t weight, leaf_weight;
        struct spec_weight_device *weight_device;
        size_t n_weight_device;
        struct spec_throttle_device *throttle_read_bps, *throttle_write_bps, *throttle_read_iops,
                *throttle_write_iops;
        size_t n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops,
                n_throttle_write_iops;
};

struct spec_hugepage_limit {
        char *page_size; /* "2MB" */
        uint64_t limit;
};

struct spec_net_priority {
        char *name;
        uint32_t priority;
};

struct spec_key_value {
        char *key, *value;
};

struct spec_resources {
        struct spec_device_rule *devices;
        size_t n_devices;
        struct spec_memory *memory; /* NULL when absent */
        struct spec_cpu *cpu;
        bool has_pids_limit;
        int64_t pids_limit; /* <= 0: unlimited */
        struct spec_block_io *block_io;
        struct spec_hugepage_limit *hugepage_limits;
        size_t n_hugepage_limits;
        bool has_net_class_id;
        uint32_t net_class_id;
        struct spec_net_priority *net_priorities;
        size_t n_net_priorities;
        struct spec_key_value *unified; /* cgroup v2 file -> value */
        size_t n_unified;
};

/* seccomp: names kept as strings, resolved with libseccomp where the filter is built. */
struct spec_seccomp_arg {
        unsigned index;
        uint64_t value, value_two;
        char *op; /* SCMP_CMP_* */
};

struct spec_seccomp_syscall {
        char **names; /* non-empty */
        char *action; /* SCMP_ACT_* */
        bool has_errno_ret;
        unsigned errno_ret;
        struct spec_seccomp_arg *args;
        size_t n_args;
};

struct spec_seccomp {
        char *default_action;
        bool has_default_errno_ret;
        unsigned default_errno_ret;
        char **architectures;
        char **flags;
        char *listener_path;
        char *listener_metadata;
        struct spec_seccomp_syscall *syscalls;
        size_t n_syscalls;
};

struct spec_time_offset {
        char *clock; /* "monotonic" or "boottime" */
        int64_t secs;
        uint32_t nanosecs;
};

struct spec_personality {
        char *domain; /* LINUX or LINUX32 */
        char **flags;
};

struct spec_intel_rdt {
        char *clos_id, *l3_cache_schema, *mem_bw_schema;
};

struct spec_linux {
        struct spec_namespace *namespaces;
        size_t n_namespaces;
        struct spec_id_mapping *uid_mappings, *gid_mappings;
        size_t n_uid_mappings, n_gid_mappings;
        struct spec_device *devices;
        size_t n_devices;
        struct spec_resources *resources; /* NULL when absent */
        char *cgroups_path;
        struct spec_key_value *sysctl;
        size_t n_sysctl;
        char **masked_paths;
        char **readonly_paths;
        struct spec_seccomp *seccomp; /* NULL when absent */
        enum spec_propagation rootfs_propagation;
        char *mount_label;
        struct spec_personality *personality; /* NULL when absent */
        struct spec_time_offset *time_offsets;
        size_t n_time_offsets;
        struct spec_intel_rdt *intel_rdt;
};

struct spec_annotation {
        char *key, *value;
};

struct brig_spec {
        char *oci_version;
        struct spec_process *process; /* required by brig: a container must run something */
        struct spec_root root;
        char *hostname;
        char *domainname;
        struct spec_mount *mounts;
        size_t n_mounts;
        struct spec_hooks hooks;
        struct spec_annotation *annotations;
        size_t n_annotations;
        struct spec_linux *linux; /* NULL when absent */
};

/* Parse a JSON document (config.json text). `what` prefixes messages ("config.json"). */
int spec_parse(const char *json, size_t len, const char *what, struct brig_spec **ret, brig_error **err);
/*
 * Read and parse <bundle>/config.json. Relative bind sources are made absolute against the bundle
 * here, once, so the policy judges the same path the mount uses, wherever brig was started.
 */
int spec_load(const char *bundle, struct brig_spec **ret, brig_error **err);
/* spec_load that also hands back the exact text it parsed (to keep the copy the policy judged). */
int spec_load_text(const char *bundle, struct brig_spec **ret, char **ret_text, size_t *ret_len, brig_error **err);
/* The same resolution, for a config parsed from elsewhere (the copy kept with the state). */
void spec_resolve_bind_sources(struct brig_spec *spec, const char *bundle);
void spec_free(struct brig_spec *spec);
void spec_freep(struct brig_spec **spec);
#define _cleanup_spec_ __attribute__((cleanup(spec_freep)))

/* Parse a process.json as `brig exec --process` takes it. */
int spec_parse_process(const char *json, size_t len, const char *what, struct spec_process **ret,
                       brig_error **err);
void spec_process_free(struct spec_process *p);

/* Parse a linux.resources object alone (for `update --resources`). */
int spec_parse_resources(const char *json, size_t len, const char *what, struct spec_resources **ret,
                         brig_error **err);
void spec_resources_free(struct spec_resources *r);

/* Lookups used by the runtime. */
const struct spec_namespace *spec_namespace_find(const struct brig_spec *spec, enum spec_namespace_type t);
const char *spec_namespace_type_name(enum spec_namespace_type t); /* "pid", "network", ... */
const char *spec_annotation_get(const struct brig_spec *spec, const char *key);

/* The default config.json that `brig spec` writes (already passes brig's hardening). Caller frees. */
char *spec_default_json(void);

#endif
