#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_range.h"

/* Accepts a plain decimal number ("5", "-0.5", "1e3"); strtod alone would
 * also take "inf", "nan" and hex, which no threshold means. */
static bool
parse_number(const char *s, size_t len, double *out)
{
  char   buf[EP_RANGE_TEXT_MAX];
  char  *end;
  size_t i;
  bool   digit = false;

  if (len == 0 || len >= sizeof buf)
    return false;
  for (i = 0; i < len; i++) {
    if (s[i] >= '0' && s[i] <= '9')
      digit = true;
    else if (!strchr("+-.eE", s[i]))
      return false;
  }
  if (!digit)
    return false;
  memcpy(buf, s, len);
  buf[len] = '\0';
  *out = strtod(buf, &end);
  return *end == '\0' && isfinite(*out);
}

static enum ep_status
bad_range(struct ep_err *err, const char *what, const char *text,
          const char *why)
{
  return ep_err_set(err, EP_EINVAL, "%s%s'%s' is not a valid range: %s",
                    what ? what : "", what ? " " : "", text, why);
}

enum ep_status
ep_range_parse(struct ep_range *r, const char *text, const char *what,
               struct ep_err *err)
{
  const char *p = text;
  const char *colon;

  memset(r, 0, sizeof *r);
  if (!text)
    return EP_OK;
  if (strlen(text) >= sizeof r->text)
    return bad_range(err, what, "...", "longer than 63 characters");
  if (*p == '@') {
    r->inside = true;
    p++;
  }
  if (*p == '\0')
    return bad_range(err, what, text, "empty");
  colon = strchr(p, ':');
  if (colon) {
    if (strchr(colon + 1, ':'))
      return bad_range(err, what, text, "more than one ':'");
    if (colon - p == 1 && *p == '~')
      r->start_inf = true;
    else if (colon == p)
      r->start = 0;
    else if (!parse_number(p, (size_t)(colon - p), &r->start))
      return bad_range(err, what, text, "start is not a number");
    p = colon + 1;
    if (*p == '\0')
      r->end_inf = true;
    else if (!parse_number(p, strlen(p), &r->end))
      return bad_range(err, what, text, "end is not a number");
  } else {
    r->start = 0;
    if (!parse_number(p, strlen(p), &r->end))
      return bad_range(err, what, text, "not a number");
  }
  if (!r->start_inf && !r->end_inf && r->start > r->end)
    return bad_range(err, what, text, "start is greater than end");
  snprintf(r->text, sizeof r->text, "%s", text);
  r->set = true;
  return EP_OK;
}

bool
ep_range_alerts(const struct ep_range *r, double value)
{
  bool within;

  if (!r->set)
    return false;
  within = (r->start_inf || value >= r->start) &&
           (r->end_inf || value <= r->end);
  return r->inside ? within : !within;
}
