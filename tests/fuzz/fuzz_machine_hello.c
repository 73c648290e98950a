/* What a machine controller answers the machines probe's hello: the
 * first byte picks the hello (modulo the number of kinds), the rest is
 * the peer's reply.  Every prefix is judged as if more might come, then
 * the whole as if the peer had closed, each from a heap copy of exactly
 * that many bytes so that a read past them is seen; and the rest of the
 * input is also the host of the request and the words ep_hello_said()
 * shows.  Checks what machine_hello.h promises; a broken promise aborts,
 * which libFuzzer and tests/fuzz/replay.sh both report. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_fuzz.h"
#include "ep_protocols.h"
#include "machine_hello.h"

#define HELLO_KINDS ((unsigned)EP_HELLO_ENIP + 1u)
/* Far more than any `what` needs: one that fills it was cut at
 * EP_HELLO_WHAT_MAX. */
#define WHAT_BIG 1024u
/* A quoted ep_hello_said(): quotes, EP_HELLO_SAID_MAX bytes as \xNN,
 * "...". */
#define SAID_LEN_MAX (2u + EP_HELLO_SAID_MAX * 4u + 3u)
#define FILL 0xA5

static void
fail(const char *why, enum ep_hello h, size_t len, int closed)
{
  fprintf(stderr, "fuzz_machine_hello: %s (hello %s, %zu bytes%s)\n", why,
          ep_hello_name(h), len, closed < 0 ? "" : closed ? ", closed" : "");
  abort();
}

/* A NUL inside the size bytes of s, and only printable ASCII before it:
 * what a peer sent reaches a `what` escaped. */
static size_t
text_len(const char *s, size_t size, enum ep_hello h, size_t len, int closed)
{
  const char *nul = memchr(s, '\0', size);
  size_t      n, i;

  if (!nul)
    fail("text not NUL-terminated inside its buffer", h, len, closed);
  n = (size_t)(nul - s);
  for (i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
      fail("text with a byte that is not printable ASCII", h, len, closed);
  return n;
}

/* Judges the first len bytes of reply, copied to a heap block of exactly
 * len bytes, into a `what` of EP_HELLO_WHAT_MAX heap bytes; checks the
 * verdict and the text. */
static enum ep_hello_verdict
judge(enum ep_hello h, const uint8_t *reply, size_t len, bool closed,
      char *what)
{
  unsigned char        *copy = malloc(len ? len : 1);
  enum ep_hello_verdict v;
  size_t                n;

  if (!copy)
    abort();
  if (len)
    memcpy(copy, reply, len);
  memset(what, FILL, EP_HELLO_WHAT_MAX);
  v = ep_hello_judge(h, copy, len, closed, what, EP_HELLO_WHAT_MAX);
  free(copy);
  if (v != EP_HELLO_MORE && v != EP_HELLO_ANSWERED && v != EP_HELLO_WRONG)
    fail("verdict out of the enum", h, len, closed);
  n = text_len(what, EP_HELLO_WHAT_MAX, h, len, closed);
  if (v == EP_HELLO_MORE) {
    if (closed)
      fail("MORE after the peer closed", h, len, closed);
    if (len >= ep_hello_reply_max(h))
      fail("MORE at or past ep_hello_reply_max()", h, len, closed);
    if (n != 0)
      fail("MORE with a non-empty what", h, len, closed);
  } else if (n == 0) {
    fail("a verdict without a what", h, len, closed);
  }
  if (h == EP_HELLO_NONE && v != EP_HELLO_ANSWERED)
    fail("EP_HELLO_NONE not ANSWERED", h, len, closed);
  return v;
}

/* The whole reply again: a `what` with room to spare shows that
 * EP_HELLO_WHAT_MAX was enough; a small one gets a cut of the same text;
 * none at all, the same verdict. */
static void
judge_sizes(enum ep_hello h, const uint8_t *reply, size_t len,
            enum ep_hello_verdict v, const char *what, size_t small)
{
  unsigned char *copy = malloc(len ? len : 1);
  char          *big = malloc(WHAT_BIG), *cut = malloc(small ? small : 1);
  size_t         n;

  if (!copy || !big || !cut)
    abort();
  if (len)
    memcpy(copy, reply, len);

  memset(big, FILL, WHAT_BIG);
  if (ep_hello_judge(h, copy, len, true, big, WHAT_BIG) != v)
    fail("verdict depends on the size of what", h, len, 1);
  n = text_len(big, WHAT_BIG, h, len, 1);
  if (n >= EP_HELLO_WHAT_MAX)
    fail("what longer than EP_HELLO_WHAT_MAX holds", h, len, 1);
  if (strcmp(big, what) != 0)
    fail("what differs between buffers that both hold it", h, len, 1);

  memset(cut, FILL, small ? small : 1);
  if (ep_hello_judge(h, copy, len, true, cut, small) != v)
    fail("verdict depends on the size of what", h, len, 1);
  if (small > 0) {
    n = text_len(cut, small, h, len, 1);
    if (strncmp(cut, big, n) != 0)
      fail("a small what is not a cut of the whole", h, len, 1);
  } else if ((unsigned char)cut[0] != FILL) {
    fail("what written with what_size 0", h, len, 1);
  }

  if (ep_hello_judge(h, copy, len, true, NULL, 0) != v)
    fail("verdict depends on what being NULL", h, len, 1);
  free(cut);
  free(big);
  free(copy);
}

/* ep_hello_said() of the rest of the input, whole and cut. */
static void
said(enum ep_hello h, const uint8_t *rest, size_t len, size_t small)
{
  unsigned char *copy = malloc(len ? len : 1);
  char          *out = malloc(EP_HELLO_WHAT_MAX), *cut = malloc(small + 1);
  size_t         n;

  if (!copy || !out || !cut)
    abort();
  if (len)
    memcpy(copy, rest, len);
  memset(out, FILL, EP_HELLO_WHAT_MAX);
  ep_hello_said(copy, len, out, EP_HELLO_WHAT_MAX);
  n = text_len(out, EP_HELLO_WHAT_MAX, h, len, -1);
  if (n < 2 || n > SAID_LEN_MAX || out[0] != '\'' || out[n - 1] != '\'')
    fail("ep_hello_said() not one quoted, bounded text", h, len, -1);
  if (memchr(out + 1, '\'', n - 2))
    fail("ep_hello_said() left a quote unescaped", h, len, -1);

  memset(cut, FILL, small + 1);
  ep_hello_said(copy, len, cut, small + 1);
  n = text_len(cut, small + 1, h, len, -1);
  if (strncmp(cut, out, n) != 0)
    fail("a small ep_hello_said() is not a cut of the whole", h, len, -1);
  ep_hello_said(NULL, 0, out, EP_HELLO_WHAT_MAX);
  if (strcmp(out, "''") != 0)
    fail("ep_hello_said() of nothing is not ''", h, len, -1);
  free(cut);
  free(out);
  free(copy);
}

static bool
host_byte(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == ':';
}

/* Whether host is one ep_hello_request() must refuse, whatever the hello
 * uses it for: empty, longer than 255 bytes, or a byte outside the
 * documented set (with the brackets of "[v6]") in what goes into the
 * request.  An IPv6 address's zone is dropped unread, so only the bytes
 * before its '%' count (machine_hello.h says all of them do: a host such
 * as "fe80::1%eth0 x" is taken, as "[fe80::1]"). */
static bool
host_refused(const char *host)
{
  size_t n = strlen(host), i;

  if (n == 0 || n > 255)
    return true;
  if (strchr(host, ':') && strchr(host, '%'))
    n = (size_t)(strchr(host, '%') - host);
  for (i = 0; i < n; i++)
    if (!host_byte(host[i]) && !strchr("%[]", host[i]))
      return true;
  return false;
}

/* Whether the len bytes at p, the host and port as a request carries
 * them, are a bracketed address or a name, ':' and digits: nothing that
 * could end a header or a URL's authority. */
static bool
authority_ok(const unsigned char *p, size_t len)
{
  size_t i;

  if (len == 0)
    return false;
  for (i = 0; i < len; i++)
    if (!host_byte((char)p[i]) && p[i] != '[' && p[i] != ']')
      return false;
  return true;
}

static size_t
occurrences(const unsigned char *p, size_t len, const char *needle)
{
  size_t k = strlen(needle), i, n = 0;

  for (i = 0; i + k <= len; i++)
    if (memcmp(p + i, needle, k) == 0)
      n++;
  return n;
}

static uint32_t
get32le(const unsigned char *p)
{
  return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
         p[0];
}

/* ep_hello_request() for host at a few ports, into exactly
 * EP_HELLO_REQUEST_MAX heap bytes and into exactly small. */
static void
request(enum ep_hello h, const char *host, size_t small)
{
  static const unsigned ports[] = {4840, 1, 65535, 0, 65536};
  unsigned char        *buf = malloc(EP_HELLO_REQUEST_MAX);
  unsigned char        *cut = malloc(small ? small : 1);
  bool uses_host = h == EP_HELLO_OPCUA || h == EP_HELLO_MTCONNECT_HTTP;
  size_t                i, n, m;

  if (!buf || !cut)
    abort();
  for (i = 0; i < sizeof ports / sizeof ports[0]; i++) {
    unsigned port = ports[i];

    n = ep_hello_request(h, host, port, buf, EP_HELLO_REQUEST_MAX);
    if (n > EP_HELLO_REQUEST_MAX)
      fail("request longer than its buffer", h, n, -1);
    if (h == EP_HELLO_NONE && n != 0)
      fail("a request for EP_HELLO_NONE", h, n, -1);
    if (uses_host && n != 0 &&
        (host_refused(host) || port == 0 || port > 65535))
      fail("request built for a host or port it must refuse", h, n, -1);
    if (!uses_host && h != EP_HELLO_NONE && n == 0)
      fail("no request for a hello that needs no host", h, n, -1);
    if (h == EP_HELLO_MTCONNECT_HTTP && n != 0) {
      static const char host_line[] = "\r\nHost: ";
      size_t            at = (size_t)-1, end;

      if (occurrences(buf, n, "\r\n") != 6 || occurrences(buf, n, "\n") != 6 ||
          memchr(buf, '\0', n) || n < 4 ||
          memcmp(buf + n - 4, "\r\n\r\n", 4) != 0 ||
          occurrences(buf, n, host_line + 2) != 1)
        fail("HTTP request with lines that are not ours", h, n, -1);
      for (end = 0; end + sizeof host_line - 1 <= n; end++)
        if (memcmp(buf + end, host_line, sizeof host_line - 1) == 0) {
          at = end + sizeof host_line - 1;
          break;
        }
      if (at == (size_t)-1)
        fail("HTTP request without its Host line", h, n, -1);
      for (end = at; end < n && buf[end] != '\r'; end++)
        ;
      if (!authority_ok(buf + at, end - at))
        fail("HTTP Host header with bytes a host cannot have", h, n, -1);
    }
    if (h == EP_HELLO_OPCUA && n != 0 &&
        (n < 42 || memcmp(buf, "HELF", 4) != 0 || get32le(buf + 4) != n ||
         get32le(buf + 28) != n - 32 ||
         memcmp(buf + 32, "opc.tcp://", 10) != 0 ||
         !authority_ok(buf + 42, n - 42)))
      fail("OPC UA Hello with wrong lengths or endpoint URL", h, n, -1);

    m = ep_hello_request(h, host, port, cut, small);
    if (m > small || (m != 0 && m != n))
      fail("request into a small buffer", h, m, -1);
  }
  if (uses_host && ep_hello_request(h, NULL, 4840, buf, EP_HELLO_REQUEST_MAX))
    fail("request for a NULL host", h, 0, -1);
  free(cut);
  free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  enum ep_hello         h;
  const uint8_t        *reply;
  size_t                len, max, k;
  enum ep_hello_verdict v;
  char                 *what, *host;

  if (size == 0)
    return 0;
  h = (enum ep_hello)(data[0] % HELLO_KINDS);
  reply = data + 1;
  len = size - 1;
  max = ep_hello_reply_max(h);
  if (!(what = malloc(EP_HELLO_WHAT_MAX)))
    return 0;

  /* Every prefix as it might arrive.  Past max + 1 the judge looks at
   * no more bytes, so only the whole is judged again. */
  for (k = 0; k <= len; k++) {
    if (k > max + 1 && k < len)
      k = len;
    judge(h, reply, k, false, what);
  }
  v = judge(h, reply, len, true, what);
  judge_sizes(h, reply, len, v, what, (size_t)(data[0] / HELLO_KINDS) % 48);

  said(h, reply, len, (size_t)(data[0] / HELLO_KINDS) % 40);
  if ((host = malloc(len + 1)) != NULL) {
    memcpy(host, reply, len);
    host[len] = '\0';
    request(h, host, (size_t)(data[0] / HELLO_KINDS) % 64 * 4);
    free(host);
  }
  free(what);
  return 0;
}
