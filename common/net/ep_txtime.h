/* When a datagram left: the kernel's software transmit stamp
 * (SO_TIMESTAMPING), taken as the packet is handed to the device, not the
 * clock read before the send, which counts the send's own path through
 * the stack (longest for a socket's first packet) as the network's.  The
 * NTP probe's T1, and when each query of the uplink's DNS train left. */
#ifndef EP_TXTIME_H
#define EP_TXTIME_H

#include <stdint.h>
#include <time.h>

/* Asks the kernel to stamp what fd sends, each stamp numbered by its
 * send's order on fd from 0.  0, or -1 with errno (a kernel without it:
 * the caller keeps its own clock reading). */
int ep_txtime_enable(int fd);

/* Reads one transmit stamp queued on fd (its error queue): the number of
 * the send it is for and when, on CLOCK_REALTIME.  1 when one was read, 0
 * when none is queued (anything else queued is read past), -1 with errno
 * on a failure of the read. */
int ep_txtime_read(int fd, uint32_t *id, struct timespec *at);

#endif
