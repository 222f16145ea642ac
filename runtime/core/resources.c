/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a container's cgroup offers once it exists: update, pause, resume, ps and the
 * counters `events` reports. Each call holds the container's state lock while it works, so
 * it cannot race a `delete` of the same container.
 */
#include <unistd.h>

#include "brig/cgroup.h"
#include "brig/cleanup.h"
#include "brig/container.h"
#include "brig/util.h"

/* The state directory (locked), state and live status of a container, and its cgroup. */
struct locked_cgroup {
        int fd;
        struct container_state st;
        enum container_status status;
        struct brig_cgroup *cg;
};

static void locked_cgroup_release(struct locked_cgroup *l)
{
        cgroup_free(l->cg);
        state_release(&l->st);
        if (l->fd >= 0)
                close(l->fd);
}

#define _cleanup_locked_cgroup_ __attribute__((cleanup(locked_cgroup_release)))

static bool status_in(enum container_status s, unsigned mask)
{
        return (mask & (1u << s)) != 0;
}

#define ST(s) (1u << (s))
#define ST_LIVE (ST(STATUS_CREATED) | ST(STATUS_RUNNING) | ST(STATUS_PAUSED))

/* Lock container `id` and open its cgroup; `what` names the command when its status is not in `mask`. */
static int lock_cgroup(const struct runtime_options *rt, const char *id, unsigned mask, const char *what,
                       struct locked_cgroup *l, brig_error **err)
{
        *l = (struct locked_cgroup){ .fd = state_dir_open(rt->root, id, true, err) };
        if (l->fd < 0 || state_read(l->fd, id, &l->st, err) < 0)
                return -1;
        l->status = state_status(l->fd, &l->st);
        if (!status_in(l->status, mask))
                return brig_err(err, "cannot %s container `%s`: it is %s", what, id, status_name(l->status));
        if (l->st.cgroup_path == NULL)
                return brig_err(err, "cannot %s container `%s`: it has no cgroup", what, id);
        return cgroup_open(l->st.cgroup_path, &l->cg, err);
}

int container_update(const struct runtime_options *rt, const char *id, const struct spec_resources *res,
                     brig_error **err)
{
        _cleanup_locked_cgroup_ struct locked_cgroup l = { .fd = -1 };

        if (lock_cgroup(rt, id, ST_LIVE, "update", &l, err) < 0)
                return -1;
        if (cgroup_apply_resources(l.cg, res, err) < 0)
                return brig_error_wrap(err, "update container `%s`", id);
        return 0;
}

int container_pause(const struct runtime_options *rt, const char *id, brig_error **err)
{
        _cleanup_locked_cgroup_ struct locked_cgroup l = { .fd = -1 };

        if (lock_cgroup(rt, id, ST(STATUS_RUNNING), "pause", &l, err) < 0)
                return -1;
        return cgroup_pause(l.cg, err);
}

int container_resume(const struct runtime_options *rt, const char *id, brig_error **err)
{
        _cleanup_locked_cgroup_ struct locked_cgroup l = { .fd = -1 };

        if (lock_cgroup(rt, id, ST(STATUS_PAUSED), "resume", &l, err) < 0)
                return -1;
        return cgroup_resume(l.cg, err);
}

int container_pids(const struct runtime_options *rt, const char *id, pid_t **ret, size_t *ret_n,
                   brig_error **err)
{
        _cleanup_locked_cgroup_ struct locked_cgroup l = { .fd = -1 };

        if (lock_cgroup(rt, id, ST_LIVE, "list the processes of", &l, err) < 0)
                return -1;
        return cgroup_pids(l.cg, ret, ret_n, err);
}

int container_observe(const struct runtime_options *rt, const char *id, enum container_status *ret_status,
                      uint64_t *ret_oom_count, struct cgroup_stats *ret_stats, brig_error **err)
{
        _cleanup_locked_cgroup_ struct locked_cgroup l = { .fd = -1 };
        int r = lock_cgroup(rt, id, ST_LIVE | ST(STATUS_STOPPED), "watch", &l, err);

        /* A container deleted meanwhile ends the watch: not a failure of it. */
        if (r < 0 && l.fd < 0 && !state_dir_exists(rt->root, id)) {
                brig_error_free(err);
                *ret_status = STATUS_STOPPED;
                return 0;
        }
        if (r < 0)
                return -1;
        *ret_status = l.status;
        r = cgroup_oom_count(l.cg, ret_oom_count, err);
        /* The kills of a container that just died still count; its other statistics do not. */
        if (r >= 0 && ret_stats != NULL && l.status != STATUS_STOPPED)
                r = cgroup_stats(l.cg, ret_stats, err);
        return r;
}
