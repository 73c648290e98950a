/* A check plugin's command line: the core's options and those the probe
 * kinds declare, read with ep_argv; which of them this plugin takes
 * follows from what it runs (one kind alone, or the whole checklist). */
#ifndef EP_NAGIOS_CLI_H
#define EP_NAGIOS_CLI_H

#include <stdio.h>

#include "ep_probe.h"
#include "ep_settings.h"

/* Parses argv into s (strings borrowed from argv).  own: the kind this
 * plugin runs alone, or NULL for the whole checklist (check_edge).  On a
 * usage error EP_EINVAL with one line naming the option and what was
 * wrong.  Not thread-safe (getopt). */
enum ep_status ep_nagios_parse(struct ep_settings *s, int argc, char **argv,
                               const struct ep_probe_kind *own,
                               struct ep_err *err);

/* The help of the core's options this plugin takes (own as above). */
void ep_nagios_options_help(FILE *out, const struct ep_probe_kind *own);

/* The help of the kinds' options this plugin takes; free() it (NULL when
 * out of memory). */
char *ep_nagios_kind_options_help(const struct ep_probe_kind *own);

#endif
