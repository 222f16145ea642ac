#!/bin/sh
# Print, as an OCI `linux.seccomp` object, an allowlist profile equivalent in size to brig's default
# (Docker's allowlist from runtime/policy/default_seccomp.c, clone without namespace flags, clone3 -> ENOSYS).
# The benchmark puts it in the shared config.json so that crun and runc compile and load a filter of
# the same size as brig does; without it only brig would pay for seccomp.
#   seccomp-profile.sh REPO_DIR
set -eu
src=$1/runtime/policy/default_seccomp.c
[ -r "$src" ] || { echo "seccomp-profile: $src missing" >&2; exit 1; }

# x86's arch_prctl and modify_ldt are in Docker's list too; other architectures get the common list.
case $(uname -m) in x86_64|i?86) arch='["arch_prctl", "modify_ldt"]' ;; *) arch='[]' ;; esac

# The quoted names between `allowed_syscalls[] = {` and the closing `};`, one per line.
sed -n '/allowed_syscalls\[\] = {/,/^};/p' "$src" | grep -o '"[a-z0-9_]*"' | tr -d '"' |
jq -R . | jq -s --argjson arch "$arch" '{
        defaultAction: "SCMP_ACT_ERRNO",
        syscalls: [
                { names: (. + $arch), action: "SCMP_ACT_ALLOW" },
                { names: ["clone"], action: "SCMP_ACT_ALLOW",
                  args: [{ index: 0, value: 2114060288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] },
                { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 }
        ]
}'
