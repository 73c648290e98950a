/* check_edge_nats: the NATS endpoints on 7422 really speak NATS, through
 * whatever lies between. */
#include "config.h"

#include "nats.h"
#include "ep_nagios.h"

static const struct ep_nagios_check nats_check = {
  "check_edge_nats",
  &ep_nats_kind,
  "connects to each NATS endpoint of the profile (or -H), reads its INFO,\n"
  "completes TLS where required, and times a PING/PONG round trip",
  "[-P PROFILE] [-H HOST[:PORT]]... [--nats-auth-file FILE]\n"
  "   [--cacert FILE] [-w RANGE] [-c RANGE] [-t SECONDS] [-I IFACE]\n"
  "   [--format nagios|json] [-v]",
  "Options of this check:\n"
  " -H, --hostname HOST[:PORT]\n"
  "    a NATS endpoint (port 7422); repeatable; replaces the profile's\n"
  " --nats-auth-file FILE\n"
  "    user:password or a token, to authenticate for the full round trip\n"
  "    (others must not be able to read it)\n"
  " --cacert FILE   trust this CA bundle for NATS TLS\n"
  " -w/-c apply to the PING/PONG round trip in seconds (profile default 1\n"
  "    and 5)\n",
  " check_edge_nats\n"
  "    the standard profile's NATS endpoints on 7422\n"
  " check_edge_nats -H stream.example.com:7422 --nats-auth-file \\\n"
  "     /etc/edgeprobe/nats.auth\n"
  "    one endpoint, authenticated for the full round trip\n"
};

int
main(int argc, char **argv)
{
  return ep_nagios_main(argc, argv, &nats_check);
}
