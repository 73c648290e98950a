/* A path MTU blackhole: a link with a smaller MTU on the way (a VPN,
 * PPPoE, a cellular bearer) and the ICMP "fragmentation needed" that
 * would tell the server dropped by a firewall.  TCP connects, our small
 * first flight gets out, the server's full-size segments never arrive:
 * "the TLS handshake hangs".  A handshake that hears nothing after its
 * first flight is tried once more with a small MSS; if that completes,
 * the blackhole is named.  Shared by every probe that does TLS over its
 * own TCP connection (HTTPS, NATS). */
#ifndef EP_PMTU_H
#define EP_PMTU_H

#include <time.h>

/* RFC 879's default MSS: what every path carries. */
#define EP_PMTU_SMALL_MSS 536
/* Silence after our first flight for this long, or four TCP round trips
 * if longer (a far server is slow, not lost), counts as a stall. */
#define EP_PMTU_STALL_S 1.0

/* When a handshake whose first flight went at sent, over a connection
 * that took connect_s to open (0: unknown), counts as stalled. */
struct timespec ep_pmtu_stall_due(struct timespec sent, double connect_s);

/* Makes fd's segments small (TCP_MAXSEG), before connect(): our SYN then
 * asks the server for no more.  0, or -1 with errno. */
int ep_pmtu_small_segments(int fd);

/* The cause's words (ep_cause.h's EP_CAUSE_PATH_MTU). */
#define EP_PMTU_WORDS                                                          \
  "path MTU blackhole suspected: large packets from the server are dropped "  \
  "(the handshake completes with 536-byte segments)"
/* What a second silent attempt adds to the timeout's words. */
#define EP_PMTU_ALSO_SMALL ", also with 536-byte segments"

#endif
