/* SPDX-License-Identifier: Apache-2.0 */
/* rtnetlink with libmnl: the one request brig makes is "bring lo up" in a fresh netns. */
#include <net/if.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "brig/netlink.h"

/*
 * Large enough for our request and for the ack, which echoes the request back on error.
 * A constant, unlike MNL_SOCKET_BUFFER_SIZE, so the buffer is not a VLA.
 */
#define NETLINK_BUF_SIZE 8192

static void mnl_socket_closep(struct mnl_socket **nl)
{
        if (*nl != NULL)
                mnl_socket_close(*nl);
}
#define _cleanup_mnl_socket_ __attribute__((cleanup(mnl_socket_closep)))

static int netlink_open_route(struct mnl_socket **ret, brig_error **err)
{
        _cleanup_mnl_socket_ struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (nl == NULL)
                return brig_syserr(err, "open rtnetlink socket");
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return brig_syserr(err, "bind rtnetlink socket");
        *ret = nl;
        nl = NULL;
        return 0;
}

/* Send one request built in `buf` and wait for its ack; a negative ack becomes the error. */
static int netlink_transact(struct mnl_socket *nl, struct nlmsghdr *req, char *buf, brig_error **err)
{
        unsigned seq = req->nlmsg_seq, portid = mnl_socket_get_portid(nl);

        if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
                return brig_syserr(err, "rtnetlink send");
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(nl, buf, NETLINK_BUF_SIZE);
                if (n < 0)
                        return brig_syserr(err, "rtnetlink receive");
                /* mnl_cb_run() sets errno from the ack's error field and returns -1. */
                int r = mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL);
                if (r < 0)
                        return brig_syserr(err, "rtnetlink request");
                if (r == MNL_CB_STOP)
                        return 0;
        }
}

static int link_set_up(struct mnl_socket *nl, unsigned ifindex, brig_error **err)
{
        _Alignas(struct nlmsghdr) char buf[NETLINK_BUF_SIZE];

        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        nlh->nlmsg_seq = (uint32_t)time(NULL);

        struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
        ifm->ifi_family = AF_UNSPEC;
        ifm->ifi_index = (int)ifindex;
        ifm->ifi_flags = IFF_UP;
        ifm->ifi_change = IFF_UP; /* touch only IFF_UP, leave the other flags alone */

        return netlink_transact(nl, nlh, buf, err);
}

int netlink_loopback_up(brig_error **err)
{
        unsigned ifindex = if_nametoindex("lo");
        if (ifindex == 0)
                return brig_syserr(err, "find interface `lo`");

        _cleanup_mnl_socket_ struct mnl_socket *nl = NULL;
        int r = netlink_open_route(&nl, err);
        if (r < 0)
                return r;
        r = link_set_up(nl, ifindex, err);
        if (r < 0)
                return brig_error_wrap(err, "bring interface `lo` up");
        return 0;
}
