#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ep_cause.h"
#include "ep_neterr.h"
#include "ep_time.h"

static const char *
our_words(int errnum, bool datagram)
{
  switch (errnum) {
    case ECONNREFUSED:
      return datagram ? "port unreachable: nothing listening"
                      : "connection refused";
    case ENETUNREACH:
      return "network unreachable";
    case EHOSTUNREACH:
      return "no route to host";
    case EHOSTDOWN:
      return "host down";
    case ETIMEDOUT:
      return "timed out";
    case ECONNRESET:
      return "connection reset";
    case ECONNABORTED:
      return "connection aborted";
    case EPIPE:
      return "connection closed by the peer";
    case EADDRNOTAVAIL:
      return "source address not available";
    case ENETDOWN:
      return "network down";
    case EACCES:
    case EPERM:
      return "not permitted by the local firewall";
    default:
      return NULL;
  }
}

struct ep_errtext
ep_net_strerror(int errnum, bool datagram)
{
  const char       *ours = our_words(errnum, datagram);
  struct ep_errtext t;

  if (ours) {
    snprintf(t.text, sizeof t.text, "%s", ours);
    return t;
  }
  t = ep_strerror(errnum);
  /* "Bad file descriptor" reads as one of ours inside a sentence, except
   * where the first word is an acronym ("RFS specific error"). */
  if (t.text[0] && t.text[1] && !isupper((unsigned char)t.text[1]))
    t.text[0] = (char)tolower((unsigned char)t.text[0]);
  return t;
}

const char *
ep_net_connect_cause(int errnum)
{
  switch (errnum) {
    case ECONNREFUSED:
      return EP_CAUSE_TCP_REFUSED;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EHOSTDOWN:
    case ENETDOWN:
    case EADDRNOTAVAIL:
      return EP_CAUSE_TCP_UNREACHABLE;
    case ETIMEDOUT:
      return EP_CAUSE_TCP_TIMEOUT;
    case ECONNRESET:
      return EP_CAUSE_TCP_RESET;
    default:
      return EP_CAUSE_TCP_ERROR;
  }
}

double
ep_net_connect_seconds(int fd, struct timespec started)
{
  struct tcp_info info;
  socklen_t       len = sizeof info;

  memset(&info, 0, sizeof info);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 &&
      info.tcpi_rtt > 0 && info.tcpi_total_retrans == 0)
    return info.tcpi_rtt / 1e6;
  return ep_time_diff(ep_time_now(), started);
}
