#include "config.h"

#include <string.h>

#include "ep_settings.h"

const struct ep_setting_names ep_cli_names = {
  .hosts = "-H",
  .expect_addresses = "-a",
  .warning = "-w",
  .critical = "-c",
  .timeout = "-t",
  .dns_servers = "-D",
  .fallback = "--fallback-dns",
  .interface = "-I",
  .proxy = "--proxy",
  .proxy_auth_file = "--proxy-auth-file",
  .proxy_cacert = "--proxy-cacert",
  .cacert = "--cacert",
  .nats_auth_file = "--nats-auth-file",
  .samples = "--samples",
  .state_dir = "--state-dir",
  .drift_warning = "--drift-warning",
  .drift_critical = "--drift-critical",
  .machine_interface = "--machine-interface",
};

void
ep_settings_init(struct ep_settings *s)
{
  memset(s, 0, sizeof *s);
  s->format = EP_FORMAT_NAGIOS;
  s->cert_warning_days = s->cert_critical_days = -1;
}

void
ep_settings_cleanup(struct ep_settings *s)
{
  ep_strlist_free(&s->dns_servers);
  ep_strlist_free(&s->hosts);
  ep_strlist_free(&s->expect_addresses);
  ep_strlist_free(&s->expect_issuers);
  ep_settings_init(s);
}

const struct ep_setting_names *
ep_settings_names(const struct ep_settings *s)
{
  return s->names ? s->names : &ep_cli_names;
}
