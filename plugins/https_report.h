/* What the https probe knows of each target when the run ends, and how
 * it is judged and told: the verdict, the target's line, its perfdata and
 * JSON figures, and the summary that names a shared cause once. */
#ifndef EP_HTTPS_REPORT_H
#define EP_HTTPS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ep_addr.h"
#include "ep_buf.h"
#include "ep_resolver.h"
#include "ep_result.h"
#include "https.h"
#include "https_tls.h"

#define EP_HTTPS_CURL_ERROR_MAX 256 /* CURL_ERROR_SIZE */

enum ep_https_phase {
  EP_HTTPS_RESOLVE,    /* the run's resolver has the target's name */
  EP_HTTPS_WAIT_PROXY, /* the proxy's name is being resolved */
  EP_HTTPS_QUEUED,     /* ready, waiting for a handshake slot */
  EP_HTTPS_TRANSFER,   /* curl has it */
  EP_HTTPS_DONE
};

/* Why a target was tried a second time, the first attempt's answer
 * having said what to change. */
enum ep_https_retry {
  EP_HTTPS_RETRY_NONE,
  EP_HTTPS_RETRY_AUTH,     /* the proxy asked for a scheme other than Basic */
  EP_HTTPS_RETRY_SMALL_MSS /* nothing came back after the ClientHello */
};

struct ep_https_target {
  char                     spec[EP_HOST_MAX + 8];
  struct ep_hostport       hp;
  enum ep_https_phase      phase;
  char                     failure[400]; /* set when it failed outside curl */
  const char              *failure_code; /* its cause (ep_cause.h) */
  /* Where this host has a global IPv6 address, a named target is tried
   * over each family: the IPv4 attempt (the target) points to its IPv6
   * twin, which is not reported on its own.  On the twin, v6_tried says
   * whether it was started, and v6_skipped why not ("no AAAA record"). */
  struct ep_https_target  *twin;
  bool                     is_twin, v6_tried;
  char                     v6_skipped[280];
  /* Cut by the deadline: how long the attempt had run (from its start,
   * a queued one's 0). */
  double                   cut_after_s;
  /* The lookup of the name (direct) or of the proxy (behind one). */
  bool                     have_resolve;
  double                   resolve_s;
  char                     resolved_by[96];
  char                     addr[EP_DNS_ADDR_TEXT]; /* the address curl used */
  /* curl's side. */
  void                    *easy; /* CURL * */
  void                    *resolve_list; /* struct curl_slist * */
  char                     errbuf[EP_HTTPS_CURL_ERROR_MAX];
  struct timespec          t_added;
  /* curl forgets its phase times when verification fails: the TCP
   * connect is timed here too, from the socket made to it writable. */
  int                      conn_fd;
  bool                     have_tcp;
  struct timespec          t_socket, t_tcp;
  bool                     holds_slot; /* counts against the handshake cap */
  void                    *trust; /* X509_STORE *: the run's, shared */
  bool                     finished; /* curl said it was done */
  int                      curl_code;
  long                     status, connect_code, os_errno;
  long                     proxy_auth_avail; /* CURLAUTH_* the 407 offered */
  bool                     proxy_credentials, proxy_token; /* we had */
  enum ep_https_retry      retry; /* the attempt judged is a second one */
  double                   first_silent_s; /* the first's, after its hello */
  bool                     retry_denied; /* wanted, but too late */
  long                     verify_result, proxy_verify_result;
  bool                     headers_done; /* a final status's headers are in */
  struct ep_http_status    status_line;  /* as the server sent it */
  char                     server_header[64]; /* its Server: header */
  bool                     body_stopped; /* and the body was not read */
  bool                     have_connect, have_tls, have_first_byte, have_total;
  double                   connect_s, tls_s, first_byte_s, total_s;
  struct ep_https_tls_seen seen;
  /* An https proxy's own handshake, told apart from the target's. */
  bool                     proxy_tls;
  struct ep_https_tls_seen proxy_seen;
  struct ep_buf            trace; /* -vvv */
};

/* Fills out (check "https") from the targets' final state. */
enum ep_status ep_https_report(const struct ep_https_target *targets,
                               size_t n, const struct ep_https_options *opts,
                               struct ep_check_result *out,
                               struct ep_err *err);

#endif
