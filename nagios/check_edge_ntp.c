/* check_edge_ntp: this host's clock against the profile's NTP servers,
 * trusting only replies that answer our own requests. */
#include "config.h"

#include "ntp.h"
#include "ep_cli.h"
#include "ep_nagios.h"

static const struct ep_nagios_check ntp_check = {
  "check_edge_ntp",
  &ep_ntp_kind,
  "asks each NTP server of the profile (or -H) for the time with SNTP, every\n"
  "address of a pool name up to 4, and reports this host's clock offset",
  "Options of this check:\n"
  " -H, --hostname HOST[:PORT]\n"
  "    an NTP server or pool name (port 123); repeatable; replaces the "
  "profile's\n"
  " --samples N    samples per address, 2 s apart (default: profile, 1)\n"
  " -w/-c apply to the absolute offset in seconds of each server's best\n"
  "    address (profile default 0.5 and 1).  The offset is the server's\n"
  "    clock minus this host's: positive means this host is behind.\n",
};

int
main(int argc, char **argv)
{
  return ep_nagios_main(argc, argv, &ntp_check);
}
