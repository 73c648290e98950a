/* Unit tests for ep_rxtime over real UDP sockets on 127.0.0.1: the stamp
 * is the kernel's, taken between the clock reads before the send and
 * after the receive, on either clock; a packet left waiting keeps the
 * time it arrived; without stamping the clock read stands in and says
 * so; a datagram cut short says so. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "ep_rxtime.h"
#include "ep_time.h"
#include "ep_unit.h"
#include "ep_unit_stamping.h"

/* A receiving and a sending socket on 127.0.0.1, the sender connected to
 * the receiver. */
struct pair {
  int                rx, tx;
  struct sockaddr_in tx_addr;
};

static int
bound_udp(struct sockaddr_in *sa)
{
  socklen_t len = sizeof *sa;
  int       fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  ck_assert_int_ge(fd, 0);
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)sa, sizeof *sa), 0);
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)sa, &len), 0);
  return fd;
}

static void
open_pair(struct pair *p, bool stamped)
{
  struct sockaddr_in rx_addr;

  p->rx = bound_udp(&rx_addr);
  p->tx = bound_udp(&p->tx_addr);
  if (stamped)
    ck_assert_int_eq(ep_rxtime_enable(p->rx), 0);
  ck_assert_int_eq(
    connect(p->tx, (struct sockaddr *)&rx_addr, sizeof rx_addr), 0);
}

static void
close_pair(struct pair *p)
{
  close(p->rx);
  close(p->tx);
}

static void
send_and_wait(const struct pair *p, const char *msg)
{
  struct pollfd pfd = {p->rx, POLLIN, 0};

  ck_assert_int_eq(send(p->tx, msg, strlen(msg), 0), (ssize_t)strlen(msg));
  ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
}

static struct timespec
clock_now(clockid_t clock)
{
  struct timespec ts;

  clock_gettime(clock, &ts);
  return ts;
}

/* Sends, receives, and checks before <= at <= after on clock. */
static void
stamp_between_reads(clockid_t clock, bool stamped)
{
  struct pair        p;
  struct ep_rxtime   rx;
  struct sockaddr_in from;
  socklen_t          from_len = sizeof from;
  struct timespec    before, after;
  char               buf[64];
  ssize_t            n;

  open_pair(&p, stamped);
  before = clock_now(clock);
  send_and_wait(&p, "hello");
  n = ep_rxtime_recv(p.rx, buf, sizeof buf, 0, (struct sockaddr *)&from,
                     &from_len, clock, &rx);
  after = clock_now(clock);
  ck_assert_int_eq(n, 5);
  ck_assert_mem_eq(buf, "hello", 5);
  ck_assert(rx.kernel == stamped);
  ck_assert_msg(ep_time_diff(rx.at, before) >= 0,
                "stamp %.9f s before the send", ep_time_diff(before, rx.at));
  ck_assert_msg(ep_time_diff(after, rx.at) >= 0,
                "stamp %.9f s after the receive", ep_time_diff(rx.at, after));
  ck_assert_int_eq(from_len, sizeof from);
  ck_assert_int_eq(from.sin_port, p.tx_addr.sin_port);
  ck_assert_int_eq(rx.flags & MSG_TRUNC, 0);
  close_pair(&p);
}

START_TEST(kernel_stamp_on_the_wall_clock)
{
  stamp_between_reads(CLOCK_REALTIME, true);
}
END_TEST

START_TEST(kernel_stamp_on_the_monotonic_clock)
{
  stamp_between_reads(CLOCK_MONOTONIC, true);
}
END_TEST

START_TEST(without_stamping_the_clock_read_stands_in)
{
  stamp_between_reads(CLOCK_MONOTONIC, false);
  stamp_between_reads(CLOCK_REALTIME, false);
}
END_TEST

/* A reply that waits while the loop is busy is not slower for it: the
 * stamp is when it arrived, well before the read. */
START_TEST(a_waiting_packet_keeps_its_arrival_time)
{
  struct pair      p;
  struct ep_rxtime rx;
  struct timespec  before, sent, after;
  char             buf[64];

  open_pair(&p, true);
  before = ep_time_now();
  send_and_wait(&p, "late");
  sent = ep_time_now();
  usleep(100000);
  ck_assert_int_eq(ep_rxtime_recv(p.rx, buf, sizeof buf, 0, NULL, NULL,
                                  CLOCK_MONOTONIC, &rx),
                   4);
  after = ep_time_now();
  ck_assert(rx.kernel);
  ck_assert(ep_time_diff(rx.at, before) >= 0);
  ck_assert_msg(ep_time_diff(rx.at, sent) <= 0,
                "stamp %.6f s after the packet was seen waiting",
                ep_time_diff(rx.at, sent));
  ck_assert(ep_time_diff(after, rx.at) >= 0.09);
  close_pair(&p);
}
END_TEST

START_TEST(a_datagram_cut_short_says_so)
{
  struct pair      p;
  struct ep_rxtime rx;
  char             buf[4];

  open_pair(&p, true);
  send_and_wait(&p, "longer than four");
  ck_assert_int_eq(ep_rxtime_recv(p.rx, buf, sizeof buf, 0, NULL, NULL,
                                  CLOCK_REALTIME, &rx),
                   4);
  ck_assert_int_ne(rx.flags & MSG_TRUNC, 0);
  ck_assert(rx.kernel);
  close_pair(&p);
}
END_TEST

START_TEST(nothing_to_read_leaves_errno)
{
  struct pair      p;
  struct ep_rxtime rx = {{7, 7}, true, 7};
  char             buf[4];

  open_pair(&p, true);
  errno = 0;
  ck_assert_int_eq(ep_rxtime_recv(p.rx, buf, sizeof buf, MSG_DONTWAIT, NULL,
                                  NULL, CLOCK_MONOTONIC, &rx),
                   -1);
  ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
  ck_assert_int_eq(rx.at.tv_sec, 7);
  ck_assert_int_eq(rx.flags, 7);
  close_pair(&p);
}
END_TEST

/* A wall-clock stamp carried over to the monotonic clock keeps its age;
 * one from the future, or from before EP_RXTIME_MAX_AGE, is refused. */
START_TEST(a_stamp_carried_over_keeps_its_age)
{
  struct timespec wall, mono_before, at, stamp;

  clock_gettime(CLOCK_MONOTONIC, &mono_before);
  clock_gettime(CLOCK_REALTIME, &wall);
  stamp = ep_time_add(wall, -0.25);
  ck_assert(ep_rxtime_stamp_on(CLOCK_MONOTONIC, &stamp, &at));
  /* Less than 0.25 s before mono_before by as long as the test took
   * between its clock reads, however late it was scheduled. */
  ck_assert(ep_time_diff(at, mono_before) > -0.26);
  ck_assert(ep_time_diff(at, mono_before) < -0.15);
  ck_assert(ep_rxtime_stamp_on(CLOCK_REALTIME, &stamp, &at));
  ck_assert_int_eq(at.tv_sec, stamp.tv_sec);
  ck_assert_int_eq(at.tv_nsec, stamp.tv_nsec);
  stamp = ep_time_add(wall, 5);
  ck_assert(!ep_rxtime_stamp_on(CLOCK_MONOTONIC, &stamp, &at));
  ck_assert(ep_time_diff(at, mono_before) >= 0);
  stamp = ep_time_add(wall, -EP_RXTIME_MAX_AGE - 1);
  ck_assert(!ep_rxtime_stamp_on(CLOCK_MONOTONIC, &stamp, &at));
}
END_TEST

static Suite *
rxtime_suite(void)
{
  Suite *s = suite_create("rxtime");
  TCase *tc = tcase_create("udp");

  tcase_add_unchecked_fixture(tc, ep_unit_stamping_on, ep_unit_stamping_off);
  tcase_add_test(tc, kernel_stamp_on_the_wall_clock);
  tcase_add_test(tc, kernel_stamp_on_the_monotonic_clock);
  tcase_add_test(tc, without_stamping_the_clock_read_stands_in);
  tcase_add_test(tc, a_waiting_packet_keeps_its_arrival_time);
  tcase_add_test(tc, a_datagram_cut_short_says_so);
  tcase_add_test(tc, nothing_to_read_leaves_errno);
  tcase_add_test(tc, a_stamp_carried_over_keeps_its_age);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(rxtime_suite)
