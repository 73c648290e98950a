/* What the uplink carries: an HTTPS PUT of a generated body, paced at a
 * given rate (or unpaced) for a bounded time, through the run's proxy,
 * interface and CA, driven by the run's loop.  The rate that counts is
 * what the receiver acknowledged (TCP_INFO on the upload's socket), not
 * what was written into the socket's buffer; the socket's smoothed round
 * trip under the load, against its idle one, tells a queue. */
#ifndef UPLINK_UPLOAD_H
#define UPLINK_UPLOAD_H

#include <stdbool.h>
#include <time.h>

#include <curl/curl.h>

#include "ep_err.h"
#include "ep_iface.h"
#include "ep_pollset.h"
#include "ep_secret.h"

struct ep_uplink_upload_setup {
  const char             *url;       /* https:// */
  const char             *resolve;   /* "host:port:addr", NULL: curl's or
                                        the proxy's */
  const struct ep_iface  *iface;     /* NULL: any */
  const struct curl_blob *ca;        /* NULL: the system store */
  const char             *proxy;     /* NULL: direct */
  const struct curl_blob *proxy_ca;  /* NULL: the system store */
  const struct ep_secret *proxy_secret; /* NULL: none */
  const struct ep_secret *auth;      /* NULL: none */
  double                  rate_bps;  /* the pace; 0: unpaced */
  double                  seconds;   /* the upload's length */
};

enum ep_uplink_upload_outcome {
  EP_UPLOAD_NOT_RUN,
  EP_UPLOAD_FAILED,   /* never got to send the body: error says why */
  EP_UPLOAD_REFUSED,  /* an error status as the body started (401, 413) */
  EP_UPLOAD_MEASURED  /* the body went for the whole window */
};

struct ep_uplink_upload_result {
  enum ep_uplink_upload_outcome outcome;
  char   error[256];   /* FAILED: curl's words, or ours */
  int    os_errno;     /* FAILED: the socket's error, when known */
  long   status;       /* the HTTP status, 0: none came */
  long   connect_code; /* the proxy's answer to CONNECT, 0: none */
  char   reason[64];   /* the status line's words */
  double window;       /* s the body went (the measurement's length) */
  bool   cut;          /* the run's deadline made it shorter than asked */
  double written, acked; /* bytes into the socket, acked by the peer */
  double rate_bps;     /* acked * 8 / window */
  bool   have_delivery;
  double delivery_bps; /* the kernel's delivery rate, not app-limited */
  bool   have_idle, have_loaded;
  double idle_rtt, loaded_rtt; /* s */
  unsigned retransmits;
  bool   body_done;    /* the whole body was written */
};

struct ep_uplink_upload;

/* An upload as setup says (copied: its strings must outlive it).  NULL
 * with err set when curl cannot be set up. */
struct ep_uplink_upload *ep_uplink_upload_new(
  const struct ep_uplink_upload_setup *setup, struct ep_err *err);
void ep_uplink_upload_free(struct ep_uplink_upload *u);

/* Starts the transfer; deadline bounds it (the window is cut to end
 * before it). */
void ep_uplink_upload_start(struct ep_uplink_upload *u, struct timespec now,
                            struct timespec deadline);
enum ep_status ep_uplink_upload_pollset(const struct ep_uplink_upload *u,
                                        struct ep_pollset *ps);
void ep_uplink_upload_on_ready(struct ep_uplink_upload *u,
                               const struct ep_pollset *ps,
                               struct timespec now);
bool ep_uplink_upload_done(const struct ep_uplink_upload *u);
/* What it found, also when the deadline ended it. */
void ep_uplink_upload_result(struct ep_uplink_upload *u, struct timespec now,
                             struct ep_uplink_upload_result *out);

#endif
