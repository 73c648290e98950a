/* check_edge_dns: every name the edge gateway needs, through each of its
 * resolvers on its own. */
#include "config.h"

#include "dns.h"
#include "ep_nagios.h"

static const struct ep_nagios_check dns_check = {
  "check_edge_dns",
  &ep_dns_kind,
  "resolves every host name of the profile (or -H) through each configured\n"
  "resolver on its own, and the fallback when they do not answer",
  "[-P PROFILE] [-H NAME]... [-a ADDR]... [-D ADDR[:PORT]]...\n"
  "   [--fallback-dns system|none|ADDR[:PORT]] [-w RANGE] [-c RANGE]\n"
  "   [-t SECONDS] [-I IFACE] [--format nagios|json] [-v]",
  "Options of this check:\n"
  " -H, --hostname NAME     a name to resolve; repeatable; replaces the "
  "profile's names\n"
  " -a, --expect-address ADDR\n"
  "    every address the -H names resolve to must be one of these; "
  "repeatable\n"
  " -w/-c apply to each name's response time in seconds (profile default "
  "0.5 and 2)\n",
  " check_edge_dns\n"
  "    every name of the built-in standard profile, through 8.8.8.8 and\n"
  "    8.8.4.4, each on its own\n"
  " check_edge_dns -D 10.20.0.53 -H api.machinemetrics.com -w 0.2 -c 1\n"
  "    one name through the plant's resolver\n"
  " check_edge_dns -P govcloud -H api.machinemetrics-us-gov.com \\\n"
  "     -a 18.252.129.108 -a 18.254.70.116\n"
  "    the GovCloud name must resolve to its static addresses\n"
};

int
main(int argc, char **argv)
{
  return ep_nagios_main(argc, argv, &dns_check);
}
