/* SPDX-License-Identifier: Apache-2.0 */
/* Per-process limits set while still root: rlimits, oom_score_adj, personality. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include "brig/cleanup.h"
#include "brig/process.h"
#include "brig/util.h"

#define OOM_SCORE_ADJ_FILE "/proc/self/oom_score_adj"

static int apply_rlimit(const struct spec_rlimit *rl, size_t i, brig_error **err)
{
        struct rlimit want = { .rlim_cur = rl->soft, .rlim_max = rl->hard }, now;
        int saved_errno;

        if (setrlimit(rl->resource, &want) == 0)
                return 0;
        saved_errno = errno;
        if (saved_errno == EPERM && getrlimit(rl->resource, &now) == 0 && want.rlim_max > now.rlim_max)
                return brig_error_make(err, saved_errno,
                                       "process.rlimits[%zu]: `%s` hard limit %llu is above the current %llu "
                                       "(raising it needs CAP_SYS_RESOURCE)",
                                       i, rl->type, (unsigned long long) want.rlim_max,
                                       (unsigned long long) now.rlim_max);
        return brig_error_make(err, saved_errno, "process.rlimits[%zu]: setrlimit `%s` soft=%llu hard=%llu", i,
                               rl->type, (unsigned long long) want.rlim_cur, (unsigned long long) want.rlim_max);
}

/* Lowering the score needs CAP_SYS_RESOURCE even to the value it has: write only a change. */
static int apply_oom_score_adj(int value, brig_error **err)
{
        _cleanup_free_ char *current = NULL, *text = NULL;
        int now, r;

        r = read_file_at(AT_FDCWD, OOM_SCORE_ADJ_FILE, &current, NULL, err);
        if (r < 0)
                return brig_error_wrap(err, "process.oomScoreAdj");
        current[strcspn(current, "\n")] = '\0';
        if (parse_int(current, &now) == 0 && now == value)
                return 0;
        text = xasprintf("%d", value);
        r = write_file_at(AT_FDCWD, OOM_SCORE_ADJ_FILE, text, strlen(text), 0, err);
        if (r < 0)
                return brig_error_wrap(err, "process.oomScoreAdj: set `%d` (from %s; lowering needs "
                                       "CAP_SYS_RESOURCE)", value, current);
        return 0;
}

static int apply_personality(const struct spec_personality *p, brig_error **err)
{
        unsigned long persona;

        if (streq_ptr(p->domain, "LINUX"))
                persona = PER_LINUX;
        else if (streq_ptr(p->domain, "LINUX32"))
                persona = PER_LINUX32;
        else
                return brig_err(err, "linux.personality.domain: unknown domain `%s`",
                                p->domain != NULL ? p->domain : "");
        /* The runtime-spec defines no flag values yet. */
        if (p->flags != NULL && p->flags[0] != NULL)
                return brig_err(err, "linux.personality.flags[0]: unknown flag `%s`", p->flags[0]);
        if (personality(persona) < 0)
                return brig_syserr(err, "linux.personality: set `%s`", p->domain);
        return 0;
}

int process_apply_limits(const struct spec_process *proc, const struct spec_personality *personality,
                         brig_error **err)
{
        int r;

        for (size_t i = 0; i < proc->n_rlimits; i++) {
                r = apply_rlimit(&proc->rlimits[i], i, err);
                if (r < 0)
                        return r;
        }
        if (proc->has_oom_score_adj) {
                r = apply_oom_score_adj(proc->oom_score_adj, err);
                if (r < 0)
                        return r;
        }
        return personality != NULL ? apply_personality(personality, err) : 0;
}
