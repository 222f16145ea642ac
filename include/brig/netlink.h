/* SPDX-License-Identifier: Apache-2.0 */
/* rtnetlink (libmnl) for the container's network namespace. */
#ifndef BRIG_NETLINK_H
#define BRIG_NETLINK_H

#include "brig/error.h"

/* Bring the loopback interface up in the calling process's network namespace. */
int netlink_loopback_up(brig_error **err);

#endif
