/* Renders a check result as Monitoring Plugins output (first line, long
 * output, perfdata) or as one JSON document carrying the same results. */
#ifndef EP_OUTPUT_H
#define EP_OUTPUT_H

#include <stddef.h>

#include "ep_result.h"

/* A number as perfdata wants it: plain decimal, at most 6 decimals, no
 * trailing zeros ("0.0023", "15", "-2.5"). */
void ep_format_number(char *out, size_t size, double v);

struct ep_buf;

/* Appends s as one line of plugin output: '|' (which starts perfdata)
 * becomes '/', line ends become spaces. */
enum ep_status ep_output_text(struct ep_buf *b, const char *s);

/* Appends detail's lines, each on a line of its own, indented. */
enum ep_status ep_output_detail(struct ep_buf *b, const char *detail);

/* Appends " 'label'=value[uom];warn;crit[;min[;max]]". */
enum ep_status ep_output_perf(struct ep_buf *b, const struct ep_perf *p);

/* "EDGE <TITLE> <STATE> - summary | perfdata\n[STATE] target line\n...".
 * title is e.g. "DNS"; verbose > 0 adds each target's detail lines,
 * indented, after its line.  Returns a string to free(), or NULL with err
 * set. */
char *ep_format_nagios(const struct ep_check_result *c, const char *title,
                       int verbose, struct ep_err *err);

/* The JSON output's shape; raised when a member changes or goes. */
#define EP_JSON_SCHEMA_VERSION 2

/* The same results as a JSON document (one line, newline-terminated):
 * schema_version, edgeprobe_version, time (UTC), duration_seconds, check,
 * state, exit_code, summary, targets[] (name, state, cause, host, text,
 * perfdata[] with figure, instance, unit, label, value, uom, warning,
 * critical, min, max; details).  Every member is present, null when
 * unknown.  Returns a string to free(), or NULL with err set. */
char *ep_format_json(const struct ep_check_result *c, struct ep_err *err);

/* One check as a JSON object (check, state, exit_code, summary, targets);
 * json_object_put() it.  NULL when out of memory. */
json_object *ep_check_json(const struct ep_check_result *c);

/* Adds schema_version, edgeprobe_version, time and duration_seconds.
 * EP_ENOMEM when out of memory (doc is then incomplete). */
enum ep_status ep_json_add_run_info(json_object *doc,
                                    const struct timespec *started,
                                    double seconds);

/* doc as one newline-terminated line (free() it); NULL with err set. */
char *ep_json_text(json_object *doc, struct ep_err *err);

/* The JSON document of a run that could not happen (a usage or
 * configuration error): state UNKNOWN, the message as summary.  NULL when
 * out of memory. */
char *ep_format_json_unknown(const char *check, const char *msg);

#endif
