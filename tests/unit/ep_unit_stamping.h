/* For the suites that compare kernel receive stamps with clock reads:
 * hold stamping on (ep_rxtime_hold), then wait until the kernel's
 * deferred switch has happened, seen as a datagram left waiting 2 ms
 * whose stamp is that much older than its read.  Until then a packet is
 * stamped when read, and such a test fails on the host, not on us. */
#ifndef EP_UNIT_STAMPING_H
#define EP_UNIT_STAMPING_H

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "ep_rxtime.h"
#include "ep_time.h"

/* Whether a datagram that waited 2 ms on fd came out stamped on arrival. */
static inline int
ep_unit_stamped_on_arrival(int rx, int tx)
{
  struct ep_rxtime r;
  struct timespec  read_at;
  char             c;

  if (send(tx, "s", 1, 0) != 1)
    return 0;
  usleep(2000);
  if (ep_rxtime_recv(rx, &c, 1, 0, NULL, NULL, CLOCK_MONOTONIC, &r) != 1)
    return 0;
  read_at = ep_time_now();
  return r.kernel && ep_time_diff(read_at, r.at) >= 0.0015;
}

/* An unchecked fixture: runs once in check's parent process, so that
 * every forked test inherits the held socket. */
static inline void
ep_unit_stamping_on(void)
{
  struct sockaddr_in sa;
  socklen_t          len = sizeof sa;
  int                rx, tx, tries;

  ck_assert_int_eq(ep_rxtime_hold(), 0);
  rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ck_assert(rx >= 0 && tx >= 0);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(bind(rx, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(getsockname(rx, (struct sockaddr *)&sa, &len), 0);
  ck_assert_int_eq(connect(tx, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(ep_rxtime_enable(rx), 0);
  for (tries = 0; tries < 500 && !ep_unit_stamped_on_arrival(rx, tx);
       tries++)
    ;
  close(rx);
  close(tx);
  ck_assert_msg(tries < 500, "the kernel never stamped on arrival");
}

static inline void
ep_unit_stamping_off(void)
{
  ep_rxtime_release();
}

#endif
