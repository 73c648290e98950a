/* Unit tests for ntp_packet: NTP timestamps across the 2036 era rollover,
 * the client request byte by byte, and the reply checker with one case per
 * named check (chrony's test/unit/ntp_core.c), offset and delay computed
 * exactly as RFC 5905 section 8 from known clocks. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_packet.h"

/* Unix time at which the 32-bit NTP seconds wrap to 0 (era 0 to era 1):
 * 2036-02-07T06:28:16Z. */
#define WRAP     2085978496LL
#define T1970    0LL
#define T2025    1735689600LL /* 2025-01-01T00:00:00Z */
#define T2080    3471292800LL /* 2080-01-01T00:00:00Z */
#define T2100    4102444800LL /* 2100-01-01T00:00:00Z */
#define NTP_1970 2208988800ULL /* NTP seconds at the Unix epoch */
#define TWO32    4294967296.0

static struct ep_ntp_time
ntp(int64_t sec, uint32_t frac)
{
  struct ep_ntp_time t;

  t.sec = sec;
  t.frac = frac;
  return t;
}

/* base + x seconds, x fractional and possibly negative, to the nearest
 * 2^-32 s. */
static struct ep_ntp_time
at(int64_t base, double x)
{
  double   whole = floor(x);
  double   f = (x - whole) * TWO32 + 0.5;
  int64_t  sec = base + (int64_t)whole;

  if (f >= TWO32) {
    f -= TWO32;
    sec++;
  }
  return ntp(sec, (uint32_t)f);
}

static uint64_t
wire(int64_t sec, uint32_t frac)
{
  return ep_ntp_time_to_wire(ntp(sec, frac));
}

#define ck_assert_ntp(t, s, f)                                              \
  do {                                                                      \
    struct ep_ntp_time t_ = (t);                                            \
    ck_assert_msg(t_.sec == (int64_t)(s) && t_.frac == (uint32_t)(f),       \
                  "got %lld + 0x%08x, expected %lld + 0x%08x",              \
                  (long long)t_.sec, (unsigned)t_.frac, (long long)(s),     \
                  (unsigned)(f));                                           \
  } while (0)

/* -------------------------------------------------------------------- */
/* Timestamps and eras                                                   */
/* -------------------------------------------------------------------- */

START_TEST(ntp_wire_form_at_known_points)
{
  /* The Unix epoch is 2208988800 s into era 0. */
  ck_assert_uint_eq(wire(T1970, 0), NTP_1970 << 32);
  ck_assert_uint_eq(wire(T1970, 0x80000000u), (NTP_1970 << 32) | 0x80000000u);
  /* The last second of era 0, and the wrap itself: seconds 0 again. */
  ck_assert_uint_eq(wire(WRAP - 1, 0), 0xffffffff00000000ULL);
  ck_assert_uint_eq(wire(WRAP - 1, 0xffffffffu), 0xffffffffffffffffULL);
  ck_assert_uint_eq(wire(WRAP, 0), 0);
  ck_assert_uint_eq(wire(WRAP, 1), 1);
  ck_assert_uint_eq(wire(WRAP + 1, 0x40000000u), 0x0000000140000000ULL);
  /* 2100 is in era 1: 6311433600 - 2^32 = 2016466304 s. */
  ck_assert_uint_eq(wire(T2100, 0), 2016466304ULL << 32);
}
END_TEST

START_TEST(ntp_era1_wire_against_reference_before_wrap)
{
  /* Local clock just before the wrap, timestamp just after it. */
  ck_assert_ntp(ep_ntp_time_from_wire(wire(WRAP, 0), ntp(WRAP - 1, 0)), WRAP,
                0);
  ck_assert_ntp(ep_ntp_time_from_wire(wire(WRAP + 10, 0x12345678u),
                                      ntp(WRAP - 10, 0xfedcba98u)),
                WRAP + 10, 0x12345678u);
  ck_assert_ntp(ep_ntp_time_from_wire(wire(WRAP + 3600, 7), ntp(WRAP - 1, 0)),
                WRAP + 3600, 7);
  /* Years away, still the nearest era: a 2025 clock reads 2040. */
  ck_assert_ntp(ep_ntp_time_from_wire(wire(WRAP + 126230400, 0), ntp(T2025, 0)),
                WRAP + 126230400, 0);
}
END_TEST

START_TEST(ntp_era0_wire_against_reference_after_wrap)
{
  /* Local clock just after the wrap, timestamp just before it. */
  ck_assert_ntp(ep_ntp_time_from_wire(wire(WRAP - 1, 0xffffffffu),
                                      ntp(WRAP, 0)),
                WRAP - 1, 0xffffffffu);
  ck_assert_ntp(ep_ntp_time_from_wire(wire(WRAP - 10, 0x87654321u),
                                      ntp(WRAP + 10, 0)),
                WRAP - 10, 0x87654321u);
  ck_assert_ntp(ep_ntp_time_from_wire(wire(WRAP - 3600, 0), ntp(WRAP + 1, 0)),
                WRAP - 3600, 0);
  /* A 2080 clock (era 1) reads a 2025 timestamp in era 0. */
  ck_assert_ntp(ep_ntp_time_from_wire(wire(T2025, 5), ntp(T2080, 0)), T2025,
                5);
}
END_TEST

struct roundtrip_case {
  int64_t  sec;
  uint32_t frac;
};

static const struct roundtrip_case roundtrip_cases[] = {
  {T1970, 0},
  {T1970, 0x80000000u},
  {T1970 + 1, 0xffffffffu},
  {T2025, 0},
  {T2025, 0x00000001u},
  {T2025 + 12345, 0xdeadbeefu},
  {WRAP - 1, 0xffffffffu},
  {WRAP, 0},
  {WRAP + 1, 0x00000001u},
  {T2100, 0},
  {T2100, 0x40000000u},
  {T2100 + 86399, 0xc0000000u},
};

/* Each time decodes to itself against a reference on either side of it,
 * up to a year away. */
START_TEST(ntp_round_trips_exactly)
{
  const struct roundtrip_case *c = &roundtrip_cases[_i];
  uint64_t                     w = wire(c->sec, c->frac);
  static const int64_t         refs[] = {0, 1, -1, 3600, -3600, 31536000,
                                         -31536000};
  size_t                       i;

  for (i = 0; i < sizeof refs / sizeof refs[0]; i++) {
    struct ep_ntp_time ref = ntp(c->sec + refs[i], 0x55555555u);

    ck_assert_ntp(ep_ntp_time_from_wire(w, ref), c->sec, c->frac);
  }
}
END_TEST

/* 2^32 s apart is the same wire form; beyond 2^31 s (68 years) the nearest
 * era is the other one, as RFC 5905 section 6 says. */
START_TEST(ntp_picks_nearest_era)
{
  ck_assert_uint_eq(wire(T2025, 9), wire(T2025 + 4294967296LL, 9));
  /* 2100 seen from 2025 is 75 years ahead: nearer as 1963. */
  ck_assert_ntp(ep_ntp_time_from_wire(wire(T2100, 0), ntp(T2025, 0)),
                T2100 - 4294967296LL, 0);
  /* 1970 seen from 2025 is 55 years back: still 1970. */
  ck_assert_ntp(ep_ntp_time_from_wire(wire(T1970, 0), ntp(T2025, 0)), T1970,
                0);
}
END_TEST

START_TEST(ntp_diff_across_wrap)
{
  struct ep_ntp_time ref = ntp(WRAP - 1, 0);
  struct ep_ntp_time before = ep_ntp_time_from_wire(wire(WRAP - 1, 0), ref);
  struct ep_ntp_time after = ep_ntp_time_from_wire(wire(WRAP + 1, 0), ref);

  ck_assert_double_eq(ep_ntp_time_diff(after, before), 2.0);
  ck_assert_double_eq(ep_ntp_time_diff(before, after), -2.0);
  ck_assert_double_eq(ep_ntp_time_diff(ntp(WRAP, 0), ntp(WRAP - 1, 0)), 1.0);
  /* With fractions: 06:28:15.75 to 06:28:17.25 is 1.5 s. */
  before = ep_ntp_time_from_wire(wire(WRAP - 1, 0xc0000000u), ref);
  after = ep_ntp_time_from_wire(wire(WRAP + 1, 0x40000000u), ref);
  ck_assert_double_eq(ep_ntp_time_diff(after, before), 1.5);
  ck_assert_double_eq(ep_ntp_time_diff(before, after), -1.5);
  ck_assert_double_eq(ep_ntp_time_diff(after, after), 0.0);
}
END_TEST

START_TEST(ntp_fractions)
{
  struct timespec ts;

  ck_assert_double_eq(ep_ntp_time_diff(ntp(100, 0x80000000u), ntp(100, 0)),
                      0.5);
  ck_assert_double_eq(ep_ntp_time_diff(ntp(100, 0), ntp(100, 0x80000000u)),
                      -0.5);
  ck_assert_double_eq(ep_ntp_time_diff(ntp(100, 0x40000000u), ntp(100, 0)),
                      0.25);
  ck_assert_double_eq(ep_ntp_time_diff(ntp(101, 0), ntp(100, 0xc0000000u)),
                      0.25);
  ck_assert_double_eq(ep_ntp_time_diff(ntp(100, 1), ntp(100, 0)),
                      1.0 / TWO32);
  ts.tv_sec = (time_t)T2025;
  ts.tv_nsec = 500000000;
  ck_assert_ntp(ep_ntp_time_from_timespec(ts), T2025, 0x80000000u);
  ts.tv_nsec = 250000000;
  ck_assert_ntp(ep_ntp_time_from_timespec(ts), T2025, 0x40000000u);
  ts.tv_nsec = 0;
  ck_assert_ntp(ep_ntp_time_from_timespec(ts), T2025, 0);
  ts.tv_nsec = 999999999;
  ck_assert_double_eq_tol(
      ep_ntp_time_diff(ep_ntp_time_from_timespec(ts), ntp(T2025, 0)),
      0.999999999, 1e-9);
}
END_TEST

/* -------------------------------------------------------------------- */
/* The request                                                           */
/* -------------------------------------------------------------------- */

START_TEST(ntp_request_layout)
{
  uint8_t  pkt[EP_NTP_PACKET_LEN + 8];
  uint64_t xmt = 0x0123456789abcdefULL;
  int      i;

  memset(pkt, 0xa5, sizeof pkt);
  ep_ntp_build_request(pkt, xmt);
  ck_assert_uint_eq(pkt[0], 0x23); /* LI 0, VN 4, mode 3 */
  for (i = 1; i < 40; i++)
    ck_assert_msg(pkt[i] == 0, "byte %d is 0x%02x, expected 0", i, pkt[i]);
  ck_assert_uint_eq(pkt[40], 0x01);
  ck_assert_uint_eq(pkt[41], 0x23);
  ck_assert_uint_eq(pkt[42], 0x45);
  ck_assert_uint_eq(pkt[43], 0x67);
  ck_assert_uint_eq(pkt[44], 0x89);
  ck_assert_uint_eq(pkt[45], 0xab);
  ck_assert_uint_eq(pkt[46], 0xcd);
  ck_assert_uint_eq(pkt[47], 0xef);
  /* 48 bytes exactly: nothing written past the end. */
  for (i = EP_NTP_PACKET_LEN; i < (int)sizeof pkt; i++)
    ck_assert_msg(pkt[i] == 0xa5, "byte %d past the packet was written", i);
}
END_TEST

START_TEST(ntp_request_of_a_wire_timestamp)
{
  uint8_t pkt[EP_NTP_PACKET_LEN];
  int     i;

  ep_ntp_build_request(pkt, wire(T2025, 0x80000000u));
  ck_assert_uint_eq(pkt[0], 0x23);
  /* 2025-01-01 is 3944678400 = 0xeb1f0400 s into era 0. */
  ck_assert_uint_eq(pkt[40], 0xeb);
  ck_assert_uint_eq(pkt[41], 0x1f);
  ck_assert_uint_eq(pkt[42], 0x04);
  ck_assert_uint_eq(pkt[43], 0x00);
  ck_assert_uint_eq(pkt[44], 0x80);
  ck_assert_uint_eq(pkt[45], 0x00);
  ck_assert_uint_eq(pkt[46], 0x00);
  ck_assert_uint_eq(pkt[47], 0x00);
  for (i = 1; i < 40; i++)
    ck_assert_uint_eq(pkt[i], 0);
}
END_TEST

/* -------------------------------------------------------------------- */
/* Replies                                                               */
/* -------------------------------------------------------------------- */

/* The fields of a server reply that the checker reads. */
struct reply {
  int      leap, version, mode, stratum;
  uint32_t root_delay, root_dispersion; /* 16.16 */
  uint8_t  refid[4];
  uint64_t origin, receive, transmit;
  bool     zero_reference; /* a server that never set its clock */
};

static void
put32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static void
put64(uint8_t *p, uint64_t v)
{
  put32(p, (uint32_t)(v >> 32));
  put32(p + 4, (uint32_t)v);
}

/* Writes r as a 48-byte reply at the start of pkt, size bytes zeroed. */
static void
make_reply(uint8_t *pkt, size_t size, const struct reply *r)
{
  memset(pkt, 0, size);
  pkt[0] = (uint8_t)((r->leap << 6) | (r->version << 3) | r->mode);
  pkt[1] = (uint8_t)r->stratum;
  pkt[2] = 6;              /* poll */
  pkt[3] = (uint8_t)-20;   /* precision, about 1 us */
  put32(pkt + 4, r->root_delay);
  put32(pkt + 8, r->root_dispersion);
  memcpy(pkt + 12, r->refid, 4);
  /* reference timestamp: any recent time */
  put64(pkt + 16, r->zero_reference ? 0 : r->receive);
  put64(pkt + 24, r->origin);
  put64(pkt + 32, r->receive);
  put64(pkt + 40, r->transmit);
}

/* Our request's transmit timestamp: random low bits, as the caller sends. */
#define XMT_WIRE 0xeb1f0400a5c3e1f7ULL

/* The clocks of one exchange: local t1 and t4, server t2 and t3. */
struct exchange {
  struct ep_ntp_time t1, t2, t3, t4;
};

/* The server's clock is offset s ahead of ours; the request takes out s,
 * the server holds it proc s, the reply takes back s. */
static struct exchange
exchange_at(int64_t base, double start, double offset, double out,
            double proc, double back)
{
  struct exchange x;

  x.t1 = at(base, start);
  x.t2 = at(base, start + out + offset);
  x.t3 = at(base, start + out + proc + offset);
  x.t4 = at(base, start + out + proc + back);
  return x;
}

/* A good stratum 2 reply to XMT_WIRE for exchange x. */
static struct reply
good_reply(const struct exchange *x)
{
  struct reply r;

  memset(&r, 0, sizeof r);
  r.leap = 0;
  r.version = 4;
  r.mode = 4;
  r.stratum = 2;
  r.root_delay = 0x00001000u;      /* 0.0625 s */
  r.root_dispersion = 0x00000800u; /* 0.03125 s */
  r.refid[0] = 192;
  r.refid[1] = 0;
  r.refid[2] = 2;
  r.refid[3] = 1;
  r.origin = XMT_WIRE;
  r.receive = ep_ntp_time_to_wire(x->t2);
  r.transmit = ep_ntp_time_to_wire(x->t3);
  return r;
}

static enum ep_ntp_verdict
judge(const struct reply *r, size_t len, const struct exchange *x,
      struct ep_ntp_sample *s, const char **reason)
{
  uint8_t pkt[1024];

  ck_assert_uint_le(len, sizeof pkt);
  make_reply(pkt, sizeof pkt, r);
  return ep_ntp_check_reply(pkt, len, XMT_WIRE, x->t1, x->t4, s, reason);
}

struct offset_case {
  const char *name;
  int64_t     base;
  double      start, offset, out, proc, back;
  double      want_offset, want_delay;
};

static const struct offset_case offset_cases[] = {
  /* 10 ms round trip, 5 ms each way, 1 ms in the server. */
  {"+3 s", T2025, 0.25, 3.0, 0.005, 0.001, 0.005, 3.0, 0.010},
  {"-2 s", T2025, 0.25, -2.0, 0.005, 0.001, 0.005, -2.0, 0.010},
  {"in step", T2025, 0.0, 0.0, 0.005, 0.001, 0.005, 0.0, 0.010},
  /* Asymmetric path: 8 ms out, 2 ms back; the offset is off by half the
   * difference, as RFC 5905 says it must be. */
  {"asymmetric", T2025, 0.5, 3.0, 0.008, 0.001, 0.002, 3.003, 0.010},
  {"1970", T1970 + 100, 0.0, 0.5, 0.020, 0.0, 0.020, 0.5, 0.040},
  {"2100", T2100, 0.75, -0.125, 0.005, 0.001, 0.005, -0.125, 0.010},
  /* Local clock just before the wrap, server already in era 1: its wire
   * seconds are tiny, the offset is still small. */
  {"server in next era", WRAP - 1, 0.5, 3.0, 0.005, 0.001, 0.005, 3.0,
   0.010},
  {"server in next era, 1 ms ahead", WRAP - 1, 0.999, 0.001, 0.0005, 0.0001,
   0.0005, 0.001, 0.001},
  /* Local clock just after the wrap, server still in era 0. */
  {"server in previous era", WRAP, 0.5, -3.0, 0.005, 0.001, 0.005, -3.0,
   0.010},
  /* The whole exchange straddles the wrap. */
  {"exchange across the wrap", WRAP - 1, 0.997, 0.0, 0.005, 0.001, 0.005,
   0.0, 0.010},
};

START_TEST(ntp_good_reply_offset_and_delay)
{
  const struct offset_case *c = &offset_cases[_i];
  struct exchange           x = exchange_at(c->base, c->start, c->offset,
                                            c->out, c->proc, c->back);
  struct reply              r = good_reply(&x);
  struct ep_ntp_sample      s;
  const char               *reason = "not set";

  ck_assert_msg(judge(&r, EP_NTP_PACKET_LEN, &x, &s, &reason) ==
                    EP_NTP_TRUSTED,
                "%s: not trusted: %s", c->name, reason ? reason : "(null)");
  ck_assert_ptr_null(reason);
  ck_assert_msg(fabs(s.offset - c->want_offset) < 1e-6,
                "%s: offset %.9f, expected %.9f", c->name, s.offset,
                c->want_offset);
  ck_assert_msg(fabs(s.delay - c->want_delay) < 1e-6,
                "%s: delay %.9f, expected %.9f", c->name, s.delay,
                c->want_delay);
  ck_assert_int_eq(s.stratum, 2);
  ck_assert_int_eq(s.leap, 0);
  ck_assert_int_eq(s.version, 4);
  ck_assert_str_eq(s.refid, "192.0.2.1");
  ck_assert_str_eq(s.kiss, "");
}
END_TEST

/* The same exchange from the timestamps themselves: theta and delta of
 * RFC 5905 section 8, from ep_ntp_time_diff. */
START_TEST(ntp_offset_is_rfc5905_theta)
{
  struct exchange      x = exchange_at(T2025, 0.125, 3.0, 0.005, 0.001, 0.005);
  struct reply         r = good_reply(&x);
  struct ep_ntp_sample s;
  const char          *reason;
  double               theta, delta;

  theta = (ep_ntp_time_diff(x.t2, x.t1) + ep_ntp_time_diff(x.t3, x.t4)) / 2;
  delta = ep_ntp_time_diff(x.t4, x.t1) - ep_ntp_time_diff(x.t3, x.t2);
  ck_assert_int_eq(judge(&r, EP_NTP_PACKET_LEN, &x, &s, &reason),
                   EP_NTP_TRUSTED);
  ck_assert_double_eq_tol(s.offset, theta, 1e-9);
  ck_assert_double_eq_tol(s.delay, delta, 1e-9);
  ck_assert_double_eq_tol(s.offset, 3.0, 1e-6);
  ck_assert_double_eq_tol(s.delay, 0.010, 1e-6);
}
END_TEST

/* A server that claims to have held the request longer than the round
 * trip took: the delay is clamped at 0, the offset still computed. */
START_TEST(ntp_negative_delay_is_clamped)
{
  struct exchange      x = exchange_at(T2025, 0.0, 1.0, 0.001, 0.001, 0.001);
  struct reply         r;
  struct ep_ntp_sample s;
  const char          *reason;

  x.t3 = at(T2025, 1.0 + 0.010); /* server says 8 ms more than it had */
  r = good_reply(&x);
  ck_assert_int_eq(judge(&r, EP_NTP_PACKET_LEN, &x, &s, &reason),
                   EP_NTP_TRUSTED);
  ck_assert_double_eq(s.delay, 0.0);
  ck_assert_double_eq_tol(s.offset, (1.001 + (1.010 - 0.003)) / 2, 1e-6);
}
END_TEST

/* RFC 5905 test3 and common sense on the server's own two timestamps. */
START_TEST(ntp_bad_server_timestamps)
{
  struct exchange      x = exchange_at(T2025, 0.0, 1.0, 0.005, 0.001, 0.005);
  struct reply         r;
  struct ep_ntp_sample s;
  const char          *reason;

  r = good_reply(&x);
  r.receive = 0;
  ck_assert_int_eq(judge(&r, EP_NTP_PACKET_LEN, &x, &s, &reason),
                   EP_NTP_DISCARDED);
  ck_assert_str_eq(reason, "zero receive timestamp");
  r = good_reply(&x);
  r.transmit = ep_ntp_time_to_wire(at(T2025, 1.0));
  ck_assert_int_eq(judge(&r, EP_NTP_PACKET_LEN, &x, &s, &reason),
                   EP_NTP_DISCARDED);
  ck_assert_str_eq(reason, "transmit timestamp before receive timestamp");
  /* the same instant for both is fine */
  r = good_reply(&x);
  r.transmit = r.receive;
  ck_assert_int_eq(judge(&r, EP_NTP_PACKET_LEN, &x, &s, &reason),
                   EP_NTP_TRUSTED);
}
END_TEST

/* One case per check; each starts from a good reply and breaks one thing. */
struct verdict_case {
  const char         *name;
  size_t              len;
  int                 leap, version, mode, stratum;
  const char         *refid; /* 4 bytes, NULL for 192.0.2.1 */
  uint64_t            origin_flip;
  bool                zero_transmit;
  enum ep_ntp_verdict verdict;
  const char         *reason; /* NULL when trusted */
  const char         *kiss;
};

static const struct verdict_case verdict_cases[] = {
  /* length */
  {"0 bytes", 0, 0, 4, 4, 2, NULL, 0, false, EP_NTP_DISCARDED,
   "shorter than 48 bytes", ""},
  {"47 bytes", 47, 0, 4, 4, 2, NULL, 0, false, EP_NTP_DISCARDED,
   "shorter than 48 bytes", ""},
  {"48 bytes", 48, 0, 4, 4, 2, NULL, 0, false, EP_NTP_TRUSTED, NULL, ""},
  {"49 bytes", 49, 0, 4, 4, 2, NULL, 0, false, EP_NTP_DISCARDED,
   "unexpected length, more than 48 bytes and a MAC", ""},
  {"48 + MD5 MAC", 68, 0, 4, 4, 2, NULL, 0, false, EP_NTP_TRUSTED, NULL, ""},
  {"48 + SHA-1 MAC", 72, 0, 4, 4, 2, NULL, 0, false, EP_NTP_TRUSTED, NULL,
   ""},
  {"1000 bytes", 1000, 0, 4, 4, 2, NULL, 0, false, EP_NTP_DISCARDED,
   "unexpected length, more than 48 bytes and a MAC", ""},
  /* mode */
  {"mode 3 (our own request)", 48, 0, 4, 3, 2, NULL, 0, false,
   EP_NTP_DISCARDED, "not a server reply (mode is not 4)", ""},
  {"mode 5 (broadcast)", 48, 0, 4, 5, 2, NULL, 0, false, EP_NTP_DISCARDED,
   "not a server reply (mode is not 4)", ""},
  {"mode 0", 48, 0, 4, 0, 2, NULL, 0, false, EP_NTP_DISCARDED,
   "not a server reply (mode is not 4)", ""},
  /* version */
  {"version 2", 48, 0, 2, 4, 2, NULL, 0, false, EP_NTP_DISCARDED,
   "version is not 3 or 4", ""},
  {"version 3", 48, 0, 3, 4, 2, NULL, 0, false, EP_NTP_TRUSTED, NULL, ""},
  {"version 5", 48, 0, 5, 4, 2, NULL, 0, false, EP_NTP_DISCARDED,
   "version is not 3 or 4", ""},
  {"version 0", 48, 0, 0, 4, 2, NULL, 0, false, EP_NTP_DISCARDED,
   "version is not 3 or 4", ""},
  /* origin */
  {"origin low bit off", 48, 0, 4, 4, 2, NULL, 1, false, EP_NTP_DISCARDED,
   "origin mismatch, not an answer to our request", ""},
  {"origin high bit off", 48, 0, 4, 4, 2, NULL, 1ULL << 63, false,
   EP_NTP_DISCARDED, "origin mismatch, not an answer to our request", ""},
  {"KoD with a foreign origin", 48, 3, 4, 4, 0, "RATE", 1ULL << 20, false,
   EP_NTP_DISCARDED, "origin mismatch, not an answer to our request", ""},
  /* transmit timestamp */
  {"zero transmit timestamp", 48, 0, 4, 4, 2, NULL, 0, true,
   EP_NTP_DISCARDED, "zero transmit timestamp", ""},
  /* Kiss-o'-Death */
  {"KoD RATE", 48, 3, 4, 4, 0, "RATE", 0, false, EP_NTP_KOD, "Kiss-o'-Death",
   "RATE"},
  {"KoD RATE, leap 0", 48, 0, 4, 4, 0, "RATE", 0, false, EP_NTP_KOD,
   "Kiss-o'-Death", "RATE"},
  {"KoD DENY", 48, 3, 4, 4, 0, "DENY", 0, true, EP_NTP_KOD, "Kiss-o'-Death",
   "DENY"},
  {"stratum 0, empty code", 48, 3, 4, 4, 0, "\0\0\0\0", 0, false,
   EP_NTP_DISCARDED, "stratum 0 without a kiss code", ""},
  {"stratum 0, unprintable code", 48, 3, 4, 4, 0, "\x01\x02 \x7f", 0, false,
   EP_NTP_DISCARDED, "stratum 0 without a kiss code", ""},
  /* unsynchronised */
  {"leap 3", 48, 3, 4, 4, 2, NULL, 0, false, EP_NTP_UNSYNC, "unsynchronised",
   ""},
  {"stratum 16", 48, 0, 4, 4, 16, NULL, 0, false, EP_NTP_UNSYNC,
   "unsynchronised", ""},
  {"stratum 255", 48, 0, 4, 4, 255, NULL, 0, false, EP_NTP_UNSYNC,
   "unsynchronised", ""},
  /* the good edges */
  {"leap 1", 48, 1, 4, 4, 2, NULL, 0, false, EP_NTP_TRUSTED, NULL, ""},
  {"leap 2", 48, 2, 4, 4, 2, NULL, 0, false, EP_NTP_TRUSTED, NULL, ""},
  {"stratum 1", 48, 0, 4, 4, 1, "GPS\0", 0, false, EP_NTP_TRUSTED, NULL, ""},
  {"stratum 15", 48, 0, 4, 4, 15, NULL, 0, false, EP_NTP_TRUSTED, NULL, ""},
};

START_TEST(ntp_reply_verdicts)
{
  const struct verdict_case *c = &verdict_cases[_i];
  struct exchange            x = exchange_at(T2025, 0.25, 3.0, 0.005, 0.001,
                                             0.005);
  struct reply               r = good_reply(&x);
  struct ep_ntp_sample       s;
  const char                *reason = "not set";
  enum ep_ntp_verdict        v;

  r.leap = c->leap;
  r.version = c->version;
  r.mode = c->mode;
  r.stratum = c->stratum;
  if (c->refid != NULL)
    memcpy(r.refid, c->refid, 4);
  r.origin ^= c->origin_flip;
  if (c->zero_transmit)
    r.transmit = 0;
  memset(&s, 0x5a, sizeof s);
  v = judge(&r, c->len, &x, &s, &reason);
  ck_assert_msg(v == c->verdict, "%s: verdict %d, expected %d (reason %s)",
                c->name, (int)v, (int)c->verdict,
                reason ? reason : "(null)");
  if (c->reason == NULL)
    ck_assert_msg(reason == NULL, "%s: reason '%s', expected none", c->name,
                  reason);
  else {
    ck_assert_msg(reason != NULL, "%s: no reason, expected '%s'", c->name,
                  c->reason);
    ck_assert_msg(strcmp(reason, c->reason) == 0,
                  "%s: reason '%s', expected '%s'", c->name, reason,
                  c->reason);
  }
  ck_assert_msg(strcmp(s.kiss, c->kiss) == 0, "%s: kiss '%s', expected '%s'",
                c->name, s.kiss, c->kiss);
  if (v == EP_NTP_TRUSTED) {
    ck_assert_double_eq_tol(s.offset, 3.0, 1e-6);
    ck_assert_double_eq_tol(s.delay, 0.010, 1e-6);
    ck_assert_int_eq(s.leap, c->leap);
    ck_assert_int_eq(s.version, c->version);
    ck_assert_int_eq(s.stratum, c->stratum);
  }
}
END_TEST

struct refid_case {
  int         stratum;
  uint8_t     refid[4];
  const char *text;
};

static const struct refid_case refid_cases[] = {
  {1, {'G', 'P', 'S', 0}, "GPS"},
  {1, {'L', 'O', 'C', 'L'}, "LOCL"},
  {1, {'P', 'P', 'S', 0}, "PPS"},
  {1, {0, 0, 0, 0}, ""},
  {2, {192, 0, 2, 1}, "192.0.2.1"},
  {2, {0, 0, 0, 0}, "0.0.0.0"},
  {3, {255, 255, 255, 255}, "255.255.255.255"},
  {15, {10, 1, 2, 3}, "10.1.2.3"},
  /* Above stratum 1 the bytes are an address, even when printable. */
  {2, {'G', 'P', 'S', 0}, "71.80.83.0"},
};

START_TEST(ntp_refid_text)
{
  const struct refid_case *c = &refid_cases[_i];
  struct exchange          x = exchange_at(T2025, 0.0, 0.0, 0.005, 0.001,
                                           0.005);
  struct reply             r = good_reply(&x);
  struct ep_ntp_sample     s;
  const char              *reason;

  r.stratum = c->stratum;
  memcpy(r.refid, c->refid, 4);
  ck_assert_int_eq(judge(&r, EP_NTP_PACKET_LEN, &x, &s, &reason),
                   EP_NTP_TRUSTED);
  ck_assert_str_eq(s.refid, c->text);
}
END_TEST

struct short_case {
  uint32_t raw;
  double   seconds;
};

static const struct short_case short_cases[] = {
  {0x00000000u, 0.0},
  {0x00010000u, 1.0},
  {0x00008000u, 0.5},
  {0x00001000u, 0.0625},
  {0x00000001u, 1.0 / 65536},
  {0x00018000u, 1.5},
  {0x0002c000u, 2.75},
  {0xffff0000u, 65535.0},
  {0xffffffffu, 65535.0 + 65535.0 / 65536},
};

START_TEST(ntp_root_delay_and_dispersion)
{
  const struct short_case *c = &short_cases[_i];
  struct exchange          x = exchange_at(T2025, 0.0, 0.0, 0.005, 0.001,
                                           0.005);
  struct reply             r = good_reply(&x);
  struct ep_ntp_sample     s;
  const char              *reason;

  /* The fields are read even when the root distance they make (delay /
   * 2 + dispersion) is 16 s or more and the reply is discarded. */
  r.root_delay = c->raw;
  r.root_dispersion = 0x00001000u;
  ck_assert_int_eq(judge(&r, EP_NTP_PACKET_LEN, &x, &s, &reason),
                   c->seconds / 2 + 0.0625 < 16 ? EP_NTP_TRUSTED
                                                : EP_NTP_DISCARDED);
  ck_assert_double_eq(s.root_delay, c->seconds);
  ck_assert_double_eq(s.root_dispersion, 0.0625);
  r.root_delay = 0x00008000u;
  r.root_dispersion = c->raw;
  ck_assert_int_eq(judge(&r, EP_NTP_PACKET_LEN, &x, &s, &reason),
                   0.25 + c->seconds < 16 ? EP_NTP_TRUSTED
                                          : EP_NTP_DISCARDED);
  ck_assert_double_eq(s.root_delay, 0.5);
  ck_assert_double_eq(s.root_dispersion, c->seconds);
}
END_TEST

/* RFC 5905's checks on the server's own time (chrony's test7 and the
 * zero reference time): a free-running or never-set server's clock must
 * not pass for this host's offset. */
struct unreliable_case {
  const char         *name;
  uint32_t            root_delay, root_dispersion; /* 16.16 */
  bool                zero_reference;
  enum ep_ntp_verdict verdict;
  const char         *reason;
};

static const struct unreliable_case unreliable_cases[] = {
  {"distance just under 16 s", 0x00020000u, 0x000effffu, false,
   EP_NTP_TRUSTED, NULL},
  {"distance 16 s from dispersion", 0x00000000u, 0x00100000u, false,
   EP_NTP_DISCARDED,
   "root distance 16 s or more (the server's time is unreliable)"},
  {"distance 16.5 s from both", 0x00020000u, 0x000f8000u, false,
   EP_NTP_DISCARDED,
   "root distance 16 s or more (the server's time is unreliable)"},
  {"distance 16 s from delay alone", 0x00200000u, 0x00000000u, false,
   EP_NTP_DISCARDED,
   "root distance 16 s or more (the server's time is unreliable)"},
  {"zero reference time", 0x00001000u, 0x00000800u, true, EP_NTP_DISCARDED,
   "zero reference time (the server never set its clock)"},
};

START_TEST(ntp_unreliable_server_time)
{
  const struct unreliable_case *c = &unreliable_cases[_i];
  struct exchange               x = exchange_at(T2025, 0.25, 3.0, 0.005,
                                                0.001, 0.005);
  struct reply                  r = good_reply(&x);
  struct ep_ntp_sample          s;
  const char                   *reason = "not set";

  r.root_delay = c->root_delay;
  r.root_dispersion = c->root_dispersion;
  r.zero_reference = c->zero_reference;
  ck_assert_msg(judge(&r, EP_NTP_PACKET_LEN, &x, &s, &reason) == c->verdict,
                "%s: reason %s", c->name, reason ? reason : "(null)");
  if (c->reason)
    ck_assert_str_eq(reason, c->reason);
  else
    ck_assert_ptr_null(reason);
}
END_TEST

/* A request built by ep_ntp_build_request, echoed back by a server that
 * fills in its part, is accepted. */
START_TEST(ntp_request_echoed_as_reply)
{
  uint8_t              pkt[EP_NTP_PACKET_LEN];
  struct exchange      x = exchange_at(T2025, 0.5, -2.0, 0.005, 0.001, 0.005);
  struct ep_ntp_sample s;
  const char          *reason;

  ep_ntp_build_request(pkt, XMT_WIRE);
  pkt[0] = (uint8_t)((pkt[0] & ~7u) | 4); /* mode 4 */
  pkt[1] = 1;
  memcpy(pkt + 12, "GPS", 4);
  put64(pkt + 16, ep_ntp_time_to_wire(x.t2)); /* set its clock */
  put64(pkt + 24, XMT_WIRE);
  put64(pkt + 32, ep_ntp_time_to_wire(x.t2));
  put64(pkt + 40, ep_ntp_time_to_wire(x.t3));
  ck_assert_int_eq(ep_ntp_check_reply(pkt, sizeof pkt, XMT_WIRE, x.t1, x.t4,
                                      &s, &reason),
                   EP_NTP_TRUSTED);
  ck_assert_double_eq_tol(s.offset, -2.0, 1e-6);
  ck_assert_double_eq_tol(s.delay, 0.010, 1e-6);
  ck_assert_str_eq(s.refid, "GPS");
  /* Unanswered, the request itself is refused. */
  ep_ntp_build_request(pkt, XMT_WIRE);
  ck_assert_int_eq(ep_ntp_check_reply(pkt, sizeof pkt, XMT_WIRE, x.t1, x.t4,
                                      &s, &reason),
                   EP_NTP_DISCARDED);
  ck_assert_str_eq(reason, "not a server reply (mode is not 4)");
}
END_TEST

static Suite *
ntp_packet_suite(void)
{
  Suite *s = suite_create("ntp_packet");
  TCase *tc_time = tcase_create("time");
  TCase *tc_request = tcase_create("request");
  TCase *tc_reply = tcase_create("reply");

  tcase_add_test(tc_time, ntp_wire_form_at_known_points);
  tcase_add_test(tc_time, ntp_era1_wire_against_reference_before_wrap);
  tcase_add_test(tc_time, ntp_era0_wire_against_reference_after_wrap);
  tcase_add_loop_test(tc_time, ntp_round_trips_exactly, 0,
                      (int)(sizeof roundtrip_cases / sizeof roundtrip_cases[0]));
  tcase_add_test(tc_time, ntp_picks_nearest_era);
  tcase_add_test(tc_time, ntp_diff_across_wrap);
  tcase_add_test(tc_time, ntp_fractions);
  suite_add_tcase(s, tc_time);

  tcase_add_test(tc_request, ntp_request_layout);
  tcase_add_test(tc_request, ntp_request_of_a_wire_timestamp);
  suite_add_tcase(s, tc_request);

  tcase_add_loop_test(tc_reply, ntp_good_reply_offset_and_delay, 0,
                      (int)(sizeof offset_cases / sizeof offset_cases[0]));
  tcase_add_test(tc_reply, ntp_offset_is_rfc5905_theta);
  tcase_add_test(tc_reply, ntp_negative_delay_is_clamped);
  tcase_add_test(tc_reply, ntp_bad_server_timestamps);
  tcase_add_loop_test(tc_reply, ntp_reply_verdicts, 0,
                      (int)(sizeof verdict_cases / sizeof verdict_cases[0]));
  tcase_add_loop_test(tc_reply, ntp_refid_text, 0,
                      (int)(sizeof refid_cases / sizeof refid_cases[0]));
  tcase_add_loop_test(tc_reply, ntp_root_delay_and_dispersion, 0,
                      (int)(sizeof short_cases / sizeof short_cases[0]));
  tcase_add_loop_test(tc_reply, ntp_unreliable_server_time, 0,
                      (int)(sizeof unreliable_cases / sizeof unreliable_cases[0]));
  tcase_add_test(tc_reply, ntp_request_echoed_as_reply);
  suite_add_tcase(s, tc_reply);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(ntp_packet_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
