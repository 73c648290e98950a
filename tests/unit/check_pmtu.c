/* Unit tests for the path MTU blackhole's pieces (ep_pmtu): when a
 * silent handshake counts as stalled, and the small segments set on a
 * socket before it connects. */
#include "config.h"

#include <check.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ep_pmtu.h"
#include "ep_time.h"

START_TEST(stall_after_a_second_or_four_round_trips)
{
  struct timespec sent = {100, 0};

  /* A near server: the floor. */
  ck_assert(ep_time_diff(ep_pmtu_stall_due(sent, 0.0002), sent) ==
            EP_PMTU_STALL_S);
  ck_assert(ep_time_diff(ep_pmtu_stall_due(sent, 0), sent) ==
            EP_PMTU_STALL_S);
  /* A satellite link's 600 ms connect: four of them. */
  ck_assert_double_eq_tol(ep_time_diff(ep_pmtu_stall_due(sent, 0.6), sent),
                          2.4, 1e-9);
}
END_TEST

START_TEST(small_segments_before_connect)
{
  int       fd = socket(AF_INET, SOCK_STREAM, 0);
  int       mss = 0;
  socklen_t len = sizeof mss;

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(ep_pmtu_small_segments(fd), 0);
  ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, &len), 0);
  ck_assert_int_eq(mss, EP_PMTU_SMALL_MSS);
  close(fd);
  /* Not a socket: an error, not a crash. */
  ck_assert_int_eq(ep_pmtu_small_segments(-1), -1);
}
END_TEST

int
main(void)
{
  Suite   *s = suite_create("pmtu");
  TCase   *t = tcase_create("pmtu");
  SRunner *sr;
  int      failed;

  tcase_add_test(t, stall_after_a_second_or_four_round_trips);
  tcase_add_test(t, small_segments_before_connect);
  suite_add_tcase(s, t);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
