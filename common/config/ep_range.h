/* Threshold ranges in the Monitoring Plugins syntax: "10" (0..10), "10:"
 * (10..inf), "~:10" (-inf..10), "10:20", "@10:20" (alert inside).  A value
 * outside the range (inside, with @) raises the alert. */
#ifndef EP_RANGE_H
#define EP_RANGE_H

#include <stdbool.h>

#include "ep_err.h"

#define EP_RANGE_TEXT_MAX 64

struct ep_range {
  bool   set;       /* false: no threshold, never alerts */
  bool   inside;    /* '@': alert when start <= v <= end */
  bool   start_inf; /* "~": no lower bound */
  bool   end_inf;   /* "N:": no upper bound */
  double start;
  double end;
  char   text[EP_RANGE_TEXT_MAX]; /* as the user wrote it, for perfdata */
};

/* Parses text into r.  On error fills err with a message that names what
 * (e.g. "-w") and the offending text, and returns EP_EINVAL.  what may be
 * NULL.  An empty text is an error; a NULL text leaves r unset. */
enum ep_status ep_range_parse(struct ep_range *r, const char *text,
                              const char *what, struct ep_err *err);

/* true when value raises the alert of r; an unset range never does. */
bool ep_range_alerts(const struct ep_range *r, double value);

#endif
