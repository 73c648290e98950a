/* When a datagram or segment arrived: the kernel's receive timestamp
 * (SO_TIMESTAMPNS), not the moment our loop came round to read it, so
 * that a reply waiting while we served other sockets is not slower for
 * it.  The one receive path of the resolver, the NTP probe and the tcp
 * probe. */
#ifndef EP_RXTIME_H
#define EP_RXTIME_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

/* The longest a received packet is believed to have waited before its
 * read; a kernel stamp older than this, or newer than the clock, is not
 * this packet's time (the clock was stepped, or is faked, since). */
#define EP_RXTIME_MAX_AGE 10.0

/* Asks the kernel to stamp what fd receives.  0, or -1 with errno. */
int ep_rxtime_enable(int fd);

/* Linux turns receive stamping on for the whole host only a moment after
 * the first socket asks for it (deferred to a work queue), and off again
 * after the last such socket closes.  A packet that arrives in between is
 * stamped when it is read: the very delay stamping is there to remove.
 * So a process holds one stamping socket from its start to its end, and
 * its probes' first packets find stamping already on.  Call once, before
 * threads start; 0, or -1 with errno (stamps may then come late). */
int  ep_rxtime_hold(void);
void ep_rxtime_release(void);

/* When something was received, and how we know. */
struct ep_rxtime {
  struct timespec at;     /* on the clock asked for */
  bool            kernel; /* the kernel's stamp; false: the clock read right
                             after the receive (no stamp came, or one the
                             clock has moved away from) */
  int             flags;  /* recvmsg()'s msg_flags: MSG_TRUNC when a
                             datagram was longer than len */
};

/* A kernel stamp (a wall-clock time, as SO_TIMESTAMPNS and
 * SO_TIMESTAMPING give) on clock, in *at: true when it is plausible;
 * false when it is newer than the wall clock or older than
 * EP_RXTIME_MAX_AGE, and *at is then clock read now. */
bool ep_rxtime_stamp_on(clockid_t clock, const struct timespec *stamp,
                        struct timespec *at);

/* recvfrom(2) that also says when what it read arrived, on clock:
 * CLOCK_REALTIME for a wall-clock answer (NTP's T4), CLOCK_MONOTONIC for
 * a duration.  from and from_len may be NULL.  Returns recvmsg()'s
 * result, with errno as it left it; *rx is set when that is not
 * negative. */
ssize_t ep_rxtime_recv(int fd, void *buf, size_t len, int flags,
                       struct sockaddr *from, socklen_t *from_len,
                       clockid_t clock, struct ep_rxtime *rx);

#endif
