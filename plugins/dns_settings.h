/* The DNS check's part of a profile, "$.dns": the names it resolves
 * besides those the other checks need, and its thresholds (the resolvers
 * themselves are the core's: every check's names go through them). */
#ifndef DNS_SETTINGS_H
#define DNS_SETTINGS_H

#include <stddef.h>

#include "ep_probe.h"
#include "ep_schema.h"

struct ep_dns_name {
  char             *name;
  struct ep_strlist expect; /* addresses the answer must be among; may be empty */
};

struct ep_dns_names {
  struct ep_dns_name *v;
  size_t              n;
};

struct ep_dns_profile {
  struct ep_dns_names names;
  char               *warning, *critical; /* response time, s */
  bool                dnssec; /* judge whether each resolver validates */
};

extern const struct ep_section ep_dns_section;
/* -a ADDR: what the -H names must resolve to. */
extern const struct ep_option ep_dns_option_expect;
/* --dnssec: as the profile's "dnssec": true. */
extern const struct ep_option ep_dns_option_dnssec;

void ep_dns_names_free(struct ep_dns_name *names, size_t n);

/* check_edge_dns's help. */
extern const struct ep_kind_doc ep_dns_doc;

/* The checklist's words and figures of it. */
extern const struct ep_kind_report ep_dns_reporting;

/* Its figures and its MIB table. */
extern const struct ep_figure_decl ep_dns_figures[];
extern const struct ep_kind_mib    ep_dns_mib;

#endif
