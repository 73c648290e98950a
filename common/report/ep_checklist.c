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

  /* Every item is added once, and max_items counts them all: reaching
   * it is a bug, which overwrites the last item rather than memory past
   * the array. */
  if (cl->n_items == cl->max_items)
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

/* The targets of check k the checklist counts: those with the kind's
 * count_figure (the machines, not the interface's row), or all. */
static bool
counted(const struct ep_run_result *run, size_t k,
        const struct ep_target_result *t)
{
  const struct ep_kind_report *r = run->kinds[k]->report;

  return !r || !r->count_figure || ep_target_figure(t, r->count_figure, NULL);
}

static size_t
count_targets(const struct ep_run_result *run, size_t k)
{
  const struct ep_check_result *r = &run->checks[k];
  size_t                        i, n = 0;

  for (i = 0; r->ran && i < r->n_targets; i++)
    n += counted(run, k, &r->targets[i]);
  return n;
}

/* A check's item: its summary when all is well, else its worst target's
 * line, how many fail, and the root cause that explains it.  A kind that
 * counts some targets only (the machines) has its own first line, which
 * names what failed. */
static void
check_item(struct ep_checklist *cl, const struct ep_run_result *run, size_t k)
{
  const struct ep_kind_report   *rep = run->kinds[k]->report;
  const struct ep_check_result  *r = &run->checks[k];
  struct ep_checklist_item      *it;
  const struct ep_target_result *w;
  size_t                         i, at = 0;
  int                            by;

  if (!r->ran)
    return;
  it = new_item(cl, rep ? rep->item_id : run->kinds[k]->name,
                rep ? rep->item_title : run->kinds[k]->title, (int)k);
  it->total = count_targets(run, k);
  for (i = 0; i < r->n_targets; i++)
    if (r->targets[i].state != EP_STATE_OK && counted(run, k, &r->targets[i]))
      it->failing++;
  it->state = r->state;
  if ((rep && rep->count_figure) || !(w = worst_target(r, &at))) {
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

static bool
has_role(const struct ep_run_result *run, size_t k, unsigned role)
{
  return run->kinds[k]->report && (run->kinds[k]->report->roles & role);
}

/* No TLS inspection (the seed's "DPI is disabled"): what the certificate
 * checks' handshakes (HTTPS, and NATS where a server wants TLS) said of
 * the issuers; not checked when none got as far as a certificate. */
static void
inspection_item(struct ep_checklist *cl, const struct ep_run_result *run)
{
  struct ep_checklist_item      *it;
  const struct ep_target_result *first = NULL;
  const struct ep_perf          *days;
  size_t                         i, k, seen = 0, suspect = 0;

  it = new_item(cl, "tls_inspection", "TLS inspection", -1);
  for (k = 0; k < run->n; k++) {
    const struct ep_check_result *r = &run->checks[k];

    for (i = 0; r->ran && has_role(run, k, EP_ROLE_CERTS) && i < r->n_targets;
         i++) {
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

/* The proxy, when there is one: how the checks behind it fared. */
static void
proxy_item(struct ep_checklist *cl, const struct ep_run_result *run,
           const char *proxy)
{
  struct ep_checklist_item      *it;
  const struct ep_target_result *first = NULL;
  size_t                         i, k, refused = 0, total = 0;

  it = new_item(cl, "proxy", "Proxy", -1);
  for (k = 0; k < run->n; k++) {
    const struct ep_check_result *r = &run->checks[k];

    if (!r->ran || !has_role(run, k, EP_ROLE_PROXIED))
      continue;
    total += r->n_targets;
    for (i = 0; i < r->n_targets; i++) {
      const struct ep_target_result *t = &r->targets[i];

      if (t->cause && strncmp(t->cause, "proxy.", 6) == 0) {
        refused++;
        it->state = ep_state_worse(it->state, t->state);
        if (!first)
          first = t;
      }
    }
  }
  it->total = total;
  it->failing = refused;
  if (first)
    snprintf(it->text, sizeof it->text, "%s: %s (%zu of %zu targets)", proxy,
             first->why ? first->why : first->text, refused, total);
  else
    snprintf(it->text, sizeof it->text, "%s: %zu tunnel%s through it", proxy,
             total, total == 1 ? "" : "s");
}

/* Where the checklist's derived lines go: TLS inspection after the first
 * certificate check, the proxy after the last; each only when a check it
 * reads ran. */
static void
derived_items(struct ep_checklist *cl, const struct ep_run_result *run,
              size_t k, const char *proxy)
{
  size_t j, first = run->n, last = run->n;
  bool   proxied = false;

  for (j = 0; j < run->n; j++) {
    if (has_role(run, j, EP_ROLE_CERTS)) {
      if (first == run->n)
        first = j;
      last = j;
    }
    proxied |= run->checks[j].ran && has_role(run, j, EP_ROLE_PROXIED);
  }
  if (k == first && run->checks[k].ran)
    inspection_item(cl, run);
  if (k == last && proxy && proxied)
    proxy_item(cl, run, proxy);
}

/* What check k adds to "every item of the checklist OK:": " 19 names
 * resolve,", or for the clock " clock within 0.0001s of NTP,". */
static void
ok_words(const struct ep_run_result *run, size_t k, char *out, size_t size)
{
  const struct ep_kind_report *rep = run->kinds[k]->report;
  char                         num[32];
  double                       offset;
  size_t                       n;

  out[0] = '\0';
  if (!run->checks[k].ran || !rep)
    return;
  if ((rep->roles & EP_ROLE_CLOCK) && ep_diagnosis_clock_offset(run, &offset)) {
    ep_format_number(num, sizeof num, offset);
    snprintf(out, size, " clock within %ss of NTP,", num);
    return;
  }
  if (!rep->ok_one)
    return;
  n = count_targets(run, k);
  snprintf(out, size, " %zu %s,", n, n == 1 ? rep->ok_one : rep->ok_many);
}

/* The first line: the root causes, most serious first; or, when all is
 * well, what was seen. */
static void
summarize(struct ep_checklist *cl, const struct ep_run_result *run)
{
  static const enum ep_state order[] = {EP_STATE_CRITICAL, EP_STATE_WARNING,
                                        EP_STATE_UNKNOWN};
  char  *s = cl->summary;
  size_t size = sizeof cl->summary, i, j, k, shown = 0, total;

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
  for (k = 0; k < run->n; k++)
    ok_words(run, k, s + strlen(s), size - strlen(s));
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
  if (!(cl->items = calloc(run->n + 3, sizeof *cl->items))) {
    ep_diagnosis_free(&cl->diag);
    return ep_err_set(err, EP_ENOMEM, "out of memory building the checklist");
  }
  cl->max_items = run->n + 3;
  for (i = 0; i < run->n; i++) {
    check_item(cl, run, i);
    derived_items(cl, run, i, cfg->proxy_url);
  }
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
  free(cl->items);
  cl->items = NULL;
  cl->n_items = cl->max_items = 0;
}

/* A figure of the checklist from check k's targets: their median, or
 * the worst; its thresholds those of the targets' figure (or, for a
 * median, the check's own). */
static enum ep_status
checklist_figure(struct ep_buf *b, const struct ep_run_result *run,
                 const struct ep_config *cfg, size_t k,
                 const struct ep_checklist_figure *spec)
{
  const struct ep_check_result *r = &run->checks[k];
  const struct ep_perf         *tmpl = NULL;
  struct ep_perf                p;
  size_t                        j, i;
  bool                          have = false;
  double                        v = 0;

  for (j = 0; j < r->n_targets; j++)
    for (i = 0; i < r->targets[j].n_perf; i++) {
      const struct ep_perf *f = &r->targets[j].perf[i];

      if (strcmp(f->figure, spec->figure) != 0)
        continue;
      tmpl = f;
      if (f->measured && (!have || (spec->lowest ? f->value < v
                                                 : f->value > v))) {
        v = f->value;
        have = true;
      }
    }
  memset(&p, 0, sizeof p);
  snprintf(p.label, sizeof p.label, "%s", spec->label);
  snprintf(p.uom, sizeof p.uom, "%s", ep_unit_uom(spec->unit));
  if (spec->median) {
    const struct ep_check_config *cc = ep_config_check(cfg, run->kinds[k]);

    p.measured = ep_diagnosis_clock_offset(run, &p.value);
    snprintf(p.warn, sizeof p.warn, "%s", cc && cc->warn.set ? cc->warn.text
                                                             : "");
    snprintf(p.crit, sizeof p.crit, "%s", cc && cc->crit.set ? cc->crit.text
                                                             : "");
    return ep_output_perf(b, &p);
  }
  p.measured = have;
  p.value = v;
  if (tmpl) {
    memcpy(p.warn, tmpl->warn, sizeof p.warn);
    memcpy(p.crit, tmpl->crit, sizeof p.crit);
  }
  p.has_min = spec->unit == EP_UNIT_SECONDS;
  p.min = 0;
  return ep_output_perf(b, &p);
}

/* How many targets of check k fail, out of how many. */
static enum ep_status
failing_figure(struct ep_buf *b, const struct ep_run_result *run, size_t k)
{
  const struct ep_check_result *r = &run->checks[k];
  struct ep_perf                p;
  size_t                        j, bad = 0;

  for (j = 0; j < r->n_targets; j++)
    bad += r->targets[j].state != EP_STATE_OK;
  memset(&p, 0, sizeof p);
  snprintf(p.label, sizeof p.label, "%s_failing", run->kinds[k]->name);
  p.measured = true;
  p.value = (double)bad;
  p.has_min = p.has_max = true;
  p.min = 0;
  p.max = (double)r->n_targets;
  return ep_output_perf(b, &p);
}

/* The checklist's own figures, each kind's in its order, then how many
 * targets of each fail: what graphs want from a whole-site check (the
 * per-target ones are in --format json). */
static enum ep_status
add_figures(struct ep_buf *b, const struct ep_run_result *run,
            const struct ep_config *cfg)
{
  const struct ep_checklist_figure *f;
  enum ep_status                    rc = EP_OK;
  size_t                            k;

  for (k = 0; k < run->n && rc == EP_OK; k++)
    for (f = run->kinds[k]->report ? run->kinds[k]->report->figures : NULL;
         run->checks[k].ran && f && f->figure && rc == EP_OK; f++)
      rc = checklist_figure(b, run, cfg, k, f);
  for (k = 0; k < run->n && rc == EP_OK; k++)
    if (run->checks[k].ran)
      rc = failing_figure(b, run, k);
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
    if (verbose > 0 && it->check >= 0) {
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
  for (i = 0; i < run->n && rc == EP_OK && verbose == 0; i++)
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
mark_root_causes(json_object *check, const struct ep_checklist *cl, size_t k)
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
                const struct ep_run_result *run)
{
  enum ep_status rc = EP_OK;
  json_object   *o;
  size_t         i;

  for (i = 0; i < run->n && rc == EP_OK; i++) {
    if (!run->checks[i].ran) {
      rc = ep_json_put_null(checks, run->kinds[i]->name);
      continue;
    }
    o = ep_check_json(&run->checks[i]);
    rc = ep_json_put_built(checks, run->kinds[i]->name, o,
                           o ? mark_root_causes(o, cl, i) : EP_ENOMEM);
  }
  return rc;
}

/* The vendor's lines that no kind of the build checks. */
static const struct {
  const char *id, *why;
} unchecked_lines[] = {
  {"bandwidth", "not measured: a probe would have to load the link"}};

static bool
item_of_kind(const struct ep_run_result *run, const char *id)
{
  size_t k;

  for (k = 0; k < run->n; k++)
    if (run->kinds[k]->report && run->kinds[k]->report->item_id &&
        strcmp(run->kinds[k]->report->item_id, id) == 0)
      return true;
  return false;
}

/* What the checklist does not check: the kinds that did not run and say
 * why, and the vendor's lines no kind checks. */
static enum ep_status
add_not_checked(json_object *not_checked, const struct ep_run_result *run)
{
  const struct ep_kind_report *r;
  enum ep_status               rc = EP_OK;
  size_t                       i;

  for (i = 0; i < run->n && rc == EP_OK; i++)
    if (!run->checks[i].ran && (r = run->kinds[i]->report) && r->not_run_why)
      rc = add_not_checked_json(not_checked, r->item_id, r->not_run_why);
  for (i = 0; i < sizeof unchecked_lines / sizeof unchecked_lines[0] &&
              rc == EP_OK;
       i++)
    if (!item_of_kind(run, unchecked_lines[i].id))
      rc = add_not_checked_json(not_checked, unchecked_lines[i].id,
                                unchecked_lines[i].why);
  return rc;
}

char *
ep_checklist_json(const struct ep_checklist *cl,
                  const struct ep_run_result *run, struct ep_err *err)
{
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
                        run->kinds[cl->diag.causes[i].check]->name);
  rc = ep_json_put_built(doc, "causes", causes, rc);
  items = rc == EP_OK ? json_object_new_array() : NULL;
  for (i = 0; i < cl->n_items && rc == EP_OK; i++)
    rc = add_item_json(items, &cl->items[i]);
  rc = ep_json_put_built(doc, "items", items, rc);
  /* The checklist's lines no probe checks, never shown as passing. */
  not_checked = rc == EP_OK ? json_object_new_array() : NULL;
  if (rc == EP_OK)
    rc = add_not_checked(not_checked, run);
  rc = ep_json_put_built(doc, "not_checked", not_checked, rc);
  checks = rc == EP_OK ? json_object_new_object() : NULL;
  if (rc == EP_OK)
    rc = add_checks_json(checks, cl, run);
  rc = ep_json_put_built(doc, "checks", checks, rc);
  if (rc == EP_OK)
    out = ep_json_text(doc, err);
  else
    ep_err_set(err, EP_ENOMEM, "out of memory formatting JSON output");
  json_object_put(doc);
  return out;
}
