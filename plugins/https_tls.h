/* What the https probe learns of a TLS handshake that libcurl drives:
 * OpenSSL callbacks, installed through CURLOPT_SSL_CTX_FUNCTION, record
 * the chain, each error and the handshake's moments, because curl 7.88
 * keeps none of it after a failed verification. */
#ifndef EP_HTTPS_TLS_H
#define EP_HTTPS_TLS_H

#include <stdbool.h>
#include <time.h>

#include <openssl/x509.h>

#include "ep_addr.h"

#define EP_HTTPS_NAME_MAX 160
#define EP_HTTPS_ISSUERS_MAX 1024

struct ep_https_tls_seen {
  char            host[EP_HOST_MAX]; /* the name the server must prove */
  bool            hello_sent;        /* our ClientHello went out */
  bool            server_hello;      /* and the server answered it */
  bool            handshake_done;
  struct timespec t_hello, t_done, t_failed;
  struct timespec t_server_hello; /* when its answer was read */
  /* The first verification error and the certificate it was found at. */
  long            verify_error;
  int             error_depth;
  char            error_subject[EP_HTTPS_NAME_MAX];
  char            error_issuer[EP_HTTPS_NAME_MAX];
  double          error_days; /* until the certificate at the error expires */
  char            version[16], cipher[64];
  /* The leaf, and the soonest expiry: of the verified chain, or of what
   * the server sent when nothing verified (a server may send more than
   * the path, an expired cross-sign say: only the path counts). */
  bool            have_leaf;
  char            subject[EP_HTTPS_NAME_MAX], issuer[EP_HTTPS_NAME_MAX];
  double          leaf_days, soonest_days;
  X509           *leaf;   /* a reference, for the name check */
  /* The chain as verified: its issuers' full names, one per line, and
   * its trust anchor. */
  bool            chain_verified;
  char            issuers[EP_HTTPS_ISSUERS_MAX];
  X509           *anchor;
};

/* host: the name the server must prove (a final dot is not part of it,
 * as curl sends and checks it). */
void ep_https_tls_seen_init(struct ep_https_tls_seen *s, const char *host);
void ep_https_tls_seen_cleanup(struct ep_https_tls_seen *s);

/* Installs the recorders on a context curl made (from its
 * CURLOPT_SSL_CTX_FUNCTION) so that its connection's handshake is told in
 * seen; verification's verdict is left as it is.  false when out of
 * memory. */
bool ep_https_tls_install(void *ssl_ctx, struct ep_https_tls_seen *seen);

/* Whether the leaf seen is for host (a name, or an address literal). */
bool ep_https_tls_leaf_matches(const struct ep_https_tls_seen *s);

#endif
