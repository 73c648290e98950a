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

enum ep_ntp_verdict
ep_ntp_check_reply(const uint8_t *pkt, size_t len, uint64_t xmt_wire,
                   struct ep_ntp_time t1, struct ep_ntp_time t4,
                   struct ep_ntp_sample *s, const char **reason)
{
  struct ep_ntp_time t2, t3;
  uint64_t           origin, xmt;
  int                mode;

  memset(s, 0, sizeof *s);
  *reason = NULL;
  /* Header first; then at most a MAC (key id and MD5 or SHA-1 digest):
   * we sent no extension fields, so a server has none to send back. */
  if (len < EP_NTP_PACKET_LEN) {
    *reason = "shorter than 48 bytes";
    return EP_NTP_DISCARDED;
  }
  if (len != EP_NTP_PACKET_LEN && len != EP_NTP_PACKET_LEN + 20 &&
      len != EP_NTP_PACKET_LEN + 24) {
    *reason = "unexpected length, more than 48 bytes and a MAC";
    return EP_NTP_DISCARDED;
  }
  s->leap = pkt[0] >> 6;
  s->version = (pkt[0] >> 3) & 7;
  mode = pkt[0] & 7;
  s->stratum = pkt[1];
  s->root_delay = short_format(pkt + 4);
  s->root_dispersion = short_format(pkt + 8);
  origin = get64(pkt + 24);
  xmt = get64(pkt + 40);
  if (mode != 4) {
    *reason = "not a server reply (mode is not 4)";
    return EP_NTP_DISCARDED;
  }
  if (s->version < 3 || s->version > 4) {
    *reason = "version is not 3 or 4";
    return EP_NTP_DISCARDED;
  }
  /* RFC 5905 8: the origin timestamp must be the transmit timestamp we
   * sent, or this is not an answer to our request. */
  if (origin != xmt_wire) {
    *reason = ep_ntp_origin_mismatch;
    return EP_NTP_DISCARDED;
  }
  if (s->stratum == 0) {
    printable_code(pkt + 12, s->kiss, sizeof s->kiss);
    if (s->kiss[0] == '\0') {
      *reason = "stratum 0 without a kiss code";
      return EP_NTP_DISCARDED;
    }
    *reason = "Kiss-o'-Death";
    return EP_NTP_KOD;
  }
  if (s->leap == 3 || s->stratum >= 16) {
    *reason = "unsynchronised";
    return EP_NTP_UNSYNC;
  }
  /* RFC 5905 8, test3: a zero timestamp means the server did not fill
   * it in, and the offset computed from it would be decades off. */
  if (xmt == 0) {
    *reason = "zero transmit timestamp";
    return EP_NTP_DISCARDED;
  }
  if (get64(pkt + 32) == 0) {
    *reason = "zero receive timestamp";
    return EP_NTP_DISCARDED;
  }
  /* RFC 5905 8, test3 again: a server that never set its clock leaves
   * its reference time zero. */
  if (get64(pkt + 16) == 0) {
    *reason = "zero reference time (the server never set its clock)";
    return EP_NTP_DISCARDED;
  }
  /* RFC 5905 8, test7 (and chrony's): a root distance of MAXDISP (16 s)
   * or more means the server's own time cannot be trusted; its clock
   * would pass for ours being off. */
  if (s->root_delay / 2 + s->root_dispersion >= EP_NTP_MAX_DISTANCE) {
    *reason = "root distance 16 s or more (the server's time is "
              "unreliable)";
    return EP_NTP_DISCARDED;
  }
  if (s->stratum == 1)
    printable_code(pkt + 12, s->refid, sizeof s->refid);
  else
    snprintf(s->refid, sizeof s->refid, "%u.%u.%u.%u", pkt[12], pkt[13],
             pkt[14], pkt[15]);
  t2 = ep_ntp_time_from_wire(get64(pkt + 32), t1);
  t3 = ep_ntp_time_from_wire(xmt, t1);
  if (ep_ntp_time_diff(t3, t2) < 0) {
    *reason = "transmit timestamp before receive timestamp";
    return EP_NTP_DISCARDED;
  }
  /* RFC 5905 8: theta = ((T2 - T1) + (T3 - T4)) / 2,
   *             delta = (T4 - T1) - (T3 - T2). */
  s->offset = (ep_ntp_time_diff(t2, t1) + ep_ntp_time_diff(t3, t4)) / 2;
  s->delay = ep_ntp_time_diff(t4, t1) - ep_ntp_time_diff(t3, t2);
  if (s->delay < 0)
    s->delay = 0;
  return EP_NTP_TRUSTED;
}
