/* What every check plugin's main() shares: parse, run, print, exit with
 * the Monitoring Plugins codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). */
#ifndef EP_NAGIOS_H
#define EP_NAGIOS_H

#include "ep_check.h"
#include "ep_nagios_cli.h"
#include "ep_config.h"

/* The main() of check_edge_NAME, kind's check alone. */
int ep_nagios_main(int argc, char **argv, const struct ep_probe_kind *kind);

/* A run that could not happen: one line "EDGE TITLE UNKNOWN - msg", or
 * one JSON document when JSON was asked for.  Returns 3. */
int ep_nagios_unknown(const char *title, const char *name,
                      enum ep_format format, const char *msg);

/* --help in the Monitoring Plugins' manner: the program and version,
 * what it does, a usage line, its own options and the shared ones that
 * own takes (NULL: the whole checklist), examples, exit codes, where to
 * report. */
void ep_nagios_help(const char *program, const char *synopsis,
                    const char *usage, const char *own_help,
                    const char *examples, const struct ep_probe_kind *own);

/* Prints text and flushes stdout; state, or 3 when stdout failed. */
int ep_nagios_print(const char *text, int state);

#endif
