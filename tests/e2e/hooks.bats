#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# OCI lifecycle hooks: each of the six runs at its point of the lifecycle, in order, with the
# container's state on stdin; a failing hook before start fails the create and leaves nothing behind.

load helpers

setup_file() { e2e_suite_setup; }
setup() {
        e2e_setup
        brig_only
        HOOK=${BRIG_HOOKS:-$(dirname "$BRIG")/hooks}/brig-audit-hook
        [ -x "$HOOK" ] || skip "brig-audit-hook not built next to brig"
        # The shipped hook lives in the build tree here: allow its directory.
        jq --arg d "$(dirname "$HOOK")" '.rules["hooks.paths"].prefixes = [$d, "/usr/bin"]' \
                "$TESTDIR/policy.json" >"$TESTDIR/policy.json.new"
        mv "$TESTDIR/policy.json.new" "$TESTDIR/policy.json"
}
teardown() { e2e_teardown; }

# audit_hook PHASE: a hook entry running brig-audit-hook, logging to $TESTDIR/hooks.jsonl.
audit_hook() {
        jq -n --arg p "$HOOK" --arg phase "$1" --arg log "$TESTDIR/hooks.jsonl" \
                '{path: $p, args: ["brig-audit-hook", $phase, "--log", $log]}'
}

@test "hooks: all six run in lifecycle order, each with the state it should see" {
        local shared
        shared=$(share_dir)
        edit_config '.hooks = {prestart: [$pre], createRuntime: [$cr], poststart: [$ps], poststop: [$pst],
                               createContainer: [{path: "/bin/sh", args: ["sh", "-c", "cat > \($dir)/create-container.json"]}],
                               startContainer: [{path: "/bin/sh", args: ["sh", "-c", "cat > /shared/start-container.json"]}]}' \
                --argjson pre "$(audit_hook prestart)" --argjson cr "$(audit_hook createRuntime)" \
                --argjson ps "$(audit_hook poststart)" --argjson pst "$(audit_hook poststop)" --arg dir "$TESTDIR"
        set_args sh -c 'echo workload >> /shared/order'
        create_container "$ID"
        assert_equal "$(jq -r .hook "$TESTDIR/hooks.jsonl" | paste -sd,)" prestart,createRuntime
        assert_equal "$(jq -r .status "$TESTDIR/hooks.jsonl" | paste -sd,)" creating,creating
        assert_equal "$(jq -r .pid "$TESTDIR/hooks.jsonl" | sort -u)" "$pid"
        assert_equal "$(jq -r .id "$TESTDIR/create-container.json")" "$ID"
        [ ! -e "$shared/start-container.json" ] || fail "startContainer ran before start"

        brig start "$ID"
        assert_status 0
        wait_for_file "$shared/order"
        assert_equal "$(jq -r .id "$shared/start-container.json")" "$ID"
        assert_equal "$(jq -r '.hook + ":" + .status' "$TESTDIR/hooks.jsonl" | sed -n 3p)" poststart:running

        wait_for_status "$ID" stopped
        brig delete "$ID"
        assert_status 0
        assert_equal "$(jq -r '.hook + ":" + .status' "$TESTDIR/hooks.jsonl" | sed -n 4p)" poststop:stopped
        assert_host_clean "$ID"
}

@test "hooks: a failing prestart hook fails the create, names the hook, and leaves nothing behind" {
        edit_config '.hooks.prestart = [{path: "/usr/bin/false"}]'
        refused_config 'prestart hook #1'
}

@test "hooks: a failing poststop hook is only a warning" {
        edit_config '.hooks.poststop = [{path: "/usr/bin/false"}]'
        set_args true
        create_container "$ID"
        brig delete "$ID"
        assert_status 0
        assert_contains "$stderr" "poststop"
        assert_host_clean "$ID"
}

@test "hooks: a config.json changed after create cannot add hooks the policy never judged" {
        set_args true
        create_container "$ID"
        edit_config '.hooks.poststop = [{path: "/bin/sh", args: ["sh", "-c", "touch \($f)"]}]' \
                --arg f "$TESTDIR/swapped-hook-ran"
        brig delete "$ID"
        assert_status 0
        [ ! -e "$TESTDIR/swapped-hook-ran" ] || fail "delete ran a hook added to the bundle after create"
        assert_host_clean "$ID"
}
