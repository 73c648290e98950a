/* Unit tests for the dns check's judgement of the resolvers themselves
 * (dns_resolvers.c): a resolver that answers a name under .invalid
 * rewrites NXDOMAIN; one that gives the root's SOA without the AD bit does
 * not validate.  Answers are synthetic; nothing is sent. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_resolvers.h"
#include "ep_buf.h"
#include "ep_cause.h"
#include "ep_json.h"

static const struct ep_dns_server servers[] = {
  {"8.8.8.8", false},
  {"8.8.4.4", false},
  {"127.0.0.53", true},
};
#define N_SERVERS 3
#define INVALID "ep-0123456789abcdef.invalid"

static struct ep_dns_answer
answer(enum ep_dns_outcome o, const char *addr, bool authentic)
{
  struct ep_dns_answer a;

  memset(&a, 0, sizeof a);
  a.outcome = o;
  a.authentic = authentic;
  if (addr)
    snprintf(a.addrs[a.n_addrs++], EP_DNS_ADDR_TEXT, "%s", addr);
  return a;
}

/* A check whose one name resolved to addr, summarised "1 name resolved". */
static void
one_name(struct ep_check_result *c, const char *addr)
{
  struct ep_err            err = EP_ERR_INIT;
  struct ep_target_result *t;
  struct ep_buf            b;

  ep_check_result_init(c);
  t = ep_check_result_add(c, "api.example.com", &err);
  ck_assert_ptr_nonnull(t);
  ck_assert_int_eq(ep_target_set_text(t, "api.example.com resolved to %s",
                                       addr),
                   EP_OK);
  ck_assert_int_eq(ep_json_put(t->data, "addresses",
                               json_object_new_array()),
                   EP_OK);
  json_object_array_add(json_object_object_get(t->data, "addresses"),
                        json_object_new_string(addr));
  ep_buf_init(&b, 1024);
  ck_assert_int_eq(ep_buf_printf(&b, "1 name resolved"), EP_OK);
  ck_assert_int_eq(ep_check_result_take_summary(c, &b), EP_OK);
  ep_buf_cleanup(&b);
}

static void
judge(struct ep_check_result *c, const struct ep_dns_resolver_probe *p,
      bool dnssec)
{
  struct ep_err err = EP_ERR_INIT;

  ck_assert_msg(ep_dns_judge_resolvers(servers, p, N_SERVERS, INVALID, dnssec,
                                       c, &err) == EP_OK,
                "judge: %s", err.msg);
}

START_TEST(honest_resolvers_say_nothing)
{
  struct ep_check_result       c;
  struct ep_dns_resolver_probe p[N_SERVERS];
  size_t                       i;

  for (i = 0; i < N_SERVERS; i++)
    p[i].invalid = answer(EP_DNS_NXDOMAIN, NULL, false);
  one_name(&c, "203.0.113.7");
  judge(&c, p, false);
  ck_assert_uint_eq(c.n_targets, 1);
  ck_assert_int_eq(c.state, EP_STATE_OK);
  ck_assert_str_eq(c.summary, "1 name resolved");
  ck_assert_uint_eq(c.notes.n, 0);
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(rewriting_resolver_leads)
{
  struct ep_check_result       c;
  struct ep_dns_resolver_probe p[N_SERVERS];
  const struct ep_target_result *t;

  memset(p, 0, sizeof p);
  p[0].invalid = answer(EP_DNS_NXDOMAIN, NULL, false);
  p[1].invalid = answer(EP_DNS_ANSWER, "198.51.100.1", false);
  /* The fallback lies too, but a configured resolver answered. */
  p[2].invalid = answer(EP_DNS_ANSWER, "198.51.100.9", false);
  one_name(&c, "198.51.100.1");
  judge(&c, p, false);
  ck_assert_uint_eq(c.n_targets, 2);
  t = &c.targets[1];
  ck_assert_str_eq(t->name, "resolver 8.8.4.4");
  ck_assert_int_eq(t->state, EP_STATE_WARNING);
  ck_assert_str_eq(t->cause, EP_CAUSE_DNS_REWRITE);
  ck_assert_str_eq(t->text, "resolver 8.8.4.4 rewrites NXDOMAIN (captive "
                            "portal or ISP redirect): a name under .invalid "
                            "resolved to 198.51.100.1");
  ck_assert_str_eq(t->detail, "asked " INVALID ", which cannot exist (RFC "
                              "6761)");
  ck_assert_int_eq(c.state, EP_STATE_WARNING);
  ck_assert_str_eq(c.summary, "resolver 8.8.4.4 rewrites NXDOMAIN (captive "
                              "portal or ISP redirect): a name under .invalid "
                              "resolved to 198.51.100.1; 1 name resolved");
  /* The name resolving to the portal says so. */
  ck_assert_str_eq(c.targets[0].text,
                   "api.example.com resolved to 198.51.100.1 (where resolver "
                   "8.8.4.4 sends names that do not exist)");
  ck_assert_str_eq(json_object_get_string(
                     json_object_object_get(t->data, "invalid_name")),
                   INVALID);
  ck_assert(json_object_get_boolean(
    json_object_object_get(t->data, "nxdomain_rewrite")));
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(fallback_counts_when_primaries_silent)
{
  struct ep_check_result       c;
  struct ep_dns_resolver_probe p[N_SERVERS];

  memset(p, 0, sizeof p);
  p[0].invalid = answer(EP_DNS_TIMEOUT, NULL, false);
  p[1].invalid = answer(EP_DNS_UNREACHABLE, NULL, false);
  p[2].invalid = answer(EP_DNS_ANSWER, "198.51.100.9", false);
  one_name(&c, "203.0.113.7");
  judge(&c, p, false);
  ck_assert_uint_eq(c.n_targets, 2);
  ck_assert_str_eq(c.targets[1].name, "resolver 127.0.0.53");
  /* Not the portal's address: the name's line is left as it was. */
  ck_assert_str_eq(c.targets[0].text, "api.example.com resolved to "
                                      "203.0.113.7");
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(dnssec_validating_is_a_note)
{
  struct ep_check_result       c;
  struct ep_dns_resolver_probe p[N_SERVERS];
  size_t                       i;

  memset(p, 0, sizeof p);
  for (i = 0; i < N_SERVERS; i++)
    p[i].invalid = answer(EP_DNS_NXDOMAIN, NULL, false);
  p[0].dnssec = answer(EP_DNS_ANSWER, NULL, true);
  p[1].dnssec = answer(EP_DNS_REFUSED, NULL, false);
  one_name(&c, "203.0.113.7");
  judge(&c, p, true);
  ck_assert_uint_eq(c.n_targets, 1);
  ck_assert_int_eq(c.state, EP_STATE_OK);
  ck_assert_uint_eq(c.notes.n, 2);
  ck_assert_str_eq(c.notes.v[0], "resolver 8.8.8.8 validates DNSSEC (AD bit "
                                 "on the root zone's SOA)");
  ck_assert_str_eq(c.notes.v[1], "resolver 8.8.4.4: DNSSEC validation not "
                                 "known (the root zone's SOA: REFUSED)");
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(dnssec_not_validating_warns_only_when_asked)
{
  struct ep_check_result       c;
  struct ep_dns_resolver_probe p[N_SERVERS];
  size_t                       i;

  memset(p, 0, sizeof p);
  for (i = 0; i < N_SERVERS; i++) {
    p[i].invalid = answer(EP_DNS_NXDOMAIN, NULL, false);
    p[i].dnssec = answer(EP_DNS_ANSWER, NULL, i == 1);
  }
  one_name(&c, "203.0.113.7");
  judge(&c, p, false);
  ck_assert_uint_eq(c.n_targets, 1);
  ck_assert_int_eq(c.state, EP_STATE_OK);
  ep_check_result_cleanup(&c);

  one_name(&c, "203.0.113.7");
  judge(&c, p, true);
  ck_assert_uint_eq(c.n_targets, 2);
  ck_assert_str_eq(c.targets[1].cause, EP_CAUSE_DNS_NO_DNSSEC);
  ck_assert_str_eq(c.targets[1].text, "resolver 8.8.8.8 does not validate "
                                      "DNSSEC (no AD bit on the root zone's "
                                      "SOA)");
  ck_assert_int_eq(c.state, EP_STATE_WARNING);
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(invalid_names_differ)
{
  struct ep_err err = EP_ERR_INIT;
  char          a[EP_DNS_INVALID_NAME_MAX], b[EP_DNS_INVALID_NAME_MAX];

  ck_assert_int_eq(ep_dns_invalid_name(a, &err), EP_OK);
  ck_assert_int_eq(ep_dns_invalid_name(b, &err), EP_OK);
  ck_assert_uint_eq(strlen(a), strlen("ep-0123456789abcdef.invalid"));
  ck_assert_int_eq(strncmp(a, "ep-", 3), 0);
  ck_assert_str_eq(a + strlen(a) - 8, ".invalid");
  ck_assert_str_ne(a, b);
}
END_TEST

static Suite *
dns_resolvers_suite(void)
{
  Suite *s = suite_create("dns_resolvers");
  TCase *t = tcase_create("judge");

  tcase_add_test(t, honest_resolvers_say_nothing);
  tcase_add_test(t, rewriting_resolver_leads);
  tcase_add_test(t, fallback_counts_when_primaries_silent);
  tcase_add_test(t, dnssec_validating_is_a_note);
  tcase_add_test(t, dnssec_not_validating_warns_only_when_asked);
  tcase_add_test(t, invalid_names_differ);
  suite_add_tcase(s, t);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(dns_resolvers_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
