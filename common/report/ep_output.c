#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ep_buf.h"
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

static json_object *
string_or_null(const char *s)
{
  return s ? json_object_new_string(s) : NULL;
}

static json_object *
perf_json(const struct ep_perf *p)
{
  json_object *o = json_object_new_object();

  if (!o)
    return NULL;
  json_object_object_add(o, "figure", json_object_new_string(p->figure));
  json_object_object_add(o, "instance",
                         p->instance[0] ? json_object_new_string(p->instance)
                                        : NULL);
  json_object_object_add(o, "unit",
                         json_object_new_string(ep_unit_name(p->unit)));
  json_object_object_add(o, "label", json_object_new_string(p->label));
  json_object_object_add(o, "value", p->measured
                                       ? json_object_new_double(p->value)
                                       : NULL);
  json_object_object_add(o, "uom", json_object_new_string(p->uom));
  json_object_object_add(o, "warning",
                         p->warn[0] ? json_object_new_string(p->warn) : NULL);
  json_object_object_add(o, "critical",
                         p->crit[0] ? json_object_new_string(p->crit) : NULL);
  json_object_object_add(o, "min",
                         p->has_min ? json_object_new_double(p->min) : NULL);
  json_object_object_add(o, "max",
                         p->has_max ? json_object_new_double(p->max) : NULL);
  return o;
}

static json_object *
target_json(const struct ep_target_result *t)
{
  json_object *o = json_object_new_object();
  json_object *perf = json_object_new_array();
  size_t       i;

  if (!o || !perf) {
    json_object_put(o);
    json_object_put(perf);
    return NULL;
  }
  json_object_object_add(o, "name", json_object_new_string(t->name));
  json_object_object_add(o, "state", json_object_new_string(
                                       ep_state_str(t->state)));
  json_object_object_add(o, "cause", string_or_null(t->cause));
  json_object_object_add(o, "host", string_or_null(t->host));
  json_object_object_add(o, "text",
                         json_object_new_string(t->text ? t->text : ""));
  for (i = 0; i < t->n_perf; i++)
    json_object_array_add(perf, perf_json(&t->perf[i]));
  json_object_object_add(o, "perfdata", perf);
  json_object_object_add(o, "details", json_object_get(t->data));
  return o;
}

json_object *
ep_check_json(const struct ep_check_result *c)
{
  json_object *o = json_object_new_object();
  json_object *targets = json_object_new_array(), *notes;
  size_t       i;

  if (!o || !targets) {
    json_object_put(o);
    json_object_put(targets);
    return NULL;
  }
  json_object_object_add(o, "check",
                         json_object_new_string(c->check ? c->check : ""));
  json_object_object_add(o, "state",
                         json_object_new_string(ep_state_str(c->state)));
  json_object_object_add(o, "exit_code", json_object_new_int((int)c->state));
  json_object_object_add(o, "summary",
                         json_object_new_string(c->summary ? c->summary : ""));
  for (i = 0; i < c->n_targets; i++)
    json_object_array_add(targets, target_json(&c->targets[i]));
  json_object_object_add(o, "targets", targets);
  notes = json_object_new_array();
  for (i = 0; notes && i < c->notes.n; i++)
    json_object_array_add(notes, json_object_new_string(c->notes.v[i]));
  json_object_object_add(o, "notes", notes);
  return o;
}

void
ep_json_add_run_info(json_object *doc, const struct timespec *started,
                     double seconds)
{
  char      when[40];
  struct tm tm;

  json_object_object_add(doc, "schema_version",
                         json_object_new_int(EP_JSON_SCHEMA_VERSION));
  json_object_object_add(doc, "edgeprobe_version",
                         json_object_new_string(PACKAGE_VERSION));
  if (started && started->tv_sec &&
      gmtime_r(&started->tv_sec, &tm) &&
      strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
    json_object_object_add(doc, "time", json_object_new_string(when));
  else
    json_object_object_add(doc, "time", NULL);
  json_object_object_add(doc, "duration_seconds",
                         started && started->tv_sec
                           ? json_object_new_double(seconds)
                           : NULL);
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
  char        *out;

  if (doc)
    ep_json_add_run_info(doc, &c->started, c->seconds);
  out = ep_json_text(doc, err);
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
