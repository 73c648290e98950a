/* The main() every check plugin shares: parse, run, print, exit with the
 * Monitoring Plugins codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). */
#ifndef EP_NAGIOS_H
#define EP_NAGIOS_H

#include "ep_check.h"
#include "ep_config.h"

struct ep_nagios_check {
  const char        *program;  /* "check_edge_dns" */
  const char        *title;    /* "DNS", the first word after EDGE */
  const char        *kind_name; /* "dns", as in JSON output */
  enum ep_check_kind kind;
  ep_probe_factory   factory;  /* its probe, ep_dns_probe_for, ... */
  unsigned           extras;   /* enum ep_cli_extra */
  const char        *synopsis; /* what the check does, for --help */
  const char        *own_help; /* its own options, for --help */
};

int ep_nagios_main(int argc, char **argv, const struct ep_nagios_check *check);

#endif
