/* SPDX-License-Identifier: Apache-2.0 */
/*
 * devices.host: linux.devices and the device cgroup may only open the harmless character
 * devices (null, zero, full, random, urandom, tty, console, ptmx, the pty slaves). Devices are
 * judged by type and major:minor, never by name: /dev/null with 8:0 is a disk.
 */
#include <stdio.h>
#include <string.h>

#include "brig/cleanup.h"
#include "brig/util.h"
#include "policy-internal.h"

#define WILDCARD (-1)

static int parse_number_or_star(const char *s, int64_t *ret)
{
        if (strcmp(s, "*") == 0) {
                *ret = WILDCARD;
                return 0;
        }
        return parse_int64(s, ret) < 0 || *ret < 0 ? -1 : 0;
}

int device_pattern_parse(const char *s, struct device_pattern *ret)
{
        _cleanup_free_ char *copy = xstrdup(s);
        char *colon;

        if ((s[0] != 'c' && s[0] != 'b') || s[1] != ' ' || (colon = strchr(copy + 2, ':')) == NULL)
                return -1;
        *colon = '\0';
        ret->type = s[0];
        if (parse_number_or_star(copy + 2, &ret->major) < 0 || parse_number_or_star(colon + 1, &ret->minor) < 0)
                return -1;
        return 0;
}

static bool number_matches(int64_t pattern, int64_t value)
{
        return pattern == WILDCARD || pattern == value;
}

/* Whether the policy allows type major:minor (WILDCARD values only match a wildcard pattern). */
static bool device_allowed(const struct brig_policy *p, char type, int64_t major, int64_t minor)
{
        char **allowed = p->lists[LIST_DEVICES];

        for (size_t i = 0; allowed[i] != NULL; i++) {
                struct device_pattern d;

                if (device_pattern_parse(allowed[i], &d) < 0 || d.type != type)
                        continue;
                if (number_matches(d.major, major) && number_matches(d.minor, minor))
                        return true;
        }
        return false;
}

static void number_text(char *buf, size_t size, int64_t n)
{
        if (n == WILDCARD)
                snprintf(buf, size, "*");
        else
                snprintf(buf, size, "%lld", (long long) n);
}

static void check_devices(struct rule_ctx *c, const struct spec_linux *l)
{
        for (size_t i = 0; i < l->n_devices; i++) {
                const struct spec_device *d = &l->devices[i];
                _cleanup_free_ char *path = NULL;
                /* 'u' is an unbuffered character device; FIFOs ('p') reach no hardware. */
                char type = d->type == 'u' ? 'c' : d->type;

                if (type == 'p' || device_allowed(c->policy, type, d->major, d->minor))
                        continue;
                path = xasprintf("linux.devices[%zu]", i);
                rule_violation(c, path, "`%s` (%c %lld:%lld) is not an allowed device", d->path, d->type,
                               (long long) d->major, (long long) d->minor);
        }
}

static void check_cgroup_rules(struct rule_ctx *c, const struct spec_resources *r)
{
        for (size_t i = 0; i < r->n_devices; i++) {
                const struct spec_device_rule *d = &r->devices[i];
                const char *access = d->access != NULL ? d->access : "rwm";
                _cleanup_free_ char *path = NULL;
                char major[24], minor[24];

                /* mknod alone opens nothing: the cgroup checks read and write on open. */
                if (!d->allow || (strchr(access, 'r') == NULL && strchr(access, 'w') == NULL))
                        continue;
                if (d->type != 'a' && device_allowed(c->policy, d->type, d->major, d->minor))
                        continue;
                path = xasprintf("linux.resources.devices[%zu]", i);
                number_text(major, sizeof(major), d->major);
                number_text(minor, sizeof(minor), d->minor);
                if (d->type == 'a')
                        rule_violation(c, path, "allows `%s` on every device", access);
                else
                        rule_violation(c, path, "allows `%s` on `%c %s:%s`, not an allowed device", access, d->type,
                                       major, minor);
        }
}

void rule_devices_host(struct rule_ctx *c)
{
        if (c->spec->linux == NULL)
                return;
        check_devices(c, c->spec->linux);
        if (c->spec->linux->resources != NULL)
                check_cgroup_rules(c, c->spec->linux->resources);
}
