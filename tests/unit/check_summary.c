/* The first line of a check whose targets fail: shared causes said once
 * with a count, a length kept, the rest counted; and socket errors in
 * our own words. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ep_buf.h"
#include "ep_cause.h"
#include "ep_neterr.h"
#include "ep_summary.h"
#include "ep_unit.h"

static char line[4096];

static const char *
summary(const struct ep_problem *p, size_t n, size_t n_total, size_t budget)
{
  struct ep_buf b;

  ep_buf_init(&b, sizeof line - 1);
  ck_assert_int_eq(ep_summary_problems(&b, p, n, n_total, n_total - n,
                                       "NATS endpoints", budget),
                   EP_OK);
  snprintf(line, sizeof line, "%s", ep_buf_str(&b));
  ep_buf_cleanup(&b);
  return line;
}

START_TEST(one_cause_for_all_is_said_once)
{
  static const struct ep_problem p[] = {
    {NULL, "a:7422 network unreachable", "network unreachable"},
    {NULL, "b:7422 network unreachable", "network unreachable"},
    {NULL, "c:7422 network unreachable", "network unreachable"},
    {NULL, "d:7422 network unreachable", "network unreachable"},
  };

  ck_assert_str_eq(summary(p, 4, 4, EP_SUMMARY_BUDGET),
                   "4 of 4 NATS endpoints: network unreachable");
  /* three of four: the count says the fourth is fine */
  ck_assert_str_eq(summary(p, 3, 4, EP_SUMMARY_BUDGET),
                   "3 of 4 NATS endpoints: network unreachable");
  /* no problem: nothing to say */
  ck_assert_str_eq(summary(p, 0, 4, EP_SUMMARY_BUDGET), "");
}
END_TEST

START_TEST(single_problems_keep_their_own_lines)
{
  static const struct ep_problem p[] = {
    {NULL, "a:7422 connection refused", "connection refused"},
    {NULL, "b:7422 network unreachable", "network unreachable"},
    {NULL, "c:7422 said PONG before our PING", NULL},
    {NULL, "d:7422 connection refused", "connection refused"},
  };

  ck_assert_str_eq(summary(p, 4, 6, EP_SUMMARY_BUDGET),
                   "2 of 6 NATS endpoints: connection refused; b:7422 "
                   "network unreachable; c:7422 said PONG before our PING "
                   "(2 of 6 NATS endpoints fine)");
}
END_TEST

START_TEST(the_budget_keeps_the_line_short)
{
  static const struct ep_problem p[] = {
    {NULL, "a.example.com:7422 connection refused", "connection refused"},
    {NULL, "b.example.com:7422 network unreachable", "network unreachable"},
    {NULL, "c.example.com:7422 timed out connecting", "timed out connecting"},
    {NULL, "d.example.com:7422 connection reset", "connection reset"},
  };

  ck_assert_str_eq(summary(p, 4, 4, 80),
                   "a.example.com:7422 connection refused; "
                   "b.example.com:7422 network unreachable; and 2 more");
}
END_TEST

/* A line too long for the budget keeps its cause, not its preamble. */
START_TEST(a_long_line_keeps_the_cause)
{
  static const struct ep_problem p[] = {
    {"other.example",
     "other.example (127.0.0.75) NATS 2.9.10 client listener "
     "ND57AMBMPNWBGWYI5TINYW56C7V5WVJI7AHVDTANLM2HAEBUBCPNGNGP: certificate "
     "for the wrong name (CN=nats.example, not other.example)",
     "certificate for the wrong name (CN=nats.example, not other.example)"},
  };

  ck_assert_str_eq(summary(p, 1, 1, 120),
                   "other.example: certificate for the wrong name "
                   "(CN=nats.example, not other.example)");
}
END_TEST

START_TEST(a_long_first_problem_is_cut_on_a_character)
{
  /* "é" is two bytes: the cut must not split it */
  static const struct ep_problem p[] = {
    {NULL, "a:443 TLS interception suspected (issuer: CN=Prüfstelle éééé)", NULL},
    {NULL, "b:443 connection refused", NULL},
  };
  const char *s = summary(p, 2, 2, 50);

  ck_assert_str_eq(s, "a:443 TLS interception suspected (issuer: CN=Pr...; "
                      "and 1 more");
  s = summary(p, 1, 1, 60);
  ck_assert_str_eq(s, "a:443 TLS interception suspected (issuer: CN=Prüfstelle "
                      "...");
}
END_TEST

START_TEST(socket_errors_in_our_words)
{
  ck_assert_str_eq(ep_net_strerror(ENETUNREACH, false).text,
                   "network unreachable");
  ck_assert_str_eq(ep_net_strerror(EHOSTUNREACH, true).text,
                   "no route to host");
  ck_assert_str_eq(ep_net_strerror(ECONNREFUSED, false).text,
                   "connection refused");
  /* ICMP port unreachable on UDP: nothing listening, not a routing
   * problem */
  ck_assert_str_eq(ep_net_strerror(ECONNREFUSED, true).text,
                   "port unreachable: nothing listening");
  /* anything else as the system says it, in a sentence's case */
  ck_assert_str_eq(ep_net_strerror(EBADF, false).text, "bad file descriptor");
  ck_assert_str_eq(ep_net_connect_cause(ECONNREFUSED), EP_CAUSE_TCP_REFUSED);
  ck_assert_str_eq(ep_net_connect_cause(EHOSTUNREACH),
                   EP_CAUSE_TCP_UNREACHABLE);
  ck_assert_str_eq(ep_net_connect_cause(ETIMEDOUT), EP_CAUSE_TCP_TIMEOUT);
  ck_assert_str_eq(ep_net_connect_cause(EBADF), EP_CAUSE_TCP_ERROR);
}
END_TEST

static Suite *
summary_suite(void)
{
  Suite *s = suite_create("summary");
  TCase *tc = tcase_create("core");

  tcase_add_test(tc, one_cause_for_all_is_said_once);
  tcase_add_test(tc, single_problems_keep_their_own_lines);
  tcase_add_test(tc, the_budget_keeps_the_line_short);
  tcase_add_test(tc, a_long_line_keeps_the_cause);
  tcase_add_test(tc, a_long_first_problem_is_cut_on_a_character);
  tcase_add_test(tc, socket_errors_in_our_words);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(summary_suite)
