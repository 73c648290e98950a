/* The result tree every front end formats: a check (dns, ntp, ...) holds
 * one result per target; each node has a state, a line of text and
 * perfdata.  The worst state is computed here, once, for every front end. */
#ifndef EP_RESULT_H
#define EP_RESULT_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "ep_err.h"
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

struct ep_perf {
  char   label[EP_PERF_LABEL_MAX];
  bool   measured; /* false: printed as U */
  double value;
  char   uom[4];   /* "s", "%", "" ... */
  char   warn[EP_RANGE_TEXT_MAX];
  char   crit[EP_RANGE_TEXT_MAX];
  bool   has_min, has_max;
  double min, max;
};

struct ep_target_result {
  char          *name;  /* the target as configured */
  enum ep_state  state;
  char          *text;  /* one line, without the state */
  char          *detail; /* more lines for -v (newline-separated), or NULL */
  struct ep_perf *perf;
  size_t         n_perf;
  json_object   *data;  /* figures for --format json; owned */
};

struct ep_check_result {
  char                    *check;   /* "dns", "ntp", ... */
  enum ep_state            state;   /* worst over targets unless set higher */
  char                    *summary; /* first-line text after the state */
  struct ep_target_result *targets;
  size_t                   n_targets;
};

void ep_check_result_init(struct ep_check_result *c);
void ep_check_result_cleanup(struct ep_check_result *c);

/* Appends a target and returns it (zeroed, state OK, data an empty
 * object), or NULL with err set when out of memory. */
struct ep_target_result *ep_check_result_add(struct ep_check_result *c,
                                             const char *name,
                                             struct ep_err *err);

/* Sets the target's line of text (printf-style); EP_ENOMEM on failure. */
enum ep_status ep_target_set_text(struct ep_target_result *t, const char *fmt,
                                  ...) __attribute__((format(printf, 2, 3)));

/* Appends a line to the target's -v detail (printf-style). */
enum ep_status ep_target_add_detail(struct ep_target_result *t,
                                    const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

/* Appends perfdata; value is ignored when measured is false.  uom may be
 * NULL; warn and crit may be NULL or unset ranges. */
enum ep_status ep_target_add_perf(struct ep_target_result *t,
                                  const char *label, bool measured,
                                  double value, const char *uom,
                                  const struct ep_range *warn,
                                  const struct ep_range *crit,
                                  const double *min, const double *max);

struct ep_buf;

/* Makes b's text the summary (b is reset); EP_ENOMEM on failure. */
enum ep_status ep_check_result_take_summary(struct ep_check_result *c,
                                            struct ep_buf *b);

/* Sets c->state to the worst of the targets' states. */
void ep_check_result_settle(struct ep_check_result *c);

#endif
