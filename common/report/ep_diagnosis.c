#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ep_cause.h"
#include "ep_diagnosis.h"
#include "ep_output.h"

/* What the kind of the run's check k declares it may be read for. */
static bool
has_role(const struct ep_run_result *run, size_t k, unsigned role)
{
  const struct ep_kind_report *r = run->kinds[k]->report;

  return r && (r->roles & role);
}

/* How causes call check k ("NATS", "machines"). */
static const char *
title_of(const struct ep_run_result *run, size_t k)
{
  const struct ep_kind_report *r = run->kinds[k]->report;

  return r && r->short_title ? r->short_title : run->kinds[k]->title;
}

static const struct ep_check_result *
ran(const struct ep_run_result *run, size_t k)
{
  return k < run->n && run->checks[k].ran ? &run->checks[k] : NULL;
}

/* The first check of the run with role that ran, or -1. */
static int
ran_with(const struct ep_run_result *run, unsigned role)
{
  size_t k;

  for (k = 0; k < run->n; k++)
    if (ran(run, k) && has_role(run, k, role))
      return (int)k;
  return -1;
}

static bool
failing(const struct ep_target_result *t)
{
  return t->state != EP_STATE_OK;
}

static bool
cause_is(const struct ep_target_result *t, const char *code)
{
  return t->cause && strcmp(t->cause, code) == 0;
}

static bool
cause_in(const struct ep_target_result *t, const char *const *codes)
{
  for (; *codes; codes++)
    if (cause_is(t, *codes))
      return true;
  return false;
}

/* A new cause, or -1 when the list is full (it is then only counted). */
static int
vadd_cause(struct ep_diagnosis *d, bool rule, const char *code, int check,
           const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static int
vadd_cause(struct ep_diagnosis *d, bool rule, const char *code, int check,
           const char *fmt, va_list ap)
{
  struct ep_root_cause *c;

  if (d->n == EP_DIAGNOSIS_MAX) {
    d->n_more++;
    return -1;
  }
  c = &d->causes[d->n];
  memset(c, 0, sizeof *c);
  c->code = code;
  c->check = check;
  c->rule = rule;
  c->state = EP_STATE_OK;
  vsnprintf(c->text, sizeof c->text, fmt, ap);
  return (int)d->n++;
}

/* A cause a rule found: it explains more than its own target. */
static int
add_cause(struct ep_diagnosis *d, const char *code, int check,
          const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
add_cause(struct ep_diagnosis *d, const char *code, int check,
          const char *fmt, ...)
{
  va_list ap;
  int     i;

  va_start(ap, fmt);
  i = vadd_cause(d, true, code, check, fmt, ap);
  va_end(ap);
  return i;
}

/* A check's own failures, which no rule explained. */
static int
add_symptom(struct ep_diagnosis *d, const char *code, int check,
            const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
add_symptom(struct ep_diagnosis *d, const char *code, int check,
            const char *fmt, ...)
{
  va_list ap;
  int     i;

  va_start(ap, fmt);
  i = vadd_cause(d, false, code, check, fmt, ap);
  va_end(ap);
  return i;
}

static void
explain(struct ep_diagnosis *d, int cause, const struct ep_run_result *run,
        size_t k, size_t i)
{
  if (cause < 0 || d->by[k][i] >= 0)
    return;
  d->by[k][i] = cause;
  d->causes[cause].n_explained++;
  d->causes[cause].state =
    ep_state_worse(d->causes[cause].state, run->checks[k].targets[i].state);
}

static bool
unexplained_failure(const struct ep_diagnosis *d,
                    const struct ep_run_result *run, size_t k, size_t i)
{
  return d->by[k][i] < 0 && failing(&run->checks[k].targets[i]);
}

/* Every target of every check failing, each with one of codes, and DNS
 * unreachable for every name: there is no network at all. */
static void
rule_no_network(struct ep_diagnosis *d, const struct ep_run_result *run)
{
  static const char *const dead[] = {
    EP_CAUSE_UNRESOLVED,      EP_CAUSE_DNS_UNREACHABLE,
    EP_CAUSE_TCP_UNREACHABLE, EP_CAUSE_NTP_UNREACHABLE,
    EP_CAUSE_PROXY_UNREACHABLE, EP_CAUSE_PROXY_UNRESOLVED,
    EP_CAUSE_NO_ROUTE,        NULL};
  int                           r = ran_with(run, EP_ROLE_RESOLVER);
  const struct ep_check_result *dns = r >= 0 ? ran(run, (size_t)r) : NULL;
  size_t                        i, k;
  int                           c;

  if (!dns || dns->n_targets == 0)
    return;
  for (k = 0; k < run->n; k++) {
    const struct ep_check_result *x = ran(run, k);

    for (i = 0; x && has_role(run, k, EP_ROLE_CLOUD) && i < x->n_targets; i++)
      if (!failing(&x->targets[i]) || !cause_in(&x->targets[i], dead))
        return;
  }
  for (i = 0; i < dns->n_targets; i++)
    if (!cause_is(&dns->targets[i], EP_CAUSE_DNS_UNREACHABLE))
      return;
  /* The system's words ("network unreachable") are on the DNS item's
   * line, below: the first line stays short. */
  c = add_cause(d, EP_ROOT_NO_NETWORK, r,
                "no network: every resolver and endpoint is unreachable");
  for (k = 0; k < run->n; k++)
    for (i = 0; ran(run, k) && has_role(run, k, EP_ROLE_CLOUD) &&
                i < run->checks[k].n_targets;
         i++)
      explain(d, c, run, k, i);
}

/* What a link that is down or weak makes of a cloud target: silence,
 * and endpoints or names out of reach. */
static const char *const lost_on_the_link[] = {
  EP_CAUSE_TIMEOUT,         EP_CAUSE_TCP_TIMEOUT,     EP_CAUSE_TCP_UNREACHABLE,
  EP_CAUSE_DNS_TIMEOUT,     EP_CAUSE_DNS_UNREACHABLE, EP_CAUSE_DNS_SILENT,
  EP_CAUSE_DNS_FALLBACK,    EP_CAUSE_UNRESOLVED,      EP_CAUSE_NTP_TIMEOUT,
  EP_CAUSE_NTP_UNREACHABLE, EP_CAUSE_PROXY_UNREACHABLE, EP_CAUSE_NO_ROUTE,
  NULL};

/* How many failing cloud targets outside check lk a link down explains;
 * with c not -1, each is marked explained by cause c. */
static size_t
lost_targets(struct ep_diagnosis *d, const struct ep_run_result *run,
             size_t lk, int c)
{
  size_t i, k, n = 0;

  for (k = 0; k < run->n; k++)
    for (i = 0; k != lk && ran(run, k) &&
                has_role(run, k, EP_ROLE_CLOUD | EP_ROLE_RESOLVER) &&
                i < run->checks[k].n_targets;
         i++)
      if (unexplained_failure(d, run, k, i) &&
          cause_in(&run->checks[k].targets[i], lost_on_the_link)) {
        n++;
        if (c >= 0)
          explain(d, c, run, k, i);
      }
  return n;
}

/* A link that is down, or a radio too weak to carry, explains the
 * timeouts everywhere: the first line names the link, not twenty
 * symptoms of it. */
static void
rule_link(struct ep_diagnosis *d, const struct ep_run_result *run)
{
  static const char *const down_or_weak[] = {EP_CAUSE_LINK_DOWN,
                                             EP_CAUSE_LINK_WEAK, NULL};
  size_t                   i, k, n;
  int                      c;

  for (k = 0; k < run->n; k++)
    for (i = 0; ran(run, k) && has_role(run, k, EP_ROLE_LINK) &&
                i < run->checks[k].n_targets;
         i++) {
      const struct ep_target_result *t = &run->checks[k].targets[i];

      if (!unexplained_failure(d, run, k, i) || !cause_in(t, down_or_weak) ||
          (n = lost_targets(d, run, k, -1)) == 0)
        continue;
      c = add_cause(d, EP_ROOT_LINK, (int)k,
                    "%s: it explains %zu failing target%s elsewhere",
                    t->why ? t->why : t->text, n, n == 1 ? "" : "s");
      explain(d, c, run, k, i);
      lost_targets(d, run, k, c);
    }
}

/* No name resolves because no resolver answers: that explains every
 * target whose name did not resolve. */
static void
rule_no_resolver(struct ep_diagnosis *d, const struct ep_run_result *run)
{
  static const char *const silent[] = {EP_CAUSE_DNS_TIMEOUT,
                                       EP_CAUSE_DNS_UNREACHABLE, NULL};
  int                           r = ran_with(run, EP_ROLE_RESOLVER);
  const struct ep_check_result *dns = r >= 0 ? ran(run, (size_t)r) : NULL;
  size_t                        i, k;
  int                           c;

  if (!dns || dns->n_targets == 0)
    return;
  for (i = 0; i < dns->n_targets; i++)
    if (!unexplained_failure(d, run, (size_t)r, i) ||
        !cause_in(&dns->targets[i], silent))
      return;
  c = add_cause(d, EP_ROOT_NO_RESOLVER, r, "%s: no name resolves",
                dns->summary ? dns->summary : "no resolver answers");
  for (i = 0; i < dns->n_targets; i++)
    explain(d, c, run, (size_t)r, i);
  for (k = 0; k < run->n; k++)
    for (i = 0; k != (size_t)r && ran(run, k) &&
                i < run->checks[k].n_targets;
         i++)
      if (unexplained_failure(d, run, k, i) &&
          cause_is(&run->checks[k].targets[i], EP_CAUSE_UNRESOLVED))
        explain(d, c, run, k, i);
}

/* A name that does not resolve explains the checks of that name that
 * failed for it (a proxy resolves names itself: those targets have no
 * host). */
/* Whether target j of check k failed for the name n. */
static bool
fails_for_name(const struct ep_diagnosis *d, const struct ep_run_result *run,
               size_t k, size_t j, const char *name)
{
  const struct ep_target_result *t = &run->checks[k].targets[j];

  return unexplained_failure(d, run, k, j) && t->host &&
         cause_is(t, EP_CAUSE_UNRESOLVED) && strcasecmp(t->host, name) == 0;
}

/* The checks other than the resolver's (r) with a target failing for the
 * name: "HTTPS and NATS"; how many targets. */
static size_t
name_dependents(const struct ep_diagnosis *d, const struct ep_run_result *run,
                size_t r, const char *name, char *which, size_t size)
{
  size_t j, k, deps = 0;

  which[0] = '\0';
  for (k = 0; k < run->n; k++) {
    bool used = false;

    for (j = 0; k != r && ran(run, k) && j < run->checks[k].n_targets; j++)
      if (fails_for_name(d, run, k, j, name)) {
        deps++;
        used = true;
      }
    if (used)
      snprintf(which + strlen(which), size - strlen(which), "%s%s",
               which[0] ? " and " : "", title_of(run, k));
  }
  return deps;
}

static void
rule_names(struct ep_diagnosis *d, const struct ep_run_result *run)
{
  int                           r = ran_with(run, EP_ROLE_RESOLVER);
  const struct ep_check_result *dns = r >= 0 ? ran(run, (size_t)r) : NULL;
  size_t                        i, j, k;
  int                           c;

  for (i = 0; dns && i < dns->n_targets; i++) {
    const struct ep_target_result *n = &dns->targets[i];
    char                           which[64];

    if (!unexplained_failure(d, run, (size_t)r, i) ||
        n->state != EP_STATE_CRITICAL ||
        name_dependents(d, run, (size_t)r, n->name, which, sizeof which) ==
          0)
      continue;
    c = add_cause(d, EP_ROOT_NAME, r, "%s: its %s check%s fail%s",
                  n->text ? n->text : n->name, which,
                  strstr(which, " and ") ? "s" : "",
                  strstr(which, " and ") ? "" : "s");
    explain(d, c, run, (size_t)r, i);
    for (k = 0; k < run->n; k++)
      for (j = 0; k != (size_t)r && ran(run, k) &&
                  j < run->checks[k].n_targets;
           j++)
        if (fails_for_name(d, run, k, j, n->name))
          explain(d, c, run, k, j);
  }
}

/* Whether the JSON arrays of addresses a and b share one. */
static bool
share_address(json_object *a, json_object *b)
{
  size_t i, j;

  if (!json_object_is_type(a, json_type_array) ||
      !json_object_is_type(b, json_type_array))
    return false;
  for (i = 0; i < json_object_array_length(a); i++)
    for (j = 0; j < json_object_array_length(b); j++)
      if (strcmp(json_object_get_string(json_object_array_get_idx(a, i)),
                 json_object_get_string(json_object_array_get_idx(b, j))) ==
          0)
        return true;
  return false;
}

static json_object *
addresses_of(const struct ep_target_result *t)
{
  json_object *v = NULL;

  return t->data && json_object_object_get_ex(t->data, "addresses", &v) ? v
                                                                        : NULL;
}

/* The targets outside check r failing, unexplained, whose host is name;
 * with c not -1, each is marked explained by cause c. */
static size_t
failing_with_host(struct ep_diagnosis *d, const struct ep_run_result *run,
                  size_t r, const char *name, int c)
{
  size_t j, k, n = 0;

  for (k = 0; k < run->n; k++)
    for (j = 0; k != r && ran(run, k) && j < run->checks[k].n_targets; j++) {
      const struct ep_target_result *t = &run->checks[k].targets[j];

      if (unexplained_failure(d, run, k, j) && t->host &&
          strcasecmp(t->host, name) == 0) {
        n++;
        if (c >= 0)
          explain(d, c, run, k, j);
      }
    }
  return n;
}

/* The label of a rewriting resolver's row ("8.8.8.8"). */
static const char *
resolver_of(const struct ep_target_result *t)
{
  json_object *v = NULL;

  return t->data && json_object_object_get_ex(t->data, "resolver", &v)
           ? json_object_get_string(v)
           : t->name;
}

/* The names of the dns check (rows without a cause of their own) that
 * resolved into portal and whose targets fail: their list, how many
 * targets, which checks ("HTTPS and NATS"); with c not -1, each target
 * is marked explained by cause c. */
static size_t
portal_names(struct ep_diagnosis *d, const struct ep_run_result *run,
             size_t r, json_object *portal, int c, char *list, size_t size,
             size_t *n_names)
{
  const struct ep_check_result *dns = &run->checks[r];
  size_t                        j, fails, n = 0;

  list[0] = '\0';
  *n_names = 0;
  for (j = 0; j < dns->n_targets; j++) {
    const struct ep_target_result *t = &dns->targets[j];

    if (t->cause || !share_address(portal, addresses_of(t)) ||
        (fails = failing_with_host(d, run, r, t->name, c)) == 0)
      continue;
    n += fails;
    snprintf(list + strlen(list), size - strlen(list), "%s%s",
             (*n_names)++ ? ", " : "", t->name);
  }
  return n;
}

/* Resolvers that rewrite NXDOMAIN explain the failures of the targets
 * whose name resolved to the address they give names that do not exist:
 * those reach the portal, not the cloud.  The resolvers sending names to
 * the same portal are one cause. */
static void
rule_rewrite(struct ep_diagnosis *d, const struct ep_run_result *run)
{
  int                           r = ran_with(run, EP_ROLE_RESOLVER);
  const struct ep_check_result *dns = r >= 0 ? ran(run, (size_t)r) : NULL;
  size_t                        i, j, n, n_names, n_lies;
  char                          list[200], lies[160];
  int                           c;

  for (i = 0; dns && i < dns->n_targets; i++) {
    const struct ep_target_result *lie = &dns->targets[i];
    json_object                   *portal = addresses_of(lie);

    if (!cause_is(lie, EP_CAUSE_DNS_REWRITE) || d->by[r][i] >= 0 ||
        (n = portal_names(d, run, (size_t)r, portal, -1, list, sizeof list,
                          &n_names)) == 0)
      continue;
    lies[0] = '\0';
    for (j = i, n_lies = 0; j < dns->n_targets; j++)
      if (cause_is(&dns->targets[j], EP_CAUSE_DNS_REWRITE) &&
          d->by[r][j] < 0 &&
          share_address(portal, addresses_of(&dns->targets[j])))
        snprintf(lies + strlen(lies), sizeof lies - strlen(lies), "%s%s",
                 n_lies++ ? ", " : "", resolver_of(&dns->targets[j]));
    c = add_cause(d, EP_CAUSE_DNS_REWRITE, r,
                  "resolver %s rewrite%s NXDOMAIN (captive portal or ISP "
                  "redirect): %s resolve%s to %s, where %zu target%s fail%s",
                  lies, n_lies == 1 ? "s" : "", list, n_names == 1 ? "s" : "",
                  json_object_get_string(
                    json_object_array_get_idx(portal, 0)),
                  n, n == 1 ? "" : "s", n == 1 ? "s" : "");
    for (j = i; j < dns->n_targets; j++)
      if (cause_is(&dns->targets[j], EP_CAUSE_DNS_REWRITE) &&
          share_address(portal, addresses_of(&dns->targets[j])))
        explain(d, c, run, (size_t)r, j);
    portal_names(d, run, (size_t)r, portal, c, list, sizeof list, &n_names);
  }
}

/* A path MTU blackhole, or an IPv6 path that fails where IPv4 works, is
 * the path's, not a server's: the targets of every check that met it are
 * one cause (code), said once. */
static void
rule_path(struct ep_diagnosis *d, const struct ep_run_result *run,
          const char *code)
{
  const struct ep_target_result *first = NULL;
  char                           which[64] = "";
  size_t                         i, k, n = 0;
  int                            c, where = -1;

  for (k = 0; k < run->n; k++) {
    bool met = false;

    for (i = 0; ran(run, k) && i < run->checks[k].n_targets; i++)
      if (unexplained_failure(d, run, k, i) &&
          cause_is(&run->checks[k].targets[i], code)) {
        if (!first) {
          first = &run->checks[k].targets[i];
          where = (int)k;
        }
        met = true;
        n++;
      }
    if (met)
      snprintf(which + strlen(which), sizeof which - strlen(which), "%s%s",
               which[0] ? " and " : "", title_of(run, k));
  }
  if (n == 0)
    return;
  c = add_cause(d, code, where, "%s (%s, %zu target%s)",
                first->why ? first->why : first->text, which, n,
                n == 1 ? "" : "s");
  for (k = 0; k < run->n; k++)
    for (i = 0; ran(run, k) && i < run->checks[k].n_targets; i++)
      if (unexplained_failure(d, run, k, i) &&
          cause_is(&run->checks[k].targets[i], code))
        explain(d, c, run, k, i);
}

static int
compare_doubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

bool
ep_diagnosis_clock_offset(const struct ep_run_result *run, double *offset)
{
  int                           k = ran_with(run, EP_ROLE_CLOCK);
  const struct ep_check_result *ntp = k >= 0 ? ran(run, (size_t)k) : NULL;
  double                        v[64];
  size_t                        i, j, n = 0;

  for (i = 0; ntp && i < ntp->n_targets; i++)
    for (j = 0; j < ntp->targets[i].n_perf && n < 64; j++)
      if (strcmp(ntp->targets[i].perf[j].figure, "offset") == 0 &&
          ntp->targets[i].perf[j].measured)
        v[n++] = ntp->targets[i].perf[j].value;
  if (n == 0)
    return false;
  qsort(v, n, sizeof v[0], compare_doubles);
  *offset = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return true;
}

/* "365 days", "3 hours", "12 minutes", "42 s" */
static void
span_text(double s, char *out, size_t size)
{
  s = fabs(s);
  if (s >= 2 * 86400)
    snprintf(out, size, "%.0f days", s / 86400);
  else if (s >= 2 * 3600)
    snprintf(out, size, "%.0f hours", s / 3600);
  else if (s >= 120)
    snprintf(out, size, "%.0f minutes", s / 60);
  else
    snprintf(out, size, "%.0f s", s);
}

/* This host's clock far off (the NTP servers agree) makes certificates
 * look expired (clock ahead) or not yet valid (clock behind). */
/* The targets of the certificate checks failing with code. */
static size_t
cert_failures(struct ep_diagnosis *d, const struct ep_run_result *run,
              const char *code, int cause)
{
  size_t i, k, n = 0;

  for (k = 0; k < run->n; k++)
    for (i = 0; ran(run, k) && has_role(run, k, EP_ROLE_CERTS) &&
                i < run->checks[k].n_targets;
         i++)
      if (unexplained_failure(d, run, k, i) &&
          cause_is(&run->checks[k].targets[i], code)) {
        n++;
        if (cause >= 0)
          explain(d, cause, run, k, i);
      }
  return n;
}

static void
rule_clock(struct ep_diagnosis *d, const struct ep_run_result *run,
           double far)
{
  int         clock = ran_with(run, EP_ROLE_CLOCK);
  const char *tls_cause;
  bool        undisciplined = false;
  double      offset;
  char        span[32], num[32];
  size_t      i, n;
  int         c;

  if (clock < 0 || !ep_diagnosis_clock_offset(run, &offset) ||
      fabs(offset) < far)
    return;
  /* offset is the servers' clock minus ours: negative, ours is ahead. */
  tls_cause = offset < 0 ? EP_CAUSE_TLS_EXPIRED : EP_CAUSE_TLS_NOT_YET_VALID;
  if ((n = cert_failures(d, run, tls_cause, -1)) == 0)
    return;
  span_text(offset, span, sizeof span);
  ep_format_number(num, sizeof num, offset);
  for (i = 0; i < run->checks[clock].n_targets; i++)
    if (cause_is(&run->checks[clock].targets[i], EP_CAUSE_CLOCK_UNSYNC))
      undisciplined = true;
  c = add_cause(d, EP_ROOT_CLOCK, clock,
                "this host's clock is %s %s (NTP offset %ss)%s: certificates "
                "look %s (%zu target%s)",
                span, offset < 0 ? "ahead" : "behind", num,
                undisciplined ? " and nothing disciplines it" : "",
                offset < 0 ? "expired" : "not yet valid", n,
                n == 1 ? "" : "s");
  for (i = 0; i < run->checks[clock].n_targets; i++)
    if (unexplained_failure(d, run, (size_t)clock, i) &&
        (cause_is(&run->checks[clock].targets[i], EP_CAUSE_NTP_OFFSET) ||
         cause_is(&run->checks[clock].targets[i], EP_CAUSE_CLOCK_UNSYNC)))
      explain(d, c, run, (size_t)clock, i);
  cert_failures(d, run, tls_cause, c);
}

/* Every target of check k failing unexplained with one code: that code,
 * else NULL. */
static const char *
shared_code(const struct ep_diagnosis *d, const struct ep_run_result *run,
            size_t k)
{
  const struct ep_check_result *r = ran(run, k);
  const char                   *code = NULL;
  size_t                        i;

  if (!r || r->n_targets == 0)
    return NULL;
  for (i = 0; i < r->n_targets; i++) {
    const struct ep_target_result *t = &r->targets[i];

    if (!unexplained_failure(d, run, k, i) || !t->cause ||
        (code && strcmp(code, t->cause) != 0))
      return NULL;
    code = t->cause;
  }
  return code;
}

static void
explain_check(struct ep_diagnosis *d, int c, const struct ep_run_result *run,
              size_t k)
{
  size_t i;

  for (i = 0; i < run->checks[k].n_targets; i++)
    explain(d, c, run, k, i);
}

/* A proxy that refuses explains every HTTPS failure behind it. */
static void
rule_proxy(struct ep_diagnosis *d, const struct ep_run_result *run,
           const char *proxy)
{
  const struct ep_target_result *t;
  const char                    *code;
  size_t                         k;

  for (k = 0; proxy && k < run->n; k++) {
    if (!has_role(run, k, EP_ROLE_PROXIED) ||
        !(code = shared_code(d, run, k)) || strncmp(code, "proxy.", 6) != 0)
      continue;
    t = &run->checks[k].targets[0];
    explain_check(d,
                  add_cause(d, EP_ROOT_PROXY, (int)k,
                            "proxy %s: %s (every %s target behind it)",
                            proxy, t->why ? t->why : t->text,
                            title_of(run, k)),
                  run, k);
  }
}

/* The port of every target of check k ("443"), or "" when they differ. */
static void
shared_port(const struct ep_check_result *r, unsigned default_port,
            char *out, size_t size)
{
  size_t i;
  char   port[16] = "";

  for (i = 0; i < r->n_targets; i++) {
    const char *colon = strrchr(r->targets[i].name, ':');
    char        p[16];

    snprintf(p, sizeof p, "%u", default_port);
    if (colon && !strchr(colon + 1, ']') && strlen(colon + 1) < sizeof p)
      snprintf(p, sizeof p, "%s", colon + 1);
    if (port[0] && strcmp(port, p) != 0) {
      out[0] = '\0';
      return;
    }
    snprintf(port, sizeof port, "%s", p);
  }
  snprintf(out, size, "%s", port);
}

/* Every endpoint of a check timing out its connect: the port is blocked
 * on the way out, not N servers down. */
static void
rule_port_blocked(struct ep_diagnosis *d, const struct ep_run_result *run,
                  size_t k, unsigned default_port)
{
  const char *code = shared_code(d, run, k);
  const char *title = title_of(run, k);
  char        port[16];
  size_t      n;

  if (!code || strcmp(code, EP_CAUSE_TCP_TIMEOUT) != 0)
    return;
  n = run->checks[k].n_targets;
  shared_port(&run->checks[k], default_port, port, sizeof port);
  explain_check(d,
                add_cause(d, EP_ROOT_PORT_BLOCKED, (int)k,
                          "outbound %s%s blocked: %s %zu %s endpoint%s time%s "
                          "out connecting (no answer to SYN)",
                          port[0] ? "TCP " : "TCP ports of ",
                          port[0] ? port : title, n == 1 ? "the" : "all", n,
                          title, n == 1 ? "" : "s", n == 1 ? "s" : ""),
                run, k);
}

/* Every target of a check failing the same way is one cause, said once
 * (a symptom: the check's own failure, not another's). */
static void
rule_all_same(struct ep_diagnosis *d, const struct ep_run_result *run,
              size_t k)
{
  const char                    *code = shared_code(d, run, k);
  const struct ep_target_result *t;
  size_t                         n;

  if (!code || (n = run->checks[k].n_targets) < 2)
    return;
  t = &run->checks[k].targets[0];
  explain_check(d,
                add_symptom(d, code, (int)k, "all %zu %s %s: %s", n,
                            title_of(run, k), run->kinds[k]->noun,
                            t->why ? t->why : t->text),
                run, k);
}

static bool
explained_any(const struct ep_diagnosis *d, const struct ep_check_result *r,
              size_t k)
{
  size_t i;

  for (i = 0; i < r->n_targets; i++)
    if (d->by[k][i] >= 0)
      return true;
  return false;
}

/* Check k's failures no rule explained, as one symptom: the check's own
 * first line when none of its failures is explained elsewhere (it already
 * names what they share: "8.8.8.8 not answering"), else the first two
 * and how many more. */
static void
check_symptom(struct ep_diagnosis *d, const struct ep_run_result *run,
              size_t k, size_t n, const char *code)
{
  const struct ep_check_result *r = &run->checks[k];
  size_t                        i, shown;
  char                          text[480] = "";
  int                           c;

  if (!explained_any(d, r, k) && r->summary) {
    c = add_symptom(d, code ? code : "failed", (int)k, "%s", r->summary);
  } else {
    for (i = 0, shown = 0; i < r->n_targets && shown < 2; i++)
      if (unexplained_failure(d, run, k, i))
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s",
                 shown++ ? "; " : "",
                 r->targets[i].text ? r->targets[i].text : r->targets[i].name);
    if (n > shown)
      snprintf(text + strlen(text), sizeof text - strlen(text),
               "; and %zu more %s", n - shown, title_of(run, k));
    c = add_symptom(d, code ? code : "failed", (int)k, "%s", text);
  }
  for (i = 0; i < r->n_targets; i++)
    if (unexplained_failure(d, run, k, i))
      explain(d, c, run, k, i);
}

/* What no rule explained: each check's remaining failures, as they are. */
static void
symptoms(struct ep_diagnosis *d, const struct ep_run_result *run)
{
  size_t i, k, n;

  for (k = 0; k < run->n; k++) {
    const struct ep_check_result *r = ran(run, k);
    const char                   *code = NULL;

    for (i = 0, n = 0; r && i < r->n_targets; i++)
      if (unexplained_failure(d, run, k, i) && n++ == 0)
        code = r->targets[i].cause;
    if (n > 0)
      check_symptom(d, run, k, n, code);
  }
}

enum ep_status
ep_diagnose(const struct ep_run_result *run,
            const struct ep_diagnosis_opts *opts, struct ep_diagnosis *d)
{
  size_t i, k;

  memset(d, 0, sizeof *d);
  if (!(d->by = calloc(run->n ? run->n : 1, sizeof *d->by)))
    return EP_ENOMEM;
  d->n_checks = run->n;
  for (k = 0; k < run->n; k++) {
    size_t n = run->checks[k].n_targets;

    if (!(d->by[k] = malloc((n ? n : 1) * sizeof *d->by[k]))) {
      ep_diagnosis_free(d);
      return EP_ENOMEM;
    }
    for (i = 0; i < n; i++)
      d->by[k][i] = -1;
  }
  rule_link(d, run);
  rule_no_network(d, run);
  rule_no_resolver(d, run);
  rule_names(d, run);
  rule_rewrite(d, run);
  rule_path(d, run, EP_CAUSE_PATH_MTU);
  rule_path(d, run, EP_CAUSE_IPV6_BROKEN);
  rule_clock(d, run, opts && opts->clock_far > 0 ? opts->clock_far
                                                 : EP_CLOCK_FAR_S);
  rule_proxy(d, run, opts ? opts->proxy_url : NULL);
  for (k = 0; k < run->n; k++)
    if (ran(run, k) && run->kinds[k]->report &&
        run->kinds[k]->report->blocked_port)
      rule_port_blocked(d, run, k, run->kinds[k]->report->blocked_port);
  for (k = 0; k < run->n; k++)
    if (ran(run, k) && has_role(run, k, EP_ROLE_SAME_ONCE))
      rule_all_same(d, run, k);
  symptoms(d, run);
  return EP_OK;
}

void
ep_diagnosis_free(struct ep_diagnosis *d)
{
  size_t k;

  for (k = 0; d->by && k < d->n_checks; k++)
    free(d->by[k]);
  free(d->by);
  memset(d, 0, sizeof *d);
}
