/* Loss, round trip and jitter without raw sockets: a short train of
 * small DNS queries, evenly spaced, to one resolver that answers.  Each
 * query is timed from the kernel's transmit stamp (a clock read right
 * before its send where none comes) to the kernel's stamp on its reply,
 * so that neither our send path nor our loop counts as the network's; a
 * reply that comes later than the wait, or never, is a loss. */
#ifndef UPLINK_TRAIN_H
#define UPLINK_TRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ep_err.h"
#include "ep_iface.h"
#include "ep_pollset.h"

#define EP_UPLINK_TRAIN_MAX 100 /* queries in one train */

struct ep_uplink_train_stats {
  size_t sent, received;
  double loss_pct;
  bool   have_rtt; /* at least one reply */
  double rtt_avg, rtt_min, rtt_max;
  bool   have_jitter; /* at least two replies */
  double jitter; /* RFC 3550's mean deviation over consecutive replies */
};

/* A DNS query (RD set, one question for name, type A, class IN) with id
 * into buf; its length, or 0 when name is not a host name or buf is too
 * small.  Pure. */
size_t ep_uplink_dns_query(unsigned char *buf, size_t size, uint16_t id,
                           const char *name);

/* Whether buf is a DNS response (QR set) to a query, and its id.  Pure. */
bool ep_uplink_dns_reply_id(const unsigned char *buf, size_t len,
                            uint16_t *id);

/* The figures of a train of n queries: rtt[i] is the round trip of query
 * i when got[i].  Jitter runs over the replies in the order their queries
 * were sent: J += (|D| - J) / 16, D the difference of two consecutive
 * round trips.  Pure. */
void ep_uplink_train_stats(const double *rtt, const bool *got, size_t n,
                           struct ep_uplink_train_stats *out);

struct ep_uplink_train;

/* A train of n queries (2 to EP_UPLINK_TRAIN_MAX) for name, spacing
 * seconds apart, each waited for at most wait seconds, sent from iface
 * (NULL: any).  NULL with err set when out of memory or name is not a
 * host name. */
struct ep_uplink_train *ep_uplink_train_new(const char *name, size_t n,
                                            double spacing, double wait,
                                            const struct ep_iface *iface,
                                            struct ep_err *err);
void                    ep_uplink_train_free(struct ep_uplink_train *t);

/* Sends the first query to server ("ADDR[:PORT]", port 53 by default).
 * EP_EINVAL with the words why the train cannot run (the socket, the
 * address) in err; the train is then done. */
enum ep_status ep_uplink_train_start(struct ep_uplink_train *t,
                                     const char *server, struct timespec now,
                                     struct ep_err *err);

enum ep_status ep_uplink_train_pollset(const struct ep_uplink_train *t,
                                       struct ep_pollset *ps);
void ep_uplink_train_on_ready(struct ep_uplink_train *t,
                              const struct ep_pollset *ps,
                              struct timespec now);
/* Every query sent and every reply in or waited for long enough. */
bool ep_uplink_train_done(const struct ep_uplink_train *t);
/* Whether it was started, and its figures so far: replies still queued
 * are read first and judged by their kernel stamps, so a loop that came
 * late to them does not make them lost; a query still within its wait
 * counts as lost (the deadline ended the run). */
bool ep_uplink_train_started(const struct ep_uplink_train *t);
void ep_uplink_train_result(struct ep_uplink_train *t,
                            struct ep_uplink_train_stats *out);

#endif
