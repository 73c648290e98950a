#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ares.h>

#include "ep_check.h"
#include "ep_run.h"
#include "ep_rxtime.h"
#include "ep_time.h"

enum ep_status
ep_global_init(const struct ep_probe_kind *const *kinds, size_t n,
               struct ep_err *err)
{
  size_t i;
  int    rc = ares_library_init(ARES_LIB_INIT_ALL);

  if (rc != ARES_SUCCESS)
    return ep_err_set(err, EP_ELIB, "cannot initialise c-ares: %s",
                      ares_strerror(rc));
  /* Without it, stamps come late at worst: not worth refusing to run. */
  (void)ep_rxtime_hold();
  for (i = 0; i < n; i++) {
    if (kinds[i]->global_init && kinds[i]->global_init(err) != EP_OK) {
      ep_global_cleanup(kinds, i);
      return err ? err->code : EP_ELIB;
    }
  }
  return EP_OK;
}

void
ep_global_cleanup(const struct ep_probe_kind *const *kinds, size_t n)
{
  while (n-- > 0)
    if (kinds[n]->global_cleanup)
      kinds[n]->global_cleanup();
  ep_rxtime_release();
  ares_library_cleanup();
}

void
ep_run_result_init(struct ep_run_result *r)
{
  memset(r, 0, sizeof *r);
}

void
ep_run_result_cleanup(struct ep_run_result *r)
{
  size_t i;

  for (i = 0; i < r->n && r->checks; i++)
    ep_check_result_cleanup(&r->checks[i]);
  free(r->checks);
  ep_run_result_init(r);
}

struct ep_check_result *
ep_run_check_mut(struct ep_run_result *r, const char *name)
{
  size_t i;

  for (i = 0; i < r->n && r->checks; i++)
    if (strcmp(r->kinds[i]->name, name) == 0)
      return &r->checks[i];
  return NULL;
}

const struct ep_check_result *
ep_run_check(const struct ep_run_result *r, const char *name)
{
  return ep_run_check_mut((struct ep_run_result *)r, name);
}

/* The results of n kinds, none run yet.  EP_ENOMEM. */
static enum ep_status
run_result_alloc(struct ep_run_result *r,
                 const struct ep_probe_kind *const *kinds, size_t n)
{
  size_t i;

  ep_run_result_init(r);
  if (!(r->checks = calloc(n ? n : 1, sizeof *r->checks)))
    return EP_ENOMEM;
  r->kinds = kinds;
  r->n = n;
  for (i = 0; i < n; i++)
    ep_check_result_init(&r->checks[i]);
  return EP_OK;
}

enum ep_status
ep_check_validate(const struct ep_config *cfg,
                  const struct ep_probe_kind *const *kinds, size_t n,
                  struct ep_err *err)
{
  struct ep_probe *p;
  size_t           i;

  for (i = 0; i < n; i++) {
    const struct ep_check_config *cc = ep_config_check(cfg, kinds[i]);

    if (!cc || !cc->wanted)
      continue;
    if (!(p = kinds[i]->create(cfg, cc, err)))
      return err ? err->code : EP_ENOMEM;
    p->ops->destroy(p);
  }
  return EP_OK;
}

enum ep_status
ep_check_run(const struct ep_config *cfg,
             const struct ep_probe_kind *const *kinds, size_t n,
             struct ep_run_result *out, struct ep_err *err)
{
  struct ep_probe **probes;
  size_t           *slots;
  struct ep_run     run;
  enum ep_status    rc = EP_OK;
  size_t            i, n_probes = 0;

  probes = calloc(n ? n : 1, sizeof *probes);
  slots = calloc(n ? n : 1, sizeof *slots);
  if (!probes || !slots || run_result_alloc(out, kinds, n) != EP_OK) {
    free(probes);
    free(slots);
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  }
  clock_gettime(CLOCK_REALTIME, &out->started);
  run.started = ep_time_now();
  run.deadline = ep_time_add(cfg->counted_from.tv_sec || cfg->counted_from.tv_nsec
                               ? cfg->counted_from : run.started,
                             cfg->timeout);
  run.resolver = ep_resolver_new(&cfg->profile->resolvers,
                                 cfg->profile->fallback,
                                 cfg->has_iface ? &cfg->iface : NULL,
                                 cfg->timeout, err);
  if (!run.resolver) {
    free(probes);
    free(slots);
    ep_run_result_cleanup(out);
    return err ? err->code : EP_ELIB;
  }
  /* Every probe is made (and every file it needs read) before the first
   * packet of any of them is sent. */
  for (i = 0; i < n && rc == EP_OK; i++) {
    const struct ep_check_config *cc = ep_config_check(cfg, kinds[i]);

    if (!cc || !cc->wanted)
      continue;
    if (!(probes[n_probes] = kinds[i]->create(cfg, cc, err))) {
      rc = err ? err->code : EP_ENOMEM;
      break;
    }
    slots[n_probes++] = i;
  }
  if (rc == EP_OK)
    rc = ep_run_loop(&run, probes, n_probes, err);
  for (i = 0; i < n_probes && rc == EP_OK; i++) {
    rc = probes[i]->ops->finish(probes[i], &out->checks[slots[i]], err);
    out->checks[slots[i]].ran = true;
  }
  out->seconds = ep_time_diff(ep_time_now(), run.started);
  for (i = 0; i < n; i++) {
    out->checks[i].started = out->started;
    out->checks[i].seconds = out->seconds;
  }
  /* The resolver first: freeing it may still run callbacks into the
   * probes, which must be alive for them. */
  ep_resolver_free(run.resolver);
  for (i = 0; i < n_probes; i++)
    probes[i]->ops->destroy(probes[i]);
  free(probes);
  free(slots);
  if (rc != EP_OK)
    ep_run_result_cleanup(out);
  return rc;
}
