/* What the dns check finds out about the resolvers themselves, beside the
 * names they resolve: whether one answers a name that cannot exist (a
 * captive portal or an ISP rewriting NXDOMAIN into its own address), and,
 * when asked, whether it validates DNSSEC. */
#ifndef DNS_RESOLVERS_H
#define DNS_RESOLVERS_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_err.h"
#include "ep_resolver.h"
#include "ep_result.h"

/* A random name under .invalid, which RFC 6761 reserves: every honest
 * resolver answers it NXDOMAIN ("ep-0123456789abcdef.invalid"). */
#define EP_DNS_INVALID_NAME_MAX 40
enum ep_status ep_dns_invalid_name(char out[EP_DNS_INVALID_NAME_MAX],
                                   struct ep_err *err);

/* The question that tells whether a resolver validates: the root zone's
 * SOA (always signed) with the DO bit. */
#define EP_DNS_DNSSEC_NAME "."
extern const struct ep_dns_question ep_dns_dnssec_question;

/* One resolver's answers to those two questions. */
struct ep_dns_resolver_probe {
  struct ep_dns_answer invalid;
  struct ep_dns_answer dnssec; /* outcome PENDING when not asked */
};

/* Judges each resolver from its probe (probes[i] from servers[i]), pure:
 * a row "resolver ADDR" for one that rewrites NXDOMAIN (WARNING,
 * dns.nxdomain_rewrite) or, with dnssec, answers without validating
 * (WARNING, dns.no_dnssec); a note for one that validates.  The fallback
 * is judged only when every configured resolver was silent, as only then
 * do its answers count.  Raises out's state and puts the rows' words
 * ahead of its summary: call after ep_dns_summarize(). */
enum ep_status ep_dns_judge_resolvers(const struct ep_dns_server *servers,
                                      const struct ep_dns_resolver_probe *probes,
                                      size_t n_servers, const char *invalid_name,
                                      bool dnssec, struct ep_check_result *out,
                                      struct ep_err *err);

#endif
