#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "dns_resolvers.h"
#include "ep_buf.h"
#include "ep_cause.h"
#include "ep_json.h"

#define TEXT_MAX 4096
#define QTYPE_SOA 6

const struct ep_dns_question ep_dns_dnssec_question = {QTYPE_SOA, true};

enum ep_status
ep_dns_invalid_name(char out[EP_DNS_INVALID_NAME_MAX], struct ep_err *err)
{
  uint64_t        v;
  struct timespec ts;

  (void)err;
  /* Random, so no cache along the way holds an answer made for us.  At
   * early boot the pool may not be ready: the clock and our pid then
   * make a name no cache has either. */
  if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v) {
    clock_gettime(CLOCK_REALTIME, &ts);
    v = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
        ((uint64_t)getpid() << 16);
  }
  snprintf(out, EP_DNS_INVALID_NAME_MAX, "ep-%016" PRIx64 ".invalid", v);
  return EP_OK;
}

static bool
silent(enum ep_dns_outcome o)
{
  return o == EP_DNS_PENDING || o == EP_DNS_TIMEOUT ||
         o == EP_DNS_UNREACHABLE || o == EP_DNS_CANCELLED;
}

/* Whether server i's answers are the ones that count: a configured
 * resolver's always, the fallback's once every configured one is
 * silent. */
static bool
counts(const struct ep_dns_server *servers,
       const struct ep_dns_resolver_probe *probes, size_t n, size_t i)
{
  size_t s;

  if (!servers[i].fallback)
    return true;
  for (s = 0; s < n; s++)
    if (!servers[s].fallback && !silent(probes[s].invalid.outcome))
      return false;
  return true;
}

static bool
rewrites(const struct ep_dns_resolver_probe *p)
{
  return p->invalid.outcome == EP_DNS_ANSWER && p->invalid.n_addrs > 0;
}

/* Gave the root zone's SOA without the AD bit.  Anything short of the
 * SOA (an error, no record) tells nothing about validation. */
static bool
not_validating(const struct ep_dns_resolver_probe *p)
{
  return p->dnssec.outcome == EP_DNS_ANSWER && !p->dnssec.authentic;
}

static bool
validating(const struct ep_dns_resolver_probe *p)
{
  return p->dnssec.outcome == EP_DNS_ANSWER && p->dnssec.authentic;
}

/* "10.99.0.1, 10.99.0.2" */
static enum ep_status
word_addresses(struct ep_buf *b, const struct ep_dns_answer *a)
{
  enum ep_status rc = EP_OK;
  size_t         j;

  for (j = 0; j < a->n_addrs && rc == EP_OK; j++)
    rc = ep_buf_printf(b, "%s%s", j ? ", " : "", a->addrs[j]);
  return rc;
}

static enum ep_status
row_json(struct ep_target_result *t, const struct ep_dns_server *server,
         const struct ep_dns_resolver_probe *p, const char *invalid_name,
         bool dnssec)
{
  json_object   *addrs = json_object_new_array();
  enum ep_status rc = addrs ? EP_OK : EP_ENOMEM;
  size_t         j;

  for (j = 0; rewrites(p) && j < p->invalid.n_addrs && rc == EP_OK; j++)
    rc = ep_json_append(addrs, json_object_new_string(p->invalid.addrs[j]));
  if (rc == EP_OK)
    rc = ep_json_put(t->data, "resolver",
                     json_object_new_string(server->label));
  if (rc == EP_OK)
    rc = ep_json_put(t->data, "invalid_name",
                     json_object_new_string(invalid_name));
  if (rc == EP_OK)
    rc = ep_json_put(t->data, "nxdomain_rewrite",
                     json_object_new_boolean(rewrites(p)));
  /* The addresses the rewritten names point at: check_edge ties the
   * failures of names resolving there to this resolver. */
  rc = ep_json_put_built(t->data, "addresses", addrs, rc);
  if (rc == EP_OK && dnssec && (validating(p) || not_validating(p)))
    rc = ep_json_put(t->data, "dnssec_validated",
                     json_object_new_boolean(validating(p)));
  else if (rc == EP_OK)
    rc = ep_json_put_null(t->data, "dnssec_validated");
  return rc;
}

/* The row of a resolver that rewrites NXDOMAIN or does not validate. */
static enum ep_status
resolver_row(const struct ep_dns_server *server,
             const struct ep_dns_resolver_probe *p, const char *invalid_name,
             bool dnssec, struct ep_check_result *out, struct ep_buf *first,
             struct ep_err *err)
{
  struct ep_target_result *t;
  struct ep_buf            why;
  char                     name[96];
  enum ep_status           rc = EP_OK;

  snprintf(name, sizeof name, "resolver %s", server->label);
  if (!(t = ep_check_result_add(out, name, err)))
    return EP_ENOMEM;
  t->state = EP_STATE_WARNING;
  ep_buf_init(&why, TEXT_MAX);
  if (rewrites(p)) {
    ep_target_set_cause(t, EP_CAUSE_DNS_REWRITE);
    /* The random name goes to -v and JSON: the first line stays the same
     * from run to run. */
    rc = ep_buf_printf(&why, "rewrites NXDOMAIN (captive portal or ISP "
                             "redirect): a name under .invalid resolved to ");
    if (rc == EP_OK)
      rc = word_addresses(&why, &p->invalid);
  }
  if (rc == EP_OK && dnssec && not_validating(p)) {
    ep_target_set_cause(t, EP_CAUSE_DNS_NO_DNSSEC);
    rc = ep_buf_printf(&why, "%sdoes not validate DNSSEC (no AD bit on the "
                             "root zone's SOA)",
                       why.len ? "; " : "");
  } else if (rc == EP_OK && dnssec && validating(p)) {
    rc = ep_buf_printf(&why, "; validates DNSSEC");
  }
  if (rc == EP_OK)
    rc = ep_target_set_why(t, ep_buf_str(&why));
  if (rc == EP_OK)
    rc = ep_target_set_text(t, "%s %s", name, ep_buf_str(&why));
  if (rc == EP_OK && rewrites(p))
    rc = ep_target_add_detail(t, "asked %s, which cannot exist (RFC 6761)",
                              invalid_name);
  if (rc == EP_OK)
    rc = ep_buf_printf(first, "%s%s", first->len ? "; " : "", t->text);
  if (rc == EP_OK)
    rc = row_json(t, server, p, invalid_name, dnssec);
  ep_buf_cleanup(&why);
  if (rc != EP_OK)
    return ep_err_set(err, rc, "out of memory judging the resolvers");
  return EP_OK;
}

/* Whether name row t resolved to an address in a. */
static bool
resolved_into(const struct ep_target_result *t, const struct ep_dns_answer *a)
{
  json_object *addrs = NULL;
  size_t       i, j;

  if (!t->data || !json_object_object_get_ex(t->data, "addresses", &addrs) ||
      !json_object_is_type(addrs, json_type_array))
    return false;
  for (i = 0; i < json_object_array_length(addrs); i++)
    for (j = 0; j < a->n_addrs; j++)
      if (strcmp(json_object_get_string(json_object_array_get_idx(addrs, i)),
                 a->addrs[j]) == 0)
        return true;
  return false;
}

/* A name that resolved where the rewriting resolver sends names that do
 * not exist says so on its line: it reaches the portal. */
static enum ep_status
mark_portal_names(struct ep_check_result *out, size_t n_names,
                  const struct ep_dns_server *server,
                  const struct ep_dns_answer *portal)
{
  enum ep_status rc = EP_OK;
  size_t         j;

  for (j = 0; j < n_names && rc == EP_OK; j++) {
    struct ep_target_result *t = &out->targets[j];
    char                    *was;

    if (!t->text || strstr(t->text, "(where resolver ") ||
        !resolved_into(t, portal) || !(was = strdup(t->text)))
      continue;
    rc = ep_target_set_text(t, "%s (where resolver %s sends names that do "
                               "not exist)",
                            was, server->label);
    free(was);
  }
  return rc;
}

enum ep_status
ep_dns_judge_resolvers(const struct ep_dns_server *servers,
                       const struct ep_dns_resolver_probe *probes,
                       size_t n_servers, const char *invalid_name,
                       bool dnssec, struct ep_check_result *out,
                       struct ep_err *err)
{
  struct ep_buf  first;
  enum ep_status rc = EP_OK;
  char           note[160];
  size_t         i, n_names = out->n_targets;

  ep_buf_init(&first, TEXT_MAX);
  for (i = 0; i < n_servers && rc == EP_OK; i++) {
    const struct ep_dns_resolver_probe *p = &probes[i];

    if (!counts(servers, probes, n_servers, i))
      continue;
    if (rewrites(p) &&
        (rc = mark_portal_names(out, n_names, &servers[i], &p->invalid)) !=
          EP_OK)
      ep_err_set(err, rc, "out of memory judging the resolvers");
    if (rc == EP_OK && (rewrites(p) || (dnssec && not_validating(p)))) {
      rc = resolver_row(&servers[i], p, invalid_name, dnssec, out, &first,
                        err);
    } else if (rc == EP_OK && dnssec && validating(p)) {
      snprintf(note, sizeof note, "resolver %s validates DNSSEC (AD bit on "
                                  "the root zone's SOA)",
               servers[i].label);
      if ((rc = ep_check_result_add_note(out, note)) != EP_OK)
        ep_err_set(err, rc, "out of memory judging the resolvers");
    } else if (rc == EP_OK && dnssec && !servers[i].fallback) {
      snprintf(note, sizeof note, "resolver %s: DNSSEC validation not "
                                  "known (the root zone's SOA: %s)",
               servers[i].label,
               p->dnssec.outcome == EP_DNS_NODATA
                 ? "no record"
                 : ep_dns_outcome_str(p->dnssec.outcome));
      if ((rc = ep_check_result_add_note(out, note)) != EP_OK)
        ep_err_set(err, rc, "out of memory judging the resolvers");
    }
  }
  /* The resolvers' own trouble leads: it explains the rest. */
  if (rc == EP_OK && first.len) {
    out->state = ep_state_worse(out->state, EP_STATE_WARNING);
    if (out->summary)
      rc = ep_buf_printf(&first, "; %s", out->summary);
    if (rc == EP_OK)
      rc = ep_check_result_take_summary(out, &first);
    if (rc != EP_OK)
      ep_err_set(err, rc, "out of memory judging the resolvers");
  }
  ep_buf_cleanup(&first);
  return rc;
}
