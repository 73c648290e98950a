/* Unit tests for the judgement of this host's clock (ntp_clock.c),
 * through the seam that stands in for adjtimex(): the test cannot
 * unsynchronise the machine's clock. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ep_cause.h"
#include "ntp_clock.h"

static int  fake_state;
static long fake_status, fake_maxerror, fake_esterror, fake_freq;

static int
fake_adjtimex(struct timex *tx)
{
  if (fake_state < 0) {
    errno = EPERM;
    return -1;
  }
  ck_assert_int_eq(tx->modes, 0); /* read only */
  tx->status = (int)fake_status;
  tx->maxerror = fake_maxerror;
  tx->esterror = fake_esterror;
  tx->freq = fake_freq;
  return fake_state;
}

static void
fake(int state, long status, long maxerror, long esterror, long freq)
{
  fake_state = state;
  fake_status = status;
  fake_maxerror = maxerror;
  fake_esterror = esterror;
  fake_freq = freq;
}

START_TEST(read_converts_units)
{
  struct ep_host_clock h;

  fake(TIME_OK, 0, 123456, 789, -12 * 65536 - 32768);
  ep_host_clock_read(fake_adjtimex, &h);
  ck_assert(h.known);
  ck_assert(h.synchronised);
  ck_assert_double_eq_tol(h.max_error_s, 0.123456, 1e-9);
  ck_assert_double_eq_tol(h.est_error_s, 0.000789, 1e-9);
  ck_assert_double_eq_tol(h.freq_ppm, -12.5, 1e-9);
  fake(TIME_ERROR, 0, 0, 0, 0);
  ep_host_clock_read(fake_adjtimex, &h);
  ck_assert(!h.synchronised);
  fake(-1, 0, 0, 0, 0);
  ep_host_clock_read(fake_adjtimex, &h);
  ck_assert(!h.known);
  ck_assert_int_eq(h.os_errno, EPERM);
}
END_TEST

START_TEST(unsynchronised_warns_when_servers_answer)
{
  struct ep_host_clock    h;
  struct ep_check_result  c;
  struct ep_err           err = EP_ERR_INIT;
  const struct ep_target_result *t;

  fake(TIME_ERROR, STA_UNSYNC, 16000000, 16000000, 0);
  ep_host_clock_read(fake_adjtimex, &h);
  ep_check_result_init(&c);
  ck_assert_int_eq(ep_host_clock_judge(&h, true, &c, &err), EP_OK);
  ck_assert_uint_eq(c.n_targets, 1);
  t = &c.targets[0];
  ck_assert_str_eq(t->name, "local clock");
  ck_assert_int_eq(t->state, EP_STATE_WARNING);
  ck_assert_str_eq(t->cause, EP_CAUSE_CLOCK_UNSYNC);
  ck_assert_str_eq(t->text, "NTP servers answer, but this host's clock is "
                            "not synchronised (no time daemon disciplining "
                            "it; maximum error 16 s)");
  ck_assert_str_eq(t->detail, "kernel: maximum error 16 s, estimated error "
                              "16 s, frequency 0 ppm, status 0x0040");
  ck_assert_int_eq(c.state, EP_STATE_WARNING);
  ck_assert(!json_object_get_boolean(
    json_object_object_get(t->data, "synchronised")));
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(silent_when_not_true)
{
  struct ep_host_clock   h;
  struct ep_check_result c;
  struct ep_err          err = EP_ERR_INIT;

  ep_check_result_init(&c);
  /* Synchronised. */
  fake(TIME_OK, STA_PLL, 20000, 1000, 300000);
  ep_host_clock_read(fake_adjtimex, &h);
  ck_assert_int_eq(ep_host_clock_judge(&h, true, &c, &err), EP_OK);
  /* Unsynchronised, but no server answered: their rows say why. */
  fake(TIME_ERROR, STA_UNSYNC, 16000000, 16000000, 0);
  ep_host_clock_read(fake_adjtimex, &h);
  ck_assert_int_eq(ep_host_clock_judge(&h, false, &c, &err), EP_OK);
  /* Not readable. */
  fake(-1, 0, 0, 0, 0);
  ep_host_clock_read(fake_adjtimex, &h);
  ck_assert_int_eq(ep_host_clock_judge(&h, true, &c, &err), EP_OK);
  ck_assert_uint_eq(c.n_targets, 0);
  ck_assert_int_eq(c.state, EP_STATE_OK);
  ep_check_result_cleanup(&c);
}
END_TEST

int
main(void)
{
  Suite   *s = suite_create("ntp_clock");
  TCase   *t = tcase_create("clock");
  SRunner *sr;
  int      failed;

  tcase_add_test(t, read_converts_units);
  tcase_add_test(t, unsynchronised_warns_when_servers_answer);
  tcase_add_test(t, silent_when_not_true);
  suite_add_tcase(s, t);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
