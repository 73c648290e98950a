/* SNTP packets (RFC 5905 client mode, RFC 4330): building a request,
 * judging a reply, and NTP timestamps across eras.  Pure functions: no
 * sockets, no clock reads, so every rule is unit-tested. */
#ifndef EP_NTP_PACKET_H
#define EP_NTP_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define EP_NTP_PACKET_LEN 48
#define EP_NTP_MAX_DISTANCE 16.0 /* s: RFC 5905 MAXDISP */

/* A wall-clock time as Unix seconds and a 32-bit binary fraction; wide
 * enough for any era, unlike 32.32 fixed point in 64 bits. */
struct ep_ntp_time {
  int64_t  sec;
  uint32_t frac;
};

struct ep_ntp_time ep_ntp_time_from_timespec(struct timespec ts);

/* The 64-bit on-the-wire form (seconds since 1900 modulo 2^32, fraction). */
uint64_t ep_ntp_time_to_wire(struct ep_ntp_time t);

/* The time a wire timestamp stands for, in the era that puts it nearest to
 * ref (RFC 5905 section 6: timestamps are ambiguous by 2^32 s, about 136
 * years, so the 2036 rollover is resolved against the local clock). */
struct ep_ntp_time ep_ntp_time_from_wire(uint64_t wire, struct ep_ntp_time ref);

/* a - b in seconds. */
double ep_ntp_time_diff(struct ep_ntp_time a, struct ep_ntp_time b);

/* Writes a 48-byte client request (version 4, mode 3) whose transmit
 * timestamp is xmt_wire.  The caller makes xmt_wire's low bits random and
 * keeps the real send time apart (the origin check then cannot be
 * guessed, and the server learns nothing from it). */
void ep_ntp_build_request(uint8_t pkt[EP_NTP_PACKET_LEN], uint64_t xmt_wire);

enum ep_ntp_verdict {
  EP_NTP_TRUSTED,   /* a sample: offset and delay are meaningful */
  EP_NTP_KOD,       /* Kiss-o'-Death: kiss holds the code */
  EP_NTP_UNSYNC,    /* leap 3 or stratum 16: the server has no time */
  EP_NTP_DISCARDED  /* not an answer to trust: reason says why */
};

struct ep_ntp_sample {
  double   offset;          /* server minus local clock, s (RFC 5905 theta) */
  double   delay;           /* round trip less server time, s (delta) */
  int      stratum;
  int      leap;            /* 0..3 */
  int      version;
  double   root_delay;      /* s */
  double   root_dispersion; /* s */
  char     refid[16];       /* "GPS", "LOCL" or a dotted IPv4 address */
  char     kiss[5];         /* KoD code, when verdict is EP_NTP_KOD */
};

/* The reason given when a reply does not answer the request asked about. */
extern const char ep_ntp_origin_mismatch[];

/* Judges a reply to the request whose transmit timestamp was xmt_wire,
 * sent at t1 (local wall clock) and read at t4.  A reply is trusted only
 * when it is at least 48 bytes (at most a MAC more), mode 4, version 3
 * or 4, answers our request (origin == xmt_wire), has non-zero
 * reference, receive and transmit timestamps with transmit not before
 * receive, a root distance under 16 s, and a stratum of 1 to 15 with
 * leap 0 to 2.  reason
 * (static text) says why a reply was not trusted. */
enum ep_ntp_verdict ep_ntp_check_reply(const uint8_t *pkt, size_t len,
                                       uint64_t xmt_wire, struct ep_ntp_time t1,
                                       struct ep_ntp_time t4,
                                       struct ep_ntp_sample *s,
                                       const char **reason);

#endif
