#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "dns_resolvers.h"
#include "ep_cause.h"
#include "ep_addr.h"
#include "ep_buf.h"
#include "ep_json.h"
#include "ep_neterr.h"
#include "ep_output.h"
#include "ep_run.h"
#include "ep_summary.h"
#include "ep_time.h"

#define TEXT_MAX (64u << 10)

struct dns_ctx {
  struct ep_dns_name   *names;
  size_t                n_names;
  struct ep_range       warn, crit;
  struct ep_run        *run;
  struct ep_dns_answer *answers; /* n_names x n_servers */
  size_t                n_servers;
  size_t                pending;
  /* The resolvers' own questions, one probe per server. */
  bool                          dnssec;
  char                          invalid_name[EP_DNS_INVALID_NAME_MAX];
  struct ep_dns_resolver_probe *probes;
};

struct slot {
  struct dns_ctx *ctx;
  size_t          name;
};

static enum ep_status
add_name(struct ep_dns_name **names, size_t *n, const char *name,
         const struct ep_strlist *expect)
{
  struct ep_dns_name *v;
  size_t              i;

  if (ep_addr_is_literal(name))
    return EP_OK;
  for (i = 0; i < *n; i++)
    if (strcasecmp((*names)[i].name, name) == 0)
      return EP_OK;
  v = realloc(*names, (*n + 1) * sizeof *v);
  if (!v)
    return EP_ENOMEM;
  *names = v;
  memset(&v[*n], 0, sizeof v[*n]);
  if (!(v[*n].name = strdup(name)))
    return EP_ENOMEM;
  (*n)++;
  for (i = 0; expect && i < expect->n; i++)
    if (ep_strlist_add(&v[*n - 1].expect, expect->v[i]) != EP_OK)
      return EP_ENOMEM;
  return EP_OK;
}

static enum ep_status
add_hosts(struct ep_dns_name **names, size_t *n, const struct ep_strlist *l)
{
  struct ep_hostport hp;
  size_t             i;

  for (i = 0; i < l->n; i++)
    if (ep_hostport_parse(l->v[i], 1, NULL, &hp, NULL) == EP_OK &&
        add_name(names, n, hp.host, NULL) != EP_OK)
      return EP_ENOMEM;
  return EP_OK;
}

/* The hosts of every list a kind's part declares at rank (the lists
 * other checks need resolved). */
static enum ep_status
add_ranked_hosts(struct ep_dns_name **names, size_t *n,
                 const struct ep_profile *p, unsigned rank)
{
  const struct ep_field *f;
  size_t                 i;

  for (i = 0; p->sections && p->sections[i]; i++)
    for (f = p->sections[i]->fields; f->member; f++)
      if (f->resolve_rank == rank && f->type == EP_FIELD_LIST &&
          add_hosts(names, n,
                    EP_FIELD_AT(p->parts[i], f->offset, struct ep_strlist)) !=
            EP_OK)
        return EP_ENOMEM;
  return EP_OK;
}

static unsigned
highest_rank(const struct ep_profile *p)
{
  const struct ep_field *f;
  unsigned               top = 0;
  size_t                 i;

  for (i = 0; p->sections && p->sections[i]; i++)
    for (f = p->sections[i]->fields; f->member; f++)
      if (f->resolve_rank > top)
        top = f->resolve_rank;
  return top;
}

static enum ep_status
add_proxy_host(struct ep_dns_name **names, size_t *n, const char *url)
{
  const char        *host = strstr(url, "://") + 3;
  char               buf[EP_HOST_MAX + 8];
  struct ep_hostport hp;

  snprintf(buf, sizeof buf, "%.*s", (int)strcspn(host, "/"), host);
  if (ep_hostport_parse(buf, 1, NULL, &hp, NULL) != EP_OK)
    return EP_OK;
  return add_name(names, n, hp.host, NULL);
}

enum ep_status
ep_dns_collect_names(const struct ep_profile *p, struct ep_dns_name **names,
                     size_t *n, struct ep_err *err)
{
  const struct ep_dns_profile *own = ep_profile_part(p, &ep_dns_section);
  enum ep_status               rc = EP_OK;
  unsigned                     rank;
  size_t                       i;

  *names = NULL;
  *n = 0;
  for (i = 0; own && i < own->names.n && rc == EP_OK; i++)
    rc = add_name(names, n, own->names.v[i].name, &own->names.v[i].expect);
  for (rank = 1; rank <= highest_rank(p) && rc == EP_OK; rank++)
    rc = add_ranked_hosts(names, n, p, rank);
  if (rc == EP_OK && p->proxy.url)
    rc = add_proxy_host(names, n, p->proxy.url);
  if (rc != EP_OK) {
    ep_dns_names_free(*names, *n);
    *names = NULL;
    *n = 0;
    return ep_err_set(err, EP_ENOMEM, "out of memory collecting names");
  }
  return EP_OK;
}

static bool
is_silent(enum ep_dns_outcome o)
{
  return o == EP_DNS_TIMEOUT || o == EP_DNS_CANCELLED ||
         o == EP_DNS_UNREACHABLE || o == EP_DNS_PENDING;
}

/* "8.8.8.8, 8.8.4.4" for the servers of one group whose outcome passes. */
static enum ep_status
list_servers(struct ep_buf *b, const struct ep_dns_server *servers,
             const struct ep_dns_answer *answers, size_t n, bool fallback,
             bool (*pass)(enum ep_dns_outcome))
{
  enum ep_status rc = EP_OK;
  size_t         i, k = 0;

  for (i = 0; i < n && rc == EP_OK; i++)
    if (servers[i].fallback == fallback && pass(answers[i].outcome))
      rc = ep_buf_printf(b, "%s%s", k++ ? ", " : "", servers[i].label);
  return rc;
}

static bool
in_list(const struct ep_strlist *l, const char *addr)
{
  return ep_strlist_find(l, addr) >= 0;
}

/* "9.9.9.9 via 8.8.8.8, 8.8.4.4 and 10.0.0.1 via fallback 127.0.0.53": each
 * set of addresses that strays from the expected list, with every
 * resolver that gave it, since firewall rules are written against them. */
static enum ep_status
describe_off_list(struct ep_buf *b, const struct ep_dns_name *name,
                  const struct ep_dns_server *servers,
                  const struct ep_dns_answer *answers, size_t n_servers,
                  bool use_fallback)
{
  struct ep_buf  sets[EP_DNS_MAX_SERVERS], via[EP_DNS_MAX_SERVERS], one;
  enum ep_status rc = EP_OK;
  size_t         n_sets = 0, i, j, k;

  ep_buf_init(&one, TEXT_MAX);
  for (i = 0; i < n_servers && rc == EP_OK && n_sets < EP_DNS_MAX_SERVERS;
       i++) {
    const struct ep_dns_answer *a = &answers[i];
    bool                        off_list = false;

    if (servers[i].fallback != use_fallback || a->outcome != EP_DNS_ANSWER)
      continue;
    for (j = 0; j < a->n_addrs; j++)
      if (ep_strlist_find(&name->expect, a->addrs[j]) < 0)
        off_list = true;
    if (!off_list)
      continue;
    ep_buf_reset(&one);
    for (j = 0; j < a->n_addrs && rc == EP_OK; j++)
      rc = ep_buf_printf(&one, "%s%s", j ? ", " : "", a->addrs[j]);
    for (k = 0; k < n_sets; k++)
      if (strcmp(ep_buf_str(&sets[k]), ep_buf_str(&one)) == 0)
        break;
    if (k == n_sets) {
      ep_buf_init(&sets[k], TEXT_MAX);
      ep_buf_init(&via[k], TEXT_MAX);
      n_sets++;
      if (rc == EP_OK)
        rc = ep_buf_printf(&sets[k], "%s", ep_buf_str(&one));
    }
    if (rc == EP_OK)
      rc = ep_buf_printf(&via[k], "%s%s%s", via[k].len ? ", " : "",
                         servers[i].fallback ? "fallback " : "",
                         servers[i].label);
  }
  for (k = 0; k < n_sets; k++) {
    if (rc == EP_OK)
      rc = ep_buf_printf(b, "%s%s via %s", k ? " and " : "",
                         ep_buf_str(&sets[k]), ep_buf_str(&via[k]));
    ep_buf_cleanup(&sets[k]);
    ep_buf_cleanup(&via[k]);
  }
  ep_buf_cleanup(&one);
  return rc;
}

/* The -v line of one resolver's answer. */
static enum ep_status
add_resolver_detail(struct ep_target_result *t,
                    const struct ep_dns_server *server,
                    const struct ep_dns_answer *a)
{
  struct ep_buf  b;
  enum ep_status rc;
  char           num[32];
  size_t         j;

  ep_buf_init(&b, TEXT_MAX);
  rc = ep_buf_printf(&b, "%s %s: %s", server->fallback ? "fallback" : "resolver",
                     server->label, ep_dns_outcome_str(a->outcome));
  for (j = 0; j < a->n_addrs && rc == EP_OK; j++)
    rc = ep_buf_printf(&b, "%s%s", j ? ", " : " ", a->addrs[j]);
  if (rc == EP_OK && !is_silent(a->outcome)) {
    ep_format_number(num, sizeof num, a->seconds);
    rc = ep_buf_printf(&b, " in %ss", num);
  }
  if (rc == EP_OK)
    rc = ep_target_add_detail(t, "%s", ep_buf_str(&b));
  ep_buf_cleanup(&b);
  return rc;
}

/* What one name's answers say, before any words: which group of
 * resolvers decides, and what it answered. */
struct name_facts {
  bool              any_fallback; /* a fallback was asked */
  bool              use_fallback; /* it decides: no configured one spoke */
  bool              any_answer;   /* the deciding group gave addresses */
  bool              mismatch;     /* one of them is not an expected one */
  bool              truncated;    /* more than could be checked */
  double            best;         /* the fastest answer, s; -1: none */
  const char       *best_server;
  struct ep_strlist seen;         /* the addresses, first seen first */
};

/* The verdict on one name: its state and the first cause. */
struct name_verdict {
  enum ep_state state;
  const char   *code;        /* the first cause (ep_cause.h) */
  bool          failed;      /* NXDOMAIN, SERVFAIL, ... from the group */
  enum ep_state speed;       /* the fastest answer against the thresholds */
  bool          unreachable; /* no answer: every resolver unreachable */
};

/* The kinds of failure an answer can be, in the order they are said. */
static const enum ep_dns_outcome failure_kinds[] = {
  EP_DNS_NXDOMAIN, EP_DNS_SERVFAIL, EP_DNS_REFUSED, EP_DNS_NODATA,
  EP_DNS_BADREPLY};
static const char *const failure_causes[] = {
  EP_CAUSE_DNS_NXDOMAIN, EP_CAUSE_DNS_SERVFAIL, EP_CAUSE_DNS_REFUSED,
  EP_CAUSE_DNS_NODATA, EP_CAUSE_DNS_BAD_REPLY};
#define N_FAILURE_KINDS (sizeof failure_kinds / sizeof failure_kinds[0])

/* Whether servers[i] belongs to the group that decides and said o. */
static bool
decides_with(const struct ep_dns_server *server, const struct ep_dns_answer *a,
             bool use_fallback, enum ep_dns_outcome o)
{
  return server->fallback == use_fallback && a->outcome == o;
}

/* Takes the deciding group's answers into f: the fallback decides only
 * when no configured resolver said anything.  EP_ENOMEM. */
static enum ep_status
gather_answers(const struct ep_dns_name *name,
               const struct ep_dns_server *servers,
               const struct ep_dns_answer *answers, size_t n_servers,
               struct name_facts *f)
{
  enum ep_status rc = EP_OK;
  size_t         i, j;

  memset(f, 0, sizeof *f);
  f->use_fallback = true;
  f->best = -1;
  for (i = 0; i < n_servers; i++) {
    if (servers[i].fallback)
      f->any_fallback = true;
    else if (!is_silent(answers[i].outcome))
      f->use_fallback = false;
  }
  if (!f->any_fallback)
    f->use_fallback = false;
  for (i = 0; i < n_servers && rc == EP_OK; i++) {
    const struct ep_dns_answer *a = &answers[i];

    if (!decides_with(&servers[i], a, f->use_fallback, EP_DNS_ANSWER))
      continue;
    f->any_answer = true;
    if (f->best < 0 || a->seconds < f->best) {
      f->best = a->seconds;
      f->best_server = servers[i].label;
    }
    for (j = 0; j < a->n_addrs && rc == EP_OK; j++) {
      if (!in_list(&f->seen, a->addrs[j]))
        rc = ep_strlist_add(&f->seen, a->addrs[j]);
      if (name->expect.n && !in_list(&name->expect, a->addrs[j]))
        f->mismatch = true;
    }
    /* Unseen addresses cannot be shown to be expected ones: fail closed. */
    if (name->expect.n && a->truncated)
      f->truncated = true;
  }
  return rc;
}

static void
verdict_cause(struct name_verdict *v, enum ep_state st, const char *code)
{
  v->state = ep_state_worse(v->state, st);
  if (!v->code)
    v->code = code;
}

/* Judges one name from the facts: a failure from the deciding group, a
 * stray address, too many to check, the time against the thresholds;
 * then no answer at all, a fallback that had to speak, or a configured
 * resolver silent while others answered. */
static void
judge_name(const struct ep_dns_server *servers,
           const struct ep_dns_answer *answers, size_t n_servers,
           const struct name_facts *f, const struct ep_range *warn,
           const struct ep_range *crit, struct name_verdict *v)
{
  size_t i, k;

  memset(v, 0, sizeof *v);
  v->state = v->speed = EP_STATE_OK;
  for (k = 0; k < N_FAILURE_KINDS; k++)
    for (i = 0; i < n_servers; i++)
      if (decides_with(&servers[i], &answers[i], f->use_fallback,
                       failure_kinds[k])) {
        v->failed = true;
        verdict_cause(v, EP_STATE_CRITICAL, failure_causes[k]);
      }
  if (f->any_answer && f->mismatch)
    verdict_cause(v, EP_STATE_CRITICAL, EP_CAUSE_DNS_UNEXPECTED);
  if (f->any_answer && f->truncated && !f->mismatch) {
    verdict_cause(v, EP_STATE_CRITICAL, EP_CAUSE_DNS_TOO_MANY);
  } else if (f->any_answer && v->state == EP_STATE_OK) {
    v->speed = ep_state_from_ranges(f->best, warn, crit);
    if (v->speed != EP_STATE_OK)
      verdict_cause(v, v->speed, EP_CAUSE_DNS_SLOW);
  }
  if (!f->any_answer && v->state == EP_STATE_OK) {
    /* Timed out only if something may still have answered; a resolver
     * that is unreachable failed at once. */
    v->unreachable = true;
    for (i = 0; i < n_servers; i++)
      if (answers[i].outcome != EP_DNS_UNREACHABLE)
        v->unreachable = false;
    verdict_cause(v, EP_STATE_CRITICAL, v->unreachable
                                          ? EP_CAUSE_DNS_UNREACHABLE
                                          : EP_CAUSE_DNS_TIMEOUT);
  } else if (f->use_fallback && f->any_answer) {
    verdict_cause(v, EP_STATE_WARNING, EP_CAUSE_DNS_FALLBACK);
  } else if (!f->use_fallback) {
    for (i = 0; i < n_servers; i++)
      if (!servers[i].fallback && is_silent(answers[i].outcome)) {
        verdict_cause(v, EP_STATE_WARNING, EP_CAUSE_DNS_SILENT);
        break;
      }
  }
}

/* "a, b, c" */
static enum ep_status
put_list(struct ep_buf *b, const struct ep_strlist *l)
{
  enum ep_status rc = EP_OK;
  size_t         j;

  for (j = 0; j < l->n && rc == EP_OK; j++)
    rc = ep_buf_printf(b, "%s%s", j ? ", " : "", l->v[j]);
  return rc;
}

/* "NAME NXDOMAIN from 8.8.8.8, 8.8.4.4; NAME SERVFAIL from ...": the
 * deciding group's failures, grouped by kind, each naming its resolvers. */
static enum ep_status
word_failures(struct ep_buf *b, const struct ep_dns_name *name,
              const struct ep_dns_server *servers,
              const struct ep_dns_answer *answers, size_t n_servers,
              bool use_fallback)
{
  enum ep_status rc = EP_OK;
  size_t         i, k;

  for (k = 0; k < N_FAILURE_KINDS && rc == EP_OK; k++) {
    size_t listed = 0;

    for (i = 0; i < n_servers && rc == EP_OK; i++) {
      if (!decides_with(&servers[i], &answers[i], use_fallback,
                        failure_kinds[k]))
        continue;
      if (listed++ == 0)
        rc = ep_buf_printf(b, "%s%s %s from %s", b->len ? "; " : "",
                           name->name, ep_dns_outcome_str(failure_kinds[k]),
                           servers[i].fallback ? "fallback " : "");
      else
        rc = ep_buf_printf(b, ", ");
      if (rc == EP_OK)
        rc = ep_buf_printf(b, "%s", servers[i].label);
    }
  }
  return rc;
}

/* What the deciding group answered: the addresses beside a failure, the
 * stray ones, too many to check, or the answer and its time. */
static enum ep_status
word_answer(struct ep_buf *b, const struct ep_dns_name *name,
            const struct ep_dns_server *servers,
            const struct ep_dns_answer *answers, size_t n_servers,
            const struct name_facts *f, const struct name_verdict *v,
            const struct ep_range *warn, const struct ep_range *crit)
{
  const char    *via = f->use_fallback ? "fallback " : "";
  enum ep_status rc = EP_OK;
  char           num[32];

  if (v->failed && !f->mismatch) {
    rc = ep_buf_printf(b, ", while %s%s resolved it to ", via, f->best_server);
    if (rc == EP_OK)
      rc = put_list(b, &f->seen);
  }
  if (rc == EP_OK && f->mismatch) {
    rc = ep_buf_printf(b, "%s%s resolved to ", b->len ? "; " : "", name->name);
    if (rc == EP_OK)
      rc = describe_off_list(b, name, servers, answers, n_servers,
                             f->use_fallback);
    if (rc == EP_OK)
      rc = ep_buf_printf(b, ", expected only ");
    if (rc == EP_OK)
      rc = put_list(b, &name->expect);
  }
  if (rc == EP_OK && f->truncated && !f->mismatch)
    return ep_buf_printf(b, "%s%s has more than %d addresses: not all could "
                            "be checked against the expected ones",
                         b->len ? "; " : "", name->name, EP_DNS_MAX_ADDRS);
  if (rc != EP_OK || v->failed || f->mismatch)
    return rc;
  ep_format_number(num, sizeof num, f->best);
  rc = ep_buf_printf(b, "%s resolved to ", name->name);
  if (rc == EP_OK)
    rc = put_list(b, &f->seen);
  if (rc == EP_OK)
    rc = ep_buf_printf(b, " via %s%s in %ss", via, f->best_server, num);
  if (rc == EP_OK && v->speed != EP_STATE_OK)
    rc = ep_buf_printf(b, " (over %s %s)",
                       v->speed == EP_STATE_CRITICAL ? "critical" : "warning",
                       v->speed == EP_STATE_CRITICAL ? crit->text : warn->text);
  return rc;
}

/* "NAME timed out: no answer from 8.8.8.8 nor fallback 127.0.0.53". */
static enum ep_status
word_no_answer(struct ep_buf *b, const struct ep_dns_name *name,
               const struct ep_dns_server *servers,
               const struct ep_dns_answer *answers, size_t n_servers,
               const struct name_facts *f, const struct name_verdict *v)
{
  enum ep_status rc;
  size_t         i;

  rc = ep_buf_printf(b, "%s %s: no answer from ", name->name,
                     v->unreachable ? "not resolved" : "timed out");
  if (rc == EP_OK)
    rc = list_servers(b, servers, answers, n_servers, false, is_silent);
  if (rc == EP_OK && f->any_fallback) {
    rc = ep_buf_printf(b, " nor fallback ");
    if (rc == EP_OK)
      rc = list_servers(b, servers, answers, n_servers, true, is_silent);
  }
  if (rc == EP_OK && v->unreachable) {
    const struct ep_dns_answer *row[EP_DNS_MAX_SERVERS];

    for (i = 0; i < n_servers && i < EP_DNS_MAX_SERVERS; i++)
      row[i] = &answers[i];
    rc = ep_buf_printf(b, " (%s)", ep_dns_silence_words(row, i).text);
  }
  return rc;
}

/* The configured resolvers that said nothing, when others did or the
 * fallback had to. */
static enum ep_status
word_silent(struct ep_buf *b, const struct ep_dns_server *servers,
            const struct ep_dns_answer *answers, size_t n_servers,
            const struct name_facts *f)
{
  struct ep_buf  silent;
  enum ep_status rc;

  if (f->use_fallback) {
    rc = ep_buf_printf(b, "; ");
    if (rc == EP_OK)
      rc = list_servers(b, servers, answers, n_servers, false, is_silent);
    return rc == EP_OK ? ep_buf_printf(b, " did not answer") : rc;
  }
  ep_buf_init(&silent, TEXT_MAX);
  rc = list_servers(&silent, servers, answers, n_servers, false, is_silent);
  if (rc == EP_OK && silent.len)
    rc = ep_buf_printf(b, "; %s did not answer", ep_buf_str(&silent));
  ep_buf_cleanup(&silent);
  return rc;
}

/* The name's line, in the order the verdict was reached. */
static enum ep_status
word_name(struct ep_buf *b, const struct ep_dns_name *name,
          const struct ep_dns_server *servers,
          const struct ep_dns_answer *answers, size_t n_servers,
          const struct name_facts *f, const struct name_verdict *v,
          const struct ep_range *warn, const struct ep_range *crit)
{
  enum ep_status rc;

  rc = word_failures(b, name, servers, answers, n_servers, f->use_fallback);
  if (rc == EP_OK && f->any_answer)
    rc = word_answer(b, name, servers, answers, n_servers, f, v, warn, crit);
  if (rc != EP_OK)
    return rc;
  if (!f->any_answer && !v->failed)
    return word_no_answer(b, name, servers, answers, n_servers, f, v);
  if (f->any_answer || !f->use_fallback)
    return word_silent(b, servers, answers, n_servers, f);
  return EP_OK;
}

/* One resolver's answer for --format json; NULL when out of memory. */
static json_object *
resolver_json(const struct ep_dns_server *server,
              const struct ep_dns_answer *a)
{
  json_object   *one = json_object_new_object();
  json_object   *addrs = json_object_new_array();
  enum ep_status rc = addrs ? EP_OK : EP_ENOMEM;
  size_t         j;

  for (j = 0; j < a->n_addrs && rc == EP_OK; j++)
    rc = ep_json_append(addrs, json_object_new_string(a->addrs[j]));
  if (rc == EP_OK)
    rc = ep_json_put(one, "server", json_object_new_string(server->label));
  if (rc == EP_OK)
    rc = ep_json_put(one, "fallback",
                     json_object_new_boolean(server->fallback));
  if (rc == EP_OK)
    rc = ep_json_put(one, "outcome",
                     json_object_new_string(ep_dns_outcome_str(a->outcome)));
  rc = ep_json_put_built(one, "addresses", addrs, rc);
  if (rc == EP_OK && !is_silent(a->outcome))
    rc = ep_json_put(one, "seconds", json_object_new_double(a->seconds));
  return ep_json_built(one, rc);
}

/* The name's figures for --format json: each resolver's answer, the
 * addresses of the group that decided, the fastest answer's time. */
static enum ep_status
add_name_json(json_object *d, const struct ep_dns_server *servers,
              const struct ep_dns_answer *answers, size_t n_servers,
              const struct name_facts *f)
{
  json_object   *list = json_object_new_array(), *addrs;
  enum ep_status rc = EP_OK;
  size_t         i, j;

  for (i = 0; i < n_servers && rc == EP_OK; i++)
    rc = ep_json_append(list, resolver_json(&servers[i], &answers[i]));
  rc = ep_json_put_built(d, "resolvers", list, rc);
  addrs = rc == EP_OK ? json_object_new_array() : NULL;
  for (j = 0; j < f->seen.n && rc == EP_OK; j++)
    rc = ep_json_append(addrs, json_object_new_string(f->seen.v[j]));
  rc = ep_json_put_built(d, "addresses", addrs, rc);
  if (rc == EP_OK && f->best >= 0)
    rc = ep_json_put(d, "response_time", json_object_new_double(f->best));
  return rc;
}

static enum ep_status
add_name_perf(struct ep_target_result *t, const struct ep_dns_name *name,
              const struct name_facts *f, const struct ep_range *warn,
              const struct ep_range *crit)
{
  static const double zero = 0;

  return ep_target_add_perf(t,
                            &(struct ep_figure){.figure = "response_time",
                                                .unit = EP_UNIT_SECONDS,
                                                .label = name->name,
                                                .warn = warn,
                                                .crit = crit,
                                                .min = &zero},
                            f->best >= 0, f->best);
}

enum ep_status
ep_dns_evaluate(const struct ep_dns_name *name,
                const struct ep_dns_server *servers,
                const struct ep_dns_answer *answers, size_t n_servers,
                const struct ep_range *warn, const struct ep_range *crit,
                struct ep_check_result *out, struct ep_err *err)
{
  struct ep_target_result *t;
  struct name_facts        f;
  struct name_verdict      v;
  struct ep_buf            b;
  enum ep_status           rc;
  size_t                   i;

  if (!(t = ep_check_result_add(out, name->name, err)))
    return EP_ENOMEM;
  rc = gather_answers(name, servers, answers, n_servers, &f);
  judge_name(servers, answers, n_servers, &f, warn, crit, &v);
  t->state = v.state;
  if (v.code)
    ep_target_set_cause(t, v.code);
  if (rc == EP_OK)
    rc = add_name_json(t->data, servers, answers, n_servers, &f);
  for (i = 0; i < n_servers && rc == EP_OK; i++)
    rc = add_resolver_detail(t, &servers[i], &answers[i]);
  ep_buf_init(&b, TEXT_MAX);
  if (rc == EP_OK)
    rc = word_name(&b, name, servers, answers, n_servers, &f, &v, warn, crit);
  if (rc == EP_OK)
    rc = ep_target_set_text(t, "%s", ep_buf_str(&b));
  if (rc == EP_OK)
    rc = add_name_perf(t, name, &f, warn, crit);
  ep_strlist_free(&f.seen);
  ep_buf_cleanup(&b);
  if (rc != EP_OK)
    return ep_err_set(err, rc, "cannot build the result of %s: %s",
                      name->name, ep_status_str(rc));
  return EP_OK;
}

/* A resolver that was silent (or refused) for every name is the cause to
 * name first, once, rather than in every name's line. */
static bool
server_all(const struct ep_dns_answer *answers, size_t n_names,
           size_t n_servers, size_t s, bool (*pass)(enum ep_dns_outcome))
{
  size_t i;

  for (i = 0; i < n_names; i++)
    if (!pass(answers[i * n_servers + s].outcome))
      return false;
  return n_names > 0;
}

/* Every answer of the group's silent servers was "unreachable": why, in
 * words, into *why ("network unreachable" when they agree). */
static bool
all_unreachable(const struct ep_dns_answer *answers, size_t n_names,
                size_t n_servers, const struct ep_dns_server *servers,
                bool fallback, struct ep_errtext *why)
{
  size_t i, s;
  int    e = -1;

  for (s = 0; s < n_servers; s++) {
    if (servers[s].fallback != fallback)
      continue;
    for (i = 0; i < n_names; i++) {
      const struct ep_dns_answer *a = &answers[i * n_servers + s];

      if (is_silent(a->outcome) && a->outcome != EP_DNS_UNREACHABLE)
        return false;
      if (a->outcome != EP_DNS_UNREACHABLE)
        continue;
      if (e == -1)
        e = a->os_errno;
      else if (e != a->os_errno)
        e = 0;
    }
  }
  if (e == -1)
    return false;
  if (e > 0)
    *why = ep_net_strerror(e, true);
  else
    snprintf(why->text, sizeof why->text, "unreachable");
  return true;
}

static bool
refused(enum ep_dns_outcome o)
{
  return o == EP_DNS_REFUSED;
}

/* Whether a name's trouble is already said by the summary's resolver-wide
 * causes (a resolver silent, or refusing, for every name), so that its own
 * line need not be repeated in the first line.  Anything else about it,
 * an answer from another resolver that failed, a stray address, a slow
 * answer, is its own news. */
static bool
explained(const struct ep_target_result *t,
          const struct ep_dns_server *servers, const struct ep_dns_answer *row,
          size_t n_servers, const struct ep_dns_answer *answers,
          size_t n_names)
{
  size_t s;
  bool   primaries_silent = true, said = false;

  if (strstr(t->text, "expected only") || strstr(t->text, "(over "))
    return false;
  for (s = 0; s < n_servers; s++)
    if (!servers[s].fallback && !is_silent(row[s].outcome))
      primaries_silent = false;
  for (s = 0; s < n_servers; s++) {
    enum ep_dns_outcome o = row[s].outcome;

    /* The fallback speaks only for a name no configured resolver did. */
    if (servers[s].fallback && !primaries_silent)
      continue;
    if (o == EP_DNS_ANSWER)
      continue;
    if (is_silent(o) && server_all(answers, n_names, n_servers, s, is_silent))
      said = true;
    else if (o == EP_DNS_REFUSED &&
             server_all(answers, n_names, n_servers, s, refused))
      said = true;
    else
      return false;
  }
  return said;
}

/* The resolvers silent, or refusing, for every name: each group's list,
 * which the first line names once rather than in every name's line. */
struct resolver_tally {
  struct ep_buf silent, fb_silent, refusing, fb_refusing;
  size_t        fb_answers; /* names the fallback resolved */
  bool          fallback_used; /* every configured resolver silent */
};

static void
tally_cleanup(struct resolver_tally *r)
{
  ep_buf_cleanup(&r->silent);
  ep_buf_cleanup(&r->fb_silent);
  ep_buf_cleanup(&r->refusing);
  ep_buf_cleanup(&r->fb_refusing);
}

static enum ep_status
tally_resolvers(const struct ep_dns_server *servers, size_t n_servers,
                const struct ep_dns_answer *answers, size_t n_names,
                struct resolver_tally *r)
{
  enum ep_status rc = EP_OK;
  size_t         i, s, n_primary = 0, n_primary_silent = 0;

  memset(r, 0, sizeof *r);
  ep_buf_init(&r->silent, TEXT_MAX);
  ep_buf_init(&r->fb_silent, TEXT_MAX);
  ep_buf_init(&r->refusing, TEXT_MAX);
  ep_buf_init(&r->fb_refusing, TEXT_MAX);
  for (s = 0; s < n_servers && rc == EP_OK; s++) {
    bool           fb = servers[s].fallback;
    struct ep_buf *to_silent = fb ? &r->fb_silent : &r->silent;
    struct ep_buf *to_refusing = fb ? &r->fb_refusing : &r->refusing;

    if (fb) {
      for (i = 0; i < n_names; i++)
        if (answers[i * n_servers + s].outcome == EP_DNS_ANSWER)
          r->fb_answers++;
    } else {
      n_primary++;
    }
    if (server_all(answers, n_names, n_servers, s, is_silent)) {
      n_primary_silent += !fb;
      rc = ep_buf_printf(to_silent, "%s%s", to_silent->len ? ", " : "",
                         servers[s].label);
    } else if (server_all(answers, n_names, n_servers, s, refused)) {
      rc = ep_buf_printf(to_refusing, "%s%s", to_refusing->len ? ", " : "",
                         servers[s].label);
    }
  }
  /* The fallback matters only once every configured resolver is silent. */
  r->fallback_used = n_primary > 0 && n_primary_silent == n_primary;
  return rc;
}

/* "8.8.8.8 not answering (network unreachable), fallback answered;
 * 1.1.1.1 refuses queries". */
static enum ep_status
word_resolvers(struct ep_buf *b, const struct resolver_tally *r,
               const struct ep_dns_server *servers, size_t n_servers,
               const struct ep_dns_answer *answers, size_t n_names)
{
  struct ep_errtext why;
  enum ep_status    rc = EP_OK;

  if (r->silent.len) {
    if (all_unreachable(answers, n_names, n_servers, servers, false, &why))
      rc = ep_buf_printf(b, "%s not answering (%s)", ep_buf_str(&r->silent),
                         why.text);
    else
      rc = ep_buf_printf(b, "%s not answering", ep_buf_str(&r->silent));
    if (rc == EP_OK && r->fallback_used && r->fb_silent.len) {
      if (all_unreachable(answers, n_names, n_servers, servers, true, &why))
        rc = ep_buf_printf(b, ", fallback %s not answering either (%s)",
                           ep_buf_str(&r->fb_silent), why.text);
      else
        rc = ep_buf_printf(b, ", fallback %s not answering either",
                           ep_buf_str(&r->fb_silent));
    } else if (rc == EP_OK && r->fallback_used && r->fb_refusing.len) {
      rc = ep_buf_printf(b, ", fallback %s refuses queries",
                         ep_buf_str(&r->fb_refusing));
    } else if (rc == EP_OK && r->fallback_used && r->fb_answers) {
      rc = ep_buf_printf(b, ", fallback answered");
    }
  }
  if (rc == EP_OK && r->refusing.len)
    rc = ep_buf_printf(b, "%s%s refuses queries", b->len ? "; " : "",
                       ep_buf_str(&r->refusing));
  return rc;
}

/* The names' own troubles, those the resolvers' causes do not already
 * say, a cause shared by several said once; else how many names are
 * fine beside the resolvers' causes. */
static enum ep_status
word_names(struct ep_buf *b, const struct ep_check_result *out,
           const struct ep_dns_server *servers, size_t n_servers,
           const struct ep_dns_answer *answers, size_t n_names)
{
  struct ep_problem *own = calloc(out->n_targets + 1, sizeof *own);
  enum ep_status     rc = EP_OK;
  size_t             i, shown = 0, problems = 0;

  if (!own)
    return EP_ENOMEM;
  for (i = 0; i < out->n_targets; i++) {
    const struct ep_target_result *t = &out->targets[i];
    size_t                         len = strlen(t->name);

    if (t->state == EP_STATE_OK)
      continue;
    problems++;
    if (explained(t, servers, &answers[i * n_servers], n_servers, answers,
                  n_names))
      continue;
    own[shown].text = t->text;
    own[shown++].why = strncmp(t->text, t->name, len) == 0 &&
                           t->text[len] == ' '
                         ? t->text + len + 1
                         : NULL;
  }
  if (shown) {
    if (b->len)
      rc = ep_buf_printf(b, "; ");
    if (rc == EP_OK)
      rc = ep_summary_problems(b, own, shown, out->n_targets,
                               out->n_targets - problems, "names",
                               b->len < EP_SUMMARY_BUDGET
                                 ? EP_SUMMARY_BUDGET - b->len
                                 : 0);
  } else if (b->len && problems < out->n_targets) {
    rc = ep_buf_printf(b, " (%zu of %zu names fine)",
                       out->n_targets - problems, out->n_targets);
  }
  free(own);
  return rc;
}

enum ep_status
ep_dns_summarize(struct ep_check_result *out,
                 const struct ep_dns_server *servers, size_t n_servers,
                 const struct ep_dns_answer *answers, size_t n_names,
                 struct ep_err *err)
{
  struct resolver_tally tally;
  struct ep_buf         b;
  enum ep_status        rc;

  ep_check_result_settle(out);
  ep_buf_init(&b, TEXT_MAX);
  rc = tally_resolvers(servers, n_servers, answers, n_names, &tally);
  if (rc == EP_OK)
    rc = word_resolvers(&b, &tally, servers, n_servers, answers, n_names);
  if (rc == EP_OK)
    rc = word_names(&b, out, servers, n_servers, answers, n_names);
  if (rc == EP_OK && !b.len) {
    if (out->n_targets == 1)
      rc = ep_buf_printf(&b, "%s", out->targets[0].text);
    else
      rc = ep_buf_printf(&b, "%zu names resolved", out->n_targets);
  }
  if (rc == EP_OK)
    rc = ep_check_result_take_summary(out, &b);
  ep_buf_cleanup(&b);
  tally_cleanup(&tally);
  if (rc != EP_OK)
    return ep_err_set(err, rc, "cannot build the DNS summary");
  return EP_OK;
}

/* --- the probe --- */

/* What a resolver's answer to one of its own questions fills in. */
struct probe_slot {
  struct dns_ctx *ctx;
  bool            dnssec; /* else the .invalid name */
};

static void
on_probe_answer(void *arg, size_t server, const struct ep_dns_answer *answer)
{
  struct probe_slot *sl = arg;
  struct dns_ctx    *c = sl->ctx;

  if (sl->dnssec)
    c->probes[server].dnssec = *answer;
  else
    c->probes[server].invalid = *answer;
  c->pending--;
  free(sl);
}

/* Asks server s the resolvers' questions: the .invalid name always, the
 * root zone's SOA with DO when DNSSEC is to be judged. */
static enum ep_status
ask_resolver(struct dns_ctx *c, size_t s, struct timespec now,
             struct ep_err *err)
{
  struct probe_slot *sl;
  int                k;

  for (k = 0; k < (c->dnssec ? 2 : 1); k++) {
    if (!(sl = malloc(sizeof *sl)))
      return ep_err_set(err, EP_ENOMEM, "out of memory starting queries");
    sl->ctx = c;
    sl->dnssec = k == 1;
    c->pending++;
    if (ep_resolver_ask(c->run->resolver, s,
                        k ? EP_DNS_DNSSEC_NAME : c->invalid_name,
                        k ? &ep_dns_dnssec_question : NULL, on_probe_answer,
                        sl, now, err) != EP_OK) {
      c->pending--;
      free(sl);
      return err ? err->code : EP_ELIB;
    }
  }
  return EP_OK;
}

static void
on_answer(void *arg, size_t server, const struct ep_dns_answer *answer)
{
  struct slot    *sl = arg;
  struct dns_ctx *c = sl->ctx;

  c->answers[sl->name * c->n_servers + server] = *answer;
  c->pending--;
  free(sl);
}

static enum ep_status
dns_start(struct ep_probe *p, struct ep_run *run, struct ep_err *err)
{
  struct dns_ctx *c = p->ctx;
  struct timespec now;
  struct slot    *sl;
  size_t          i, s;

  c->run = run;
  if (!run->resolver)
    return ep_err_set(err, EP_EINVAL, "dns probe: the run has no resolver");
  c->n_servers = ep_resolver_server_count(run->resolver);
  c->answers = calloc(c->n_names * c->n_servers + 1, sizeof *c->answers);
  c->probes = calloc(c->n_servers + 1, sizeof *c->probes);
  if (!c->answers || !c->probes)
    return ep_err_set(err, EP_ENOMEM, "out of memory starting DNS queries");
  if (ep_dns_invalid_name(c->invalid_name, err) != EP_OK)
    return err ? err->code : EP_ELIB;
  now = ep_time_now();
  for (i = 0; i < c->n_names; i++) {
    for (s = 0; s < c->n_servers; s++) {
      if (!(sl = malloc(sizeof *sl)))
        return ep_err_set(err, EP_ENOMEM, "out of memory starting queries");
      sl->ctx = c;
      sl->name = i;
      c->pending++;
      if (ep_resolver_query(run->resolver, s, c->names[i].name, on_answer, sl,
                            now, err) != EP_OK) {
        c->pending--;
        free(sl);
        return err ? err->code : EP_ELIB;
      }
    }
  }
  /* After the names: their response times are not the ones to wait. */
  for (s = 0; s < c->n_servers; s++)
    if (ask_resolver(c, s, now, err) != EP_OK)
      return err ? err->code : EP_ELIB;
  return EP_OK;
}

static bool
dns_done(const struct ep_probe *p)
{
  const struct dns_ctx *c = p->ctx;

  return c->pending == 0;
}

static enum ep_status
dns_finish(struct ep_probe *p, struct ep_check_result *out, struct ep_err *err)
{
  struct dns_ctx             *c = p->ctx;
  struct ep_dns_server       *servers;
  size_t                      i;
  enum ep_status              rc = EP_OK;

  servers = calloc(c->n_servers + 1, sizeof *servers);
  if (!servers)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  for (i = 0; i < c->n_servers; i++)
    servers[i] = *ep_resolver_server(c->run->resolver, i);
  if (!(out->check = strdup("dns")))
    rc = ep_err_set(err, EP_ENOMEM, "out of memory");
  for (i = 0; i < c->n_names && rc == EP_OK; i++)
    rc = ep_dns_evaluate(&c->names[i], servers,
                         &c->answers[i * c->n_servers], c->n_servers, &c->warn,
                         &c->crit, out, err);
  if (rc == EP_OK)
    rc = ep_dns_summarize(out, servers, c->n_servers, c->answers, c->n_names,
                          err);
  if (rc == EP_OK)
    rc = ep_dns_judge_resolvers(servers, c->probes, c->n_servers,
                                c->invalid_name, c->dnssec, out, err);
  free(servers);
  return rc;
}

static void
dns_destroy(struct ep_probe *p)
{
  struct dns_ctx *c;

  if (!p)
    return;
  c = p->ctx;
  if (c) {
    ep_dns_names_free(c->names, c->n_names);
    free(c->answers);
    free(c->probes);
    free(c);
  }
  free(p);
}

static const struct ep_probe_ops dns_ops = {
  "dns", dns_start, NULL, NULL, dns_done, dns_finish, dns_destroy,
};

struct ep_probe *
ep_dns_probe_new(const struct ep_dns_name *names, size_t n,
                 const struct ep_range *warn, const struct ep_range *crit,
                 bool dnssec, struct ep_err *err)
{
  struct ep_probe *p = calloc(1, sizeof *p);
  struct dns_ctx  *c = calloc(1, sizeof *c);
  size_t           i;

  if (!p || !c)
    goto nomem;
  p->ops = &dns_ops;
  p->ctx = c;
  c->dnssec = dnssec;
  if (warn)
    c->warn = *warn;
  if (crit)
    c->crit = *crit;
  for (i = 0; i < n; i++)
    if (add_name(&c->names, &c->n_names, names[i].name, &names[i].expect) !=
        EP_OK)
      goto nomem;
  return p;
nomem:
  if (p && c) {
    dns_destroy(p);
  } else {
    free(p);
    free(c);
  }
  ep_err_set(err, EP_ENOMEM, "out of memory creating the dns probe");
  return NULL;
}

static struct ep_probe *
dns_create(const struct ep_config *cfg, const struct ep_check_config *cc,
           struct ep_err *err)
{
  const struct ep_dns_profile *own = ep_config_part(cfg, &ep_dns_kind);
  struct ep_dns_name          *names;
  struct ep_probe             *p;
  size_t                       n;

  if (ep_dns_collect_names(cfg->profile, &names, &n, err) != EP_OK)
    return NULL;
  p = ep_dns_probe_new(names, n, &cc->warn, &cc->crit, own->dnssec, err);
  ep_dns_names_free(names, n);
  return p;
}

/* -H: the names given are the whole target list, each expecting the -a
 * addresses. */
/* -H names alone: the lists of names other checks need are dropped. */
static void
forget_other_names(struct ep_profile *p)
{
  const struct ep_field *f;
  size_t                 i;

  for (i = 0; p->sections && p->sections[i]; i++)
    for (f = p->sections[i]->fields; f->member; f++)
      if (f->resolve_rank && f->type == EP_FIELD_LIST)
        ep_strlist_free(EP_FIELD_AT(p->parts[i], f->offset,
                                    struct ep_strlist));
}

static enum ep_status
copy_expect(struct ep_strlist *to, const struct ep_strlist *from)
{
  size_t i;

  for (i = 0; i < from->n; i++)
    if (ep_strlist_add(to, from->v[i]) != EP_OK)
      return EP_ENOMEM;
  return EP_OK;
}

static enum ep_status
dns_hosts(struct ep_profile *p, const struct ep_settings *s,
          struct ep_err *err)
{
  const char            *what = ep_settings_names(s)->hosts;
  struct ep_dns_profile *own = ep_profile_part(p, &ep_dns_section);
  struct ep_strlist      expect = {NULL, 0};
  struct ep_dns_name    *names;
  enum ep_status         rc = EP_OK;
  size_t                 i;

  for (i = 0; i < s->hosts.n; i++)
    if (ep_hostname_check(s->hosts.v[i], what, err) != EP_OK)
      return EP_EINVAL;
  if (ep_settings_values(s, &ep_dns_option_expect, &expect) < 0 ||
      !(names = calloc(s->hosts.n, sizeof *names))) {
    ep_strlist_free(&expect);
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  }
  ep_dns_names_free(own->names.v, own->names.n);
  own->names.v = names;
  own->names.n = s->hosts.n;
  for (i = 0; i < s->hosts.n && rc == EP_OK; i++)
    if (!(names[i].name = strdup(s->hosts.v[i])) ||
        copy_expect(&names[i].expect, &expect) != EP_OK)
      rc = ep_err_set(err, EP_ENOMEM, "out of memory");
  ep_strlist_free(&expect);
  forget_other_names(p);
  free(p->proxy.url);
  p->proxy.url = NULL;
  return rc;
}

static enum ep_status
dns_configure(struct ep_config *cfg, struct ep_check_config *cc,
              const struct ep_settings *s, bool only, struct ep_err *err)
{
  struct ep_dns_profile *own = ep_config_part(cfg, &ep_dns_kind);
  struct ep_dns_name    *names;
  size_t                 n;

  if (only && s->hosts.n && dns_hosts(cfg->profile, s, err) != EP_OK)
    return err ? err->code : EP_EINVAL;
  if (only && ep_settings_value(s, &ep_dns_option_dnssec, NULL))
    own->dnssec = true;
  if (ep_config_thresholds(cc, s, only, own->warning, own->critical, err) !=
      EP_OK)
    return EP_EINVAL;
  if (ep_dns_collect_names(cfg->profile, &names, &n, err) != EP_OK)
    return err ? err->code : EP_ENOMEM;
  ep_dns_names_free(names, n);
  if (n == 0 && only)
    return ep_err_set(err, EP_EINVAL, "%s: no names to resolve",
                      cfg->profile->name);
  cc->wanted = n > 0;
  return EP_OK;
}

const struct ep_probe_kind ep_dns_kind = {
  .name = "dns",
  .title = "DNS",
  .noun = "names",
  .section = &ep_dns_section,
  .doc = &ep_dns_doc,
  .report = &ep_dns_reporting,
  .figures = ep_dns_figures,
  .mib = &ep_dns_mib,
  .configure = dns_configure,
  .create = dns_create,
};
