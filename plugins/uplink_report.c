#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_cause.h"
#include "ep_json.h"
#include "ep_neterr.h"
#include "ep_output.h"
#include "uplink.h"
#include "uplink_report.h"

/* A link that kept up carried at least this share of the pace: the
 * last round trip's worth is still in flight when the window closes. */
#define KEPT_UP 0.9
#define PART_MAX EP_UPLINK_VERDICT_MAX

void
ep_uplink_need_of(unsigned machines, unsigned high_data, bool listed,
                  struct ep_uplink_need *need)
{
  if (high_data > machines)
    high_data = machines;
  need->machines = machines;
  need->high_data = high_data;
  need->listed = listed;
  need->bps = EP_UPLINK_STANDARD_BPS * (machines - high_data) +
              EP_UPLINK_HIGH_DATA_BPS * high_data;
  need->download_min_bps = EP_UPLINK_DASHBOARD_BPS * machines;
  need->download_max_bps = EP_UPLINK_WORKCENTER_BPS * machines;
}

/* v in units of unit, one decimal below 100 where it says something. */
static void
scaled_words(char *out, size_t size, double v, const char *unit)
{
  if (v < 100 && fabs(v - round(v)) >= 0.05)
    snprintf(out, size, "%.1f %s", v, unit);
  else
    snprintf(out, size, "%.0f %s", v, unit);
}

void
ep_uplink_rate_words(char *out, size_t size, double bps)
{
  if (bps < 1000)
    snprintf(out, size, "%.0f bps", bps);
  else if (bps < 999.5e3)
    scaled_words(out, size, bps / 1e3, "kbps");
  else
    scaled_words(out, size, bps / 1e6, "Mbps");
}

static void
ms_words(char *out, size_t size, double s)
{
  if (s < 0.01)
    snprintf(out, size, "%.2f ms", s * 1e3);
  else if (s < 10)
    snprintf(out, size, "%.0f ms", s * 1e3);
  else
    snprintf(out, size, "%.1f s", s);
}

/* "50 machines need", "1 machine needs", "50 machines (5 high-data)
 * need". */
static void
machines_words(char *out, size_t size, const struct ep_uplink_need *n)
{
  const char *many = n->machines == 1 ? "" : "s";
  const char *verb = n->machines == 1 ? "needs" : "need";

  if (n->high_data)
    snprintf(out, size, "%u machine%s (%u high-data) %s", n->machines, many,
             n->high_data, verb);
  else
    snprintf(out, size, "%u machine%s %s", n->machines, many, verb);
}

/* One finding of the check: its state, its cause, its words. */
struct part {
  enum ep_state state;
  const char   *cause;
  char          text[PART_MAX];
  const char   *why; /* the words of its worst finding; NULL: text */
};

static void
part_set(struct part *p, enum ep_state state, const char *cause)
{
  p->state = state;
  p->cause = state == EP_STATE_OK ? NULL : cause;
  p->why = NULL;
}

/* The link's verdict, which leads the line. */
static void
judge_link(const struct ep_uplink_findings *f,
           const struct ep_uplink_limits *l,
           struct ep_uplink_link_verdict *v, struct part *p)
{
  memset(v, 0, sizeof *v);
  if (f->link)
    ep_uplink_link_judge(f->link, &l->link, v);
  part_set(p, v->state, v->cause);
  snprintf(p->text, sizeof p->text, "%s", v->text);
  if (v->why[0])
    p->why = v->why;
}

/* OK: it kept up with the pace; WARNING: the need, not the headroom;
 * CRITICAL: not even the need. */
static enum ep_state
rate_state(double rate, double need, double paced)
{
  if (rate >= KEPT_UP * paced)
    return EP_STATE_OK;
  return rate >= need ? EP_STATE_WARNING : EP_STATE_CRITICAL;
}

static void
judge_measured(const struct ep_uplink_findings *f,
               const struct ep_uplink_limits *l, struct part *p)
{
  const struct ep_uplink_upload_result *u = f->upload;
  double paced = f->need.bps * l->headroom;
  char   rate[32], need[32], pace[32], who[80];

  ep_uplink_rate_words(rate, sizeof rate, u->rate_bps);
  ep_uplink_rate_words(need, sizeof need, f->need.bps);
  ep_uplink_rate_words(pace, sizeof pace, paced);
  machines_words(who, sizeof who, &f->need);
  part_set(p, rate_state(u->rate_bps, f->need.bps, paced),
           u->rate_bps < f->need.bps ? EP_CAUSE_UPLINK_BELOW_NEED
                                     : EP_CAUSE_UPLINK_NO_HEADROOM);
  if (f->capacity_mode)
    snprintf(p->text, sizeof p->text,
             "uplink carried %s unpaced for %.1f s; %s %s, %s with "
             "headroom %g", rate, u->window, who, need, pace, l->headroom);
  else if (p->state == EP_STATE_OK)
    snprintf(p->text, sizeof p->text,
             "uplink carries the %s that %s with headroom %g "
             "(measured %s; needs %s)", pace, who, l->headroom, rate, need);
  else if (p->state == EP_STATE_WARNING)
    snprintf(p->text, sizeof p->text,
             "uplink carries %s of the %s that %s with headroom %g "
             "(needs %s)", rate, pace, who, l->headroom, need);
  else
    snprintf(p->text, sizeof p->text,
             "uplink carries %s, less than the %s that %s", rate, need,
             who);
  /* The bytes were carried (acknowledged); the endpoint's silence after
   * them is its own problem, said beside the measurement. */
  if (u->body_done && u->status == 0)
    snprintf(p->text + strlen(p->text), sizeof p->text - strlen(p->text),
             " (%s gave no HTTP answer after the body)", f->endpoint);
}

static void
judge_capacity(const struct ep_uplink_findings *f,
               const struct ep_uplink_limits *l, struct part *p)
{
  const struct ep_uplink_upload_result *u = f->upload;
  char need[32], who[80];

  ep_uplink_rate_words(need, sizeof need, f->need.bps);
  machines_words(who, sizeof who, &f->need);
  if (f->need.machines == 0 && (f->not_measured || !u)) {
    part_set(p, EP_STATE_OK, NULL);
    snprintf(p->text, sizeof p->text,
             "capacity not measured: %s; no machines counted",
             f->not_measured ? f->not_measured : "no upload");
  } else if (f->not_measured || !u) {
    part_set(p, EP_STATE_OK, NULL);
    snprintf(p->text, sizeof p->text,
             "capacity not measured: %s; %s %s upload",
             f->not_measured ? f->not_measured : "no upload", who, need);
  } else if (u->outcome == EP_UPLOAD_REFUSED) {
    part_set(p, EP_STATE_WARNING, EP_CAUSE_UPLINK_REFUSED);
    snprintf(p->text, sizeof p->text,
             "capacity not measured: %s refused the upload (%ld%s%s); %s %s "
             "upload", f->endpoint, u->status,
             u->reason[0] ? " " : "", u->reason, who, need);
  } else if (u->outcome != EP_UPLOAD_MEASURED) {
    part_set(p, EP_STATE_CRITICAL, EP_CAUSE_UPLINK_FAILED);
    snprintf(p->text, sizeof p->text,
             "capacity not measured: upload to %s failed: %s", f->endpoint,
             u->os_errno ? ep_net_strerror(u->os_errno, false).text
                         : u->error);
  } else {
    judge_measured(f, l, p);
  }
}

/* The queue a load builds: the round trip under the upload against the
 * connection's idle one. */
static void
judge_queue(const struct ep_uplink_findings *f,
            const struct ep_uplink_limits *l, struct part *p)
{
  const struct ep_uplink_upload_result *u = f->upload;
  double queue;
  char   loaded[32], idle[32];

  part_set(p, EP_STATE_OK, NULL);
  p->text[0] = '\0';
  if (!u || u->outcome != EP_UPLOAD_MEASURED || !u->have_loaded ||
      !u->have_idle)
    return;
  queue = u->loaded_rtt - u->idle_rtt;
  part_set(p, ep_state_from_ranges(queue, &l->queue_warn, &l->queue_crit),
           EP_CAUSE_UPLINK_QUEUES);
  ms_words(loaded, sizeof loaded, u->loaded_rtt);
  ms_words(idle, sizeof idle, u->idle_rtt);
  snprintf(p->text, sizeof p->text, "loaded RTT %s against %s idle%s, %u "
           "retransmission%s", loaded, idle,
           p->state != EP_STATE_OK ? ": the uplink queues (bufferbloat)" : "",
           u->retransmits, u->retransmits == 1 ? "" : "s");
}

static void
judge_train(const struct ep_uplink_findings *f,
            const struct ep_uplink_limits *l, struct part *p)
{
  const struct ep_uplink_train_stats *t = &f->train;
  enum ep_state                       loss, rtt, jitter;
  char                                avg[32], jit[32];

  if (!f->train_server || t->sent == 0) {
    part_set(p, f->train_unresolved ? EP_STATE_CRITICAL : EP_STATE_OK,
             EP_CAUSE_UNRESOLVED);
    snprintf(p->text, sizeof p->text, "loss and jitter not measured: %s",
             f->train_failure ? f->train_failure : "no resolver answered");
    return;
  }
  loss = ep_state_from_ranges(t->loss_pct, &l->loss_warn, &l->loss_crit);
  rtt = t->have_rtt ? ep_state_from_ranges(t->rtt_avg, &l->rtt_warn,
                                           &l->rtt_crit)
                    : EP_STATE_OK;
  jitter = t->have_jitter ? ep_state_from_ranges(t->jitter, &l->jitter_warn,
                                                 &l->jitter_crit)
                          : EP_STATE_OK;
  part_set(p, ep_state_worse(loss, ep_state_worse(rtt, jitter)),
           loss != EP_STATE_OK  ? EP_CAUSE_UPLINK_LOSS
           : rtt != EP_STATE_OK ? EP_CAUSE_UPLINK_SLOW
                                : EP_CAUSE_UPLINK_JITTER);
  ms_words(avg, sizeof avg, t->rtt_avg);
  ms_words(jit, sizeof jit, t->jitter);
  snprintf(p->text, sizeof p->text,
           "DNS train to %s: %.0f%% loss (%zu of %zu lost), rtt %s, jitter %s",
           f->train_server, t->loss_pct, t->sent - t->received, t->sent,
           t->have_rtt ? avg : "-", t->have_jitter ? jit : "-");
}

/* A figure of the target: name, unit, perfdata label, thresholds. */
static enum ep_status
perf(struct ep_target_result *r, const char *figure, enum ep_unit unit,
     const char *label, const struct ep_range *warn,
     const struct ep_range *crit, bool measured, double value)
{
  static const double zero = 0, hundred = 100;

  if (unit == EP_UNIT_BITS_PER_SECOND)
    value = round(value);
  return ep_target_add_perf(
    r,
    &(struct ep_figure){.figure = figure, .unit = unit, .label = label,
                        .warn = warn, .crit = crit, .min = &zero,
                        .max = unit == EP_UNIT_PERCENT ? &hundred : NULL},
    measured, value);
}

static enum ep_status
upload_perf(const struct ep_uplink_findings *f,
            const struct ep_uplink_limits *l, struct ep_target_result *r)
{
  const struct ep_uplink_upload_result *u = f->upload;
  bool            m = u && u->outcome == EP_UPLOAD_MEASURED;
  double          paced = f->need.bps * l->headroom;
  struct ep_range kept, need;
  char            text[48];
  enum ep_status  rc;

  /* Below the pace (what keeping up means) warns, below the need is
   * critical: the ranges "N:". */
  snprintf(text, sizeof text, "%.0f:", KEPT_UP * paced);
  ep_range_parse(&kept, text, "pace", NULL);
  snprintf(text, sizeof text, "%.0f:", f->need.bps);
  ep_range_parse(&need, text, "need", NULL);
  rc = perf(r, "need", EP_UNIT_BITS_PER_SECOND, "upload_need", NULL, NULL,
            true, f->need.bps);
  if (rc == EP_OK)
    rc = perf(r, "paced", EP_UNIT_BITS_PER_SECOND, "upload_paced", NULL,
              NULL, m && !f->capacity_mode, paced);
  if (rc == EP_OK)
    rc = perf(r, "rate", EP_UNIT_BITS_PER_SECOND, "upload_rate",
              m ? &kept : NULL, m ? &need : NULL, m, m ? u->rate_bps : 0);
  if (rc == EP_OK)
    rc = perf(r, "delivery_rate", EP_UNIT_BITS_PER_SECOND,
              "upload_delivery_rate", NULL, NULL, m && u->have_delivery,
              m ? u->delivery_bps : 0);
  if (rc == EP_OK)
    rc = perf(r, "idle_rtt", EP_UNIT_SECONDS, "idle_rtt", NULL, NULL,
              m && u->have_idle, m ? u->idle_rtt : 0);
  if (rc == EP_OK)
    rc = perf(r, "loaded_rtt", EP_UNIT_SECONDS, "loaded_rtt", NULL, NULL,
              m && u->have_loaded, m ? u->loaded_rtt : 0);
  if (rc == EP_OK)
    rc = perf(r, "queue_delay", EP_UNIT_SECONDS, "queue_delay",
              &l->queue_warn, &l->queue_crit,
              m && u->have_loaded && u->have_idle,
              m ? u->loaded_rtt - u->idle_rtt : 0);
  if (rc == EP_OK)
    rc = perf(r, "retransmits", EP_UNIT_COUNT, "retransmits", NULL, NULL, m,
              m ? u->retransmits : 0);
  if (rc == EP_OK)
    rc = perf(r, "age", EP_UNIT_SECONDS, "upload_age", NULL, NULL, u != NULL,
              f->age);
  return rc;
}

static enum ep_status
train_perf(const struct ep_uplink_findings *f,
           const struct ep_uplink_limits *l, struct ep_target_result *r)
{
  const struct ep_uplink_train_stats *t = &f->train;
  bool           ran = f->train_server && t->sent > 0;
  enum ep_status rc;

  rc = perf(r, "loss", EP_UNIT_PERCENT, "dns_loss", &l->loss_warn,
            &l->loss_crit, ran, t->loss_pct);
  if (rc == EP_OK)
    rc = perf(r, "rtt", EP_UNIT_SECONDS, "dns_rtt", &l->rtt_warn,
              &l->rtt_crit, ran && t->have_rtt, t->rtt_avg);
  if (rc == EP_OK)
    rc = perf(r, "jitter", EP_UNIT_SECONDS, "dns_jitter", &l->jitter_warn,
              &l->jitter_crit, ran && t->have_jitter, t->jitter);
  return rc;
}

static json_object *
number_or_null(bool known, double v)
{
  return known ? json_object_new_double(v) : NULL;
}

static enum ep_status
put(json_object *d, const char *key, json_object *v, enum ep_status rc)
{
  if (rc != EP_OK)
    return rc;
  return v ? ep_json_put(d, key, v) : ep_json_put_null(d, key);
}

static const char *
mode_name(const struct ep_uplink_findings *f)
{
  if (!f->upload || f->upload->outcome != EP_UPLOAD_MEASURED)
    return "not_measured";
  return f->capacity_mode ? "capacity" : "paced";
}

static enum ep_status
upload_json(const struct ep_uplink_findings *f,
            const struct ep_uplink_limits *l, json_object *d)
{
  const struct ep_uplink_upload_result *u = f->upload;
  bool           m = u && u->outcome == EP_UPLOAD_MEASURED;
  enum ep_status rc = EP_OK;

  rc = put(d, "machines", json_object_new_int((int)f->need.machines), rc);
  rc = put(d, "high_data_machines",
           json_object_new_int((int)f->need.high_data), rc);
  rc = put(d, "need_bps", json_object_new_double(f->need.bps), rc);
  rc = put(d, "download_bps_min",
           json_object_new_double(f->need.download_min_bps), rc);
  rc = put(d, "download_bps_max",
           json_object_new_double(f->need.download_max_bps), rc);
  rc = put(d, "headroom", json_object_new_double(l->headroom), rc);
  rc = put(d, "mode", json_object_new_string(mode_name(f)), rc);
  rc = put(d, "not_measured",
           f->not_measured ? json_object_new_string(f->not_measured) : NULL,
           rc);
  rc = put(d, "endpoint",
           f->endpoint ? json_object_new_string(f->endpoint) : NULL, rc);
  rc = put(d, "http_status",
           u && u->status ? json_object_new_int((int)u->status) : NULL, rc);
  rc = put(d, "rate_bps", number_or_null(m, m ? u->rate_bps : 0), rc);
  rc = put(d, "delivery_rate_bps",
           number_or_null(m && u->have_delivery, m ? u->delivery_bps : 0),
           rc);
  rc = put(d, "seconds", number_or_null(m, m ? u->window : 0), rc);
  rc = put(d, "bytes_acked", number_or_null(m, m ? u->acked : 0), rc);
  rc = put(d, "idle_rtt",
           number_or_null(m && u->have_idle, m ? u->idle_rtt : 0), rc);
  rc = put(d, "loaded_rtt",
           number_or_null(m && u->have_loaded, m ? u->loaded_rtt : 0), rc);
  rc = put(d, "retransmits",
           m ? json_object_new_int((int)u->retransmits) : NULL, rc);
  return put(d, "age", number_or_null(u != NULL, f->age), rc);
}

static enum ep_status
train_json(const struct ep_uplink_findings *f, json_object *d)
{
  const struct ep_uplink_train_stats *t = &f->train;
  bool           ran = f->train_server && t->sent > 0;
  enum ep_status rc = EP_OK;

  rc = put(d, "resolver",
           f->train_server ? json_object_new_string(f->train_server) : NULL,
           rc);
  rc = put(d, "queries", ran ? json_object_new_int((int)t->sent) : NULL, rc);
  rc = put(d, "replies", ran ? json_object_new_int((int)t->received) : NULL,
           rc);
  rc = put(d, "loss_pct", number_or_null(ran, t->loss_pct), rc);
  rc = put(d, "rtt", number_or_null(ran && t->have_rtt, t->rtt_avg), rc);
  rc = put(d, "rtt_min", number_or_null(ran && t->have_rtt, t->rtt_min), rc);
  rc = put(d, "rtt_max", number_or_null(ran && t->have_rtt, t->rtt_max), rc);
  return put(d, "jitter", number_or_null(ran && t->have_jitter, t->jitter),
             rc);
}

/* The line: the capacity, the queue, the train, in that order; the
 * worst of them decides the state, and the first of the worst its cause. */
static enum ep_status
word(const struct part *parts, size_t n, double age, const char *proxy,
     struct ep_target_result *r, struct ep_check_result *out)
{
  const struct part *worst = &parts[0];
  char               line[4 * PART_MAX + 64] = "";
  size_t             i;

  if (age >= 60)
    snprintf(line, sizeof line, "(measured %.0f min ago) ", age / 60);
  for (i = 0; i < n; i++) {
    if (!parts[i].text[0])
      continue;
    if (ep_state_worse(parts[i].state, worst->state) != worst->state)
      worst = &parts[i];
    snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s",
             line[0] && line[strlen(line) - 1] != ' ' ? "; " : "",
             parts[i].text);
  }
  r->state = worst->state;
  if (worst->state != EP_STATE_OK) {
    ep_target_set_cause(r, worst->cause);
    if (ep_target_set_why(r, worst->why ? worst->why : worst->text) != EP_OK)
      return EP_ENOMEM;
  }
  if (proxy && ep_target_add_detail(r, "through the proxy %s", proxy) != EP_OK)
    return EP_ENOMEM;
  if (ep_target_set_text(r, "%s", line) != EP_OK ||
      !(out->summary = strdup(line)))
    return EP_ENOMEM;
  return EP_OK;
}

/* The seed's download figures, for information: people watching the
 * machines' dashboards, or a workcenter view each. */
static enum ep_status
download_detail(const struct ep_uplink_need *n, struct ep_target_result *r)
{
  char lo[32], hi[32];

  ep_uplink_rate_words(lo, sizeof lo, n->download_min_bps);
  ep_uplink_rate_words(hi, sizeof hi, n->download_max_bps);
  return ep_target_add_detail(r, "download (cloud to browsers, for "
                                 "information): %s with dashboards to %s "
                                 "with a workcenter view a machine", lo, hi);
}

enum ep_status
ep_uplink_report(const struct ep_uplink_findings *f,
                 const struct ep_uplink_limits *l,
                 struct ep_check_result *out, struct ep_err *err)
{
  struct part                   parts[4];
  struct ep_uplink_link_verdict link;
  struct ep_target_result      *r;
  enum ep_status                rc;

  judge_link(f, l, &link, &parts[0]);
  judge_capacity(f, l, &parts[1]);
  judge_queue(f, l, &parts[2]);
  judge_train(f, l, &parts[3]);
  if (!(out->check = strdup("uplink")))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  if (!(r = ep_check_result_add(out, "uplink", err)))
    return EP_ENOMEM;
  rc = word(parts, 4, f->age, f->proxy, r, out);
  ep_check_result_settle(out);
  /* A name no resolver answered for: the DNS check explains it. */
  if (rc == EP_OK && parts[3].cause && f->train_unresolved && f->train_name)
    rc = ep_target_set_host(r, f->train_name);
  if (rc == EP_OK && f->need.machines > 0)
    rc = download_detail(&f->need, r);
  if (rc == EP_OK && f->not_measured)
    rc = ep_target_add_detail(r, "capacity is measured with an upload URL "
                                 "(uplink.upload_url or --upload-url) and "
                                 "the machines counted (uplink.machines, "
                                 "--machines or the profile's machines)");
  if (rc == EP_OK && f->upload && f->upload->cut)
    rc = ep_target_add_detail(r, "the upload went for %.1f s: the run's "
                                 "timeout cut it short", f->upload->window);
  if (rc == EP_OK && f->link)
    rc = ep_uplink_link_perf(f->link, &l->link, r);
  if (rc == EP_OK)
    rc = upload_perf(f, l, r);
  if (rc == EP_OK)
    rc = train_perf(f, l, r);
  if (rc == EP_OK)
    rc = upload_json(f, l, r->data);
  if (rc == EP_OK)
    rc = train_json(f, r->data);
  if (rc == EP_OK && f->link)
    rc = ep_uplink_link_data(f->link, r);
  if (rc != EP_OK)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  return EP_OK;
}
