/* The synchronous rtnetlink (NETLINK_ROUTE) transport and the bounds
 * checks that ep_linkstate and the uplink's route lookup share: open a
 * socket, send one request, read its reply to the end (the one answer of
 * a request, or NLMSG_DONE of a dump) with each receive waiting at most
 * 1 s, and hand every message of the reply to a parser.  No state
 * outside a struct ep_rtnl, so any thread may use one of its own. */
#ifndef EP_RTNL_H
#define EP_RTNL_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ep_err.h"

/* A wedged or flooded netlink must not hold a daemon's read thread: each
 * recvmsg() waits at most this long (SO_RCVTIMEO), and none starts once
 * the call is this old, so a call returns within twice this. */
#define EP_RTNL_TIMEOUT_S 1
/* A dump that another change interrupted (NLM_F_DUMP_INTR) is re-read. */
#define EP_RTNL_DUMP_TRIES 3

/* One call's socket and receive buffer.  who starts every message of the
 * transport ("eth0: cannot open a netlink socket: ..."). */
struct ep_rtnl {
  int             fd;
  uint32_t        portid;      /* ours: the kernel answers to it */
  uint32_t        seq;         /* of the request in flight */
  unsigned char  *buf;         /* the receive buffer */
  const char     *who;
  struct timespec deadline;    /* CLOCK_MONOTONIC, for the whole call */
  bool            interrupted; /* NLM_F_DUMP_INTR in the last reply */
};

/* Handed each message of the reply that is not NLMSG_ERROR, NLMSG_DONE
 * or NLMSG_NOOP.  A status other than EP_OK ends the reply; err's message
 * is then prefixed with who. */
typedef enum ep_status (*ep_rtnl_take_fn)(const struct nlmsghdr *nh,
                                          void *ctx, struct ep_err *err);

/* Opens nl's socket and buffer; the deadline is EP_RTNL_TIMEOUT_S from
 * now.  EP_ESYS, EP_ENOMEM.  ep_rtnl_close() is due whatever it returns. */
enum ep_status ep_rtnl_open(struct ep_rtnl *nl, const char *who,
                            struct ep_err *err);
void ep_rtnl_close(struct ep_rtnl *nl);

/* Sends req and reads its reply to the end, handing its messages to take.
 * The kernel's refusal is *kerr (an errno, 0 for none), with EP_OK.
 * Messages from anyone but the kernel, or for another port or sequence,
 * are dropped.  EP_ESYS, EP_ETIMEOUT, EP_EPROTO, or take's status. */
enum ep_status ep_rtnl_transact(struct ep_rtnl *nl, struct nlmsghdr *req,
                                ep_rtnl_take_fn take, void *ctx, int *kerr,
                                struct ep_err *err);

/* A dump request, re-sent up to EP_RTNL_DUMP_TRIES times while another
 * change interrupts it; restart (when not NULL) clears ctx before each
 * try.  The kernel's refusal is EP_ESYS "WHO: the kernel refused
 * REQUEST: ..."; a dump interrupted every time is EP_ESYS "WHO: LIST kept
 * changing during 3 reads". */
enum ep_status ep_rtnl_dump(struct ep_rtnl *nl, struct nlmsghdr *req,
                            const char *request, const char *list,
                            ep_rtnl_take_fn take, void (*restart)(void *ctx),
                            void *ctx, struct ep_err *err);

/* ---- Parsing: no I/O, every length checked before it is used. ---- */

/* Checks msg's netlink header: msg 4-byte aligned (else EP_EINVAL), len
 * bytes holding nlmsg_len, of type `type` (named what in messages), with
 * room for its fixed header of `fixed` bytes.  Sets *attrs and *rem to
 * the attributes after it.  EP_EPROTO otherwise. */
enum ep_status ep_rtnl_check_msg(const void *msg, size_t len, uint16_t type,
                                 size_t fixed, const char *what,
                                 const struct rtattr **attrs, int *rem,
                                 struct ep_err *err);

/* Indexes the attributes at rta (rem bytes) by type into tb[0..max], the
 * last of a type winning.  EP_EPROTO "netlink WHAT message: an attribute
 * runs past the end (N bytes left)". */
enum ep_status ep_rtnl_index_attrs(const struct rtattr *rta, int rem,
                                   const struct rtattr **tb, unsigned max,
                                   const char *what, struct ep_err *err);

/* The same for the attributes nested in attribute nest, named name:
 * "netlink WHAT message: NAME: an attribute runs past the end ...". */
enum ep_status ep_rtnl_index_nested(const struct rtattr *nest,
                                    const struct rtattr **tb, unsigned max,
                                    const char *what, const char *name,
                                    struct ep_err *err);

/* Copies the first n bytes of a's payload into dst; EP_EPROTO "netlink
 * WHAT message: NAME has N bytes, expected M" when it holds fewer. */
enum ep_status ep_rtnl_attr_get(const struct rtattr *a, void *dst, size_t n,
                                const char *what, const char *name,
                                struct ep_err *err);

/* The word for an IF_OPER_* value ("up", "lowerlayerdown", ...), or its
 * number, into buf. */
void ep_rtnl_operstate(unsigned oper, char *buf, size_t size);

#endif
