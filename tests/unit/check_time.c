/* Unit tests for ep_time: adding fractional seconds with the nanosecond
 * carry, differences with their sign, and the poll wait until a deadline
 * (rounded up, clamped). */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "ep_time.h"

static struct timespec
ts(time_t sec, long nsec)
{
  struct timespec t;

  t.tv_sec = sec;
  t.tv_nsec = nsec;
  return t;
}

#define ck_assert_ts(t, sec, nsec)                                          \
  do {                                                                      \
    struct timespec t_ = (t);                                               \
    ck_assert_msg(t_.tv_sec == (sec) && t_.tv_nsec == (nsec),               \
                  "got %lld.%09ld, expected %lld.%09ld",                    \
                  (long long)t_.tv_sec, t_.tv_nsec, (long long)(sec),       \
                  (long)(nsec));                                            \
  } while (0)

START_TEST(time_add_whole_and_fractions)
{
  ck_assert_ts(ep_time_add(ts(100, 0), 0), 100, 0);
  ck_assert_ts(ep_time_add(ts(100, 0), 10), 110, 0);
  ck_assert_ts(ep_time_add(ts(100, 0), 0.5), 100, 500000000);
  ck_assert_ts(ep_time_add(ts(100, 250000000), 0.25), 100, 500000000);
  ck_assert_ts(ep_time_add(ts(100, 0), 2.75), 102, 750000000);
}
END_TEST

START_TEST(time_add_carries_nanoseconds)
{
  ck_assert_ts(ep_time_add(ts(100, 750000000), 0.5), 101, 250000000);
  ck_assert_ts(ep_time_add(ts(100, 500000000), 0.5), 101, 0);
  ck_assert_ts(ep_time_add(ts(100, 999999999), 1.5), 102, 499999999);
  ck_assert_ts(ep_time_add(ts(7, 900000000), 9.25), 17, 150000000);
}
END_TEST

START_TEST(time_add_negative)
{
  ck_assert_ts(ep_time_add(ts(100, 500000000), -0.25), 100, 250000000);
  ck_assert_ts(ep_time_add(ts(100, 250000000), -0.5), 99, 750000000);
  ck_assert_ts(ep_time_add(ts(100, 0), -1.5), 98, 500000000);
}
END_TEST

/* Deadlines are built from user timeouts such as 4.35 s: the result must
 * be the nearest nanosecond, not one short. */
START_TEST(time_add_rounds_to_nearest_nanosecond)
{
  ck_assert_ts(ep_time_add(ts(0, 0), 4.35), 4, 350000000);
  ck_assert_ts(ep_time_add(ts(0, 0), 2.675), 2, 675000000);
  ck_assert_ts(ep_time_add(ts(0, 0), 0.3), 0, 300000000);
}
END_TEST

START_TEST(time_diff_sign)
{
  ck_assert_double_eq(ep_time_diff(ts(10, 0), ts(10, 0)), 0);
  ck_assert_double_eq(ep_time_diff(ts(12, 500000000), ts(10, 0)), 2.5);
  ck_assert_double_eq(ep_time_diff(ts(10, 0), ts(12, 500000000)), -2.5);
  ck_assert_double_eq(ep_time_diff(ts(11, 250000000), ts(10, 750000000)), 0.5);
  ck_assert_double_eq(ep_time_diff(ts(10, 750000000), ts(11, 250000000)), -0.5);
  ck_assert_double_eq_tol(ep_time_diff(ts(10, 1), ts(10, 0)), 1e-9, 1e-15);
  ck_assert_double_eq_tol(ep_time_diff(ts(10, 0), ts(10, 1)), -1e-9, 1e-15);
}
END_TEST

START_TEST(time_reached)
{
  ck_assert(ep_time_reached(ts(10, 0), ts(10, 0)));
  ck_assert(ep_time_reached(ts(10, 1), ts(10, 0)));
  ck_assert(ep_time_reached(ts(11, 0), ts(10, 999999999)));
  ck_assert(!ep_time_reached(ts(10, 0), ts(10, 1)));
  ck_assert(!ep_time_reached(ts(9, 999999999), ts(10, 0)));
}
END_TEST

START_TEST(time_ms_until_rounds_up)
{
  struct timespec now = ts(50, 0);

  ck_assert_int_eq(ep_time_ms_until(now, ts(50, 1), 10000), 1);
  ck_assert_int_eq(ep_time_ms_until(now, ts(50, 999999), 10000), 1);
  ck_assert_int_eq(ep_time_ms_until(now, ts(50, 1000000), 10000), 1);
  ck_assert_int_eq(ep_time_ms_until(now, ts(50, 1000001), 10000), 2);
  ck_assert_int_eq(ep_time_ms_until(now, ts(50, 2000000), 10000), 2);
  ck_assert_int_eq(ep_time_ms_until(now, ts(50, 1500000), 10000), 2);
  ck_assert_int_eq(ep_time_ms_until(now, ts(52, 500000000), 10000), 2500);
  ck_assert_int_eq(ep_time_ms_until(ts(5, 900000000), ts(6, 100000000), 10000),
                   200);
}
END_TEST

START_TEST(time_ms_until_clamps)
{
  struct timespec now = ts(50, 0);

  /* past or now: no wait */
  ck_assert_int_eq(ep_time_ms_until(now, now, 10000), 0);
  ck_assert_int_eq(ep_time_ms_until(now, ts(49, 0), 10000), 0);
  ck_assert_int_eq(ep_time_ms_until(now, ts(0, 0), 10000), 0);
  /* never more than cap */
  ck_assert_int_eq(ep_time_ms_until(now, ts(60, 0), 10000), 10000);
  ck_assert_int_eq(ep_time_ms_until(now, ts(60, 1), 10000), 10000);
  ck_assert_int_eq(ep_time_ms_until(now, ts(59, 999000000), 10000), 9999);
  ck_assert_int_eq(ep_time_ms_until(now, ts(1000000, 0), 250), 250);
  ck_assert_int_eq(ep_time_ms_until(now, ts(51, 0), 0), 0);
}
END_TEST

START_TEST(time_now_is_monotonic)
{
  struct timespec a = ep_time_now(), b = ep_time_now();

  ck_assert(ep_time_reached(b, a));
  ck_assert_int_ge(a.tv_nsec, 0);
  ck_assert_int_lt(a.tv_nsec, 1000000000L);
}
END_TEST

static Suite *
time_suite(void)
{
  Suite *s = suite_create("time");
  TCase *tc = tcase_create("core");

  tcase_add_test(tc, time_add_whole_and_fractions);
  tcase_add_test(tc, time_add_carries_nanoseconds);
  tcase_add_test(tc, time_add_negative);
  tcase_add_test(tc, time_add_rounds_to_nearest_nanosecond);
  tcase_add_test(tc, time_diff_sign);
  tcase_add_test(tc, time_reached);
  tcase_add_test(tc, time_ms_until_rounds_up);
  tcase_add_test(tc, time_ms_until_clamps);
  tcase_add_test(tc, time_now_is_monotonic);
  suite_add_tcase(s, tc);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(time_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
