#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include "ep_cause.h"
#include "ep_neterr.h"

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
