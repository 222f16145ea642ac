# Sum the CPU time of one command's samples by what it was doing, from
#   perf script -F comm,period,ip,sym,dso        (perf record -g, cpu-clock: periods are ns)
# Variables: comm (the process name to count), runs (how many runs were recorded, to print ms per run).
# A sample goes to the first category whose pattern matches any frame of its call chain, in the order below.
BEGIN {
        n = split("seccomp (libseccomp compile + filter load)|libseccomp|do_seccomp|prctl_set_seccomp;" \
                  "cgroup attach (cgroup.procs writes)|cgroup_procs_write|cgroup_attach|cgroup1_procs_write;" \
                  "cgroup mkdir/rmdir|cgroup_mkdir|cgroup_rmdir|cgroup_destroy_locked|kernfs_iop_mkdir|kernfs_iop_rmdir;" \
                  "network namespace setup|copy_net_ns|setup_net;" \
                  "mounts (fsopen/fsmount/move_mount/mount/pivot_root/umount)|__x64_sys_mount|fsconfig|fsmount|move_mount|open_tree|mount_setattr|pivot_root|x64_sys_umount|fsopen|path_mount;" \
                  "other namespaces (clone/unshare/setns)|copy_namespaces|create_new_namespaces|unshare_nsproxy|setns;" \
                  "process exit and teardown|do_exit|do_group_exit|exit_mmap;" \
                  "fork/clone|copy_process|kernel_clone;" \
                  "execve and dynamic loading|ld-linux|bprm|execve|load_elf;" \
                  "cgroup and /proc file reads/writes|kernfs_fop_write|kernfs_fop_read|seq_read;" \
                  "page faults|exc_page_fault;" \
                  "JSON parsing (cJSON)|libcjson;" \
                  "other file syscalls (state dir, rootfs, /dev)|openat|do_filp_open|mkdirat|unlinkat|renameat|mknodat|symlinkat|newfstatat|statx|readlink|chmod|fchown|rmdir;" \
                  "other kernel|\\[kernel", spec, ";")
        for (i = 1; i <= n; i++) {
                k = index(spec[i], "|")
                name[i] = substr(spec[i], 1, k - 1)
                pattern[i] = substr(spec[i], k + 1)
        }
        name[n + 1] = "user space: the runtime, libc and other libraries"
}

function account(    i) {
        if (!inside)
                return
        for (i = 1; i <= n; i++)
                if (chain ~ pattern[i])
                        break
        sum[i] += period
        total += period
}

/^[^ \t]/ { account(); inside = ($1 == comm); period = $2; chain = ""; next }
/^[ \t]+[0-9a-f]+ / { if (inside) chain = chain " " $0 }

END {
        account()
        if (total == 0) {
                print "no samples of `" comm "`"
                exit 1
        }
        for (i = 1; i <= n + 1; i++)
                if (sum[i] > 0)
                        printf "%8.2f ms %6.1f%%  %s\n", sum[i] / 1e6 / runs, 100 * sum[i] / total, name[i] | "sort -rn"
        close("sort -rn")
        printf "%8.2f ms         CPU of `%s` per run (all its processes)\n", total / 1e6 / runs, comm
}
