/* Unit tests for ep_range: every form of the Monitoring Plugins threshold
 * syntax, with values at and around each bound, and malformed ranges with
 * the exact message a user sees. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ep_range.h"

struct alert_case {
  const char *range;
  double      value;
  bool        alerts;
};

static const struct alert_case alert_cases[] = {
  /* "10": alert outside 0..10 */
  {"10", -1, true},
  {"10", -0.001, true},
  {"10", 0, false},
  {"10", 5, false},
  {"10", 10, false},
  {"10", 10.001, true},
  {"10", 11, true},
  /* "10:": alert below 10 */
  {"10:", -5, true},
  {"10:", 9.999, true},
  {"10:", 10, false},
  {"10:", 10.001, false},
  {"10:", 1e9, false},
  /* "~:10": alert above 10 */
  {"~:10", -1e9, false},
  {"~:10", 0, false},
  {"~:10", 10, false},
  {"~:10", 10.001, true},
  /* "10:20": alert outside 10..20 */
  {"10:20", 9.999, true},
  {"10:20", 10, false},
  {"10:20", 15, false},
  {"10:20", 20, false},
  {"10:20", 20.001, true},
  {"10:20", -15, true},
  /* "@10:20": alert inside 10..20 */
  {"@10:20", 9.999, false},
  {"@10:20", 10, true},
  {"@10:20", 15, true},
  {"@10:20", 20, true},
  {"@10:20", 20.001, false},
  /* ":10": an empty start is 0 */
  {":10", -0.001, true},
  {":10", 0, false},
  {":10", 10, false},
  {":10", 10.001, true},
  /* "~:": no bounds, never alerts; "@~:" always alerts */
  {"~:", -1e9, false},
  {"~:", 1e9, false},
  {"@~:", 0, true},
  /* "@10": alert inside 0..10 */
  {"@10", -0.001, false},
  {"@10", 0, true},
  {"@10", 10, true},
  {"@10", 10.001, false},
  /* negative numbers */
  {"-10:-5", -10.001, true},
  {"-10:-5", -10, false},
  {"-10:-5", -7, false},
  {"-10:-5", -5, false},
  {"-10:-5", -4.999, true},
  {"~:-5", -100, false},
  {"~:-5", -5, false},
  {"~:-5", -4.999, true},
  {"-5:", -5.001, true},
  {"-5:", -5, false},
  {"-5:", 100, false},
  {"@-1:1", -1.001, false},
  {"@-1:1", -1, true},
  {"@-1:1", 1, true},
  {"@-1:1", 1.001, false},
  /* decimals and exponents */
  {"0.5", 0.5, false},
  {"0.5", 0.5001, true},
  {"0.5", -0.0001, true},
  {"1.5:2.25", 1.4999, true},
  {"1.5:2.25", 1.5, false},
  {"1.5:2.25", 2.25, false},
  {"1.5:2.25", 2.2501, true},
  {"-0.5:0.5", -0.5, false},
  {"-0.5:0.5", -0.5001, true},
  {"+2", 2, false},
  {"+2", 2.001, true},
  {"1e3", 1000, false},
  {"1e3", 1000.5, true},
  {"2.5e-1", 0.25, false},
  {"2.5e-1", 0.2501, true},
};

START_TEST(range_alerts_at_and_around_bounds)
{
  const struct alert_case *c = &alert_cases[_i];
  struct ep_range          r;
  struct ep_err            err = EP_ERR_INIT;

  ck_assert_msg(ep_range_parse(&r, c->range, "-w", &err) == EP_OK,
                "'%s' refused: %s", c->range, err.msg);
  ck_assert(r.set);
  ck_assert_str_eq(r.text, c->range);
  ck_assert_msg(ep_range_alerts(&r, c->value) == c->alerts,
                "range '%s', value %g: expected %s", c->range, c->value,
                c->alerts ? "an alert" : "no alert");
}
END_TEST

struct field_case {
  const char *range;
  bool        inside, start_inf, end_inf;
  double      start, end;
};

static const struct field_case field_cases[] = {
  {"10", false, false, false, 0, 10},
  {"10:", false, false, true, 10, 0},
  {"~:10", false, true, false, 0, 10},
  {"10:20", false, false, false, 10, 20},
  {"@10:20", true, false, false, 10, 20},
  {":10", false, false, false, 0, 10},
  {"-10:-5", false, false, false, -10, -5},
  {"@~:-0.5", true, true, false, 0, -0.5},
  {"1.5:2.25", false, false, false, 1.5, 2.25},
  {"7:7", false, false, false, 7, 7},
};

START_TEST(range_parses_fields)
{
  const struct field_case *c = &field_cases[_i];
  struct ep_range          r;
  struct ep_err            err = EP_ERR_INIT;

  ck_assert_int_eq(ep_range_parse(&r, c->range, NULL, &err), EP_OK);
  ck_assert_int_eq(err.code, EP_OK);
  ck_assert(r.set);
  ck_assert_msg(r.inside == c->inside, "%s: inside", c->range);
  ck_assert_msg(r.start_inf == c->start_inf, "%s: start_inf", c->range);
  ck_assert_msg(r.end_inf == c->end_inf, "%s: end_inf", c->range);
  if (!c->start_inf)
    ck_assert_double_eq(r.start, c->start);
  if (!c->end_inf)
    ck_assert_double_eq(r.end, c->end);
  ck_assert_str_eq(r.text, c->range);
}
END_TEST

START_TEST(range_null_text_is_unset)
{
  struct ep_range r;
  struct ep_err   err = EP_ERR_INIT;

  memset(&r, 0x5a, sizeof r);
  ck_assert_int_eq(ep_range_parse(&r, NULL, "-w", &err), EP_OK);
  ck_assert(!r.set);
  ck_assert_str_eq(r.text, "");
  ck_assert(!ep_range_alerts(&r, -1e300));
  ck_assert(!ep_range_alerts(&r, 0));
  ck_assert(!ep_range_alerts(&r, 1e300));
  ck_assert_int_eq(err.code, EP_OK);
}
END_TEST

struct bad_case {
  const char *range;
  const char *msg;
};

#define LONG70 "0123456789012345678901234567890123456789012345678901234567890123456789"

static const struct bad_case bad_cases[] = {
  {"", "-w '' is not a valid range: empty"},
  {"@", "-w '@' is not a valid range: empty"},
  {"1:x", "-w '1:x' is not a valid range: end is not a number"},
  {"x:1", "-w 'x:1' is not a valid range: start is not a number"},
  {"x", "-w 'x' is not a valid range: not a number"},
  {"20:10", "-w '20:10' is not a valid range: start is greater than end"},
  {"@20:10", "-w '@20:10' is not a valid range: start is greater than end"},
  {"-10", "-w '-10' is not a valid range: start is greater than end"},
  {"1:2:3", "-w '1:2:3' is not a valid range: more than one ':'"},
  {"inf", "-w 'inf' is not a valid range: not a number"},
  {"nan", "-w 'nan' is not a valid range: not a number"},
  {"~:inf", "-w '~:inf' is not a valid range: end is not a number"},
  {"0x10", "-w '0x10' is not a valid range: not a number"},
  {"1e999", "-w '1e999' is not a valid range: not a number"},
  {"~", "-w '~' is not a valid range: not a number"},
  {"@@1", "-w '@@1' is not a valid range: not a number"},
  {"1..2", "-w '1..2' is not a valid range: not a number"},
  {" 10", "-w ' 10' is not a valid range: not a number"},
  {"10s", "-w '10s' is not a valid range: not a number"},
  {"-", "-w '-' is not a valid range: not a number"},
  {LONG70, "-w '...' is not a valid range: longer than 63 characters"},
};

START_TEST(range_rejects_bad_forms)
{
  const struct bad_case *c = &bad_cases[_i];
  struct ep_range        r;
  struct ep_err          err = EP_ERR_INIT;

  ck_assert_int_eq(ep_range_parse(&r, c->range, "-w", &err), EP_EINVAL);
  ck_assert_int_eq(err.code, EP_EINVAL);
  ck_assert_str_eq(err.msg, c->msg);
  ck_assert(!r.set);
  ck_assert(!ep_range_alerts(&r, 1e9));
}
END_TEST

START_TEST(range_message_without_what)
{
  struct ep_range r;
  struct ep_err   err = EP_ERR_INIT;

  ck_assert_int_eq(ep_range_parse(&r, "1:x", NULL, &err), EP_EINVAL);
  ck_assert_str_eq(err.msg, "'1:x' is not a valid range: end is not a number");
}
END_TEST

START_TEST(range_63_characters_is_the_limit)
{
  char            text[EP_RANGE_TEXT_MAX + 1];
  struct ep_range r;
  struct ep_err   err = EP_ERR_INIT;

  /* "1" followed by 62 zeros: 63 characters, the most text can hold. */
  memset(text, '0', sizeof text);
  text[0] = '1';
  text[63] = '\0';
  ck_assert_int_eq(ep_range_parse(&r, text, "-c", &err), EP_OK);
  ck_assert_str_eq(r.text, text);
  ck_assert(!ep_range_alerts(&r, 1e62));
  text[63] = '0';
  text[64] = '\0';
  ck_assert_int_eq(ep_range_parse(&r, text, "-c", &err), EP_EINVAL);
  ck_assert_str_eq(err.msg,
                   "-c '...' is not a valid range: longer than 63 characters");
}
END_TEST

START_TEST(range_first_error_wins)
{
  struct ep_range r;
  struct ep_err   err = EP_ERR_INIT;

  ck_assert_int_eq(ep_range_parse(&r, "x", "-w", &err), EP_EINVAL);
  ck_assert_int_eq(ep_range_parse(&r, "y", "-c", &err), EP_EINVAL);
  ck_assert_str_eq(err.msg, "-w 'x' is not a valid range: not a number");
}
END_TEST

static Suite *
range_suite(void)
{
  Suite *s = suite_create("range");
  TCase *tc = tcase_create("core");

  tcase_add_loop_test(tc, range_alerts_at_and_around_bounds, 0,
                      (int)(sizeof alert_cases / sizeof alert_cases[0]));
  tcase_add_loop_test(tc, range_parses_fields, 0,
                      (int)(sizeof field_cases / sizeof field_cases[0]));
  tcase_add_test(tc, range_null_text_is_unset);
  tcase_add_loop_test(tc, range_rejects_bad_forms, 0,
                      (int)(sizeof bad_cases / sizeof bad_cases[0]));
  tcase_add_test(tc, range_message_without_what);
  tcase_add_test(tc, range_63_characters_is_the_limit);
  tcase_add_test(tc, range_first_error_wins);
  suite_add_tcase(s, tc);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(range_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
