#include "config.h"

#include <ares.h>

#include "ep_check.h"
#include "ep_run.h"
#include "ep_time.h"

enum ep_status
ep_global_init(struct ep_err *err)
{
  int rc = ares_library_init(ARES_LIB_INIT_ALL);

  if (rc != ARES_SUCCESS)
    return ep_err_set(err, EP_ELIB, "cannot initialise c-ares: %s",
                      ares_strerror(rc));
  return EP_OK;
}

void
ep_global_cleanup(void)
{
  ares_library_cleanup();
}

enum ep_status
ep_check_run(const struct ep_config *cfg, ep_probe_factory factory,
             struct ep_check_result *out, struct ep_err *err)
{
  struct ep_run    run;
  struct ep_probe *probe;
  enum ep_status   rc;

  ep_check_result_init(out);
  run.started = ep_time_now();
  run.deadline = ep_time_add(run.started, cfg->timeout);
  run.resolver = ep_resolver_new(&cfg->profile->dns.servers,
                                 cfg->profile->dns.fallback,
                                 cfg->has_iface ? &cfg->iface : NULL,
                                 cfg->timeout, err);
  if (!run.resolver)
    return err ? err->code : EP_ELIB;
  probe = factory(cfg, err);
  if (!probe) {
    ep_resolver_free(run.resolver);
    return err ? err->code : EP_ENOMEM;
  }
  rc = ep_run_loop(&run, &probe, 1, err);
  if (rc == EP_OK)
    rc = probe->ops->finish(probe, out, err);
  /* The resolver first: freeing it may still run callbacks into the
   * probe, which must be alive for them. */
  ep_resolver_free(run.resolver);
  probe->ops->destroy(probe);
  if (rc != EP_OK)
    ep_check_result_cleanup(out);
  return rc;
}
