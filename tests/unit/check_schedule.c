/* Unit tests for ep_schedule: how often a long-lived front end runs its
 * checks, how long a run may take, when NTP may be asked and when the
 * first drift figure comes, over the registry's own kinds. */
#include "config.h"

#include <check.h>

#include "ep_probes.h"
#include "ep_schedule.h"
#include "ep_unit.h"

#define NTP (ep_probe_kind_named("ntp"))
#define DNS (ep_probe_kind_named("dns"))

static struct timespec
at(long sec, long nsec)
{
  struct timespec t = {sec, nsec};

  return t;
}

START_TEST(ntp_is_asked_at_most_every_64_s)
{
  ck_assert_double_eq(ep_schedule_interval(NTP, 10), 64);
  ck_assert_double_eq(ep_schedule_interval(NTP, 1), 64);
  ck_assert_double_eq(ep_schedule_interval(NTP, 300), 300);
}
END_TEST

START_TEST(other_checks_run_as_asked)
{
  ck_assert_double_eq(ep_schedule_interval(DNS, 1), 1);
  ck_assert_double_eq(ep_schedule_interval(ep_probe_kind_named("https"), 0.1),
                      0.1);
  ck_assert_double_eq(ep_schedule_interval(ep_probe_kind_named("machines"), 3),
                      3);
}
END_TEST

START_TEST(default_timeout_is_cut_to_a_share_of_the_interval)
{
  /* The standard profile's 10 s, read every second: 0.8 s. */
  ck_assert_double_eq_tol(ep_schedule_timeout(10, 1), 0.8, 1e-12);
  ck_assert_double_eq_tol(ep_schedule_timeout(10, 0.1), 0.08, 1e-12);
  /* Well inside a long interval: the profile's own. */
  ck_assert_double_eq(ep_schedule_timeout(10, 60), 10);
  ck_assert_double_eq(ep_schedule_timeout(8, 10), 8);
  ck_assert_double_eq_tol(ep_schedule_timeout(9, 10), 8, 1e-12);
}
END_TEST

START_TEST(a_timeout_must_end_before_the_next_run)
{
  struct ep_err err = EP_ERR_INIT;

  ck_assert_int_eq(ep_schedule_check_timeout(2, 1, "Timeout", &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg, "Timeout 2 is not below its interval (1 s)");
}
END_TEST

START_TEST(a_timeout_equal_to_the_interval_is_refused)
{
  struct ep_err err = EP_ERR_INIT;

  ck_assert_int_eq(ep_schedule_check_timeout(64, 64, "-t", &err), EP_EINVAL);
  ck_assert_str_eq(err.msg, "-t 64 is not below its interval (64 s)");
}
END_TEST

START_TEST(a_timeout_below_the_interval_is_taken)
{
  struct ep_err err = EP_ERR_INIT;

  ck_assert_int_eq(ep_schedule_check_timeout(0.08, 0.1, "Timeout", &err),
                   EP_OK);
  ck_assert_int_eq(ep_schedule_check_timeout(8, 64, "Timeout", &err), EP_OK);
  ck_assert_int_eq(err.code, EP_OK);
  ck_assert_str_eq(err.msg, "");
}
END_TEST

START_TEST(starts_keep_their_rhythm)
{
  struct timespec next;

  /* A run of 0.5 s every 2 s: the next starts 2 s after this one did. */
  next = ep_schedule_next(at(100, 0), 2, at(100, 500000000));
  ck_assert_int_eq(next.tv_sec, 102);
  ck_assert_int_eq(next.tv_nsec, 0);
  next = ep_schedule_next(at(100, 250000000), 0.5, at(100, 300000000));
  ck_assert_int_eq(next.tv_sec, 100);
  ck_assert_int_eq(next.tv_nsec, 750000000);
}
END_TEST

START_TEST(a_long_run_delays_the_next_and_none_queue)
{
  struct timespec next;

  /* Due at 100 every 2 s, it ended at 105: the next starts now, not at
   * 102 and 104 in a burst. */
  next = ep_schedule_next(at(100, 0), 2, at(105, 0));
  ck_assert_int_eq(next.tv_sec, 105);
  ck_assert_int_eq(next.tv_nsec, 0);
  next = ep_schedule_next(at(102, 0), 2, at(105, 1));
  ck_assert_int_eq(next.tv_sec, 105);
  ck_assert_int_eq(next.tv_nsec, 1);
}
END_TEST

START_TEST(the_first_run_asks_ntp)
{
  struct ep_schedule_pace p;

  ep_schedule_pace_init(&p, NTP, 0);
  ck_assert_double_eq(p.interval, 64);
  ck_assert(ep_schedule_pace_due(&p, at(0, 0)));
  ck_assert(ep_schedule_pace_due(&p, at(5000, 0)));
}
END_TEST

START_TEST(runs_between_do_not_ask_ntp)
{
  struct ep_schedule_pace p;

  ep_schedule_pace_init(&p, NTP, 0);
  ep_schedule_pace_ran(&p, at(1000, 0));
  ck_assert(!ep_schedule_pace_due(&p, at(1000, 0)));
  ck_assert(!ep_schedule_pace_due(&p, at(1060, 0)));
  ck_assert(!ep_schedule_pace_due(&p, at(1063, 998000000)));
  ck_assert(ep_schedule_pace_due(&p, at(1064, 0)));
  ck_assert(ep_schedule_pace_due(&p, at(1200, 0)));
  /* Asked again: the 64 s count from then. */
  ep_schedule_pace_ran(&p, at(1070, 0));
  ck_assert(!ep_schedule_pace_due(&p, at(1120, 0)));
  ck_assert(ep_schedule_pace_due(&p, at(1134, 0)));
}
END_TEST

START_TEST(a_run_woken_a_hair_early_asks_ntp)
{
  struct ep_schedule_pace p;

  /* Runs every 2 s, NTP every 2 s (--ntp-interval 2): a timer that wakes
   * 0.5 ms early must not skip NTP for a whole interval. */
  ep_schedule_pace_init(&p, NTP, 2);
  ep_schedule_pace_ran(&p, at(10, 0));
  ck_assert(ep_schedule_pace_due(&p, at(11, 999500000)));
  ck_assert(!ep_schedule_pace_due(&p, at(11, 990000000)));
}
END_TEST

START_TEST(a_kind_without_a_minimum_runs_every_time)
{
  struct ep_schedule_pace p;

  /* The override is NTP's politeness, not a pace for every kind. */
  ep_schedule_pace_init(&p, DNS, 2);
  ck_assert_double_eq(p.interval, 0);
  ep_schedule_pace_ran(&p, at(10, 0));
  ck_assert(ep_schedule_pace_due(&p, at(10, 0)));
  ck_assert(ep_schedule_pace_due(&p, at(10, 500000000)));
}
END_TEST

START_TEST(drift_comes_with_the_second_answer_far_enough)
{
  /* collectd: NTP every 64 s, drift from offsets 4 s apart or more. */
  ck_assert_double_eq(ep_schedule_first_drift(NTP, 64, 4), 64);
  ck_assert_double_eq(ep_schedule_first_drift(NTP, 4, 4), 4);
  ck_assert_double_eq(ep_schedule_first_drift(NTP, 300, 4), 300);
}
END_TEST

START_TEST(answers_too_close_wait_for_a_later_one)
{
  /* The subagent with --ntp-interval 2: the answer at 2 s is too close
   * to the first, the one at 4 s gives the drift. */
  ck_assert_double_eq(ep_schedule_first_drift(NTP, 2, 4), 4);
  ck_assert_double_eq(ep_schedule_first_drift(NTP, 3, 4), 6);
  ck_assert_double_eq(ep_schedule_first_drift(NTP, 1, 4), 4);
  ck_assert_double_eq_tol(ep_schedule_first_drift(NTP, 0.3, 4), 4.2, 1e-9);
  /* 4.2 / 0.6 is 7.000000000000001 in doubles: still the 7th answer. */
  ck_assert_double_eq_tol(ep_schedule_first_drift(NTP, 0.6, 4.2), 4.2, 1e-9);
}
END_TEST

START_TEST(other_checks_have_no_drift)
{
  ck_assert_double_eq(ep_schedule_first_drift(DNS, 64, 4), 0);
  ck_assert_double_eq(
    ep_schedule_first_drift(ep_probe_kind_named("machines"), 2, 4), 0);
}
END_TEST

static Suite *
schedule_suite(void)
{
  Suite *s = suite_create("schedule");
  TCase *interval = tcase_create("interval");
  TCase *timeout = tcase_create("timeout");
  TCase *rhythm = tcase_create("rhythm");
  TCase *ntp = tcase_create("ntp");
  TCase *drift = tcase_create("drift");

  tcase_add_test(interval, ntp_is_asked_at_most_every_64_s);
  tcase_add_test(interval, other_checks_run_as_asked);
  tcase_add_test(timeout, default_timeout_is_cut_to_a_share_of_the_interval);
  tcase_add_test(timeout, a_timeout_must_end_before_the_next_run);
  tcase_add_test(timeout, a_timeout_equal_to_the_interval_is_refused);
  tcase_add_test(timeout, a_timeout_below_the_interval_is_taken);
  tcase_add_test(rhythm, starts_keep_their_rhythm);
  tcase_add_test(rhythm, a_long_run_delays_the_next_and_none_queue);
  tcase_add_test(ntp, the_first_run_asks_ntp);
  tcase_add_test(ntp, runs_between_do_not_ask_ntp);
  tcase_add_test(ntp, a_run_woken_a_hair_early_asks_ntp);
  tcase_add_test(ntp, a_kind_without_a_minimum_runs_every_time);
  tcase_add_test(drift, drift_comes_with_the_second_answer_far_enough);
  tcase_add_test(drift, answers_too_close_wait_for_a_later_one);
  tcase_add_test(drift, other_checks_have_no_drift);
  suite_add_tcase(s, interval);
  suite_add_tcase(s, timeout);
  suite_add_tcase(s, rhythm);
  suite_add_tcase(s, ntp);
  suite_add_tcase(s, drift);
  return s;
}

EP_UNIT_MAIN(schedule_suite)
