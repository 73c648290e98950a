/* Unit tests for ep_drift: no rate from one sample, samples closer than
 * the minimum interval ignored (the earlier one kept), the rate of change
 * of the offset from the latest pair, in either direction. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdlib.h>

#include "ep_drift.h"

static struct timespec
ts(time_t sec, long nsec)
{
  struct timespec t;

  t.tv_sec = sec;
  t.tv_nsec = nsec;
  return t;
}

START_TEST(drift_init_is_empty)
{
  struct ep_drift d;

  ep_drift_init(&d);
  ck_assert(!d.have_last);
  ck_assert(!d.have_rate);
  ck_assert_double_eq(d.rate, 0);
}
END_TEST

START_TEST(drift_first_update_gives_no_rate)
{
  struct ep_drift d;

  ep_drift_init(&d);
  ck_assert(!ep_drift_update(&d, 0.010, ts(1000, 0), 30));
  ck_assert(d.have_last);
  ck_assert(!d.have_rate);
  ck_assert_double_eq(d.last_offset, 0.010);
  ck_assert_int_eq(d.last_time.tv_sec, 1000);
  ck_assert_int_eq(d.last_time.tv_nsec, 0);
}
END_TEST

START_TEST(drift_too_close_is_ignored)
{
  struct ep_drift d;

  ep_drift_init(&d);
  ck_assert(!ep_drift_update(&d, 0.010, ts(1000, 0), 30));
  /* 29.999999999 s later: ignored, the first sample kept. */
  ck_assert(!ep_drift_update(&d, 0.500, ts(1029, 999999999), 30));
  ck_assert(!d.have_rate);
  ck_assert_double_eq(d.last_offset, 0.010);
  ck_assert_int_eq(d.last_time.tv_sec, 1000);
  ck_assert_int_eq(d.last_time.tv_nsec, 0);
  /* The same instant again, and a clock gone backwards: ignored too. */
  ck_assert(!ep_drift_update(&d, 0.500, ts(1000, 0), 0));
  ck_assert(!ep_drift_update(&d, 0.500, ts(999, 0), 0));
  ck_assert_double_eq(d.last_offset, 0.010);
  ck_assert_int_eq(d.last_time.tv_sec, 1000);
  /* 60 s after the first sample: the rate is from the first one, not the
   * ignored ones. */
  ck_assert(ep_drift_update(&d, 0.0106, ts(1060, 0), 30));
  ck_assert(d.have_rate);
  ck_assert_double_eq_tol(d.rate, 1e-5, 1e-12);
}
END_TEST

START_TEST(drift_ten_ppm)
{
  struct ep_drift d;

  ep_drift_init(&d);
  ck_assert(!ep_drift_update(&d, 0.010, ts(5000, 250000000), 30));
  ck_assert(ep_drift_update(&d, 0.0106, ts(5060, 250000000), 30));
  ck_assert(d.have_rate);
  ck_assert_double_eq_tol(d.rate, 1e-5, 1e-12);
  ck_assert_double_eq_tol(d.rate * 1e6, 10.0, 1e-6);
  ck_assert_double_eq(d.last_offset, 0.0106);
  ck_assert_int_eq(d.last_time.tv_sec, 5060);
  ck_assert_int_eq(d.last_time.tv_nsec, 250000000);
}
END_TEST

/* Exactly min_interval apart is enough. */
START_TEST(drift_at_min_interval)
{
  struct ep_drift d;

  ep_drift_init(&d);
  ck_assert(!ep_drift_update(&d, 0.010, ts(100, 500000000), 60));
  ck_assert(ep_drift_update(&d, 0.0106, ts(160, 500000000), 60));
  ck_assert_double_eq_tol(d.rate, 1e-5, 1e-12);
}
END_TEST

START_TEST(drift_negative)
{
  struct ep_drift d;

  ep_drift_init(&d);
  ck_assert(!ep_drift_update(&d, 0.010, ts(1000, 0), 30));
  ck_assert(ep_drift_update(&d, 0.0094, ts(1060, 0), 30));
  ck_assert_double_eq_tol(d.rate, -1e-5, 1e-12);
  /* Through zero into a negative offset: -25 ppm over 40 s. */
  ep_drift_init(&d);
  ck_assert(!ep_drift_update(&d, 0.0005, ts(1000, 0), 30));
  ck_assert(ep_drift_update(&d, -0.0005, ts(1040, 0), 30));
  ck_assert_double_eq_tol(d.rate, -25e-6, 1e-12);
}
END_TEST

/* Over a fraction of a second of interval. */
START_TEST(drift_fractional_interval)
{
  struct ep_drift d;

  ep_drift_init(&d);
  ck_assert(!ep_drift_update(&d, 0.0, ts(10, 750000000), 0.5));
  ck_assert(ep_drift_update(&d, 0.000002, ts(11, 250000000), 0.5));
  ck_assert_double_eq_tol(d.rate, 4e-6, 1e-12);
}
END_TEST

START_TEST(drift_uses_latest_pair)
{
  struct ep_drift d;

  ep_drift_init(&d);
  ck_assert(!ep_drift_update(&d, 0.010, ts(0, 0), 30));
  /* +10 ppm */
  ck_assert(ep_drift_update(&d, 0.0106, ts(60, 0), 30));
  ck_assert_double_eq_tol(d.rate, 1e-5, 1e-12);
  /* Steady: 0 */
  ck_assert(ep_drift_update(&d, 0.0106, ts(120, 0), 30));
  ck_assert_double_eq_tol(d.rate, 0, 1e-12);
  /* -20 ppm over 30 s */
  ck_assert(ep_drift_update(&d, 0.0100, ts(150, 0), 30));
  ck_assert_double_eq_tol(d.rate, -2e-5, 1e-12);
  /* Too close: ignored, the rate stays and the call says it was not
   * updated. */
  ck_assert(!ep_drift_update(&d, 5.0, ts(160, 0), 30));
  ck_assert_double_eq_tol(d.rate, -2e-5, 1e-12);
  ck_assert(d.have_rate);
  /* The next pair is from t = 150, the last accepted sample. */
  ck_assert(ep_drift_update(&d, 0.0112, ts(270, 0), 30));
  ck_assert_double_eq_tol(d.rate, 1e-5, 1e-12);
}
END_TEST

/* Between runs of a check plugin (--state-dir): ppm from two offsets and
 * their Unix times; too close, too far apart or backwards is no figure. */
START_TEST(drift_ppm_between_runs)
{
  double ppm = -1;

  /* +1 ms over 10 s: this host falls behind by 100 ppm */
  ck_assert(ep_drift_ppm(0.002, 1000.0, 0.003, 1010.0, &ppm));
  ck_assert_double_eq_tol(ppm, 100.0, 1e-6);
  ck_assert(ep_drift_ppm(0.5, 0.0, 0.4, 1000.0, &ppm));
  ck_assert_double_eq_tol(ppm, -100.0, 1e-6);
  ck_assert(ep_drift_ppm(0.0, 0.0, 0.0, EP_DRIFT_MIN_INTERVAL, &ppm));
  ck_assert_double_eq(ppm, 0.0);
  ppm = 7;
  ck_assert(!ep_drift_ppm(0.0, 100.0, 1.0, 100.0 + EP_DRIFT_MIN_INTERVAL / 2,
                          &ppm));
  ck_assert(!ep_drift_ppm(0.0, 100.0, 1.0, 90.0, &ppm));
  ck_assert(!ep_drift_ppm(0.0, 0.0, 1.0, EP_DRIFT_MAX_AGE + 1, &ppm));
  ck_assert_double_eq(ppm, 7); /* untouched */
}
END_TEST

static Suite *
drift_suite(void)
{
  Suite *s = suite_create("drift");
  TCase *tc = tcase_create("core");

  tcase_add_test(tc, drift_init_is_empty);
  tcase_add_test(tc, drift_first_update_gives_no_rate);
  tcase_add_test(tc, drift_too_close_is_ignored);
  tcase_add_test(tc, drift_ten_ppm);
  tcase_add_test(tc, drift_at_min_interval);
  tcase_add_test(tc, drift_negative);
  tcase_add_test(tc, drift_fractional_interval);
  tcase_add_test(tc, drift_uses_latest_pair);
  tcase_add_test(tc, drift_ppm_between_runs);
  suite_add_tcase(s, tc);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(drift_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
