/* The command line every check plugin shares (DESIGN.md), parsed once
 * here; a plugin only says which of its own options it takes. */
#ifndef EP_CLI_H
#define EP_CLI_H

#include <stdbool.h>

#include "ep_err.h"
#include "ep_profile.h"

enum ep_format { EP_FORMAT_NAGIOS, EP_FORMAT_JSON };

/* Per-check options, or-ed together by each plugin. */
enum ep_cli_extra {
  EP_CLI_HOST = 1 << 0,          /* -H, repeatable */
  EP_CLI_EXPECT_ADDRESS = 1 << 1, /* -a ADDR, repeatable (dns) */
  EP_CLI_SAMPLES = 1 << 2,        /* --samples N (ntp) */
  EP_CLI_NATS_AUTH = 1 << 3,      /* --nats-auth-file FILE (nats) */
  EP_CLI_HTTPS = 1 << 4 /* --expect-issuer, --cert-{warning,critical}-days */
};

struct ep_cli {
  const char       *profile; /* strings are borrowed from argv */
  struct ep_strlist dns_servers;
  const char       *fallback;
  double            timeout; /* 0: the profile's */
  const char       *warning, *critical;
  const char       *cacert, *proxy, *proxy_auth_file, *proxy_cacert;
  const char       *interface;
  enum ep_format    format;
  int               verbose;
  bool              help, version;
  struct ep_strlist hosts, expect_addresses;
  int               samples; /* 0: the profile's */
  const char       *nats_auth_file;
  struct ep_strlist expect_issuers;
  int               cert_warning_days, cert_critical_days; /* -1: unset */
};

void ep_cli_init(struct ep_cli *cli);
void ep_cli_cleanup(struct ep_cli *cli);

/* Parses argv.  extras: the per-check options this plugin accepts.  On a
 * usage error returns EP_EINVAL with one line naming the option and what
 * was wrong. */
enum ep_status ep_cli_parse(struct ep_cli *cli, int argc, char **argv,
                            unsigned extras, struct ep_err *err);

/* Help text for the shared options (several lines, newline-terminated). */
const char *ep_cli_shared_help(void);

#endif
