/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup freezer: pause, resume and the frozen state of a container's cgroup. */
#include "cgroup-internal.h"

/* Freezing a busy cgroup can take a while: poll every ms for up to about 2 s. */
#define FREEZE_POLLS 2000

static int freezer(struct brig_cgroup *cg, struct cgroup_dir **ret, brig_error **err)
{
        return cgroup_controller(cg, "freezer", "", "freezer", ret, err);
}

/* The freezer settles asynchronously (FREEZING on v1, cgroup.events on v2): write again and
 * poll until the state is reached. */
static int set_frozen(struct brig_cgroup *cg, bool frozen, brig_error **err)
{
        const struct cgroup_ops *ops;
        struct cgroup_dir *d;
        int r = freezer(cg, &d, err);

        if (r < 0)
                return r;
        ops = cgroup_dir_ops(d);
        for (int i = 0; i < FREEZE_POLLS; i++) {
                r = ops->freeze(d->fd, frozen, err);
                if (r >= 0)
                        r = ops->is_frozen(d->fd, err);
                if (r < 0)
                        return r;
                if (r == frozen)
                        return 0;
                cgroup_sleep_ms(1);
        }
        if (frozen) {
                _cleanup_error_ brig_error *ignored = NULL;

                /* Do not leave a half-frozen container behind. */
                (void) ops->freeze(d->fd, false, &ignored);
        }
        return brig_err(err, "freezer: cgroup `%s` did not become %s", cg->path, frozen ? "frozen" : "thawed");
}

int cgroup_pause(struct brig_cgroup *cg, brig_error **err)
{
        return set_frozen(cg, true, err);
}

int cgroup_resume(struct brig_cgroup *cg, brig_error **err)
{
        return set_frozen(cg, false, err);
}

int cgroup_is_frozen(struct brig_cgroup *cg, brig_error **err)
{
        struct cgroup_dir *d;
        int r = freezer(cg, &d, err);

        return r < 0 ? r : cgroup_dir_ops(d)->is_frozen(d->fd, err);
}
