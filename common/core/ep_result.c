#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_buf.h"
#include "ep_result.h"

const char *
ep_state_str(enum ep_state s)
{
  switch (s) {
    case EP_STATE_OK:
      return "OK";
    case EP_STATE_WARNING:
      return "WARNING";
    case EP_STATE_CRITICAL:
      return "CRITICAL";
    case EP_STATE_UNKNOWN:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

static int
severity(enum ep_state s)
{
  switch (s) {
    case EP_STATE_OK:
      return 0;
    case EP_STATE_UNKNOWN:
      return 1;
    case EP_STATE_WARNING:
      return 2;
    case EP_STATE_CRITICAL:
      return 3;
  }
  return 1;
}

enum ep_state
ep_state_worse(enum ep_state a, enum ep_state b)
{
  return severity(a) >= severity(b) ? a : b;
}

enum ep_state
ep_state_from_ranges(double value, const struct ep_range *warn,
                     const struct ep_range *crit)
{
  if (crit && ep_range_alerts(crit, value))
    return EP_STATE_CRITICAL;
  if (warn && ep_range_alerts(warn, value))
    return EP_STATE_WARNING;
  return EP_STATE_OK;
}

void
ep_check_result_init(struct ep_check_result *c)
{
  memset(c, 0, sizeof *c);
}

void
ep_check_result_cleanup(struct ep_check_result *c)
{
  size_t i;

  for (i = 0; i < c->n_targets; i++) {
    free(c->targets[i].name);
    free(c->targets[i].host);
    free(c->targets[i].why);
    free(c->targets[i].text);
    free(c->targets[i].detail);
    free(c->targets[i].perf);
    json_object_put(c->targets[i].data);
  }
  free(c->targets);
  free(c->check);
  free(c->summary);
  ep_strlist_free(&c->notes);
  ep_check_result_init(c);
}

struct ep_target_result *
ep_check_result_add(struct ep_check_result *c, const char *name,
                    struct ep_err *err)
{
  struct ep_target_result *v, *t;

  v = realloc(c->targets, (c->n_targets + 1) * sizeof *v);
  if (!v)
    goto nomem;
  c->targets = v;
  t = &v[c->n_targets];
  memset(t, 0, sizeof *t);
  t->name = strdup(name);
  t->data = json_object_new_object();
  if (!t->name || !t->data) {
    free(t->name);
    json_object_put(t->data);
    goto nomem;
  }
  c->n_targets++;
  return t;
nomem:
  ep_err_set(err, EP_ENOMEM, "out of memory adding target %s", name);
  return NULL;
}

#define TEXT_MAX (64u << 10)

enum ep_status
ep_target_set_text(struct ep_target_result *t, const char *fmt, ...)
{
  struct ep_buf  b;
  va_list        ap;
  enum ep_status rc;

  ep_buf_init(&b, TEXT_MAX);
  va_start(ap, fmt);
  rc = ep_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  if (rc == EP_OK) {
    free(t->text);
    if (!(t->text = ep_buf_steal(&b)))
      rc = EP_ENOMEM;
  }
  ep_buf_cleanup(&b);
  return rc;
}

enum ep_status
ep_target_add_detail(struct ep_target_result *t, const char *fmt, ...)
{
  struct ep_buf  b;
  va_list        ap;
  enum ep_status rc = EP_OK;

  ep_buf_init(&b, TEXT_MAX);
  if (t->detail)
    rc = ep_buf_printf(&b, "%s\n", t->detail);
  va_start(ap, fmt);
  if (rc == EP_OK)
    rc = ep_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  if (rc == EP_OK) {
    free(t->detail);
    if (!(t->detail = ep_buf_steal(&b)))
      rc = EP_ENOMEM;
  }
  ep_buf_cleanup(&b);
  return rc;
}

enum ep_status
ep_target_set_why(struct ep_target_result *t, const char *why)
{
  char *w = strdup(why);

  if (!w)
    return EP_ENOMEM;
  free(t->why);
  t->why = w;
  return EP_OK;
}

enum ep_status
ep_target_set_host(struct ep_target_result *t, const char *host)
{
  char *h = strdup(host);

  if (!h)
    return EP_ENOMEM;
  free(t->host);
  t->host = h;
  return EP_OK;
}

void
ep_target_set_cause(struct ep_target_result *t, const char *code)
{
  if (!t->cause)
    t->cause = code;
}

const char *
ep_unit_uom(enum ep_unit u)
{
  switch (u) {
    case EP_UNIT_SECONDS:
      return "s";
    case EP_UNIT_PERCENT:
      return "%";
    case EP_UNIT_BYTES:
      return "B";
    case EP_UNIT_DAYS:
    case EP_UNIT_PPM:
    case EP_UNIT_COUNT:
    case EP_UNIT_BITS_PER_SECOND:
    case EP_UNIT_DBM:
    case EP_UNIT_DB:
      break;
  }
  return "";
}

const char *
ep_unit_name(enum ep_unit u)
{
  switch (u) {
    case EP_UNIT_SECONDS:
      return "seconds";
    case EP_UNIT_DAYS:
      return "days";
    case EP_UNIT_PPM:
      return "ppm";
    case EP_UNIT_COUNT:
      return "count";
    case EP_UNIT_PERCENT:
      return "percent";
    case EP_UNIT_BYTES:
      return "bytes";
    case EP_UNIT_BITS_PER_SECOND:
      return "bits_per_second";
    case EP_UNIT_DBM:
      return "dBm";
    case EP_UNIT_DB:
      return "dB";
  }
  return "";
}

enum ep_status
ep_target_add_perf(struct ep_target_result *t, const struct ep_figure *f,
                   bool measured, double value)
{
  struct ep_perf *v, *p;

  v = realloc(t->perf, (t->n_perf + 1) * sizeof *v);
  if (!v)
    return EP_ENOMEM;
  t->perf = v;
  p = &v[t->n_perf++];
  memset(p, 0, sizeof *p);
  snprintf(p->figure, sizeof p->figure, "%s", f->figure);
  snprintf(p->instance, sizeof p->instance, "%s",
           f->instance ? f->instance : "");
  p->unit = f->unit;
  snprintf(p->label, sizeof p->label, "%s", f->label);
  p->measured = measured;
  p->value = measured ? value : 0;
  snprintf(p->uom, sizeof p->uom, "%s", ep_unit_uom(f->unit));
  if (f->warn && f->warn->set)
    snprintf(p->warn, sizeof p->warn, "%s", f->warn->text);
  if (f->crit && f->crit->set)
    snprintf(p->crit, sizeof p->crit, "%s", f->crit->text);
  if (f->min) {
    p->has_min = true;
    p->min = *f->min;
  }
  if (f->max) {
    p->has_max = true;
    p->max = *f->max;
  }
  return EP_OK;
}

const struct ep_perf *
ep_target_figure(const struct ep_target_result *t, const char *figure,
                 const char *instance)
{
  size_t i;

  for (i = 0; i < t->n_perf; i++)
    if (strcmp(t->perf[i].figure, figure) == 0 &&
        strcmp(t->perf[i].instance, instance ? instance : "") == 0)
      return &t->perf[i];
  return NULL;
}

const char *
ep_target_lowest_instance(const struct ep_target_result *t,
                          const char *figure)
{
  const struct ep_perf *best = NULL;
  size_t                i;

  for (i = 0; i < t->n_perf; i++)
    if (t->perf[i].measured && strcmp(t->perf[i].figure, figure) == 0 &&
        (!best || t->perf[i].value < best->value))
      best = &t->perf[i];
  return best ? best->instance : NULL;
}

static enum ep_status
copy_string(char **to, const char *from)
{
  *to = NULL;
  if (from && !(*to = strdup(from)))
    return EP_ENOMEM;
  return EP_OK;
}

/* Adds a copy of t named name to out, its JSON data too (the MIB's
 * columns of words are read from it). */
static enum ep_status
copy_target(struct ep_check_result *out, const struct ep_target_result *t,
            const char *name)
{
  struct ep_target_result *c = ep_check_result_add(out, name, NULL);

  if (!c)
    return EP_ENOMEM;
  c->state = t->state;
  c->cause = t->cause;
  if (copy_string(&c->host, t->host) != EP_OK ||
      copy_string(&c->why, t->why) != EP_OK ||
      copy_string(&c->text, t->text) != EP_OK ||
      copy_string(&c->detail, t->detail) != EP_OK)
    return EP_ENOMEM;
  if (t->n_perf) {
    if (!(c->perf = malloc(t->n_perf * sizeof *c->perf)))
      return EP_ENOMEM;
    memcpy(c->perf, t->perf, t->n_perf * sizeof *c->perf);
    c->n_perf = t->n_perf;
  }
  if (t->data) {
    json_object_put(c->data);
    c->data = NULL;
    if (json_object_deep_copy(t->data, &c->data, NULL) != 0)
      return EP_ENOMEM;
  }
  return EP_OK;
}

static const char *
server_of(const struct ep_target_result *t)
{
  return t->host ? t->host : t->name;
}

/* The lowest measured figure named by among t's, or +inf. */
static double
lowest(const struct ep_target_result *t, const char *by)
{
  double v = HUGE_VAL;
  size_t i;

  for (i = 0; i < t->n_perf; i++)
    if (t->perf[i].measured && strcmp(t->perf[i].figure, by) == 0 &&
        t->perf[i].value < v)
      v = t->perf[i].value;
  return v;
}

enum ep_status
ep_check_result_by_host(const struct ep_check_result *r, const char *by,
                        struct ep_check_result *out)
{
  size_t i, j;

  out->ran = r->ran;
  out->started = r->started;
  out->seconds = r->seconds;
  out->state = r->state;
  if (copy_string(&out->check, r->check) != EP_OK ||
      copy_string(&out->summary, r->summary) != EP_OK)
    return EP_ENOMEM;
  for (i = 0; i < r->n_targets; i++) {
    const struct ep_target_result *best = &r->targets[i];
    const char                    *server = server_of(best);
    bool                           first = true;

    for (j = 0; j < i && first; j++)
      first = strcmp(server_of(&r->targets[j]), server) != 0;
    if (!first)
      continue;
    for (j = i + 1; j < r->n_targets; j++)
      if (strcmp(server_of(&r->targets[j]), server) == 0 &&
          lowest(&r->targets[j], by) < lowest(best, by))
        best = &r->targets[j];
    if (copy_target(out, best, server) != EP_OK)
      return EP_ENOMEM;
  }
  return EP_OK;
}

enum ep_status
ep_check_result_add_note(struct ep_check_result *c, const char *note)
{
  return ep_strlist_add(&c->notes, note);
}

void
ep_check_result_settle(struct ep_check_result *c)
{
  size_t i;

  for (i = 0; i < c->n_targets; i++)
    c->state = ep_state_worse(c->state, c->targets[i].state);
}

enum ep_status
ep_check_result_take_summary(struct ep_check_result *c, struct ep_buf *b)
{
  char *text = ep_buf_steal(b);

  if (!text)
    return EP_ENOMEM;
  free(c->summary);
  c->summary = text;
  return EP_OK;
}
