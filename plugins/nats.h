/* The nats probe: TCP to each endpoint (7422 by default, the leafnode
 * port), the server's INFO line read and judged, TLS where the server
 * requires it, then CONNECT and a timed PING/PONG. */
#ifndef EP_NATS_H
#define EP_NATS_H

#include "ep_config.h"
#include "ep_iface.h"
#include "ep_probe.h"
#include "ep_profile.h"
#include "ep_range.h"

/* A second attempt (small segments, ep_pmtu.h) starts only with at least
 * this long left before the deadline. */
#define EP_NATS_RETRY_MIN_S 0.1
#include "ep_secret.h"

#define EP_NATS_LINE_MAX (16u << 10)   /* one protocol line */
#define EP_NATS_READ_MAX (256u << 10)  /* all that may come before PONG */

struct ep_nats_options {
  const struct ep_iface  *iface;   /* NULL: any */
  const char             *cafile;  /* NULL: the system store */
  const char             *cafile_what; /* "--cacert", "profile https.cacert" */
  const struct ep_secret *secret;  /* NULL: no credentials; copied */
  bool                    allow_plaintext_credentials; /* without TLS too */
  struct ep_range         warn, crit; /* on the PING/PONG round trip */
};

/* What a server said in its INFO line. */
struct ep_nats_info {
  char      server_id[64];
  char      server_name[64];
  char      version[32];
  int       proto;
  bool      tls_required, tls_available, auth_required;
  bool      leafnode; /* a leafnode listener, not a client one */
  long long max_payload;
};

/* Parses one line (without its line end) that should be "INFO {json}".
 * EP_EPROTO with why ("not NATS: said '...'", "INFO is not a JSON object
 * (...)", "INFO without a server_id") otherwise.  Pure. */
enum ep_status ep_nats_parse_info(const char *line, size_t len,
                                  struct ep_nats_info *info, char *why,
                                  size_t size);

enum ep_nats_err_kind {
  EP_NATS_ERR_OTHER,
  EP_NATS_ERR_AUTH,        /* the credentials (or their absence) refused */
  EP_NATS_ERR_AUTH_TIMEOUT /* the server's timer ran out before CONNECT */
};

/* What a server's -ERR text (after "-ERR ") says.  Pure. */
enum ep_nats_err_kind ep_nats_classify_err(const char *text);

/* A printable, at most max-character rendering of what a peer said. */
void ep_nats_safe_text(const char *in, size_t len, size_t max, char *out,
                       size_t size);

/* A probe of targets ("HOST:PORT"; port 7422 when missing). */
struct ep_probe *ep_nats_probe_new(const struct ep_strlist *targets,
                                   const struct ep_nats_options *opts,
                                   struct ep_err *err);

/* The nats check: the profile's endpoints (or -H), thresholds on the
 * PING/PONG round trip; its probe reads the credentials file itself. */
extern const struct ep_probe_kind ep_nats_kind;

#endif
