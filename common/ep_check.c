#include "config.h"

#include <ares.h>

#include "../plugins/dns.h"
#include "../plugins/ntp.h"
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

static struct ep_probe *
make_probe(const struct ep_config *cfg, enum ep_check_kind check,
           struct ep_err *err)
{
  struct ep_dns_name *names;
  struct ep_probe    *p;
  size_t              n;

  switch (check) {
    case EP_CHECK_DNS:
      if (ep_dns_collect_names(cfg->profile, &names, &n, err) != EP_OK)
        return NULL;
      if (n == 0) {
        ep_err_set(err, EP_EINVAL, "%s: no names to resolve",
                   cfg->profile->name);
        return NULL;
      }
      p = ep_dns_probe_new(names, n, &cfg->warn, &cfg->crit, err);
      ep_dns_names_free(names, n);
      return p;
    case EP_CHECK_NTP: {
      struct ep_ntp_options o;

      o.samples = cfg->samples;
      o.max_addrs = EP_NTP_ADDRS_PER_NAME;
      o.iface = cfg->has_iface ? &cfg->iface : NULL;
      o.warn = cfg->warn;
      o.crit = cfg->crit;
      return ep_ntp_probe_new(&cfg->profile->ntp.servers, &o, err);
    }
  }
  return NULL;
}

enum ep_status
ep_check_run(const struct ep_config *cfg, enum ep_check_kind check,
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
  probe = make_probe(cfg, check, err);
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
