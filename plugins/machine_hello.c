#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "machine_hello.h"

/* Modbus: the MBAP transaction id of our request ("EP"), and the most an
 * MBAP length field may say: the unit id and a PDU of at most 253 bytes
 * (Modbus Messaging on TCP/IP Implementation Guide V1.0b, 3.1.3). */
#define MODBUS_TID        0x4550u
#define MODBUS_LENGTH_MAX 254u

/* OPC UA (OPC 10000-6 7.1.2): a message header is 8 bytes; an ACK is
 * 28 in all; an ERR is 16 before its reason. */
#define OPCUA_HEADER  8u
#define OPCUA_ACK_LEN 28u
#define OPCUA_ERR_MIN 16u

/* EtherNet/IP (CIP Vol. 2, 2-3 and 2-4): the encapsulation header, the
 * ListIdentity command and the CIP Identity item's type and fixed part
 * (through the product name's length byte). */
#define ENIP_HEADER        24u
#define ENIP_LIST_IDENTITY 0x0063u
#define ENIP_ITEM_IDENTITY 0x000Cu
#define ENIP_IDENTITY_MIN  33u

#define HTTP_REPLY_MAX   (64u << 10)
#define SHDR_REPLY_MAX   (4u << 10)
#define OPCUA_REPLY_MAX  (8u << 10)
#define ENIP_REPLY_MAX   600u
#define MODBUS_REPLY_MAX 300u

/* How much of a peer's text goes into an ANSWERED line (an OPC UA ERR's
 * reason, an EtherNet/IP product name): up to 64 bytes, but no more room
 * than EP_HELLO_SAID_MAX escaped bytes take, so any line fits
 * EP_HELLO_WHAT_MAX. */
#define TEXT_MAX  64u
#define TEXT_ROOM (EP_HELLO_SAID_MAX * 4u + 4u)

/* What the judges share: the bytes so far and where the verdict goes. */
struct judge {
  const unsigned char *d;
  size_t               len;
  bool                 closed;
  char                *what;
  size_t               size;
};

static unsigned
get16be(const unsigned char *p)
{
  return (unsigned)p[0] << 8 | p[1];
}

static unsigned
get16le(const unsigned char *p)
{
  return (unsigned)p[1] << 8 | p[0];
}

static uint32_t
get32le(const unsigned char *p)
{
  return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
         p[0];
}

static void
put16le(unsigned char *p, unsigned v)
{
  p[0] = (unsigned char)(v & 0xff);
  p[1] = (unsigned char)(v >> 8 & 0xff);
}

static void
put32le(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v & 0xff);
  p[1] = (unsigned char)(v >> 8 & 0xff);
  p[2] = (unsigned char)(v >> 16 & 0xff);
  p[3] = (unsigned char)(v >> 24 & 0xff);
}

/* Renders at most max bytes of d into out (size bytes, NUL included):
 * printable ASCII as itself except ' and \, anything else as \xNN, then
 * "..." when bytes were left out.  Never writes past out[size - 1]. */
static void
render(const unsigned char *d, size_t len, size_t max, char *out,
       size_t size)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t            i, n = 0;

  if (size == 0)
    return;
  for (i = 0; i < len && i < max; i++) {
    unsigned char c = d[i];
    bool plain = c >= 0x20 && c < 0x7f && c != '\'' && c != '\\';

    /* Keep room for "..." and the NUL. */
    if (n + (plain ? 1 : 4) + 4 > size)
      break;
    if (plain) {
      out[n++] = (char)c;
    } else {
      out[n++] = '\\';
      out[n++] = 'x';
      out[n++] = hex[c >> 4];
      out[n++] = hex[c & 0xf];
    }
  }
  if (i < len && n + 4 <= size) {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n] = '\0';
}

static enum ep_hello_verdict
say(const struct judge *j, enum ep_hello_verdict v, const char *fmt,
    va_list ap) __attribute__((format(printf, 3, 0)));

static enum ep_hello_verdict
say(const struct judge *j, enum ep_hello_verdict v, const char *fmt,
    va_list ap)
{
  if (j->size > 0)
    vsnprintf(j->what, j->size, fmt, ap);
  return v;
}

static enum ep_hello_verdict
answered(const struct judge *j, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static enum ep_hello_verdict
answered(const struct judge *j, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  say(j, EP_HELLO_ANSWERED, fmt, ap);
  va_end(ap);
  return EP_HELLO_ANSWERED;
}

/* WRONG, with what was wrong; nothing of what the peer said. */
static enum ep_hello_verdict
refused(const struct judge *j, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static enum ep_hello_verdict
refused(const struct judge *j, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  say(j, EP_HELLO_WRONG, fmt, ap);
  va_end(ap);
  return EP_HELLO_WRONG;
}

/* WRONG, with what was wrong and then ": said '...'" showing the first
 * bytes of said (the whole reply, or the part that matters). */
static enum ep_hello_verdict
wrong_said(const struct judge *j, const unsigned char *said, size_t said_len,
           const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum ep_hello_verdict
wrong_said(const struct judge *j, const unsigned char *said, size_t said_len,
           const char *fmt, ...)
{
  va_list ap;
  int     n;

  if (j->size == 0)
    return EP_HELLO_WRONG;
  va_start(ap, fmt);
  n = vsnprintf(j->what, j->size, fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n < j->size && said_len > 0) {
    snprintf(j->what + n, j->size - (size_t)n, ": said ");
    n += (int)strlen(": said ");
    if ((size_t)n < j->size)
      ep_hello_said(said, said_len, j->what + n, j->size - (size_t)n);
  }
  return EP_HELLO_WRONG;
}

void
ep_hello_said(const unsigned char *data, size_t len, char *out, size_t size)
{
  char shown[EP_HELLO_SAID_MAX * 4 + 4];

  if (size == 0)
    return;
  render(data, data ? len : 0, EP_HELLO_SAID_MAX, shown, sizeof shown);
  snprintf(out, size, "'%s'", shown);
}

/* The first place needle occurs in d[from, len), or len.  memchr finds
 * the candidates: the judges are called again as bytes arrive, so a
 * 64 KiB reply dripped byte by byte is scanned 64 Ki times. */
static size_t
find(const unsigned char *d, size_t len, size_t from, const char *needle)
{
  size_t n = strlen(needle);

  while (n <= len && from <= len - n) {
    const unsigned char *p =
      memchr(d + from, (unsigned char)needle[0], len - n - from + 1);

    if (!p)
      break;
    from = (size_t)(p - d);
    if (memcmp(p, needle, n) == 0)
      return from;
    from++;
  }
  return len;
}

/* Whether the first min(len, strlen(s)) bytes of d agree with s: a peer
 * that has sent the wrong first bytes need not be waited for. */
static bool
starts(const unsigned char *d, size_t len, const char *s)
{
  size_t n = strlen(s);

  return len == 0 || memcmp(d, s, len < n ? len : n) == 0;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

static bool
host_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == ':';
}

/* Writes host as a URL's or a Host header's host part into out: an IPv6
 * address in brackets, without a zone, which has meaning only on this
 * side (RFC 6874 section 4).  false for a host that is not a plain name
 * or address, so nothing can be smuggled into the request. */
static bool
host_part(const char *host, char *out, size_t size)
{
  size_t n, i;
  bool   v6;

  if (!host || (n = strlen(host)) == 0 || n > 255)
    return false;
  if (host[0] == '[') {
    if (n < 3 || host[n - 1] != ']')
      return false;
    host++;
    n -= 2;
  }
  v6 = memchr(host, ':', n) != NULL;
  if (v6) {
    const char *zone = memchr(host, '%', n);

    if (zone)
      n = (size_t)(zone - host);
  }
  if (n == 0)
    return false;
  for (i = 0; i < n; i++)
    if (!host_char(host[i]))
      return false;
  return snprintf(out, size, v6 ? "[%.*s]" : "%.*s", (int)n, host) <
         (int)size;
}

/* Modbus Application Protocol V1.1b3 6.3 (Read Holding Registers) in an
 * MBAP header (Implementation Guide V1.0b 3.1.3): register 0, quantity 1.
 * Unit id 1, not the 0xFF the guide (4.4.1.3) recommends for a device
 * reached directly over TCP: such a device ignores the unit id anyway,
 * but a gateway to serial devices (SeaLevel, Moxa) forwards by it, and
 * many have no device at 0xFF and never answer it (0 is broadcast, which
 * no device answers), while 1 is most serial devices' default address. */
static size_t
modbus_request(unsigned char *buf, size_t cap)
{
  static const unsigned char req[] = {
    MODBUS_TID >> 8, MODBUS_TID & 0xff, /* transaction id */
    0x00, 0x00,                         /* protocol id: Modbus */
    0x00, 0x06,                         /* length: unit id + PDU */
    0x01,                               /* unit id */
    0x03,                               /* Read Holding Registers */
    0x00, 0x00,                         /* starting address */
    0x00, 0x01                          /* quantity of registers */
  };

  if (cap < sizeof req)
    return 0;
  memcpy(buf, req, sizeof req);
  return sizeof req;
}

/* OPC 10000-6 7.1.2.3: a Hello, asking for 64 KiB buffers and leaving
 * the message size and chunk count to the server (0: no limit). */
static size_t
opcua_request(const char *host, unsigned port, unsigned char *buf,
              size_t cap)
{
  char   hp[264], url[300];
  int    n;
  size_t len;

  if (!host_part(host, hp, sizeof hp) || port == 0 || port > 65535)
    return 0;
  n = snprintf(url, sizeof url, "opc.tcp://%s:%u", hp, port);
  if (n < 0 || (size_t)n >= sizeof url)
    return 0;
  len = OPCUA_HEADER + 5 * 4 + 4 + (size_t)n;
  if (cap < len)
    return 0;
  memcpy(buf, "HELF", 4);
  put32le(buf + 4, (uint32_t)len);
  put32le(buf + 8, 0);      /* ProtocolVersion */
  put32le(buf + 12, 65536); /* ReceiveBufferSize */
  put32le(buf + 16, 65536); /* SendBufferSize */
  put32le(buf + 20, 0);     /* MaxMessageSize */
  put32le(buf + 24, 0);     /* MaxChunkCount */
  put32le(buf + 28, (uint32_t)n);
  memcpy(buf + 32, url, (size_t)n);
  return len;
}

/* MTConnect Part 1 (REST): the probe request lists the agent's devices.
 * Connection: close, so the end of the document is the end of the
 * connection. */
static size_t
http_request(const char *host, unsigned port, unsigned char *buf, size_t cap)
{
  char hp[264], req[EP_HELLO_REQUEST_MAX];
  int  n;

  if (!host_part(host, hp, sizeof hp) || port == 0 || port > 65535)
    return 0;
  n = snprintf(req, sizeof req,
               "GET /probe HTTP/1.1\r\n"
               "Host: %s:%u\r\n"
               "Accept: application/xml\r\n"
               "User-Agent: edgeprobe\r\n"
               "Connection: close\r\n"
               "\r\n",
               hp, port);
  if (n < 0 || (size_t)n >= sizeof req || cap < (size_t)n)
    return 0;
  memcpy(buf, req, (size_t)n);
  return (size_t)n;
}

/* The adapter's heartbeat request (MTConnect SHDR: "* PING" is answered
 * "* PONG <ms>"). */
static size_t
shdr_request(unsigned char *buf, size_t cap)
{
  static const char req[] = "* PING\n";

  if (cap < sizeof req - 1)
    return 0;
  memcpy(buf, req, sizeof req - 1);
  return sizeof req - 1;
}

/* CIP Vol. 2 2-4.2: ListIdentity, a bare encapsulation header that needs
 * no session.  The sender context comes back in the reply. */
static size_t
enip_request(unsigned char *buf, size_t cap)
{
  if (cap < ENIP_HEADER)
    return 0;
  memset(buf, 0, ENIP_HEADER);
  put16le(buf, ENIP_LIST_IDENTITY); /* command; length, session, status 0 */
  memcpy(buf + 12, "edgeprob", 8);  /* sender context */
  return ENIP_HEADER;               /* options 0 */
}

size_t
ep_hello_request(enum ep_hello h, const char *host, unsigned port,
                 unsigned char *buf, size_t cap)
{
  if (!buf)
    return 0;
  switch (h) {
    case EP_HELLO_MODBUS:
      return modbus_request(buf, cap);
    case EP_HELLO_OPCUA:
      return opcua_request(host, port, buf, cap);
    case EP_HELLO_MTCONNECT_HTTP:
      return http_request(host, port, buf, cap);
    case EP_HELLO_SHDR:
      return shdr_request(buf, cap);
    case EP_HELLO_ENIP:
      return enip_request(buf, cap);
    case EP_HELLO_NONE:
      break;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Modbus                                                              */
/* ------------------------------------------------------------------ */

/* Modbus Application Protocol V1.1b3, 7. */
static const char *
modbus_exception_name(unsigned code)
{
  switch (code) {
    case 0x01:
      return "illegal function";
    case 0x02:
      return "illegal data address";
    case 0x03:
      return "illegal data value";
    case 0x04:
      return "server device failure";
    case 0x05:
      return "acknowledge";
    case 0x06:
      return "server device busy";
    case 0x08:
      return "memory parity error";
    case 0x0A:
      return "gateway path unavailable";
    case 0x0B:
      return "gateway target failed to respond";
  }
  return "unknown exception";
}

/* Any well-formed answer to our transaction proves Modbus, an exception
 * as much as the register. */
static enum ep_hello_verdict
judge_modbus(const struct judge *j)
{
  const unsigned char *d = j->d;
  unsigned             length = 0, fn, count;

  if (j->len >= 2 && get16be(d) != MODBUS_TID)
    return wrong_said(j, d, j->len,
                      "not a Modbus reply to our request (transaction id "
                      "0x%04X, ours 0x%04X)",
                      get16be(d), MODBUS_TID);
  if (j->len >= 4 && get16be(d + 2) != 0)
    return wrong_said(j, d, j->len, "not Modbus (protocol id 0x%04X, not 0)",
                      get16be(d + 2));
  if (j->len >= 6) {
    length = get16be(d + 4);
    if (length < 3 || length > MODBUS_LENGTH_MAX)
      return wrong_said(j, d, j->len, "not Modbus (length %u, not 3 to %u)",
                        length, MODBUS_LENGTH_MAX);
  }
  if (j->len < 7 || j->len < 6 + (size_t)length) {
    if (!j->closed)
      return EP_HELLO_MORE;
    if (j->len < 7)
      return wrong_said(j, d, j->len,
                        "closed after %zu bytes, inside a Modbus header",
                        j->len);
    return wrong_said(j, d, j->len,
                      "closed after %zu of the %u bytes of a Modbus reply",
                      j->len, 6 + length);
  }
  fn = d[7];
  if (fn == (0x03 | 0x80)) {
    unsigned code;

    if (length != 3)
      return wrong_said(j, d, j->len,
                        "malformed Modbus exception (length %u, not 3)",
                        length);
    code = d[8];
    /* 0x0A and 0x0B come from a gateway about the device behind it. */
    return answered(j, "Modbus exception %u (%s): the %s speaks Modbus", code,
                    modbus_exception_name(code),
                    code == 0x0A || code == 0x0B ? "gateway" : "device");
  }
  if (fn != 0x03)
    return wrong_said(j, d, j->len,
                      "Modbus reply with function 0x%02X to our 0x03", fn);
  count = d[8];
  if (count < 2 || count % 2 != 0 || length != 3 + count)
    return wrong_said(j, d, j->len,
                      "malformed Modbus reply (byte count %u, length %u)",
                      count, length);
  return answered(j, "Modbus reply, unit %u, register 0 = %u", d[6],
                  get16be(d + 9));
}

/* ------------------------------------------------------------------ */
/* OPC UA                                                              */
/* ------------------------------------------------------------------ */

/* The status codes a server answers a Hello with (OPC 10000-6 7.1.5,
 * values from OPC 10000-4 / StatusCode.csv); the low 16 bits are flags. */
static const char *
opcua_status_name(uint32_t status)
{
  switch (status & 0xFFFF0000u) {
    case 0x807D0000u:
      return "BadTcpServerTooBusy";
    case 0x807E0000u:
      return "BadTcpMessageTypeInvalid";
    case 0x807F0000u:
      return "BadTcpSecureChannelUnknown";
    case 0x80800000u:
      return "BadTcpMessageTooLarge";
    case 0x80810000u:
      return "BadTcpNotEnoughResources";
    case 0x80820000u:
      return "BadTcpInternalError";
    case 0x80830000u:
      return "BadTcpEndpointUrlInvalid";
    case 0x80BE0000u:
      return "BadProtocolVersionUnsupported";
  }
  return NULL;
}

/* OPC 10000-6 7.1.2.4 (Acknowledge) and 7.1.2.5 (Error).  An ERR is an
 * answer too: only an OPC UA server sends one. */
static enum ep_hello_verdict
judge_opcua(const struct judge *j)
{
  const unsigned char *d = j->d;
  uint32_t             size, status;
  bool                 ack;

  if (!starts(d, j->len, "ACKF") && !starts(d, j->len, "ERRF"))
    return wrong_said(j, d, j->len, "not OPC UA (no ACK or ERR)");
  if (j->len < OPCUA_HEADER) {
    if (!j->closed)
      return EP_HELLO_MORE;
    return wrong_said(j, d, j->len,
                      "closed after %zu bytes, inside an OPC UA header",
                      j->len);
  }
  ack = d[0] == 'A';
  size = get32le(d + 4);
  if (size < (ack ? OPCUA_ACK_LEN : OPCUA_ERR_MIN) || size > OPCUA_REPLY_MAX)
    return wrong_said(j, d, j->len, "OPC UA %s of %lu bytes, not %u to %u",
                      ack ? "ACK" : "ERR", (unsigned long)size,
                      ack ? OPCUA_ACK_LEN : OPCUA_ERR_MIN, OPCUA_REPLY_MAX);
  if (j->len < size) {
    if (!j->closed)
      return EP_HELLO_MORE;
    return wrong_said(j, d, j->len,
                      "closed after %zu of the %lu bytes of an OPC UA %s",
                      j->len, (unsigned long)size, ack ? "ACK" : "ERR");
  }
  if (ack)
    return answered(j, "OPC UA ACK, protocol %lu, buffers %lu/%lu",
                    (unsigned long)get32le(d + 8),
                    (unsigned long)get32le(d + 12),
                    (unsigned long)get32le(d + 16));
  status = get32le(d + 8);
  {
    /* Reason: a String, Int32 length (-1 for null) then bytes; tolerate
     * a length past the message by showing what is there. */
    int32_t     rlen = (int32_t)get32le(d + 12);
    size_t      avail = size - OPCUA_ERR_MIN, n;
    const char *name = opcua_status_name(status);

    n = rlen > 0 ? (size_t)rlen : 0;
    if (n > avail)
      n = avail;
    if (n > 0) {
      char reason[TEXT_ROOM];

      render(d + OPCUA_ERR_MIN, n, TEXT_MAX, reason, sizeof reason);
      return answered(j, "OPC UA ERR 0x%08lX: %s", (unsigned long)status,
                      reason);
    }
    if (name)
      return answered(j, "OPC UA ERR 0x%08lX (%s)", (unsigned long)status,
                      name);
    return answered(j, "OPC UA ERR 0x%08lX", (unsigned long)status);
  }
}

/* ------------------------------------------------------------------ */
/* MTConnect over HTTP                                                 */
/* ------------------------------------------------------------------ */

static bool
digit(unsigned char c)
{
  return c >= '0' && c <= '9';
}

/* <Device id=...> elements, not <Devices> or <DeviceStream>. */
static unsigned
count_devices(const unsigned char *d, size_t len, size_t from)
{
  unsigned n = 0;
  size_t   i = from;

  while ((i = find(d, len, i, "<Device")) < len) {
    i += 7;
    if (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' ||
                    d[i] == '\n' || d[i] == '>' || d[i] == '/'))
      n++;
  }
  return n;
}

/* What to show of a body that is not a probe document: its start, past
 * an XML declaration, which says nothing. */
static size_t
skip_xml_declaration(const unsigned char *d, size_t len, size_t at)
{
  size_t end;

  if (!starts(d + at, len - at, "<?xml") || len - at < 5)
    return at;
  end = find(d, len, at, "?>");
  if (end == len)
    return at;
  at = end + 2;
  while (at < len && (d[at] == ' ' || d[at] == '\r' || d[at] == '\n' ||
                      d[at] == '\t'))
    at++;
  return at;
}

/* RFC 9112 4 (status line) and 2.1 (headers end at an empty line); the
 * body is searched raw, which a chunked encoding's size lines do not
 * hide in practice.  Found: wait for its end tag or the close, so the
 * count of devices is whole. */
static enum ep_hello_verdict
judge_http(const struct judge *j)
{
  const unsigned char *d = j->d;
  size_t               len = j->len, body, end, doc;
  unsigned             status, devices;

  if (!starts(d, len, "HTTP/1."))
    return wrong_said(j, d, len, "not HTTP");
  if (len < 13) {
    if (!j->closed)
      return EP_HELLO_MORE;
    return wrong_said(j, d, len, "closed after %zu bytes, inside an HTTP "
                                 "status line", len);
  }
  if (!digit(d[7]) || d[8] != ' ' || !digit(d[9]) || !digit(d[10]) ||
      !digit(d[11]) || (d[12] != ' ' && d[12] != '\r' && d[12] != '\n'))
    return wrong_said(j, d, len, "not HTTP (bad status line)");
  status = (unsigned)(d[9] - '0') * 100 + (unsigned)(d[10] - '0') * 10 +
           (unsigned)(d[11] - '0');
  if (status != 200)
    return refused(j, "HTTP %u from /probe", status);

  /* The first empty line, CRLF or (tolerated) bare LF. */
  body = find(d, len, 0, "\r\n\r\n");
  end = find(d, len, 0, "\n\n");
  if (body == len && end == len) {
    if (!j->closed)
      return EP_HELLO_MORE;
    return wrong_said(j, d, len, "closed inside the HTTP headers");
  }
  body = body < end ? body + 4 : end + 2;

  doc = find(d, len, body, "<MTConnectDevices");
  if (doc == len) {
    size_t shown;

    if (!j->closed && len < HTTP_REPLY_MAX)
      return EP_HELLO_MORE;
    if (body == len)
      return refused(j, "HTTP 200 from /probe without a body");
    shown = skip_xml_declaration(d, len, body);
    return wrong_said(j, d + shown, len - shown,
                      "HTTP 200 from /probe without MTConnectDevices");
  }
  end = find(d, len, doc, "</MTConnectDevices");
  if (end == len && !j->closed && len < HTTP_REPLY_MAX)
    return EP_HELLO_MORE;
  devices = count_devices(d, len, doc);
  if (end == len && !j->closed)
    return answered(j, "MTConnectDevices, %u device%s in the first %u bytes",
                    devices, devices == 1 ? "" : "s", HTTP_REPLY_MAX);
  return answered(j, "MTConnectDevices, %u device%s", devices,
                  devices == 1 ? "" : "s");
}

/* ------------------------------------------------------------------ */
/* SHDR                                                                */
/* ------------------------------------------------------------------ */

/* Text as adapters send it: printable, tab, UTF-8 (in messages and
 * alarms); a CR only before the LF. */
static bool
shdr_text(const unsigned char *d, size_t len, size_t i)
{
  unsigned char c = d[i];

  if (c == '\t' || (c >= 0x20 && c != 0x7f))
    return true;
  return c == '\r' && (i + 1 == len || d[i + 1] == '\n');
}

/* "* PONG" alone or followed by a blank and the heartbeat in ms. */
static bool
shdr_pong(const struct judge *j, const unsigned char *line, size_t n,
          enum ep_hello_verdict *v)
{
  size_t i, digits;

  if (n > 0 && line[n - 1] == '\r')
    n--;
  if (n < 6 || memcmp(line, "* PONG", 6) != 0 ||
      (n > 6 && line[6] != ' ' && line[6] != '\t'))
    return false;
  for (i = 6; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
    ;
  for (digits = 0; i + digits < n && digit(line[i + digits]); digits++)
    ;
  if (digits > 0 && digits <= 9)
    *v = answered(j, "SHDR * PONG %.*s", (int)digits,
                  (const char *)line + i);
  else
    *v = answered(j, "SHDR * PONG");
  return true;
}

/* Adapters send data lines whenever they like, so lines before the PONG
 * are passed over; binary bytes mean something else is listening. */
static enum ep_hello_verdict
judge_shdr(const struct judge *j)
{
  const unsigned char *d = j->d;
  size_t               i, start = 0;
  enum ep_hello_verdict v;

  for (i = 0; i < j->len; i++) {
    if (d[i] == '\n') {
      if (shdr_pong(j, d + start, i - start, &v))
        return v;
      start = i + 1;
    } else if (!shdr_text(d, j->len, i)) {
      return wrong_said(j, d, j->len, "not SHDR (byte 0x%02X at %zu)", d[i],
                        i);
    }
  }
  /* The last line, unfinished: the peer may have closed after it. */
  if (j->closed && start < j->len &&
      shdr_pong(j, d + start, j->len - start, &v))
    return v;
  if (!j->closed && j->len < SHDR_REPLY_MAX)
    return EP_HELLO_MORE;
  if (j->closed)
    return wrong_said(j, d, j->len, "closed without a * PONG");
  return wrong_said(j, d, j->len, "no * PONG in the first %zu bytes", j->len);
}

/* ------------------------------------------------------------------ */
/* EtherNet/IP                                                         */
/* ------------------------------------------------------------------ */

/* CIP Vol. 2 Table 2-3.3, encapsulation status codes. */
static const char *
enip_status_name(uint32_t status)
{
  switch (status) {
    case 0x0001:
      return "unsupported command";
    case 0x0002:
      return "insufficient memory";
    case 0x0003:
      return "incorrect data";
    case 0x0064:
      return "invalid session handle";
    case 0x0065:
      return "invalid length";
    case 0x0069:
      return "unsupported protocol revision";
  }
  return "unknown status";
}

/* CIP Vol. 2 2-4.2.2: item count, then the CIP Identity item (type
 * 0x0C): encapsulation version, socket address (16), vendor, device
 * type, product code, revision major and minor, status, serial number,
 * product name (SHORT_STRING), state.  The sender context is not
 * checked: over TCP nobody else's reply can come back. */
static enum ep_hello_verdict
judge_enip(const struct judge *j)
{
  const unsigned char *d = j->d, *item;
  unsigned             dlen, count, type, ilen, nlen;
  uint32_t             status;
  char                 name[TEXT_ROOM];

  if (j->len >= 2 && get16le(d) != ENIP_LIST_IDENTITY)
    return wrong_said(j, d, j->len,
                      "not EtherNet/IP (command 0x%04X, not ListIdentity)",
                      get16le(d));
  if (j->len < ENIP_HEADER) {
    if (!j->closed)
      return EP_HELLO_MORE;
    return wrong_said(j, d, j->len,
                      "closed after %zu bytes, inside an EtherNet/IP header",
                      j->len);
  }
  dlen = get16le(d + 2);
  status = get32le(d + 8);
  if (status != 0)
    return refused(j, "EtherNet/IP ListIdentity refused: status 0x%04lX (%s)",
                   (unsigned long)status, enip_status_name(status));
  if (ENIP_HEADER + dlen > ENIP_REPLY_MAX)
    return wrong_said(j, d, j->len,
                      "EtherNet/IP reply of %u bytes, more than %u",
                      ENIP_HEADER + dlen, ENIP_REPLY_MAX);
  if (j->len < ENIP_HEADER + (size_t)dlen) {
    if (!j->closed)
      return EP_HELLO_MORE;
    return wrong_said(j, d, j->len,
                      "closed after %zu of the %u bytes of an EtherNet/IP "
                      "reply",
                      j->len, ENIP_HEADER + dlen);
  }
  count = dlen >= 2 ? get16le(d + ENIP_HEADER) : 0;
  if (count == 0)
    return wrong_said(j, d, j->len, "EtherNet/IP ListIdentity without items");
  if (dlen < 6)
    return wrong_said(j, d, j->len, "malformed EtherNet/IP ListIdentity "
                                    "(%u bytes of data)", dlen);
  type = get16le(d + ENIP_HEADER + 2);
  ilen = get16le(d + ENIP_HEADER + 4);
  if (type != ENIP_ITEM_IDENTITY)
    return wrong_said(j, d, j->len,
                      "EtherNet/IP item type 0x%04X, not identity 0x000C",
                      type);
  item = d + ENIP_HEADER + 6;
  nlen = 6 + ilen <= dlen && ilen >= ENIP_IDENTITY_MIN ? item[32] : 0;
  if (6 + ilen > dlen || ilen < ENIP_IDENTITY_MIN ||
      ENIP_IDENTITY_MIN + nlen > ilen)
    return wrong_said(j, d, j->len,
                      "malformed EtherNet/IP identity item (%u bytes in %u)",
                      ilen, dlen);
  if (nlen == 0)
    return answered(j, "EtherNet/IP: product code %u, revision %u.%02u, "
                       "vendor %u",
                    get16le(item + 22), item[24], item[25],
                    get16le(item + 18));
  render(item + ENIP_IDENTITY_MIN, nlen, TEXT_MAX, name, sizeof name);
  return answered(j, "EtherNet/IP: %s, revision %u.%02u, vendor %u", name,
                  item[24], item[25], get16le(item + 18));
}

/* ------------------------------------------------------------------ */

size_t
ep_hello_reply_max(enum ep_hello h)
{
  switch (h) {
    case EP_HELLO_MODBUS:
      return MODBUS_REPLY_MAX;
    case EP_HELLO_OPCUA:
      return OPCUA_REPLY_MAX;
    case EP_HELLO_MTCONNECT_HTTP:
      return HTTP_REPLY_MAX;
    case EP_HELLO_SHDR:
      return SHDR_REPLY_MAX;
    case EP_HELLO_ENIP:
      return ENIP_REPLY_MAX;
    case EP_HELLO_NONE:
      break;
  }
  return 0;
}

enum ep_hello_verdict
ep_hello_judge(enum ep_hello h, const unsigned char *data, size_t len,
               bool closed, char *what, size_t what_size)
{
  struct judge          j;
  size_t                max = ep_hello_reply_max(h);
  enum ep_hello_verdict v;

  j.d = data;
  j.len = data ? len : 0;
  j.closed = closed;
  j.what = what;
  j.size = what ? what_size : 0;
  if (j.size > 0)
    what[0] = '\0';
  if (h == EP_HELLO_NONE)
    return answered(&j, "connected");
  if (max == 0)
    return refused(&j, "unknown hello %d", (int)h);
  if (j.len > max)
    j.len = max; /* what lies past the limit is not looked at */
  if (j.len == 0 && closed)
    return refused(&j, "closed without answering");

  switch (h) {
    case EP_HELLO_MODBUS:
      v = judge_modbus(&j);
      break;
    case EP_HELLO_OPCUA:
      v = judge_opcua(&j);
      break;
    case EP_HELLO_MTCONNECT_HTTP:
      v = judge_http(&j);
      break;
    case EP_HELLO_SHDR:
      v = judge_shdr(&j);
      break;
    default: /* EP_HELLO_ENIP: the others are taken above */
      v = judge_enip(&j);
      break;
  }
  /* A judge waits only while an answer may still come and fit. */
  if (v == EP_HELLO_MORE && (closed || j.len >= max)) {
    if (closed)
      v = wrong_said(&j, j.d, j.len, "closed before a whole answer");
    else
      v = wrong_said(&j, j.d, j.len, "no whole answer in the first %zu bytes",
                     j.len);
  }
  return v;
}
