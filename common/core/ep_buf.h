/* A growable, NUL-terminated byte buffer with a hard cap fixed at init, so
 * text built from peers' data can never grow without bound. */
#ifndef EP_BUF_H
#define EP_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "ep_err.h"

struct ep_buf {
  char  *data; /* NUL-terminated; NULL until the first append */
  size_t len;
  size_t cap;  /* bytes allocated */
  size_t max;  /* most bytes it may hold, excluding the NUL */
  int    wipe; /* a secret may pass through: cleared before it is freed */
};

void ep_buf_init(struct ep_buf *b, size_t max);
/* A buffer a secret may pass through: every block it lets go of (when
 * it grows, resets or is cleaned up) is cleared first. */
void ep_buf_init_secret(struct ep_buf *b, size_t max);
void ep_buf_cleanup(struct ep_buf *b);
void ep_buf_reset(struct ep_buf *b);

/* Append; EP_ENOMEM on allocation failure, EP_EINVAL past max (nothing
 * appended in either case). */
enum ep_status ep_buf_add(struct ep_buf *b, const void *data, size_t len);
enum ep_status ep_buf_printf(struct ep_buf *b, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

enum ep_status ep_buf_vprintf(struct ep_buf *b, const char *fmt, va_list ap)
  __attribute__((format(printf, 2, 0)));

/* The text so far; "" when empty.  Borrowed. */
const char *ep_buf_str(const struct ep_buf *b);

/* Hands the text over to the caller (free() it) and resets b; NULL on
 * allocation failure. */
char *ep_buf_steal(struct ep_buf *b);

#endif
