/* SPDX-License-Identifier: Apache-2.0 */
/* linux.sysctl: written through /proc/sys in the container's namespaces, before pivot_root. */
#ifndef BRIG_SYSCTL_H
#define BRIG_SYSCTL_H

#include "brig/error.h"
#include "brig/spec.h"

int sysctl_apply(const struct spec_linux *linux_cfg, brig_error **err);

#endif
