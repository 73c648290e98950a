#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ep_time.h"
#include "ep_tls.h"
#include "https_tls.h"

/* Where a context finds its record: one ex_data index per process. */
static int            seen_index = -1;
static pthread_once_t seen_once = PTHREAD_ONCE_INIT;

static void
make_seen_index(void)
{
  seen_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

void
ep_https_tls_seen_init(struct ep_https_tls_seen *s, const char *host)
{
  size_t len;

  memset(s, 0, sizeof *s);
  snprintf(s->host, sizeof s->host, "%s", host);
  len = strlen(s->host);
  if (len > 1 && s->host[len - 1] == '.')
    s->host[len - 1] = '\0';
}

void
ep_https_tls_seen_cleanup(struct ep_https_tls_seen *s)
{
  X509_free(s->leaf);
  X509_free(s->anchor);
  s->leaf = s->anchor = NULL;
}

/* The record of ssl's handshake. */
static struct ep_https_tls_seen *
seen_of(const SSL *ssl)
{
  if (!ssl || seen_index < 0)
    return NULL;
  return SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), seen_index);
}

static void
note_protocol(struct ep_https_tls_seen *s, const SSL *ssl)
{
  const SSL_CIPHER *c = SSL_get_current_cipher(ssl);

  /* Before the handshake ends (TLS 1.2), only the pending one is known. */
  if (!c)
    c = SSL_get_pending_cipher(ssl);

  snprintf(s->version, sizeof s->version, "%s", SSL_get_version(ssl));
  if (c)
    snprintf(s->cipher, sizeof s->cipher, "%s", SSL_CIPHER_get_name(c));
}

static void
on_info(const SSL *ssl, int where, int ret)
{
  struct ep_https_tls_seen *s = seen_of(ssl);

  (void)ret;
  if (!s)
    return;
  /* TLS 1.3 session tickets start and finish "handshakes" of their own
   * later: only the first of each counts. */
  if ((where & SSL_CB_HANDSHAKE_START) && !s->hello_sent) {
    s->t_hello = ep_time_now();
  } else if ((where & SSL_CB_LOOP) && (where & SSL_ST_CONNECT)) {
    OSSL_HANDSHAKE_STATE st = SSL_get_state(ssl);

    if (st == TLS_ST_CW_CLNT_HELLO)
      s->hello_sent = true;
    else if (st == TLS_ST_CR_SRVR_HELLO && !s->server_hello) {
      s->server_hello = true;
      s->t_server_hello = ep_time_now();
    }
  } else if ((where & SSL_CB_HANDSHAKE_DONE) && !s->handshake_done) {
    s->handshake_done = true;
    s->t_done = ep_time_now();
    note_protocol(s, ssl);
  }
}

static void
note_days(struct ep_https_tls_seen *s, STACK_OF(X509) *chain)
{
  double d;
  int    i;

  for (i = 0; chain && i < sk_X509_num(chain); i++)
    if (ep_tls_days_left(sk_X509_value(chain, i), &d) && d < s->soonest_days)
      s->soonest_days = d;
}

static void
note_leaf(struct ep_https_tls_seen *s, X509 *leaf)
{
  if (!leaf || s->have_leaf)
    return;
  s->have_leaf = true;
  ep_tls_name(X509_get_subject_name(leaf), s->subject, sizeof s->subject);
  ep_tls_name(X509_get_issuer_name(leaf), s->issuer, sizeof s->issuer);
  if (!ep_tls_days_left(leaf, &s->leaf_days))
    s->leaf_days = 0;
  s->soonest_days = s->leaf_days;
  if (X509_up_ref(leaf))
    s->leaf = leaf;
}

/* The issuers of a verified chain, full names, one per line: what
 * --expect-issuer is matched against. */
static void
note_chain(struct ep_https_tls_seen *s, STACK_OF(X509) *chain)
{
  size_t len = 0;
  X509  *top;
  int    i;

  s->issuers[0] = '\0';
  for (i = 0; chain && i < sk_X509_num(chain); i++) {
    char name[EP_HTTPS_NAME_MAX * 2];
    int  n;

    X509_NAME_oneline(X509_get_issuer_name(sk_X509_value(chain, i)), name,
                      (int)sizeof name);
    n = snprintf(s->issuers + len, sizeof s->issuers - len, "%s\n", name);
    if (n < 0 || (size_t)n >= sizeof s->issuers - len)
      break;
    len += (size_t)n;
  }
  top = chain && sk_X509_num(chain) > 0
          ? sk_X509_value(chain, sk_X509_num(chain) - 1)
          : NULL;
  X509_free(s->anchor);
  s->anchor = top && X509_up_ref(top) ? top : NULL;
  s->chain_verified = true;
}

/* The soonest expiry of a verified chain: the path, not whatever else
 * the server sent. */
static void
note_chain_days(struct ep_https_tls_seen *s, STACK_OF(X509) *chain)
{
  s->soonest_days = s->leaf_days;
  note_days(s, chain);
}

/* Records and passes the verdict on: curl still decides. */
static int
on_verify(int preverify_ok, X509_STORE_CTX *x)
{
  SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
  struct ep_https_tls_seen *s = seen_of(ssl);
  int                       depth = X509_STORE_CTX_get_error_depth(x);

  if (!s)
    return preverify_ok;
  note_protocol(s, ssl);
  note_leaf(s, X509_STORE_CTX_get0_cert(x));
  if (!s->chain_verified)
    note_days(s, X509_STORE_CTX_get0_untrusted(x));
  if (!preverify_ok && s->verify_error == 0) {
    X509 *at = X509_STORE_CTX_get_current_cert(x);

    s->verify_error = X509_STORE_CTX_get_error(x);
    s->error_depth = depth;
    s->t_failed = ep_time_now();
    if (at && !ep_tls_days_left(at, &s->error_days))
      s->error_days = 0;
    if (at) {
      ep_tls_name(X509_get_subject_name(at), s->error_subject,
                  sizeof s->error_subject);
      ep_tls_name(X509_get_issuer_name(at), s->error_issuer,
                  sizeof s->error_issuer);
    }
  }
  if (preverify_ok && depth == 0 && s->verify_error == 0) {
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(x);

    note_chain_days(s, chain);
    note_chain(s, chain);
  }
  return preverify_ok;
}

bool
ep_https_tls_install(void *ssl_ctx, struct ep_https_tls_seen *seen)
{
  SSL_CTX *ctx = ssl_ctx;

  pthread_once(&seen_once, make_seen_index);
  if (seen_index < 0 || !SSL_CTX_set_ex_data(ctx, seen_index, seen))
    return false;
  SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), on_verify);
  SSL_CTX_set_info_callback(ctx, on_info);
  return true;
}

bool
ep_https_tls_leaf_matches(const struct ep_https_tls_seen *s)
{
  if (!s->leaf)
    return true; /* nothing to say otherwise */
  if (ep_addr_is_literal(s->host))
    return X509_check_ip_asc(s->leaf, s->host, 0) == 1;
  return X509_check_host(s->leaf, s->host, 0, 0, NULL) == 1;
}
