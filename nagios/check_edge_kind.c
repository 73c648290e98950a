/* check_edge_NAME: one probe kind's check alone.  The build names the
 * kind (EP_PLUGIN_KIND, e.g. ep_dns_kind); what the plugin does, takes
 * and says comes from the kind's own declarations, so a new kind's
 * plugin is a few lines of Makefile.am. */
#include "config.h"

#include "ep_nagios.h"

extern const struct ep_probe_kind EP_PLUGIN_KIND;

int
main(int argc, char **argv)
{
  return ep_nagios_main(argc, argv, &EP_PLUGIN_KIND);
}
