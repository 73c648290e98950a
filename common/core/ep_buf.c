#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_buf.h"

void
ep_buf_init(struct ep_buf *b, size_t max)
{
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
  b->wipe = 0;
}

void
ep_buf_init_secret(struct ep_buf *b, size_t max)
{
  ep_buf_init(b, max);
  b->wipe = 1;
}

void
ep_buf_cleanup(struct ep_buf *b)
{
  int wipe = b->wipe;

  if (wipe && b->data)
    explicit_bzero(b->data, b->cap);
  free(b->data);
  ep_buf_init(b, b->max);
  b->wipe = wipe;
}

void
ep_buf_reset(struct ep_buf *b)
{
  if (b->wipe && b->data)
    explicit_bzero(b->data, b->cap);
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

static enum ep_status
reserve(struct ep_buf *b, size_t extra)
{
  size_t need, cap;
  char  *p;

  if (extra > b->max || b->len > b->max - extra)
    return EP_EINVAL;
  need = b->len + extra + 1;
  if (need <= b->cap)
    return EP_OK;
  cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap *= 2;
  if (b->wipe) {
    /* realloc() would free the old block as it is. */
    if (!(p = malloc(cap)))
      return EP_ENOMEM;
    if (b->data) {
      memcpy(p, b->data, b->len + 1);
      explicit_bzero(b->data, b->cap);
      free(b->data);
    }
  } else if (!(p = realloc(b->data, cap))) {
    return EP_ENOMEM;
  }
  b->data = p;
  b->cap = cap;
  return EP_OK;
}

enum ep_status
ep_buf_add(struct ep_buf *b, const void *data, size_t len)
{
  enum ep_status rc = reserve(b, len);

  if (rc != EP_OK)
    return rc;
  memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
  return EP_OK;
}

enum ep_status
ep_buf_vprintf(struct ep_buf *b, const char *fmt, va_list ap)
{
  va_list        again;
  int            n;
  enum ep_status rc;

  va_copy(again, ap);
  n = vsnprintf(NULL, 0, fmt, ap);
  if (n < 0) {
    va_end(again);
    return EP_EINVAL;
  }
  rc = reserve(b, (size_t)n);
  if (rc == EP_OK) {
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
    b->len += (size_t)n;
  }
  va_end(again);
  return rc;
}

enum ep_status
ep_buf_printf(struct ep_buf *b, const char *fmt, ...)
{
  va_list        ap;
  enum ep_status rc;

  va_start(ap, fmt);
  rc = ep_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

const char *
ep_buf_str(const struct ep_buf *b)
{
  return b->data ? b->data : "";
}

char *
ep_buf_steal(struct ep_buf *b)
{
  char *s = b->data ? b->data : strdup("");

  ep_buf_init(b, b->max);
  return s;
}
