/* The https probe: every target at once over TLS with SNI, through
 * libcurl's multi interface driven by the run's poll loop.  Names are
 * resolved by the run's resolver and handed to curl, unless a proxy
 * resolves them (CONNECT host:443). */
#ifndef EP_HTTPS_H
#define EP_HTTPS_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_config.h"
#include "ep_iface.h"
#include "ep_probe.h"
#include "ep_profile.h"
#include "ep_range.h"
#include "ep_secret.h"

/* Handshakes in flight at once: on loopback, where the CPU is the limit,
 * more only hold memory (docs/benchmarks.md).  A target that has held
 * its slot EP_HTTPS_SLOT_HOLD_S without ending is waiting on the network,
 * not the CPU, and gives it up: however far the targets, a run starts at
 * least EP_HTTPS_SLOTS / EP_HTTPS_SLOT_HOLD_S (640) of them a second. */
#ifndef EP_HTTPS_SLOTS
#define EP_HTTPS_SLOTS 64
#endif
#ifndef EP_HTTPS_SLOT_HOLD_S
#define EP_HTTPS_SLOT_HOLD_S 0.1
#endif
/* A second attempt (a proxy wanting another scheme, a handshake that
 * heard nothing: ep_pmtu.h) starts only with at least this long left
 * before the deadline. */
#define EP_HTTPS_RETRY_MIN_MS 100
/* An IPv6 attempt cut by the deadline is judged only when it had run at
 * least this long (and twice the IPv4 attempt's time). */
#define EP_HTTPS_V6_FAIR_S 1.0

#define EP_HTTPS_TRACE_MAX (16u << 10) /* -vvv: curl's trace per target */

struct ep_https_options {
  const struct ep_iface  *iface;    /* NULL: any */
  const char             *cafile;   /* NULL: the system store */
  const char             *cafile_what; /* "--cacert", "profile https.cacert" */
  const struct ep_strlist *expect_issuers; /* may be NULL or empty */
  struct ep_range         warn, crit;       /* on the total time */
  int                     cert_warn_days, cert_crit_days;
  const char             *proxy;        /* URL, NULL: direct */
  bool                    proxy_from_env;
  bool                    proxy_env_credentials; /* stripped, not used */
  const struct ep_secret *proxy_secret; /* NULL: none; copied */
  const char             *proxy_cafile; /* NULL: the system store */
  const char             *proxy_cafile_what;
  int                     verbose;      /* 3: keep curl's trace */
};

/* Whether a verified chain's issuers (full names, one per line) match
 * one of expect: a case-insensitive substring of any issuer's name.  On
 * a match, matched (if not NULL) gets the text that matched.  Pure. */
bool ep_https_issuer_expected(const char *issuers,
                              const struct ep_strlist *expect,
                              const char **matched);

/* A line of curl's trace as it may be shown: credentials headers have
 * their value replaced.  Pure; out is always terminated. */
void ep_https_trace_line(const char *in, size_t len, char *out, size_t size);

/* An HTTP status line as the server sent it. */
struct ep_http_status {
  char version[9]; /* "1.1", "2" */
  int  code;       /* 100..999 */
  char reason[64]; /* printable, may be empty */
};

/* Parses "HTTP/1.1 403 Forbidden\r\n" (or "HTTP/2 200"): false when the
 * line is not a status line.  Pure; the reason is cut and made
 * printable. */
bool ep_https_parse_status_line(const char *line, size_t len,
                                struct ep_http_status *st);

/* When line is the header name ("Server: nginx\r\n", any case), copies
 * its value, trimmed and printable, into out and returns true.  Pure. */
bool ep_https_header_value(const char *line, size_t len, const char *name,
                           char *out, size_t size);

/* A probe of targets ("HOST[:PORT]", port 443 when missing). */
struct ep_probe *ep_https_probe_new(const struct ep_strlist *targets,
                                    const struct ep_https_options *opts,
                                    struct ep_err *err);

/* The https check: the profile's domains (or -H), thresholds on the
 * total time; its probe reads the proxy credentials (--proxy-auth-file,
 * proxy.auth_file, or EDGEPROBE_PROXY_AUTH) and CA bundles itself. */
extern const struct ep_probe_kind ep_https_kind;

/* What the https check takes from the settings and the profile
 * (ep_check_config.own). */
struct ep_https_own {
  int cert_warn_days, cert_crit_days;
};

#endif
