#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "ep_pmtu.h"
#include "ep_time.h"

struct timespec
ep_pmtu_stall_due(struct timespec sent, double connect_s)
{
  double wait = EP_PMTU_STALL_S;

  if (4 * connect_s > wait)
    wait = 4 * connect_s;
  return ep_time_add(sent, wait);
}

int
ep_pmtu_small_segments(int fd)
{
  int mss = EP_PMTU_SMALL_MSS;

  return setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
}
