#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentx_prober.h"
#include "ep_checklist.h"
#include "ep_probes.h"
#include "ep_time.h"

struct agentx_update *
agentx_first_view(const char *profile_name, double interval)
{
  struct agentx_update     *u = calloc(1, sizeof *u);
  struct ep_snmp_view_input in = {.version = PACKAGE_VERSION,
                                  .profile = profile_name,
                                  .interval = interval};

  if (u && ep_snmp_view_build(&u->view, &in, NULL) != EP_OK) {
    free(u);
    return NULL;
  }
  return u;
}

/* ep_state_memory_update's callback: a notice per change. */
static void
collect_notice(const struct ep_state_change *c, void *arg)
{
  struct agentx_update *u = arg;
  struct agentx_notice *v, *n;

  if (u->n_notices >= AGENTX_NOTICES_MAX) {
    u->notices_dropped++;
    return;
  }
  if (!(v = realloc(u->notices, (u->n_notices + 1) * sizeof *u->notices)))
    return; /* the view still shows the change */
  u->notices = v;
  n = &u->notices[u->n_notices];
  n->check = ep_snmp_check_number(c->check);
  n->target = strdup(c->target->name);
  n->cause = strdup(c->target->cause ? c->target->cause : "");
  n->old = c->first_seen ? EP_STATE_UNKNOWN : c->old;
  n->now = c->target->state;
  if (!n->target || !n->cause) {
    free(n->target);
    free(n->cause);
    return;
  }
  u->n_notices++;
}

/* The kinds of this run into kinds; their count. */
static size_t
kinds_of_run(const struct agentx_prober *p, const struct timespec *now,
             const struct ep_probe_kind **kinds)
{
  size_t i, n = 0;

  /* A polite kind (NTP, the public pool's politeness) not more often
   * than its pace: its results are shown from the last run that had it
   * (settle_polite). */
  for (i = 0; i < ep_probe_kinds_n; i++)
    if (ep_schedule_pace_due(&p->pace[i], *now))
      kinds[n++] = ep_probe_kinds[i];
  return n;
}

/* A polite kind's results as rows per configured server: kept from a run
 * that had it, copied into one that did not.  false on no memory. */
static bool
settle_polite(struct agentx_prober *p, size_t k, struct ep_check_result *r,
              const struct timespec *now)
{
  const char *by = ep_probe_kinds[k]->report &&
                       ep_probe_kinds[k]->report->per_server_by
                     ? ep_probe_kinds[k]->report->per_server_by
                     : "";
  struct ep_check_result fresh;

  if (r->ran) {
    ep_check_result_init(&fresh);
    if (ep_check_result_by_host(r, by, &fresh) != EP_OK) {
      ep_check_result_cleanup(&fresh);
      return false;
    }
    ep_check_result_cleanup(&p->kept[k]);
    p->kept[k] = fresh;
    ep_schedule_pace_ran(&p->pace[k], *now);
    ep_check_result_cleanup(r);
    ep_check_result_init(r);
  }
  if (!p->kept[k].check)
    return true;
  return ep_check_result_by_host(&p->kept[k], by, r) == EP_OK;
}

/* The run of some kinds (sub) as a run of every kind (full), the polite
 * kinds' results settled.  false on no memory. */
static bool
whole_run(struct agentx_prober *p, struct ep_run_result *sub,
          struct ep_run_result *full, const struct timespec *now)
{
  size_t i, j;
  bool   ok = true;

  ep_run_result_init(full);
  if (!(full->checks = calloc(ep_probe_kinds_n, sizeof *full->checks)))
    return false;
  full->kinds = ep_probe_kinds;
  full->n = ep_probe_kinds_n;
  full->started = sub->started;
  full->seconds = sub->seconds;
  for (i = 0; i < ep_probe_kinds_n; i++) {
    ep_check_result_init(&full->checks[i]);
    for (j = 0; j < sub->n; j++)
      if (sub->kinds[j] == ep_probe_kinds[i]) {
        full->checks[i] = sub->checks[j];
        ep_check_result_init(&sub->checks[j]);
      }
    if (ep_probe_kinds[i]->min_interval > 0)
      ok = ok && settle_polite(p, i, &full->checks[i], now);
  }
  return ok;
}

/* One run of the whole checklist, as an update; NULL on no memory. */
static struct agentx_update *
probe_once(struct agentx_prober *p)
{
  struct agentx_update      *u = calloc(1, sizeof *u);
  struct ep_run_result       run;
  struct ep_checklist        cl;
  struct ep_err              err = EP_ERR_INIT;
  struct ep_snmp_view_input  in = {.version = PACKAGE_VERSION,
                                   .profile = p->profile_name,
                                   .interval = p->interval,
                                   .source_profile = p->cfg->profile};
  const struct ep_probe_kind *kinds[64];
  struct ep_run_result       sub;
  struct timespec            now;
  bool                       have_checklist = false;
  size_t                     k, n;

  if (!u)
    return NULL;
  clock_gettime(CLOCK_MONOTONIC, &now);
  n = kinds_of_run(p, &now, kinds);
  ep_run_result_init(&run);
  if (ep_check_run(p->cfg, kinds, n, &sub, &err) == EP_OK) {
    if (!whole_run(p, &sub, &run, &now))
      ep_err_set(&err, EP_ENOMEM, "out of memory keeping results between runs");
    else if (ep_checklist_build(&run, p->cfg, &cl, &err) == EP_OK)
      have_checklist = true;
    ep_run_result_cleanup(&sub);
  }
  p->runs++;
  in.runs = p->runs;
  in.states = &p->states;
  if (have_checklist) {
    for (k = 0; k < run.n; k++)
      if (run.checks[k].ran)
        ep_state_memory_update(&p->states, &run.checks[k], &run.started,
                               collect_notice, u);
    in.run = &run;
    in.checklist = &cl;
  } else {
    u->failed = true;
    snprintf(u->failure, sizeof u->failure, "%s", err.msg);
    in.failure = u->failure;
  }
  if (ep_snmp_view_build(&u->view, &in, &err) != EP_OK) {
    agentx_update_free(u);
    u = NULL;
  }
  if (have_checklist)
    ep_checklist_free(&cl);
  ep_run_result_cleanup(&run);
  return u;
}

/* Sleeps until due (monotonic) or until asked to stop: true to stop. */
static bool
wait_until(struct agentx_prober *p, const struct timespec *due)
{
  struct timespec now;
  bool            stopping;

  pthread_mutex_lock(&p->lock);
  while (!p->stopping) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (ep_time_diff(*due, now) <= 0)
      break;
    pthread_cond_timedwait(&p->cond, &p->lock, due);
  }
  stopping = p->stopping;
  pthread_mutex_unlock(&p->lock);
  return stopping;
}

static void *
prober_main(void *arg)
{
  struct agentx_prober *p = arg;
  struct timespec       due, now;

  clock_gettime(CLOCK_MONOTONIC, &due);
  while (!wait_until(p, &due)) {
    struct agentx_update *u = probe_once(p);

    if (u)
      agentx_mailbox_post(p->mailbox, u);
    clock_gettime(CLOCK_MONOTONIC, &now);
    due = ep_schedule_next(due, p->interval, now);
  }
  return NULL;
}

enum ep_status
agentx_prober_start(struct agentx_prober *p, const struct ep_config *cfg,
                    const char *profile_name, double interval,
                    double polite_interval, struct agentx_mailbox *mailbox,
                    struct ep_err *err)
{
  pthread_condattr_t ca;
  sigset_t           all, old;
  size_t             i;
  int                rc;

  memset(p, 0, sizeof *p);
  p->cfg = cfg;
  p->profile_name = profile_name;
  p->interval = interval;
  p->mailbox = mailbox;
  ep_state_memory_init(&p->states);
  p->kept = calloc(ep_probe_kinds_n, sizeof *p->kept);
  p->pace = calloc(ep_probe_kinds_n, sizeof *p->pace);
  if (!p->kept || !p->pace) {
    free(p->kept);
    free(p->pace);
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  }
  for (i = 0; i < ep_probe_kinds_n; i++) {
    ep_check_result_init(&p->kept[i]);
    ep_schedule_pace_init(&p->pace[i], ep_probe_kinds[i], polite_interval);
  }
  pthread_mutex_init(&p->lock, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&p->cond, &ca);
  pthread_condattr_destroy(&ca);
  /* Signals are the agent thread's. */
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  rc = pthread_create(&p->thread, NULL, prober_main, p);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0)
    return ep_err_set(err, EP_ESYS, "cannot start the probe thread: %s",
                      ep_strerror(rc).text);
  p->started = true;
  return EP_OK;
}

void
agentx_prober_stop(struct agentx_prober *p)
{
  size_t i;

  if (!p->started)
    return;
  pthread_mutex_lock(&p->lock);
  p->stopping = true;
  pthread_cond_signal(&p->cond);
  pthread_mutex_unlock(&p->lock);
  pthread_join(p->thread, NULL);
  p->started = false;
  ep_state_memory_free(&p->states);
  for (i = 0; i < ep_probe_kinds_n; i++)
    ep_check_result_cleanup(&p->kept[i]);
  free(p->kept);
  free(p->pace);
  pthread_cond_destroy(&p->cond);
  pthread_mutex_destroy(&p->lock);
}
