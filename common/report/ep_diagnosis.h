/* The root causes of a whole checklist's failures: where one finding
 * explains others (a name that does not resolve, a clock far off, a proxy
 * that refuses, a port blocked for every endpoint), it is said once and
 * the targets it explains are marked, so the first line names the cause
 * rather than twenty symptoms.  Pure: it reads results and typed figures,
 * never text. */
#ifndef EP_DIAGNOSIS_H
#define EP_DIAGNOSIS_H

#include <stddef.h>

#include "ep_check.h"
#include "ep_result.h"

#define EP_DIAGNOSIS_MAX 16   /* causes kept; the rest are counted */
#define EP_CLOCK_FAR_S 60.0   /* a clock this far off breaks certificates */

/* The rules' codes, beside ep_cause.h's codes of single targets. */
#define EP_ROOT_NO_NETWORK "network.unreachable"
#define EP_ROOT_NO_RESOLVER "dns.no_resolver"
#define EP_ROOT_NAME "dns.name"
#define EP_ROOT_CLOCK "clock.off"
#define EP_ROOT_PROXY "proxy.refuses"
#define EP_ROOT_PORT_BLOCKED "port.blocked"
#define EP_ROOT_LINK "link.explains"

struct ep_root_cause {
  const char   *code;  /* EP_ROOT_* for a rule, else the target's own */
  enum ep_state state; /* the worst of what it explains */
  int           check; /* the run's check it is found in (its index) */
  bool          rule;  /* found by a rule, not a check's own failure */
  char          text[480];
  size_t        n_explained; /* targets it explains */
};

struct ep_diagnosis {
  struct ep_root_cause causes[EP_DIAGNOSIS_MAX];
  size_t               n;
  size_t               n_more; /* causes found beyond EP_DIAGNOSIS_MAX */
  /* For each check of the run, each target: the index of the cause
   * that explains it, or -1 (an OK target). */
  int                **by;
  size_t               n_checks;
};

struct ep_diagnosis_opts {
  const char *proxy_url; /* NULL: direct */
  double      clock_far; /* s; 0: EP_CLOCK_FAR_S */
};

/* Finds the causes of run's failures, rules first (in the order above),
 * then each check's remaining failures as symptoms of their own.
 * ep_diagnosis_free() it; EP_ENOMEM on failure. */
enum ep_status ep_diagnose(const struct ep_run_result *run,
                           const struct ep_diagnosis_opts *opts,
                           struct ep_diagnosis *d);
void           ep_diagnosis_free(struct ep_diagnosis *d);

/* The median offset of the NTP servers that answered, in s; false when
 * none did. */
bool ep_diagnosis_clock_offset(const struct ep_run_result *run,
                               double *offset);

#endif
