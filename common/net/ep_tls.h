/* TLS for the probes over their own non-blocking sockets (OpenSSL): one
 * verifying context per run, a handshake driven by the run's loop, and a
 * verdict that names what failed (expired, wrong name, interception...)
 * with the certificate details, also when verification fails. */
#ifndef EP_TLS_H
#define EP_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <sys/types.h>

#include <openssl/x509.h>

#include "ep_err.h"
#include "ep_result.h"

struct ep_tls_ctx; /* per run: the trust store, loaded once */
struct ep_tls;     /* per connection */

#define EP_TLS_CA_FILE_MAX (8u << 20) /* a CA bundle, PEM */

/* Reads a CA bundle named by what ("--cacert", "profile https.cacert"):
 * a regular file of PEM certificates, at least one.  Returns its text in
 * *pem (free() it), or an error naming the file and what is wrong with
 * it ("no certificate in it"), before anything is sent. */
enum ep_status ep_tls_ca_load(const char *path, const char *what, char **pem,
                              size_t *len, struct ep_err *err);

/* A trust store of the PEM certificates pem (checked by ep_tls_ca_load),
 * or of the system's hashed directory /etc/ssl/certs when pem is NULL
 * (it loads an issuer when a chain first needs it, and keeps it).  One
 * per run, shared by every connection: loading CAs per handshake costs
 * more than the handshake.  NULL with err set. */
X509_STORE *ep_tls_store_new(const char *pem, size_t len, struct ep_err *err);

/* A context trusting cafile (a PEM bundle, checked by ep_tls_ca_load),
 * or the system store's hashed directory /etc/ssl/certs when cafile is
 * NULL (it loads only the issuers a chain needs).  NULL with err set
 * when cafile cannot be used; what names it in the message. */
struct ep_tls_ctx *ep_tls_ctx_new(const char *cafile, const char *what,
                                  struct ep_err *err);
void               ep_tls_ctx_free(struct ep_tls_ctx *ctx);

/* Starts a client session on a connected socket.  host is the name the
 * peer must prove (SNI is sent only for names, not for addresses). */
struct ep_tls *ep_tls_new(struct ep_tls_ctx *ctx, int fd, const char *host,
                          struct ep_err *err);
void           ep_tls_free(struct ep_tls *t);

enum ep_tls_step { EP_TLS_DONE, EP_TLS_WANT_READ, EP_TLS_WANT_WRITE,
                   EP_TLS_FAILED };

/* Advances the handshake; on EP_TLS_FAILED, why says what went wrong. */
enum ep_tls_step ep_tls_handshake(struct ep_tls *t, char *why, size_t size);

/* Reads or writes application data: > 0 bytes, 0 closed, -1 error
 * (why set), -2 would block. */
ssize_t ep_tls_read(struct ep_tls *t, void *buf, size_t len, char *why,
                    size_t size);

/* When the bytes the last ep_tls_read() consumed arrived: the kernel's
 * receive stamp on CLOCK_MONOTONIC (ep_time_now()'s clock); false when
 * none came. */
bool ep_tls_rx_stamp(const struct ep_tls *t, struct timespec *at);

/* When the last write to the socket began (ep_time_now()'s clock). */
struct timespec ep_tls_tx_stamp(const struct ep_tls *t);
ssize_t ep_tls_write(struct ep_tls *t, const void *buf, size_t len,
                     char *why, size_t size);

struct ep_tls_report {
  bool   verified;
  long   verify_code;   /* OpenSSL's X509_V_* result */
  char   problem[320];  /* "" when verified: "certificate expired", ... */
  const char *cause;    /* its code (ep_cause.h); NULL when verified */
  bool   interception;  /* the issuer is unknown: TLS inspection? */
  char   version[16];   /* "TLSv1.3" */
  char   cipher[64];
  char   subject[160];
  char   issuer[160];
  bool   have_days;
  double leaf_days;     /* until the leaf expires (negative: expired) */
  double soonest_days;  /* the soonest expiry in the chain sent */
};

/* Describes the finished handshake's peer (its chain, the verdict). */
void ep_tls_describe(struct ep_tls *t, struct ep_tls_report *r);

/* Sets verified, interception and problem from r->verify_code (with
 * subject, issuer and leaf_days already filled): the one wording of
 * every TLS verdict.  unknown_issuer names the CA nobody trusts, when
 * known (NULL: r->issuer); host is the name the peer had to prove. */
void ep_tls_judge(struct ep_tls_report *r, const char *unknown_issuer,
                  const char *host);

/* "CN=..." when the name has a common name, else its one-line form. */
void ep_tls_name(X509_NAME *n, char *out, size_t size);

/* Days until x expires (negative: expired); false when unreadable. */
bool ep_tls_days_left(X509 *x, double *days);

/* Whether a trust anchor that verified a chain is a public one: found in
 * hashed_dir (OpenSSL's c_rehash layout, /etc/ssl/certs) as a link into
 * public_dir (/usr/share/ca-certificates/mozilla).  A CA the site added
 * itself, or one only a --cacert file holds, is not. */
bool ep_tls_anchor_is_public(X509 *anchor, const char *hashed_dir,
                             const char *public_dir);

#define EP_TLS_SYSTEM_CA_DIR "/etc/ssl/certs"
#define EP_TLS_PUBLIC_CA_DIR "/usr/share/ca-certificates/mozilla"

/* OpenSSL and libcurl may write to a socket whose peer has gone: this
 * thread blocks SIGPIPE around such calls and takes back one they raised
 * (the core installs no signal handlers). */
struct ep_sigpipe_guard {
  sigset_t old;
  bool     was_pending;
};

void ep_sigpipe_block(struct ep_sigpipe_guard *g);
void ep_sigpipe_restore(struct ep_sigpipe_guard *g);

#endif
