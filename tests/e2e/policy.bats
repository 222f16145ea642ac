#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The hardening policy end to end, on the config.json files real engines generate
# (tests/fixtures/engine-configs): every privileged variant Docker produces is refused with the
# right rule id and nothing left behind; a plain `docker run` config is accepted and hardened, as
# seen from inside the container; audit mode, the audit log, `brig check`, `brig policy show`, the
# restricted preset and the strict policy file.
#
# Each test runs under its own policy file ($TESTDIR/policy.json, see e2e_setup), never the host's
# /etc/brig/policy.json or /var/log/brig. Set UPDATE_GOLDEN=1 to rewrite tests/fixtures/check/.

load helpers

setup_file() { e2e_suite_setup; }
setup() {
        e2e_setup
        brig_only # the whole file is about brig's policy
}
teardown() { e2e_teardown; }

FIXTURES=$BATS_TEST_DIRNAME/../fixtures/engine-configs
GOLDEN=$BATS_TEST_DIRNAME/../fixtures/check

# ---- helpers of this file ---------------------------------------------------------------------

# use_fixture NAME: $BUNDLE/config.json becomes the engine's NAME.config.json, made to run here:
# root.path is the test's rootfs, linux.cgroupsPath the absolute "/$ID", every bind source a fresh
# file in $TESTDIR/binds/N/ with the source's own name (so docker.sock stays docker.sock and only
# the policy, never a missing file, decides), and the hooks are gone (dockerd's /proc/<pid>/exe
# names a process of the machine the fixture was made on). A test about a rule sets back what it needs.
use_fixture() {
        local src
        jq --arg root "$BUNDLE/rootfs" --arg cg "/$ID" --arg binds "$TESTDIR/binds" '
            .root.path = $root
            | .linux.cgroupsPath = $cg
            | del(.hooks)
            | .mounts |= [to_entries[] | .key as $i | .value
                          | if .type == "bind" then .source = "\($binds)/\($i)/\(.source | split("/") | last)"
                            else . end]' "$FIXTURES/$1.config.json" >"$BUNDLE/config.json"
        for src in $(jq -r '.mounts[] | select(.type == "bind") | .source' "$BUNDLE/config.json"); do
                mkdir -p "$(dirname "$src")"
                : >"$src"
        done
}

# policy_edit JQ_FILTER [jq args]: change this test's policy file.
policy_edit() {
        local filter=$1
        shift
        jq "$@" "$filter" "$TESTDIR/policy.json" >"$TESTDIR/policy.json.new"
        mv "$TESTDIR/policy.json.new" "$TESTDIR/policy.json"
}

# refused_rules: the sorted, distinct rule ids of the refusal lines on the last call's stderr;
# fails when a line is anything but "brig: refused by policy: <rule>: <json path>: <why>".
refused_rules() {
        local line rules=()
        while IFS= read -r line; do
                [[ $line =~ ^brig:\ refused\ by\ policy:\ ([a-z_]+\.[a-z_]+):\ [^:\ ]+:\ .+$ ]] ||
                        { fail "not a policy refusal line: \`$line\`"; return 1; }
                rules+=("${BASH_REMATCH[1]}")
        done <<<"$stderr"
        printf '%s\n' "${rules[@]}" | sort -u | paste -sd' '
}

# assert_refused RULE...: the last call exited 1 and its refusals name exactly these rule ids.
assert_refused() {
        assert_status 1
        local got
        got=$(refused_rules) || return 1
        assert_equal "$got" "$(printf '%s\n' "$@" | sort -u | paste -sd' ')"
}

# assert_refusal LINE: stderr holds the line "brig: refused by policy: LINE".
assert_refusal() {
        grep -qxF "brig: refused by policy: $1" <<<"$stderr" || fail "no refusal line \`$1\`"
}

# refuse_create RULE...: create from $BUNDLE, expect a refusal naming exactly RULE..., and nothing
# of the container on the host.
refuse_create() {
        brig create --bundle "$BUNDLE" "$ID"
        assert_refused "$@"
        assert_host_clean "$ID"
}

# audit_line ID: the audit log's line about container ID.
audit_line() {
        jq -c --arg id "$1" 'select(.id == $id)' "$TESTDIR/audit.jsonl"
}

# status_field NAME: a /proc/self/status field the container printed to $output.
status_field() {
        awk -v f="$1:" '$1 == f { print $2 }' <<<"$output"
}

# probe NAME: the value of a NAME=VALUE line the container printed to $output.
probe() {
        sed -n "s/^$1=//p" <<<"$output"
}

STATUS_CMD='grep -E "^(Cap(Bnd|Eff|Prm|Inh|Amb)|NoNewPrivs|Seccomp|Seccomp_filters):" /proc/self/status'

# Docker's default capabilities that brig's baseline allowlist keeps: CHOWN(0) DAC_OVERRIDE(1)
# FOWNER(3) FSETID(4) KILL(5) SETGID(6) SETUID(7) SETPCAP(8) NET_BIND_SERVICE(10) SYS_CHROOT(18)
# AUDIT_WRITE(29) SETFCAP(31). NET_RAW(13) and MKNOD(27) are dropped.
DOCKER_CAPS_HARDENED=00000000a00405fb

# golden NAME: compare $output with tests/fixtures/check/NAME (UPDATE_GOLDEN=1 rewrites it).
golden() {
        if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
                mkdir -p "$GOLDEN"
                printf '%s\n' "$output" >"$GOLDEN/$1"
        fi
        [ -f "$GOLDEN/$1" ] || fail "no golden file $GOLDEN/$1 (run with UPDATE_GOLDEN=1 once)"
        diff -u "$GOLDEN/$1" <(printf '%s\n' "$output") >&2 || fail "output differs from $GOLDEN/$1"
}

# ---- the privileged variants Docker produces: refused, nothing left behind ----------------------

@test "policy: docker run --privileged is refused (caps.privileged, devices.host)" {
        use_fixture docker-privileged
        refuse_create caps.privileged devices.host
        assert_refusal 'caps.privileged: process.capabilities.bounding[21]: CAP_SYS_ADMIN is privileged'
        assert_refusal 'devices.host: linux.resources.devices[0]: allows `rwm` on every device'
        assert_refusal 'devices.host: linux.devices[96]: `/dev/vda` (b 254:0) is not an allowed device'
        # run refuses the same way.
        brig run --bundle "$BUNDLE" "$ID"
        assert_refused caps.privileged devices.host
        assert_host_clean "$ID"
}

@test "policy: docker run --cap-add ALL is refused (caps.privileged), with or without SYS_RESOURCE" {
        local fixture
        for fixture in docker-cap-add-all docker-cap-add-all-drop-sys-resource; do
                use_fixture "$fixture"
                refuse_create caps.privileged
                assert_refusal 'caps.privileged: process.capabilities.effective[16]: CAP_SYS_MODULE is privileged'
                assert_refusal 'caps.privileged: process.capabilities.permitted[21]: CAP_SYS_ADMIN is privileged'
        done
}

@test "policy: docker run --cap-add SYS_ADMIN is refused in each set that names it (caps.privileged)" {
        use_fixture docker-default
        edit_config '.process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])'
        refuse_create caps.privileged
        [ "$(grep -c '' <<<"$stderr")" = 3 ] || fail "expected one refusal per set"
        local set
        for set in bounding effective permitted; do
                assert_refusal "caps.privileged: process.capabilities.$set[14]: CAP_SYS_ADMIN is privileged"
        done
        # Also the last JSON error line of --log, which is what docker run shows: all three in it.
        brig --log "$TESTDIR/brig.log" --log-format json create --bundle "$BUNDLE" "$ID"
        assert_refused caps.privileged
        tail -n 1 "$TESTDIR/brig.log" | jq -e '.level == "error" and (.msg | startswith("refused by policy: caps.privileged: "))
                and (.msg | split("\n") | length == 3)' \
                >/dev/null || fail "the log's last line is not the whole refusal: $(tail -n 1 "$TESTDIR/brig.log")"
        assert_host_clean "$ID"
}

@test "policy: -v /var/run/docker.sock is refused (mounts.host_sensitive), also behind a symlink" {
        use_fixture docker-docker-sock
        local sock
        sock=$(jq -r '.mounts[10].source' "$BUNDLE/config.json")
        [[ $sock == "$TESTDIR"/*/docker.sock ]] || fail "mounts[10] is not the fake docker.sock: $sock"
        refuse_create mounts.host_sensitive
        assert_refusal "mounts.host_sensitive: mounts[10].source: \`$sock\` is a container engine socket"

        # A harmless-looking name that resolves to the socket.
        ln -s "$sock" "$TESTDIR/innocent.txt"
        edit_config '.mounts[10].source = $s' --arg s "$TESTDIR/innocent.txt"
        refuse_create mounts.host_sensitive
        assert_refusal "mounts.host_sensitive: mounts[10].source: \`$TESTDIR/innocent.txt\` is a container engine socket"
}

@test "policy: -v /:/host is refused (mounts.host_sensitive), also through a symlink to / or /etc" {
        use_fixture docker-default
        ln -s / "$TESTDIR/rootlink"
        ln -s /etc "$TESTDIR/etclink"
        edit_config '.mounts += [{destination: "/host", type: "bind", source: "/", options: ["rbind", "rprivate"]},
                                 {destination: "/h2", type: "bind", source: $r, options: ["rbind", "rprivate"]},
                                 {destination: "/h3", type: "bind", source: $e, options: ["rbind", "ro"]}]' \
                --arg r "$TESTDIR/rootlink" --arg e "$TESTDIR/etclink"
        refuse_create mounts.host_sensitive
        [ "$(grep -c '' <<<"$stderr")" = 3 ] || fail "expected three refusals"
        assert_contains "$stderr" "mounts[10].source: \`/\` exposes the sensitive host path"
        assert_refusal "mounts.host_sensitive: mounts[12].source: \`$TESTDIR/etclink\` (resolved \`/etc\`) exposes the sensitive host path \`/etc\`"
        assert_contains "$stderr" "mounts[11].source: \`$TESTDIR/rootlink\` (resolved \`/\`)"
}

@test "policy: a filesystem mount of host data (a host disk, overlay, debugfs) is refused (mounts.host_sensitive)" {
        use_fixture docker-default
        # Not the host's real disk: should the policy fail, the mount fails too, and touches nothing.
        local disk=$TESTDIR/no-such-disk
        edit_config '.mounts += [{destination: "/hostdisk", type: "ext4", source: $d, options: ["ro"]},
                                 {destination: "/o", type: "overlay", source: "overlay", options: ["lowerdir=/etc"]},
                                 {destination: "/d", type: "debugfs", source: "debugfs"}]' --arg d "$disk"
        refuse_create mounts.host_sensitive
        assert_refusal "mounts.host_sensitive: mounts[10].type: filesystem \`ext4\` (source \`$disk\`) could expose host data: besides bind mounts, only proc, sysfs, tmpfs, devpts, mqueue and cgroup filesystems are allowed"
        assert_contains "$stderr" 'mounts[11].type: filesystem `overlay`'
        assert_contains "$stderr" 'mounts[12].type: filesystem `debugfs`'
}

@test "policy: docker run --pid=host is refused (namespaces.host)" {
        use_fixture docker-pid-host
        refuse_create namespaces.host
        assert_equal "$stderr" "brig: refused by policy: namespaces.host: linux.namespaces: no pid namespace: the container would share the host's"
}

@test "policy: docker run --network=host is refused (namespaces.host); another container's netns is not" {
        use_fixture docker-network-host
        # Docker names the host's netns by a path of its own: here the runtime's own netns, the host's.
        edit_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
                --arg p "/proc/$$/ns/net"
        refuse_create namespaces.host
        assert_refusal "namespaces.host: linux.namespaces[1].path: \`/proc/$$/ns/net\` is the host's network namespace"

        # The fixture's own path does not exist here: what brig cannot compare, it refuses.
        use_fixture docker-network-host
        refuse_create namespaces.host
        assert_contains "$stderr" "cannot tell whether \`/var/tmp/engine/docker/exec/netns/default\` is the host's network namespace"

        # A Kubernetes pod joins its sandbox's netns by path: allowed.
        unshare --net sleep 30 </dev/null >/dev/null 2>&1 3>&- &
        track_pid $!
        poll 5 test "$(readlink /proc/$!/ns/net)" != "$(readlink /proc/$$/ns/net)" || fail "no private netns"
        edit_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
                --arg p "/proc/$!/ns/net"
        brig check --bundle "$BUNDLE"
        assert_status 0
        grep -qE '^ok +namespaces.host|^harden +namespaces.host +linux.namespaces: no cgroup namespace' <<<"$output" ||
                fail "namespaces.host did not accept the pod's netns"
}

@test "policy: docker run --ipc=host --uts=host is refused (namespaces.host)" {
        use_fixture docker-ipc-uts-host
        refuse_create namespaces.host
        assert_refusal "namespaces.host: linux.namespaces: no ipc namespace: the container would share the host's"
        assert_refusal "namespaces.host: linux.namespaces: no uts namespace: the container would share the host's"
        [ "$(grep -c '' <<<"$stderr")" = 2 ] || fail "expected two refusals"
}

@test "policy: docker run --device /dev/sda, /dev/fuse, or a disk named /dev/null, is refused (devices.host)" {
        use_fixture docker-default
        # What docker run --device /dev/sda adds.
        edit_config '.linux.devices = [{path: "/dev/sda", type: "b", major: 8, minor: 0, fileMode: 432, uid: 0, gid: 0}]
                     | .linux.resources.devices += [{allow: true, type: "b", major: 8, minor: 0, access: "rwm"}]'
        refuse_create devices.host
        assert_refusal 'devices.host: linux.devices[0]: `/dev/sda` (b 8:0) is not an allowed device'
        assert_refusal 'devices.host: linux.resources.devices[8]: allows `rwm` on `b 8:0`, not an allowed device'

        use_fixture docker-cpus-device-oom
        refuse_create devices.host
        assert_refusal 'devices.host: linux.devices[0]: `/dev/fuse` (c 10:229) is not an allowed device'

        # brig judges a device by its numbers, not its name.
        use_fixture docker-default
        edit_config '.linux.devices = [{path: "/dev/null", type: "b", major: 8, minor: 0}]'
        refuse_create devices.host
        assert_refusal 'devices.host: linux.devices[0]: `/dev/null` (b 8:0) is not an allowed device'
}

@test "policy: seccomp=unconfined + apparmor=unconfined is refused (lsm.unconfined; restricted: seccomp.required too)" {
        use_fixture docker-seccomp-unconfined
        edit_config '.process.apparmorProfile = "unconfined"'
        # Baseline: a missing profile is hardened (brig's default), AppArmor off is refused.
        refuse_create lsm.unconfined
        assert_refusal 'lsm.unconfined: process.apparmorProfile: `unconfined` runs the container without AppArmor'

        # Restricted: a missing profile is refused as well (non-root, so user.root stays quiet;
        # Docker's default capabilities are more than restricted allows).
        edit_config '.process.user = {uid: 1000, gid: 1000}'
        brig --policy-preset restricted create --bundle "$BUNDLE" "$ID"
        assert_refused caps.allowlist lsm.unconfined seccomp.required
        assert_refusal 'seccomp.required: linux.seccomp: no seccomp profile'
        assert_host_clean "$ID"
}

@test "policy: a seccomp profile that allows everything is refused (seccomp.required)" {
        use_fixture docker-default
        edit_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getpid"], action: "SCMP_ACT_ALLOW"}]}'
        refuse_create seccomp.required
}

@test "policy: docker run --sysctl kernel.core_pattern=... is refused (sysctl.allowed), net.* is not" {
        # kernel.core_pattern is not namespaced: should the policy fail, the container would set it
        # for the whole host. The value is the host's own, so that even then nothing changes.
        local before
        before=$(cat /proc/sys/kernel/core_pattern)
        use_fixture docker-tmpfs-sysctl-ulimit
        edit_config '.linux.sysctl["kernel.core_pattern"] = $v' --arg v "$before"
        refuse_create sysctl.allowed
        assert_equal "$stderr" 'brig: refused by policy: sysctl.allowed: linux.sysctl.kernel.core_pattern: `kernel.core_pattern` is not a namespaced sysctl the policy allows'
        assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$before"
}

@test "policy: a hook from /tmp is refused (hooks.paths) and never runs; dockerd's setkey hook passes" {
        use_fixture docker-default
        printf '#!/bin/sh\ntouch %s/hook-ran\n' "$TESTDIR" >"$TESTDIR/hook.sh"
        chmod +x "$TESTDIR/hook.sh"
        # Under /tmp whatever TMPDIR says: bats' own dir may live elsewhere.
        local tmp_hook
        tmp_hook=$(mktemp /tmp/brig-e2e-hook.XXXXXX)
        cp "$TESTDIR/hook.sh" "$tmp_hook"
        edit_config '.hooks = {prestart: [{path: $h}], createRuntime: [{path: $t}]}' \
                --arg h "$tmp_hook" --arg t "$TESTDIR/hook.sh"
        brig create --bundle "$BUNDLE" "$ID"
        rm -f "$tmp_hook"
        assert_refused hooks.paths
        assert_contains "$stderr" "hooks.paths: hooks.prestart[0].path: \`$tmp_hook\`"
        assert_contains "$stderr" "hooks.paths: hooks.createRuntime[0].path: \`$TESTDIR/hook.sh\`"
        [ ! -e "$TESTDIR/hook-ran" ] || fail "a refused hook ran"
        assert_host_clean "$ID"

        # dockerd's libnetwork-setkey hook is /proc/<dockerd pid>/exe: it resolves to a binary
        # under /usr/bin (sleep stands in for dockerd).
        sleep 30 </dev/null >/dev/null 2>&1 3>&- &
        track_pid $!
        edit_config '.hooks = {prestart: [{path: $p, args: ["libnetwork-setkey", "-exec-root=/var/run/docker", "x", "y"]}]}' \
                --arg p "/proc/$!/exe"
        brig check --bundle "$BUNDLE"
        assert_status 0
        grep -qE '^ok +hooks.paths' <<<"$output" || fail "hooks.paths did not accept dockerd's setkey hook"
}

@test "policy: annotations in config.json cannot loosen the policy" {
        use_fixture docker-cap-add-all
        edit_config '.annotations = {"brig.policy": "off", "brig.policy.mode": "audit", "brig.policy.preset": "none",
                                     "io.brig.policy/caps.privileged": "off", "org.brig.policy.rules": "{}"}'
        refuse_create caps.privileged
        brig check --bundle "$BUNDLE"
        assert_status 1
}

# ---- a plain docker run: accepted and hardened ------------------------------------------------

@test "policy: the config of a plain docker run runs, hardened, as seen from inside the container" {
        use_fixture docker-default
        set_args sh -c "$STATUS_CMD"'
                touch /probe 2>/dev/null && echo root=rw || echo root=ro
                touch /tmp/probe && echo tmp=rw || echo tmp=ro
                echo "tmpmount=$(grep " /tmp " /proc/mounts)"
                echo "keys=$(wc -c </proc/keys)"
                echo "timer_list=$(wc -c </proc/timer_list)"
                if [ -e /proc/kcore ]; then echo "kcore=$(wc -c </proc/kcore)"; else echo kcore=absent; fi
                echo "firmware=$(ls /sys/firmware | wc -l)"
                unshare -U true 2>/dev/null && echo unshare=ok || echo unshare=denied
                mount -t tmpfs none /tmp 2>/dev/null && echo mount=ok || echo mount=denied'
        brig run --bundle "$BUNDLE" "$ID"
        assert_status 0
        # caps.allowlist: NET_RAW and MKNOD are gone, the rest of Docker's defaults stay.
        assert_equal "$(status_field CapBnd)" "$DOCKER_CAPS_HARDENED"
        assert_equal "$(status_field CapEff)" "$DOCKER_CAPS_HARDENED"
        (( (0x$(status_field CapBnd) & (1 << 13 | 1 << 27)) == 0 )) || fail "NET_RAW or MKNOD survived"
        assert_equal "$(status_field NoNewPrivs)" 1
        # Docker's profile from the config, plus brig's floor.
        assert_equal "$(status_field Seccomp)" 2
        assert_equal "$(status_field Seccomp_filters)" 2
        # rootfs.readonly, with a writable (noexec) tmpfs at /tmp.
        assert_equal "$(probe root)" ro
        assert_equal "$(probe tmp)" rw
        [[ $(probe tmpmount) == "tmpfs /tmp tmpfs rw,nosuid,nodev,noexec"* ]] || fail "/tmp is not brig's tmpfs: $(probe tmpmount)"
        # paths.masked: the host's files have content, the container's copies none.
        [ "$(wc -c </proc/keys)" -gt 0 ] && assert_equal "$(probe keys)" 0
        [ "$(wc -c </proc/timer_list)" -gt 0 ] && assert_equal "$(probe timer_list)" 0
        if [ -e /proc/kcore ]; then assert_equal "$(probe kcore)" 0; fi
        assert_equal "$(probe firmware)" 0
        # seccomp.floor and the missing CAP_SYS_ADMIN.
        assert_equal "$(probe unshare)" denied
        assert_equal "$(probe mount)" denied
        assert_host_clean "$ID"
}

@test "policy: the seccomp floor holds whatever the config's own profile allows" {
        use_fixture docker-default
        # A profile that blocks only acct: unshare is the config's to allow.
        edit_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["acct"], action: "SCMP_ACT_ERRNO"}]}'
        set_args sh -c "$STATUS_CMD"'; unshare -U true 2>/dev/null && echo unshare=ok || echo unshare=denied'
        brig run --bundle "$BUNDLE" "$ID"
        assert_status 0
        assert_equal "$(status_field Seccomp_filters)" 2
        assert_equal "$(probe unshare)" denied

        # The control: without the floor, the same container may create a user namespace.
        policy_edit '.rules["seccomp.floor"].action = "off"'
        brig run --bundle "$BUNDLE" "$ID"
        assert_status 0
        assert_equal "$(status_field Seccomp_filters)" 1
        assert_equal "$(probe unshare)" ok
}

@test "policy: a config without seccomp gets brig's default profile" {
        use_fixture docker-seccomp-unconfined
        set_args sh -c "$STATUS_CMD"
        brig run --bundle "$BUNDLE" "$ID"
        assert_status 0
        assert_equal "$(status_field Seccomp)" 2
        # brig's default profile and the floor.
        assert_equal "$(status_field Seccomp_filters)" 2
        assert_host_clean "$ID"
}

# ---- audit mode and the audit log -------------------------------------------------------------

@test "policy: audit mode runs a privileged config, hardened, and logs every would-be refusal" {
        policy_edit '.mode = "audit"'
        use_fixture docker-privileged
        set_args sh -c "$STATUS_CMD"
        brig run --bundle "$BUNDLE" "$ID"
        assert_status 0
        # Hardening still applies: the privileged capabilities are gone.
        assert_equal "$(status_field CapBnd)" "$DOCKER_CAPS_HARDENED"
        assert_equal "$(status_field NoNewPrivs)" 1
        [ "$(grep -c '' "$TESTDIR/audit.jsonl")" = 1 ] || fail "expected one audit line"
        jq -e --arg id "$ID" '.id == $id and .mode == "audit" and .verdict == "run" and .refused > 0
                              and ([.decisions[] | select(.verdict == "refuse") | .rule] | unique
                                   == ["caps.privileged", "devices.host"])
                              and (.decisions | any(.path == "process.capabilities.bounding[21]"
                                                    and .message == "CAP_SYS_ADMIN is privileged"))' \
                "$TESTDIR/audit.jsonl" >/dev/null || fail "bad audit line: $(cat "$TESTDIR/audit.jsonl")"
        assert_host_clean "$ID"
}

@test "policy: every create appends one JSON line to the audit log, refused ones and concurrent ones too" {
        # Refused creates are audited too; concurrent ones never interleave (each line is ~30 kB).
        use_fixture docker-privileged
        local i pids=() ids=()
        for i in 1 2 3 4 5 6; do
                ids+=("$(new_id "r$i")")
                "$BRIG" "${GLOBAL[@]}" create --bundle "$BUNDLE" "${ids[-1]}" </dev/null >/dev/null 2>&1 3>&- &
                pids+=($!)
        done
        for i in "${pids[@]}"; do
                wait "$i" && fail "a privileged create succeeded"
        done
        for i in "${ids[@]}"; do
                assert_host_clean "$i"
        done
        [ "$(grep -c '' "$TESTDIR/audit.jsonl")" = 6 ] || fail "expected six audit lines"
        [ "$(stat -c %a "$TESTDIR/audit.jsonl")" = 600 ] || fail "the audit log is not mode 0600"
        jq -e -s --arg b "$BUNDLE" '[.[] | select(.verdict == "refuse" and .refused == 146 and .bundle == $b)] | length == 6' \
                "$TESTDIR/audit.jsonl" >/dev/null || fail "the refused creates' lines are missing or torn"

        use_fixture docker-default
        create_container "$ID"
        local id2
        id2=$(new_id b)
        use_cgroup "$id2"
        create_container "$id2"
        [ "$(grep -c '' "$TESTDIR/audit.jsonl")" = 8 ] || fail "expected two more audit lines"
        audit_line "$ID" | jq -e --arg b "$BUNDLE" '.bundle == $b and .verdict == "run" and .mode == "enforce" and .preset == "baseline"
                 and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))
                 and (.decisions | length > 0 and all(.verdict != "ok"))
                 and (.decisions | any(.rule == "caps.allowlist" and .verdict == "harden"
                                       and .path == "process.capabilities.bounding[5]"))
                 and (.hardening | index("nnp.force") and index("rootfs.readonly") and index("seccomp.floor"))' \
                >/dev/null || fail "bad audit line: $(audit_line "$ID")"
        audit_line "$id2" | jq -e '.verdict == "run"' >/dev/null || fail "no audit line for $id2"
}

# ---- brig check and brig policy show ----------------------------------------------------------

@test "policy: brig check prints stable text and JSON, exits 0 to run and 1 to refuse, creates nothing" {
        local fixture want
        # docker-default would run, docker-pid-host would be refused.
        for fixture in docker-default:0 docker-pid-host:1; do
                want=${fixture#*:}
                fixture=${fixture%:*}
                use_fixture "$fixture"
                brig check --bundle "$BUNDLE"
                assert_status "$want"
                golden "$fixture.txt"
                brig check --bundle "$BUNDLE" --format json
                assert_status "$want"
                golden "$fixture.json"
                jq -e . <<<"$output" >/dev/null || fail "not JSON"
        done
        # --policy given to check itself, and its preset.
        brig check --bundle "$BUNDLE" --policy "$TESTDIR/policy.json" --policy-preset restricted
        assert_status 1
        assert_contains "$output" "refuse  user.root"
        [ ! -e "$ROOT" ] || [ -z "$(ls -A "$ROOT")" ] || fail "check created state under $ROOT"
        [ ! -e "$TESTDIR/audit.jsonl" ] || fail "check wrote the audit log"
}

@test "policy: brig policy show round-trips through --policy, for both presets" {
        local preset
        for preset in baseline restricted; do
                "$BRIG" --policy "$TESTDIR/policy.json" --policy-preset "$preset" policy show >"$TESTDIR/show1.json"
                "$BRIG" --policy "$TESTDIR/show1.json" policy show >"$TESTDIR/show2.json"
                cmp "$TESTDIR/show1.json" "$TESTDIR/show2.json" || fail "policy show ($preset) does not round-trip"
                jq -e --arg p "$preset" --arg log "$TESTDIR/audit.jsonl" '.preset == $p and .auditLog == $log' \
                        "$TESTDIR/show1.json" >/dev/null || fail "policy show lost the preset or the audit log"
        done
        # restricted allows NET_BIND_SERVICE only and refuses root.
        jq -e '.rules["caps.allowlist"].capabilities == ["CAP_NET_BIND_SERVICE"] and .rules["user.root"].action == "refuse"' \
                "$TESTDIR/show1.json" >/dev/null || fail "restricted preset: $(cat "$TESTDIR/show1.json")"
}

@test "policy: a policy file with an unknown key, rule or value is an error naming it" {
        use_fixture docker-default
        policy_edit '.rules["caps.privileged"].capabilites = ["CAP_SYS_ADMIN"]'
        brig create --bundle "$BUNDLE" "$ID"
        assert_error "policy.json: rules.caps.privileged.capabilites: unknown key"
        assert_host_clean "$ID"
        brig check --bundle "$BUNDLE"
        assert_error "rules.caps.privileged.capabilites: unknown key"
        brig policy show
        assert_error "rules.caps.privileged.capabilites: unknown key"

        jq -n '{modee: "audit"}' >"$TESTDIR/policy.json"
        brig create --bundle "$BUNDLE" "$ID"
        assert_error "policy.json: modee: unknown key"
        jq -n '{rules: {"caps.privilegd": {action: "off"}}}' >"$TESTDIR/policy.json"
        brig create --bundle "$BUNDLE" "$ID"
        assert_error "rules.caps.privilegd: unknown rule"
        jq -n '{mode: "permissive"}' >"$TESTDIR/policy.json"
        brig create --bundle "$BUNDLE" "$ID"
        assert_error "mode"
        assert_contains "$stderr" "permissive"
        assert_host_clean "$ID"
}

# ---- the restricted preset --------------------------------------------------------------------

@test "policy: --policy-preset restricted refuses root and runs non-root with only NET_BIND_SERVICE" {
        use_fixture docker-default
        brig --policy-preset restricted create --bundle "$BUNDLE" "$ID"
        assert_refused caps.allowlist user.root
        assert_refusal "user.root: process.user.uid: uid 0 without a user namespace is root on the host"
        assert_host_clean "$ID"

        use_fixture docker-user-nobody
        edit_config '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}' \
                --argjson c '["CAP_NET_BIND_SERVICE"]'
        set_args sh -c "$STATUS_CMD; id -u"
        brig --policy-preset restricted run --bundle "$BUNDLE" "$ID"
        assert_status 0
        assert_equal "$(status_field CapBnd)" 0000000000000400
        assert_equal "$(status_field NoNewPrivs)" 1
        assert_equal "$(status_field Seccomp_filters)" 2
        assert_equal "${lines[-1]}" 65534
        assert_host_clean "$ID"
}

# ---- exec -------------------------------------------------------------------------------------

@test "policy: exec of a privileged process into an accepted container is refused" {
        use_fixture docker-default
        set_args sleep 30
        create_container "$ID"
        brig start "$ID"
        assert_status 0
        jq '.process | .args = ["true"] | .capabilities |= map_values(. + ["CAP_SYS_ADMIN"])' \
                "$BUNDLE/config.json" >"$TESTDIR/process.json"
        brig exec --process "$TESTDIR/process.json" "$ID"
        assert_refused caps.privileged
        assert_refusal "caps.privileged: process.capabilities.bounding[14]: CAP_SYS_ADMIN is privileged"
        brig exec "$ID" true
        assert_status 0
}
