/* SPDX-License-Identifier: Apache-2.0 */
/* process.capabilities with libcap. */
#ifndef BRIG_CAPS_H
#define BRIG_CAPS_H

#include "brig/error.h"
#include "brig/spec.h"

/* Names are validated by the spec parser (libcap's cap_from_name); unknown ones never get here. */

/* Trim the bounding set to c->bounding (every cap up to /proc/sys/kernel/cap_last_cap). NULL c: drop all. */
int caps_drop_bounding(const struct spec_capabilities *c, brig_error **err);
/* Set effective, permitted, inheritable, then ambient, exactly as c says (after the uid switch). */
int caps_apply(const struct spec_capabilities *c, brig_error **err);

#endif
