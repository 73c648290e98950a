/* Unit tests for ep_tls: the trust store's errors, then real TLS
 * handshakes in one thread over a non-blocking socketpair against an
 * OpenSSL server whose certificates the test makes (a CA of ours, leaves
 * valid, expired, not yet valid, for another name, self-signed, for an
 * address), each verdict asserted from ep_tls_describe; and application
 * data both ways until the server's close_notify. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ep_tls.h"

#define DAY           86400L
#define CA_NAME       "Edgeprobe Test CA"
#define OTHER_CA_NAME "Unrelated Root CA"
#define SHORT_CA_NAME "Edgeprobe Short CA"
#define HOST          "good.example"

/* What a test certificate says; days are relative to now. */
struct cert_spec {
  const char *cn;
  const char *san;       /* "DNS:...", "IP:..." or NULL */
  long        from_days, to_days;
  bool        ca;
  const char *key_usage; /* NULL: none */
};

/* Made once per test case (an unchecked fixture), freed after it. */
static struct {
  char      dir[64];
  char      ca_file[128], other_ca_file[128], short_ca_file[128];
  char      not_pem_file[128], missing_file[128];
  EVP_PKEY *ca_key, *leaf_key;
  X509     *ca, *other_ca, *short_ca;
  X509     *good, *expired, *future, *wrong, *self, *self_go, *ip, *ip_wrong,
           *short_leaf;
} pki;

static void
add_ext(X509 *x, X509V3_CTX *v3, int nid, const char *value)
{
  X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, v3, nid, value);

  ck_assert_msg(e != NULL, "extension %s = %s", OBJ_nid2sn(nid), value);
  ck_assert_int_eq(X509_add_ext(x, e, -1), 1);
  X509_EXTENSION_free(e);
}

/* A certificate for key as c says, signed by issuer (self-signed when
 * NULL). */
static X509 *
make_cert(const struct cert_spec *c, EVP_PKEY *key, X509 *issuer,
          EVP_PKEY *issuer_key)
{
  static long serial = 1000;
  X509       *x = X509_new();
  X509_NAME  *name;
  X509V3_CTX  v3;

  ck_assert_ptr_nonnull(x);
  ck_assert_int_eq(X509_set_version(x, X509_VERSION_3), 1);
  ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++), 1);
  ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(x),
                                        c->from_days * DAY));
  ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(x),
                                        c->to_days * DAY));
  ck_assert_int_eq(X509_set_pubkey(x, key), 1);
  name = X509_get_subject_name(x);
  ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                              (const unsigned char *)c->cn,
                                              -1, -1, 0),
                   1);
  ck_assert_int_eq(X509_set_issuer_name(x, issuer ? X509_get_subject_name(
                                                      issuer)
                                                  : name),
                   1);
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
  add_ext(x, &v3, NID_basic_constraints,
          c->ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (c->key_usage)
    add_ext(x, &v3, NID_key_usage, c->key_usage);
  add_ext(x, &v3, NID_subject_key_identifier, "hash");
  if (issuer)
    add_ext(x, &v3, NID_authority_key_identifier, "keyid:always");
  if (c->san)
    add_ext(x, &v3, NID_subject_alt_name, c->san);
  if (!c->ca)
    add_ext(x, &v3, NID_ext_key_usage, "serverAuth");
  ck_assert_int_gt(X509_sign(x, issuer ? issuer_key : key, EVP_sha256()), 0);
  return x;
}

static void
write_pem(const char *path, X509 *x)
{
  FILE *f = fopen(path, "w");

  ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
  ck_assert_int_eq(PEM_write_X509(f, x), 1);
  ck_assert_int_eq(fclose(f), 0);
}

static void
write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");

  ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
  ck_assert_int_ge(fputs(text, f), 0);
  ck_assert_int_eq(fclose(f), 0);
}

static EVP_PKEY *
new_key(void)
{
  EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

  ck_assert_ptr_nonnull(k);
  return k;
}

static void
pki_setup(void)
{
  static const struct cert_spec ca = {CA_NAME, NULL, -1, 3650, true,
                                      "critical,keyCertSign,cRLSign"};
  static const struct cert_spec other_ca = {OTHER_CA_NAME, NULL, -1, 3650,
                                            true,
                                            "critical,keyCertSign,cRLSign"};
  static const struct cert_spec short_ca = {SHORT_CA_NAME, NULL, -1, 30,
                                            true,
                                            "critical,keyCertSign,cRLSign"};
  static const struct cert_spec good = {HOST, "DNS:" HOST, -1, 90, false,
                                        "critical,digitalSignature"};
  static const struct cert_spec expired = {HOST, "DNS:" HOST, -100, -10,
                                           false,
                                           "critical,digitalSignature"};
  static const struct cert_spec future = {HOST, "DNS:" HOST, 10, 100, false,
                                          "critical,digitalSignature"};
  static const struct cert_spec wrong = {"other.example",
                                         "DNS:other.example", -1, 90, false,
                                         "critical,digitalSignature"};
  /* As `openssl req -x509` makes them: CA:TRUE, no key usage. */
  static const struct cert_spec self = {HOST, "DNS:" HOST, -1, 365, true,
                                        NULL};
  /* As Go's crypto/tls/generate_cert.go makes them: not a CA, and a key
   * usage without keyCertSign. */
  static const struct cert_spec self_go = {HOST, "DNS:" HOST, -1, 365, false,
                                           "critical,digitalSignature,"
                                           "keyEncipherment"};
  static const struct cert_spec ip = {"127.0.0.1", "IP:127.0.0.1", -1, 90,
                                      false, "critical,digitalSignature"};
  static const struct cert_spec ip_wrong = {"127.0.0.2", "IP:127.0.0.2", -1,
                                            90, false,
                                            "critical,digitalSignature"};
  EVP_PKEY *other_key, *short_key;

  snprintf(pki.dir, sizeof pki.dir, "/tmp/check_tls.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(pki.dir));
  snprintf(pki.ca_file, sizeof pki.ca_file, "%s/ca.pem", pki.dir);
  snprintf(pki.other_ca_file, sizeof pki.other_ca_file, "%s/other-ca.pem",
           pki.dir);
  snprintf(pki.short_ca_file, sizeof pki.short_ca_file, "%s/short-ca.pem",
           pki.dir);
  snprintf(pki.not_pem_file, sizeof pki.not_pem_file, "%s/not-pem.txt",
           pki.dir);
  snprintf(pki.missing_file, sizeof pki.missing_file, "%s/missing.pem",
           pki.dir);

  pki.ca_key = new_key();
  pki.leaf_key = new_key();
  other_key = new_key();
  short_key = new_key();
  pki.ca = make_cert(&ca, pki.ca_key, NULL, NULL);
  pki.other_ca = make_cert(&other_ca, other_key, NULL, NULL);
  pki.short_ca = make_cert(&short_ca, short_key, NULL, NULL);
  pki.good = make_cert(&good, pki.leaf_key, pki.ca, pki.ca_key);
  pki.expired = make_cert(&expired, pki.leaf_key, pki.ca, pki.ca_key);
  pki.future = make_cert(&future, pki.leaf_key, pki.ca, pki.ca_key);
  pki.wrong = make_cert(&wrong, pki.leaf_key, pki.ca, pki.ca_key);
  pki.self = make_cert(&self, pki.leaf_key, NULL, NULL);
  pki.self_go = make_cert(&self_go, pki.leaf_key, NULL, NULL);
  pki.ip = make_cert(&ip, pki.leaf_key, pki.ca, pki.ca_key);
  pki.ip_wrong = make_cert(&ip_wrong, pki.leaf_key, pki.ca, pki.ca_key);
  pki.short_leaf = make_cert(&good, pki.leaf_key, pki.short_ca, short_key);
  EVP_PKEY_free(other_key);
  EVP_PKEY_free(short_key);

  write_pem(pki.ca_file, pki.ca);
  write_pem(pki.other_ca_file, pki.other_ca);
  write_pem(pki.short_ca_file, pki.short_ca);
  write_text(pki.not_pem_file, "this is not a certificate\n");
}

/* What tls_anchor_public_or_local leaves in pki.dir. */
static void
remove_anchor_dirs(void)
{
  static const char *const files[] = {"local/ca.crt", "mozilla/ca.crt",
                                      "local", "mozilla"};
  char   path[256];
  DIR   *d;
  struct dirent *e;
  size_t i;

  snprintf(path, sizeof path, "%s/certs", pki.dir);
  if ((d = opendir(path)) != NULL) {
    while ((e = readdir(d)) != NULL) {
      char link[600];

      if (e->d_name[0] == '.')
        continue;
      snprintf(link, sizeof link, "%s/%s", path, e->d_name);
      unlink(link);
    }
    closedir(d);
    rmdir(path);
  }
  for (i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", pki.dir, files[i]);
    if (unlink(path) != 0)
      rmdir(path);
  }
}

static void
pki_teardown(void)
{
  X509 **certs[] = {&pki.ca,     &pki.other_ca, &pki.short_ca, &pki.good,
                    &pki.expired, &pki.future,  &pki.wrong,    &pki.self,
                    &pki.self_go, &pki.ip,      &pki.ip_wrong, &pki.short_leaf};
  size_t i;

  for (i = 0; i < sizeof certs / sizeof certs[0]; i++) {
    X509_free(*certs[i]);
    *certs[i] = NULL;
  }
  EVP_PKEY_free(pki.ca_key);
  EVP_PKEY_free(pki.leaf_key);
  pki.ca_key = pki.leaf_key = NULL;
  unlink(pki.ca_file);
  unlink(pki.other_ca_file);
  unlink(pki.short_ca_file);
  unlink(pki.not_pem_file);
  remove_anchor_dirs();
  rmdir(pki.dir);
}

/* -------------------------------------------------------------------- */
/* The trust store                                                       */
/* -------------------------------------------------------------------- */

static void
expect_cacert_refused(const char *path)
{
  struct ep_err      err = EP_ERR_INIT;
  struct ep_tls_ctx *ctx;
  char               prefix[160];

  ctx = ep_tls_ctx_new(path, "--cacert", &err);
  ck_assert_ptr_null(ctx);
  ck_assert_int_eq(err.code, EP_EINVAL);
  snprintf(prefix, sizeof prefix, "--cacert %s: ", path);
  ck_assert_msg(strncmp(err.msg, prefix, strlen(prefix)) == 0 &&
                  strlen(err.msg) > strlen(prefix),
                "%s", err.msg);
}

START_TEST(tls_cacert_missing)
{
  expect_cacert_refused(pki.missing_file);
}
END_TEST

START_TEST(tls_cacert_not_pem)
{
  expect_cacert_refused(pki.not_pem_file);
}
END_TEST

START_TEST(tls_cacert_directory)
{
  expect_cacert_refused(pki.dir);
}
END_TEST

START_TEST(tls_system_store)
{
  struct ep_err      err = EP_ERR_INIT;
  struct ep_tls_ctx *ctx = ep_tls_ctx_new(NULL, NULL, &err);

  ck_assert_msg(ctx != NULL, "%s", err.msg);
  ck_assert_int_eq(err.code, EP_OK);
  ck_assert_str_eq(err.msg, "");
  ep_tls_ctx_free(ctx);
  ep_tls_ctx_free(NULL);
  ep_tls_free(NULL);
}
END_TEST

START_TEST(tls_cacert_loads)
{
  struct ep_err      err = EP_ERR_INIT;
  struct ep_tls_ctx *ctx = ep_tls_ctx_new(pki.ca_file, "--cacert", &err);

  ck_assert_msg(ctx != NULL, "%s", err.msg);
  ck_assert_str_eq(err.msg, "");
  ep_tls_ctx_free(ctx);
}
END_TEST

/* -------------------------------------------------------------------- */
/* Handshakes                                                            */
/* -------------------------------------------------------------------- */

/* Our client on fd[0], an OpenSSL server on fd[1]. */
struct pair {
  int                fd[2];
  struct ep_tls_ctx *cctx;
  struct ep_tls     *c;
  SSL_CTX           *sctx;
  SSL               *s;
  bool               server_done;
};

static void
set_nonblocking(int fd)
{
  int fl = fcntl(fd, F_GETFL);

  ck_assert_int_ge(fl, 0);
  ck_assert_int_eq(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
}

/* The server presents cert (and chain after it, when not NULL); the
 * client trusts cafile and expects host. */
static void
pair_open(struct pair *p, const char *cafile, X509 *cert, X509 *chain,
          const char *host)
{
  struct ep_err err = EP_ERR_INIT;

  memset(p, 0, sizeof *p);
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->fd),
                   0);
  set_nonblocking(p->fd[0]);
  set_nonblocking(p->fd[1]);

  p->cctx = ep_tls_ctx_new(cafile, "--cacert", &err);
  ck_assert_msg(p->cctx != NULL, "%s", err.msg);
  p->c = ep_tls_new(p->cctx, p->fd[0], host, &err);
  ck_assert_msg(p->c != NULL, "%s", err.msg);

  p->sctx = SSL_CTX_new(TLS_server_method());
  ck_assert_ptr_nonnull(p->sctx);
  ck_assert_int_eq(SSL_CTX_use_certificate(p->sctx, cert), 1);
  ck_assert_int_eq(SSL_CTX_use_PrivateKey(p->sctx, pki.leaf_key), 1);
  if (chain)
    ck_assert_int_eq(SSL_CTX_add1_chain_cert(p->sctx, chain), 1);
  p->s = SSL_new(p->sctx);
  ck_assert_ptr_nonnull(p->s);
  ck_assert_int_eq(SSL_set_fd(p->s, p->fd[1]), 1);
  SSL_set_accept_state(p->s);
}

static void
pair_close(struct pair *p)
{
  ep_tls_free(p->c);
  ep_tls_ctx_free(p->cctx);
  SSL_free(p->s);
  SSL_CTX_free(p->sctx);
  if (p->fd[0] >= 0)
    close(p->fd[0]);
  if (p->fd[1] >= 0)
    close(p->fd[1]);
  memset(p, 0, sizeof *p);
  ERR_clear_error();
}

/* Steps client and server in turn until both are through (or one
 * failed); returns the client's last step. */
static enum ep_tls_step
pair_handshake(struct pair *p, char *why, size_t size)
{
  enum ep_tls_step cs = EP_TLS_WANT_WRITE;
  bool             server_failed = false;
  int              i, rc, e;

  why[0] = '\0';
  for (i = 0; i < 100; i++) {
    if (cs == EP_TLS_WANT_READ || cs == EP_TLS_WANT_WRITE)
      cs = ep_tls_handshake(p->c, why, size);
    if (!p->server_done && !server_failed) {
      rc = SSL_accept(p->s);
      if (rc == 1) {
        p->server_done = true;
      } else {
        e = SSL_get_error(p->s, rc);
        server_failed = e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE;
        ERR_clear_error();
      }
    }
    if (cs == EP_TLS_FAILED || (cs == EP_TLS_DONE &&
                                (p->server_done || server_failed)))
      break;
  }
  return cs;
}

/* One whole handshake: the client's verdict and the name it sent. */
static void
handshake_report(const char *cafile, X509 *cert, X509 *chain,
                 const char *host, struct ep_tls_report *r, char *sni,
                 size_t sni_size)
{
  struct pair p;
  char        why[256];
  const char *name;

  pair_open(&p, cafile, cert, chain, host);
  ck_assert_msg(pair_handshake(&p, why, sizeof why) == EP_TLS_DONE,
                "handshake: %s", why);
  ck_assert(p.server_done);
  memset(r, 0x5a, sizeof *r);
  ep_tls_describe(p.c, r);
  name = SSL_get_servername(p.s, TLSEXT_NAMETYPE_host_name);
  snprintf(sni, sni_size, "%s", name ? name : "(none)");
  pair_close(&p);
}

START_TEST(tls_trusted_via_cafile)
{
  struct ep_tls_report r;
  char                 sni[256];

  handshake_report(pki.ca_file, pki.good, NULL, HOST, &r, sni, sizeof sni);
  ck_assert_msg(r.verified, "not verified: %s (%ld)", r.problem,
                r.verify_code);
  ck_assert_int_eq(r.verify_code, X509_V_OK);
  ck_assert_str_eq(r.problem, "");
  ck_assert(!r.interception);
  ck_assert_str_eq(r.version, "TLSv1.3");
  ck_assert_str_ne(r.cipher, "");
  ck_assert_str_eq(r.subject, "CN=" HOST);
  ck_assert_str_eq(r.issuer, "CN=" CA_NAME);
  ck_assert(r.have_days);
  /* 90 days from now, less the moments since the certificate was made. */
  ck_assert_msg(r.leaf_days > 89.99 && r.leaf_days <= 90.0, "%f days",
                r.leaf_days);
  ck_assert_double_eq(r.soonest_days, r.leaf_days);
  ck_assert_str_eq(sni, HOST);
}
END_TEST

/* The soonest expiry among the certificates the server sent. */
START_TEST(tls_soonest_in_chain)
{
  struct ep_tls_report r;
  char                 sni[256];

  handshake_report(pki.short_ca_file, pki.short_leaf, pki.short_ca, HOST, &r,
                   sni, sizeof sni);
  ck_assert_msg(r.verified, "not verified: %s", r.problem);
  ck_assert_str_eq(r.issuer, "CN=" SHORT_CA_NAME);
  ck_assert_msg(r.leaf_days > 89.99 && r.leaf_days <= 90.0, "%f",
                r.leaf_days);
  ck_assert_msg(r.soonest_days > 29.99 && r.soonest_days <= 30.0, "%f",
                r.soonest_days);
}
END_TEST

START_TEST(tls_unknown_issuer_is_interception)
{
  struct ep_tls_report r;
  char                 sni[256];

  handshake_report(pki.other_ca_file, pki.good, NULL, HOST, &r, sni,
                   sizeof sni);
  ck_assert(!r.verified);
  ck_assert(r.interception);
  ck_assert_str_eq(r.problem,
                   "TLS interception suspected (issuer: CN=" CA_NAME ")");
  /* Still described. */
  ck_assert_str_eq(r.subject, "CN=" HOST);
  ck_assert_str_eq(r.issuer, "CN=" CA_NAME);
  ck_assert_str_eq(r.version, "TLSv1.3");
  ck_assert(r.have_days);
  ck_assert_msg(r.leaf_days > 89.99 && r.leaf_days <= 90.0, "%f",
                r.leaf_days);
}
END_TEST

/* An inspecting proxy that sends its own root along with the leaf. */
START_TEST(tls_unknown_root_sent_is_interception)
{
  struct ep_tls_report r;
  char                 sni[256];

  handshake_report(pki.other_ca_file, pki.good, pki.ca, HOST, &r, sni,
                   sizeof sni);
  ck_assert(!r.verified);
  ck_assert(r.interception);
  ck_assert_str_eq(r.problem,
                   "TLS interception suspected (issuer: CN=" CA_NAME ")");
}
END_TEST

START_TEST(tls_expired)
{
  struct ep_tls_report r;
  char                 sni[256];

  handshake_report(pki.ca_file, pki.expired, NULL, HOST, &r, sni, sizeof sni);
  ck_assert(!r.verified);
  ck_assert(!r.interception);
  ck_assert_int_eq(r.verify_code, X509_V_ERR_CERT_HAS_EXPIRED);
  ck_assert_str_eq(r.problem, "certificate expired 10 days ago");
  ck_assert_msg(r.leaf_days < -9.99 && r.leaf_days > -10.01, "%f",
                r.leaf_days);
  ck_assert_str_eq(r.subject, "CN=" HOST);
}
END_TEST

START_TEST(tls_not_yet_valid)
{
  struct ep_tls_report r;
  char                 sni[256];

  handshake_report(pki.ca_file, pki.future, NULL, HOST, &r, sni, sizeof sni);
  ck_assert(!r.verified);
  ck_assert(!r.interception);
  ck_assert_int_eq(r.verify_code, X509_V_ERR_CERT_NOT_YET_VALID);
  ck_assert_str_eq(r.problem, "certificate not yet valid");
  ck_assert_msg(r.leaf_days > 99.99 && r.leaf_days <= 100.0, "%f",
                r.leaf_days);
}
END_TEST

START_TEST(tls_wrong_name)
{
  struct ep_tls_report r;
  char                 sni[256];

  handshake_report(pki.ca_file, pki.wrong, NULL, HOST, &r, sni, sizeof sni);
  ck_assert(!r.verified);
  ck_assert(!r.interception);
  ck_assert_int_eq(r.verify_code, X509_V_ERR_HOSTNAME_MISMATCH);
  ck_assert_str_eq(r.problem,
                   "certificate for the wrong name (CN=other.example, not "
                   HOST ")");
  ck_assert_str_eq(sni, HOST);
}
END_TEST

START_TEST(tls_self_signed)
{
  struct ep_tls_report r;
  char                 sni[256];

  handshake_report(pki.ca_file, pki.self, NULL, HOST, &r, sni, sizeof sni);
  ck_assert(!r.verified);
  ck_assert(!r.interception);
  ck_assert_str_eq(r.problem, "self-signed certificate (CN=" HOST ")");
  ck_assert_str_eq(r.subject, "CN=" HOST);
  ck_assert_str_eq(r.issuer, "CN=" HOST);
}
END_TEST

/* A self-signed leaf whose key usage does not allow signing certificates
 * (Go's generate_cert.go, many appliances) is still self-signed, not a
 * chain to an unknown issuer. */
START_TEST(tls_self_signed_leaf_key_usage)
{
  struct ep_tls_report r;
  char                 sni[256];

  handshake_report(pki.ca_file, pki.self_go, NULL, HOST, &r, sni, sizeof sni);
  ck_assert(!r.verified);
  ck_assert_msg(!r.interception, "problem: %s (verify code %ld)", r.problem,
                r.verify_code);
  ck_assert_str_eq(r.problem, "self-signed certificate (CN=" HOST ")");
}
END_TEST

START_TEST(tls_ip_address)
{
  struct ep_tls_report r;
  char                 sni[256];

  handshake_report(pki.ca_file, pki.ip, NULL, "127.0.0.1", &r, sni,
                   sizeof sni);
  ck_assert_msg(r.verified, "not verified: %s (%ld)", r.problem,
                r.verify_code);
  ck_assert_str_eq(r.problem, "");
  ck_assert_str_eq(r.subject, "CN=127.0.0.1");
  /* No SNI for an address (RFC 6066 section 3). */
  ck_assert_str_eq(sni, "(none)");
}
END_TEST

START_TEST(tls_ip_address_mismatch)
{
  struct ep_tls_report r;
  char                 sni[256];

  handshake_report(pki.ca_file, pki.ip_wrong, NULL, "127.0.0.1", &r, sni,
                   sizeof sni);
  ck_assert(!r.verified);
  ck_assert_int_eq(r.verify_code, X509_V_ERR_IP_ADDRESS_MISMATCH);
  ck_assert_str_eq(r.problem,
                   "certificate for the wrong name (CN=127.0.0.2, not "
                   "127.0.0.1)");
  /* A name is not an address either way round. */
  handshake_report(pki.ca_file, pki.good, NULL, "127.0.0.1", &r, sni,
                   sizeof sni);
  ck_assert(!r.verified);
  ck_assert_str_eq(r.problem,
                   "certificate for the wrong name (CN=" HOST ", not "
                   "127.0.0.1)");
}
END_TEST

/* A server speaking only TLS 1.1: refused, with a reason. */
START_TEST(tls_old_protocol_refused)
{
  struct pair p;
  char        why[256];

  pair_open(&p, pki.ca_file, pki.good, NULL, HOST);
  ck_assert_int_eq(SSL_set_min_proto_version(p.s, TLS1_VERSION), 1);
  ck_assert_int_eq(SSL_set_max_proto_version(p.s, TLS1_1_VERSION), 1);
  ck_assert_int_eq(pair_handshake(&p, why, sizeof why), EP_TLS_FAILED);
  ck_assert_msg(strncmp(why, "TLS handshake failed", 20) == 0 &&
                  strlen(why) > 20,
                "%s", why);
  pair_close(&p);
}
END_TEST

/* -------------------------------------------------------------------- */
/* Application data                                                      */
/* -------------------------------------------------------------------- */

/* Reads until want bytes came or the server has nothing more. */
static size_t
client_read(struct pair *p, char *buf, size_t want)
{
  size_t  got = 0;
  ssize_t n;
  char    why[256];
  int     i;

  for (i = 0; i < 50 && got < want; i++) {
    n = ep_tls_read(p->c, buf + got, want - got, why, sizeof why);
    ck_assert_msg(n != -1 && n != 0, "read %zd: %s", n, why);
    if (n > 0)
      got += (size_t)n;
  }
  return got;
}

static size_t
server_read(struct pair *p, char *buf, size_t want)
{
  size_t got = 0;
  int    i, n;

  for (i = 0; i < 50 && got < want; i++) {
    n = SSL_read(p->s, buf + got, (int)(want - got));
    if (n > 0) {
      got += (size_t)n;
      continue;
    }
    ck_assert_int_eq(SSL_get_error(p->s, n), SSL_ERROR_WANT_READ);
  }
  return got;
}

START_TEST(tls_data_both_ways_then_close)
{
  struct pair p;
  char        why[256], buf[64];
  ssize_t     n;
  int         i;

  pair_open(&p, pki.ca_file, pki.good, NULL, HOST);
  ck_assert_msg(pair_handshake(&p, why, sizeof why) == EP_TLS_DONE, "%s",
                why);
  ck_assert(p.server_done);

  /* Nothing sent yet: would block (the session tickets are consumed). */
  for (i = 0; i < 3; i++)
    ck_assert_int_eq(ep_tls_read(p.c, buf, sizeof buf, why, sizeof why), -2);

  ck_assert_int_eq(ep_tls_write(p.c, "PING\r\n", 6, why, sizeof why), 6);
  memset(buf, 0, sizeof buf);
  ck_assert_uint_eq(server_read(&p, buf, 6), 6);
  ck_assert_str_eq(buf, "PING\r\n");

  ck_assert_int_eq(SSL_write(p.s, "+OK\r\nPONG\r\n", 11), 11);
  memset(buf, 0, sizeof buf);
  ck_assert_uint_eq(client_read(&p, buf, 11), 11);
  ck_assert_str_eq(buf, "+OK\r\nPONG\r\n");

  /* Twice more each way, in one record and in several. */
  ck_assert_int_eq(ep_tls_write(p.c, "a", 1, why, sizeof why), 1);
  ck_assert_int_eq(ep_tls_write(p.c, "bc", 2, why, sizeof why), 2);
  memset(buf, 0, sizeof buf);
  ck_assert_uint_eq(server_read(&p, buf, 3), 3);
  ck_assert_str_eq(buf, "abc");
  ck_assert_int_eq(SSL_write(p.s, "x", 1), 1);
  ck_assert_int_eq(SSL_write(p.s, "yz", 2), 2);
  memset(buf, 0, sizeof buf);
  ck_assert_uint_eq(client_read(&p, buf, 3), 3);
  ck_assert_str_eq(buf, "xyz");

  /* close_notify: the end of the stream, not an error. */
  ck_assert_int_ge(SSL_shutdown(p.s), 0);
  n = ep_tls_read(p.c, buf, sizeof buf, why, sizeof why);
  ck_assert_msg(n == 0, "read %zd after close_notify: %s", n, why);
  pair_close(&p);
}
END_TEST

/* A peer that goes away must not kill the process: the plain-text path
 * sends with MSG_NOSIGNAL, and TLS over the same socket must not raise
 * SIGPIPE either (a probe killed by a signal prints no verdict at all).
 * The signal is caught here so a failure is reported, not fatal. */
static volatile sig_atomic_t got_sigpipe;
static struct sigaction      old_sigpipe;

static void
on_sigpipe(int sig)
{
  (void)sig;
  got_sigpipe = 1;
}

static void
catch_sigpipe(void)
{
  struct sigaction sa;

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigpipe;
  sigemptyset(&sa.sa_mask);
  ck_assert_int_eq(sigaction(SIGPIPE, &sa, &old_sigpipe), 0);
  got_sigpipe = 0;
}

static void
release_sigpipe(void)
{
  sigaction(SIGPIPE, &old_sigpipe, NULL);
}

/* The server vanishing without close_notify is an error, with a reason. */
START_TEST(tls_read_after_abrupt_close)
{
  struct pair p;
  char        why[256], buf[64];
  ssize_t     n;

  pair_open(&p, pki.ca_file, pki.good, NULL, HOST);
  ck_assert_msg(pair_handshake(&p, why, sizeof why) == EP_TLS_DONE, "%s",
                why);
  ck_assert_int_eq(ep_tls_read(p.c, buf, sizeof buf, why, sizeof why), -2);
  close(p.fd[1]);
  p.fd[1] = -1;
  why[0] = '\0';
  catch_sigpipe();
  n = ep_tls_read(p.c, buf, sizeof buf, why, sizeof why);
  release_sigpipe();
  pair_close(&p);
  ck_assert_int_eq(n, -1);
  ck_assert_msg(strncmp(why, "TLS read failed", 15) == 0, "%s", why);
  ck_assert_msg(!got_sigpipe, "ep_tls_read raised SIGPIPE (%s)", why);
}
END_TEST

START_TEST(tls_write_after_peer_closed)
{
  struct pair p;
  char        why[256], buf[64];
  ssize_t     n;

  pair_open(&p, pki.ca_file, pki.good, NULL, HOST);
  ck_assert_msg(pair_handshake(&p, why, sizeof why) == EP_TLS_DONE, "%s",
                why);
  ck_assert_int_eq(ep_tls_read(p.c, buf, sizeof buf, why, sizeof why), -2);
  close(p.fd[1]);
  p.fd[1] = -1;
  why[0] = '\0';
  catch_sigpipe();
  n = ep_tls_write(p.c, "PING\r\n", 6, why, sizeof why);
  release_sigpipe();
  pair_close(&p);
  ck_assert_int_eq(n, -1);
  ck_assert_msg(strncmp(why, "TLS write failed", 16) == 0, "%s", why);
  ck_assert_msg(!got_sigpipe, "ep_tls_write raised SIGPIPE (%s)", why);
}
END_TEST

/* The server hangs up on our ClientHello (a TLS-speaking middlebox, a
 * server's handshake timeout). */
START_TEST(tls_handshake_peer_hangs_up)
{
  struct pair      p;
  char             why[256];
  enum ep_tls_step st;

  pair_open(&p, pki.ca_file, pki.good, NULL, HOST);
  ck_assert_int_eq(ep_tls_handshake(p.c, why, sizeof why), EP_TLS_WANT_READ);
  close(p.fd[1]);
  p.fd[1] = -1;
  why[0] = '\0';
  catch_sigpipe();
  st = ep_tls_handshake(p.c, why, sizeof why);
  release_sigpipe();
  pair_close(&p);
  ck_assert_int_eq(st, EP_TLS_FAILED);
  ck_assert_msg(strncmp(why, "TLS handshake failed", 20) == 0, "%s", why);
  ck_assert_msg(!got_sigpipe, "ep_tls_handshake raised SIGPIPE (%s)", why);
}
END_TEST

/* The hashed-directory layout of /etc/ssl/certs, made in pki.dir:
 * HASH.0 links to a file under "mozilla" (public) or "local". */
static void
hashed_link(const char *hashed, const char *target, X509 *x)
{
  char path[256];

  snprintf(path, sizeof path, "%s/%08lx.0", hashed, X509_subject_name_hash(x));
  unlink(path);
  ck_assert_msg(symlink(target, path) == 0, "%s: %s", path, strerror(errno));
}

START_TEST(tls_anchor_public_or_local)
{
  char hashed[160], pub[160], local[160], file[200];

  snprintf(hashed, sizeof hashed, "%s/certs", pki.dir);
  snprintf(pub, sizeof pub, "%s/mozilla", pki.dir);
  snprintf(local, sizeof local, "%s/local", pki.dir);
  ck_assert_int_eq(mkdir(hashed, 0700) == 0 || errno == EEXIST, 1);
  ck_assert_int_eq(mkdir(pub, 0700) == 0 || errno == EEXIST, 1);
  ck_assert_int_eq(mkdir(local, 0700) == 0 || errno == EEXIST, 1);

  /* Not in the directory at all: not public. */
  ck_assert(!ep_tls_anchor_is_public(pki.ca, hashed, pub));

  /* Added by the site. */
  snprintf(file, sizeof file, "%s/ca.crt", local);
  write_pem(file, pki.ca);
  hashed_link(hashed, file, pki.ca);
  ck_assert(!ep_tls_anchor_is_public(pki.ca, hashed, pub));

  /* Shipped in the public set. */
  snprintf(file, sizeof file, "%s/ca.crt", pub);
  write_pem(file, pki.ca);
  hashed_link(hashed, file, pki.ca);
  ck_assert(ep_tls_anchor_is_public(pki.ca, hashed, pub));

  /* Another CA under the same name's link does not count. */
  hashed_link(hashed, file, pki.other_ca);
  ck_assert(!ep_tls_anchor_is_public(pki.other_ca, hashed, pub));

  /* A public directory that only starts like the real one. */
  snprintf(file, sizeof file, "%s/mozilla", pki.dir);
  ck_assert(!ep_tls_anchor_is_public(pki.ca, hashed, "/nonexistent"));
}
END_TEST

START_TEST(tls_anchor_system_store)
{
  FILE *f = fopen(EP_TLS_SYSTEM_CA_DIR "/ISRG_Root_X1.pem", "r");
  X509 *x;

  if (!f)
    return; /* ca-certificates without this root: nothing to compare */
  x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  ck_assert_ptr_nonnull(x);
  ck_assert(ep_tls_anchor_is_public(x, EP_TLS_SYSTEM_CA_DIR,
                                    EP_TLS_PUBLIC_CA_DIR));
  X509_free(x);
  ck_assert(!ep_tls_anchor_is_public(pki.ca, EP_TLS_SYSTEM_CA_DIR,
                                     EP_TLS_PUBLIC_CA_DIR));
}
END_TEST

/* One wording for every verdict, whoever found it. */
START_TEST(tls_judge_words)
{
  struct ep_tls_report r;

  memset(&r, 0, sizeof r);
  snprintf(r.subject, sizeof r.subject, "CN=a.example");
  snprintf(r.issuer, sizeof r.issuer, "CN=Leaf Issuer");
  r.leaf_days = -3.4;
  r.verify_code = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
  ep_tls_judge(&r, "CN=Firewall Root", "a.example");
  ck_assert(!r.verified && r.interception);
  ck_assert_str_eq(r.problem,
                   "TLS interception suspected (issuer: CN=Firewall Root)");
  ep_tls_judge(&r, NULL, "a.example");
  ck_assert_str_eq(r.problem,
                   "TLS interception suspected (issuer: CN=Leaf Issuer)");
  r.verify_code = X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN;
  ep_tls_judge(&r, NULL, "a.example");
  ck_assert(r.interception);
  r.verify_code = X509_V_ERR_CERT_HAS_EXPIRED;
  ep_tls_judge(&r, NULL, "a.example");
  ck_assert(!r.interception);
  ck_assert_str_eq(r.problem, "certificate expired 3 days ago");
  r.verify_code = X509_V_ERR_CERT_NOT_YET_VALID;
  ep_tls_judge(&r, NULL, "a.example");
  ck_assert_str_eq(r.problem, "certificate not yet valid");
  r.verify_code = X509_V_ERR_HOSTNAME_MISMATCH;
  ep_tls_judge(&r, NULL, "b.example");
  ck_assert_str_eq(r.problem,
                   "certificate for the wrong name (CN=a.example, not b.example)");
  r.verify_code = X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
  ep_tls_judge(&r, NULL, "a.example");
  ck_assert_str_eq(r.problem, "self-signed certificate (CN=a.example)");
  r.verify_code = X509_V_ERR_CERT_REVOKED;
  ep_tls_judge(&r, NULL, "a.example");
  ck_assert_str_eq(r.problem, "certificate not verified: certificate revoked");
  r.verify_code = X509_V_OK;
  ep_tls_judge(&r, NULL, "a.example");
  ck_assert(r.verified && !r.interception);
  ck_assert_str_eq(r.problem, "");
}
END_TEST

static Suite *
tls_suite(void)
{
  Suite *s = suite_create("tls");
  TCase *tc = tcase_create("context");
  TCase *th = tcase_create("handshake");
  TCase *td = tcase_create("data");

  tcase_add_unchecked_fixture(tc, pki_setup, pki_teardown);
  tcase_add_test(tc, tls_cacert_missing);
  tcase_add_test(tc, tls_cacert_not_pem);
  tcase_add_test(tc, tls_cacert_directory);
  tcase_add_test(tc, tls_system_store);
  tcase_add_test(tc, tls_cacert_loads);
  tcase_add_test(tc, tls_anchor_public_or_local);
  tcase_add_test(tc, tls_anchor_system_store);
  tcase_add_test(tc, tls_judge_words);
  suite_add_tcase(s, tc);

  tcase_add_unchecked_fixture(th, pki_setup, pki_teardown);
  tcase_set_timeout(th, 30);
  tcase_add_test(th, tls_trusted_via_cafile);
  tcase_add_test(th, tls_soonest_in_chain);
  tcase_add_test(th, tls_unknown_issuer_is_interception);
  tcase_add_test(th, tls_unknown_root_sent_is_interception);
  tcase_add_test(th, tls_expired);
  tcase_add_test(th, tls_not_yet_valid);
  tcase_add_test(th, tls_wrong_name);
  tcase_add_test(th, tls_self_signed);
  tcase_add_test(th, tls_self_signed_leaf_key_usage);
  tcase_add_test(th, tls_ip_address);
  tcase_add_test(th, tls_ip_address_mismatch);
  tcase_add_test(th, tls_old_protocol_refused);
  suite_add_tcase(s, th);

  tcase_add_unchecked_fixture(td, pki_setup, pki_teardown);
  tcase_set_timeout(td, 30);
  tcase_add_test(td, tls_data_both_ways_then_close);
  tcase_add_test(td, tls_read_after_abrupt_close);
  tcase_add_test(td, tls_write_after_peer_closed);
  tcase_add_test(td, tls_handshake_peer_hangs_up);
  suite_add_tcase(s, td);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(tls_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
