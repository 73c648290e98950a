#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ep_buf.h"
#include "ep_json.h"
#include "ep_output.h"

#define OUTPUT_MAX (4u << 20)

void
ep_format_number(char *out, size_t size, double v)
{
  char *dot, *end;

  if (!isfinite(v)) {
    snprintf(out, size, "U");
    return;
  }
  snprintf(out, size, "%.6f", v);
  dot = strchr(out, '.');
  if (!dot)
    return;
  end = out + strlen(out) - 1;
  while (end > dot && *end == '0')
    *end-- = '\0';
  if (end == dot)
    *end = '\0';
  if (strcmp(out, "-0") == 0)
    snprintf(out, size, "0");
}

/* '|' starts perfdata and a newline ends the line: neither may come from
 * a target's text. */
enum ep_status
ep_output_text(struct ep_buf *b, const char *s)
{
  enum ep_status rc = EP_OK;
  const char    *p;
  char           c;

  for (p = s ? s : ""; *p && rc == EP_OK; p++) {
    c = *p;
    if (c == '|')
      c = '/';
    else if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
    rc = ep_buf_add(b, &c, 1);
  }
  return rc;
}

/* Each detail line indented under its target; '|' kept out as above. */
enum ep_status
ep_output_detail(struct ep_buf *b, const char *detail)
{
  enum ep_status rc = EP_OK;
  const char    *p = detail, *nl;
  char           line[1024];

  while (rc == EP_OK && *p) {
    nl = strchr(p, '\n');
    snprintf(line, sizeof line, "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
    rc = ep_buf_add(b, "\n    ", 5);
    if (rc == EP_OK)
      rc = ep_output_text(b, line);
    p = nl ? nl + 1 : p + strlen(p);
  }
  return rc;
}

enum ep_status
ep_output_perf(struct ep_buf *b, const struct ep_perf *p)
{
  char           num[64], lim[64];
  const char    *s;
  enum ep_status rc;
  char           c;

  rc = ep_buf_add(b, " '", 2);
  for (s = p->label; *s && rc == EP_OK; s++) {
    c = (*s == '\'' || *s == '=') ? '_' : *s;
    rc = ep_buf_add(b, &c, 1);
  }
  if (rc != EP_OK)
    return rc;
  if (p->measured) {
    ep_format_number(num, sizeof num, p->value);
    rc = ep_buf_printf(b, "'=%s%s;%s;%s", num, p->uom, p->warn, p->crit);
  } else {
    rc = ep_buf_printf(b, "'=U;%s;%s", p->warn, p->crit);
  }
  if (rc == EP_OK && (p->has_min || p->has_max)) {
    num[0] = lim[0] = '\0';
    if (p->has_min)
      ep_format_number(num, sizeof num, p->min);
    if (p->has_max)
      ep_format_number(lim, sizeof lim, p->max);
    rc = p->has_max ? ep_buf_printf(b, ";%s;%s", num, lim)
                    : ep_buf_printf(b, ";%s", num);
  }
  return rc;
}

char *
ep_format_nagios(const struct ep_check_result *c, const char *title,
                 int verbose, struct ep_err *err)
{
  struct ep_buf  b;
  enum ep_status rc;
  size_t         i, j;
  bool           any_perf = false;

  ep_buf_init(&b, OUTPUT_MAX);
  rc = ep_buf_printf(&b, "EDGE %s %s - ", title, ep_state_str(c->state));
  if (rc == EP_OK)
    rc = ep_output_text(&b, c->summary);
  for (i = 0; i < c->n_targets && rc == EP_OK; i++) {
    for (j = 0; j < c->targets[i].n_perf && rc == EP_OK; j++) {
      if (!any_perf)
        rc = ep_buf_add(&b, " |", 2);
      any_perf = true;
      if (rc == EP_OK)
        rc = ep_output_perf(&b, &c->targets[i].perf[j]);
    }
  }
  for (i = 0; i < c->n_targets && rc == EP_OK; i++) {
    rc = ep_buf_printf(&b, "\n[%s] ", ep_state_str(c->targets[i].state));
    if (rc == EP_OK)
      rc = ep_output_text(&b, c->targets[i].text ? c->targets[i].text
                                           : c->targets[i].name);
    if (rc == EP_OK && verbose > 0 && c->targets[i].detail)
      rc = ep_output_detail(&b, c->targets[i].detail);
  }
  for (i = 0; i < c->notes.n && rc == EP_OK; i++) {
    rc = ep_buf_add(&b, "\n", 1);
    if (rc == EP_OK)
      rc = ep_output_text(&b, c->notes.v[i]);
  }
  if (rc == EP_OK)
    rc = ep_buf_add(&b, "\n", 1);
  if (rc != EP_OK) {
    ep_err_set(err, rc, "cannot format the output: %s", ep_status_str(rc));
    ep_buf_cleanup(&b);
    return NULL;
  }
  return ep_buf_steal(&b);
}

/* key: the string s, or null when there is none. */
static enum ep_status
put_string_or_null(json_object *o, const char *key, const char *s)
{
  return s ? ep_json_put(o, key, json_object_new_string(s))
           : ep_json_put_null(o, key);
}

/* key: the number v, or null when it is not known. */
static enum ep_status
put_double_or_null(json_object *o, const char *key, bool known, double v)
{
  return known ? ep_json_put(o, key, json_object_new_double(v))
               : ep_json_put_null(o, key);
}

/* NULL when out of memory. */
static json_object *
perf_json(const struct ep_perf *p)
{
  json_object   *o = json_object_new_object();
  enum ep_status rc;

  rc = ep_json_put(o, "figure", json_object_new_string(p->figure));
  if (rc == EP_OK)
    rc = put_string_or_null(o, "instance", p->instance[0] ? p->instance : NULL);
  if (rc == EP_OK)
    rc = ep_json_put(o, "unit", json_object_new_string(ep_unit_name(p->unit)));
  if (rc == EP_OK)
    rc = ep_json_put(o, "label", json_object_new_string(p->label));
  if (rc == EP_OK)
    rc = put_double_or_null(o, "value", p->measured, p->value);
  if (rc == EP_OK)
    rc = ep_json_put(o, "uom", json_object_new_string(p->uom));
  if (rc == EP_OK)
    rc = put_string_or_null(o, "warning", p->warn[0] ? p->warn : NULL);
  if (rc == EP_OK)
    rc = put_string_or_null(o, "critical", p->crit[0] ? p->crit : NULL);
  if (rc == EP_OK)
    rc = put_double_or_null(o, "min", p->has_min, p->min);
  if (rc == EP_OK)
    rc = put_double_or_null(o, "max", p->has_max, p->max);
  return ep_json_built(o, rc);
}

/* NULL when out of memory. */
static json_object *
target_json(const struct ep_target_result *t)
{
  json_object   *o = json_object_new_object();
  json_object   *perf = json_object_new_array();
  enum ep_status rc = perf ? EP_OK : EP_ENOMEM;
  size_t         i;

  for (i = 0; i < t->n_perf && rc == EP_OK; i++)
    rc = ep_json_append(perf, perf_json(&t->perf[i]));
  if (rc == EP_OK)
    rc = ep_json_put(o, "name", json_object_new_string(t->name));
  if (rc == EP_OK)
    rc = ep_json_put(o, "state",
                     json_object_new_string(ep_state_str(t->state)));
  if (rc == EP_OK)
    rc = put_string_or_null(o, "cause", t->cause);
  if (rc == EP_OK)
    rc = put_string_or_null(o, "host", t->host);
  if (rc == EP_OK)
    rc = ep_json_put(o, "text", json_object_new_string(t->text ? t->text : ""));
  rc = ep_json_put_built(o, "perfdata", perf, rc);
  if (rc == EP_OK)
    rc = t->data ? ep_json_put(o, "details", json_object_get(t->data))
                 : ep_json_put_null(o, "details");
  return ep_json_built(o, rc);
}

/* An array of the strings of l; NULL when out of memory. */
static json_object *
strings_json(const struct ep_strlist *l)
{
  json_object   *a = json_object_new_array();
  enum ep_status rc = a ? EP_OK : EP_ENOMEM;
  size_t         i;

  for (i = 0; i < l->n && rc == EP_OK; i++)
    rc = ep_json_append(a, json_object_new_string(l->v[i]));
  return ep_json_built(a, rc);
}

json_object *
ep_check_json(const struct ep_check_result *c)
{
  json_object   *o = json_object_new_object();
  json_object   *targets = json_object_new_array();
  enum ep_status rc = targets ? EP_OK : EP_ENOMEM;
  size_t         i;

  for (i = 0; i < c->n_targets && rc == EP_OK; i++)
    rc = ep_json_append(targets, target_json(&c->targets[i]));
  if (rc == EP_OK)
    rc = ep_json_put(o, "check",
                     json_object_new_string(c->check ? c->check : ""));
  if (rc == EP_OK)
    rc = ep_json_put(o, "state",
                     json_object_new_string(ep_state_str(c->state)));
  if (rc == EP_OK)
    rc = ep_json_put(o, "exit_code", json_object_new_int((int)c->state));
  if (rc == EP_OK)
    rc = ep_json_put(o, "summary",
                     json_object_new_string(c->summary ? c->summary : ""));
  rc = ep_json_put_built(o, "targets", targets, rc);
  if (rc == EP_OK)
    rc = ep_json_put(o, "notes", strings_json(&c->notes));
  return ep_json_built(o, rc);
}

enum ep_status
ep_json_add_run_info(json_object *doc, const struct timespec *started,
                     double seconds)
{
  char           when[40];
  struct tm      tm;
  enum ep_status rc;
  bool           known = started && started->tv_sec;

  rc = ep_json_put(doc, "schema_version",
                   json_object_new_int(EP_JSON_SCHEMA_VERSION));
  if (rc == EP_OK)
    rc = ep_json_put(doc, "edgeprobe_version",
                     json_object_new_string(PACKAGE_VERSION));
  if (rc == EP_OK)
    rc = put_string_or_null(doc, "time",
                            known && gmtime_r(&started->tv_sec, &tm) &&
                                strftime(when, sizeof when,
                                         "%Y-%m-%dT%H:%M:%SZ", &tm)
                              ? when
                              : NULL);
  if (rc == EP_OK)
    rc = put_double_or_null(doc, "duration_seconds", known, seconds);
  return rc;
}

char *
ep_json_text(json_object *doc, struct ep_err *err)
{
  const char *text;
  char       *out = NULL;

  text = doc ? json_object_to_json_string_ext(
                 doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
             : NULL;
  if (text && (out = malloc(strlen(text) + 2))) {
    size_t n = strlen(text);

    memcpy(out, text, n);
    out[n] = '\n';
    out[n + 1] = '\0';
  }
  if (!out)
    ep_err_set(err, EP_ENOMEM, "out of memory formatting JSON output");
  return out;
}

char *
ep_format_json(const struct ep_check_result *c, struct ep_err *err)
{
  json_object *doc = ep_check_json(c);
  char        *out = NULL;

  if (doc && ep_json_add_run_info(doc, &c->started, c->seconds) == EP_OK)
    out = ep_json_text(doc, err);
  else
    ep_err_set(err, EP_ENOMEM, "out of memory formatting JSON output");
  json_object_put(doc);
  return out;
}

char *
ep_format_json_unknown(const char *check, const char *msg)
{
  struct ep_check_result c;
  char                  *out;

  ep_check_result_init(&c);
  c.check = (char *)(uintptr_t)check;
  c.summary = (char *)(uintptr_t)msg;
  c.state = EP_STATE_UNKNOWN;
  out = ep_format_json(&c, NULL);
  return out;
}
