/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/sysctl.h"
#include "brig/util.h"

int sysctl_apply(const struct spec_linux *linux_cfg, brig_error **err)
{
        for (size_t i = 0; linux_cfg != NULL && i < linux_cfg->n_sysctl; i++) {
                const struct spec_key_value *kv = &linux_cfg->sysctl[i];
                _cleanup_free_ char *path = NULL;

                /* A key is a dotted name, never a path: "../" would escape /proc/sys. */
                if (strchr(kv->key, '/') != NULL || strstr(kv->key, "..") != NULL)
                        return brig_err(err, "config.json: linux.sysctl: invalid key `%s`", kv->key);
                path = xasprintf("/proc/sys/%s", kv->key);
                for (char *p = path + strlen("/proc/sys/"); *p != '\0'; p++)
                        if (*p == '.')
                                *p = '/';
                if (write_file_at(AT_FDCWD, path, kv->value, strlen(kv->value), 0, err) < 0)
                        return brig_error_wrap(err, "config.json: linux.sysctl: `%s`", kv->key);
        }
        return 0;
}
