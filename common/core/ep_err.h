/* Status codes and the error record every core function fills instead of
 * printing.  The first message set wins, so the root cause survives the
 * failures it causes. */
#ifndef EP_ERR_H
#define EP_ERR_H

#include <stddef.h>

enum ep_status {
  EP_OK = 0,
  EP_ENOMEM,   /* an allocation failed */
  EP_EINVAL,   /* bad option, value or profile: a usage/config error */
  EP_EIO,      /* a file could not be read */
  EP_ESYS,     /* a system call failed (socket, poll, ...) */
  EP_ETIMEOUT, /* the deadline passed */
  EP_EPROTO,   /* a peer broke its protocol */
  EP_ELIB      /* a library (c-ares, json-c) refused */
};

#define EP_ERR_MSG_MAX 256

struct ep_err {
  enum ep_status code;
  char msg[EP_ERR_MSG_MAX];
};

#define EP_ERR_INIT {EP_OK, ""}

/* Name of a status ("out of memory", ...); never NULL. */
const char *ep_status_str(enum ep_status code);

/* Records code and a printf-style message unless one is already recorded.
 * Newlines in the message become spaces.  Returns code, so callers can
 * write `return ep_err_set(err, EP_EINVAL, ...)`.  err may be NULL. */
enum ep_status ep_err_set(struct ep_err *err, enum ep_status code,
                          const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Clears err for reuse. */
void ep_err_clear(struct ep_err *err);

/* The text of an errno value, in a buffer of its own: strerror() shares
 * one between threads, and collectd and the subagent run probes from
 * several.  Use as ep_strerror(errno).text within one expression. */
struct ep_errtext {
  char text[128];
};
struct ep_errtext ep_strerror(int errnum);

#endif
