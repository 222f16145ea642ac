#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Least privilege, seen from inside real containers: capabilities, no_new_privs, seccomp, user
# namespaces and idmapped mounts, sysctl, read-only root, rlimits, process.user; and the bad
# inputs around them, each refused with a clear error and nothing left behind.

load helpers

setup_file() { e2e_suite_setup; }
setup() { e2e_setup; }
teardown() { e2e_teardown; }

# ---- helpers of this file ---------------------------------------------------------------------

# policy_edit JQ_FILTER [jq args]: change brig's policy for this test (nothing for a reference runtime).
policy_edit() {
        is_brig || return 0
        local filter=$1
        shift
        jq "$@" "$filter" "$TESTDIR/policy.json" >"$TESTDIR/policy.json.new"
        mv "$TESTDIR/policy.json.new" "$TESTDIR/policy.json"
}

# policy_rule_off RULE...: switch the given policy rules off.
policy_rule_off() {
        local rule
        for rule in "$@"; do
                policy_edit '.rules[$r].action = "off"' --arg r "$rule"
        done
}

# policy_allow_caps NAME...: add capabilities to the policy's caps.allowlist (a list in the policy
# file replaces the preset's, so start from the effective one).
policy_allow_caps() {
        local allowed
        allowed=$("$BRIG" --policy "$TESTDIR/policy.json" policy show | jq -c '.rules["caps.allowlist"].capabilities')
        policy_edit '.rules["caps.allowlist"].capabilities = $a + $more' \
                --argjson a "$allowed" --argjson more "$(cap_list "$@")"
}

# cap_mask NAME...: the /proc/PID/status hex mask of the capabilities (CAP_ prefix left out).
cap_mask() {
        local -A bit=([CHOWN]=0 [DAC_OVERRIDE]=1 [FOWNER]=3 [KILL]=5 [SETGID]=6 [SETUID]=7 [SETPCAP]=8
                [NET_BIND_SERVICE]=10 [NET_RAW]=13 [SYS_CHROOT]=18 [AUDIT_WRITE]=29 [SETFCAP]=31)
        local mask=0 name
        for name in "$@"; do
                [ -n "${bit[$name]:-}" ] || { echo "cap_mask: no bit for $name" >&2; return 1; }
                mask=$((mask | (1 << ${bit[$name]})))
        done
        printf '%016x\n' "$mask"
}

# cap_list NAME...: a JSON array of "CAP_NAME" strings.
cap_list() {
        local name
        for name in "$@"; do echo "\"CAP_$name\""; done | jq -cs .
}

# status_field NAME: a field of the /proc/self/status lines the container printed to $output.
status_field() {
        awk -v f="$1:" '$1 == f { print $2 }' <<<"$output"
}

# print_status: the container command that prints the /proc/self/status fields checked here.
STATUS_CMD='grep -E "^(Cap(Bnd|Eff|Prm|Inh|Amb)|NoNewPrivs|Seccomp|Seccomp_filters):" /proc/self/status'

# The user namespace of the userns tests: root is host uid 100000, groups start at host gid 200000.
USERNS_UID=100000
USERNS_GID=200000

# use_userns: give the container a new user namespace mapping 0..65535 to the ids above. Its root
# is an unprivileged host user then, so the bundle must be reachable and the mount points exist.
use_userns() {
        edit_config '.linux.namespaces += [{type: "user"}]
                     | .linux.uidMappings = [{containerID: 0, hostID: $u, size: 65536}]
                     | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 65536}]' \
                --argjson u "$USERNS_UID" --argjson g "$USERNS_GID"
        local dir=$TESTDIR
        while [ "$dir" != / ] && [ "$dir" != /tmp ]; do
                chmod a+x "$dir"
                dir=$(dirname "$dir")
        done
        # brig's policy adds tmpfs mounts on these: the mapped root cannot create them in the image.
        mkdir -p "$BUNDLE/rootfs/run" "$BUNDLE/rootfs/var/tmp"
}

# seccomp_profile JSON: the config's linux.seccomp.
seccomp_profile() {
        edit_config '.linux.seccomp = $p' --argjson p "$1"
}

# ---- capabilities -----------------------------------------------------------------------------

@test "capabilities: a non-root process gets exactly the configured bounding, inheritable and ambient sets" {
        # NET_RAW is outside brig's default allowlist: the test's policy allows it, to check the
        # policy file really widens what the container may get.
        is_brig && policy_allow_caps NET_RAW
        edit_config '.process.user = {uid: 1000, gid: 1000}
                     | .process.capabilities = {bounding: $b, inheritable: $i, permitted: $p, effective: $p,
                                                ambient: $a}' \
                --argjson b "$(cap_list CHOWN KILL NET_BIND_SERVICE NET_RAW SETPCAP)" \
                --argjson i "$(cap_list CHOWN NET_BIND_SERVICE NET_RAW)" \
                --argjson p "$(cap_list KILL NET_BIND_SERVICE NET_RAW)" \
                --argjson a "$(cap_list NET_BIND_SERVICE NET_RAW)"
        run_container sh -c "$STATUS_CMD"
        assert_status 0
        assert_equal "$(status_field CapBnd)" "$(cap_mask CHOWN KILL NET_BIND_SERVICE NET_RAW SETPCAP)"
        assert_equal "$(status_field CapInh)" "$(cap_mask CHOWN NET_BIND_SERVICE NET_RAW)"
        assert_equal "$(status_field CapAmb)" "$(cap_mask NET_BIND_SERVICE NET_RAW)"
        # execve of a file without file capabilities: a non-root process keeps only its ambient set.
        assert_equal "$(status_field CapPrm)" "$(cap_mask NET_BIND_SERVICE NET_RAW)"
        assert_equal "$(status_field CapEff)" "$(cap_mask NET_BIND_SERVICE NET_RAW)"
}

@test "capabilities: root gets the configured permitted and effective sets under no_new_privs" {
        edit_config '.process.capabilities = {bounding: $b, inheritable: $i, permitted: $p, effective: $p,
                                              ambient: $a}' \
                --argjson b "$(cap_list CHOWN DAC_OVERRIDE KILL NET_BIND_SERVICE SETUID SETGID)" \
                --argjson i "$(cap_list KILL NET_BIND_SERVICE)" \
                --argjson p "$(cap_list KILL NET_BIND_SERVICE SETUID)" \
                --argjson a "$(cap_list NET_BIND_SERVICE)"
        run_container sh -c "$STATUS_CMD"
        assert_status 0
        assert_equal "$(status_field CapBnd)" "$(cap_mask CHOWN DAC_OVERRIDE KILL NET_BIND_SERVICE SETUID SETGID)"
        assert_equal "$(status_field CapInh)" "$(cap_mask KILL NET_BIND_SERVICE)"
        # For root, execve would raise permitted to the bounding set; no_new_privs keeps it as set.
        assert_equal "$(status_field CapPrm)" "$(cap_mask KILL NET_BIND_SERVICE SETUID)"
        assert_equal "$(status_field CapEff)" "$(cap_mask KILL NET_BIND_SERVICE SETUID)"
        assert_equal "$(status_field CapAmb)" "$(cap_mask NET_BIND_SERVICE)"
}

@test "capabilities: with none configured every set is empty, the bounding set included" {
        # The bounding set is trimmed up to the kernel's last capability, not a compiled-in one.
        edit_config '.process.capabilities = {}'
        run_container sh -c "$STATUS_CMD"
        assert_status 0
        local set
        for set in CapBnd CapEff CapPrm CapInh CapAmb; do
                assert_equal "$(status_field "$set")" 0000000000000000
        done
}

@test "capabilities: a dropped capability is really gone (chown fails without CAP_CHOWN)" {
        edit_config '.process.capabilities = {bounding: $c, permitted: $c, effective: $c}' \
                --argjson c "$(cap_list KILL)"
        run_container sh -c 'touch /tmp/f && chown 1:1 /tmp/f; echo "chown=$?"'
        assert_contains "$output" "chown=1"
        assert_contains "$stderr" "Operation not permitted"
}

# ---- no_new_privs and seccomp status ----------------------------------------------------------

@test "NoNewPrivs follows process.noNewPrivileges" {
        # brig's policy turns it on whatever the config says: switch that rule off here.
        policy_rule_off nnp.force
        seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW",
                          "syscalls": [{"names": ["swapon"], "action": "SCMP_ACT_ERRNO"}]}'
        edit_config '.process.noNewPrivileges = false'
        run_container sh -c "$STATUS_CMD"
        assert_status 0
        assert_equal "$(status_field NoNewPrivs)" 0
        # Without no_new_privs the filter is loaded while CAP_SYS_ADMIN is still held.
        assert_equal "$(status_field Seccomp)" 2

        edit_config '.process.noNewPrivileges = true'
        run_container sh -c "$STATUS_CMD"
        assert_status 0
        assert_equal "$(status_field NoNewPrivs)" 1
}

@test "Seccomp and Seccomp_filters: the config's filter, stacked on the policy's floor" {
        seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW",
                          "syscalls": [{"names": ["swapon"], "action": "SCMP_ACT_ERRNO"}]}'
        run_container sh -c "$STATUS_CMD"
        assert_status 0
        assert_equal "$(status_field Seccomp)" 2
        if is_brig; then
                assert_equal "$(status_field Seccomp_filters)" 2
        else
                assert_equal "$(status_field Seccomp_filters)" 1
        fi
}

@test "Seccomp_filters: one filter when the policy's floor is off, none without any profile" {
        brig_only # the policy decides
        policy_rule_off seccomp.floor
        seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW",
                          "syscalls": [{"names": ["swapon"], "action": "SCMP_ACT_ERRNO"}]}'
        run_container sh -c "$STATUS_CMD"
        assert_status 0
        assert_equal "$(status_field Seccomp)" 2
        assert_equal "$(status_field Seccomp_filters)" 1

        policy_rule_off seccomp.required
        edit_config 'del(.linux.seccomp)'
        run_container sh -c "$STATUS_CMD"
        assert_status 0
        assert_equal "$(status_field Seccomp)" 0
        assert_equal "$(status_field Seccomp_filters)" 0
}

# ---- seccomp rules ----------------------------------------------------------------------------

@test "seccomp: an errno rule fails the syscall with the configured errnoRet" {
        # ENOSPC (28) for mkdir, EACCES (13) for getcwd: errors no real mkdir/pwd would give here.
        seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28},
                {"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
        # /bin/pwd, not the shell's builtin, which answers from $PWD.
        run_container sh -c 'mkdir /tmp/d; echo "mkdir=$?"; /bin/pwd; echo "pwd=$?"; touch /tmp/f; echo "touch=$?"'
        assert_status 0
        assert_contains "$output" "mkdir=1"
        assert_contains "$output" "pwd=1"
        assert_contains "$output" "touch=0"
        assert_contains "$stderr" "can't create directory '/tmp/d': No space left on device"
        assert_contains "$stderr" "getcwd: Permission denied"
}

@test "seccomp: an errno rule without errnoRet fails with EPERM" {
        seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW",
                          "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
        run_container mkdir /tmp/d
        assert_status 1
        assert_contains "$stderr" "Operation not permitted"
}

@test "seccomp: a kill rule kills the caller with SIGSYS (status 159) and nothing else" {
        # Not uname: static glibc calls it at every start-up, so the shell itself would die.
        seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW",
                          "syscalls": [{"names": ["sync"], "action": "SCMP_ACT_KILL"}]}'
        run_container sh -c 'sync; echo "sync=$?"'
        assert_status 0
        assert_contains "$output" "sync=159"
}

@test "seccomp: a kill_process rule on the workload's own syscall ends the container with 159" {
        seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW",
                          "syscalls": [{"names": ["sync"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
        run_container sync
        assert_status 159
}

@test "seccomp: argument conditions deny only the calls they match" {
        # personality(2) with PER_LINUX32 (8) in the low 16 bits fails; PER_LINUX (0) passes.
        # chmod modes with the world-write bit fail; others pass (chmod and fchmodat carry the mode
        # in different arguments, whichever libc uses).
        seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
                 "args": [{"index": 0, "value": 65535, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]},
                {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
                 "args": [{"index": 1, "value": 2, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]},
                {"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
                 "args": [{"index": 2, "value": 2, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
        run_container sh -c '
                linux32 true; echo "linux32=$?"
                linux64 true; echo "linux64=$?"
                touch /tmp/f
                chmod 0757 /tmp/f; echo "chmod757=$?"
                chmod 0750 /tmp/f; echo "chmod750=$?"
                stat -c %a /tmp/f'
        assert_status 0
        assert_contains "$output" "linux32=1"
        assert_contains "$output" "linux64=0"
        assert_contains "$output" "chmod757=1"
        assert_contains "$output" "chmod750=0"
        assert_equal "${lines[-1]}" 750
        assert_contains "$stderr" "Operation not permitted"
        assert_contains "$stderr" "Permission denied"
}

# ---- user namespaces and idmapped mounts ------------------------------------------------------

@test "user namespace: uid_map and gid_map hold the configured mappings" {
        use_userns
        run_container sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; readlink /proc/self/ns/user'
        assert_status 0
        assert_equal "$(echo ${lines[0]})" "0 $USERNS_UID 65536"
        assert_equal "$(echo ${lines[1]})" "0 $USERNS_GID 65536"
        assert_equal "${lines[2]}" 0
        assert_equal "${lines[3]}" 0
        [ "${lines[4]}" != "$(readlink /proc/self/ns/user)" ] || fail "the container shares the host's user namespace"
}

@test "user namespace: a file written by the container's root is owned by the mapped host ids" {
        use_userns
        local shared
        shared=$(share_dir)
        chmod 0777 "$shared"
        run_container sh -c 'echo hi >/shared/by-root; stat -c %u:%g /shared/by-root'
        assert_status 0
        assert_equal "$output" 0:0
        assert_equal "$(stat -c %u:%g "$shared/by-root")" "$USERNS_UID:$USERNS_GID"
}

@test "user namespace: linux.devices binds the host node only when it is the device declared" {
        brig_only
        use_userns
        # The policy judges devices by type and major:minor: a host /dev/kmsg (c 1:11) declared
        # as c 1:3 must not be bound in under that disguise.
        edit_config '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 3, fileMode: 438}]'
        refused_config 'linux.devices[0]'
        assert_contains "$stderr" 'is not the device asked for'
}

# idmap_source: a host directory with a file owned by 0:0 and one by 1:1, printed.
idmap_source() {
        local src=$TESTDIR/idmap-src
        mkdir -p "$src"
        touch "$src/owned-by-0" "$src/owned-by-1"
        chown 1:1 "$src/owned-by-1"
        chmod 0777 "$src"
        echo "$src"
}

@test "idmapped bind mount: files show the mount's mapping (no user namespace)" {
        brig_only # runc 1.1 ignores mount-level mappings
        local src
        src=$(idmap_source)
        # On-disk id N shows as hostID + N - containerID.
        edit_config '.mounts += [{destination: "/srv", type: "bind", source: $src, options: ["bind", "idmap"],
                                  uidMappings: [{containerID: 0, hostID: 1000, size: 2}],
                                  gidMappings: [{containerID: 0, hostID: 2000, size: 2}]},
                                 {destination: "/shared", type: "bind", source: $src, options: ["bind"]}]' \
                --arg src "$src"
        run_container sh -c 'stat -c %u:%g /srv/owned-by-0 /srv/owned-by-1 /shared/owned-by-0'
        assert_status 0
        assert_equal "${lines[0]}" 1000:2000
        assert_equal "${lines[1]}" 1001:2001
        # The same directory bound without idmap keeps the on-disk owner.
        assert_equal "${lines[2]}" 0:0
}

@test "idmapped bind mount of a shared host mount: mounts under it do not propagate to the host" {
        brig_only # runc 1.1 ignores mount-level mappings
        local src=$TESTDIR/shared-src
        # Idmapped mounts are cloned in the host's mount namespace: from a shared mount, the clone
        # would be a peer, and the tmpfs below would appear (and stay) on the host.
        mkdir -p "$src"
        mount -t tmpfs tmpfs "$src"
        mount --make-shared "$src"
        mkdir "$src/sub"
        edit_config '.mounts += [{destination: "/srv", type: "bind", source: $src, options: ["bind", "idmap"],
                                  uidMappings: [{containerID: 0, hostID: 1000, size: 2}],
                                  gidMappings: [{containerID: 0, hostID: 2000, size: 2}]},
                                 {destination: "/srv/sub", type: "tmpfs", source: "tmpfs", options: ["nosuid"]}]' \
                --arg src "$src"
        run_container sh -c 'grep -c " /srv/sub " /proc/self/mountinfo'
        local leaked=0
        grep -q " $src/sub " /proc/self/mountinfo && leaked=1
        umount -l "$src/sub" 2>/dev/null || true
        umount -l "$src"
        assert_status 0
        assert_equal "$output" 1
        [ "$leaked" = 0 ] || fail "the container's tmpfs appeared on the host"
}

@test "idmapped bind mount inside a user namespace: the container's root owns the host's root files" {
        brig_only # runc 1.1 ignores mount-level mappings
        use_userns
        local src
        src=$(idmap_source)
        # The mount maps like the user namespace: host root files are the container root's, and
        # what the container's root writes is owned by host root, not by the unprivileged 100000.
        edit_config '.mounts += [{destination: "/srv", type: "bind", source: $src, options: ["bind", "idmap"],
                                  uidMappings: [{containerID: 0, hostID: $u, size: 65536}],
                                  gidMappings: [{containerID: 0, hostID: $g, size: 65536}]},
                                 {destination: "/shared", type: "bind", source: $src, options: ["bind"]}]' \
                --arg src "$src" --argjson u "$USERNS_UID" --argjson g "$USERNS_GID"
        run_container sh -c 'stat -c %u:%g /srv/owned-by-0 /srv/owned-by-1 /shared/owned-by-0
                             echo x >/srv/written'
        assert_status 0
        assert_equal "${lines[0]}" 0:0
        assert_equal "${lines[1]}" 1:1
        # Without idmap host root is unmapped in the container: the overflow id.
        assert_equal "${lines[2]}" 65534:65534
        assert_equal "$(stat -c %u:%g "$src/written")" 0:0
}

@test "idmapped rbind: idmap maps the top mount only, ridmap the submounts too" {
        brig_only # runc 1.1 ignores mount-level mappings
        local src inner
        src=$(idmap_source)
        inner=$TESTDIR/idmap-inner
        mkdir -p "$src/sub" "$inner"
        touch "$inner/owned-by-0"
        mount --bind "$inner" "$src/sub"
        edit_config '.mounts += [{destination: "/srv", type: "bind", source: $src, options: ["rbind", "idmap"],
                                  uidMappings: [{containerID: 0, hostID: 1000, size: 2}],
                                  gidMappings: [{containerID: 0, hostID: 1000, size: 2}]},
                                 {destination: "/shared", type: "bind", source: $src, options: ["rbind", "ridmap"],
                                  uidMappings: [{containerID: 0, hostID: 1000, size: 2}],
                                  gidMappings: [{containerID: 0, hostID: 1000, size: 2}]}]' \
                --arg src "$src"
        run_container stat -c %u /srv/owned-by-0 /srv/sub/owned-by-0 /shared/owned-by-0 /shared/sub/owned-by-0
        umount "$src/sub"
        assert_status 0
        assert_equal "$(echo ${lines[*]})" "1000 0 1000 1000"
}

@test "idmap without mount-level mappings takes the container's user namespace mappings" {
        brig_only # runc 1.1 ignores idmap
        use_userns
        local src
        src=$(idmap_source)
        edit_config '.mounts += [{destination: "/srv", type: "bind", source: $src, options: ["bind", "idmap"]}]' \
                --arg src "$src"
        run_container stat -c %u:%g /srv/owned-by-0
        assert_status 0
        assert_equal "$output" 0:0
}

# ---- time namespace -------------------------------------------------------------------------

@test "time namespace: linux.timeOffsets shift the workload's boottime, the host's is unchanged" {
        edit_config '.linux.namespaces += [{type: "time"}] | .linux.timeOffsets = {boottime: {secs: 86400, nanosecs: 0}}'
        run_container cat /proc/uptime
        assert_status 0
        local inside host
        inside=${lines[0]%%.*}
        host=$(cut -d. -f1 /proc/uptime)
        [ "$inside" -ge $((host + 86400 - 60)) ] && [ "$inside" -le $((host + 86400 + 60)) ] ||
                fail "uptime inside is $inside s, host $host s: the 1-day offset is missing"
        assert_host_clean "$ID"
}

@test "time namespace: timeOffsets without a new time namespace is refused naming the field" {
        brig_only
        edit_config '.linux.timeOffsets = {monotonic: {secs: 5, nanosecs: 0}}'
        refused_config linux.timeOffsets
}

# ---- sysctl, read-only root, rlimits, process.user --------------------------------------------

@test "sysctl: namespaced values are set inside and the host's stay unchanged" {
        local shmmax_host forward_host
        shmmax_host=$(cat /proc/sys/kernel/shmmax)
        forward_host=$(cat /proc/sys/net/ipv4/ip_forward)
        local forward_want=$((1 - forward_host))
        edit_config '.linux.sysctl = {"kernel.shmmax": "1073741824", "net.ipv4.ip_forward": $f}' \
                --arg f "$forward_want"
        run_container sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward'
        assert_status 0
        assert_equal "${lines[0]}" 1073741824
        assert_equal "${lines[1]}" "$forward_want"
        assert_equal "$(cat /proc/sys/kernel/shmmax)" "$shmmax_host"
        assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$forward_host"
}

@test "root.readonly: a read-only root refuses writes, a read-write one takes them" {
        edit_config '.root.readonly = true'
        run_container sh -c 'echo x >/written; echo "status=$?"'
        assert_contains "$output" "status=1"
        assert_contains "$stderr" "Read-only file system"
        [ ! -e "$BUNDLE/rootfs/written" ] || fail "the write reached the bundle's rootfs"

        # brig's policy makes every root read-only: switch that rule off to see the field matter.
        policy_rule_off rootfs.readonly
        edit_config '.root.readonly = false'
        run_container sh -c 'echo x >/written; echo "status=$?"'
        assert_contains "$output" "status=0"
        [ -e "$BUNDLE/rootfs/written" ] || fail "the write did not reach the bundle's rootfs"
}

@test "rlimits: soft and hard limits are those of the config" {
        # Lowering only: root's bounding set here lacks CAP_SYS_RESOURCE, so no runtime can raise a hard limit.
        edit_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1000},
                                         {type: "RLIMIT_CORE", soft: 0, hard: 0},
                                         {type: "RLIMIT_NPROC", soft: 300, hard: 400}]'
        run_container sh -c 'ulimit -n; ulimit -Hn; ulimit -c; ulimit -Hc; ulimit -u; ulimit -Hu'
        assert_status 0
        assert_equal "$(echo ${lines[*]})" "512 1000 0 0 300 400"
}

@test "process.user: uid, gid, additionalGids and umask" {
        edit_config '.process.user = {uid: 1000, gid: 1001, additionalGids: [10, 20, 1001], umask: 63}'
        # runc gives a tmpfs the mode of the directory it covers: make it an image's usual /tmp.
        chmod 1777 "$BUNDLE/rootfs/tmp"
        run_container sh -c 'id; umask; touch /tmp/f; mkdir /tmp/d; stat -c %a:%u:%g /tmp/f /tmp/d'
        assert_status 0
        assert_equal "${lines[0]}" "uid=1000 gid=1001 groups=10,20,1001"
        assert_equal "${lines[1]}" 0077
        assert_equal "${lines[2]}" 600:1000:1001
        assert_equal "${lines[3]}" 700:1000:1001
}

@test "process.user: without umask the process gets 0022 and no supplementary groups" {
        edit_config '.process.user = {uid: 0, gid: 0}'
        run_container sh -c 'umask; cat /proc/self/status | grep ^Groups:'
        assert_status 0
        assert_equal "${lines[0]}" 0022
        assert_equal "$(echo ${lines[1]})" "Groups:"
}

# ---- bad input --------------------------------------------------------------------------------

@test "an unknown capability is refused naming it and its JSON path" {
        brig_only # runc 1.1 warns and ignores it
        edit_config '.process.capabilities.permitted += ["CAP_BOGUS"]'
        refused_config 'process.capabilities.permitted[3]: unknown capability `CAP_BOGUS`'
}

@test "an unknown seccomp action is refused naming the rule" {
        seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW",
                          "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]}'
        refused_config 'linux.seccomp.syscalls[0].action'
        ! is_brig || assert_contains "$stderr" SCMP_ACT_BOGUS
}

@test "an unknown seccomp architecture is refused naming it" {
        seccomp_profile '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_BOGUS"],
                          "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
        refused_config 'linux.seccomp.architectures[1]'
        ! is_brig || assert_contains "$stderr" SCMP_ARCH_BOGUS
}

@test "overlapping uid mappings are refused naming the entry" {
        use_userns
        edit_config '.linux.uidMappings += [{containerID: 65000, hostID: 300000, size: 1000}]'
        refused_config 'linux.uidMappings[1]'
}

@test "overlapping host ranges in gid mappings are refused naming the entry" {
        use_userns
        edit_config '.linux.gidMappings += [{containerID: 70000, hostID: $g, size: 10}]' --argjson g "$USERNS_GID"
        refused_config 'linux.gidMappings[1]'
}

@test "an empty id mapping range is refused naming its size" {
        use_userns
        edit_config '.linux.uidMappings[0].size = 0'
        refused_config 'linux.uidMappings[0].size'
}

@test "a new user namespace without mappings is refused" {
        use_userns
        edit_config '.linux.uidMappings = [] | .linux.gidMappings = []'
        refused_config 'user namespace'
}

@test "an AppArmor profile on a host without AppArmor is an error, never ignored" {
        [ ! -e /sys/kernel/security/apparmor ] && [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] ||
                skip "this host has AppArmor"
        edit_config '.process.apparmorProfile = "brig-e2e-profile"'
        refused_config 'process.apparmorProfile'
}

@test "an SELinux label on a host without SELinux is an error, never ignored" {
        ! grep -qw selinuxfs /proc/filesystems || skip "this host has SELinux"
        edit_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
        refused_config 'process.selinuxLabel'
}

@test "an rlimit above the runtime's hard limit is refused naming it" {
        local hard
        hard=$(ulimit -Hn)
        edit_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: $h}]' --argjson h "$((hard + 1))"
        refused_config 'process.rlimits[0]'
}

@test "an idmapped mount of a missing source is refused naming the mount" {
        brig_only # runc 1.1 ignores mount-level mappings
        local n
        n=$(jq '.mounts | length' "$BUNDLE/config.json")
        edit_config '.mounts += [{destination: "/srv", type: "bind", source: $src, options: ["bind", "idmap"],
                                  uidMappings: [{containerID: 0, hostID: 1000, size: 1}],
                                  gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}]' \
                --arg src "$TESTDIR/no-such-dir"
        refused_config "mounts[$n]"
        assert_contains "$stderr" no-such-dir
}
