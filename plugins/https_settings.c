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
  .arg = "NAME",
  .key = "ExpectIssuer",
  .scope = BOTH,
  .repeat = true,
  .help = "an issuer that is not TLS inspection; repeatable",
  .check = check_issuer};
const struct ep_option ep_https_option_cert_warning_days = {
  .name = "cert-warning-days",
  .arg = "N",
  .scope = BOTH,
  .help = "days a certificate must have left (default: profile, 21)",
  .check = check_days};
const struct ep_option ep_https_option_cert_critical_days = {
  .name = "cert-critical-days",
  .arg = "N",
  .scope = BOTH,
  .help = "(default: profile, 7)",
  .check = check_days};
static const struct ep_option *const options[] = {
  &ep_https_option_expect_issuer, &ep_https_option_cert_warning_days,
  &ep_https_option_cert_critical_days, NULL};

const struct ep_section ep_https_section = {"https", false,
                                            sizeof(struct ep_https_profile),
                                            fields, options};
