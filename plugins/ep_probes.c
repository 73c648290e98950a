#include "config.h"

#include <string.h>

#include "dns.h"
#include "ep_probes.h"
#include "https.h"
#include "nats.h"
#include "ntp.h"
#include "tcp.h"

const struct ep_probe_kind *const ep_probe_kinds[] = {
  &ep_dns_kind, &ep_ntp_kind, &ep_https_kind, &ep_nats_kind, &ep_tcp_kind};
const size_t ep_probe_kinds_n =
  sizeof ep_probe_kinds / sizeof ep_probe_kinds[0];

const struct ep_probe_kind *
ep_probe_kind_named(const char *name)
{
  size_t i;

  for (i = 0; i < ep_probe_kinds_n; i++)
    if (strcmp(ep_probe_kinds[i]->name, name) == 0)
      return ep_probe_kinds[i];
  return NULL;
}
