#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ntp_packet.h"

/* Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
#define NTP_UNIX_OFFSET 2208988800LL
#define FRAC 4294967296.0 /* 2^32 */

const char ep_ntp_origin_mismatch[] =
  "origin mismatch, not an answer to our request";

struct ep_ntp_time
ep_ntp_time_from_timespec(struct timespec ts)
{
  struct ep_ntp_time t;

  t.sec = (int64_t)ts.tv_sec;
  t.frac = (uint32_t)((double)ts.tv_nsec * FRAC / 1e9);
  return t;
}

uint64_t
ep_ntp_time_to_wire(struct ep_ntp_time t)
{
  uint32_t sec = (uint32_t)((uint64_t)(t.sec + NTP_UNIX_OFFSET) & 0xffffffffu);

  return ((uint64_t)sec << 32) | t.frac;
}

struct ep_ntp_time
ep_ntp_time_from_wire(uint64_t wire, struct ep_ntp_time ref)
{
  struct ep_ntp_time t;
  uint32_t           ref_sec = (uint32_t)(ep_ntp_time_to_wire(ref) >> 32);
  /* The signed 32-bit distance from ref picks the nearest era. */
  int32_t            d = (int32_t)((uint32_t)(wire >> 32) - ref_sec);

  t.sec = ref.sec + d;
  t.frac = (uint32_t)(wire & 0xffffffffu);
  return t;
}

double
ep_ntp_time_diff(struct ep_ntp_time a, struct ep_ntp_time b)
{
  return (double)(a.sec - b.sec) + ((double)a.frac - (double)b.frac) / FRAC;
}

static void
put64(uint8_t *p, uint64_t v)
{
  int i;

  for (i = 7; i >= 0; i--) {
    p[i] = (uint8_t)(v & 0xff);
    v >>= 8;
  }
}

static uint64_t
get64(const uint8_t *p)
{
  uint64_t v = 0;
  int      i;

  for (i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

static uint32_t
get32(const uint8_t *p)
{
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
         ((uint32_t)p[2] << 8) | p[3];
}

void
ep_ntp_build_request(uint8_t pkt[EP_NTP_PACKET_LEN], uint64_t xmt_wire)
{
  memset(pkt, 0, EP_NTP_PACKET_LEN);
  pkt[0] = (4 << 3) | 3; /* LI 0 (bits 7-6), version 4, mode 3 (client) */
  put64(pkt + 40, xmt_wire);
}

/* NTP short format (16.16) in seconds. */
static double
short_format(const uint8_t *p)
{
  return (double)get32(p) / 65536.0;
}

static void
printable_code(const uint8_t *p, char *out, size_t size)
{
  size_t i, n = 0;

  for (i = 0; i < 4 && n + 1 < size; i++)
    if (p[i] >= 0x21 && p[i] <= 0x7e)
      out[n++] = (char)p[i];
  out[n] = '\0';
}

/* The header's timestamps and mode, read once (RFC 5905 7.3). */
struct reply_fields {
  int      mode;
  uint64_t reference, origin, receive, transmit;
};

/* A header, then at most a MAC (key id and MD5 or SHA-1 digest): we sent
 * no extension fields, so a server has none to send back.  NULL when the
 * length is one of those. */
static const char *
check_length(size_t len)
{
  if (len < EP_NTP_PACKET_LEN)
    return "shorter than 48 bytes";
  if (len != EP_NTP_PACKET_LEN && len != EP_NTP_PACKET_LEN + 20 &&
      len != EP_NTP_PACKET_LEN + 24)
    return "unexpected length, more than 48 bytes and a MAC";
  return NULL;
}

static void
read_header(const uint8_t *pkt, struct ep_ntp_sample *s, struct reply_fields *f)
{
  s->leap = pkt[0] >> 6;
  s->version = (pkt[0] >> 3) & 7;
  f->mode = pkt[0] & 7;
  s->stratum = pkt[1];
  s->root_delay = short_format(pkt + 4);
  s->root_dispersion = short_format(pkt + 8);
  f->reference = get64(pkt + 16);
  f->origin = get64(pkt + 24);
  f->receive = get64(pkt + 32);
  f->transmit = get64(pkt + 40);
}

/* A server's reply (mode 4, version 3 or 4) to the request we sent: RFC
 * 5905 8, its origin timestamp is our transmit timestamp.  NULL if so. */
static const char *
check_answers_us(const struct ep_ntp_sample *s, const struct reply_fields *f,
                 uint64_t xmt_wire)
{
  if (f->mode != 4)
    return "not a server reply (mode is not 4)";
  if (s->version < 3 || s->version > 4)
    return "version is not 3 or 4";
  if (f->origin != xmt_wire)
    return ep_ntp_origin_mismatch;
  return NULL;
}

/* Stratum 0: a Kiss-o'-Death, when it carries a code (RFC 5905 7.4). */
static enum ep_ntp_verdict
judge_kiss(const uint8_t *pkt, struct ep_ntp_sample *s, const char **reason)
{
  printable_code(pkt + 12, s->kiss, sizeof s->kiss);
  if (s->kiss[0] == '\0') {
    *reason = "stratum 0 without a kiss code";
    return EP_NTP_DISCARDED;
  }
  *reason = "Kiss-o'-Death";
  return EP_NTP_KOD;
}

/* RFC 5905 8, test3: a zero timestamp means the server did not fill it
 * in, and the offset computed from it would be decades off; a server
 * that never set its clock leaves its reference time zero.  Then test7
 * (and chrony's): a root distance of MAXDISP (16 s) or more means the
 * server's own time cannot be trusted; its clock would pass for ours
 * being off.  NULL when the reply passes. */
static const char *
check_server_time(const struct ep_ntp_sample *s, const struct reply_fields *f)
{
  if (f->transmit == 0)
    return "zero transmit timestamp";
  if (f->receive == 0)
    return "zero receive timestamp";
  if (f->reference == 0)
    return "zero reference time (the server never set its clock)";
  if (s->root_delay / 2 + s->root_dispersion >= EP_NTP_MAX_DISTANCE)
    return "root distance 16 s or more (the server's time is unreliable)";
  return NULL;
}

/* A stratum 1 server's reference source ("GPS"), else its server's IPv4
 * address. */
static void
read_refid(const uint8_t *pkt, struct ep_ntp_sample *s)
{
  if (s->stratum == 1)
    printable_code(pkt + 12, s->refid, sizeof s->refid);
  else
    snprintf(s->refid, sizeof s->refid, "%u.%u.%u.%u", pkt[12], pkt[13],
             pkt[14], pkt[15]);
}

/* Offset and delay from the four timestamps; NULL, or why not. */
static const char *
compute_sample(const struct reply_fields *f, struct ep_ntp_time t1,
               struct ep_ntp_time t4, struct ep_ntp_sample *s)
{
  struct ep_ntp_time t2 = ep_ntp_time_from_wire(f->receive, t1);
  struct ep_ntp_time t3 = ep_ntp_time_from_wire(f->transmit, t1);

  if (ep_ntp_time_diff(t3, t2) < 0)
    return "transmit timestamp before receive timestamp";
  /* RFC 5905 8: theta = ((T2 - T1) + (T3 - T4)) / 2,
   *             delta = (T4 - T1) - (T3 - T2). */
  s->offset = (ep_ntp_time_diff(t2, t1) + ep_ntp_time_diff(t3, t4)) / 2;
  s->delay = ep_ntp_time_diff(t4, t1) - ep_ntp_time_diff(t3, t2);
  if (s->delay < 0)
    s->delay = 0;
  return NULL;
}

enum ep_ntp_verdict
ep_ntp_check_reply(const uint8_t *pkt, size_t len, uint64_t xmt_wire,
                   struct ep_ntp_time t1, struct ep_ntp_time t4,
                   struct ep_ntp_sample *s, const char **reason)
{
  struct reply_fields f;

  memset(s, 0, sizeof *s);
  if ((*reason = check_length(len)) != NULL)
    return EP_NTP_DISCARDED;
  read_header(pkt, s, &f);
  if ((*reason = check_answers_us(s, &f, xmt_wire)) != NULL)
    return EP_NTP_DISCARDED;
  if (s->stratum == 0)
    return judge_kiss(pkt, s, reason);
  if (s->leap == 3 || s->stratum >= 16) {
    *reason = "unsynchronised";
    return EP_NTP_UNSYNC;
  }
  if ((*reason = check_server_time(s, &f)) != NULL)
    return EP_NTP_DISCARDED;
  read_refid(pkt, s);
  if ((*reason = compute_sample(&f, t1, t4, s)) != NULL)
    return EP_NTP_DISCARDED;
  return EP_NTP_TRUSTED;
}
