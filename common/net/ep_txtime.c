#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <time.h> /* before linux/errqueue.h, which needs struct timespec */
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "ep_txtime.h"

int
ep_txtime_enable(int fd)
{
  /* Only the stamp comes back (TSONLY), numbered (OPT_ID). */
  int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
              SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;

  return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof flags);
}

/* The software stamp and the send's number among msg's control
 * messages; false when either is missing. */
static bool
transmit_stamp(struct msghdr *msg, uint32_t *id, struct timespec *at)
{
  struct cmsghdr *cm;
  bool            have_at = false, have_id = false;

  for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_TIMESTAMPING &&
        cm->cmsg_len >= CMSG_LEN(sizeof(struct scm_timestamping))) {
      struct scm_timestamping ts;

      memcpy(&ts, CMSG_DATA(cm), sizeof ts);
      *at = ts.ts[0];
      have_at = ts.ts[0].tv_sec != 0 || ts.ts[0].tv_nsec != 0;
    } else if (((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) ||
                (cm->cmsg_level == SOL_IPV6 &&
                 cm->cmsg_type == IPV6_RECVERR)) &&
               cm->cmsg_len >= CMSG_LEN(sizeof(struct sock_extended_err))) {
      struct sock_extended_err ee;

      memcpy(&ee, CMSG_DATA(cm), sizeof ee);
      if (ee.ee_errno == ENOMSG &&
          ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING &&
          ee.ee_info == SCM_TSTAMP_SND) {
        *id = ee.ee_data;
        have_id = true;
      }
    }
  }
  return have_at && have_id;
}

int
ep_txtime_read(int fd, uint32_t *id, struct timespec *at)
{
  union {
    /* With the stamp and its number, the socket's own receive stamp
     * (SO_TIMESTAMPNS) comes too. */
    char           buf[CMSG_SPACE(sizeof(struct timespec)) +
                       CMSG_SPACE(sizeof(struct scm_timestamping)) +
                       CMSG_SPACE(sizeof(struct sock_extended_err) +
                                  sizeof(struct sockaddr_in6))];
    struct cmsghdr align;
  } control;
  char          byte;
  struct iovec  iov = {&byte, sizeof byte};
  struct msghdr msg;

  for (;;) {
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
      return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    if (transmit_stamp(&msg, id, at))
      return 1;
  }
}
