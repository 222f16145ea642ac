/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime-spec "features" document: what this build of brig really supports. */
#include <cjson/cJSON.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/capability.h>
#include <unistd.h>

#include "cli.h"

static const char *const hooks[] = { "prestart", "createRuntime", "createContainer", "startContainer",
                                     "poststart", "poststop", NULL };
static const char *const mount_options[] = {
        "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "idmap", "lazytime",
        "mand", "noatime", "nodev", "nodiratime", "noexec", "nolazytime", "nomand", "norelatime",
        "nostrictatime", "nosuid", "private", "ratime", "rbind", "relatime", "remount", "ridmap", "ro",
        "rprivate", "rshared", "rslave", "runbindable", "rw", "shared", "slave", "strictatime", "suid",
        "sync", "unbindable", NULL
};
static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL };
static const char *const seccomp_actions[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
                                               "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
                                               "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP", NULL };
static const char *const seccomp_operators[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                                                 "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL };
static const char *const seccomp_archs[] = { "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
                                             "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL };
static const char *const seccomp_flags[] = { "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                             "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };

static cJSON *string_array(const char *const *v)
{
        cJSON *a = cJSON_CreateArray();

        for (size_t i = 0; v[i] != NULL; i++)
                cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
        return a;
}

static cJSON *capabilities(void)
{
        cJSON *a = cJSON_CreateArray();

        for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
                char *name = cap_to_name(c);
                char upper[64];
                size_t i;

                for (i = 0; name[i] != '\0' && i < sizeof(upper) - 1; i++)
                        upper[i] = (char) (name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
                upper[i] = '\0';
                cJSON_AddItemToArray(a, cJSON_CreateString(upper));
                cap_free(name);
        }
        return a;
}

static cJSON *linux_features(void)
{
        cJSON *l = cJSON_CreateObject(), *cg = cJSON_CreateObject(), *sc = cJSON_CreateObject();
        cJSON *apparmor = cJSON_CreateObject(), *selinux = cJSON_CreateObject(), *idmap = cJSON_CreateObject();
        cJSON *ext = cJSON_CreateObject(), *rdt = cJSON_CreateObject();

        cJSON_AddItemToObject(l, "namespaces", string_array(namespaces));
        cJSON_AddItemToObject(l, "capabilities", capabilities());
        cJSON_AddBoolToObject(cg, "v1", 1);
        cJSON_AddBoolToObject(cg, "v2", 1);
        cJSON_AddBoolToObject(cg, "systemd", 0);
        cJSON_AddBoolToObject(cg, "systemdUser", 0);
        cJSON_AddBoolToObject(cg, "rdma", 0);
        cJSON_AddItemToObject(l, "cgroup", cg);
        cJSON_AddBoolToObject(sc, "enabled", 1);
        cJSON_AddItemToObject(sc, "actions", string_array(seccomp_actions));
        cJSON_AddItemToObject(sc, "operators", string_array(seccomp_operators));
        cJSON_AddItemToObject(sc, "archs", string_array(seccomp_archs));
        cJSON_AddItemToObject(sc, "knownFlags", string_array(seccomp_flags));
        cJSON_AddItemToObject(sc, "supportedFlags", string_array(seccomp_flags));
        cJSON_AddItemToObject(l, "seccomp", sc);
        cJSON_AddBoolToObject(apparmor, "enabled", access("/sys/kernel/security/apparmor", F_OK) == 0);
        cJSON_AddItemToObject(l, "apparmor", apparmor);
        cJSON_AddBoolToObject(selinux, "enabled", access("/sys/fs/selinux/enforce", F_OK) == 0);
        cJSON_AddItemToObject(l, "selinux", selinux);
        cJSON_AddBoolToObject(rdt, "enabled", 0);
        cJSON_AddItemToObject(l, "intelRdt", rdt);
        cJSON_AddBoolToObject(idmap, "enabled", 1);
        cJSON_AddItemToObject(ext, "idmap", idmap);
        cJSON_AddItemToObject(l, "mountExtensions", ext);
        return l;
}

int cmd_features(const struct runtime_options *rt, int argc, char **argv, brig_error **err)
{
        cJSON *f = cJSON_CreateObject();
        char *out;

        cJSON_AddStringToObject(f, "ociVersionMin", "1.0.0");
        cJSON_AddStringToObject(f, "ociVersionMax", "1.2.0");
        cJSON_AddItemToObject(f, "hooks", string_array(hooks));
        cJSON_AddItemToObject(f, "mountOptions", string_array(mount_options));
        cJSON_AddItemToObject(f, "linux", linux_features());
        out = cJSON_Print(f);
        printf("%s\n", out);
        cJSON_free(out);
        cJSON_Delete(f);
        return 0;
}
