/* Renders a check result as Monitoring Plugins output (first line, long
 * output, perfdata) or as one JSON document carrying the same results. */
#ifndef EP_OUTPUT_H
#define EP_OUTPUT_H

#include <stddef.h>

#include "ep_result.h"

/* A number as perfdata wants it: plain decimal, at most 6 decimals, no
 * trailing zeros ("0.0023", "15", "-2.5"). */
void ep_format_number(char *out, size_t size, double v);

/* "EDGE <TITLE> <STATE> - summary | perfdata\n[STATE] target line\n...".
 * title is e.g. "DNS"; verbose > 0 adds each target's detail lines,
 * indented, after its line.  Returns a string to free(), or NULL with err
 * set. */
char *ep_format_nagios(const struct ep_check_result *c, const char *title,
                       int verbose, struct ep_err *err);

/* The same results as a JSON document (one line, newline-terminated).
 * Returns a string to free(), or NULL with err set. */
char *ep_format_json(const struct ep_check_result *c, struct ep_err *err);

#endif
