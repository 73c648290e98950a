/* What the kernel says about one network interface, read through rtnetlink
 * (NETLINK_ROUTE): whether it exists, is up and has carrier, and its IPv4
 * addresses with their lifetimes, so a check can tell a static address
 * (valid "forever") from a DHCP lease (a finite valid lifetime). */
#ifndef EP_LINKSTATE_H
#define EP_LINKSTATE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ep_err.h"

#define EP_LINK_ADDRS_MAX 16

struct ep_link_addr {
  struct in_addr addr;      /* IFA_LOCAL, else IFA_ADDRESS */
  unsigned       prefix;    /* ifa_prefixlen, 0..32 */
  uint32_t       flags;     /* IFA_F_* (the IFA_FLAGS attribute when sent) */
  bool           permanent; /* valid lifetime "forever": IFA_CACHEINFO
                               ifa_valid 0xFFFFFFFF, or IFA_F_PERMANENT
                               when the kernel sent no IFA_CACHEINFO */
  uint32_t       valid_lft; /* seconds left; UINT32_MAX when permanent */
  bool           dynamic;   /* no IFA_F_PERMANENT, or a finite lifetime;
                               Linux has no IFA_F_DYNAMIC: `ip addr` prints
                               "dynamic" for the same test */
};

struct ep_link_state {
  bool     exists;
  unsigned index;
  bool     admin_up;      /* IFF_UP */
  bool     carrier;       /* IFF_LOWER_UP or IFF_RUNNING (loopback: both,
                             with operstate "unknown") */
  char     operstate[16]; /* "up", "down", "unknown", "dormant",
                             "lowerlayerdown", "notpresent", "testing",
                             or the number the kernel sent */
  size_t   n_addrs;       /* IPv4 addresses kept in addrs */
  bool     addrs_dropped; /* more than EP_LINK_ADDRS_MAX: the rest were
                             not kept */
  struct ep_link_addr addrs[EP_LINK_ADDRS_MAX];
};

/* Reads ifname's state into out.  A missing interface is not an error:
 * EP_OK with out->exists false.  Otherwise, with a message naming the
 * interface and out cleared: EP_EINVAL for a name no interface can have
 * (empty, 16 bytes or more), EP_ESYS when netlink fails, EP_ETIMEOUT when
 * the kernel has not answered after 1 s (each receive waits at most 1 s;
 * a request itself runs in the kernel, under its network lock, which a
 * hung driver can hold longer), EP_EPROTO
 * for a reply that does not parse, EP_ENOMEM.  Opens one socket and
 * closes it before returning; keeps no state, so any thread may call it. */
enum ep_status ep_link_state_read(const char *ifname, struct ep_link_state *out,
                                  struct ep_err *err);

/* The pure parsers ep_link_state_read() uses, for tests and fuzzing.
 * msg is one netlink message, header included, as received: len bytes,
 * 4-byte aligned (else EP_EINVAL); its nlmsg_len must not exceed len.
 * Every attribute is bounds-checked; a malformed message (short header,
 * attribute running past the end, wrong attribute size, prefix over 32)
 * gives EP_EPROTO with a message and leaves out unchanged. */

/* An RTM_NEWLINK message: sets exists, index, admin_up, carrier and
 * operstate. */
enum ep_status ep_link_parse_link(const void *msg, size_t len,
                                  struct ep_link_state *out,
                                  struct ep_err *err);

/* An RTM_NEWADDR message: appends it to out->addrs when it is an IPv4
 * address of interface out->index; skips (EP_OK) other families and
 * interfaces.  Past EP_LINK_ADDRS_MAX it sets out->addrs_dropped. */
enum ep_status ep_link_parse_addr(const void *msg, size_t len,
                                  struct ep_link_state *out,
                                  struct ep_err *err);

#endif
