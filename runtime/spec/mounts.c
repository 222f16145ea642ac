/* SPDX-License-Identifier: Apache-2.0 */
/* `mounts`: destinations checked, options decoded into mount(2) flags, propagation and fs data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "spec-internal.h"

enum option_effect {
        OPT_SET,         /* flags |= flag */
        OPT_CLEAR,       /* clear_flags |= flag */
        OPT_BIND,        /* bind mount; flag carries MS_REC for rbind */
        OPT_PROPAGATION, /* propagation = value */
        OPT_IDMAP,       /* idmapped mount */
};

struct mount_option {
        const char *name;
        enum option_effect effect;
        unsigned long flag;
        enum spec_propagation propagation;
        bool recursive;
};

static const struct mount_option mount_options[] = {
        { "ro", OPT_SET, MS_RDONLY, 0, false },
        { "rw", OPT_CLEAR, MS_RDONLY, 0, false },
        { "nosuid", OPT_SET, MS_NOSUID, 0, false },
        { "suid", OPT_CLEAR, MS_NOSUID, 0, false },
        { "nodev", OPT_SET, MS_NODEV, 0, false },
        { "dev", OPT_CLEAR, MS_NODEV, 0, false },
        { "noexec", OPT_SET, MS_NOEXEC, 0, false },
        { "exec", OPT_CLEAR, MS_NOEXEC, 0, false },
        { "sync", OPT_SET, MS_SYNCHRONOUS, 0, false },
        { "async", OPT_CLEAR, MS_SYNCHRONOUS, 0, false },
        { "dirsync", OPT_SET, MS_DIRSYNC, 0, false },
        { "remount", OPT_SET, MS_REMOUNT, 0, false },
        { "mand", OPT_SET, MS_MANDLOCK, 0, false },
        { "nomand", OPT_CLEAR, MS_MANDLOCK, 0, false },
        { "atime", OPT_CLEAR, MS_NOATIME, 0, false },
        { "noatime", OPT_SET, MS_NOATIME, 0, false },
        { "diratime", OPT_CLEAR, MS_NODIRATIME, 0, false },
        { "nodiratime", OPT_SET, MS_NODIRATIME, 0, false },
        { "relatime", OPT_SET, MS_RELATIME, 0, false },
        { "norelatime", OPT_CLEAR, MS_RELATIME, 0, false },
        { "strictatime", OPT_SET, MS_STRICTATIME, 0, false },
        { "nostrictatime", OPT_CLEAR, MS_STRICTATIME, 0, false },
        { "lazytime", OPT_SET, MS_LAZYTIME, 0, false },
        { "bind", OPT_BIND, MS_BIND, 0, false },
        { "rbind", OPT_BIND, MS_BIND | MS_REC, 0, true },
        { "private", OPT_PROPAGATION, 0, SPEC_PROPAGATION_PRIVATE, false },
        { "rprivate", OPT_PROPAGATION, 0, SPEC_PROPAGATION_RPRIVATE, false },
        { "shared", OPT_PROPAGATION, 0, SPEC_PROPAGATION_SHARED, false },
        { "rshared", OPT_PROPAGATION, 0, SPEC_PROPAGATION_RSHARED, false },
        { "slave", OPT_PROPAGATION, 0, SPEC_PROPAGATION_SLAVE, false },
        { "rslave", OPT_PROPAGATION, 0, SPEC_PROPAGATION_RSLAVE, false },
        { "unbindable", OPT_PROPAGATION, 0, SPEC_PROPAGATION_UNBINDABLE, false },
        { "runbindable", OPT_PROPAGATION, 0, SPEC_PROPAGATION_RUNBINDABLE, false },
        { "idmap", OPT_IDMAP, 0, 0, false },
        { "ridmap", OPT_IDMAP, 0, 0, true },
};

enum spec_propagation spec_propagation_from_name(const char *name)
{
        for (size_t i = 0; i < ARRAY_SIZE(mount_options); i++)
                if (mount_options[i].effect == OPT_PROPAGATION && strcmp(mount_options[i].name, name) == 0)
                        return mount_options[i].propagation;
        return SPEC_PROPAGATION_NONE;
}

static const struct mount_option *mount_option_find(const char *name)
{
        for (size_t i = 0; i < ARRAY_SIZE(mount_options); i++)
                if (strcmp(mount_options[i].name, name) == 0)
                        return &mount_options[i];
        return NULL;
}

/* Later options win over earlier ones, as with mount(8): "ro,rw" is read-write. */
static void apply_mount_option(struct spec_mount *m, const struct mount_option *o)
{
        switch (o->effect) {
        case OPT_SET:
                m->flags |= o->flag;
                m->clear_flags &= ~o->flag;
                break;
        case OPT_CLEAR:
                m->clear_flags |= o->flag;
                m->flags &= ~o->flag;
                break;
        case OPT_BIND:
                m->flags |= o->flag;
                m->bind = true;
                m->recursive = m->recursive || o->recursive;
                break;
        case OPT_PROPAGATION:
                m->propagation = o->propagation;
                break;
        case OPT_IDMAP:
                m->idmap = true;
                m->idmap_recursive = m->idmap_recursive || o->recursive;
                break;
        }
}

static void decode_mount_options(struct spec_mount *m)
{
        char *data = NULL;
        size_t data_len = 0;
        FILE *out = open_memstream(&data, &data_len);

        if (out == NULL)
                abort();
        for (size_t i = 0; m->options != NULL && m->options[i] != NULL; i++) {
                const struct mount_option *o = mount_option_find(m->options[i]);

                if (o != NULL)
                        apply_mount_option(m, o);
                else
                        fprintf(out, "%s%s", data_len > 0 ? "," : "", m->options[i]);
                fflush(out);
        }
        if (fclose(out) != 0)
                abort();
        if (data_len == 0) {
                free(data);
                data = NULL;
        }
        m->data = data;
        if (streq_ptr(m->type, "bind")) {
                m->bind = true;
                m->flags |= MS_BIND;
        }
}

static int parse_mount(const cJSON *node, const struct jpath *at, void *elem, brig_error **err)
{
        struct spec_mount *m = elem;
        struct jpath dest_at = JPATH_KEY(at, "destination");
        const cJSON *dest = NULL;

        if (json_require(node, "destination", at, &dest, err) < 0 ||
            json_as_clean_abs_path(dest, &dest_at, &m->destination, err) < 0 ||
            json_opt_string(node, "type", at, &m->type, err) < 0 ||
            json_opt_string(node, "source", at, &m->source, err) < 0 ||
            json_opt_strv(node, "options", at, &m->options, err) < 0 ||
            spec_id_mappings_parse(node, "uidMappings", at, &m->uid_mappings, &m->n_uid_mappings, err) < 0 ||
            spec_id_mappings_parse(node, "gidMappings", at, &m->gid_mappings, &m->n_gid_mappings, err) < 0)
                return -1;
        decode_mount_options(m);
        return 0;
}

int spec_mounts_parse(const cJSON *root, const struct jpath *at, struct brig_spec *spec, brig_error **err)
{
        return json_opt_array_of(root, "mounts", at, sizeof(*spec->mounts), parse_mount, &spec->mounts,
                                 &spec->n_mounts, err);
}

void spec_mounts_free(struct spec_mount *m, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(m[i].destination);
                free(m[i].type);
                free(m[i].source);
                strv_free(m[i].options);
                free(m[i].data);
                free(m[i].uid_mappings);
                free(m[i].gid_mappings);
        }
        free(m);
}
