#include "config.h"

#include <stddef.h>

#include "ntp_settings.h"

#define AT(m) offsetof(struct ep_ntp_profile, m)
static const struct ep_field fields[] = {
  {.member = "servers", .type = EP_FIELD_LIST, .offset = AT(servers),
   .text = EP_TEXT_HOSTPORT, .resolve_rank = 2},
  {.member = "samples", .type = EP_FIELD_INT, .offset = AT(samples), .lo = 1,
   .hi = 8, .default_int = 1},
  {.member = "warning", .type = EP_FIELD_RANGE, .offset = AT(warning)},
  {.member = "critical", .type = EP_FIELD_RANGE, .offset = AT(critical)},
  {.member = "drift_warning", .type = EP_FIELD_RANGE,
   .offset = AT(drift_warning)},
  {.member = "drift_critical", .type = EP_FIELD_RANGE,
   .offset = AT(drift_critical)},
  {.member = "ignore_local_clock", .type = EP_FIELD_BOOL,
   .offset = AT(ignore_local_clock)},
  {NULL}};

static enum ep_status
check_samples(const char *what, const char *value, struct ep_err *err)
{
  return ep_option_whole_number(what, value, 1, 8, "", NULL, err);
}

#define BOTH (EP_SCOPE_SINGLE | EP_SCOPE_CHECKLIST)
const struct ep_option ep_ntp_option_samples = {
  .name = "samples",
  .arg = "N",
  .key = "Samples",
  .scope = BOTH,
  .help = "NTP samples per address (1 to 8)",
  .check = check_samples};
const struct ep_option ep_ntp_option_state_dir = {
  .name = "state-dir",
  .arg = "DIR",
  .scope = BOTH,
  .help = "keep each NTP server's last offset there and report the drift\n"
          "(ppm) between runs"};
const struct ep_option ep_ntp_option_drift_warning = {
  .name = "drift-warning",
  .arg = "RANGE",
  .key = "DriftWarning",
  .scope = BOTH,
  .help = "thresholds on the drift, ppm"};
const struct ep_option ep_ntp_option_drift_critical = {
  .name = "drift-critical",
  .arg = "RANGE",
  .key = "DriftCritical",
  .scope = BOTH};
/* No collectd key: a flag there would read "false" as given; the
 * profile's ntp.ignore_local_clock says it for every front end. */
const struct ep_option ep_ntp_option_ignore_local_clock = {
  .name = "ignore-local-clock",
  .scope = BOTH,
  .help = "do not warn that nothing disciplines this host's clock (a host\n"
          "kept by other means: PTP, a hypervisor)"};
static const struct ep_option *const options[] = {
  &ep_ntp_option_samples,       &ep_ntp_option_state_dir,
  &ep_ntp_option_drift_warning, &ep_ntp_option_drift_critical,
  &ep_ntp_option_ignore_local_clock, NULL};

const struct ep_section ep_ntp_section = {"ntp", false,
                                          sizeof(struct ep_ntp_profile),
                                          fields, options};

/* The check plugin of this kind alone (check_edge_ntp): what it
 * does, its usage line, its own options' meaning, examples. */
const struct ep_kind_doc ep_ntp_doc = {
  .synopsis =
    "asks each NTP server of the profile (or -H) for the time with SNTP, every\n"
    "address of a pool name up to 4, and reports this host's clock offset",
  .usage =
    "[-P PROFILE] [-H HOST[:PORT]]... [--samples N] [-D ADDR[:PORT]]...\n"
    "   [--state-dir DIR [--drift-warning RANGE] [--drift-critical RANGE]]\n"
    "   [--ignore-local-clock] [-w RANGE] [-c RANGE] [-t SECONDS] [-I IFACE]\n"
    "   [--format nagios|json] [-v]",
  .help =
    "Options of this check:\n"
    " -H, --hostname HOST[:PORT]\n"
    "    an NTP server or pool name (port 123); repeatable; replaces the "
    "profile's\n"
    " --samples N    samples per address, 2 s apart (default: profile, 1)\n"
    " --ignore-local-clock\n"
    "    do not warn that the kernel says nothing disciplines this host's\n"
    "    clock (adjtimex: STA_UNSYNC)\n"
    " -w/-c apply to the absolute offset in seconds of each server's best\n"
    "    address (profile default 0.5 and 1).  The offset is the server's\n"
    "    clock minus this host's: positive means this host is behind.\n",
  .examples =
    " check_edge_ntp\n"
    "    the standard profile's pool servers, every address up to 4 each\n"
    " check_edge_ntp -H ntp.plant.local -w 0.1 -c 0.5\n"
    "    the plant's own NTP server, tighter thresholds\n"
    " check_edge_ntp --state-dir /var/lib/nagios/edgeprobe\n"
    "    also the drift between runs, in ppm\n"};

/* How the whole checklist speaks of this check and what it reads in
 * its results. */
const struct ep_kind_report ep_ntp_reporting = {
  .item_id = "ntp",
  .item_title = "NTP",
  .short_title = "NTP",
  .per_server_by = "delay",
  .roles = EP_ROLE_CLOUD | EP_ROLE_CLOCK | EP_ROLE_SAME_ONCE,
  .figures = (const struct ep_checklist_figure[]){
    {"offset", "ntp_offset", false, true, EP_UNIT_SECONDS},
    {NULL, NULL, false, false, EP_UNIT_SECONDS}}};

/* Its targets' figures, as collectd and the MIB keep them. */
const struct ep_figure_decl ep_ntp_figures[] = {
  {"offset", "time_offset", false, 7, EP_MIB_SIGNED_MICROSECONDS},
  {"delay", "delay", false, 8, EP_MIB_MICROSECONDS},
  /* ppm, as collectd's ntpd plugin */
  {"drift", "frequency_offset", false, 10, EP_MIB_PARTS_PER_BILLION},
  {"stratum", "gauge", true, 9, EP_MIB_STRATUM},
  {NULL, NULL, false, 0, EP_MIB_MICROSECONDS}};

/* Its table of EDGEPROBE-MIB (snmp/EDGEPROBE-MIB.txt). */
const struct ep_kind_mib ep_ntp_mib = {3, 2, 0, NULL};
