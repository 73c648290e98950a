/* The one interface every probe (dns, ntp, https, nats, tcp) implements:
 * a constant table of operations and an instance with its context.  A
 * probe never prints, exits or keeps global state; the loop drives it. */
#ifndef EP_PROBE_H
#define EP_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ep_err.h"
#include "ep_pollset.h"
#include "ep_result.h"

struct ep_run;
struct ep_probe;

struct ep_probe_ops {
  const char *name; /* "dns" */
  /* Sends what can be sent now (queries, connects). */
  enum ep_status (*start)(struct ep_probe *p, struct ep_run *run,
                          struct ep_err *err);
  /* Adds the probe's own sockets and wake-up time (may be NULL). */
  enum ep_status (*pollset)(struct ep_probe *p, struct ep_pollset *ps,
                            struct timespec now);
  /* Handles what poll found ready on the probe's sockets (may be NULL). */
  void (*on_ready)(struct ep_probe *p, const struct ep_pollset *ps,
                   struct timespec now);
  bool (*done)(const struct ep_probe *p);
  /* Fills out; targets still unfinished are reported as timed out. */
  enum ep_status (*finish)(struct ep_probe *p, struct ep_check_result *out,
                           struct ep_err *err);
  void (*destroy)(struct ep_probe *p);
};

struct ep_probe {
  const struct ep_probe_ops *ops;
  void                      *ctx;
};

/* A probe of ops with a zeroed context of ctx_size bytes and, in
 * *targets, n + 1 zeroed targets of target_size bytes each (one more, so
 * that a probe of no targets still has its array).  NULL with err set
 * when out of memory. */
struct ep_probe *ep_probe_alloc(const struct ep_probe_ops *ops,
                                size_t ctx_size, size_t n, size_t target_size,
                                void **targets, struct ep_err *err);

#endif
