/* The vendor's network checklist as one answer: an item per line of it
 * that a probe checks (DNS, NTP, HTTPS, no TLS inspection, NATS, the
 * proxy when there is one), each with its state and worst target, the
 * root causes of whatever failed, and the checklist's perfdata and JSON.
 * Judging (ep_diagnose), wording, perfdata and JSON are separate steps. */
#ifndef EP_CHECKLIST_H
#define EP_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_check.h"
#include "ep_config.h"
#include "ep_diagnosis.h"


struct ep_checklist_item {
  const char   *id;      /* "dns", "ntp", "https", "tls_inspection", ... */
  const char   *title;   /* "DNS", "NTP", "HTTPS", "TLS inspection", ... */
  int           check;   /* the run's check it reads (its index), or -1 */
  bool          checked; /* false: nothing could tell (state UNKNOWN) */
  enum ep_state state;
  char          text[600];
  size_t        failing, total;
};

struct ep_checklist {
  enum ep_state            state;
  struct ep_checklist_item *items; /* one per check that ran, and the
                                      derived lines (TLS inspection, the
                                      proxy) */
  size_t                    n_items, max_items;
  struct ep_diagnosis      diag;
  char                     summary[1024]; /* the first line's text */
};

/* Judges run (its checks' results) into items and root causes. */
enum ep_status ep_checklist_build(const struct ep_run_result *run,
                                  const struct ep_config *cfg,
                                  struct ep_checklist *cl,
                                  struct ep_err *err);
void           ep_checklist_free(struct ep_checklist *cl);

/* "EDGE CHECKLIST STATE - causes | perfdata", an item a line and, with
 * verbose, every target under its item.  free() it; NULL with err set. */
char *ep_checklist_nagios(const struct ep_checklist *cl,
                          const struct ep_run_result *run,
                          const struct ep_config *cfg, int verbose,
                          struct ep_err *err);

/* The whole tree as one JSON document: causes, items, what is not
 * checked, and each check's targets with the root cause explaining
 * them.  free() it; NULL with err set. */
char *ep_checklist_json(const struct ep_checklist *cl,
                        const struct ep_run_result *run,
                        struct ep_err *err);

#endif
