/* Unit tests for the uplink: the DNS train's query and reply
 * matching, its loss and RFC 3550 jitter; the need by the seed's rates;
 * the verdict on what the upload carried and its exact words; the queue;
 * a train no resolver answered, tied to its name for the diagnosis; a
 * reply our loop came late to, judged by when it came. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ep_cause.h"
#include "ep_pollset.h"
#include "ep_time.h"
#include "ep_unit.h"
#include "ep_unit_stamping.h"
#include "uplink.h"
#include "uplink_report.h"
#include "uplink_train.h"

START_TEST(query_is_laid_out_as_the_wire_wants)
{
  static const unsigned char want[] = {
    0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
    3, 'a', 'p', 'i', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
    0, 1, 0, 1};
  unsigned char q[512];
  size_t        n = ep_uplink_dns_query(q, sizeof q, 0x1234, "api.example.com");

  ck_assert_uint_eq(n, sizeof want);
  ck_assert(memcmp(q, want, n) == 0);
  /* A trailing dot is the root, not an empty label. */
  ck_assert_uint_eq(ep_uplink_dns_query(q, sizeof q, 1, "api.example.com."),
                    sizeof want);
}
END_TEST

START_TEST(query_refuses_what_is_no_name)
{
  unsigned char q[512];
  char          long_label[80];

  memset(long_label, 'a', 64);
  long_label[64] = '\0';
  ck_assert_uint_eq(ep_uplink_dns_query(q, sizeof q, 1, ""), 0);
  ck_assert_uint_eq(ep_uplink_dns_query(q, sizeof q, 1, "a..b"), 0);
  ck_assert_uint_eq(ep_uplink_dns_query(q, sizeof q, 1, long_label), 0);
  ck_assert_uint_eq(ep_uplink_dns_query(q, 20, 1, "api.example.com"), 0);
  ck_assert_uint_eq(ep_uplink_dns_query(q, sizeof q, 1, NULL), 0);
}
END_TEST

START_TEST(reply_needs_qr_and_a_header)
{
  unsigned char r[12] = {0xbe, 0xef, 0x81, 0x80};
  uint16_t      id = 0;

  ck_assert(ep_uplink_dns_reply_id(r, sizeof r, &id));
  ck_assert_uint_eq(id, 0xbeef);
  r[2] = 0x01; /* a query, not a reply */
  ck_assert(!ep_uplink_dns_reply_id(r, sizeof r, &id));
  r[2] = 0x81;
  ck_assert(!ep_uplink_dns_reply_id(r, 11, &id));
}
END_TEST

START_TEST(train_loss_and_jitter)
{
  /* Round trips alternating 10 and 50 ms, query 3 lost: the jitter runs
   * over the replies in order, J += (|D| - J) / 16. */
  double rtt[6] = {0.010, 0.050, 0.010, 0, 0.050, 0.010};
  bool   got[6] = {true, true, true, false, true, true};
  struct ep_uplink_train_stats st;
  double j = 0;
  int    i;

  ep_uplink_train_stats(rtt, got, 6, &st);
  ck_assert_uint_eq(st.sent, 6);
  ck_assert_uint_eq(st.received, 5);
  ck_assert_double_eq_tol(st.loss_pct, 100.0 / 6, 1e-9);
  ck_assert_double_eq_tol(st.rtt_min, 0.010, 1e-12);
  ck_assert_double_eq_tol(st.rtt_max, 0.050, 1e-12);
  ck_assert_double_eq_tol(st.rtt_avg, 0.026, 1e-12);
  for (i = 0; i < 4; i++)
    j += (0.040 - j) / 16;
  ck_assert(st.have_jitter);
  ck_assert_double_eq_tol(st.jitter, j, 1e-12);
}
END_TEST

START_TEST(train_of_nothing_answered)
{
  double rtt[3] = {0};
  bool   got[3] = {false, false, false};
  struct ep_uplink_train_stats st;

  ep_uplink_train_stats(rtt, got, 3, &st);
  ck_assert_double_eq(st.loss_pct, 100);
  ck_assert(!st.have_rtt);
  ck_assert(!st.have_jitter);
}
END_TEST

/* Answers the one query waiting on fd: the same bytes with QR set. */
static void
answer_one_query(int fd)
{
  unsigned char      buf[512];
  struct sockaddr_in from;
  socklen_t          from_len = sizeof from;
  struct pollfd      pfd = {.fd = fd, .events = POLLIN};
  ssize_t            n;

  ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
  n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &from_len);
  ck_assert_int_gt(n, 12);
  buf[2] |= 0x80;
  ck_assert_int_eq(sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
                          from_len),
                   n);
}

/* Both replies come at once, but the loop reads nothing until well after
 * the train's wait (a stall of ours, as under valgrind): they are still
 * received, with their round trips as the kernel stamped them. */
START_TEST(train_counts_replies_read_after_the_wait)
{
  struct sockaddr_in            sa = {.sin_family = AF_INET};
  socklen_t                     len = sizeof sa;
  struct ep_uplink_train       *t;
  struct ep_uplink_train_stats  st;
  struct ep_pollset             ps;
  struct ep_err                 err = {0};
  struct timespec               pause = {0, 600 * 1000 * 1000};
  char                          server[32];
  int                           fd;

  fd = socket(AF_INET, SOCK_DGRAM, 0);
  ck_assert_int_ge(fd, 0);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
  snprintf(server, sizeof server, "127.0.0.1:%u", ntohs(sa.sin_port));
  t = ep_uplink_train_new("good.example", 2, 0.01, 0.5, NULL, &err);
  ck_assert_ptr_nonnull(t);
  ck_assert_int_eq(ep_uplink_train_start(t, server, ep_time_now(), &err),
                   EP_OK);
  answer_one_query(fd);
  /* The second query is due 10 ms after the first; an empty pollset hands
   * the train no readiness, so nothing is read yet. */
  nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
  ep_pollset_init(&ps);
  ep_uplink_train_on_ready(t, &ps, ep_time_now());
  answer_one_query(fd);
  nanosleep(&pause, NULL);
  ck_assert(ep_uplink_train_done(t));
  ep_uplink_train_result(t, &st);
  ck_assert_uint_eq(st.sent, 2);
  ck_assert_uint_eq(st.received, 2);
  ep_pollset_cleanup(&ps);
  ep_uplink_train_free(t);
  close(fd);
}
END_TEST

START_TEST(need_by_the_seeds_rates)
{
  struct ep_uplink_need n;

  ep_uplink_need_of(50, 5, false, &n);
  ck_assert_double_eq(n.bps, 45 * 1000.0 + 5 * 5000.0);
  ck_assert_double_eq(n.download_min_bps, 50 * 250.0);
  ck_assert_double_eq(n.download_max_bps, 50 * 2000.0);
  /* More high-data machines than machines is capped, not negative. */
  ep_uplink_need_of(2, 7, false, &n);
  ck_assert_uint_eq(n.high_data, 2);
  ck_assert_double_eq(n.bps, 10000.0);
  ck_assert(ep_uplink_high_data_protocol("fanuc-focas"));
  ck_assert(!ep_uplink_high_data_protocol("modbus-tcp"));
  ck_assert(!ep_uplink_high_data_protocol(NULL));
}
END_TEST

START_TEST(rates_in_words)
{
  char b[32];

  ep_uplink_rate_words(b, sizeof b, 250);
  ck_assert_str_eq(b, "250 bps");
  ep_uplink_rate_words(b, sizeof b, 4500);
  ck_assert_str_eq(b, "4.5 kbps");
  ep_uplink_rate_words(b, sizeof b, 5000);
  ck_assert_str_eq(b, "5 kbps");
  ep_uplink_rate_words(b, sizeof b, 48200);
  ck_assert_str_eq(b, "48.2 kbps");
  ep_uplink_rate_words(b, sizeof b, 48020);
  ck_assert_str_eq(b, "48 kbps");
  ep_uplink_rate_words(b, sizeof b, 12500);
  ck_assert_str_eq(b, "12.5 kbps");
  ep_uplink_rate_words(b, sizeof b, 203900);
  ck_assert_str_eq(b, "204 kbps");
  ep_uplink_rate_words(b, sizeof b, 999900);
  ck_assert_str_eq(b, "1 Mbps");
  ep_uplink_rate_words(b, sizeof b, 1.5e6);
  ck_assert_str_eq(b, "1.5 Mbps");
  ep_uplink_rate_words(b, sizeof b, 1.2e8);
  ck_assert_str_eq(b, "120 Mbps");
}
END_TEST

static struct ep_uplink_limits
limits(void)
{
  struct ep_uplink_limits l;

  memset(&l, 0, sizeof l);
  l.headroom = 4;
  ck_assert(ep_range_parse(&l.loss_warn, "2", "w", NULL) == EP_OK);
  ck_assert(ep_range_parse(&l.loss_crit, "25", "c", NULL) == EP_OK);
  ck_assert(ep_range_parse(&l.jitter_warn, "0.03", "j", NULL) == EP_OK);
  ck_assert(ep_range_parse(&l.queue_warn, "0.3", "q", NULL) == EP_OK);
  return l;
}

/* Findings of 50 machines, a train to 8.8.8.8 of 20 with none lost, and
 * an upload measured at rate bps with round trips idle and loaded. */
static void
findings(struct ep_uplink_findings *f, struct ep_uplink_upload_result *u,
         double rate, double idle, double loaded)
{
  memset(f, 0, sizeof *f);
  memset(u, 0, sizeof *u);
  ep_uplink_need_of(50, 0, false, &f->need);
  f->endpoint = "uploads.example:443";
  f->upload = u;
  u->outcome = EP_UPLOAD_MEASURED;
  u->window = 10;
  u->rate_bps = rate;
  u->have_idle = u->have_loaded = true;
  u->idle_rtt = idle;
  u->loaded_rtt = loaded;
  f->train_server = "8.8.8.8";
  f->train.sent = f->train.received = 20;
  f->train.have_rtt = f->train.have_jitter = true;
  f->train.rtt_avg = 0.012;
  f->train.jitter = 0.001;
}

static const struct ep_target_result *
report(const struct ep_uplink_findings *f, struct ep_check_result *out)
{
  struct ep_uplink_limits l = limits();
  struct ep_err           err;

  ep_err_clear(&err);
  ep_check_result_init(out);
  ck_assert(ep_uplink_report(f, &l, out, &err) == EP_OK);
  ck_assert_uint_eq(out->n_targets, 1);
  return &out->targets[0];
}

START_TEST(verdict_ok_warning_critical)
{
  struct ep_uplink_findings      f;
  struct ep_uplink_upload_result u;
  struct ep_check_result         out;
  const struct ep_target_result *t;

  findings(&f, &u, 199e3, 0.040, 0.045);
  t = report(&f, &out);
  ck_assert_int_eq(t->state, EP_STATE_OK);
  ck_assert_str_eq(t->text, "uplink carries the 200 kbps that 50 machines "
                            "need with headroom 4 (measured 199 kbps; needs "
                            "50 kbps); loaded RTT 45 ms against 40 ms idle, "
                            "0 retransmissions; DNS train to 8.8.8.8: 0% "
                            "loss (0 of 20 lost), rtt 12 ms, jitter 1.00 ms");
  ep_check_result_cleanup(&out);

  findings(&f, &u, 48e3 * 2, 0.040, 0.045);
  t = report(&f, &out);
  ck_assert_int_eq(t->state, EP_STATE_WARNING);
  ck_assert_str_eq(t->cause, EP_CAUSE_UPLINK_NO_HEADROOM);
  ck_assert(strncmp(t->text, "uplink carries 96 kbps of the 200 kbps that 50 "
                             "machines need with headroom 4 (needs 50 kbps);",
                    strlen("uplink carries 96 kbps of the 200 kbps that 50 "
                           "machines need with headroom 4 (needs 50 kbps);")) ==
            0);
  ep_check_result_cleanup(&out);

  findings(&f, &u, 30e3, 0.040, 0.045);
  t = report(&f, &out);
  ck_assert_int_eq(t->state, EP_STATE_CRITICAL);
  ck_assert_str_eq(t->cause, EP_CAUSE_UPLINK_BELOW_NEED);
  ck_assert_str_eq(t->why, "uplink carries 30 kbps, less than the 50 kbps "
                           "that 50 machines need");
  ep_check_result_cleanup(&out);
}
END_TEST

START_TEST(queue_is_bufferbloat)
{
  struct ep_uplink_findings      f;
  struct ep_uplink_upload_result u;
  struct ep_check_result         out;
  const struct ep_target_result *t;
  const struct ep_perf          *q;

  findings(&f, &u, 199e3, 0.040, 0.850);
  u.retransmits = 12;
  t = report(&f, &out);
  ck_assert_int_eq(t->state, EP_STATE_WARNING);
  ck_assert_str_eq(t->cause, EP_CAUSE_UPLINK_QUEUES);
  ck_assert_str_eq(t->why, "loaded RTT 850 ms against 40 ms idle: the uplink "
                           "queues (bufferbloat), 12 retransmissions");
  q = ep_target_figure(t, "queue_delay", NULL);
  ck_assert_ptr_nonnull(q);
  ck_assert_double_eq_tol(q->value, 0.810, 1e-9);
  ck_assert_str_eq(q->warn, "0.3");
  ep_check_result_cleanup(&out);
}
END_TEST

START_TEST(not_measured_is_never_ok_about_bandwidth)
{
  struct ep_uplink_findings      f;
  struct ep_uplink_upload_result u;
  struct ep_check_result         out;
  const struct ep_target_result *t;

  findings(&f, &u, 0, 0, 0);
  f.upload = NULL;
  f.not_measured = "no upload URL";
  t = report(&f, &out);
  ck_assert_int_eq(t->state, EP_STATE_OK);
  ck_assert(strncmp(t->text, "capacity not measured: no upload URL; 50 "
                             "machines need 50 kbps upload; DNS train",
                    strlen("capacity not measured: no upload URL; 50 "
                           "machines need 50 kbps upload; DNS train")) == 0);
  ck_assert(!ep_target_figure(t, "rate", NULL)->measured);
  ck_assert(ep_target_figure(t, "need", NULL)->measured);
  ep_check_result_cleanup(&out);
}
END_TEST

START_TEST(refused_and_failed_uploads)
{
  struct ep_uplink_findings      f;
  struct ep_uplink_upload_result u;
  struct ep_check_result         out;
  const struct ep_target_result *t;

  findings(&f, &u, 0, 0, 0);
  u.outcome = EP_UPLOAD_REFUSED;
  u.status = 413;
  strcpy(u.reason, "Request Entity Too Large");
  t = report(&f, &out);
  ck_assert_int_eq(t->state, EP_STATE_WARNING);
  ck_assert_str_eq(t->cause, EP_CAUSE_UPLINK_REFUSED);
  ck_assert_str_eq(t->why, "capacity not measured: uploads.example:443 "
                           "refused the upload (413 Request Entity Too "
                           "Large); 50 machines need 50 kbps upload");
  ep_check_result_cleanup(&out);

  findings(&f, &u, 0, 0, 0);
  u.outcome = EP_UPLOAD_FAILED;
  u.os_errno = 111; /* ECONNREFUSED */
  t = report(&f, &out);
  ck_assert_int_eq(t->state, EP_STATE_CRITICAL);
  ck_assert_str_eq(t->why, "capacity not measured: upload to "
                           "uploads.example:443 failed: connection refused");
  ep_check_result_cleanup(&out);
}
END_TEST

START_TEST(loss_warns_and_unresolved_names_its_host)
{
  struct ep_uplink_findings      f;
  struct ep_uplink_upload_result u;
  struct ep_check_result         out;
  const struct ep_target_result *t;

  findings(&f, &u, 199e3, 0.040, 0.045);
  f.train.received = 18;
  f.train.loss_pct = 10;
  t = report(&f, &out);
  ck_assert_int_eq(t->state, EP_STATE_WARNING);
  ck_assert_str_eq(t->cause, EP_CAUSE_UPLINK_LOSS);
  ck_assert_str_eq(t->why, "DNS train to 8.8.8.8: 10% loss (2 of 20 lost), "
                           "rtt 12 ms, jitter 1.00 ms");
  ep_check_result_cleanup(&out);

  findings(&f, &u, 199e3, 0.040, 0.045);
  f.train_server = NULL;
  f.train_name = "api.machinemetrics.com";
  f.train_unresolved = true;
  f.train_failure = "no resolver answered (no answer from 8.8.8.8)";
  t = report(&f, &out);
  ck_assert_int_eq(t->state, EP_STATE_CRITICAL);
  ck_assert_str_eq(t->cause, EP_CAUSE_UNRESOLVED);
  ck_assert_str_eq(t->host, "api.machinemetrics.com");
  ep_check_result_cleanup(&out);

  /* No name to ask: nothing to measure with, not a finding. */
  findings(&f, &u, 199e3, 0.040, 0.045);
  f.train_server = NULL;
  f.train_failure = "no name to ask";
  t = report(&f, &out);
  ck_assert_int_eq(t->state, EP_STATE_OK);
  ck_assert_ptr_null(t->host);
  ep_check_result_cleanup(&out);
}
END_TEST

static Suite *
uplink_suite(void)
{
  Suite *s = suite_create("uplink");
  TCase *tc = tcase_create("core");
  TCase *tl = tcase_create("late loop");

  tcase_add_test(tc, query_is_laid_out_as_the_wire_wants);
  tcase_add_test(tc, query_refuses_what_is_no_name);
  tcase_add_test(tc, reply_needs_qr_and_a_header);
  tcase_add_test(tc, train_loss_and_jitter);
  tcase_add_test(tc, train_of_nothing_answered);
  tcase_add_test(tc, need_by_the_seeds_rates);
  tcase_add_test(tc, rates_in_words);
  tcase_add_test(tc, verdict_ok_warning_critical);
  tcase_add_test(tc, queue_is_bufferbloat);
  tcase_add_test(tc, not_measured_is_never_ok_about_bandwidth);
  tcase_add_test(tc, refused_and_failed_uploads);
  tcase_add_test(tc, loss_warns_and_unresolved_names_its_host);
  suite_add_tcase(s, tc);

  /* Receive stamping on before the first reply, as check_edge has it. */
  tcase_add_unchecked_fixture(tl, ep_unit_stamping_on, ep_unit_stamping_off);
  tcase_add_test(tl, train_counts_replies_read_after_the_wait);
  suite_add_tcase(s, tl);
  return s;
}

EP_UNIT_MAIN(uplink_suite)
