#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ep_err.h"

const char *
ep_status_str(enum ep_status code)
{
  switch (code) {
    case EP_OK:
      return "no error";
    case EP_ENOMEM:
      return "out of memory";
    case EP_EINVAL:
      return "invalid argument";
    case EP_EIO:
      return "input/output error";
    case EP_ESYS:
      return "system error";
    case EP_ETIMEOUT:
      return "timed out";
    case EP_EPROTO:
      return "protocol error";
    case EP_ELIB:
      return "library error";
  }
  return "unknown error";
}

enum ep_status
ep_err_set(struct ep_err *err, enum ep_status code, const char *fmt, ...)
{
  va_list ap;
  char   *p;

  if (!err || err->code != EP_OK)
    return code;
  err->code = code;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  for (p = err->msg; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  return code;
}

void
ep_err_clear(struct ep_err *err)
{
  err->code = EP_OK;
  err->msg[0] = '\0';
}

struct ep_errtext
ep_strerror(int errnum)
{
  struct ep_errtext t;

#ifdef STRERROR_R_CHAR_P
  /* GNU: returns a static string or fills buf. */
  const char *s = strerror_r(errnum, t.text, sizeof t.text);

  if (s != t.text)
    snprintf(t.text, sizeof t.text, "%s", s);
#else
  if (strerror_r(errnum, t.text, sizeof t.text) != 0)
    snprintf(t.text, sizeof t.text, "error %d", errnum);
#endif
  return t;
}
