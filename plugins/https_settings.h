/* The HTTPS check's part of a profile, "$.https" (its "cacert" is the
 * core's: every TLS check trusts it). */
#ifndef HTTPS_SETTINGS_H
#define HTTPS_SETTINGS_H

#include "ep_probe.h"
#include "ep_schema.h"

struct ep_https_profile {
  struct ep_strlist targets; /* HOST[:PORT] */
  struct ep_strlist expect_issuers;
  char             *warning, *critical; /* total time, s */
  int               cert_warning_days, cert_critical_days;
};

extern const struct ep_section ep_https_section;
/* --expect-issuer NAME, --cert-warning-days N, --cert-critical-days N. */
extern const struct ep_option ep_https_option_expect_issuer,
  ep_https_option_cert_warning_days, ep_https_option_cert_critical_days;

/* check_edge_https's help. */
extern const struct ep_kind_doc ep_https_doc;

/* The checklist's words and figures of it. */
extern const struct ep_kind_report ep_https_reporting;

/* Its figures and its MIB table. */
extern const struct ep_figure_decl ep_https_figures[];
extern const struct ep_kind_mib    ep_https_mib;

#endif
