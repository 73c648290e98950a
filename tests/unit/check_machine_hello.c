/* Unit tests for the machines probe's hellos: each request's exact bytes
 * (Modbus, OPC UA HEL, MTConnect probe, SHDR PING, EtherNet/IP
 * ListIdentity) and each judge's verdicts on replies that come whole, byte
 * by byte, cut short, refused, wrong and hostile, with what the peer said
 * shown safely.  Every judged prefix is an exact-size heap copy, so ASan
 * sees any read past the bytes received. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_unit.h"
#include "machine_hello.h"

/* A string literal and its length, NULs included. */
#define L(s) (const unsigned char *)(s), sizeof(s) - 1

/* Judges the first len bytes of d, copied to a block of exactly len
 * bytes. */
static enum ep_hello_verdict
judge(enum ep_hello h, const unsigned char *d, size_t len, bool closed,
      char *what, size_t size)
{
  unsigned char        *copy = malloc(len ? len : 1);
  enum ep_hello_verdict v;

  ck_assert_ptr_nonnull(copy);
  if (len)
    memcpy(copy, d, len);
  v = ep_hello_judge(h, len ? copy : NULL, len, closed, what, size);
  free(copy);
  return v;
}

static const char *
verdict_name(enum ep_hello_verdict v)
{
  return v == EP_HELLO_MORE       ? "MORE"
         : v == EP_HELLO_ANSWERED ? "ANSWERED"
         : v == EP_HELLO_WRONG    ? "WRONG"
                                  : "?";
}

/* Feeds d as a peer sending one byte at a time: every prefix shorter than
 * at must be MORE (with what ""), and the prefix of length at (closed
 * when closed_at_end and at is the whole) must give v and want. */
static void
expect_at(enum ep_hello h, const unsigned char *d, size_t len,
          bool closed_at_end, size_t at, enum ep_hello_verdict v,
          const char *want)
{
  char   what[EP_HELLO_WHAT_MAX];
  size_t k;

  for (k = 0; k < at; k++) {
    enum ep_hello_verdict got =
      judge(h, d, k, closed_at_end && k == len, what, sizeof what);

    ck_assert_msg(got == EP_HELLO_MORE, "%s: %zu bytes: %s (%s), not MORE",
                  ep_hello_name(h), k, verdict_name(got), what);
    ck_assert_str_eq(what, "");
  }
  ck_assert_msg(judge(h, d, at, closed_at_end && at == len, what,
                      sizeof what) == v,
                "%s: %zu bytes: not %s (%s)", ep_hello_name(h), at,
                verdict_name(v), what);
  ck_assert_str_eq(what, want);
}

/* The whole reply is needed: MORE for every shorter prefix. */
static void
expect_whole(enum ep_hello h, const unsigned char *d, size_t len,
             enum ep_hello_verdict v, const char *want)
{
  expect_at(h, d, len, false, len, v, want);
}

/* The whole reply judged at once, closed or not. */
static void
expect_once(enum ep_hello h, const unsigned char *d, size_t len, bool closed,
            enum ep_hello_verdict v, const char *want)
{
  char what[EP_HELLO_WHAT_MAX];

  ck_assert_msg(judge(h, d, len, closed, what, sizeof what) == v,
                "%s: not %s (%s)", ep_hello_name(h), verdict_name(v), what);
  ck_assert_str_eq(what, want);
}

/* Every prefix of a complete reply, closed after it, is WRONG. */
static void
expect_closed_early_wrong(enum ep_hello h, const unsigned char *d, size_t len)
{
  char   what[EP_HELLO_WHAT_MAX];
  size_t k;

  for (k = 0; k < len; k++) {
    enum ep_hello_verdict got = judge(h, d, k, true, what, sizeof what);

    ck_assert_msg(got == EP_HELLO_WRONG, "%s: closed after %zu: %s (%s)",
                  ep_hello_name(h), k, verdict_name(got), what);
    ck_assert_msg(strncmp(what, "closed ", 7) == 0, "%s: closed after %zu: %s",
                  ep_hello_name(h), k, what);
  }
}

#define ck_assert_prefix(s, prefix)                                            \
  ck_assert_msg(strncmp((s), (prefix), strlen(prefix)) == 0,                  \
                "'%s' does not start '%s'", (s), (prefix))

static void
put16(unsigned char *p, unsigned v)
{
  p[0] = (unsigned char)(v & 0xff);
  p[1] = (unsigned char)(v >> 8);
}

/* -------------------------------------------------------------------- */
/* Requests                                                              */
/* -------------------------------------------------------------------- */

static void
expect_request(enum ep_hello h, const char *host, unsigned port,
               const unsigned char *want, size_t want_len)
{
  unsigned char buf[EP_HELLO_REQUEST_MAX];
  unsigned char *exact;

  memset(buf, 0xa5, sizeof buf);
  ck_assert_uint_eq(ep_hello_request(h, host, port, buf, sizeof buf),
                    want_len);
  ck_assert_int_eq(memcmp(buf, want, want_len), 0);
  ck_assert_uint_eq(buf[want_len], 0xa5); /* nothing written past it */
  /* Exactly enough room is enough; a byte less is none. */
  exact = malloc(want_len);
  ck_assert_ptr_nonnull(exact);
  ck_assert_uint_eq(ep_hello_request(h, host, port, exact, want_len),
                    want_len);
  ck_assert_int_eq(memcmp(exact, want, want_len), 0);
  ck_assert_uint_eq(ep_hello_request(h, host, port, exact, want_len - 1), 0);
  free(exact);
}

START_TEST(request_modbus)
{
  static const unsigned char want[] = {
    0x45, 0x50, /* transaction id */
    0x00, 0x00, /* protocol id */
    0x00, 0x06, /* length */
    0x01,       /* unit id */
    0x03,       /* Read Holding Registers */
    0x00, 0x00, /* address 0 */
    0x00, 0x01  /* quantity 1 */
  };

  expect_request(EP_HELLO_MODBUS, NULL, 0, want, sizeof want);
  expect_request(EP_HELLO_MODBUS, "10.0.0.5", 502, want, sizeof want);
}
END_TEST

START_TEST(request_opcua)
{
  static const unsigned char want[] =
    "HELF"
    "\x37\x00\x00\x00" /* message size 55 */
    "\x00\x00\x00\x00" /* ProtocolVersion 0 */
    "\x00\x00\x01\x00" /* ReceiveBufferSize 65536 */
    "\x00\x00\x01\x00" /* SendBufferSize 65536 */
    "\x00\x00\x00\x00" /* MaxMessageSize 0 */
    "\x00\x00\x00\x00" /* MaxChunkCount 0 */
    "\x17\x00\x00\x00" /* EndpointUrl: 23 bytes */
    "opc.tcp://10.0.0.5:4840";

  expect_request(EP_HELLO_OPCUA, "10.0.0.5", 4840, want, sizeof want - 1);
}
END_TEST

/* IPv6 goes in brackets, the zone is dropped (RFC 6874 4), a bracketed
 * address is taken as it is. */
START_TEST(request_opcua_ipv6)
{
  static const unsigned char want[] =
    "HELF"
    "\x38\x00\x00\x00" /* 56 */
    "\x00\x00\x00\x00"
    "\x00\x00\x01\x00"
    "\x00\x00\x01\x00"
    "\x00\x00\x00\x00"
    "\x00\x00\x00\x00"
    "\x18\x00\x00\x00" /* 24 */
    "opc.tcp://[fe80::1]:4840";

  expect_request(EP_HELLO_OPCUA, "fe80::1", 4840, want, sizeof want - 1);
  expect_request(EP_HELLO_OPCUA, "fe80::1%eth0", 4840, want, sizeof want - 1);
  expect_request(EP_HELLO_OPCUA, "[fe80::1]", 4840, want, sizeof want - 1);
  expect_request(EP_HELLO_OPCUA, "[fe80::1%25eth0]", 4840, want,
                 sizeof want - 1);
}
END_TEST

START_TEST(request_mtconnect_http)
{
  static const char want[] = "GET /probe HTTP/1.1\r\n"
                             "Host: cnc-7.plant.example:5000\r\n"
                             "Accept: application/xml\r\n"
                             "User-Agent: edgeprobe\r\n"
                             "Connection: close\r\n"
                             "\r\n";
  static const char want6[] = "GET /probe HTTP/1.1\r\n"
                              "Host: [2001:db8::7]:8082\r\n"
                              "Accept: application/xml\r\n"
                              "User-Agent: edgeprobe\r\n"
                              "Connection: close\r\n"
                              "\r\n";

  expect_request(EP_HELLO_MTCONNECT_HTTP, "cnc-7.plant.example", 5000,
                 (const unsigned char *)want, sizeof want - 1);
  expect_request(EP_HELLO_MTCONNECT_HTTP, "2001:db8::7", 8082,
                 (const unsigned char *)want6, sizeof want6 - 1);
}
END_TEST

START_TEST(request_shdr)
{
  expect_request(EP_HELLO_SHDR, NULL, 0, L("* PING\n"));
}
END_TEST

START_TEST(request_enip)
{
  static const unsigned char want[] = {
    0x63, 0x00,             /* ListIdentity */
    0x00, 0x00,             /* length */
    0x00, 0x00, 0x00, 0x00, /* session */
    0x00, 0x00, 0x00, 0x00, /* status */
    'e',  'd',  'g',  'e',  'p', 'r', 'o', 'b', /* sender context */
    0x00, 0x00, 0x00, 0x00  /* options */
  };

  expect_request(EP_HELLO_ENIP, NULL, 0, want, sizeof want);
}
END_TEST

START_TEST(request_none_is_empty)
{
  unsigned char buf[64];

  ck_assert_uint_eq(ep_hello_request(EP_HELLO_NONE, "h", 1, buf, sizeof buf),
                    0);
  ck_assert_uint_eq(
    ep_hello_request((enum ep_hello)99, "h", 1, buf, sizeof buf), 0);
  ck_assert_uint_eq(ep_hello_request(EP_HELLO_SHDR, NULL, 0, NULL, 64), 0);
}
END_TEST

/* A host that is not a plain name or address is refused: nothing of it
 * can end up as a header or break the URL. */
static const char *const bad_hosts[] = {
  "",
  "a b",
  "plc\r\nX-Evil: 1",
  "plc/x",
  "plc?x",
  "user@plc",
  "[::1",
  "[]",
  "[%eth0]",
  "plc%eth0", /* a zone on a name */
  "pl\xc3\xa4tz",
  "\"plc\"",
};

START_TEST(request_bad_host_refused)
{
  unsigned char buf[EP_HELLO_REQUEST_MAX];

  ck_assert_uint_eq(
    ep_hello_request(EP_HELLO_OPCUA, bad_hosts[_i], 4840, buf, sizeof buf), 0);
  ck_assert_uint_eq(ep_hello_request(EP_HELLO_MTCONNECT_HTTP, bad_hosts[_i],
                                     5000, buf, sizeof buf),
                    0);
}
END_TEST

START_TEST(request_host_limits)
{
  unsigned char buf[EP_HELLO_REQUEST_MAX];
  char          host[300];

  ck_assert_uint_eq(ep_hello_request(EP_HELLO_OPCUA, NULL, 4840, buf,
                                     sizeof buf),
                    0);
  ck_assert_uint_eq(ep_hello_request(EP_HELLO_MTCONNECT_HTTP, NULL, 5000, buf,
                                     sizeof buf),
                    0);
  memset(host, 'a', 255);
  host[255] = '\0';
  ck_assert_uint_eq(ep_hello_request(EP_HELLO_OPCUA, host, 4840, buf,
                                     sizeof buf),
                    32 + strlen("opc.tcp://") + 255 + strlen(":4840"));
  ck_assert_uint_gt(ep_hello_request(EP_HELLO_MTCONNECT_HTTP, host, 65535,
                                     buf, sizeof buf),
                    0);
  host[255] = 'a';
  host[256] = '\0';
  ck_assert_uint_eq(ep_hello_request(EP_HELLO_OPCUA, host, 4840, buf,
                                     sizeof buf),
                    0);
}
END_TEST

START_TEST(request_bad_port_refused)
{
  unsigned char buf[EP_HELLO_REQUEST_MAX];

  ck_assert_uint_eq(ep_hello_request(EP_HELLO_OPCUA, "plc", 0, buf,
                                     sizeof buf),
                    0);
  ck_assert_uint_eq(ep_hello_request(EP_HELLO_OPCUA, "plc", 65536, buf,
                                     sizeof buf),
                    0);
  ck_assert_uint_eq(ep_hello_request(EP_HELLO_MTCONNECT_HTTP, "plc", 0, buf,
                                     sizeof buf),
                    0);
  ck_assert_uint_eq(ep_hello_request(EP_HELLO_MTCONNECT_HTTP, "plc", 70000,
                                     buf, sizeof buf),
                    0);
}
END_TEST

/* -------------------------------------------------------------------- */
/* Modbus                                                                */
/* -------------------------------------------------------------------- */

/* Register 0 = 1234 from unit 1. */
static const char modbus_reply[] =
  "\x45\x50\x00\x00\x00\x05\x01\x03\x02\x04\xd2";

START_TEST(modbus_register_byte_by_byte)
{
  expect_whole(EP_HELLO_MODBUS, L(modbus_reply), EP_HELLO_ANSWERED,
               "Modbus reply, unit 1, register 0 = 1234");
  expect_once(EP_HELLO_MODBUS, L(modbus_reply), true, EP_HELLO_ANSWERED,
              "Modbus reply, unit 1, register 0 = 1234");
}
END_TEST

START_TEST(modbus_closed_early)
{
  expect_closed_early_wrong(EP_HELLO_MODBUS, L(modbus_reply));
  expect_once(EP_HELLO_MODBUS, L("\x45\x50\x00\x00\x00"), true,
              EP_HELLO_WRONG,
              "closed after 5 bytes, inside a Modbus header: said "
              "'EP\\x00\\x00\\x00'");
  expect_once(EP_HELLO_MODBUS,
              L("\x45\x50\x00\x00\x00\x05\x01\x03"), true, EP_HELLO_WRONG,
              "closed after 8 of the 11 bytes of a Modbus reply: said "
              "'EP\\x00\\x00\\x00\\x05\\x01\\x03'");
  expect_once(EP_HELLO_MODBUS, L(""), true, EP_HELLO_WRONG,
              "closed without answering");
}
END_TEST

/* A reply the gateway pads or follows with more is still the reply. */
START_TEST(modbus_trailing_bytes_ignored)
{
  expect_once(EP_HELLO_MODBUS,
              L("\x45\x50\x00\x00\x00\x05\x07\x03\x02\xff\xff\x00\x00"),
              false, EP_HELLO_ANSWERED,
              "Modbus reply, unit 7, register 0 = 65535");
}
END_TEST

struct modbus_exception {
  unsigned char code;
  const char   *what;
};

static const struct modbus_exception modbus_exceptions[] = {
  {0x01, "Modbus exception 1 (illegal function): the device speaks Modbus"},
  {0x02,
   "Modbus exception 2 (illegal data address): the device speaks Modbus"},
  {0x03, "Modbus exception 3 (illegal data value): the device speaks Modbus"},
  {0x04,
   "Modbus exception 4 (server device failure): the device speaks Modbus"},
  {0x05, "Modbus exception 5 (acknowledge): the device speaks Modbus"},
  {0x06, "Modbus exception 6 (server device busy): the device speaks Modbus"},
  {0x08,
   "Modbus exception 8 (memory parity error): the device speaks Modbus"},
  {0x0A, "Modbus exception 10 (gateway path unavailable): the gateway "
         "speaks Modbus"},
  {0x0B, "Modbus exception 11 (gateway target failed to respond): the "
         "gateway speaks Modbus"},
  {0x42, "Modbus exception 66 (unknown exception): the device speaks Modbus"},
};

START_TEST(modbus_exception_answers)
{
  const struct modbus_exception *c = &modbus_exceptions[_i];
  unsigned char reply[] = {0x45, 0x50, 0x00, 0x00, 0x00, 0x03, 0x01, 0x83, 0};

  reply[8] = c->code;
  expect_whole(EP_HELLO_MODBUS, reply, sizeof reply, EP_HELLO_ANSWERED,
               c->what);
}
END_TEST

struct wrong_case {
  const char *bytes;
  size_t      len;
  bool        closed;
  const char *what;
};

#define W(s, closed, what) {s, sizeof(s) - 1, closed, what}

static const struct wrong_case modbus_wrongs[] = {
  /* Another transaction, decided on the first two bytes. */
  W("\x12\x34", false,
    "not a Modbus reply to our request (transaction id 0x1234, ours "
    "0x4550): said '\\x124'"),
  W("\x45\x50\x00\x01\x00\x05\x01\x03\x02\x04\xd2", false,
    "not Modbus (protocol id 0x0001, not 0): said "
    "'EP\\x00\\x01\\x00\\x05\\x01\\x03\\x02\\x04\\xD2'"),
  W("\x45\x50\x00\x00\x00\x00", false,
    "not Modbus (length 0, not 3 to 254): said 'EP\\x00\\x00\\x00\\x00'"),
  W("\x45\x50\x00\x00\x00\xff\x01", false,
    "not Modbus (length 255, not 3 to 254): said "
    "'EP\\x00\\x00\\x00\\xFF\\x01'"),
  W("\x45\x50\x00\x00\xff\xff", false,
    "not Modbus (length 65535, not 3 to 254): said "
    "'EP\\x00\\x00\\xFF\\xFF'"),
  W("\x45\x50\x00\x00\x00\x05\x01\x04\x02\x00\x01", false,
    "Modbus reply with function 0x04 to our 0x03: said "
    "'EP\\x00\\x00\\x00\\x05\\x01\\x04\\x02\\x00\\x01'"),
  W("\x45\x50\x00\x00\x00\x04\x01\x83\x02\x00", false,
    "malformed Modbus exception (length 4, not 3): said "
    "'EP\\x00\\x00\\x00\\x04\\x01\\x83\\x02\\x00'"),
  W("\x45\x50\x00\x00\x00\x04\x01\x03\x01\x04", false,
    "malformed Modbus reply (byte count 1, length 4): said "
    "'EP\\x00\\x00\\x00\\x04\\x01\\x03\\x01\\x04'"),
  W("\x45\x50\x00\x00\x00\x05\x01\x03\x04\x04\xd2", false,
    "malformed Modbus reply (byte count 4, length 5): said "
    "'EP\\x00\\x00\\x00\\x05\\x01\\x03\\x04\\x04\\xD2'"),
  W("\x45\x50\x00\x00\x00\x06\x01\x03\x03\x00\x01\x02", false,
    "malformed Modbus reply (byte count 3, length 6): said "
    "'EP\\x00\\x00\\x00\\x06\\x01\\x03\\x03\\x00\\x01\\x02'"),
  /* Someone else's protocol on 502. */
  W("HTTP/1.1 400 Bad Request\r\n\r\n", false,
    "not a Modbus reply to our request (transaction id 0x4854, ours "
    "0x4550): said 'HTTP/1.1 400 Bad Request\\x0D\\x0A\\x0D\\x0A'"),
};

static void
expect_wrong_case(enum ep_hello h, const struct wrong_case *c)
{
  expect_once(h, (const unsigned char *)c->bytes, c->len, c->closed,
              EP_HELLO_WRONG, c->what);
}

START_TEST(modbus_wrong)
{
  expect_wrong_case(EP_HELLO_MODBUS, &modbus_wrongs[_i]);
}
END_TEST

/* -------------------------------------------------------------------- */
/* OPC UA                                                                */
/* -------------------------------------------------------------------- */

static const char opcua_ack[] = "ACKF"
                                "\x1c\x00\x00\x00"  /* 28 */
                                "\x00\x00\x00\x00"  /* protocol 0 */
                                "\x00\x00\x01\x00"  /* receive 65536 */
                                "\x00\x00\x01\x00"  /* send 65536 */
                                "\x00\x00\x00\x01"  /* max message */
                                "\x00\x00\x00\x00"; /* max chunks */

/* BadTcpEndpointUrlInvalid with a reason. */
static const char opcua_err[] = "ERRF"
                                "\x25\x00\x00\x00" /* 37 */
                                "\x00\x00\x83\x80"
                                "\x15\x00\x00\x00" /* 21 */
                                "endpoint url rejected";

START_TEST(opcua_ack_byte_by_byte)
{
  expect_whole(EP_HELLO_OPCUA, L(opcua_ack), EP_HELLO_ANSWERED,
               "OPC UA ACK, protocol 0, buffers 65536/65536");
  expect_closed_early_wrong(EP_HELLO_OPCUA, L(opcua_ack));
}
END_TEST

START_TEST(opcua_err_byte_by_byte)
{
  expect_whole(EP_HELLO_OPCUA, L(opcua_err), EP_HELLO_ANSWERED,
               "OPC UA ERR 0x80830000: endpoint url rejected");
  expect_closed_early_wrong(EP_HELLO_OPCUA, L(opcua_err));
}
END_TEST

START_TEST(opcua_err_without_reason)
{
  /* A null String (length -1) and an empty one; a known code is named. */
  expect_once(EP_HELLO_OPCUA,
              L("ERRF\x10\x00\x00\x00\x00\x00\x83\x80\xff\xff\xff\xff"), true,
              EP_HELLO_ANSWERED,
              "OPC UA ERR 0x80830000 (BadTcpEndpointUrlInvalid)");
  expect_once(EP_HELLO_OPCUA,
              L("ERRF\x10\x00\x00\x00\x00\x00\x7d\x80\x00\x00\x00\x00"),
              false, EP_HELLO_ANSWERED,
              "OPC UA ERR 0x807D0000 (BadTcpServerTooBusy)");
  expect_once(EP_HELLO_OPCUA,
              L("ERRF\x10\x00\x00\x00\x00\x00\x01\x80\x00\x00\x00\x00"),
              false, EP_HELLO_ANSWERED, "OPC UA ERR 0x80010000");
}
END_TEST

struct named_status {
  uint32_t    status;
  const char *what;
};

/* OPC 10000-6 7.1.5's codes, named when the server gives no reason;
 * the low 16 bits are flags and do not change the name. */
static const struct named_status opcua_statuses[] = {
  {0x807D0000u, "OPC UA ERR 0x807D0000 (BadTcpServerTooBusy)"},
  {0x807E0000u, "OPC UA ERR 0x807E0000 (BadTcpMessageTypeInvalid)"},
  {0x807F0000u, "OPC UA ERR 0x807F0000 (BadTcpSecureChannelUnknown)"},
  {0x80800000u, "OPC UA ERR 0x80800000 (BadTcpMessageTooLarge)"},
  {0x80810000u, "OPC UA ERR 0x80810000 (BadTcpNotEnoughResources)"},
  {0x80820000u, "OPC UA ERR 0x80820000 (BadTcpInternalError)"},
  {0x80830000u, "OPC UA ERR 0x80830000 (BadTcpEndpointUrlInvalid)"},
  {0x80830400u, "OPC UA ERR 0x80830400 (BadTcpEndpointUrlInvalid)"},
  {0x80BE0000u, "OPC UA ERR 0x80BE0000 (BadProtocolVersionUnsupported)"},
  {0x00000000u, "OPC UA ERR 0x00000000"},
};

START_TEST(opcua_err_status_names)
{
  unsigned char msg[] = "ERRF\x10\x00\x00\x00....\x00\x00\x00\x00";

  msg[8] = (unsigned char)(opcua_statuses[_i].status & 0xff);
  msg[9] = (unsigned char)(opcua_statuses[_i].status >> 8 & 0xff);
  msg[10] = (unsigned char)(opcua_statuses[_i].status >> 16 & 0xff);
  msg[11] = (unsigned char)(opcua_statuses[_i].status >> 24);
  expect_once(EP_HELLO_OPCUA, msg, sizeof msg - 1, false, EP_HELLO_ANSWERED,
              opcua_statuses[_i].what);
}
END_TEST

/* The reason is the server's text: escaped, bounded, and never read past
 * the message whatever its length field says. */
START_TEST(opcua_err_reason_hostile)
{
  unsigned char msg[16 + 200];
  char          want[EP_HELLO_WHAT_MAX];

  expect_once(EP_HELLO_OPCUA,
              L("ERRF\x15\x00\x00\x00\x00\x00\x83\x80\xff\x00\x00\x00"
                "a\x1b[2J"),
              false, EP_HELLO_ANSWERED,
              "OPC UA ERR 0x80830000: a\\x1B[2J");
  memcpy(msg, "ERRF", 4);
  msg[4] = sizeof msg;
  msg[5] = msg[6] = msg[7] = 0;
  memcpy(msg + 8, "\x00\x00\x83\x80", 4);
  memcpy(msg + 12, "\xc8\x00\x00\x00", 4); /* 200 */
  memset(msg + 16, 'r', 200);
  snprintf(want, sizeof want, "OPC UA ERR 0x80830000: %.64s...",
           (const char *)msg + 16);
  expect_once(EP_HELLO_OPCUA, msg, sizeof msg, false, EP_HELLO_ANSWERED,
              want);
}
END_TEST

static const struct wrong_case opcua_wrongs[] = {
  W("H", false, "not OPC UA (no ACK or ERR): said 'H'"),
  W("HTTP/1.1 400 Bad Request\r\n", false,
    "not OPC UA (no ACK or ERR): said 'HTTP/1.1 400 Bad Request\\x0D\\x0A'"),
  W("ACKC", false, "not OPC UA (no ACK or ERR): said 'ACKC'"),
  W("MSGF\x1c\x00\x00\x00", false,
    "not OPC UA (no ACK or ERR): said 'MSGF\\x1C\\x00\\x00\\x00'"),
  W("ACKF\x07\x00\x00\x00", false,
    "OPC UA ACK of 7 bytes, not 28 to 8192: said 'ACKF\\x07\\x00\\x00\\x00'"),
  W("ACKF\x14\x00\x00\x00", false,
    "OPC UA ACK of 20 bytes, not 28 to 8192: said 'ACKF\\x14\\x00\\x00\\x00'"),
  W("ERRF\x0f\x00\x00\x00", false,
    "OPC UA ERR of 15 bytes, not 16 to 8192: said 'ERRF\\x0F\\x00\\x00\\x00'"),
  W("ACKF\x01\x00\x01\x00", false,
    "OPC UA ACK of 65537 bytes, not 28 to 8192: said "
    "'ACKF\\x01\\x00\\x01\\x00'"),
  W("ERRF\xff\xff\xff\xff", false,
    "OPC UA ERR of 4294967295 bytes, not 16 to 8192: said "
    "'ERRF\\xFF\\xFF\\xFF\\xFF'"),
  W("ACKF\x1c\x00\x00", true,
    "closed after 7 bytes, inside an OPC UA header: said "
    "'ACKF\\x1C\\x00\\x00'"),
  W("ACKF\x1c\x00\x00\x00\x00", true,
    "closed after 9 of the 28 bytes of an OPC UA ACK: said "
    "'ACKF\\x1C\\x00\\x00\\x00\\x00'"),
};

START_TEST(opcua_wrong)
{
  expect_wrong_case(EP_HELLO_OPCUA, &opcua_wrongs[_i]);
}
END_TEST

/* -------------------------------------------------------------------- */
/* MTConnect over HTTP                                                   */
/* -------------------------------------------------------------------- */

static const char probe_reply[] =
  "HTTP/1.1 200 OK\r\n"
  "Content-Type: text/xml\r\n"
  "Connection: close\r\n"
  "\r\n"
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<MTConnectDevices xmlns=\"urn:mtconnect.org:MTConnectDevices:1.3\">"
  "<Header creationTime=\"2024-05-01T10:00:00Z\" instanceId=\"1\"/>"
  "<Devices>"
  "<Device id=\"d1\" name=\"VF2\" uuid=\"haas-1\"><DataItems>"
  "<DataItem id=\"avail\" type=\"AVAILABILITY\" category=\"EVENT\"/>"
  "</DataItems></Device>"
  "<Device\n id=\"d2\" name=\"ST10\"><DeviceStream/></Device>"
  "</Devices>"
  "</MTConnectDevices>\n";

/* Decided at the end tag: the count of devices is then whole. */
START_TEST(http_probe_byte_by_byte)
{
  size_t at = (size_t)(strstr(probe_reply, "</MTConnectDevices") -
                       probe_reply) +
              strlen("</MTConnectDevices");

  expect_at(EP_HELLO_MTCONNECT_HTTP, L(probe_reply), false, at,
            EP_HELLO_ANSWERED, "MTConnectDevices, 2 devices");
  expect_once(EP_HELLO_MTCONNECT_HTTP, L(probe_reply), true,
              EP_HELLO_ANSWERED, "MTConnectDevices, 2 devices");
}
END_TEST

/* Closed with the document begun: it counts what came. */
START_TEST(http_probe_closed_after_document_start)
{
  expect_once(EP_HELLO_MTCONNECT_HTTP,
              L("HTTP/1.0 200 OK\n\n<MTConnectDevices><Devices>"
                "<Device id=\"a\">"),
              true, EP_HELLO_ANSWERED, "MTConnectDevices, 1 device");
  expect_once(EP_HELLO_MTCONNECT_HTTP,
              L("HTTP/1.1 200 OK\r\n\r\n<MTConnectDevices><Devices>"), false,
              EP_HELLO_MORE, "");
}
END_TEST

/* A probe document larger than the limit: answered on what was seen. */
START_TEST(http_probe_over_limit)
{
  size_t         max = ep_hello_reply_max(EP_HELLO_MTCONNECT_HTTP);
  char          *big = malloc(max + 100);
  size_t         n;
  char           want[EP_HELLO_WHAT_MAX];
  const char     dev[] = "<Device id=\"x\"></Device>";
  unsigned       devices = 0;

  ck_assert_ptr_nonnull(big);
  n = (size_t)snprintf(big, max, "HTTP/1.1 200 OK\r\n\r\n<MTConnectDevices>");
  while (n + sizeof dev - 1 <= max) {
    memcpy(big + n, dev, sizeof dev - 1);
    n += sizeof dev - 1;
    devices++;
  }
  memset(big + n, ' ', max + 100 - n);
  snprintf(want, sizeof want,
           "MTConnectDevices, %u devices in the first 65536 bytes", devices);
  expect_once(EP_HELLO_MTCONNECT_HTTP, (unsigned char *)big, max + 100,
              false, EP_HELLO_ANSWERED, want);
  expect_once(EP_HELLO_MTCONNECT_HTTP, (unsigned char *)big, max - 1, false,
              EP_HELLO_MORE, "");
  free(big);
}
END_TEST

START_TEST(http_body_without_document_over_limit)
{
  size_t max = ep_hello_reply_max(EP_HELLO_MTCONNECT_HTTP);
  char  *big = malloc(max);
  size_t n;

  ck_assert_ptr_nonnull(big);
  n = (size_t)snprintf(big, max, "HTTP/1.1 200 OK\r\n\r\n");
  memset(big + n, 'x', max - n);
  expect_once(EP_HELLO_MTCONNECT_HTTP, (unsigned char *)big, max - 1, false,
              EP_HELLO_MORE, "");
  expect_once(EP_HELLO_MTCONNECT_HTTP, (unsigned char *)big, max, false,
              EP_HELLO_WRONG,
              "HTTP 200 from /probe without MTConnectDevices: said "
              "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
  free(big);
}
END_TEST

static const struct wrong_case http_wrongs[] = {
  W("HTTP/1.1 404 Not Found\r\n", false, "HTTP 404 from /probe"),
  W("HTTP/1.0 503 Service Unavailable\r\n\r\n", true, "HTTP 503 from /probe"),
  W("HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n", false,
    "HTTP 301 from /probe"),
  W("HTTP/1.1 200 OK\r\nContent-Length: 36\r\n\r\n"
    "<html><body>It works!</body></html>",
    true,
    "HTTP 200 from /probe without MTConnectDevices: said "
    "'<html><body>It works!</body></html>'"),
  /* An agent's error document: its start shown, past the declaration. */
  W("HTTP/1.1 200 OK\r\n\r\n<?xml version=\"1.0\"?>\n"
    "<MTConnectError><Errors><Error errorCode=\"UNSUPPORTED\"/>",
    true,
    "HTTP 200 from /probe without MTConnectDevices: said "
    "'<MTConnectError><Errors><Error errorCode...'"),
  /* The name in a header is not a document. */
  W("HTTP/1.1 200 OK\r\nX-Doc: <MTConnectDevices\r\n\r\nhello", true,
    "HTTP 200 from /probe without MTConnectDevices: said 'hello'"),
  W("HTTP/1.1 200 OK\r\n\r\n", true, "HTTP 200 from /probe without a body"),
  /* Bare-LF headers end at the first empty line, not a later CRLF one. */
  W("HTTP/1.1 200 OK\nA: b\n\nno\r\n\r\ndoc", true,
    "HTTP 200 from /probe without MTConnectDevices: said "
    "'no\\x0D\\x0A\\x0D\\x0Adoc'"),
  W("HTTP/1.1 200 OK\r\nServer: x\r\n", true,
    "closed inside the HTTP headers: said "
    "'HTTP/1.1 200 OK\\x0D\\x0AServer: x\\x0D\\x0A'"),
  W("HTTP/1.1 20", true,
    "closed after 11 bytes, inside an HTTP status line: said 'HTTP/1.1 20'"),
  W("HTTP/1.1 2OO OK\r\n", false,
    "not HTTP (bad status line): said 'HTTP/1.1 2OO OK\\x0D\\x0A'"),
  W("HTTP/1.1 2000 OK\r\n", false,
    "not HTTP (bad status line): said 'HTTP/1.1 2000 OK\\x0D\\x0A'"),
  W("HTTP/2 200\r\n", false, "not HTTP: said 'HTTP/2 200\\x0D\\x0A'"),
  W("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", false,
    "not HTTP: said 'SSH-2.0-OpenSSH_9.2p1 Debian-2\\x0D\\x0A'"),
  W("\x16\x03\x01\x00", false, "not HTTP: said '\\x16\\x03\\x01\\x00'"),
};

START_TEST(http_wrong)
{
  expect_wrong_case(EP_HELLO_MTCONNECT_HTTP, &http_wrongs[_i]);
}
END_TEST

/* Decided as soon as the first byte is not HTTP's. */
START_TEST(http_garbage_decided_early)
{
  expect_at(EP_HELLO_MTCONNECT_HTTP, L("HTTX"), false, 4, EP_HELLO_WRONG,
            "not HTTP: said 'HTTX'");
  expect_at(EP_HELLO_MTCONNECT_HTTP, L("HTTP/1.1 404 Not Found\r\n"), false,
            13, EP_HELLO_WRONG, "HTTP 404 from /probe");
}
END_TEST

/* -------------------------------------------------------------------- */
/* SHDR                                                                  */
/* -------------------------------------------------------------------- */

START_TEST(shdr_pong_byte_by_byte)
{
  expect_whole(EP_HELLO_SHDR, L("* PONG 10000\n"), EP_HELLO_ANSWERED,
               "SHDR * PONG 10000");
  expect_whole(EP_HELLO_SHDR, L("* PONG 10000\r\n"), EP_HELLO_ANSWERED,
               "SHDR * PONG 10000");
  expect_whole(EP_HELLO_SHDR, L("* PONG\n"), EP_HELLO_ANSWERED,
               "SHDR * PONG");
}
END_TEST

/* Adapters stream data lines at any time; the PONG may come after some. */
START_TEST(shdr_data_lines_skipped)
{
  expect_whole(EP_HELLO_SHDR,
               L("2024-05-01T10:00:00.000Z|avail|AVAILABLE\r\n"
                 "2024-05-01T10:00:00.001Z|msg|\xe2\x9c\x93 ok\t|x\n"
                 "* PONG 5000\n"),
               EP_HELLO_ANSWERED, "SHDR * PONG 5000");
}
END_TEST

START_TEST(shdr_pong_variants)
{
  /* Closed right after the PONG, before its line end. */
  expect_once(EP_HELLO_SHDR, L("* PONG 10000"), true, EP_HELLO_ANSWERED,
              "SHDR * PONG 10000");
  expect_once(EP_HELLO_SHDR, L("* PONG 10000"), false, EP_HELLO_MORE, "");
  /* A heartbeat that is not a number is not shown. */
  expect_once(EP_HELLO_SHDR, L("* PONG abc\n"), false, EP_HELLO_ANSWERED,
              "SHDR * PONG");
  expect_once(EP_HELLO_SHDR, L("* PONG 12345678901\n"), false,
              EP_HELLO_ANSWERED, "SHDR * PONG");
  /* Text after the PONG line does not matter, not even binary. */
  expect_once(EP_HELLO_SHDR, L("* PONG 1\n\x00\x01"), false,
              EP_HELLO_ANSWERED, "SHDR * PONG 1");
  /* Not a PONG. */
  expect_once(EP_HELLO_SHDR, L("* PONGO\n"), false, EP_HELLO_MORE, "");
  expect_once(EP_HELLO_SHDR, L("x * PONG 1\n"), false, EP_HELLO_MORE, "");
}
END_TEST

static const struct wrong_case shdr_wrongs[] = {
  W("\x00\x01", false, "not SHDR (byte 0x00 at 0): said '\\x00\\x01'"),
  W("ok|1\nEP\x00\x00\x00\x05", false,
    "not SHDR (byte 0x00 at 7): said 'ok|1\\x0AEP\\x00\\x00\\x00\\x05'"),
  W("a\rb\n", false, "not SHDR (byte 0x0D at 1): said 'a\\x0Db\\x0A'"),
  W("x|y\n", true, "closed without a * PONG: said 'x|y\\x0A'"),
  W("* PON", true, "closed without a * PONG: said '* PON'"),
  W("", true, "closed without answering"),
};

START_TEST(shdr_wrong)
{
  expect_wrong_case(EP_HELLO_SHDR, &shdr_wrongs[_i]);
}
END_TEST

/* 4 KiB of data lines and no PONG: wrong at the limit, not before; a
 * PONG past the limit is not looked at. */
START_TEST(shdr_no_pong_within_limit)
{
  size_t max = ep_hello_reply_max(EP_HELLO_SHDR), n = 0;
  char  *data = malloc(max + 32);

  ck_assert_ptr_nonnull(data);
  while (n + 20 <= max) {
    memcpy(data + n, "2024-05-01|avail|UP\n", 20);
    n += 20;
  }
  memset(data + n, 'x', max - n);
  memcpy(data + max, "\n* PONG 10000\n", 14);
  expect_once(EP_HELLO_SHDR, (unsigned char *)data, max - 1, false,
              EP_HELLO_MORE, "");
  expect_once(EP_HELLO_SHDR, (unsigned char *)data, max, false,
              EP_HELLO_WRONG,
              "no * PONG in the first 4096 bytes: said "
              "'2024-05-01|avail|UP\\x0A2024-05-01|avail|UP\\x0A...'");
  expect_once(EP_HELLO_SHDR, (unsigned char *)data, max + 14, false,
              EP_HELLO_WRONG,
              "no * PONG in the first 4096 bytes: said "
              "'2024-05-01|avail|UP\\x0A2024-05-01|avail|UP\\x0A...'");
  free(data);
}
END_TEST

/* -------------------------------------------------------------------- */
/* EtherNet/IP                                                           */
/* -------------------------------------------------------------------- */

/* A ControlLogix L71 at 10.0.0.5 answering ListIdentity. */
static const char enip_reply[] =
  "\x63\x00\x3c\x00"                 /* ListIdentity, 60 bytes of data */
  "\x00\x00\x00\x00\x00\x00\x00\x00" /* session, status */
  "edgeprob"                         /* sender context */
  "\x00\x00\x00\x00"                 /* options */
  "\x01\x00"                         /* item count */
  "\x0c\x00\x36\x00"                 /* CIP Identity, 54 bytes */
  "\x01\x00"                         /* encapsulation version */
  "\x00\x02\xaf\x12\x0a\x00\x00\x05" /* sockaddr: AF_INET, 44818, ip */
  "\x00\x00\x00\x00\x00\x00\x00\x00"
  "\x01\x00"                         /* vendor 1, Rockwell */
  "\x0e\x00"                         /* device type 14, PLC */
  "\x36\x00"                         /* product code 54 */
  "\x14\x0b"                         /* revision 20.11 */
  "\x60\x30"                         /* status */
  "\x78\x56\x34\x12"                 /* serial */
  "\x14"                             /* 20 */
  "1756-L71/B LOGIX5571"
  "\x03";                            /* state */

START_TEST(enip_identity_byte_by_byte)
{
  expect_whole(EP_HELLO_ENIP, L(enip_reply), EP_HELLO_ANSWERED,
               "EtherNet/IP: 1756-L71/B LOGIX5571, revision 20.11, vendor 1");
  expect_closed_early_wrong(EP_HELLO_ENIP, L(enip_reply));
}
END_TEST

/* Copies enip_reply into r to be spoilt; returns its length. */
static size_t
enip_copy(unsigned char *r)
{
  memcpy(r, enip_reply, sizeof enip_reply - 1);
  return sizeof enip_reply - 1;
}

START_TEST(enip_identity_variants)
{
  unsigned char r[sizeof enip_reply];
  size_t        n = enip_copy(r);

  /* Product name with control bytes: escaped. */
  memcpy(r + 24 + 6 + 33, "17\x1b[2J\x00\xff.\\'L71/B LOG", 20);
  expect_once(EP_HELLO_ENIP, r, n, false, EP_HELLO_ANSWERED,
              "EtherNet/IP: 17\\x1B[2J\\x00\\xFF.\\x5C\\x27L71/B LOG, "
              "revision 20.11, vendor 1");
  /* A name of 255 bytes to escape: bounded, and so is the line. */
  {
    unsigned char big[24 + 6 + 33 + 255 + 1];
    char          what[EP_HELLO_WHAT_MAX];

    memcpy(big, enip_reply, 24 + 6 + 33);
    put16(big + 2, 6 + 33 + 255 + 1);
    put16(big + 24 + 4, 33 + 255 + 1);
    big[24 + 6 + 32] = 255;
    memset(big + 24 + 6 + 33, 0x01, 256);
    ck_assert_int_eq(judge(EP_HELLO_ENIP, big, sizeof big, false, what,
                           sizeof what),
                     EP_HELLO_ANSWERED);
    ck_assert_uint_lt(strlen(what), sizeof what - 1);
    ck_assert_ptr_nonnull(strstr(what, "\\x01..., revision 20.11, vendor 1"));
  }
  /* No name (item shortened accordingly): the product code instead. */
  n = enip_copy(r);
  r[2] = 0x3c - 20;
  r[24 + 4] = 0x36 - 20;
  r[24 + 6 + 32] = 0;
  r[24 + 6 + 33] = 3;
  expect_once(EP_HELLO_ENIP, r, n - 20, false, EP_HELLO_ANSWERED,
              "EtherNet/IP: product code 54, revision 20.11, vendor 1");
  /* No state byte at the end: tolerated. */
  n = enip_copy(r);
  r[2] = 0x3c - 1;
  r[24 + 4] = 0x36 - 1;
  expect_once(EP_HELLO_ENIP, r, n - 1, true, EP_HELLO_ANSWERED,
              "EtherNet/IP: 1756-L71/B LOGIX5571, revision 20.11, vendor 1");
}
END_TEST


/* CIP Vol. 2 Table 2-3.3. */
static const struct named_status enip_statuses[] = {
  {0x0001, "EtherNet/IP ListIdentity refused: status 0x0001 (unsupported "
           "command)"},
  {0x0002, "EtherNet/IP ListIdentity refused: status 0x0002 (insufficient "
           "memory)"},
  {0x0003, "EtherNet/IP ListIdentity refused: status 0x0003 (incorrect "
           "data)"},
  {0x0064, "EtherNet/IP ListIdentity refused: status 0x0064 (invalid "
           "session handle)"},
  {0x0065, "EtherNet/IP ListIdentity refused: status 0x0065 (invalid "
           "length)"},
  {0x0069, "EtherNet/IP ListIdentity refused: status 0x0069 (unsupported "
           "protocol revision)"},
  {0x00010000, "EtherNet/IP ListIdentity refused: status 0x10000 (unknown "
               "status)"},
};

START_TEST(enip_refused_status)
{
  unsigned char r[24];

  memcpy(r, "\x63\x00\x00\x00\x00\x00\x00\x00....edgeprob\x00\x00\x00\x00",
         24);
  r[8] = (unsigned char)(enip_statuses[_i].status & 0xff);
  r[9] = (unsigned char)(enip_statuses[_i].status >> 8 & 0xff);
  r[10] = (unsigned char)(enip_statuses[_i].status >> 16 & 0xff);
  r[11] = (unsigned char)(enip_statuses[_i].status >> 24);
  /* Decided on the header: a refusal carries no data. */
  expect_whole(EP_HELLO_ENIP, r, sizeof r, EP_HELLO_WRONG,
               enip_statuses[_i].what);
  expect_once(EP_HELLO_ENIP, r, sizeof r, true, EP_HELLO_WRONG,
              enip_statuses[_i].what);
}
END_TEST

/* Each length in the reply spoilt in turn: caught, never followed. */
START_TEST(enip_malformed)
{
  unsigned char r[sizeof enip_reply + 600];
  size_t        n;
  char          what[EP_HELLO_WHAT_MAX];

  /* Data longer than ListIdentity needs. */
  n = enip_copy(r);
  r[2] = 0x31;
  r[3] = 0x02; /* 561 + 24 = 585: fits the limit, more than sent */
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, n, false, what, sizeof what),
                   EP_HELLO_MORE);
  r[2] = 0x39; /* 569 + 24 = 593 */
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, n, false, what, sizeof what),
                   EP_HELLO_MORE);
  r[2] = 0x41; /* 577 + 24 = 601 */
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, n, false, what, sizeof what),
                   EP_HELLO_WRONG);
  ck_assert_str_eq(what, "EtherNet/IP reply of 601 bytes, more than 600: "
                         "said 'c\\x00A\\x02\\x00\\x00\\x00\\x00\\x00\\x00"
                         "\\x00\\x00edgeprob\\x00\\x00\\x00\\x00\\x01\\x00"
                         "\\x0C\\x006\\x00\\x01\\x00\\x00\\x02\\xAF\\x12"
                         "\\x0A\\x00\\x00\\x05...'");
  r[2] = r[3] = 0xff;
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, n, false, what, sizeof what),
                   EP_HELLO_WRONG);

  /* No items. */
  n = enip_copy(r);
  r[24] = 0;
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, n, false, what, sizeof what),
                   EP_HELLO_WRONG);
  ck_assert_prefix(what, "EtherNet/IP ListIdentity without items: "
                         "said '");
  ck_assert_int_eq(
    judge(EP_HELLO_ENIP,
          (const unsigned char *)"\x63\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                                 "\x00\x00" "edgeprob\x00\x00\x00\x00",
          24, false, what, sizeof what),
    EP_HELLO_WRONG);
  ck_assert_prefix(what, "EtherNet/IP ListIdentity without items");

  /* Too short for an item header. */
  enip_copy(r);
  r[2] = 4;
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, 28, false, what, sizeof what),
                   EP_HELLO_WRONG);
  ck_assert_prefix(what, "malformed EtherNet/IP ListIdentity (4 "
                         "bytes of data)");

  /* Another item type. */
  n = enip_copy(r);
  r[26] = 0x86;
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, n, false, what, sizeof what),
                   EP_HELLO_WRONG);
  ck_assert_prefix(what, "EtherNet/IP item type 0x0086, not identity "
                         "0x000C");

  /* Item longer than the data, shorter than an identity, name past it. */
  n = enip_copy(r);
  r[28] = 0x37;
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, n, false, what, sizeof what),
                   EP_HELLO_WRONG);
  ck_assert_prefix(what, "malformed EtherNet/IP identity item (55 "
                         "bytes in 60)");
  r[28] = 32;
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, n, false, what, sizeof what),
                   EP_HELLO_WRONG);
  n = enip_copy(r);
  r[24 + 6 + 32] = 21; /* 33 + 21 = 54 fits exactly: the state is name */
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, n, false, what, sizeof what),
                   EP_HELLO_ANSWERED);
  r[24 + 6 + 32] = 22;
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, n, false, what, sizeof what),
                   EP_HELLO_WRONG);
  r[24 + 6 + 32] = 0xff;
  ck_assert_int_eq(judge(EP_HELLO_ENIP, r, n, false, what, sizeof what),
                   EP_HELLO_WRONG);
}
END_TEST

static const struct wrong_case enip_wrongs[] = {
  W("\x65\x00", false,
    "not EtherNet/IP (command 0x0065, not ListIdentity): said 'e\\x00'"),
  W("HTTP/1.1 400 Bad Request\r\n", false,
    "not EtherNet/IP (command 0x5448, not ListIdentity): said "
    "'HTTP/1.1 400 Bad Request\\x0D\\x0A'"),
  W("\x63\x00\x3c\x00\x00", true,
    "closed after 5 bytes, inside an EtherNet/IP header: said "
    "'c\\x00<\\x00\\x00'"),
};

START_TEST(enip_wrong)
{
  expect_wrong_case(EP_HELLO_ENIP, &enip_wrongs[_i]);
}
END_TEST

/* -------------------------------------------------------------------- */
/* Every hello                                                           */
/* -------------------------------------------------------------------- */

static const enum ep_hello hellos[] = {EP_HELLO_MODBUS, EP_HELLO_OPCUA,
                                       EP_HELLO_MTCONNECT_HTTP, EP_HELLO_SHDR,
                                       EP_HELLO_ENIP};

#define N_HELLOS (int)(sizeof hellos / sizeof hellos[0])

START_TEST(judge_reply_max)
{
  ck_assert_uint_eq(ep_hello_reply_max(EP_HELLO_MTCONNECT_HTTP), 65536);
  ck_assert_uint_eq(ep_hello_reply_max(EP_HELLO_SHDR), 4096);
  ck_assert_uint_eq(ep_hello_reply_max(EP_HELLO_ENIP), 600);
  ck_assert_uint_eq(ep_hello_reply_max(EP_HELLO_MODBUS), 300);
  ck_assert_uint_eq(ep_hello_reply_max(EP_HELLO_OPCUA), 8192);
  ck_assert_uint_eq(ep_hello_reply_max(EP_HELLO_NONE), 0);
  ck_assert_uint_eq(ep_hello_reply_max((enum ep_hello)99), 0);
}
END_TEST

START_TEST(judge_none_and_unknown)
{
  char what[EP_HELLO_WHAT_MAX];

  ck_assert_int_eq(ep_hello_judge(EP_HELLO_NONE, NULL, 0, false, what,
                                  sizeof what),
                   EP_HELLO_ANSWERED);
  ck_assert_str_eq(what, "connected");
  ck_assert_int_eq(ep_hello_judge((enum ep_hello)99,
                                  (const unsigned char *)"x", 1, true, what,
                                  sizeof what),
                   EP_HELLO_WRONG);
  ck_assert_str_eq(what, "unknown hello 99");
}
END_TEST

START_TEST(judge_nothing_yet)
{
  char what[EP_HELLO_WHAT_MAX];

  ck_assert_int_eq(ep_hello_judge(hellos[_i], NULL, 0, false, what,
                                  sizeof what),
                   EP_HELLO_MORE);
  ck_assert_str_eq(what, "");
  ck_assert_int_eq(ep_hello_judge(hellos[_i], NULL, 0, true, what,
                                  sizeof what),
                   EP_HELLO_WRONG);
  ck_assert_str_eq(what, "closed without answering");
  /* NULL data counts as nothing, whatever len says. */
  ck_assert_int_eq(ep_hello_judge(hellos[_i], NULL, 100, false, what,
                                  sizeof what),
                   EP_HELLO_MORE);
}
END_TEST

/* The worst a peer can send, bytes that each take four characters, fits
 * EP_HELLO_WHAT_MAX whole: the quote closes after the "...". */
START_TEST(judge_said_bounded)
{
  unsigned char junk[700];
  char          what[EP_HELLO_WHAT_MAX];
  size_t        n;

  memset(junk, 0xff, sizeof junk);
  ck_assert_int_eq(judge(hellos[_i], junk, sizeof junk, true, what,
                         sizeof what),
                   EP_HELLO_WRONG);
  n = strlen(what);
  ck_assert_uint_lt(n, sizeof what - 1);
  ck_assert_msg(n > 4 && strcmp(what + n - 4, "...'") == 0, "%s", what);
  ck_assert_ptr_nonnull(strstr(what, ": said '"));
  /* Exactly EP_HELLO_SAID_MAX bytes shown. */
  {
    const char *said = strstr(what, ": said '") + 8;

    ck_assert_uint_eq((size_t)(what + n - 4 - said), EP_HELLO_SAID_MAX * 4);
  }
}
END_TEST

/* Quote and backslash are escaped too, so what is shown cannot close the
 * quotes or fake an escape. */
START_TEST(judge_said_quote_and_backslash)
{
  expect_once(EP_HELLO_MTCONNECT_HTTP, L("it's \\x41"), false,
              EP_HELLO_WRONG, "not HTTP: said 'it\\x27s \\x5Cx41'");
}
END_TEST

/* The same rendering on its own, for a peer cut off by the deadline. */
START_TEST(said_alone)
{
  char          out[EP_HELLO_SAID_MAX * 4 + 8];
  unsigned char junk[100];

  ep_hello_said(L("SSH-2.0-OpenSSH_9.2p1\r\n"), out, sizeof out);
  ck_assert_str_eq(out, "'SSH-2.0-OpenSSH_9.2p1\\x0D\\x0A'");
  ep_hello_said(L("a'b\\c\x00"), out, sizeof out);
  ck_assert_str_eq(out, "'a\\x27b\\x5Cc\\x00'");
  ep_hello_said(NULL, 0, out, sizeof out);
  ck_assert_str_eq(out, "''");
  memset(junk, 0x80, sizeof junk);
  ep_hello_said(junk, sizeof junk, out, sizeof out);
  ck_assert_uint_eq(strlen(out), EP_HELLO_SAID_MAX * 4 + 5);
  ck_assert_str_eq(out + strlen(out) - 8, "\\x80...'");
  memset(out, 'Z', sizeof out);
  ep_hello_said(L("hello"), out, 4);
  ck_assert_str_eq(out, "'he");
  ck_assert_int_eq(out[4], 'Z');
  ep_hello_said(L("hello"), out, 0);
  ck_assert_int_eq(out[0], '\'');
}
END_TEST

/* A small buffer gets a cut, NUL-terminated what; none at all is fine. */
START_TEST(judge_what_small_or_absent)
{
  char what[12];

  memset(what, 'Z', sizeof what);
  ck_assert_int_eq(judge(EP_HELLO_MODBUS, L(modbus_reply), false, what, 8),
                   EP_HELLO_ANSWERED);
  ck_assert_str_eq(what, "Modbus ");
  ck_assert_int_eq(what[8], 'Z');
  memset(what, 'Z', sizeof what);
  ck_assert_int_eq(judge(EP_HELLO_SHDR, L("\x00"), false, what, 1),
                   EP_HELLO_WRONG);
  ck_assert_int_eq(what[0], '\0');
  ck_assert_int_eq(what[1], 'Z');
  memset(what, 'Z', sizeof what);
  ck_assert_int_eq(judge(EP_HELLO_SHDR, L("\x00"), false, what, 0),
                   EP_HELLO_WRONG);
  ck_assert_int_eq(what[0], 'Z');
  ck_assert_int_eq(judge(EP_HELLO_SHDR, L("* PONG 1\n"), false, NULL, 100),
                   EP_HELLO_ANSWERED);
  ck_assert_int_eq(judge(EP_HELLO_OPCUA, L("x"), true, NULL, 0),
                   EP_HELLO_WRONG);
}
END_TEST

/* Whatever the bytes: a verdict, never MORE once closed or at the limit,
 * and a NUL-terminated what inside its buffer.  A fixed seed, so a
 * failure repeats. */
START_TEST(judge_random_bytes)
{
  enum ep_hello h = hellos[_i];
  size_t        max = ep_hello_reply_max(h), round;
  uint32_t      x = 2463534242u;
  unsigned char *buf = malloc(max + 64);

  ck_assert_ptr_nonnull(buf);
  for (round = 0; round < 3000; round++) {
    size_t                len, k;
    char                  what[EP_HELLO_WHAT_MAX + 1];
    enum ep_hello_verdict v;
    bool                  closed;

    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    len = x % (round % 10 == 0 ? max + 64 : 96);
    closed = (x >> 8) & 1;
    for (k = 0; k < len; k++) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      /* Often the right first bytes, so the judges get past them. */
      buf[k] = (unsigned char)(x >> 24);
    }
    if (len >= 2 && round % 3 == 0) {
      static const unsigned char heads[][4] = {
        {0x45, 0x50, 0x00, 0x00}, {'A', 'C', 'K', 'F'}, {'H', 'T', 'T', 'P'},
        {'*', ' ', 'P', 'O'},     {0x63, 0x00, 0x00, 0x00}};

      memcpy(buf, heads[_i], len < 4 ? len : 4);
    }
    what[EP_HELLO_WHAT_MAX] = 'Z';
    v = judge(h, buf, len, closed, what, EP_HELLO_WHAT_MAX);
    ck_assert_int_eq(what[EP_HELLO_WHAT_MAX], 'Z');
    ck_assert_uint_lt(strlen(what), EP_HELLO_WHAT_MAX - 1); /* never cut */
    ck_assert(v == EP_HELLO_MORE || v == EP_HELLO_ANSWERED ||
              v == EP_HELLO_WRONG);
    if (closed || len >= max)
      ck_assert_int_ne(v, EP_HELLO_MORE);
  }
  free(buf);
}
END_TEST

static Suite *
machine_hello_suite(void)
{
  Suite *s = suite_create("machine_hello");
  TCase *tq = tcase_create("requests");
  TCase *tm = tcase_create("modbus");
  TCase *to = tcase_create("opcua");
  TCase *th = tcase_create("mtconnect http");
  TCase *ts = tcase_create("shdr");
  TCase *te = tcase_create("enip");
  TCase *ta = tcase_create("every hello");

  tcase_add_test(tq, request_modbus);
  tcase_add_test(tq, request_opcua);
  tcase_add_test(tq, request_opcua_ipv6);
  tcase_add_test(tq, request_mtconnect_http);
  tcase_add_test(tq, request_shdr);
  tcase_add_test(tq, request_enip);
  tcase_add_test(tq, request_none_is_empty);
  tcase_add_loop_test(tq, request_bad_host_refused, 0,
                      (int)(sizeof bad_hosts / sizeof bad_hosts[0]));
  tcase_add_test(tq, request_host_limits);
  tcase_add_test(tq, request_bad_port_refused);
  suite_add_tcase(s, tq);

  tcase_add_test(tm, modbus_register_byte_by_byte);
  tcase_add_test(tm, modbus_closed_early);
  tcase_add_test(tm, modbus_trailing_bytes_ignored);
  tcase_add_loop_test(
    tm, modbus_exception_answers, 0,
    (int)(sizeof modbus_exceptions / sizeof modbus_exceptions[0]));
  tcase_add_loop_test(tm, modbus_wrong, 0,
                      (int)(sizeof modbus_wrongs / sizeof modbus_wrongs[0]));
  suite_add_tcase(s, tm);

  tcase_add_test(to, opcua_ack_byte_by_byte);
  tcase_add_test(to, opcua_err_byte_by_byte);
  tcase_add_test(to, opcua_err_without_reason);
  tcase_add_loop_test(
    to, opcua_err_status_names, 0,
    (int)(sizeof opcua_statuses / sizeof opcua_statuses[0]));
  tcase_add_test(to, opcua_err_reason_hostile);
  tcase_add_loop_test(to, opcua_wrong, 0,
                      (int)(sizeof opcua_wrongs / sizeof opcua_wrongs[0]));
  suite_add_tcase(s, to);

  tcase_add_test(th, http_probe_byte_by_byte);
  tcase_add_test(th, http_probe_closed_after_document_start);
  tcase_add_test(th, http_probe_over_limit);
  tcase_add_test(th, http_body_without_document_over_limit);
  tcase_add_loop_test(th, http_wrong, 0,
                      (int)(sizeof http_wrongs / sizeof http_wrongs[0]));
  tcase_add_test(th, http_garbage_decided_early);
  suite_add_tcase(s, th);

  tcase_add_test(ts, shdr_pong_byte_by_byte);
  tcase_add_test(ts, shdr_data_lines_skipped);
  tcase_add_test(ts, shdr_pong_variants);
  tcase_add_loop_test(ts, shdr_wrong, 0,
                      (int)(sizeof shdr_wrongs / sizeof shdr_wrongs[0]));
  tcase_add_test(ts, shdr_no_pong_within_limit);
  suite_add_tcase(s, ts);

  tcase_add_test(te, enip_identity_byte_by_byte);
  tcase_add_test(te, enip_identity_variants);
  tcase_add_loop_test(te, enip_refused_status, 0,
                      (int)(sizeof enip_statuses / sizeof enip_statuses[0]));
  tcase_add_test(te, enip_malformed);
  tcase_add_loop_test(te, enip_wrong, 0,
                      (int)(sizeof enip_wrongs / sizeof enip_wrongs[0]));
  suite_add_tcase(s, te);

  tcase_add_test(ta, judge_reply_max);
  tcase_add_test(ta, judge_none_and_unknown);
  tcase_add_loop_test(ta, judge_nothing_yet, 0, N_HELLOS);
  tcase_add_loop_test(ta, judge_said_bounded, 0, N_HELLOS);
  tcase_add_test(ta, judge_said_quote_and_backslash);
  tcase_add_test(ta, judge_what_small_or_absent);
  tcase_add_test(ta, said_alone);
  tcase_add_loop_test(ta, judge_random_bytes, 0, N_HELLOS);
  suite_add_tcase(s, ta);
  return s;
}

EP_UNIT_MAIN(machine_hello_suite)
