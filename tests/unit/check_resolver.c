/* Unit tests for the resolver against a DNS server of the test's own on
 * 127.0.0.1: an answer is timed to its own arrival (not to the loop pass
 * that reads it), a run whose fallback grace is over does not ask to be
 * woken at once, and c-ares's writes never raise SIGPIPE. */
#include "config.h"

#include <arpa/inet.h>
#include <ares.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ep_resolver.h"
#include "ep_time.h"
#include "ep_unit.h"
#include "ep_unit_stamping.h"

struct got {
  int                  calls;
  struct ep_dns_answer answer;
};

static void
on_answer(void *arg, size_t server, const struct ep_dns_answer *a)
{
  struct got *g = arg;

  (void)server;
  g->calls++;
  g->answer = *a;
}

/* A UDP socket on 127.0.0.1 and its port. */
static int
udp_server(unsigned *port)
{
  struct sockaddr_in sin;
  socklen_t          len = sizeof sin;
  int                fd = socket(AF_INET, SOCK_DGRAM, 0);

  ck_assert_int_ge(fd, 0);
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
  *port = ntohs(sin.sin_port);
  return fd;
}

/* Waits for one query and answers it with 192.0.2.7 after delay_ms. */
static void
answer_one(int fd, int delay_ms)
{
  static const unsigned char answer[] = {
    0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7};
  unsigned char      buf[600];
  struct sockaddr_in from;
  socklen_t          flen = sizeof from;
  struct pollfd      pfd = {fd, POLLIN, 0};
  struct timespec    d;
  ssize_t            n;

  ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
  n = recvfrom(fd, buf, sizeof buf - sizeof answer, 0,
               (struct sockaddr *)&from, &flen);
  ck_assert_int_gt(n, 12);
  buf[2] = 0x81; /* QR, RD */
  buf[3] = 0x80; /* RA, NOERROR */
  buf[7] = 1;    /* one answer */
  memcpy(buf + n, answer, sizeof answer);
  d.tv_sec = 0;
  d.tv_nsec = delay_ms * 1000000L;
  nanosleep(&d, NULL);
  ck_assert_int_eq(sendto(fd, buf, (size_t)n + sizeof answer, 0,
                          (struct sockaddr *)&from, flen),
                   n + (ssize_t)sizeof answer);
}

static struct ep_resolver *
resolver_for(unsigned port)
{
  struct ep_err      err = EP_ERR_INIT;
  struct ep_strlist  servers = {NULL, 0};
  char               addr[32];
  struct ep_resolver *r;

  snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
  ck_assert_int_eq(ep_strlist_add(&servers, addr), EP_OK);
  r = ep_resolver_new(&servers, "none", NULL, 3, &err);
  ep_strlist_free(&servers);
  ck_assert_msg(r != NULL, "%s", err.msg);
  return r;
}

/* Runs one loop pass without waiting. */
static void
process_now(struct ep_resolver *r)
{
  struct ep_pollset ps;
  struct timespec   now = ep_time_now();

  ep_pollset_init(&ps);
  ck_assert_int_eq(ep_resolver_pollset(r, &ps, now), EP_OK);
  ck_assert_int_ge(poll(ps.fds, (nfds_t)ps.n, 0), 0);
  ep_resolver_process(r, &ps, ep_time_now());
  ep_pollset_cleanup(&ps);
}

/* The reply arrives after 50 ms but is read 250 ms later: its figure is
 * the 50 ms the network took, not the 300 ms until we looked. */
START_TEST(resolver_times_answer_to_its_arrival)
{
  struct got          g = {0, {0}};
  struct ep_err       err = EP_ERR_INIT;
  struct timespec     pause = {0, 250000000L};
  unsigned            port;
  int                 fd = udp_server(&port);
  struct ep_resolver *r = resolver_for(port);

  ck_assert_int_eq(ep_resolver_query(r, 0, "a.example", on_answer, &g,
                                     ep_time_now(), &err),
                   EP_OK);
  answer_one(fd, 50);
  nanosleep(&pause, NULL);
  process_now(r);
  ck_assert_int_eq(g.calls, 1);
  ck_assert_int_eq(g.answer.outcome, EP_DNS_ANSWER);
  ck_assert_str_eq(g.answer.addrs[0], "192.0.2.7");
  ck_assert_msg(g.answer.seconds >= 0.045 && g.answer.seconds < 0.2,
                "timed %.6f s, expected about 0.05", g.answer.seconds);
  ep_resolver_free(r);
  close(fd);
}
END_TEST

struct lookup_got {
  int                     calls;
  struct ep_lookup_result res;
};

static void
on_lookup(void *arg, const struct ep_lookup_result *res)
{
  struct lookup_got *g = arg;

  g->calls++;
  g->res = *res;
}

/* Waits for one query, checks that it asks for AAAA, and answers it with
 * 2001:db8::7 and 2001:db8::8. */
static void
answer_aaaa(int fd)
{
  static const unsigned char record[] = {0xc0, 0x0c, 0, 28, 0, 1, 0, 0, 0,
                                         60,   0,    16};
  unsigned char      buf[600], *p;
  struct sockaddr_in from;
  socklen_t          flen = sizeof from;
  struct pollfd      pfd = {fd, POLLIN, 0};
  ssize_t            n;
  size_t             q = 12, len;
  int                i;

  ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
  n = recvfrom(fd, buf, 200, 0, (struct sockaddr *)&from, &flen);
  ck_assert_int_gt(n, 12);
  while (q < (size_t)n && buf[q])
    q += buf[q] + 1u;
  ck_assert_uint_lt(q + 4, (size_t)n);
  ck_assert_int_eq(buf[q + 1] << 8 | buf[q + 2], 28); /* QTYPE AAAA */
  len = q + 5; /* the question, without any EDNS0 record */
  buf[2] = 0x81;
  buf[3] = 0x80;
  buf[7] = 2;
  buf[11] = 0; /* no additional records */
  for (i = 7; i <= 8; i++) {
    p = buf + len;
    memcpy(p, record, sizeof record);
    memset(p + sizeof record, 0, 16);
    p[sizeof record] = 0x20;
    p[sizeof record + 1] = 0x01;
    p[sizeof record + 2] = 0x0d;
    p[sizeof record + 3] = 0xb8;
    p[sizeof record + 15] = (unsigned char)i;
    len += sizeof record + 16;
  }
  ck_assert_int_eq(sendto(fd, buf, len, 0, (struct sockaddr *)&from, flen),
                   (ssize_t)len);
}

/* An IPv6 lookup asks for AAAA and reads the addresses as IPv6. */
START_TEST(resolver_looks_up_aaaa)
{
  struct lookup_got   g;
  struct ep_err       err = EP_ERR_INIT;
  unsigned            port;
  int                 fd = udp_server(&port), passes;
  struct ep_resolver *r = resolver_for(port);

  memset(&g, 0, sizeof g);
  ck_assert_int_eq(ep_resolver_lookup_family(r, "v6.example", AF_INET6,
                                             on_lookup, &g, ep_time_now(),
                                             &err),
                   EP_OK);
  answer_aaaa(fd);
  for (passes = 0; passes < 200 && g.calls == 0; passes++) {
    struct timespec pause = {0, 5000000L};

    nanosleep(&pause, NULL);
    process_now(r);
  }
  ck_assert_int_eq(g.calls, 1);
  ck_assert_int_eq(g.res.outcome, EP_DNS_ANSWER);
  ck_assert_uint_eq(g.res.n_addrs, 2);
  ck_assert_str_eq(g.res.addrs[0], "2001:db8::7");
  ck_assert_str_eq(g.res.addrs[1], "2001:db8::8");
  ep_resolver_free(r);
  close(fd);
}
END_TEST

/* A lookup whose server stays silent: before its grace the loop may be
 * woken for it; once the grace is over, only c-ares's own retry timer
 * (seconds away) is a reason to wake, never "now". */
START_TEST(resolver_wakes_for_no_grace_already_past)
{
  struct lookup_got   g = {0, {0}};
  struct ep_err       err = EP_ERR_INIT;
  struct ep_pollset   ps;
  struct timespec     now;
  unsigned            port;
  int                 fd = udp_server(&port); /* never answers */
  struct ep_resolver *r = resolver_for(port);

  now = ep_time_now();
  ck_assert_int_eq(ep_resolver_lookup(r, "a.example", on_lookup, &g, now,
                                      &err),
                   EP_OK);
  /* Well after the grace (one c-ares try: a third of the 3 s) */
  now = ep_time_add(now, 1.5);
  ep_pollset_init(&ps);
  ck_assert_int_eq(ep_resolver_pollset(r, &ps, now), EP_OK);
  ck_assert_msg(!ps.has_wake || ep_time_diff(ps.wake, now) > 0.1,
                "asked to wake %.3f s from now",
                ep_time_diff(ps.wake, now));
  ep_pollset_cleanup(&ps);
  ep_resolver_cancel(r);
  ck_assert_int_eq(g.calls, 1);
  ep_resolver_free(r);
  close(fd);
}
END_TEST

struct count_got {
  int calls, cancelled;
};

static void
on_count(void *arg, size_t server, const struct ep_dns_answer *a)
{
  struct count_got *g = arg;

  (void)server;
  g->calls++;
  if (a->outcome == EP_DNS_CANCELLED)
    g->cancelled++;
}

/* A burst of 200 queries to a silent server: 64 go out, the rest wait
 * their turn (a burst overflows receive buffers); cancelling answers
 * every one of them, and the resolver takes no query after. */
START_TEST(resolver_keeps_64_in_flight_and_cancels_the_waiting)
{
  struct count_got    g = {0, 0};
  struct ep_err       err = EP_ERR_INIT;
  char                name[32], buf[512];
  unsigned            port;
  int                 fd = udp_server(&port), i, sent = 0;
  struct ep_resolver *r = resolver_for(port);
  struct timespec     pause = {0, 50000000L};

  for (i = 0; i < 200; i++) {
    snprintf(name, sizeof name, "n%d.example", i);
    ck_assert_int_eq(ep_resolver_query(r, 0, name, on_count, &g,
                                       ep_time_now(), &err),
                     EP_OK);
  }
  nanosleep(&pause, NULL);
  while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
    sent++;
  ck_assert_int_eq(sent, 64);
  ck_assert_int_eq((int)ep_resolver_pending(r), 200);
  ep_resolver_cancel(r);
  ck_assert_int_eq(g.calls, 200);
  ck_assert_int_eq(g.cancelled, 200);
  ck_assert_int_eq((int)ep_resolver_pending(r), 0);
  ck_assert_int_ne(ep_resolver_query(r, 0, "late.example", on_count, &g,
                                     ep_time_now(), &err),
                   EP_OK);
  ck_assert_int_eq(g.calls, 200);
  ep_resolver_free(r);
  close(fd);
}
END_TEST

/* c-ares writes TCP queries through our sendv: to a peer that has gone,
 * that is EPIPE, not a SIGPIPE that would kill the process (SIGPIPE is at
 * its default action here, as in a check plugin). */
START_TEST(resolver_sends_without_sigpipe)
{
  const struct ares_socket_functions *f = ep_resolver_socket_functions();
  struct iovec                        iov[2];
  char                                a[] = "query", b[] = "more";
  int                                 sv[2];
  ssize_t                             n;

  signal(SIGPIPE, SIG_DFL);
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  close(sv[1]);
  iov[0].iov_base = a;
  iov[0].iov_len = sizeof a;
  iov[1].iov_base = b;
  iov[1].iov_len = sizeof b;
  n = f->asendv(sv[0], iov, 2, NULL);
  ck_assert_int_eq(n, -1);
  ck_assert_int_eq(errno, EPIPE);
  close(sv[0]);
}
END_TEST

/* With socket functions of its user's, c-ares configures nothing: ours
 * must make every socket non-blocking (or a read loop blocks the run for
 * ever) and close-on-exec, and a TCP one free of Nagle's delay. */
START_TEST(resolver_sockets_nonblocking_nodelay)
{
  const struct ares_socket_functions *f = ep_resolver_socket_functions();
  int                                 fd, on = 0;
  socklen_t                           len = sizeof on;

  fd = f->asocket(AF_INET, SOCK_STREAM, 0, NULL);
  ck_assert_int_ge(fd, 0);
  ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
  ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len), 0);
  ck_assert_int_eq(on, 1);
  ck_assert_int_eq(f->aclose(fd, NULL), 0);
  fd = f->asocket(AF_INET, SOCK_DGRAM, 0, NULL);
  ck_assert_int_ge(fd, 0);
  ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
  ck_assert_int_eq(f->aclose(fd, NULL), 0);
}
END_TEST

static Suite *
resolver_suite(void)
{
  Suite *s = suite_create("resolver");
  TCase *tc = tcase_create("core");

  tcase_set_timeout(tc, 20);
  tcase_add_unchecked_fixture(tc, ep_unit_stamping_on, ep_unit_stamping_off);
  tcase_add_test(tc, resolver_times_answer_to_its_arrival);
  tcase_add_test(tc, resolver_wakes_for_no_grace_already_past);
  tcase_add_test(tc, resolver_sends_without_sigpipe);
  tcase_add_test(tc, resolver_keeps_64_in_flight_and_cancels_the_waiting);
  tcase_add_test(tc, resolver_sockets_nonblocking_nodelay);
  suite_add_tcase(s, tc);
  /* Apart from the timing tests' fixture: it needs no stamps. */
  tc = tcase_create("aaaa");
  tcase_add_test(tc, resolver_looks_up_aaaa);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(resolver_suite)
