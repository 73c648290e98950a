/* check_edge_https: every cloud domain over TLS from here, directly or
 * through the site's proxy, with TLS interception named. */
#include "config.h"

#include "https.h"
#include "ep_nagios.h"

static const struct ep_nagios_check https_check = {
  "check_edge_https",
  &ep_https_kind,
  "fetches https://HOST/ from every HTTPS target of the profile (or -H) at\n"
  "once: TLS with SNI, the certificate verified and described, any HTTP\n"
  "status counted as reachable, TLS interception and SNI filtering named",
  "[-P PROFILE] [-H HOST[:PORT]]... [--expect-issuer TEXT]...\n"
  "   [--cacert FILE] [--proxy URL [--proxy-auth-file FILE]]\n"
  "   [--cert-warning-days N] [--cert-critical-days N] [-w RANGE] [-c RANGE]\n"
  "   [-t SECONDS] [-I IFACE] [--format nagios|json] [-v]",
  "Options of this check:\n"
  " -H, --hostname HOST[:PORT]\n"
  "    an HTTPS target (port 443); repeatable; replaces the profile's\n"
  " --expect-issuer TEXT\n"
  "    a verified chain must have an issuer whose name contains TEXT\n"
  "    (case-insensitive); repeatable; a chain that does is trusted even\n"
  "    through a --cacert CA\n"
  " --cert-warning-days N  --cert-critical-days N\n"
  "    alert when a certificate of the chain expires within N days\n"
  "    (profile default 21 and 7)\n"
  " --cacert FILE   trust this CA bundle instead of the system store\n"
  " --proxy URL     http:// or https:// proxy (default: the profile's, or\n"
  "    https_proxy from the environment, its credentials ignored); the\n"
  "    proxy resolves the targets' names\n"
  " --proxy-auth-file FILE\n"
  "    user:password for the proxy (others must not be able to read it);\n"
  "    or EDGEPROBE_PROXY_AUTH=user:password in the environment\n"
  " -w/-c apply to each target's total time in seconds (profile default\n"
  "    1 and 5)\n"
  " -vvv adds curl's trace to each target, credentials hidden\n",
  " check_edge_https\n"
  "    every HTTPS target of the standard profile at once\n"
  " check_edge_https --proxy http://proxy.plant.local:3128 \\\n"
  "     --proxy-auth-file /etc/edgeprobe/proxy.auth\n"
  "    the same through the plant's proxy\n"
  " check_edge_https -H api.machinemetrics.com -vv\n"
  "    one target with its certificate chain described\n"
};

int
main(int argc, char **argv)
{
  return ep_nagios_main(argc, argv, &https_check);
}
