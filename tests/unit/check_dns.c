/* Unit tests for the dns probe's pure parts: judging one name from each
 * resolver's answer (ep_dns_evaluate), the check's first line
 * (ep_dns_summarize) and the names a profile makes us resolve
 * (ep_dns_collect_names).  Answers are synthetic; nothing is sent. */
#include "config.h"

#include <errno.h>
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "ep_output.h"
#include "ep_profile.h"
#include "ep_range.h"
#include "ep_resolver.h"
#include "ep_result.h"
#include "ep_unit_profile.h"

/* Two configured resolvers and the fallback asked alongside. */
static const struct ep_dns_server servers[] = {
  {"8.8.8.8", false},
  {"8.8.4.4", false},
  {"127.0.0.53", true},
};
#define N_SERVERS (sizeof servers / sizeof servers[0])

static struct ep_range warn, crit;

static void
setup_ranges(void)
{
  struct ep_err err = EP_ERR_INIT;

  ck_assert_int_eq(ep_range_parse(&warn, "0.5", "-w", &err), EP_OK);
  ck_assert_int_eq(ep_range_parse(&crit, "2", "-c", &err), EP_OK);
}

/* An answer with the given addresses (NULL-terminated) after seconds. */
static struct ep_dns_answer
answered(double seconds, ...)
{
  struct ep_dns_answer a;
  va_list              ap;
  const char          *addr;

  memset(&a, 0, sizeof a);
  a.outcome = EP_DNS_ANSWER;
  a.seconds = seconds;
  va_start(ap, seconds);
  while ((addr = va_arg(ap, const char *)) != NULL) {
    ck_assert_uint_lt(a.n_addrs, EP_DNS_MAX_ADDRS);
    snprintf(a.addrs[a.n_addrs++], EP_DNS_ADDR_TEXT, "%s", addr);
  }
  va_end(ap);
  return a;
}

static struct ep_dns_answer
outcome(enum ep_dns_outcome o, double seconds)
{
  struct ep_dns_answer a;

  memset(&a, 0, sizeof a);
  a.outcome = o;
  a.seconds = seconds;
  return a;
}

static struct ep_dns_answer
silent(void)
{
  return outcome(EP_DNS_TIMEOUT, 0);
}

/* A name, with the addresses it must resolve to (NULL-terminated). */
static void
make_name(struct ep_dns_name *n, const char *name, ...)
{
  va_list     ap;
  const char *addr;

  memset(n, 0, sizeof *n);
  n->name = strdup(name);
  ck_assert_ptr_nonnull(n->name);
  va_start(ap, name);
  while ((addr = va_arg(ap, const char *)) != NULL)
    ck_assert_int_eq(ep_strlist_add(&n->expect, addr), EP_OK);
  va_end(ap);
}

static void
free_name(struct ep_dns_name *n)
{
  free(n->name);
  ep_strlist_free(&n->expect);
}

/* Evaluates name against answers (one per server) into c. */
static struct ep_target_result *
evaluate(struct ep_check_result *c, const struct ep_dns_name *n,
         const struct ep_dns_answer *answers)
{
  struct ep_err err = EP_ERR_INIT;

  ck_assert_msg(ep_dns_evaluate(n, servers, answers, N_SERVERS, &warn, &crit,
                                c, &err) == EP_OK,
                "evaluate: %s", err.msg);
  return &c->targets[c->n_targets - 1];
}

/* One name, three answers: the target's state and line. */
static void
expect_line(const struct ep_dns_answer *answers, enum ep_state state,
            const char *text)
{
  struct ep_check_result   c;
  struct ep_dns_name       n;
  struct ep_target_result *t;

  make_name(&n, "api.example.com", (const char *)NULL);
  ep_check_result_init(&c);
  t = evaluate(&c, &n, answers);
  ck_assert_str_eq(t->name, "api.example.com");
  ck_assert_str_eq(t->text, text);
  ck_assert_msg(t->state == state, "state %s, expected %s",
                ep_state_str(t->state), ep_state_str(state));
  ep_check_result_cleanup(&c);
  free_name(&n);
}

/* The perfdata part of the Nagios first line. */
static void
expect_perf(const struct ep_check_result *c, const char *perf)
{
  struct ep_err err = EP_ERR_INIT;
  char         *out = ep_format_nagios(c, "DNS", 0, &err);
  char         *bar, *nl;

  ck_assert_ptr_nonnull(out);
  bar = strstr(out, " | ");
  ck_assert_ptr_nonnull(bar);
  nl = strchr(bar, '\n');
  ck_assert_ptr_nonnull(nl);
  *nl = '\0';
  ck_assert_str_eq(bar + 3, perf);
  free(out);
}

/* --- ep_dns_evaluate --- */

START_TEST(dns_all_primaries_answer)
{
  struct ep_dns_answer a[N_SERVERS];

  a[0] = answered(0.012, "1.2.3.4", (const char *)NULL);
  a[1] = answered(0.020, "1.2.3.4", (const char *)NULL);
  a[2] = answered(0.001, "1.2.3.4", (const char *)NULL);
  /* the fastest configured resolver; the fallback does not count */
  expect_line(a, EP_STATE_OK,
              "api.example.com resolved to 1.2.3.4 via 8.8.8.8 in 0.012s");
  a[1].seconds = 0.008;
  expect_line(a, EP_STATE_OK,
              "api.example.com resolved to 1.2.3.4 via 8.8.4.4 in 0.008s");
  a[2] = silent();
  expect_line(a, EP_STATE_OK,
              "api.example.com resolved to 1.2.3.4 via 8.8.4.4 in 0.008s");
}
END_TEST

START_TEST(dns_addresses_of_all_answers_once)
{
  struct ep_dns_answer a[N_SERVERS];

  a[0] = answered(0.012, "1.2.3.4", "1.2.3.5", (const char *)NULL);
  a[1] = answered(0.020, "1.2.3.5", "1.2.3.6", (const char *)NULL);
  a[2] = answered(0.001, "10.0.0.1", (const char *)NULL);
  expect_line(a, EP_STATE_OK,
              "api.example.com resolved to 1.2.3.4, 1.2.3.5, 1.2.3.6 via "
              "8.8.8.8 in 0.012s");
}
END_TEST

START_TEST(dns_one_primary_silent)
{
  struct ep_dns_answer a[N_SERVERS];

  a[0] = answered(0.012, "1.2.3.4", (const char *)NULL);
  a[1] = silent();
  a[2] = answered(0.003, "1.2.3.4", (const char *)NULL);
  expect_line(a, EP_STATE_WARNING,
              "api.example.com resolved to 1.2.3.4 via 8.8.8.8 in 0.012s; "
              "8.8.4.4 did not answer");
  a[1] = outcome(EP_DNS_UNREACHABLE, 0);
  expect_line(a, EP_STATE_WARNING,
              "api.example.com resolved to 1.2.3.4 via 8.8.8.8 in 0.012s; "
              "8.8.4.4 did not answer");
  a[1] = outcome(EP_DNS_CANCELLED, 0);
  expect_line(a, EP_STATE_WARNING,
              "api.example.com resolved to 1.2.3.4 via 8.8.8.8 in 0.012s; "
              "8.8.4.4 did not answer");
}
END_TEST

START_TEST(dns_fallback_answers_for_silent_primaries)
{
  struct ep_dns_answer a[N_SERVERS];

  a[0] = silent();
  a[1] = silent();
  a[2] = answered(0.02, "1.2.3.4", (const char *)NULL);
  expect_line(a, EP_STATE_WARNING,
              "api.example.com resolved to 1.2.3.4 via fallback 127.0.0.53 in "
              "0.02s; 8.8.8.8, 8.8.4.4 did not answer");
}
END_TEST

START_TEST(dns_nothing_answers)
{
  struct ep_dns_answer a[N_SERVERS];
  struct ep_check_result c;
  struct ep_dns_name     n;

  a[0] = silent();
  a[1] = outcome(EP_DNS_UNREACHABLE, 0);
  a[2] = outcome(EP_DNS_CANCELLED, 0);
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com timed out: no answer from 8.8.8.8, 8.8.4.4 nor "
              "fallback 127.0.0.53");
  /* unmeasured: U in the perfdata */
  make_name(&n, "api.example.com", (const char *)NULL);
  ep_check_result_init(&c);
  evaluate(&c, &n, a);
  expect_perf(&c, "'api.example.com'=U;0.5;2;0");
  ep_check_result_cleanup(&c);
  free_name(&n);
}
END_TEST

START_TEST(dns_nothing_answers_without_fallback)
{
  static const struct ep_dns_server two[] = {{"8.8.8.8", false},
                                             {"8.8.4.4", false}};
  struct ep_dns_answer    a[2];
  struct ep_check_result  c;
  struct ep_dns_name      n;
  struct ep_err           err = EP_ERR_INIT;

  a[0] = silent();
  a[1] = silent();
  make_name(&n, "api.example.com", (const char *)NULL);
  ep_check_result_init(&c);
  ck_assert_int_eq(ep_dns_evaluate(&n, two, a, 2, &warn, &crit, &c, &err),
                   EP_OK);
  ck_assert_str_eq(c.targets[0].text,
                   "api.example.com timed out: no answer from 8.8.8.8, "
                   "8.8.4.4");
  ck_assert_int_eq(c.targets[0].state, EP_STATE_CRITICAL);
  ep_check_result_cleanup(&c);
  free_name(&n);
}
END_TEST

START_TEST(dns_failures_name_the_resolver)
{
  struct ep_dns_answer a[N_SERVERS];

  a[2] = answered(0.001, "1.2.3.4", (const char *)NULL);
  a[0] = outcome(EP_DNS_NXDOMAIN, 0.010);
  a[1] = answered(0.012, "1.2.3.4", (const char *)NULL);
  expect_line(a, EP_STATE_CRITICAL, "api.example.com NXDOMAIN from 8.8.8.8"
              ", while 8.8.4.4 resolved it to 1.2.3.4");
  a[0] = outcome(EP_DNS_SERVFAIL, 0.010);
  expect_line(a, EP_STATE_CRITICAL, "api.example.com SERVFAIL from 8.8.8.8"
              ", while 8.8.4.4 resolved it to 1.2.3.4");
  a[0] = answered(0.012, "1.2.3.4", (const char *)NULL);
  a[1] = outcome(EP_DNS_REFUSED, 0.001);
  expect_line(a, EP_STATE_CRITICAL, "api.example.com REFUSED from 8.8.4.4"
              ", while 8.8.8.8 resolved it to 1.2.3.4");
  a[1] = outcome(EP_DNS_NODATA, 0.001);
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com no address (NODATA) from 8.8.4.4, while "
              "8.8.8.8 resolved it to 1.2.3.4");
  a[1] = outcome(EP_DNS_BADREPLY, 0.001);
  expect_line(a, EP_STATE_CRITICAL, "api.example.com bad reply from 8.8.4.4"
              ", while 8.8.8.8 resolved it to 1.2.3.4");
  /* both: each named, once */
  a[0] = outcome(EP_DNS_NXDOMAIN, 0.010);
  a[1] = outcome(EP_DNS_NXDOMAIN, 0.011);
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com NXDOMAIN from 8.8.8.8, 8.8.4.4");
  /* a failure with a silent resolver: both said */
  a[1] = silent();
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com NXDOMAIN from 8.8.8.8; 8.8.4.4 did not answer");
}
END_TEST

START_TEST(dns_unreachable_is_not_timed_out)
{
  struct ep_dns_answer a[N_SERVERS];

  a[0] = outcome(EP_DNS_UNREACHABLE, 0);
  a[1] = outcome(EP_DNS_UNREACHABLE, 0);
  a[2] = outcome(EP_DNS_UNREACHABLE, 0);
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com not resolved: no answer from 8.8.8.8, 8.8.4.4 "
              "nor fallback 127.0.0.53 (unreachable)");
  /* the system's reason, when every resolver met the same one: no route
   * is not nothing listening */
  a[0].os_errno = a[1].os_errno = a[2].os_errno = ENETUNREACH;
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com not resolved: no answer from 8.8.8.8, 8.8.4.4 "
              "nor fallback 127.0.0.53 (network unreachable)");
  a[0].os_errno = a[1].os_errno = a[2].os_errno = ECONNREFUSED;
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com not resolved: no answer from 8.8.8.8, 8.8.4.4 "
              "nor fallback 127.0.0.53 (port unreachable: nothing "
              "listening)");
  a[1].os_errno = EHOSTUNREACH;
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com not resolved: no answer from 8.8.8.8, 8.8.4.4 "
              "nor fallback 127.0.0.53 (unreachable)");
  /* one resolver silent rather than unreachable: it may have answered */
  a[1] = silent();
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com timed out: no answer from 8.8.8.8, 8.8.4.4 "
              "nor fallback 127.0.0.53");
}
END_TEST

START_TEST(dns_fallback_failure_when_primaries_silent)
{
  struct ep_dns_answer a[N_SERVERS];

  a[0] = silent();
  a[1] = silent();
  a[2] = outcome(EP_DNS_NXDOMAIN, 0.004);
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com NXDOMAIN from fallback 127.0.0.53");
}
END_TEST

START_TEST(dns_unexpected_address)
{
  struct ep_check_result   c;
  struct ep_dns_name       n;
  struct ep_dns_answer     a[N_SERVERS];
  struct ep_target_result *t;

  make_name(&n, "api.machinemetrics-us-gov.com", "18.252.129.108",
            "18.254.70.116", (const char *)NULL);
  a[0] = answered(0.012, "9.9.9.9", (const char *)NULL);
  a[1] = answered(0.030, "9.9.9.9", (const char *)NULL);
  a[2] = answered(0.002, "18.252.129.108", (const char *)NULL);
  ep_check_result_init(&c);
  t = evaluate(&c, &n, a);
  ck_assert_int_eq(t->state, EP_STATE_CRITICAL);
  ck_assert_str_eq(t->text,
                   "api.machinemetrics-us-gov.com resolved to 9.9.9.9 via "
                   "8.8.8.8, 8.8.4.4, expected only "
                   "18.252.129.108, 18.254.70.116");
  /* measured all the same */
  expect_perf(&c, "'api.machinemetrics-us-gov.com'=0.012s;0.5;2;0");
  ep_check_result_cleanup(&c);
  free_name(&n);
}
END_TEST

START_TEST(dns_expected_addresses_match)
{
  struct ep_check_result   c;
  struct ep_dns_name       n;
  struct ep_dns_answer     a[N_SERVERS];
  struct ep_target_result *t;

  make_name(&n, "api.machinemetrics-us-gov.com", "18.252.129.108",
            "18.254.70.116", "182.30.131.220", (const char *)NULL);
  a[0] = answered(0.012, "18.254.70.116", "18.252.129.108", (const char *)NULL);
  a[1] = answered(0.030, "18.252.129.108", (const char *)NULL);
  a[2] = silent();
  ep_check_result_init(&c);
  t = evaluate(&c, &n, a);
  ck_assert_int_eq(t->state, EP_STATE_OK);
  ck_assert_str_eq(t->text,
                   "api.machinemetrics-us-gov.com resolved to 18.254.70.116, "
                   "18.252.129.108 via 8.8.8.8 in 0.012s");
  ep_check_result_cleanup(&c);
  free_name(&n);
}
END_TEST

/* When only one resolver gives the wrong address, the line must not pin
 * it on another. */
START_TEST(dns_unexpected_address_names_its_resolver)
{
  struct ep_check_result   c;
  struct ep_dns_name       n;
  struct ep_dns_answer     a[N_SERVERS];
  struct ep_target_result *t;

  make_name(&n, "api.machinemetrics-us-gov.com", "18.252.129.108",
            "18.254.70.116", (const char *)NULL);
  a[0] = answered(0.012, "18.252.129.108", (const char *)NULL);
  a[1] = answered(0.030, "9.9.9.9", (const char *)NULL);
  a[2] = silent();
  ep_check_result_init(&c);
  t = evaluate(&c, &n, a);
  ck_assert_int_eq(t->state, EP_STATE_CRITICAL);
  ck_assert_msg(strstr(t->text, "9.9.9.9 via 8.8.4.4") != NULL,
                "9.9.9.9 came from 8.8.4.4, the line says: \"%s\"", t->text);
  ep_check_result_cleanup(&c);
  free_name(&n);
}
END_TEST

START_TEST(dns_response_time_thresholds)
{
  struct ep_dns_answer a[N_SERVERS];

  a[0] = answered(0.5, "1.2.3.4", (const char *)NULL);
  a[1] = answered(0.9, "1.2.3.4", (const char *)NULL);
  a[2] = answered(0.001, "1.2.3.4", (const char *)NULL);
  expect_line(a, EP_STATE_OK,
              "api.example.com resolved to 1.2.3.4 via 8.8.8.8 in 0.5s");
  a[0].seconds = 0.7;
  expect_line(a, EP_STATE_WARNING,
              "api.example.com resolved to 1.2.3.4 via 8.8.8.8 in 0.7s (over "
              "warning 0.5)");
  a[0].seconds = 2;
  a[1].seconds = 2.5;
  expect_line(a, EP_STATE_WARNING,
              "api.example.com resolved to 1.2.3.4 via 8.8.8.8 in 2s (over "
              "warning 0.5)");
  a[0].seconds = 2.25;
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com resolved to 1.2.3.4 via 8.8.8.8 in 2.25s (over "
              "critical 2)");
  /* slow and a silent resolver: the worse of the two */
  a[1] = silent();
  expect_line(a, EP_STATE_CRITICAL,
              "api.example.com resolved to 1.2.3.4 via 8.8.8.8 in 2.25s (over "
              "critical 2); 8.8.4.4 did not answer");
  a[0].seconds = 0.7;
  expect_line(a, EP_STATE_WARNING,
              "api.example.com resolved to 1.2.3.4 via 8.8.8.8 in 0.7s (over "
              "warning 0.5); 8.8.4.4 did not answer");
}
END_TEST

START_TEST(dns_perfdata_and_details)
{
  struct ep_check_result   c;
  struct ep_dns_name       n;
  struct ep_dns_answer     a[N_SERVERS];
  struct ep_target_result *t;
  json_object             *v, *one;

  make_name(&n, "api.example.com", (const char *)NULL);
  a[0] = answered(0.0123, "1.2.3.4", "1.2.3.5", (const char *)NULL);
  a[1] = silent();
  a[2] = outcome(EP_DNS_REFUSED, 0.0005);
  ep_check_result_init(&c);
  t = evaluate(&c, &n, a);
  expect_perf(&c, "'api.example.com'=0.0123s;0.5;2;0");
  ck_assert_uint_eq(t->n_perf, 1);
  ck_assert(t->perf[0].measured);
  ck_assert_str_eq(t->perf[0].uom, "s");
  /* -v: one line per resolver */
  ck_assert_str_eq(t->detail, "resolver 8.8.8.8: answered 1.2.3.4, 1.2.3.5 in "
                              "0.0123s\n"
                              "resolver 8.8.4.4: timed out\n"
                              "fallback 127.0.0.53: REFUSED in 0.0005s");
  /* --format json: every resolver's outcome */
  ck_assert(json_object_object_get_ex(t->data, "response_time", &v));
  ck_assert_double_eq_tol(json_object_get_double(v), 0.0123, 1e-12);
  ck_assert(json_object_object_get_ex(t->data, "addresses", &v));
  ck_assert_uint_eq(json_object_array_length(v), 2);
  ck_assert(json_object_object_get_ex(t->data, "resolvers", &v));
  ck_assert_uint_eq(json_object_array_length(v), 3);
  one = json_object_array_get_idx(v, 1);
  ck_assert(json_object_object_get_ex(one, "server", &v));
  ck_assert_str_eq(json_object_get_string(v), "8.8.4.4");
  ck_assert(json_object_object_get_ex(one, "outcome", &v));
  ck_assert_str_eq(json_object_get_string(v), "timed out");
  ck_assert(!json_object_object_get_ex(one, "seconds", &v));
  ck_assert(json_object_object_get_ex(t->data, "resolvers", &v));
  one = json_object_array_get_idx(v, 2);
  ck_assert(json_object_object_get_ex(one, "fallback", &v));
  ck_assert(json_object_get_boolean(v));
  ep_check_result_cleanup(&c);
  free_name(&n);
}
END_TEST

/* --- ep_dns_summarize --- */

#define MAX_NAMES 8

struct scenario {
  struct ep_check_result c;
  struct ep_dns_answer   answers[MAX_NAMES * N_SERVERS];
  size_t                 n_names;
};

static void
scenario_init(struct scenario *s)
{
  memset(s, 0, sizeof *s);
  ep_check_result_init(&s->c);
  s->c.check = strdup("dns");
}

/* Adds a name with its row of answers and evaluates it. */
static void
scenario_add(struct scenario *s, const char *name, struct ep_dns_answer a0,
             struct ep_dns_answer a1, struct ep_dns_answer a2)
{
  struct ep_dns_answer *row;
  struct ep_dns_name    n;

  ck_assert_uint_lt(s->n_names, MAX_NAMES);
  row = &s->answers[s->n_names * N_SERVERS];
  row[0] = a0;
  row[1] = a1;
  row[2] = a2;
  s->n_names++;
  make_name(&n, name, (const char *)NULL);
  evaluate(&s->c, &n, row);
  free_name(&n);
}

static void
scenario_expect(struct scenario *s, enum ep_state state, const char *summary)
{
  struct ep_err err = EP_ERR_INIT;

  ck_assert_int_eq(ep_dns_summarize(&s->c, servers, N_SERVERS, s->answers,
                                    s->n_names, &err),
                   EP_OK);
  ck_assert_str_eq(s->c.summary, summary);
  ck_assert_msg(s->c.state == state, "state %s, expected %s",
                ep_state_str(s->c.state), ep_state_str(state));
}

START_TEST(summary_all_fine)
{
  struct scenario s;
  struct ep_dns_answer ok = answered(0.01, "1.2.3.4", (const char *)NULL);

  scenario_init(&s);
  scenario_add(&s, "a.example.com", ok, ok, ok);
  scenario_add(&s, "b.example.com", ok, ok, silent());
  scenario_add(&s, "c.example.com", ok, ok, ok);
  scenario_expect(&s, EP_STATE_OK, "3 names resolved");
  ep_check_result_cleanup(&s.c);
}
END_TEST

START_TEST(summary_one_name_is_its_line)
{
  struct scenario s;
  struct ep_dns_answer ok = answered(0.01, "1.2.3.4", (const char *)NULL);

  scenario_init(&s);
  scenario_add(&s, "a.example.com", ok, ok, ok);
  scenario_expect(&s, EP_STATE_OK,
                  "a.example.com resolved to 1.2.3.4 via 8.8.8.8 in 0.01s");
  ep_check_result_cleanup(&s.c);
}
END_TEST

START_TEST(summary_primaries_silent_fallback_answered)
{
  struct scenario s;
  struct ep_dns_answer ok = answered(0.02, "1.2.3.4", (const char *)NULL);

  scenario_init(&s);
  scenario_add(&s, "a.example.com", silent(), silent(), ok);
  scenario_add(&s, "b.example.com", silent(), silent(), ok);
  scenario_expect(&s, EP_STATE_WARNING,
                  "8.8.8.8, 8.8.4.4 not answering, fallback answered");
  ep_check_result_cleanup(&s.c);
}
END_TEST

START_TEST(summary_everything_silent)
{
  struct scenario s;

  scenario_init(&s);
  scenario_add(&s, "a.example.com", silent(), silent(), silent());
  scenario_add(&s, "b.example.com", silent(), silent(), silent());
  scenario_expect(&s, EP_STATE_CRITICAL,
                  "8.8.8.8, 8.8.4.4 not answering, fallback 127.0.0.53 not "
                  "answering either");
  ep_check_result_cleanup(&s.c);
}
END_TEST

START_TEST(summary_names_fine_tail)
{
  struct scenario s;
  struct ep_dns_answer ok = answered(0.01, "1.2.3.4", (const char *)NULL);
  struct ep_dns_answer nx = outcome(EP_DNS_NXDOMAIN, 0.01);

  scenario_init(&s);
  scenario_add(&s, "a.example.com", ok, ok, ok);
  scenario_add(&s, "b.example.com", nx, ok, ok);
  scenario_add(&s, "c.example.com", ok, ok, ok);
  scenario_expect(&s, EP_STATE_CRITICAL,
                  "b.example.com NXDOMAIN from 8.8.8.8, while 8.8.4.4 "
                  "resolved it to 1.2.3.4 (2 of 3 names fine)");
  ep_check_result_cleanup(&s.c);
}
END_TEST

START_TEST(summary_more_than_three_problems)
{
  struct scenario s;
  struct ep_dns_answer ok = answered(0.01, "1.2.3.4", (const char *)NULL);
  struct ep_dns_answer nx = outcome(EP_DNS_NXDOMAIN, 0.01);
  struct ep_dns_answer sf = outcome(EP_DNS_SERVFAIL, 0.01);

  scenario_init(&s);
  scenario_add(&s, "a.example.com", nx, ok, ok);
  scenario_add(&s, "b.example.com", ok, ok, ok);
  scenario_add(&s, "c.example.com", sf, ok, ok);
  scenario_add(&s, "d.example.com", ok, nx, ok);
  scenario_add(&s, "e.example.com", nx, ok, ok);
  scenario_add(&s, "f.example.com", nx, ok, ok);
  scenario_expect(&s, EP_STATE_CRITICAL,
                  "3 of 6 names: NXDOMAIN from 8.8.8.8, while 8.8.4.4 "
                  "resolved it to 1.2.3.4; c.example.com SERVFAIL from "
                  "8.8.8.8, while 8.8.4.4 resolved it to 1.2.3.4; and 1 "
                  "more (1 of 6 names fine)");
  ep_check_result_cleanup(&s.c);
}
END_TEST

/* One cause shared by every name is said once, with the count. */
START_TEST(summary_exactly_three_problems)
{
  struct scenario s;
  struct ep_dns_answer ok = answered(0.01, "1.2.3.4", (const char *)NULL);
  struct ep_dns_answer nx = outcome(EP_DNS_NXDOMAIN, 0.01);

  scenario_init(&s);
  scenario_add(&s, "a.example.com", nx, ok, ok);
  scenario_add(&s, "b.example.com", nx, ok, ok);
  scenario_add(&s, "c.example.com", nx, ok, ok);
  scenario_expect(&s, EP_STATE_CRITICAL,
                  "3 of 3 names: NXDOMAIN from 8.8.8.8, while 8.8.4.4 "
                  "resolved it to 1.2.3.4");
  ep_check_result_cleanup(&s.c);
}
END_TEST

START_TEST(summary_resolver_refusing_everything)
{
  struct scenario s;
  struct ep_dns_answer ok = answered(0.01, "1.2.3.4", (const char *)NULL);
  struct ep_dns_answer rf = outcome(EP_DNS_REFUSED, 0.001);

  scenario_init(&s);
  scenario_add(&s, "a.example.com", ok, rf, ok);
  scenario_add(&s, "b.example.com", ok, rf, ok);
  scenario_expect(&s, EP_STATE_CRITICAL, "8.8.4.4 refuses queries");
  ep_check_result_cleanup(&s.c);
}
END_TEST

START_TEST(summary_one_resolver_silent_throughout)
{
  struct scenario s;
  struct ep_dns_answer ok = answered(0.01, "1.2.3.4", (const char *)NULL);

  scenario_init(&s);
  scenario_add(&s, "a.example.com", ok, silent(), ok);
  scenario_add(&s, "b.example.com", ok, silent(), ok);
  scenario_expect(&s, EP_STATE_WARNING, "8.8.4.4 not answering");
  ep_check_result_cleanup(&s.c);
}
END_TEST

/* A resolver silent for every name is said once, but a CRITICAL cause of
 * its own (NXDOMAIN, a wrong address) must still reach the first line. */
START_TEST(summary_keeps_critical_cause_beside_silent_resolver)
{
  struct scenario s;
  struct ep_dns_answer ok = answered(0.01, "1.2.3.4", (const char *)NULL);
  struct ep_dns_answer nx = outcome(EP_DNS_NXDOMAIN, 0.01);
  struct ep_err        err = EP_ERR_INIT;

  scenario_init(&s);
  scenario_add(&s, "a.example.com", ok, silent(), ok);
  scenario_add(&s, "b.example.com", nx, silent(), ok);
  ck_assert_str_eq(s.c.targets[1].text,
                   "b.example.com NXDOMAIN from 8.8.8.8; 8.8.4.4 did not "
                   "answer");
  ck_assert_int_eq(ep_dns_summarize(&s.c, servers, N_SERVERS, s.answers,
                                    s.n_names, &err),
                   EP_OK);
  ck_assert_int_eq(s.c.state, EP_STATE_CRITICAL);
  ck_assert_msg(strstr(s.c.summary, "b.example.com NXDOMAIN from 8.8.8.8"),
                "CRITICAL, yet the first line is \"%s\"", s.c.summary);
  ep_check_result_cleanup(&s.c);
}
END_TEST

/* --- ep_dns_collect_names --- */

static struct ep_profile *
profile_from(const char *text)
{
  struct ep_err      err = EP_ERR_INIT;
  struct ep_profile *p;

  p = ep_profile_load_text(text, strlen(text), "site.json", ep_profile_sections, &err);
  ck_assert_msg(p != NULL, "%s", err.msg);
  return p;
}

START_TEST(collect_names_from_every_check)
{
  static const char text[] =
    "{\"dns\": {\"names\": [{\"name\": \"api.example.com\",\n"
    "                      \"expect\": [\"192.0.2.1\"]}]},\n"
    " \"https\": {\"targets\": [\"API.example.com\", \"app.example.com:8443\",\n"
    "                         \"192.0.2.9\", \"[2001:db8::1]:443\"]},\n"
    " \"ntp\": {\"servers\": [\"0.pool.ntp.org\", \"10.0.0.1\",\n"
    "                      \"app.example.com\"]},\n"
    " \"nats\": {\"targets\": [\"nats.example.com:7422\", \"52.24.16.63:7422\"]},\n"
    " \"proxy\": {\"url\": \"http://proxy.example.com:3128/\"}}\n";
  static const char *const want[] = {"api.example.com", "app.example.com",
                                     "0.pool.ntp.org", "nats.example.com",
                                     "proxy.example.com"};
  struct ep_profile  *p = profile_from(text);
  struct ep_dns_name *names;
  size_t              n, i;
  struct ep_err       err = EP_ERR_INIT;

  ck_assert_int_eq(ep_dns_collect_names(p, &names, &n, &err), EP_OK);
  ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
  for (i = 0; i < n; i++)
    ck_assert_str_eq(names[i].name, want[i]);
  ck_assert_uint_eq(names[0].expect.n, 1);
  ck_assert_str_eq(names[0].expect.v[0], "192.0.2.1");
  for (i = 1; i < n; i++)
    ck_assert_uint_eq(names[i].expect.n, 0);
  ep_dns_names_free(names, n);
  ep_profile_free(p);
}
END_TEST

START_TEST(collect_names_standard)
{
  struct ep_err       err = EP_ERR_INIT;
  struct ep_profile  *p = ep_profile_load("standard", ep_profile_sections, &err);
  struct ep_dns_name *names;
  size_t              n, i;

  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(ep_dns_collect_names(p, &names, &n, &err), EP_OK);
  /* 15 https names and 4 ntp pools; the NATS targets are addresses */
  ck_assert_uint_eq(n, 19);
  ck_assert_str_eq(names[0].name, "api.machinemetrics.com");
  ck_assert_str_eq(names[14].name,
                   "prod-us-west-2-starport-layer-bucket.s3.us-west-2."
                   "amazonaws.com");
  ck_assert_str_eq(names[15].name, "0.resinio.pool.ntp.org");
  ck_assert_str_eq(names[18].name, "3.resinio.pool.ntp.org");
  for (i = 0; i < n; i++)
    ck_assert_uint_eq(names[i].expect.n, 0);
  ep_dns_names_free(names, n);
  ep_profile_free(p);
}
END_TEST

START_TEST(collect_names_govcloud)
{
  struct ep_err       err = EP_ERR_INIT;
  struct ep_profile  *p = ep_profile_load("govcloud", ep_profile_sections, &err);
  struct ep_dns_name *names;
  size_t              n, i;

  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(ep_dns_collect_names(p, &names, &n, &err), EP_OK);
  /* 10 dns.names, then the 6 https names they do not cover, then ntp;
   * the NATS name is one of dns.names */
  ck_assert_uint_eq(n, 20);
  ck_assert_str_eq(names[0].name, "api.machinemetrics-us-gov.com");
  ck_assert_uint_eq(names[0].expect.n, 3);
  ck_assert_str_eq(names[0].expect.v[2], "182.30.131.220");
  ck_assert_str_eq(names[1].name, "stream.machinemetrics-us-gov.com");
  ck_assert_uint_eq(names[1].expect.n, 3);
  ck_assert_str_eq(names[10].name, "app.machinemetrics-us-gov.com");
  ck_assert_uint_eq(names[10].expect.n, 0);
  ck_assert_str_eq(names[15].name,
                   "139811071765.dkr.ecr.us-gov-east-1.amazonaws.com");
  ck_assert_str_eq(names[16].name, "0.resinio.pool.ntp.org");
  for (i = 2; i < 10; i++)
    ck_assert_str_eq(names[i].expect.v[0], "18.253.182.20");
  ep_dns_names_free(names, n);
  ep_profile_free(p);
}
END_TEST

static Suite *
dns_suite(void)
{
  Suite *s = suite_create("dns");
  TCase *te = tcase_create("evaluate");
  TCase *ts = tcase_create("summarize");
  TCase *tn = tcase_create("names");

  tcase_add_checked_fixture(te, setup_ranges, NULL);
  tcase_add_test(te, dns_all_primaries_answer);
  tcase_add_test(te, dns_addresses_of_all_answers_once);
  tcase_add_test(te, dns_one_primary_silent);
  tcase_add_test(te, dns_fallback_answers_for_silent_primaries);
  tcase_add_test(te, dns_nothing_answers);
  tcase_add_test(te, dns_nothing_answers_without_fallback);
  tcase_add_test(te, dns_failures_name_the_resolver);
  tcase_add_test(te, dns_fallback_failure_when_primaries_silent);
  tcase_add_test(te, dns_unreachable_is_not_timed_out);
  tcase_add_test(te, dns_unexpected_address);
  tcase_add_test(te, dns_expected_addresses_match);
  tcase_add_test(te, dns_unexpected_address_names_its_resolver);
  tcase_add_test(te, dns_response_time_thresholds);
  tcase_add_test(te, dns_perfdata_and_details);
  suite_add_tcase(s, te);

  tcase_add_checked_fixture(ts, setup_ranges, NULL);
  tcase_add_test(ts, summary_all_fine);
  tcase_add_test(ts, summary_one_name_is_its_line);
  tcase_add_test(ts, summary_primaries_silent_fallback_answered);
  tcase_add_test(ts, summary_everything_silent);
  tcase_add_test(ts, summary_names_fine_tail);
  tcase_add_test(ts, summary_more_than_three_problems);
  tcase_add_test(ts, summary_exactly_three_problems);
  tcase_add_test(ts, summary_resolver_refusing_everything);
  tcase_add_test(ts, summary_one_resolver_silent_throughout);
  tcase_add_test(ts, summary_keeps_critical_cause_beside_silent_resolver);
  suite_add_tcase(s, ts);

  tcase_add_test(tn, collect_names_from_every_check);
  tcase_add_test(tn, collect_names_standard);
  tcase_add_test(tn, collect_names_govcloud);
  suite_add_tcase(s, tn);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(dns_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
