/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <inttypes.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/namespaces.h"
#include "brig/util.h"

static const int clone_flag_of[SPEC_NS__COUNT] = {
        [SPEC_NS_PID] = CLONE_NEWPID,     [SPEC_NS_NETWORK] = CLONE_NEWNET,
        [SPEC_NS_MOUNT] = CLONE_NEWNS,    [SPEC_NS_IPC] = CLONE_NEWIPC,
        [SPEC_NS_UTS] = CLONE_NEWUTS,     [SPEC_NS_USER] = CLONE_NEWUSER,
        [SPEC_NS_CGROUP] = CLONE_NEWCGROUP, [SPEC_NS_TIME] = CLONE_NEWTIME,
};

/* setns(2) joins the user namespace first: it decides which other namespaces we may join. */
static const enum spec_namespace_type join_order[] = {
        SPEC_NS_USER, SPEC_NS_IPC, SPEC_NS_UTS, SPEC_NS_NETWORK, SPEC_NS_CGROUP, SPEC_NS_TIME, SPEC_NS_MOUNT,
};

static int open_namespace(const struct spec_namespace *ns, size_t index, brig_error **err)
{
        _cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        int type;

        if (fd < 0)
                return brig_syserr(err, "config.json: linux.namespaces[%zu].path: open `%s`", index, ns->path);
        type = ioctl(fd, NS_GET_NSTYPE);
        if (type < 0)
                return brig_syserr(err, "config.json: linux.namespaces[%zu].path: `%s` is not a namespace",
                                   index, ns->path);
        if (type != clone_flag_of[ns->type])
                return brig_err(err, "config.json: linux.namespaces[%zu].path: `%s` is not a %s namespace",
                                index, ns->path, spec_namespace_type_name(ns->type));
        return TAKE_FD(fd);
}

int ns_plan_build(const struct spec_linux *linux_cfg, struct ns_plan *plan, brig_error **err)
{
        *plan = (struct ns_plan){ 0 };
        for (size_t t = 0; t < SPEC_NS__COUNT; t++)
                plan->join_fds[t] = -1;
        for (size_t i = 0; linux_cfg != NULL && i < linux_cfg->n_namespaces; i++) {
                const struct spec_namespace *ns = &linux_cfg->namespaces[i];

                if (ns->path == NULL) {
                        if (ns->type == SPEC_NS_CGROUP)
                                plan->unshare_cgroup = true;
                        else if (ns->type == SPEC_NS_TIME)
                                plan->unshare_time = true;
                        else
                                plan->clone_flags |= (unsigned long) clone_flag_of[ns->type];
                        continue;
                }
                plan->join_fds[ns->type] = open_namespace(ns, i, err);
                if (plan->join_fds[ns->type] < 0) {
                        ns_plan_release(plan);
                        return -1;
                }
        }
        return 0;
}

void ns_plan_release(struct ns_plan *plan)
{
        for (size_t t = 0; t < SPEC_NS__COUNT; t++) {
                if (plan->join_fds[t] >= 0)
                        close(plan->join_fds[t]);
                plan->join_fds[t] = -1;
        }
}

bool ns_plan_has(const struct ns_plan *plan, enum spec_namespace_type t)
{
        if ((t == SPEC_NS_CGROUP && plan->unshare_cgroup) || (t == SPEC_NS_TIME && plan->unshare_time))
                return true;
        return (plan->clone_flags & (unsigned long) clone_flag_of[t]) != 0 || plan->join_fds[t] >= 0;
}

int ns_enter_pid_for_children(const struct ns_plan *plan, int *ret_saved_fd, brig_error **err)
{
        _cleanup_close_ int saved = -1;

        *ret_saved_fd = -1;
        if (plan->join_fds[SPEC_NS_PID] < 0)
                return 0;
        saved = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (saved < 0)
                return brig_syserr(err, "open `/proc/self/ns/pid`");
        if (setns(plan->join_fds[SPEC_NS_PID], CLONE_NEWPID) < 0)
                return brig_syserr(err, "join the pid namespace");
        *ret_saved_fd = TAKE_FD(saved);
        return 0;
}

int ns_restore_pid_for_children(int saved_fd, brig_error **err)
{
        /* Hooks forked later by the runtime must run in the runtime's own pid namespace. */
        if (saved_fd >= 0 && setns(saved_fd, CLONE_NEWPID) < 0)
                return brig_syserr(err, "return to the runtime's pid namespace");
        return 0;
}

static char *format_mappings(const struct spec_id_mapping *m, size_t n)
{
        char *out = xstrdup("");

        for (size_t i = 0; i < n; i++) {
                char *next = xasprintf("%s%u %u %u\n", out, m[i].container_id, m[i].host_id, m[i].size);
                free(out);
                out = next;
        }
        return out;
}

static int write_mapping(pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n,
                         brig_error **err)
{
        _cleanup_free_ char *path = xasprintf("/proc/%d/%s", pid, file);
        _cleanup_free_ char *text = format_mappings(m, n);

        if (n == 0)
                return 0;
        /* The caller knows which JSON path the mappings came from and adds it. */
        return write_file_at(AT_FDCWD, path, text, strlen(text), 0, err);
}

int ns_write_id_mappings(pid_t pid, const struct spec_linux *linux_cfg, brig_error **err)
{
        if (write_mapping(pid, "uid_map", linux_cfg->uid_mappings, linux_cfg->n_uid_mappings, err) < 0)
                return -1;
        return write_mapping(pid, "gid_map", linux_cfg->gid_mappings, linux_cfg->n_gid_mappings, err);
}

int ns_unshare_time(const struct spec_linux *linux_cfg, brig_error **err)
{
        _cleanup_free_ char *offsets = xstrdup("");

        if (unshare(CLONE_NEWTIME) < 0)
                return brig_syserr(err, "create the time namespace");
        for (size_t i = 0; i < linux_cfg->n_time_offsets; i++) {
                const struct spec_time_offset *o = &linux_cfg->time_offsets[i];
                char *next = xasprintf("%s%s %" PRId64 " %" PRIu32 "\n", offsets, o->clock, o->secs, o->nanosecs);

                free(offsets);
                offsets = next;
        }
        if (*offsets != '\0' &&
            write_file_at(AT_FDCWD, "/proc/self/timens_offsets", offsets, strlen(offsets), 0, err) < 0)
                return brig_error_wrap(err, "config.json: linux.timeOffsets");
        return 0;
}

int ns_join_paths(const struct ns_plan *plan, brig_error **err)
{
        for (size_t i = 0; i < ARRAY_SIZE(join_order); i++) {
                enum spec_namespace_type t = join_order[i];

                if (plan->join_fds[t] < 0)
                        continue;
                if (setns(plan->join_fds[t], clone_flag_of[t]) < 0)
                        return brig_syserr(err, "join the %s namespace", spec_namespace_type_name(t));
        }
        return 0;
}
