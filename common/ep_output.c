#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
static enum ep_status
add_text(struct ep_buf *b, const char *s)
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
static enum ep_status
add_detail(struct ep_buf *b, const char *detail)
{
  enum ep_status rc = EP_OK;
  const char    *p = detail, *nl;
  char           line[1024];

  while (rc == EP_OK && *p) {
    nl = strchr(p, '\n');
    snprintf(line, sizeof line, "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
    rc = ep_buf_add(b, "\n    ", 5);
    if (rc == EP_OK)
      rc = add_text(b, line);
    p = nl ? nl + 1 : p + strlen(p);
  }
  return rc;
}

static enum ep_status
add_perf(struct ep_buf *b, const struct ep_perf *p)
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
    rc = add_text(&b, c->summary);
  for (i = 0; i < c->n_targets && rc == EP_OK; i++) {
    for (j = 0; j < c->targets[i].n_perf && rc == EP_OK; j++) {
      if (!any_perf)
        rc = ep_buf_add(&b, " |", 2);
      any_perf = true;
      if (rc == EP_OK)
        rc = add_perf(&b, &c->targets[i].perf[j]);
    }
  }
  for (i = 0; i < c->n_targets && rc == EP_OK; i++) {
    rc = ep_buf_printf(&b, "\n[%s] ", ep_state_str(c->targets[i].state));
    if (rc == EP_OK)
      rc = add_text(&b, c->targets[i].text ? c->targets[i].text
                                           : c->targets[i].name);
    if (rc == EP_OK && verbose > 0 && c->targets[i].detail)
      rc = add_detail(&b, c->targets[i].detail);
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
perf_json(const struct ep_perf *p)
{
  json_object *o = json_object_new_object();

  if (!o)
    return NULL;
  json_object_object_add(o, "label", json_object_new_string(p->label));
  json_object_object_add(o, "value", p->measured
                                       ? json_object_new_double(p->value)
                                       : NULL);
  json_object_object_add(o, "uom", json_object_new_string(p->uom));
  if (p->warn[0])
    json_object_object_add(o, "warning", json_object_new_string(p->warn));
  if (p->crit[0])
    json_object_object_add(o, "critical", json_object_new_string(p->crit));
  if (p->has_min)
    json_object_object_add(o, "min", json_object_new_double(p->min));
  if (p->has_max)
    json_object_object_add(o, "max", json_object_new_double(p->max));
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
  json_object_object_add(o, "text",
                         json_object_new_string(t->text ? t->text : ""));
  for (i = 0; i < t->n_perf; i++)
    json_object_array_add(perf, perf_json(&t->perf[i]));
  json_object_object_add(o, "perfdata", perf);
  json_object_object_add(o, "details", json_object_get(t->data));
  return o;
}

char *
ep_format_json(const struct ep_check_result *c, struct ep_err *err)
{
  json_object *doc = json_object_new_object();
  json_object *targets = json_object_new_array();
  const char  *text;
  char        *out = NULL;
  size_t       i;

  if (!doc || !targets) {
    json_object_put(targets);
    goto done;
  }
  json_object_object_add(doc, "check",
                         json_object_new_string(c->check ? c->check : ""));
  json_object_object_add(doc, "state",
                         json_object_new_string(ep_state_str(c->state)));
  json_object_object_add(doc, "exit_code", json_object_new_int((int)c->state));
  json_object_object_add(doc, "summary",
                         json_object_new_string(c->summary ? c->summary : ""));
  for (i = 0; i < c->n_targets; i++)
    json_object_array_add(targets, target_json(&c->targets[i]));
  json_object_object_add(doc, "targets", targets);
  text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
                                               JSON_C_TO_STRING_NOSLASHESCAPE);
  if (text && (out = malloc(strlen(text) + 2))) {
    size_t n = strlen(text);

    memcpy(out, text, n);
    out[n] = '\n';
    out[n + 1] = '\0';
  }
done:
  json_object_put(doc);
  if (!out)
    ep_err_set(err, EP_ENOMEM, "out of memory formatting JSON output");
  return out;
}
