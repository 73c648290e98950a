#include "config.h"

#include <stddef.h>
#include <string.h>

#include "https_settings.h"

#define AT(m) offsetof(struct ep_https_profile, m)
static const struct ep_field fields[] = {
  {.member = "targets", .type = EP_FIELD_LIST, .offset = AT(targets),
   .text = EP_TEXT_HOSTPORT, .resolve_rank = 1},
  {.member = "expect_issuers", .type = EP_FIELD_LIST,
   .offset = AT(expect_issuers), .text = EP_TEXT_ANY},
  {.member = "warning", .type = EP_FIELD_RANGE, .offset = AT(warning)},
  {.member = "critical", .type = EP_FIELD_RANGE, .offset = AT(critical)},
  {.member = "cert_warning_days", .type = EP_FIELD_INT,
   .offset = AT(cert_warning_days), .lo = 0, .hi = 3650, .default_int = 21},
  {.member = "cert_critical_days", .type = EP_FIELD_INT,
   .offset = AT(cert_critical_days), .lo = 0, .hi = 3650, .default_int = 7},
  {NULL}};

static enum ep_status
check_issuer(const char *what, const char *value, struct ep_err *err)
{
  if (*value && strlen(value) <= 200)
    return EP_OK;
  return ep_err_set(err, EP_EINVAL,
                    "%s: expected 1 to 200 characters of an issuer name",
                    what);
}

static enum ep_status
check_days(const char *what, const char *value, struct ep_err *err)
{
  return ep_option_whole_number(what, value, 0, 3650, " of days", NULL, err);
}

#define BOTH (EP_SCOPE_SINGLE | EP_SCOPE_CHECKLIST)
const struct ep_option ep_https_option_expect_issuer = {
  .name = "expect-issuer",
  .arg = "TEXT",
  .key = "ExpectIssuer",
  .scope = BOTH,
  .repeat = true,
  .help = "an issuer the HTTPS chains should have",
  .check = check_issuer};
const struct ep_option ep_https_option_cert_warning_days = {
  .name = "cert-warning-days",
  .arg = "N",
  .scope = BOTH,
  .help = "alert when a certificate of the chain expires within N days",
  .check = check_days};
const struct ep_option ep_https_option_cert_critical_days = {
  .name = "cert-critical-days",
  .arg = "N",
  .scope = BOTH,
  .check = check_days};
static const struct ep_option *const options[] = {
  &ep_https_option_expect_issuer, &ep_https_option_cert_warning_days,
  &ep_https_option_cert_critical_days, NULL};

const struct ep_section ep_https_section = {"https", false,
                                            sizeof(struct ep_https_profile),
                                            fields, options};

/* The check plugin of this kind alone (check_edge_https): what it
 * does, its usage line, its own options' meaning, examples. */
const struct ep_kind_doc ep_https_doc = {
  .synopsis =
    "fetches https://HOST/ from every HTTPS target of the profile (or -H) at\n"
    "once: TLS with SNI, the certificate verified and described, any HTTP\n"
    "status counted as reachable, TLS interception and SNI filtering named",
  .usage =
    "[-P PROFILE] [-H HOST[:PORT]]... [--expect-issuer TEXT]...\n"
    "   [--cacert FILE] [--proxy URL [--proxy-auth-file FILE]]\n"
    "   [--cert-warning-days N] [--cert-critical-days N] [-w RANGE] [-c RANGE]\n"
    "   [-t SECONDS] [-I IFACE] [--format nagios|json] [-v]",
  .help =
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
  .examples =
    " check_edge_https\n"
    "    every HTTPS target of the standard profile at once\n"
    " check_edge_https --proxy http://proxy.plant.local:3128 \\\n"
    "     --proxy-auth-file /etc/edgeprobe/proxy.auth\n"
    "    the same through the plant's proxy\n"
    " check_edge_https -H api.machinemetrics.com -vv\n"
    "    one target with its certificate chain described\n"};

/* How the whole checklist speaks of this check and what it reads in
 * its results. */
const struct ep_kind_report ep_https_reporting = {
  .item_id = "https",
  .item_title = "HTTPS",
  .short_title = "HTTPS",
  .ok_one = "HTTPS target reachable without TLS inspection",
  .ok_many = "HTTPS targets reachable without TLS inspection",
  .roles = EP_ROLE_CLOUD | EP_ROLE_CERTS | EP_ROLE_SAME_ONCE |
           EP_ROLE_PROXIED,
  .blocked_port = 443,
  .figures = (const struct ep_checklist_figure[]){
    {"total", "https_slowest", false, false, EP_UNIT_SECONDS},
    {"cert_days", "https_cert_days", true, false, EP_UNIT_DAYS},
    {NULL, NULL, false, false, EP_UNIT_SECONDS}}};

/* Its targets' figures, as collectd and the MIB keep them. */
const struct ep_figure_decl ep_https_figures[] = {
  {"total", "response_time", true, 7, EP_MIB_MICROSECONDS},
  {"tls", "response_time", true, 8, EP_MIB_MICROSECONDS},
  {"cert_days", "gauge", true, 9, EP_MIB_WHOLE_DAYS},
  {NULL, NULL, false, 0, EP_MIB_MICROSECONDS}};

/* Its table of EDGEPROBE-MIB (snmp/EDGEPROBE-MIB.txt). */
const struct ep_kind_mib ep_https_mib = {4, 3, 0, NULL};
