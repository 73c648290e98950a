/* Socket errors in the same words and cause codes in every probe, so that
 * a NOC reads "network unreachable" whichever check met it, and a UDP
 * peer with nothing listening (ICMP port unreachable, which the kernel
 * reports as ECONNREFUSED) is not mistaken for a routing problem. */
#ifndef EP_NETERR_H
#define EP_NETERR_H

#include <stdbool.h>
#include <time.h>

#include "ep_err.h"

/* Our words for errnum: "connection refused", "network unreachable",
 * "no route to host", "port unreachable: nothing listening" for a
 * datagram socket's ECONNREFUSED, ...; any other error as strerror() has
 * it, with a lower-case first letter. */
struct ep_errtext ep_net_strerror(int errnum, bool datagram);

/* The cause code (ep_cause.h) of a failed TCP connect: tcp.refused,
 * tcp.unreachable, tcp.timeout, tcp.reset or tcp.error. */
const char *ep_net_connect_cause(int errnum);

/* How long the TCP handshake of connected socket fd took: the kernel's
 * round-trip sample of it (TCP_INFO), which no work of our loop can
 * inflate; when the SYN had to be sent again, or the kernel has no
 * sample, the time since started (the connect() call). */
double ep_net_connect_seconds(int fd, struct timespec started);

#endif
