/* The result tree every front end formats: a check (dns, ntp, ...) holds
 * one result per target; each node has a state, a line of text and
 * perfdata.  The worst state is computed here, once, for every front end. */
#ifndef EP_RESULT_H
#define EP_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "ep_err.h"
#include "ep_profile.h"
#include "ep_range.h"

enum ep_state {
  EP_STATE_OK = 0,
  EP_STATE_WARNING = 1,
  EP_STATE_CRITICAL = 2,
  EP_STATE_UNKNOWN = 3
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *ep_state_str(enum ep_state s);

/* The more serious of a and b: CRITICAL > WARNING > UNKNOWN > OK. */
enum ep_state ep_state_worse(enum ep_state a, enum ep_state b);

/* The state a value earns against a warning and a critical range. */
enum ep_state ep_state_from_ranges(double value, const struct ep_range *warn,
                                   const struct ep_range *crit);

#define EP_PERF_LABEL_MAX 96

/* What a figure measures in, for the front ends that store figures
 * rather than print them (collectd, SNMP). */
enum ep_unit {
  EP_UNIT_SECONDS,
  EP_UNIT_DAYS,
  EP_UNIT_PPM,
  EP_UNIT_COUNT,
  EP_UNIT_PERCENT,
  EP_UNIT_BYTES,
  EP_UNIT_BITS_PER_SECOND, /* a rate; no UOM of the Monitoring Plugins */
  EP_UNIT_DBM,             /* a radio's power, dB over 1 mW; no UOM */
  EP_UNIT_DB               /* a ratio of powers (RSRQ, SINR); no UOM */
};

/* "s", "%", "B" or "" (the Monitoring Plugins' UOM). */
const char *ep_unit_uom(enum ep_unit u);
/* "seconds", "days", "ppm", "count", "percent", "bytes",
 * "bits_per_second". */
const char *ep_unit_name(enum ep_unit u);

/* One figure of a target: typed (figure name, instance, unit, value)
 * for collectd and SNMP, and its perfdata label and thresholds for
 * Nagios, so that no front end parses a label back. */
struct ep_perf {
  char         figure[24];   /* "response_time", "offset", "rtt", ... */
  char         instance[48]; /* an address of a pool name; "" for none */
  enum ep_unit unit;
  char         label[EP_PERF_LABEL_MAX];
  bool         measured; /* false: printed as U */
  double       value;
  char         uom[4];   /* from unit */
  char         warn[EP_RANGE_TEXT_MAX];
  char         crit[EP_RANGE_TEXT_MAX];
  bool         has_min, has_max;
  double       min, max;
};

/* What ep_target_add_perf() records besides the value. */
struct ep_figure {
  const char            *figure;   /* "rtt" */
  const char            *instance; /* NULL: the target itself */
  enum ep_unit           unit;
  const char            *label;    /* perfdata label */
  const struct ep_range *warn, *crit; /* NULL or unset: none */
  const double          *min, *max;   /* NULL: none */
};

struct ep_target_result {
  char          *name;  /* the target as configured */
  enum ep_state  state;
  /* Why it is not OK, as a stable code (ep_cause.h); NULL when OK. */
  const char    *cause;
  /* The host name it depends on resolving (NULL: an address, or a name
   * the proxy resolves): check_edge ties a name's DNS failure to it. */
  char          *host;
  /* The cause in words, without the target's name ("TLS interception
   * suspected (issuer: ...)"), for a summary that names a shared cause
   * once; NULL when OK. */
  char          *why;
  char          *text;  /* one line, without the state */
  char          *detail; /* more lines for -v (newline-separated), or NULL */
  struct ep_perf *perf;
  size_t         n_perf;
  json_object   *data;  /* figures for --format json; owned */
};

struct ep_check_result {
  bool                     ran;     /* the run included this check */
  struct timespec          started; /* wall clock; zero when unknown */
  double                   seconds; /* the run's duration */
  char                    *check;   /* "dns", "ntp", ... */
  enum ep_state            state;   /* worst over targets unless set higher */
  char                    *summary; /* first-line text after the state */
  struct ep_target_result *targets;
  size_t                   n_targets;
  /* About the run rather than a target ("state file ... ignored"): a
   * line each after the targets'. */
  struct ep_strlist        notes;
};

void ep_check_result_init(struct ep_check_result *c);
void ep_check_result_cleanup(struct ep_check_result *c);

/* Appends a target and returns it (zeroed, state OK, data an empty
 * object), or NULL with err set when out of memory. */
struct ep_target_result *ep_check_result_add(struct ep_check_result *c,
                                             const char *name,
                                             struct ep_err *err);

/* Sets t's cause (a static code from ep_cause.h) unless it has one: the
 * first, most serious finding names it. */
void ep_target_set_cause(struct ep_target_result *t, const char *code);

/* Sets t's why (copied); EP_ENOMEM on failure. */
enum ep_status ep_target_set_why(struct ep_target_result *t, const char *why);

/* Sets t's host (copied); EP_ENOMEM on failure. */
enum ep_status ep_target_set_host(struct ep_target_result *t,
                                  const char *host);

/* Sets the target's line of text (printf-style); EP_ENOMEM on failure. */
enum ep_status ep_target_set_text(struct ep_target_result *t, const char *fmt,
                                  ...) __attribute__((format(printf, 2, 3)));

/* Appends a line to the target's -v detail (printf-style). */
enum ep_status ep_target_add_detail(struct ep_target_result *t,
                                    const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

/* Appends a figure and its perfdata; value is ignored when measured is
 * false.  EP_ENOMEM on failure. */
enum ep_status ep_target_add_perf(struct ep_target_result *t,
                                  const struct ep_figure *f, bool measured,
                                  double value);

/* The figure named figure (and instance, NULL for none) of t, or NULL. */
const struct ep_perf *ep_target_figure(const struct ep_target_result *t,
                                       const char *figure,
                                       const char *instance);

/* The instance of t's measured figure named figure with the lowest value
 * (NTP's "delay": the address with the shortest round trip, whose
 * figures stand for the server), or NULL when none was measured. */
const char *ep_target_lowest_instance(const struct ep_target_result *t,
                                      const char *figure);

/* r's targets one per server: those that share a host (NTP's addresses of
 * one pool name) become one target named after it, standing for the
 * group as the check judged it: its target with the lowest measured
 * figure named by (NTP: "delay"), else its first.  A target without a
 * host stands for itself.  A copy into out (init'ed; cleanup it), for a
 * front end that keeps a row per configured server whatever addresses
 * the names resolve to this time.  EP_ENOMEM. */
enum ep_status ep_check_result_by_host(const struct ep_check_result *r,
                                       const char *by,
                                       struct ep_check_result *out);

struct ep_buf;

/* Makes b's text the summary (b is reset); EP_ENOMEM on failure. */
enum ep_status ep_check_result_take_summary(struct ep_check_result *c,
                                            struct ep_buf *b);

/* Adds a note (copied); EP_ENOMEM on failure. */
enum ep_status ep_check_result_add_note(struct ep_check_result *c,
                                        const char *note);

/* Sets c->state to the worst of the targets' states. */
void ep_check_result_settle(struct ep_check_result *c);

#endif
