#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ep_addr.h"
#include "ep_cause.h"
#include "ep_file.h"
#include "ep_rxtime.h"
#include "ep_time.h"
#include "ep_tls.h"



struct ep_tls_ctx {
  SSL_CTX *ssl;
};

struct ep_tls {
  SSL            *ssl;
  int             fd;
  char            host[EP_HOST_MAX];
  bool            have_rx;
  struct timespec last_rx; /* when the bytes last read arrived */
  struct timespec last_tx; /* when the last write to the socket began */
};

/* Before each read of the socket under the session, the kernel's stamp
 * of the data waiting (a peek): one SSL_read() may consume a record that
 * woke the loop (a TLS 1.3 session ticket) and then one that arrived
 * later, and the answer's time is the later one's.  Before each write,
 * the clock: SSL_write() may spend longer after its write() than a round
 * trip on a LAN, and a request is sent when its bytes go, not when the
 * call returns. */
static long
stamp_reads(BIO *b, int oper, const char *argp, size_t len, int argi,
            long argl, int ret, size_t *processed)
{
  struct ep_tls   *t = (struct ep_tls *)BIO_get_callback_arg(b);
  struct ep_rxtime rx;
  char             byte;

  (void)argp;
  (void)len;
  (void)argi;
  (void)argl;
  (void)processed;
  if (oper == BIO_CB_READ && t &&
      ep_rxtime_recv(t->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT, NULL, NULL,
                     CLOCK_MONOTONIC, &rx) > 0) {
    t->last_rx = rx.at;
    t->have_rx = true;
  }
  if (oper == BIO_CB_WRITE && t)
    t->last_tx = ep_time_now();
  return ret;
}

/* OpenSSL writes to the socket with write(): a peer gone away raises
 * SIGPIPE, which would kill a check plugin.  The core installs no signal
 * handlers, so this thread blocks SIGPIPE around each call and takes back
 * one that the call raised (as libpq does). */
void
ep_sigpipe_block(struct ep_sigpipe_guard *g)
{
  sigset_t pipe_only, pending;

  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &g->old);
  sigpending(&pending);
  g->was_pending = sigismember(&pending, SIGPIPE) == 1;
}

void
ep_sigpipe_restore(struct ep_sigpipe_guard *g)
{
  sigset_t        pipe_only, pending;
  struct timespec zero = {0, 0};

  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  sigpending(&pending);
  if (!g->was_pending && sigismember(&pending, SIGPIPE) == 1)
    sigtimedwait(&pipe_only, NULL, &zero);
  pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

static void
openssl_error(char *why, size_t size, const char *what)
{
  unsigned long e = ERR_get_error();
  char          buf[200];

  if (e) {
    ERR_error_string_n(e, buf, sizeof buf);
    snprintf(why, size, "%s: %s", what, buf);
  } else {
    snprintf(why, size, "%s", what);
  }
  ERR_clear_error();
}

/* Adds the PEM certificates of text to store (when not NULL); returns how
 * many there were, or -1 when the text is not PEM. */
static int
add_pem_certs(const char *text, size_t len, X509_STORE *store)
{
  BIO                     *bio = BIO_new_mem_buf(text, (int)len);
  STACK_OF(X509_INFO)     *infos;
  int                      i, n = 0;

  if (!bio)
    return -1;
  infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
  BIO_free(bio);
  if (!infos)
    return -1;
  for (i = 0; i < sk_X509_INFO_num(infos); i++) {
    X509_INFO *xi = sk_X509_INFO_value(infos, i);

    if (!xi->x509)
      continue;
    if (store && X509_STORE_add_cert(store, xi->x509) != 1) {
      n = -1;
      break;
    }
    n++;
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  return n;
}

enum ep_status
ep_tls_ca_load(const char *path, const char *what, char **pem, size_t *len,
               struct ep_err *err)
{
  char why[200];
  int  n;

  if (ep_file_read(path, what, EP_TLS_CA_FILE_MAX, pem, len, err) != EP_OK) {
    if (err && err->code == EP_EIO)
      err->code = EP_EINVAL;
    return EP_EINVAL;
  }
  n = (int)*len == 0 ? 0 : add_pem_certs(*pem, *len, NULL);
  if (n > 0) {
    ERR_clear_error();
    return EP_OK;
  }
  if (n < 0) {
    openssl_error(why, sizeof why, "not PEM certificates");
    ep_err_set(err, EP_EINVAL, "%s %s: %s", what, path, why);
  } else {
    ERR_clear_error();
    ep_err_set(err, EP_EINVAL,
               "%s %s: no certificate in it (expected PEM certificates)",
               what, path);
  }
  free(*pem);
  *pem = NULL;
  *len = 0;
  return EP_EINVAL;
}

X509_STORE *
ep_tls_store_new(const char *pem, size_t len, struct ep_err *err)
{
  X509_STORE *store = X509_STORE_new();
  char        why[256];

  if (!store) {
    ep_err_set(err, EP_ENOMEM, "cannot create a trust store");
    return NULL;
  }
  if (pem) {
    if (add_pem_certs(pem, len, store) <= 0) {
      openssl_error(why, sizeof why, "cannot load the CA certificates");
      ep_err_set(err, EP_EINVAL, "%s", why);
      X509_STORE_free(store);
      return NULL;
    }
  } else if (X509_STORE_load_path(store, EP_TLS_SYSTEM_CA_DIR) != 1) {
    openssl_error(why, sizeof why, "cannot use " EP_TLS_SYSTEM_CA_DIR);
    ep_err_set(err, EP_EIO, "%s", why);
    X509_STORE_free(store);
    return NULL;
  }
  ERR_clear_error();
  return store;
}

struct ep_tls_ctx *
ep_tls_ctx_new(const char *cafile, const char *what, struct ep_err *err)
{
  struct ep_tls_ctx *c = calloc(1, sizeof *c);
  X509_STORE        *store;
  char              *pem = NULL;
  size_t             len = 0;

  if (!c || !(c->ssl = SSL_CTX_new(TLS_client_method()))) {
    free(c);
    ep_err_set(err, EP_ENOMEM, "cannot create a TLS context");
    return NULL;
  }
  SSL_CTX_set_min_proto_version(c->ssl, TLS1_2_VERSION);
  /* Verification runs, but its verdict is ours to report: the handshake
   * goes on so the certificate can be described even when it fails, and
   * nothing is sent over a connection that failed. */
  SSL_CTX_set_verify(c->ssl, SSL_VERIFY_NONE, NULL);
  if (cafile && ep_tls_ca_load(cafile, what, &pem, &len, err) != EP_OK) {
    ep_tls_ctx_free(c);
    return NULL;
  }
  store = ep_tls_store_new(pem, len, err);
  free(pem);
  if (!store) {
    if (cafile && err) {
      char why[sizeof err->msg];

      snprintf(why, sizeof why, "%s", err->msg);
      ep_err_set(err, err->code, "%s %s: %s", what, cafile, why);
    }
    ep_tls_ctx_free(c);
    return NULL;
  }
  SSL_CTX_set_cert_store(c->ssl, store);
  return c;
}

void
ep_tls_ctx_free(struct ep_tls_ctx *c)
{
  if (!c)
    return;
  SSL_CTX_free(c->ssl);
  free(c);
}

struct ep_tls *
ep_tls_new(struct ep_tls_ctx *ctx, int fd, const char *host,
           struct ep_err *err)
{
  struct ep_tls *t = calloc(1, sizeof *t);

  if (!t || !(t->ssl = SSL_new(ctx->ssl))) {
    free(t);
    ep_err_set(err, EP_ENOMEM, "cannot create a TLS session");
    return NULL;
  }
  snprintf(t->host, sizeof t->host, "%s", host);
  t->fd = fd;
  SSL_set_fd(t->ssl, fd);
  ep_rxtime_enable(fd);
  BIO_set_callback_ex(SSL_get_rbio(t->ssl), stamp_reads);
  BIO_set_callback_arg(SSL_get_rbio(t->ssl), (char *)t);
  if (ep_addr_is_literal(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), host);
  } else {
    SSL_set_tlsext_host_name(t->ssl, host);
    SSL_set1_host(t->ssl, host);
  }
  return t;
}

void
ep_tls_free(struct ep_tls *t)
{
  if (!t)
    return;
  SSL_free(t->ssl);
  free(t);
}

static enum ep_tls_step
step_of(struct ep_tls *t, int rc, char *why, size_t size, const char *what)
{
  int e = SSL_get_error(t->ssl, rc);

  if (e == SSL_ERROR_WANT_READ)
    return EP_TLS_WANT_READ;
  if (e == SSL_ERROR_WANT_WRITE)
    return EP_TLS_WANT_WRITE;
  if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
    snprintf(why, size, "%s: %s", what,
             errno ? ep_strerror(errno).text : "the peer closed the connection");
  else
    openssl_error(why, size, what);
  return EP_TLS_FAILED;
}

enum ep_tls_step
ep_tls_handshake(struct ep_tls *t, char *why, size_t size)
{
  struct ep_sigpipe_guard g;
  enum ep_tls_step     st = EP_TLS_DONE;
  int                  rc;

  ERR_clear_error();
  errno = 0;
  ep_sigpipe_block(&g);
  rc = SSL_connect(t->ssl);
  if (rc != 1)
    st = step_of(t, rc, why, size, "TLS handshake failed");
  ep_sigpipe_restore(&g);
  return st;
}

ssize_t
ep_tls_read(struct ep_tls *t, void *buf, size_t len, char *why, size_t size)
{
  struct ep_sigpipe_guard g;
  ssize_t              n;
  int                  rc;

  ERR_clear_error();
  errno = 0;
  ep_sigpipe_block(&g);
  rc = SSL_read(t->ssl, buf, len > 65536 ? 65536 : (int)len);
  if (rc > 0)
    n = rc;
  else if (SSL_get_error(t->ssl, rc) == SSL_ERROR_ZERO_RETURN)
    n = 0;
  else if (step_of(t, rc, why, size, "TLS read failed") != EP_TLS_FAILED)
    n = -2;
  else
    n = -1;
  ep_sigpipe_restore(&g);
  return n;
}

struct timespec
ep_tls_tx_stamp(const struct ep_tls *t)
{
  return t->last_tx;
}

bool
ep_tls_rx_stamp(const struct ep_tls *t, struct timespec *at)
{
  if (t->have_rx)
    *at = t->last_rx;
  return t->have_rx;
}

ssize_t
ep_tls_write(struct ep_tls *t, const void *buf, size_t len, char *why,
             size_t size)
{
  struct ep_sigpipe_guard g;
  ssize_t              n;
  int                  rc;

  ERR_clear_error();
  errno = 0;
  ep_sigpipe_block(&g);
  rc = SSL_write(t->ssl, buf, len > 65536 ? 65536 : (int)len);
  if (rc > 0)
    n = rc;
  else if (step_of(t, rc, why, size, "TLS write failed") != EP_TLS_FAILED)
    n = -2;
  else
    n = -1;
  ep_sigpipe_restore(&g);
  return n;
}

void
ep_tls_name(X509_NAME *n, char *out, size_t size)
{
  int i = n ? X509_NAME_get_index_by_NID(n, NID_commonName, -1) : -1;

  out[0] = '\0';
  if (i >= 0) {
    ASN1_STRING   *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
    unsigned char *utf8 = NULL;
    int            len = ASN1_STRING_to_UTF8(&utf8, s);

    if (len >= 0) {
      snprintf(out, size, "CN=%.*s", len, (const char *)utf8);
      OPENSSL_free(utf8);
      return;
    }
  }
  if (n)
    X509_NAME_oneline(n, out, (int)size);
}

bool
ep_tls_days_left(X509 *x, double *days)
{
  int pday = 0, psec = 0;

  if (!x || !ASN1_TIME_diff(&pday, &psec, NULL, X509_get0_notAfter(x)))
    return false;
  *days = pday + psec / 86400.0;
  return true;
}

void
ep_tls_judge(struct ep_tls_report *r, const char *unknown_issuer,
             const char *host)
{
  const char *v;

  r->verified = r->verify_code == X509_V_OK;
  r->interception = false;
  r->problem[0] = '\0';
  r->cause = NULL;
  switch (r->verify_code) {
    case X509_V_OK:
      break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      /* A chain to an issuer nobody here trusts: what a TLS-inspecting
       * firewall's re-signed certificates look like. */
      r->interception = true;
      r->cause = EP_CAUSE_TLS_INTERCEPTION;
      snprintf(r->problem, sizeof r->problem,
               "TLS interception suspected (issuer: %s)",
               unknown_issuer && *unknown_issuer ? unknown_issuer : r->issuer);
      break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      r->cause = EP_CAUSE_TLS_SELF_SIGNED;
      snprintf(r->problem, sizeof r->problem,
               "self-signed certificate (%s)", r->subject);
      break;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      r->cause = EP_CAUSE_TLS_EXPIRED;
      snprintf(r->problem, sizeof r->problem, "certificate expired %.0f days "
               "ago", -r->leaf_days);
      break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      r->cause = EP_CAUSE_TLS_NOT_YET_VALID;
      snprintf(r->problem, sizeof r->problem, "certificate not yet valid");
      break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      r->cause = EP_CAUSE_TLS_WRONG_NAME;
      snprintf(r->problem, sizeof r->problem,
               "certificate for the wrong name (%.100s, not %.120s)",
               r->subject, host);
      break;
    default:
      r->cause = EP_CAUSE_TLS_UNTRUSTED;
      v = X509_verify_cert_error_string(r->verify_code);
      snprintf(r->problem, sizeof r->problem, "certificate not verified: %s",
               v ? v : "unknown error");
      break;
  }
}

bool
ep_tls_anchor_is_public(X509 *anchor, const char *hashed_dir,
                        const char *public_dir)
{
  unsigned long hash = X509_subject_name_hash(anchor);
  size_t        plen = strlen(public_dir);
  char          path[512];
  int           i;

  /* The hashed directory names each trusted CA by its subject's hash;
   * following the link says where the certificate came from: Debian's
   * Mozilla set, or a CA the site added itself. */
  for (i = 0; i < 16; i++) {
    char *real;
    FILE *f;
    X509 *x = NULL;
    bool  same, public;

    snprintf(path, sizeof path, "%s/%08lx.%d", hashed_dir, hash, i);
    if (!(real = realpath(path, NULL)))
      break;
    public = strncmp(real, public_dir, plen) == 0 && real[plen] == '/';
    if ((f = fopen(real, "r")) != NULL) {
      x = PEM_read_X509(f, NULL, NULL, NULL);
      fclose(f);
    }
    free(real);
    same = x && X509_cmp(x, anchor) == 0;
    X509_free(x);
    if (same)
      return public;
  }
  ERR_clear_error();
  return false;
}

void
ep_tls_describe(struct ep_tls *t, struct ep_tls_report *r)
{
  X509           *leaf = SSL_get1_peer_certificate(t->ssl);
  STACK_OF(X509) *chain = SSL_get_peer_cert_chain(t->ssl);
  int             i;
  double          d;

  memset(r, 0, sizeof r[0]);
  snprintf(r->version, sizeof r->version, "%s", SSL_get_version(t->ssl));
  snprintf(r->cipher, sizeof r->cipher, "%s",
           SSL_CIPHER_get_name(SSL_get_current_cipher(t->ssl)));
  if (leaf) {
    ep_tls_name(X509_get_subject_name(leaf), r->subject, sizeof r->subject);
    ep_tls_name(X509_get_issuer_name(leaf), r->issuer, sizeof r->issuer);
    r->have_days = ep_tls_days_left(leaf, &r->leaf_days);
    r->soonest_days = r->leaf_days;
  }
  for (i = 0; chain && i < sk_X509_num(chain); i++)
    if (ep_tls_days_left(sk_X509_value(chain, i), &d) && d < r->soonest_days)
      r->soonest_days = d;
  r->verify_code = leaf ? SSL_get_verify_result(t->ssl)
                        : X509_V_ERR_UNSPECIFIED;
  ep_tls_judge(r, NULL, t->host);
  X509_free(leaf);
}
