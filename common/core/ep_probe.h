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
struct ep_config;
struct ep_settings;
struct ep_section;

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

/* A kind's check run alone, for its check plugin's --help: what it does,
 * a usage line, what its own options mean, examples. */
struct ep_kind_doc {
  const char *synopsis, *usage, *help, *examples;
};

/* A kind of probe, as a front end sees it: what it is called, what it
 * takes from a profile and the settings, how its probe is made, and what
 * it needs set up once per process.  Each probe's file defines its own
 * (ep_dns_kind, ...); plugins/ep_probes.c lists them all for the front
 * ends that run every check, so a single check links only its own. */
struct ep_probe_kind {
  const char *name;  /* "dns": results, JSON, collectd's plugin instance */
  const char *title; /* "DNS": the check plugin's "EDGE DNS OK" */
  int         check; /* enum ep_check_kind */
  /* Its part of a profile (also listed in every front end's sections,
   * so that a single check reads the whole profile). */
  const struct ep_section  *section;
  const struct ep_kind_doc *doc;
  /* Takes its part of the profile and the settings into cfg: targets,
   * thresholds, files; sets cfg->checks[check].wanted when there is
   * something to check.  only: this check runs alone, so the settings'
   * targets and -w/-c are its own, and nothing to check is an error.
   * EP_EINVAL with one line naming what was wrong. */
  enum ep_status (*configure)(struct ep_config *cfg,
                              const struct ep_settings *s, bool only,
                              struct ep_err *err);
  /* Makes the probe; reads and checks every file it needs (credentials,
   * CA bundles) first, so a bad one is an error before anything is
   * sent. */
  struct ep_probe *(*create)(const struct ep_config *cfg,
                             struct ep_err *err);
  /* Process-wide set-up of the libraries it uses, and its undoing (may be
   * NULL): called once by ep_global_init(), before any thread runs. */
  enum ep_status (*global_init)(struct ep_err *err);
  void (*global_cleanup)(void);
};

/* A probe of ops with a zeroed context of ctx_size bytes and, in
 * *targets, n + 1 zeroed targets of target_size bytes each (one more, so
 * that a probe of no targets still has its array).  NULL with err set
 * when out of memory. */
struct ep_probe *ep_probe_alloc(const struct ep_probe_ops *ops,
                                size_t ctx_size, size_t n, size_t target_size,
                                void **targets, struct ep_err *err);

#endif
