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
struct ep_check_config;
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

/* What the whole checklist's diagnosis may read in a kind's results. */
enum ep_kind_role {
  /* Its targets are the host names the other checks' targets depend on
   * (their host): a name it cannot resolve explains their failures. */
  EP_ROLE_RESOLVER = 1 << 0,
  /* A check of the cloud side (not the machine network): "no network"
   * is every cloud check failing. */
  EP_ROLE_CLOUD = 1 << 1,
  /* Its "offset" figures are this host's clock against true time. */
  EP_ROLE_CLOCK = 1 << 2,
  /* Its targets verify certificates, which a clock far off breaks, and
   * tell TLS inspection. */
  EP_ROLE_CERTS = 1 << 3,
  /* Every target failing the same way is one cause, said once. */
  EP_ROLE_SAME_ONCE = 1 << 4,
  /* Its targets go through the run's proxy: one that refuses explains
   * them all. */
  EP_ROLE_PROXIED = 1 << 5,
  /* Its targets judge the link the cloud traffic leaves by: one down or
   * with a weak radio (EP_CAUSE_LINK_DOWN, EP_CAUSE_LINK_WEAK) explains
   * the cloud's timeouts and unreachable endpoints. */
  EP_ROLE_LINK = 1 << 6
};

/* A figure of the whole checklist taken from a kind's targets: the worst
 * of figure over them (the highest, or with lowest the lowest), or with
 * median the median of the measured ones. */
struct ep_checklist_figure {
  const char  *figure; /* the targets' "rtt" */
  const char  *label;  /* the checklist's "nats_slowest_rtt" */
  bool         lowest, median;
  enum ep_unit unit;
};

/* How a figure becomes an integer of the MIB. */
enum ep_mib_conversion {
  EP_MIB_MICROSECONDS,        /* s -> Unsigned32 us */
  EP_MIB_SIGNED_MICROSECONDS, /* s -> Integer32 us */
  EP_MIB_PARTS_PER_BILLION,   /* ppm -> Integer32 ppb */
  EP_MIB_STRATUM,             /* count -> Unsigned32 (0..16) */
  EP_MIB_WHOLE_DAYS,          /* days -> Integer32, rounded as the summary */
  EP_MIB_WHOLE,               /* a count or bit/s -> Unsigned32, rounded */
  EP_MIB_HUNDREDTHS,          /* percent -> Unsigned32 hundredths */
  EP_MIB_SIGNED_WHOLE,        /* dBm -> Integer32, rounded */
  EP_MIB_SIGNED_HUNDREDTHS,   /* dB, dBm -> Integer32 hundredths */
  EP_MIB_KILO                 /* bit/s -> Unsigned32 kbit/s, rounded */
};

/* One figure of a kind's targets (ep_perf.figure), as each front end
 * that stores figures keeps it. */
struct ep_figure_decl {
  const char            *figure;        /* "rtt" */
  const char            *collectd_type; /* types.db's; NULL: not there */
  /* Its type instance is TARGET-figure, several of one type per target
   * (else TARGET). */
  bool                   collectd_suffix;
  unsigned               mib_column;    /* in the kind's table; 0: none */
  enum ep_mib_conversion mib;
};

/* A column of words in a kind's table: the member of each target's JSON
 * data at path ("link.interface", dots between members), a string or a
 * number as text; a row without it, or with null there, has none. */
struct ep_mib_text {
  unsigned    column;
  const char *path;
};

/* A kind's table of the MIB: its number under edgeProbeObjects, its
 * EdgeProbeCheck number in notifications, the column (0: none) that
 * says which checks need each row's name (the resolver's table), and its
 * columns of words (NULL, or ended by a column 0). */
struct ep_kind_mib {
  unsigned                  table, check_number, needed_by_column;
  const struct ep_mib_text *texts;
};

/* How the checklist speaks of a kind: its item, its words in causes, and
 * what it says when all is well. */
struct ep_kind_report {
  const char *item_id;     /* "dns", "machine_network" */
  const char *item_title;  /* "DNS", "Machine network" */
  const char *short_title; /* in causes' words: "NATS", "machines" */
  /* All well: "19 names resolve", the count of the targets counted
   * (those with count_figure, or all) and ok_one or ok_many; NULL:
   * nothing said. */
  const char *ok_one, *ok_many;
  const char *count_figure;
  /* Why the checklist has no such item when it does not run ("the
   * profile lists no machines"); NULL: not listed as unchecked. */
  const char *not_run_why;
  /* Its targets are addresses of the configured servers: a front end
   * that keeps a row per server takes the address with the lowest of
   * this figure ("delay") for it (ep_check_result_by_host()); NULL: a
   * target is a row. */
  const char *per_server_by;
  unsigned    roles;        /* enum ep_kind_role */
  unsigned    blocked_port; /* its endpoints' port, for "outbound TCP N
                               blocked"; 0: no such rule */
  const struct ep_checklist_figure *figures; /* ended by a NULL figure */
};

/* A kind of probe, as a front end sees it: what it is called, what it
 * takes from a profile and the settings, how its probe is made, and what
 * it needs set up once per process.  Each probe's file defines its own
 * (ep_dns_kind, ...); plugins/ep_probes.c lists them all for the front
 * ends that run every check, so a single check links only its own. */
struct ep_probe_kind {
  const char *name;  /* "dns": results, JSON, collectd's plugin instance */
  const char *title; /* "DNS": the check plugin's "EDGE DNS OK" */
  const char *noun;  /* "names": what its targets are, in words */
  /* Its part of a profile (also listed in every front end's sections,
   * so that a single check reads the whole profile). */
  const struct ep_section     *section;
  const struct ep_kind_doc    *doc;
  const struct ep_kind_report *report;
  const struct ep_figure_decl *figures; /* ended by a NULL figure */
  const struct ep_kind_mib    *mib;     /* NULL: no table */
  /* A long-lived front end runs it at most this often (s; 0: as often
   * as asked): the NTP pool's politeness. */
  double min_interval;
  bool   uses_proxy; /* its traffic goes through the run's proxy */
  /* Takes its part of the profile and the settings into its own
   * configuration, cc: targets, thresholds, files (cc->own, which
   * release() frees); sets cc->wanted when there is something to check.
   * only: this check runs alone, so the settings' targets and -w/-c are
   * its own, and nothing to check is an error.  EP_EINVAL with one line
   * naming what was wrong. */
  enum ep_status (*configure)(struct ep_config *cfg,
                              struct ep_check_config *cc,
                              const struct ep_settings *s, bool only,
                              struct ep_err *err);
  void (*release)(void *own);
  /* Reads the secrets its files hold into cc now (may be NULL): what a
   * daemon does before it drops its privileges. */
  enum ep_status (*keep_secrets)(struct ep_check_config *cc,
                                 struct ep_err *err);
  /* Makes the probe; reads and checks every file it needs (credentials,
   * CA bundles) first, so a bad one is an error before anything is
   * sent. */
  struct ep_probe *(*create)(const struct ep_config *cfg,
                             const struct ep_check_config *cc,
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
