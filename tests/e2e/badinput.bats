#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Bad input: each is refused with one `brig: ` line naming what is wrong, and leaves nothing behind.

load helpers

setup_file() { e2e_suite_setup; }
setup() { e2e_setup; }
teardown() { e2e_teardown; }

# The index the next entry appended to the config array at JQ_PATH will have.
next_index() {
        jq "$1 | length" "$BUNDLE/config.json"
}

@test "malformed JSON is refused naming config.json" {
        printf '{"ociVersion": "1.0.2", "process": ' >"$BUNDLE/config.json"
        refused_config config.json
}

@test "process.args given as a string is refused naming process.args" {
        edit_config '.process.args = "sh"'
        refused_config process.args
}

@test "a missing rootfs is refused naming root.path" {
        rm -rf --one-file-system "$BUNDLE/rootfs"
        refused_config root.path
}

@test "an unknown namespace type is refused naming linux.namespaces[N].type" {
        local n
        n=$(next_index .linux.namespaces)
        edit_config '.linux.namespaces += [{type: "bogus"}]'
        refused_config "linux.namespaces[$n].type"
}

@test "a relative mount destination is refused naming mounts[N].destination" {
        brig_only # runc resolves relative destinations against /
        local n
        n=$(next_index .mounts)
        edit_config '.mounts += [{destination: "relative/dir", type: "tmpfs", source: "tmpfs"}]'
        refused_config "mounts[$n].destination"
}

@test "a mount destination with .. is refused naming mounts[N].destination" {
        brig_only # runc resolves .. inside the rootfs
        local n
        n=$(next_index .mounts)
        edit_config '.mounts += [{destination: "/tmp/../../etc", type: "tmpfs", source: "tmpfs"}]'
        refused_config "mounts[$n].destination"
}

@test "run refuses a bad config the same way as create" {
        edit_config '.process.args = "sh"'
        brig run --bundle "$BUNDLE" "$ID"
        assert_error process.args
        assert_host_clean "$ID"
}

@test "a missing bundle directory is refused" {
        brig create --bundle "$TESTDIR/no-such-bundle" "$ID"
        assert_error ""
        assert_host_clean "$ID"
}

@test "an unknown subcommand is refused" {
        brig frobnicate
        assert_error frobnicate
}

@test "subcommands that take an id refuse to run without one" {
        local cmd
        for cmd in create start state kill delete; do
                brig "$cmd"
                assert_error ""
        done
        [ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "state was written: $(ls -A "$ROOT")"
}

@test "ids that are paths are refused and touch nothing outside --root" {
        local id
        for id in a/b .. . "../escape-$ID"; do
                brig create --bundle "$BUNDLE" "$id"
                assert_error ""
        done
        [ ! -e "$TESTDIR/escape-$ID" ] || fail "create wrote outside --root"
        [ -z "$(find "$ROOT" -mindepth 1 2>/dev/null)" ] || fail "state was written: $(find "$ROOT" -mindepth 1)"

        # delete and kill must not follow a path-like id out of --root either.
        mkdir -p "$TESTDIR/victim"
        brig delete --force ../victim
        assert_error ""
        brig kill ../victim KILL
        assert_error ""
        [ -d "$TESTDIR/victim" ] || fail "delete removed a directory outside --root"
        assert_host_clean "$ID"
}

@test "ids outside [A-Za-z0-9][A-Za-z0-9_+.-]* are refused" {
        brig_only # runc accepts some of these
        local id
        for id in "" .hidden _x -x "a b" "a:b" "a*" "$(printf 'a\nb')"; do
                brig create --bundle "$BUNDLE" "$id"
                assert_error ""
        done
        [ -z "$(find "$ROOT" -mindepth 1 2>/dev/null)" ] || fail "state was written: $(find "$ROOT" -mindepth 1)"
}

@test "state, start, kill and delete of an unknown id say it does not exist" {
        local cmd
        for cmd in state start kill delete; do
                brig "$cmd" "$ID"
                assert_error "does not exist"
        done
}

@test "a privileged capability is refused by the policy and the refusal is audited" {
        brig_only
        edit_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
        brig create --bundle "$BUNDLE" --pid-file "$TESTDIR/pidfile" "$ID"
        assert_status 1
        # One line per violation: the cap is refused in each of the three sets that name it.
        [ "$(grep -c '' <<<"$stderr")" = 3 ] || fail "expected 3 violations, got: $stderr"
        while IFS= read -r line; do
                [[ $line == "brig: refused by policy: caps.privileged: process.capabilities."*"CAP_SYS_ADMIN is privileged" ]] ||
                        fail "unexpected line: $line"
        done <<<"$stderr"
        [ ! -e "$TESTDIR/pidfile" ] || fail "a refused create wrote its pid file"
        assert_host_clean "$ID"
        tail -n 1 "$TESTDIR/audit.jsonl" | jq -e --arg id "$ID" '.id == $id and .verdict == "refuse"' >/dev/null ||
                fail "no refusal for $ID in the audit log: $(tail -n 1 "$TESTDIR/audit.jsonl" 2>&1)"
}

@test "joining the host's network namespace is refused by the policy" {
        brig_only
        # This shell runs in the host's network namespace.
        edit_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
                --arg p "/proc/$$/ns/net"
        refused_config "linux.namespaces[1]"
}
