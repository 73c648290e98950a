/* check_edge_ntp: this host's clock against the profile's NTP servers,
 * trusting only replies that answer our own requests. */
#include "config.h"

#include "ntp.h"
#include "ep_nagios.h"

static const struct ep_nagios_check ntp_check = {
  "check_edge_ntp",
  &ep_ntp_kind,
  "asks each NTP server of the profile (or -H) for the time with SNTP, every\n"
  "address of a pool name up to 4, and reports this host's clock offset",
  "[-P PROFILE] [-H HOST[:PORT]]... [--samples N] [-D ADDR[:PORT]]...\n"
  "   [--state-dir DIR [--drift-warning RANGE] [--drift-critical RANGE]]\n"
  "   [-w RANGE] [-c RANGE] [-t SECONDS] [-I IFACE] [--format nagios|json] [-v]",
  "Options of this check:\n"
  " -H, --hostname HOST[:PORT]\n"
  "    an NTP server or pool name (port 123); repeatable; replaces the "
  "profile's\n"
  " --samples N    samples per address, 2 s apart (default: profile, 1)\n"
  " -w/-c apply to the absolute offset in seconds of each server's best\n"
  "    address (profile default 0.5 and 1).  The offset is the server's\n"
  "    clock minus this host's: positive means this host is behind.\n",
  " check_edge_ntp\n"
  "    the standard profile's pool servers, every address up to 4 each\n"
  " check_edge_ntp -H ntp.plant.local -w 0.1 -c 0.5\n"
  "    the plant's own NTP server, tighter thresholds\n"
  " check_edge_ntp --state-dir /var/lib/nagios/edgeprobe\n"
  "    also the drift between runs, in ppm\n"
};

int
main(int argc, char **argv)
{
  return ep_nagios_main(argc, argv, &ntp_check);
}
