/* The command line every check plugin shares (DESIGN.md), parsed once
 * here; a plugin only says which of its own options it takes. */
#ifndef EP_CLI_H
#define EP_CLI_H

#include <stdbool.h>

#include "ep_err.h"
#include "ep_profile.h"
#include "ep_settings.h"

/* Per-check options, or-ed together by each plugin. */
enum ep_cli_extra {
  EP_CLI_HOST = 1 << 0,          /* -H, repeatable */
  EP_CLI_EXPECT_ADDRESS = 1 << 1, /* -a ADDR, repeatable (dns) */
  EP_CLI_SAMPLES = 1 << 2,        /* --samples N (ntp) */
  EP_CLI_NATS_AUTH = 1 << 3,      /* --nats-auth-file FILE (nats) */
  EP_CLI_HTTPS = 1 << 4, /* --expect-issuer, --cert-{warning,critical}-days */
  EP_CLI_DRIFT = 1 << 5, /* --state-dir, --drift-{warning,critical} (ntp) */
  EP_CLI_THRESHOLDS = 1 << 6, /* -w, -c: the check's own main figure */
  EP_CLI_AGENT = 1 << 7, /* -x, -i, -f, -u, --pidfile (edgeprobe-agentx) */
  /* --machine-interface IFACE: the machines' NIC, where -I is the cloud's
   * (check_edge, the subagent) */
  EP_CLI_MACHINE_IFACE = 1 << 8
};

/* Parses argv into s (strings borrowed from argv).  extras: the
 * per-check options this plugin accepts.  On a usage error returns
 * EP_EINVAL with one line naming the option and what was wrong.  Not
 * thread-safe (getopt). */
enum ep_status ep_cli_parse(struct ep_settings *s, int argc, char **argv,
                            unsigned extras, struct ep_err *err);

/* Help text for the shared options (several lines, newline-terminated). */
const char *ep_cli_shared_help(void);

#endif
