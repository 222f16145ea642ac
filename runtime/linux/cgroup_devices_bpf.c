/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroup v2 device controller: linux.resources.devices compiled into a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, loaded and attached with the raw bpf(2) syscall.
 *
 * The program checks the rules from the last to the first and returns at the first match,
 * so a later rule overrides an earlier one as on v1; nothing matching means deny. An
 * allow rule matches when it grants every access asked for, a deny rule when it refuses
 * any of them.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "cgroup-internal.h"

#define FIELD "linux.resources.devices"
#define ACCESS_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)
/* Registers holding the request, loaded from struct bpf_cgroup_dev_ctx by the prologue. */
#define R_TYPE BPF_REG_2
#define R_ACCESS BPF_REG_3
#define R_MAJOR BPF_REG_4
#define R_MINOR BPF_REG_5
#define R_SCRATCH BPF_REG_1
/* Programs attached before the new one, detached once it is in place. */
#define MAX_OLD_PROGS 64
#define VERIFIER_LOG_SIZE (256 * 1024)

struct program {
        struct bpf_insn *insns;
        size_t n;
};

static void emit(struct program *p, struct bpf_insn insn)
{
        p->insns = xrealloc(p->insns, (p->n + 1) * sizeof(*p->insns));
        p->insns[p->n++] = insn;
}

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
        return (struct bpf_insn) { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

static void emit_load_ctx(struct program *p, uint8_t dst, int16_t off)
{
        emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, off, 0));
}

static void emit_return(struct program *p, int32_t value)
{
        emit(p, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, value));
        emit(p, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

static void emit_prologue(struct program *p)
{
        /* access_type holds the device type in the low 16 bits and the access in the high 16. */
        emit_load_ctx(p, R_TYPE, offsetof(struct bpf_cgroup_dev_ctx, access_type));
        emit(p, insn(BPF_ALU64 | BPF_AND | BPF_K, R_TYPE, 0, 0, 0xffff));
        emit_load_ctx(p, R_ACCESS, offsetof(struct bpf_cgroup_dev_ctx, access_type));
        emit(p, insn(BPF_ALU64 | BPF_RSH | BPF_K, R_ACCESS, 0, 0, 16));
        emit_load_ctx(p, R_MAJOR, offsetof(struct bpf_cgroup_dev_ctx, major));
        emit_load_ctx(p, R_MINOR, offsetof(struct bpf_cgroup_dev_ctx, minor));
}

struct rule {
        bool allow, any_type;
        int32_t type, major, minor; /* major/minor -1: any */
        int32_t access;             /* BPF_DEVCG_ACC_* bits */
};

static int decode_rule(const struct spec_device_rule *d, struct rule *ret, brig_error **err)
{
        const char *access = d->access ? d->access : "rwm";

        *ret = (struct rule) { .allow = d->allow, .any_type = d->type == 'a', .major = -1, .minor = -1 };
        if (d->type == 'c')
                ret->type = BPF_DEVCG_DEV_CHAR;
        else if (d->type == 'b')
                ret->type = BPF_DEVCG_DEV_BLOCK;
        else if (d->type != 'a')
                return brig_err(err, FIELD ": type `%c` is not one of `a`, `b`, `c`", d->type);
        for (const char *a = access; *a != '\0'; a++) {
                if (*a == 'r')
                        ret->access |= BPF_DEVCG_ACC_READ;
                else if (*a == 'w')
                        ret->access |= BPF_DEVCG_ACC_WRITE;
                else if (*a == 'm')
                        ret->access |= BPF_DEVCG_ACC_MKNOD;
                else
                        return brig_err(err, FIELD ": access `%s` is not a subset of `rwm`", access);
        }
        if (d->major > INT32_MAX || d->minor > INT32_MAX)
                return brig_err(err, FIELD ": device `%lld:%lld` is out of range", (long long) d->major,
                                (long long) d->minor);
        ret->major = d->major < 0 ? -1 : (int32_t) d->major;
        ret->minor = d->minor < 0 ? -1 : (int32_t) d->minor;
        return 0;
}

/* A conditional jump to the end of the rule's block, patched once the block is complete. */
static void emit_skip_unless(struct program *p, uint8_t op, uint8_t reg, int32_t imm, size_t *jumps, size_t *n)
{
        jumps[(*n)++] = p->n;
        emit(p, insn(BPF_JMP | op | BPF_K, reg, 0, 0, imm));
}

/* Returns true when the rule matches every request (later rules would be unreachable). */
static bool emit_rule(struct program *p, const struct rule *r)
{
        size_t jumps[4], n = 0;

        /* Type "a" covers every device and access, as writing "a" does on v1. */
        if (r->any_type) {
                emit_return(p, r->allow);
                return true;
        }
        emit_skip_unless(p, BPF_JNE, R_TYPE, r->type, jumps, &n);
        if ((r->access & ACCESS_ALL) != ACCESS_ALL) {
                emit(p, insn(BPF_ALU64 | BPF_MOV | BPF_X, R_SCRATCH, R_ACCESS, 0, 0));
                if (r->allow) {
                        /* Some requested access is outside the rule: not this rule. */
                        emit(p, insn(BPF_ALU64 | BPF_AND | BPF_K, R_SCRATCH, 0, 0, ~r->access & ACCESS_ALL));
                        emit_skip_unless(p, BPF_JNE, R_SCRATCH, 0, jumps, &n);
                } else {
                        /* No requested access is refused by the rule: not this rule. */
                        emit(p, insn(BPF_ALU64 | BPF_AND | BPF_K, R_SCRATCH, 0, 0, r->access));
                        emit_skip_unless(p, BPF_JEQ, R_SCRATCH, 0, jumps, &n);
                }
        }
        if (r->major >= 0)
                emit_skip_unless(p, BPF_JNE, R_MAJOR, r->major, jumps, &n);
        if (r->minor >= 0)
                emit_skip_unless(p, BPF_JNE, R_MINOR, r->minor, jumps, &n);
        emit_return(p, r->allow);
        for (size_t i = 0; i < n; i++)
                p->insns[jumps[i]].off = (int16_t) (p->n - jumps[i] - 1);
        return false;
}

static int build_program(const struct spec_device_rule *rules, size_t n, struct program *p, brig_error **err)
{
        bool catch_all = false;

        emit_prologue(p);
        for (size_t i = n; i > 0 && !catch_all; i--) {
                struct rule r;
                int ret = decode_rule(&rules[i - 1], &r, err);

                if (ret < 0)
                        return ret;
                catch_all = emit_rule(p, &r);
        }
        if (!catch_all)
                emit_return(p, 0);
        return 0;
}

static int bpf(int cmd, union bpf_attr *attr)
{
        return (int) syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int bpf_prog_load(const struct program *p, char *log, size_t log_size)
{
        static const char license[] = "Apache-2.0";
        union bpf_attr attr;

        memset(&attr, 0, sizeof(attr));
        attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        attr.insns = (uintptr_t) p->insns;
        attr.insn_cnt = (uint32_t) p->n;
        attr.license = (uintptr_t) license;
        attr.log_buf = (uintptr_t) log;
        attr.log_size = (uint32_t) log_size;
        attr.log_level = log != NULL ? 1 : 0;
        return bpf(BPF_PROG_LOAD, &attr);
}

/* Load quietly; only a refused program is loaded again for the verifier's reason. */
static int load_program(const struct program *p, brig_error **err)
{
        _cleanup_free_ char *log = NULL;
        int fd = bpf_prog_load(p, NULL, 0), saved = errno;
        char *last;

        if (fd >= 0)
                return fd;
        log = xmalloc0(VERIFIER_LOG_SIZE);
        fd = bpf_prog_load(p, log, VERIFIER_LOG_SIZE - 1);
        if (fd >= 0)
                return fd;
        /* The verifier's last line says why it refused. */
        while ((last = strrchr(log, '\n')) != NULL && last[1] == '\0')
                *last = '\0';
        last = strrchr(log, '\n');
        errno = saved;
        return brig_syserr(err, FIELD ": load the device filter (BPF)%s%s", log[0] ? ": " : "",
                           last ? last + 1 : log);
}

static int query_attached(int cgroup_fd, uint32_t *ids, uint32_t *n, brig_error **err)
{
        union bpf_attr attr;

        memset(&attr, 0, sizeof(attr));
        attr.query.target_fd = (uint32_t) cgroup_fd;
        attr.query.attach_type = BPF_CGROUP_DEVICE;
        attr.query.prog_ids = (uintptr_t) ids;
        attr.query.prog_cnt = *n;
        if (bpf(BPF_PROG_QUERY, &attr) < 0)
                return brig_syserr(err, FIELD ": query the attached device filters");
        *n = attr.query.prog_cnt;
        return 0;
}

static int attach(int cgroup_fd, int prog_fd, brig_error **err)
{
        union bpf_attr attr;

        memset(&attr, 0, sizeof(attr));
        attr.target_fd = (uint32_t) cgroup_fd;
        attr.attach_bpf_fd = (uint32_t) prog_fd;
        attr.attach_type = BPF_CGROUP_DEVICE;
        attr.attach_flags = BPF_F_ALLOW_MULTI;
        if (bpf(BPF_PROG_ATTACH, &attr) < 0)
                return brig_syserr(err, FIELD ": attach the device filter");
        return 0;
}

static int detach_id(int cgroup_fd, uint32_t id, brig_error **err)
{
        _cleanup_close_ int prog_fd = -1;
        union bpf_attr attr;

        memset(&attr, 0, sizeof(attr));
        attr.prog_id = id;
        prog_fd = bpf(BPF_PROG_GET_FD_BY_ID, &attr);
        if (prog_fd < 0)
                return errno == ENOENT ? 0 : brig_syserr(err, FIELD ": open device filter `%u`", id);
        memset(&attr, 0, sizeof(attr));
        attr.target_fd = (uint32_t) cgroup_fd;
        attr.attach_bpf_fd = (uint32_t) prog_fd;
        attr.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
                return brig_syserr(err, FIELD ": detach the old device filter `%u`", id);
        return 0;
}

int cgroup_devices_bpf_apply(int cgroup_fd, const struct spec_device_rule *rules, size_t n, brig_error **err)
{
        _cleanup_free_ struct bpf_insn *insns = NULL;
        _cleanup_close_ int prog_fd = -1;
        struct program p = { 0 };
        uint32_t old[MAX_OLD_PROGS], n_old = MAX_OLD_PROGS;
        int r = build_program(rules, n, &p, err);

        insns = p.insns;
        if (r < 0)
                return r;
        /* The old filters stay until the new one is attached: all must allow, so the gap is safe. */
        r = query_attached(cgroup_fd, old, &n_old, err);
        if (r < 0)
                return r;
        prog_fd = load_program(&p, err);
        if (prog_fd < 0)
                return prog_fd;
        r = attach(cgroup_fd, prog_fd, err);
        for (uint32_t i = 0; r >= 0 && i < n_old; i++)
                r = detach_id(cgroup_fd, old[i], err);
        return r;
}
