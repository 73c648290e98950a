#include "config.h"

#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ep_rxtime.h"
#include "ep_time.h"

int
ep_rxtime_enable(int fd)
{
  int on = 1;

  return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
}

static int held_fd = -1;

int
ep_rxtime_hold(void)
{
  if (held_fd >= 0)
    return 0;
  held_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (held_fd < 0)
    return -1;
  if (ep_rxtime_enable(held_fd) != 0) {
    ep_rxtime_release();
    return -1;
  }
  return 0;
}

void
ep_rxtime_release(void)
{
  if (held_fd >= 0)
    close(held_fd);
  held_fd = -1;
}

/* The kernel's stamp among msg's control messages, if it sent one. */
static bool
kernel_stamp(struct msghdr *msg, struct timespec *stamp)
{
  struct cmsghdr *cm;
  bool            found = false;

  for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS &&
        cm->cmsg_len >= CMSG_LEN(sizeof *stamp)) {
      memcpy(stamp, CMSG_DATA(cm), sizeof *stamp);
      found = true;
    }
  return found;
}

/* The stamp's age is measured against the wall clock it was taken on,
 * and carried over to the monotonic clock for a duration. */
bool
ep_rxtime_stamp_on(clockid_t clock, const struct timespec *stamp,
                   struct timespec *at)
{
  struct timespec real, now;
  double          ago;

  clock_gettime(CLOCK_REALTIME, &real);
  if (clock == CLOCK_REALTIME)
    now = real;
  else
    clock_gettime(clock, &now);
  ago = ep_time_diff(real, *stamp); /* before *at is written: they may
                                       be the same */
  if (ago < 0 || ago >= EP_RXTIME_MAX_AGE) {
    *at = now;
    return false;
  }
  *at = clock == CLOCK_REALTIME ? *stamp : ep_time_add(now, -ago);
  return true;
}

/* rx->at on clock: the kernel's stamp where it is plausible, else the
 * clock read now, right after the receive. */
static void
when_received(clockid_t clock, const struct timespec *stamp,
              struct ep_rxtime *rx)
{
  if (stamp) {
    rx->kernel = ep_rxtime_stamp_on(clock, stamp, &rx->at);
    return;
  }
  rx->kernel = false;
  clock_gettime(clock, &rx->at);
}

ssize_t
ep_rxtime_recv(int fd, void *buf, size_t len, int flags,
               struct sockaddr *from, socklen_t *from_len, clockid_t clock,
               struct ep_rxtime *rx)
{
  /* Room for SO_TIMESTAMPING's three stamps too, which a socket that also
   * stamps its sends (ep_txtime) is handed beside SCM_TIMESTAMPNS. */
  union {
    char           buf[CMSG_SPACE(sizeof(struct timespec)) +
                       CMSG_SPACE(3 * sizeof(struct timespec))];
    struct cmsghdr align;
  } control;
  struct iovec    iov;
  struct msghdr   msg;
  struct timespec stamp;
  bool            stamped;
  ssize_t         n;

  memset(&msg, 0, sizeof msg);
  iov.iov_base = buf;
  iov.iov_len = len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_name = from;
  msg.msg_namelen = from && from_len ? *from_len : 0;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  n = recvmsg(fd, &msg, flags);
  if (n < 0)
    return n;
  stamped = kernel_stamp(&msg, &stamp);
  when_received(clock, stamped ? &stamp : NULL, rx);
  rx->flags = msg.msg_flags;
  if (from_len)
    *from_len = msg.msg_namelen;
  return n;
}
