/* The floor under any HTTPS checker built on this OpenSSL: N verified
 * handshakes and one GET each, with nothing else in the process.  One
 * SSL_CTX and one CA store for the whole run, no DNS, at most 64
 * connections in flight, each one's chain and host name verified as
 * check_edge_https does.  bench-https-scale.sh runs it beside
 * check_edge_https, so the ratio between them is what our own code, and
 * libcurl's, add to OpenSSL's cost.  With "ctx-per-connection", each
 * connection gets an SSL_CTX of its own (sharing the one CA store), as
 * libcurl 7.88 makes them: what that alone costs.
 *
 * Usage: ep-tls-floor CAFILE ADDRESS HOST-PATTERN N [ctx-per-connection]
 *   HOST-PATTERN holds one %d, numbered from 1 ("t%d.bench.example").
 * Exits 0 when every GET got "HTTP/1.1 200", 1 otherwise. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define IN_FLIGHT 64

struct conn {
  SSL_CTX *own_ctx; /* ctx-per-connection only */
  SSL     *ssl;
  int      fd;
  bool     sent;
  short    events;
  char     host[256];
  char     head[16]; /* the answer's first bytes */
  size_t   got;
};

static struct sockaddr_in server;
static X509_STORE       *store;
static SSL_CTX          *shared_ctx; /* NULL: one per connection */
static const char       *pattern;

static SSL_CTX *
new_ctx(void)
{
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

  if (!ctx)
    return NULL;
  SSL_CTX_set1_cert_store(ctx, store);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  return ctx;
}

static bool
conn_open(struct conn *c, int number)
{
  int one = 1;

  /* The pattern is the bench's own argument; one %d is all it holds. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  snprintf(c->host, sizeof c->host, pattern, number);
#pragma GCC diagnostic pop
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0)
    return false;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&server, sizeof server) < 0 && errno != EINPROGRESS)
    return false;
  if (!shared_ctx && !(c->own_ctx = new_ctx()))
    return false;
  c->ssl = SSL_new(shared_ctx ? shared_ctx : c->own_ctx);
  if (!c->ssl || !SSL_set_fd(c->ssl, c->fd) || !SSL_set_tlsext_host_name(c->ssl, c->host) ||
      !SSL_set1_host(c->ssl, c->host))
    return false;
  SSL_set_connect_state(c->ssl);
  c->sent = false;
  c->got = 0;
  c->events = POLLOUT;
  return true;
}

static void
conn_close(struct conn *c)
{
  SSL_free(c->ssl);
  c->ssl = NULL;
  SSL_CTX_free(c->own_ctx);
  c->own_ctx = NULL;
  if (c->fd >= 0)
    close(c->fd);
  c->fd = -1;
}

/* What a failed call of ssl's wants: 0 (c->events says what to wait
 * for) or -1, the connection failed. */
static int
conn_wants(struct conn *c, int ret)
{
  switch (SSL_get_error(c->ssl, ret)) {
  case SSL_ERROR_WANT_READ:
    c->events = POLLIN;
    return 0;
  case SSL_ERROR_WANT_WRITE:
    c->events = POLLOUT;
    return 0;
  default:
    return -1;
  }
}

/* Moves one connection on.  Returns 0 while it waits, 1 when its GET was
 * answered 200, -1 when it failed. */
static int
conn_step(struct conn *c)
{
  char req[512];
  int  r, len;

  /* SSL_get_error reads the thread's error queue: another connection's
   * failure must not fail this one. */
  ERR_clear_error();
  if (!c->sent) {
    r = SSL_do_handshake(c->ssl);
    if (r != 1)
      return conn_wants(c, r);
    if (SSL_get_verify_result(c->ssl) != X509_V_OK)
      return -1;
    len = snprintf(req, sizeof req,
                   "GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: ep-tls-floor\r\n"
                   "Connection: close\r\n\r\n",
                   c->host);
    if (SSL_write(c->ssl, req, len) != len)
      return -1;
    c->sent = true;
  }
  while (c->got < 12) {
    r = SSL_read(c->ssl, c->head + c->got, sizeof c->head - c->got);
    if (r <= 0)
      return conn_wants(c, r);
    c->got += (size_t)r;
  }
  return memcmp(c->head, "HTTP/1.1 200", 12) == 0 ? 1 : -1;
}

int
main(int argc, char **argv)
{
  struct conn   conns[IN_FLIGHT];
  struct pollfd pfd[IN_FLIGHT];
  int           n, started = 0, done = 0, ok = 0, i, r;

  if (argc < 5 || argc > 6 || (n = atoi(argv[4])) <= 0 ||
      inet_pton(AF_INET, argv[2], &server.sin_addr) != 1 ||
      (argc == 6 && strcmp(argv[5], "ctx-per-connection") != 0)) {
    fprintf(stderr,
            "usage: ep-tls-floor CAFILE IPV4-ADDRESS HOST-PATTERN N [ctx-per-connection]\n");
    return 2;
  }
  /* A server's reset must end its connection, not this process. */
  signal(SIGPIPE, SIG_IGN);
  server.sin_family = AF_INET;
  server.sin_port = htons(443);
  pattern = argv[3];
  store = X509_STORE_new();
  if (!store || X509_STORE_load_file(store, argv[1]) != 1) {
    fprintf(stderr, "ep-tls-floor: cannot load %s\n", argv[1]);
    return 2;
  }
  if (argc == 5 && !(shared_ctx = new_ctx())) {
    fprintf(stderr, "ep-tls-floor: no SSL_CTX\n");
    return 2;
  }
  for (i = 0; i < IN_FLIGHT; i++)
    conns[i] = (struct conn){.fd = -1};
  while (done < n) {
    int live = 0;

    for (i = 0; i < IN_FLIGHT; i++) {
      if (conns[i].fd < 0 && started < n) {
        started++;
        if (!conn_open(&conns[i], started)) {
          conn_close(&conns[i]);
          done++;
        }
      }
      pfd[i] = (struct pollfd){.fd = conns[i].fd, .events = conns[i].events};
      live += conns[i].fd >= 0;
    }
    if (live == 0)
      continue;
    r = poll(pfd, IN_FLIGHT, 10000);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0) {
      fprintf(stderr, "ep-tls-floor: %s\n", r < 0 ? "poll failed" : "no progress in 10 s");
      break;
    }
    for (i = 0; i < IN_FLIGHT; i++) {
      if (conns[i].fd < 0 || !pfd[i].revents)
        continue;
      r = conn_step(&conns[i]);
      if (r == 0)
        continue;
      ok += r > 0;
      done++;
      conn_close(&conns[i]);
    }
  }
  for (i = 0; i < IN_FLIGHT; i++)
    conn_close(&conns[i]);
  SSL_CTX_free(shared_ctx);
  X509_STORE_free(store);
  if (ok != n)
    fprintf(stderr, "ep-tls-floor: %d of %d answered 200\n", ok, n);
  return ok == n ? 0 : 1;
}
