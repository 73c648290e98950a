/* check_edge_dns: every name the edge gateway needs, through each of its
 * resolvers on its own. */
#include "config.h"

#include "dns.h"
#include "ep_cli.h"
#include "ep_nagios.h"

static const struct ep_nagios_check dns_check = {
  "check_edge_dns",
  &ep_dns_kind,
  "resolves every host name of the profile (or -H) through each configured\n"
  "resolver on its own, and the fallback when they do not answer",
  "Options of this check:\n"
  " -H, --hostname NAME     a name to resolve; repeatable; replaces the "
  "profile's names\n"
  " -a, --expect-address ADDR\n"
  "    every address the -H names resolve to must be one of these; "
  "repeatable\n"
  " -w/-c apply to each name's response time in seconds (profile default "
  "0.5 and 2)\n",
};

int
main(int argc, char **argv)
{
  return ep_nagios_main(argc, argv, &dns_check);
}
