#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_buf.h"
#include "ep_cause.h"
#include "ep_checklist.h"
#include "ep_json.h"
#include "ep_summary.h"
#include "ep_output.h"

#define OUTPUT_MAX (1u << 20)
#define CAUSES_SHOWN 3 /* on the first line */

static const char *const tls_causes[] = {EP_CAUSE_TLS_INTERCEPTION,
                                         EP_CAUSE_TLS_LOCAL_CA,
                                         EP_CAUSE_TLS_UNEXPECTED_ISSUER, NULL};

static bool
cause_in(const struct ep_target_result *t, const char *const *codes)
{
  for (; t->cause && *codes; codes++)
    if (strcmp(t->cause, *codes) == 0)
      return true;
  return false;
}

/* The worst target of a check (the first of the worst), or NULL. */
static const struct ep_target_result *
worst_target(const struct ep_check_result *r, size_t *at)
{
  const struct ep_target_result *w = NULL;
  size_t                         i;

  for (i = 0; i < r->n_targets; i++) {
    if (r->targets[i].state == EP_STATE_OK)
      continue;
    if (!w || ep_state_worse(r->targets[i].state, w->state) !=
                w->state) {
      w = &r->targets[i];
      *at = i;
    }
  }
  return w;
}

static struct ep_checklist_item *
new_item(struct ep_checklist *cl, const char *id, const char *title,
         int check)
{
  struct ep_checklist_item *it;

  /* Every item is added once, and EP_CHECKLIST_ITEMS counts them all:
   * reaching it is a bug, which overwrites the last item rather than
   * memory past the array. */
  if (cl->n_items == EP_CHECKLIST_ITEMS)
    cl->n_items--;
  it = &cl->items[cl->n_items++];

  memset(it, 0, sizeof *it);
  it->id = id;
  it->title = title;
  it->check = check;
  it->checked = true;
  it->state = EP_STATE_OK;
  return it;
}

/* A check's item: its summary when all is well, else its worst target's
 * line, how many fail, and the root cause that explains it. */
static void
check_item(struct ep_checklist *cl, const struct ep_run_result *run, int k,
           const char *id, const char *title)
{
  const struct ep_check_result  *r = &run->checks[k];
  struct ep_checklist_item      *it;
  const struct ep_target_result *w;
  size_t                         i, at = 0;
  int                            by;

  if (!r->ran)
    return;
  it = new_item(cl, id, title, k);
  it->total = r->n_targets;
  for (i = 0; i < r->n_targets; i++)
    if (r->targets[i].state != EP_STATE_OK)
      it->failing++;
  it->state = r->state;
  if (!(w = worst_target(r, &at))) {
    snprintf(it->text, sizeof it->text, "%s", r->summary ? r->summary : "");
    return;
  }
  /* The rule that explains it, when one does (a symptom is its own). */
  by = cl->diag.by[k] ? cl->diag.by[k][at] : -1;
  if (by >= 0 && !cl->diag.causes[by].rule)
    by = -1;
  snprintf(it->text, sizeof it->text, "%s (%zu of %zu failing%s%s)",
           w->text ? w->text : w->name, it->failing, it->total,
           by >= 0 ? "; root cause: " : "",
           by >= 0 ? cl->diag.causes[by].code : "");
}

/* The machines, not the interface's row a machines check may have. */
static size_t
machine_count(const struct ep_check_result *r)
{
  size_t i, n = 0;

  for (i = 0; r->ran && i < r->n_targets; i++)
    n += ep_target_figure(&r->targets[i], "connect", NULL) != NULL;
  return n;
}

/* The machine network (the seed's "Machine network is accessible from
 * Edge device location"): the machines check's own first line, which
 * names the machines that cannot be reached. */
static void
machines_item(struct ep_checklist *cl, const struct ep_run_result *run)
{
  const struct ep_check_result *r = &run->checks[EP_CHECK_MACHINES];
  struct ep_checklist_item     *it;
  size_t                        i;

  if (!r->ran)
    return;
  it = new_item(cl, "machine_network", "Machine network", EP_CHECK_MACHINES);
  it->total = machine_count(r);
  /* Machines only: the interface's row is said in the item's line. */
  for (i = 0; i < r->n_targets; i++)
    if (r->targets[i].state != EP_STATE_OK &&
        ep_target_figure(&r->targets[i], "connect", NULL))
      it->failing++;
  it->state = r->state;
  snprintf(it->text, sizeof it->text, "%s", r->summary ? r->summary : "");
}

/* No TLS inspection (the seed's "DPI is disabled"): what the https and
 * NATS TLS handshakes said of the issuers; not checked when none got as
 * far as a certificate. */
static void
inspection_item(struct ep_checklist *cl, const struct ep_run_result *run)
{
  const struct ep_check_result  *https = &run->checks[EP_CHECK_HTTPS];
  struct ep_checklist_item      *it;
  const struct ep_target_result *first = NULL;
  const struct ep_perf          *days;
  size_t                         i, seen = 0, suspect = 0;
  int                            k;

  /* Told by the HTTPS handshakes (NATS's, where a server wants TLS,
   * count too); without an HTTPS check there is no item. */
  if (!https->ran)
    return;
  it = new_item(cl, "tls_inspection", "TLS inspection", -1);
  for (k = EP_CHECK_HTTPS; k <= EP_CHECK_NATS; k++) {
    const struct ep_check_result *r = &run->checks[k];

    for (i = 0; r->ran && i < r->n_targets; i++) {
      const struct ep_target_result *t = &r->targets[i];

      days = ep_target_figure(t, "cert_days", NULL);
      if (cause_in(t, tls_causes)) {
        suspect++;
        it->state = ep_state_worse(it->state, t->state);
        if (!first)
          first = t;
      } else if (days && days->measured) {
        seen++;
      }
    }
  }
  it->total = seen + suspect;
  it->failing = suspect;
  if (first) {
    snprintf(it->text, sizeof it->text, "%s (%zu of %zu certificate chains)",
             first->text ? first->text : first->name, suspect,
             seen + suspect);
  } else if (seen) {
    snprintf(it->text, sizeof it->text, "none seen: %zu certificate chain%s "
             "verified to the public web PKI or an expected issuer", seen,
             seen == 1 ? "" : "s");
  } else {
    it->checked = false;
    it->state = EP_STATE_UNKNOWN;
    snprintf(it->text, sizeof it->text, "not checked: no HTTPS handshake got "
             "as far as a certificate");
  }
}

static void
proxy_item(struct ep_checklist *cl, const struct ep_run_result *run,
           const char *proxy)
{
  const struct ep_check_result  *r = &run->checks[EP_CHECK_HTTPS];
  struct ep_checklist_item      *it;
  const struct ep_target_result *first = NULL;
  size_t                         i, refused = 0;

  if (!proxy || !r->ran)
    return;
  it = new_item(cl, "proxy", "Proxy", EP_CHECK_HTTPS);
  for (i = 0; i < r->n_targets; i++) {
    const struct ep_target_result *t = &r->targets[i];

    if (t->cause && strncmp(t->cause, "proxy.", 6) == 0) {
      refused++;
      it->state = ep_state_worse(it->state, t->state);
      if (!first)
        first = t;
    }
  }
  it->total = r->n_targets;
  it->failing = refused;
  if (first)
    snprintf(it->text, sizeof it->text, "%s: %s (%zu of %zu targets)", proxy,
             first->why ? first->why : first->text, refused, r->n_targets);
  else
    snprintf(it->text, sizeof it->text, "%s: %zu tunnel%s through it", proxy,
             r->n_targets, r->n_targets == 1 ? "" : "s");
}

/* The first line: the root causes, most serious first; or, when all is
 * well, what was seen. */
static void
summarize(struct ep_checklist *cl, const struct ep_run_result *run)
{
  static const enum ep_state order[] = {EP_STATE_CRITICAL, EP_STATE_WARNING,
                                        EP_STATE_UNKNOWN};
  char  *s = cl->summary;
  size_t size = sizeof cl->summary, i, j, shown = 0, total, n;
  double offset;

  s[0] = '\0';
  total = cl->diag.n + cl->diag.n_more;
  /* The most serious first, three at most, and no more than a first line
   * can hold: a later cause goes in only whole, the first cut to fit. */
  for (j = 0; j < sizeof order / sizeof order[0]; j++)
    for (i = 0; i < cl->diag.n; i++) {
      const char *text = cl->diag.causes[i].text;
      size_t      used = strlen(s);

      if (cl->diag.causes[i].state != order[j] || shown == CAUSES_SHOWN ||
          (shown && used + 2 + strlen(text) > EP_SUMMARY_BUDGET))
        continue;
      if (shown++) {
        snprintf(s + used, size - used, "; %s", text);
      } else {
        size_t keep = ep_text_cut_len(text, EP_SUMMARY_BUDGET);

        snprintf(s, size, "%.*s%s", (int)keep, text, text[keep] ? "..." : "");
      }
    }
  if (total > shown)
    snprintf(s + strlen(s), size - strlen(s), "; and %zu more problem%s",
             total - shown, total - shown == 1 ? "" : "s");
  if (s[0])
    return;
  /* Nothing failed: an unchecked item may still need saying. */
  for (i = 0; i < cl->n_items; i++)
    if (!cl->items[i].checked)
      snprintf(s + strlen(s), size - strlen(s), "%s%s: %s", s[0] ? "; " : "",
               cl->items[i].title, cl->items[i].text);
  if (s[0])
    return;
  snprintf(s, size, "every item of the checklist OK:");
  n = run->checks[EP_CHECK_DNS].n_targets;
  if (run->checks[EP_CHECK_DNS].ran)
    snprintf(s + strlen(s), size - strlen(s), " %zu %s,", n,
             n == 1 ? "name resolves" : "names resolve");
  if (ep_diagnosis_clock_offset(run, &offset)) {
    char num[32];

    ep_format_number(num, sizeof num, offset);
    snprintf(s + strlen(s), size - strlen(s), " clock within %ss of NTP,",
             num);
  }
  n = run->checks[EP_CHECK_HTTPS].n_targets;
  if (run->checks[EP_CHECK_HTTPS].ran)
    snprintf(s + strlen(s), size - strlen(s),
             " %zu HTTPS target%s reachable without TLS inspection,", n,
             n == 1 ? "" : "s");
  n = run->checks[EP_CHECK_NATS].n_targets;
  if (run->checks[EP_CHECK_NATS].ran)
    snprintf(s + strlen(s), size - strlen(s), " %zu NATS %s,", n,
             n == 1 ? "endpoint answers" : "endpoints answer");
  n = machine_count(&run->checks[EP_CHECK_MACHINES]);
  if (run->checks[EP_CHECK_MACHINES].ran)
    snprintf(s + strlen(s), size - strlen(s), " %zu %s,", n,
             n == 1 ? "machine reachable" : "machines reachable");
  if (s[strlen(s) - 1] == ',')
    s[strlen(s) - 1] = '\0';
}

enum ep_status
ep_checklist_build(const struct ep_run_result *run,
                   const struct ep_config *cfg, struct ep_checklist *cl,
                   struct ep_err *err)
{
  struct ep_diagnosis_opts opts = {cfg->proxy_url, 0};
  size_t                   i;

  memset(cl, 0, sizeof *cl);
  if (ep_diagnose(run, &opts, &cl->diag) != EP_OK)
    return ep_err_set(err, EP_ENOMEM, "out of memory diagnosing the run");
  check_item(cl, run, EP_CHECK_DNS, "dns", "DNS");
  check_item(cl, run, EP_CHECK_NTP, "ntp", "NTP");
  check_item(cl, run, EP_CHECK_HTTPS, "https", "HTTPS");
  inspection_item(cl, run);
  check_item(cl, run, EP_CHECK_NATS, "nats", "NATS");
  proxy_item(cl, run, cfg->proxy_url);
  machines_item(cl, run);
  cl->state = EP_STATE_OK;
  for (i = 0; i < cl->n_items; i++)
    cl->state = ep_state_worse(cl->state, cl->items[i].state);
  summarize(cl, run);
  return EP_OK;
}

void
ep_checklist_free(struct ep_checklist *cl)
{
  ep_diagnosis_free(&cl->diag);
}

/* The NTP figure of the checklist: the servers' median offset. */
static enum ep_status
ntp_offset_perf(struct ep_buf *b, const struct ep_run_result *run,
                const struct ep_config *cfg)
{
  const struct ep_range *w = &cfg->checks[EP_CHECK_NTP].warn;
  const struct ep_range *c = &cfg->checks[EP_CHECK_NTP].crit;
  struct ep_perf         p;
  double                 offset;

  if (!run->checks[EP_CHECK_NTP].ran)
    return EP_OK;
  memset(&p, 0, sizeof p);
  snprintf(p.label, sizeof p.label, "ntp_offset");
  snprintf(p.uom, sizeof p.uom, "s");
  p.measured = ep_diagnosis_clock_offset(run, &offset);
  p.value = p.measured ? offset : 0;
  snprintf(p.warn, sizeof p.warn, "%s", w->set ? w->text : "");
  snprintf(p.crit, sizeof p.crit, "%s", c->set ? c->text : "");
  return ep_output_perf(b, &p);
}

/* The checklist's own figures, one or two per check: what graphs want
 * from a whole-site check (the per-target ones are in --format json). */
static enum ep_status
add_figures(struct ep_buf *b, const struct ep_run_result *run,
            const struct ep_config *cfg)
{
  static const struct {
    int         check;
    const char *figure, *label;
    bool        lowest; /* the lowest is the worst */
    enum ep_unit unit;
  } specs[] = {
    {EP_CHECK_DNS, "response_time", "dns_slowest", false, EP_UNIT_SECONDS},
    {EP_CHECK_HTTPS, "total", "https_slowest", false, EP_UNIT_SECONDS},
    {EP_CHECK_HTTPS, "cert_days", "https_cert_days", true, EP_UNIT_DAYS},
    {EP_CHECK_NATS, "rtt", "nats_slowest_rtt", false, EP_UNIT_SECONDS},
    {EP_CHECK_MACHINES, "connect", "machines_slowest_connect", false,
     EP_UNIT_SECONDS},
  };
  static const double zero = 0;
  enum ep_status      rc = EP_OK;
  struct ep_perf      p;
  size_t              i, j, k;
  bool                ntp_done = false;

  for (i = 0; i < sizeof specs / sizeof specs[0] && rc == EP_OK; i++) {
    if (specs[i].check > EP_CHECK_NTP && !ntp_done) {
      rc = ntp_offset_perf(b, run, cfg);
      ntp_done = true;
    }
    const struct ep_check_result *r = &run->checks[specs[i].check];
    const struct ep_perf         *tmpl = NULL;
    bool                          have = false;
    double                        v = 0;

    if (!r->ran)
      continue;
    for (j = 0; j < r->n_targets; j++)
      for (k = 0; k < r->targets[j].n_perf; k++) {
        const struct ep_perf *f = &r->targets[j].perf[k];

        if (strcmp(f->figure, specs[i].figure) != 0)
          continue;
        tmpl = f;
        if (f->measured && (!have || (specs[i].lowest ? f->value < v
                                                      : f->value > v))) {
          v = f->value;
          have = true;
        }
      }
    memset(&p, 0, sizeof p);
    snprintf(p.label, sizeof p.label, "%s", specs[i].label);
    snprintf(p.uom, sizeof p.uom, "%s", ep_unit_uom(specs[i].unit));
    p.measured = have;
    p.value = v;
    if (tmpl) {
      memcpy(p.warn, tmpl->warn, sizeof p.warn);
      memcpy(p.crit, tmpl->crit, sizeof p.crit);
    }
    p.has_min = specs[i].unit == EP_UNIT_SECONDS;
    p.min = zero;
    rc = ep_output_perf(b, &p);
  }
  if (rc == EP_OK && !ntp_done)
    rc = ntp_offset_perf(b, run, cfg);
  /* How many targets of each check fail, out of how many. */
  for (i = 0; i < EP_CHECK_KINDS && rc == EP_OK; i++) {
    static const char *const names[EP_CHECK_KINDS] = {"dns", "ntp", "https",
                                                      "nats", "machines"};
    const struct ep_check_result *r = &run->checks[i];
    size_t                        bad = 0;

    if (!r->ran)
      continue;
    for (j = 0; j < r->n_targets; j++)
      bad += r->targets[j].state != EP_STATE_OK;
    memset(&p, 0, sizeof p);
    snprintf(p.label, sizeof p.label, "%s_failing", names[i]);
    p.measured = true;
    p.value = (double)bad;
    p.has_min = p.has_max = true;
    p.min = 0;
    p.max = (double)r->n_targets;
    rc = ep_output_perf(b, &p);
  }
  return rc;
}

char *
ep_checklist_nagios(const struct ep_checklist *cl,
                    const struct ep_run_result *run,
                    const struct ep_config *cfg, int verbose,
                    struct ep_err *err)
{
  struct ep_buf  b;
  enum ep_status rc;
  size_t         i, j;

  ep_buf_init(&b, OUTPUT_MAX);
  rc = ep_buf_printf(&b, "EDGE CHECKLIST %s - ", ep_state_str(cl->state));
  if (rc == EP_OK)
    rc = ep_output_text(&b, cl->summary);
  if (rc == EP_OK)
    rc = ep_buf_add(&b, " |", 2);
  if (rc == EP_OK)
    rc = add_figures(&b, run, cfg);
  for (i = 0; i < cl->n_items && rc == EP_OK; i++) {
    const struct ep_checklist_item *it = &cl->items[i];

    rc = ep_buf_printf(&b, "\n[%s] %s: ", ep_state_str(it->state), it->title);
    if (rc == EP_OK)
      rc = ep_output_text(&b, it->text);
    /* -v: every target of the item's check, under it. */
    if (verbose > 0 && it->check >= 0 && strcmp(it->id, "proxy") != 0) {
      const struct ep_check_result *r = &run->checks[it->check];

      for (j = 0; j < r->n_targets && rc == EP_OK; j++) {
        rc = ep_buf_printf(&b, "\n    [%s] ",
                           ep_state_str(r->targets[j].state));
        if (rc == EP_OK)
          rc = ep_output_text(&b, r->targets[j].text ? r->targets[j].text
                                                     : r->targets[j].name);
        if (rc == EP_OK && verbose > 1 && r->targets[j].detail)
          rc = ep_output_detail(&b, r->targets[j].detail);
      }
      for (j = 0; j < r->notes.n && rc == EP_OK; j++) {
        rc = ep_buf_add(&b, "\n    ", 5);
        if (rc == EP_OK)
          rc = ep_output_text(&b, r->notes.v[j]);
      }
    }
  }
  /* Notes (a state file ignored) are said even without -v. */
  for (i = 0; i < EP_CHECK_KINDS && rc == EP_OK && verbose == 0; i++)
    for (j = 0; j < run->checks[i].notes.n && rc == EP_OK; j++) {
      rc = ep_buf_add(&b, "\n", 1);
      if (rc == EP_OK)
        rc = ep_output_text(&b, run->checks[i].notes.v[j]);
    }
  if (rc == EP_OK)
    rc = ep_buf_add(&b, "\n", 1);
  if (rc != EP_OK) {
    ep_buf_cleanup(&b);
    ep_err_set(err, rc, "cannot format the output: %s", ep_status_str(rc));
    return NULL;
  }
  return ep_buf_steal(&b);
}

/* Each target's root cause (the code of the cause that explains it),
 * beside its own cause. */
static enum ep_status
mark_root_causes(json_object *check, const struct ep_checklist *cl, int k)
{
  json_object   *targets, *t;
  enum ep_status rc = EP_OK;
  size_t         i, n;
  int            by;

  if (!json_object_object_get_ex(check, "targets", &targets))
    return EP_OK;
  n = json_object_array_length(targets);
  for (i = 0; i < n && rc == EP_OK; i++) {
    t = json_object_array_get_idx(targets, i);
    by = cl->diag.by[k] ? cl->diag.by[k][i] : -1;
    rc = by >= 0 ? ep_json_put(t, "root_cause", json_object_new_string(
                                                  cl->diag.causes[by].code))
                 : ep_json_put_null(t, "root_cause");
  }
  return rc;
}

static enum ep_status
add_cause_json(json_object *causes, const struct ep_root_cause *c,
               const char *check)
{
  json_object   *o = json_object_new_object();
  enum ep_status rc;

  rc = ep_json_put(o, "code", json_object_new_string(c->code));
  if (rc == EP_OK)
    rc = ep_json_put(o, "state", json_object_new_string(ep_state_str(c->state)));
  if (rc == EP_OK)
    rc = ep_json_put(o, "check", json_object_new_string(check));
  if (rc == EP_OK)
    rc = ep_json_put(o, "text", json_object_new_string(c->text));
  if (rc == EP_OK)
    rc = ep_json_put(o, "explains",
                     json_object_new_int64((int64_t)c->n_explained));
  return ep_json_append_built(causes, o, rc);
}

static enum ep_status
add_item_json(json_object *items, const struct ep_checklist_item *it)
{
  json_object   *o = json_object_new_object();
  enum ep_status rc;

  rc = ep_json_put(o, "id", json_object_new_string(it->id));
  if (rc == EP_OK)
    rc = ep_json_put(o, "title", json_object_new_string(it->title));
  if (rc == EP_OK)
    rc = ep_json_put(o, "checked", json_object_new_boolean(it->checked));
  if (rc == EP_OK)
    rc = ep_json_put(o, "state", json_object_new_string(ep_state_str(it->state)));
  if (rc == EP_OK)
    rc = ep_json_put(o, "text", json_object_new_string(it->text));
  if (rc == EP_OK)
    rc = ep_json_put(o, "failing", json_object_new_int64((int64_t)it->failing));
  if (rc == EP_OK)
    rc = ep_json_put(o, "total", json_object_new_int64((int64_t)it->total));
  return ep_json_append_built(items, o, rc);
}

static enum ep_status
add_not_checked_json(json_object *not_checked, const char *id,
                     const char *why)
{
  json_object   *o = json_object_new_object();
  enum ep_status rc;

  rc = ep_json_put(o, "id", json_object_new_string(id));
  if (rc == EP_OK)
    rc = ep_json_put(o, "why", json_object_new_string(why));
  return ep_json_append_built(not_checked, o, rc);
}

/* Each check's own document, null for a check that did not run. */
static enum ep_status
add_checks_json(json_object *checks, const struct ep_checklist *cl,
                const struct ep_run_result *run,
                const char *const names[EP_CHECK_KINDS])
{
  enum ep_status rc = EP_OK;
  json_object   *o;
  size_t         i;

  for (i = 0; i < EP_CHECK_KINDS && rc == EP_OK; i++) {
    if (!run->checks[i].ran) {
      rc = ep_json_put_null(checks, names[i]);
      continue;
    }
    o = ep_check_json(&run->checks[i]);
    rc = ep_json_put_built(checks, names[i], o,
                   o ? mark_root_causes(o, cl, (int)i) : EP_ENOMEM);
  }
  return rc;
}

char *
ep_checklist_json(const struct ep_checklist *cl,
                  const struct ep_run_result *run, struct ep_err *err)
{
  static const char *const names[EP_CHECK_KINDS] = {"dns", "ntp", "https",
                                                    "nats", "machines"};
  json_object   *doc = json_object_new_object(), *causes, *items, *checks;
  json_object   *not_checked;
  enum ep_status rc;
  char          *out = NULL;
  size_t         i;

  rc = ep_json_add_run_info(doc, &run->started, run->seconds);
  if (rc == EP_OK)
    rc = ep_json_put(doc, "check", json_object_new_string("checklist"));
  if (rc == EP_OK)
    rc = ep_json_put(doc, "state",
                     json_object_new_string(ep_state_str(cl->state)));
  if (rc == EP_OK)
    rc = ep_json_put(doc, "exit_code", json_object_new_int((int)cl->state));
  if (rc == EP_OK)
    rc = ep_json_put(doc, "summary", json_object_new_string(cl->summary));
  causes = rc == EP_OK ? json_object_new_array() : NULL;
  for (i = 0; i < cl->diag.n && rc == EP_OK; i++)
    rc = add_cause_json(causes, &cl->diag.causes[i],
                        names[cl->diag.causes[i].check]);
  rc = ep_json_put_built(doc, "causes", causes, rc);
  items = rc == EP_OK ? json_object_new_array() : NULL;
  for (i = 0; i < cl->n_items && rc == EP_OK; i++)
    rc = add_item_json(items, &cl->items[i]);
  rc = ep_json_put_built(doc, "items", items, rc);
  /* The checklist's lines no probe checks, never shown as passing. */
  not_checked = rc == EP_OK ? json_object_new_array() : NULL;
  if (rc == EP_OK && !run->checks[EP_CHECK_MACHINES].ran)
    rc = add_not_checked_json(not_checked, "machine_network",
                              "the profile lists no machines");
  if (rc == EP_OK)
    rc = add_not_checked_json(not_checked, "bandwidth",
                              "not measured: a probe would have to load the "
                              "link");
  rc = ep_json_put_built(doc, "not_checked", not_checked, rc);
  checks = rc == EP_OK ? json_object_new_object() : NULL;
  if (rc == EP_OK)
    rc = add_checks_json(checks, cl, run, names);
  rc = ep_json_put_built(doc, "checks", checks, rc);
  if (rc == EP_OK)
    out = ep_json_text(doc, err);
  else
    ep_err_set(err, EP_ENOMEM, "out of memory formatting JSON output");
  json_object_put(doc);
  return out;
}
