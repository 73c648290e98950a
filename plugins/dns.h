/* The dns probe: every name the profile's checks use (plus dns.names),
 * asked of every configured resolver at once, each resolver on its own,
 * with the fallback asked alongside so a blocked resolver costs one
 * deadline, not two. */
#ifndef EP_DNS_H
#define EP_DNS_H

#include "dns_settings.h"
#include "ep_config.h"
#include "ep_probe.h"
#include "ep_profile.h"
#include "ep_range.h"
#include "ep_resolver.h"
#include "ep_result.h"

/* Every host name the profile's checks resolve, dns.names first (with
 * their expected addresses), without duplicates or literal addresses.
 * Free with ep_dns_names_free(). */
enum ep_status ep_dns_collect_names(const struct ep_profile *p,
                                    struct ep_dns_name **names, size_t *n,
                                    struct ep_err *err);

/* A probe resolving names (copied) with thresholds on response time;
 * it also asks each resolver a name under .invalid and, with dnssec,
 * whether it validates. */
struct ep_probe *ep_dns_probe_new(const struct ep_dns_name *names, size_t n,
                                  const struct ep_range *warn,
                                  const struct ep_range *crit, bool dnssec,
                                  struct ep_err *err);

/* The dns check: every name of the profile (or the settings' -H names
 * with their -a addresses), thresholds on each name's response time. */
extern const struct ep_probe_kind ep_dns_kind;

/* Judges one name from each server's answer (answers[i] from servers[i])
 * and appends its result to out.  Pure: no I/O. */
enum ep_status ep_dns_evaluate(const struct ep_dns_name *name,
                               const struct ep_dns_server *servers,
                               const struct ep_dns_answer *answers,
                               size_t n_servers, const struct ep_range *warn,
                               const struct ep_range *crit,
                               struct ep_check_result *out, struct ep_err *err);

/* Writes the check's state and first-line summary from its targets' and
 * the servers' outcomes (answers is n_names x n_servers, row per name). */
enum ep_status ep_dns_summarize(struct ep_check_result *out,
                                const struct ep_dns_server *servers,
                                size_t n_servers,
                                const struct ep_dns_answer *answers,
                                size_t n_names, struct ep_err *err);

#endif
