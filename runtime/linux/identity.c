/* SPDX-License-Identifier: Apache-2.0 */
/* The uid/gid switch, ordered so that the configured capabilities survive it. */
#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "brig/caps.h"
#include "brig/cleanup.h"
#include "brig/process.h"
#include "brig/util.h"

/* A user namespace whose gid_map was written unprivileged has setgroups denied for good. */
static int setgroups_denied(bool *ret, brig_error **err)
{
        _cleanup_free_ char *text = NULL;
        int r;

        *ret = false;
        if (access("/proc/self/setgroups", F_OK) < 0)
                return 0; /* kernels before 3.19: setgroups is always allowed */
        r = read_file_at(AT_FDCWD, "/proc/self/setgroups", &text, NULL, err);
        if (r < 0)
                return r;
        *ret = str_has_prefix(text, "deny");
        return 0;
}

/* Always called, also with no additionalGids: it drops the supplementary groups root had. */
static int set_additional_gids(const struct spec_user *u, brig_error **err)
{
        bool denied;
        int r;

        r = setgroups_denied(&denied, err);
        if (r < 0)
                return r;
        if (denied && u->n_additional_gids > 0)
                return brig_err(err, "process.user.additionalGids: setgroups is denied in this user namespace");
        if (denied)
                return 0;
        if (setgroups(u->n_additional_gids, u->additional_gids) < 0)
                return brig_syserr(err, "process.user.additionalGids: setgroups");
        return 0;
}

int process_switch_identity(const struct spec_process *proc, brig_error **err)
{
        const struct spec_user *u = &proc->user;
        int r;

        r = caps_drop_bounding(proc->capabilities, err);
        if (r < 0)
                return r;
        /* Without keepcaps, leaving uid 0 would clear the permitted set before caps_apply runs. */
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return brig_syserr(err, "prctl(PR_SET_KEEPCAPS, 1)");
        r = set_additional_gids(u, err);
        if (r < 0)
                return r;
        if (setresgid(u->gid, u->gid, u->gid) < 0)
                return brig_syserr(err, "process.user.gid: setresgid `%u`", (unsigned) u->gid);
        if (setresuid(u->uid, u->uid, u->uid) < 0)
                return brig_syserr(err, "process.user.uid: setresuid `%u`", (unsigned) u->uid);
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return brig_syserr(err, "prctl(PR_SET_KEEPCAPS, 0)");
        return caps_apply(proc->capabilities, err);
}
