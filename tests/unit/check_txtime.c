/* Unit tests for ep_txtime over real UDP sockets on 127.0.0.1: each send
 * is stamped by the kernel between the clock reads around it, numbered in
 * order from 0; the socket's receive stamps still come (ep_rxtime);
 * nothing queued reads as nothing; a socket without stamping queues none. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "ep_rxtime.h"
#include "ep_time.h"
#include "ep_txtime.h"
#include "ep_unit.h"
#include "ep_unit_stamping.h"

/* A receiver on 127.0.0.1 and a sender connected to it. */
static void
open_pair(int *rx, int *tx)
{
  struct sockaddr_in sa;
  socklen_t          len = sizeof sa;

  *rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  *tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(*rx, 0);
  ck_assert_int_ge(*tx, 0);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(bind(*rx, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(getsockname(*rx, (struct sockaddr *)&sa, &len), 0);
  ck_assert_int_eq(connect(*tx, (struct sockaddr *)&sa, sizeof sa), 0);
}

START_TEST(each_send_stamped_in_order)
{
  struct timespec before[3], after[3], at;
  uint32_t        id;
  int             rx, tx, i;

  open_pair(&rx, &tx);
  ck_assert_int_eq(ep_txtime_enable(tx), 0);
  ck_assert_int_eq(ep_rxtime_enable(tx), 0);
  ck_assert_int_eq(ep_txtime_read(tx, &id, &at), 0); /* nothing sent */
  for (i = 0; i < 3; i++) {
    clock_gettime(CLOCK_REALTIME, &before[i]);
    ck_assert_int_eq(send(tx, "x", 1, 0), 1);
    clock_gettime(CLOCK_REALTIME, &after[i]);
  }
  for (i = 0; i < 3; i++) {
    ck_assert_int_eq(ep_txtime_read(tx, &id, &at), 1);
    ck_assert_uint_eq(id, (uint32_t)i);
    ck_assert(ep_time_diff(at, before[i]) >= 0);
    ck_assert(ep_time_diff(after[i], at) >= 0);
  }
  ck_assert_int_eq(ep_txtime_read(tx, &id, &at), 0);
  close(rx);
  close(tx);
}
END_TEST

/* A socket that stamps its sends still has its replies stamped. */
START_TEST(receive_stamps_stay)
{
  struct timespec  before, after;
  struct ep_rxtime r;
  char             buf[8];
  int              rx, tx;

  open_pair(&rx, &tx);
  ck_assert_int_eq(ep_rxtime_enable(rx), 0);
  ck_assert_int_eq(ep_txtime_enable(rx), 0);
  clock_gettime(CLOCK_REALTIME, &before);
  ck_assert_int_eq(send(tx, "y", 1, 0), 1);
  clock_gettime(CLOCK_REALTIME, &after);
  ck_assert_int_eq(ep_rxtime_recv(rx, buf, sizeof buf, 0, NULL, NULL,
                                  CLOCK_REALTIME, &r), 1);
  ck_assert(r.kernel);
  ck_assert(ep_time_diff(r.at, before) >= 0);
  ck_assert(ep_time_diff(after, r.at) >= 0);
  close(rx);
  close(tx);
}
END_TEST

START_TEST(unstamped_socket_queues_nothing)
{
  struct timespec at;
  uint32_t        id;
  int             rx, tx;

  open_pair(&rx, &tx);
  ck_assert_int_eq(send(tx, "z", 1, 0), 1);
  ck_assert_int_eq(ep_txtime_read(tx, &id, &at), 0);
  close(rx);
  close(tx);
}
END_TEST

static Suite *
txtime_suite(void)
{
  Suite *s = suite_create("txtime");
  TCase *tc = tcase_create("core");

  tcase_add_unchecked_fixture(tc, ep_unit_stamping_on, ep_unit_stamping_off);
  tcase_add_test(tc, each_send_stamped_in_order);
  tcase_add_test(tc, receive_stamps_stay);
  tcase_add_test(tc, unstamped_socket_queues_nothing);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(txtime_suite)
