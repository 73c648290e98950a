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
  .help = "exchanges with each address (default: profile, 1)",
  .check = check_samples};
const struct ep_option ep_ntp_option_state_dir = {
  .name = "state-dir",
  .arg = "DIR",
  .scope = BOTH,
  .help = "where each server's last offset is kept between runs, for the drift"};
const struct ep_option ep_ntp_option_drift_warning = {
  .name = "drift-warning",
  .arg = "PPM",
  .key = "DriftWarning",
  .scope = BOTH,
  .help = "thresholds on the drift between runs, in ppm"};
const struct ep_option ep_ntp_option_drift_critical = {
  .name = "drift-critical",
  .arg = "PPM",
  .key = "DriftCritical",
  .scope = BOTH};
static const struct ep_option *const options[] = {
  &ep_ntp_option_samples, &ep_ntp_option_state_dir,
  &ep_ntp_option_drift_warning, &ep_ntp_option_drift_critical, NULL};

const struct ep_section ep_ntp_section = {"ntp", false,
                                          sizeof(struct ep_ntp_profile),
                                          fields, options};
