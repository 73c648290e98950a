/* Unit tests for ep_linkstate: the real loopback and a missing name
 * through rtnetlink, then crafted RTM_NEWADDR and RTM_NEWLINK messages
 * for the parsers, malformed ones included, and the fds a long-lived
 * daemon would lose if a path forgot to close its socket. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ep_linkstate.h"
#include "ep_unit.h"

/* ---- Building messages. ---- */

struct msg {
  union {
    struct nlmsghdr nh; /* aligns the buffer as a receive buffer is */
    unsigned char   b[512];
  } u;
};

static void
msg_addr(struct msg *m, unsigned char family, unsigned char prefix,
         unsigned char flags, unsigned index)
{
  struct ifaddrmsg ifa;

  memset(m, 0, sizeof *m);
  m->u.nh.nlmsg_type = RTM_NEWADDR;
  m->u.nh.nlmsg_len = NLMSG_LENGTH(sizeof ifa);
  memset(&ifa, 0, sizeof ifa);
  ifa.ifa_family = family;
  ifa.ifa_prefixlen = prefix;
  ifa.ifa_flags = flags;
  ifa.ifa_index = index;
  memcpy(NLMSG_DATA(&m->u.nh), &ifa, sizeof ifa);
}

static void
msg_link(struct msg *m, int index, unsigned flags)
{
  struct ifinfomsg ifi;

  memset(m, 0, sizeof *m);
  m->u.nh.nlmsg_type = RTM_NEWLINK;
  m->u.nh.nlmsg_len = NLMSG_LENGTH(sizeof ifi);
  memset(&ifi, 0, sizeof ifi);
  ifi.ifi_index = index;
  ifi.ifi_flags = flags;
  memcpy(NLMSG_DATA(&m->u.nh), &ifi, sizeof ifi);
}

/* Appends an attribute whose header says rta_len (normally
 * RTA_LENGTH(len)) and whose payload is len bytes of data. */
static struct rtattr *
add_attr_len(struct msg *m, unsigned short type, const void *data, size_t len,
             unsigned short rta_len)
{
  struct rtattr *rta;
  size_t         at = NLMSG_ALIGN(m->u.nh.nlmsg_len);

  ck_assert_uint_le(at + RTA_SPACE(len), sizeof m->u.b);
  rta = (struct rtattr *)(void *)(m->u.b + at);
  rta->rta_type = type;
  rta->rta_len = rta_len;
  memcpy(RTA_DATA(rta), data, len);
  m->u.nh.nlmsg_len = (uint32_t)(at + RTA_SPACE(len));
  return rta;
}

static void
add_attr(struct msg *m, unsigned short type, const void *data, size_t len)
{
  add_attr_len(m, type, data, len, (unsigned short)RTA_LENGTH(len));
}

static void
add_ipv4(struct msg *m, unsigned short type, const char *text)
{
  struct in_addr a;

  ck_assert_int_eq(inet_pton(AF_INET, text, &a), 1);
  add_attr(m, type, &a, sizeof a);
}

static void
add_cacheinfo(struct msg *m, uint32_t valid)
{
  struct ifa_cacheinfo ci = {valid, valid, 100, 200};

  add_attr(m, IFA_CACHEINFO, &ci, sizeof ci);
}

/* A typical kernel message: 10.77.1.1/24 on index 7 with a lease. */
static void
msg_lease(struct msg *m, uint32_t valid)
{
  uint32_t flags = 0;

  msg_addr(m, AF_INET, 24, 0, 7);
  add_ipv4(m, IFA_ADDRESS, "10.77.1.1");
  add_ipv4(m, IFA_LOCAL, "10.77.1.1");
  add_attr(m, IFA_LABEL, "v1", 3);
  add_attr(m, IFA_FLAGS, &flags, sizeof flags);
  add_cacheinfo(m, valid);
}

static struct ep_link_state state;
static struct ep_err        err;

static void
setup(void)
{
  memset(&state, 0, sizeof state);
  state.index = 7;
  ep_err_clear(&err);
}

static enum ep_status
parse_addr(const struct msg *m)
{
  return ep_link_parse_addr(m, m->u.nh.nlmsg_len, &state, &err);
}

struct addr_text {
  char text[INET_ADDRSTRLEN];
};

static struct addr_text
addr_text(const struct ep_link_addr *a)
{
  struct addr_text t;

  ck_assert_ptr_nonnull(inet_ntop(AF_INET, &a->addr, t.text, sizeof t.text));
  return t;
}

/* ---- Through the kernel. ---- */

START_TEST(loopback_is_up_with_a_permanent_address)
{
  size_t i;
  bool   found = false;

  ck_assert_int_eq(ep_link_state_read("lo", &state, &err), EP_OK);
  ck_assert_str_eq(err.msg, "");
  ck_assert(state.exists);
  ck_assert_uint_gt(state.index, 0);
  ck_assert(state.admin_up);
  ck_assert(state.carrier);
  ck_assert_str_eq(state.operstate, "unknown");
  for (i = 0; i < state.n_addrs; i++) {
    const struct ep_link_addr *a = &state.addrs[i];

    if (strcmp(addr_text(a).text, "127.0.0.1") == 0) {
      found = true;
      ck_assert_uint_eq(a->prefix, 8);
      ck_assert(a->permanent);
      ck_assert(!a->dynamic);
      ck_assert_uint_eq(a->valid_lft, UINT32_MAX);
      ck_assert(a->flags & IFA_F_PERMANENT);
    }
  }
  ck_assert(found);
}
END_TEST

START_TEST(a_missing_interface_is_not_an_error)
{
  ck_assert_int_eq(ep_link_state_read("nosuch0", &state, &err), EP_OK);
  ck_assert_int_eq(err.code, EP_OK);
  ck_assert_str_eq(err.msg, "");
  ck_assert(!state.exists);
  ck_assert_uint_eq(state.index, 0);
  ck_assert_uint_eq(state.n_addrs, 0);
}
END_TEST

START_TEST(impossible_names_are_refused)
{
  ck_assert_int_eq(ep_link_state_read("", &state, &err), EP_EINVAL);
  ck_assert_str_eq(err.msg, "'' cannot be an interface name");
  ep_err_clear(&err);
  ck_assert_int_eq(ep_link_state_read("sixteen-chars-xx", &state, &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg, "'sixteen-chars-xx' cannot be an interface name");
  ck_assert(!state.exists);
}
END_TEST

/* ---- RTM_NEWADDR. ---- */

START_TEST(a_finite_lifetime_is_a_lease)
{
  struct msg m;

  msg_lease(&m, 3600);
  ck_assert_int_eq(parse_addr(&m), EP_OK);
  ck_assert_uint_eq(state.n_addrs, 1);
  ck_assert_str_eq(addr_text(&state.addrs[0]).text, "10.77.1.1");
  ck_assert_uint_eq(state.addrs[0].prefix, 24);
  ck_assert(!state.addrs[0].permanent);
  ck_assert_uint_eq(state.addrs[0].valid_lft, 3600);
  ck_assert(state.addrs[0].dynamic);
}
END_TEST

START_TEST(forever_with_the_permanent_flag_is_static)
{
  struct msg m;

  msg_addr(&m, AF_INET, 24, IFA_F_PERMANENT, 7);
  add_ipv4(&m, IFA_LOCAL, "10.77.0.1");
  add_cacheinfo(&m, 0xFFFFFFFFu);
  ck_assert_int_eq(parse_addr(&m), EP_OK);
  ck_assert_uint_eq(state.n_addrs, 1);
  ck_assert(state.addrs[0].permanent);
  ck_assert(!state.addrs[0].dynamic);
  ck_assert_uint_eq(state.addrs[0].valid_lft, UINT32_MAX);
}
END_TEST

START_TEST(ifa_flags_overrides_the_header)
{
  struct msg m;
  uint32_t   flags = IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE;

  /* The u8 header says nothing; the u32 attribute says permanent. */
  msg_addr(&m, AF_INET, 24, 0, 7);
  add_ipv4(&m, IFA_LOCAL, "10.77.0.1");
  add_attr(&m, IFA_FLAGS, &flags, sizeof flags);
  add_cacheinfo(&m, 0xFFFFFFFFu);
  ck_assert_int_eq(parse_addr(&m), EP_OK);
  ck_assert_uint_eq(state.addrs[0].flags,
                    IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
  ck_assert(!state.addrs[0].dynamic);

  /* The header says permanent; the attribute, sent too, says not. */
  flags = 0;
  msg_addr(&m, AF_INET, 24, IFA_F_PERMANENT, 7);
  add_ipv4(&m, IFA_LOCAL, "10.77.0.2");
  add_attr(&m, IFA_FLAGS, &flags, sizeof flags);
  add_cacheinfo(&m, 0xFFFFFFFFu);
  ck_assert_int_eq(parse_addr(&m), EP_OK);
  ck_assert_uint_eq(state.n_addrs, 2);
  ck_assert_uint_eq(state.addrs[1].flags, 0);
  ck_assert(state.addrs[1].permanent);
  ck_assert(state.addrs[1].dynamic);
}
END_TEST

START_TEST(without_cacheinfo_the_flag_decides)
{
  struct msg m;

  msg_addr(&m, AF_INET, 16, IFA_F_PERMANENT, 7);
  add_ipv4(&m, IFA_ADDRESS, "192.0.2.1");
  ck_assert_int_eq(parse_addr(&m), EP_OK);
  msg_addr(&m, AF_INET, 16, 0, 7);
  add_ipv4(&m, IFA_ADDRESS, "192.0.2.2");
  ck_assert_int_eq(parse_addr(&m), EP_OK);
  ck_assert_uint_eq(state.n_addrs, 2);
  ck_assert(state.addrs[0].permanent && !state.addrs[0].dynamic);
  ck_assert(!state.addrs[1].permanent && state.addrs[1].dynamic);
  ck_assert_uint_eq(state.addrs[1].valid_lft, 0);
}
END_TEST

START_TEST(ifa_local_is_ours_on_point_to_point)
{
  struct msg m;

  msg_addr(&m, AF_INET, 32, IFA_F_PERMANENT, 7);
  add_ipv4(&m, IFA_ADDRESS, "198.51.100.9"); /* the peer */
  add_ipv4(&m, IFA_LOCAL, "198.51.100.1");
  ck_assert_int_eq(parse_addr(&m), EP_OK);
  ck_assert_str_eq(addr_text(&state.addrs[0]).text, "198.51.100.1");
}
END_TEST

START_TEST(other_interfaces_and_families_are_skipped)
{
  struct msg m;

  msg_addr(&m, AF_INET, 24, 0, 8);
  add_ipv4(&m, IFA_LOCAL, "10.0.0.1");
  ck_assert_int_eq(parse_addr(&m), EP_OK);
  msg_addr(&m, AF_INET6, 64, 0, 7);
  add_attr(&m, IFA_ADDRESS, "0123456789abcdef", 16);
  ck_assert_int_eq(parse_addr(&m), EP_OK);
  ck_assert_uint_eq(state.n_addrs, 0);
  ck_assert_int_eq(err.code, EP_OK);
}
END_TEST

START_TEST(addresses_past_the_maximum_are_counted_as_dropped)
{
  struct msg m;
  size_t     i;

  msg_lease(&m, 60);
  for (i = 0; i < EP_LINK_ADDRS_MAX + 2; i++)
    ck_assert_int_eq(parse_addr(&m), EP_OK);
  ck_assert_uint_eq(state.n_addrs, EP_LINK_ADDRS_MAX);
  ck_assert(state.addrs_dropped);
}
END_TEST

START_TEST(an_attribute_past_the_end_is_refused)
{
  struct msg m;

  msg_lease(&m, 3600);
  /* The last attribute claims 8 bytes more than the message holds. */
  add_attr_len(&m, IFA_BROADCAST, "\x0a\x4d\x01\xff", 4, RTA_LENGTH(12));
  ck_assert_int_eq(parse_addr(&m), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWADDR message: an attribute runs "
                            "past the end (8 bytes left)");
  ck_assert_uint_eq(state.n_addrs, 0);
}
END_TEST

START_TEST(a_zero_length_attribute_is_refused)
{
  struct msg m;

  msg_addr(&m, AF_INET, 24, 0, 7);
  add_attr_len(&m, IFA_LOCAL, "\x0a\x4d\x01\x01", 4, 0);
  ck_assert_int_eq(parse_addr(&m), EP_EPROTO);
  ck_assert_uint_eq(state.n_addrs, 0);
}
END_TEST

START_TEST(attributes_of_the_wrong_size_are_refused)
{
  struct msg m;
  uint16_t   short_flags = IFA_F_PERMANENT;
  uint32_t   short_ci[2] = {3600, 3600};

  msg_addr(&m, AF_INET, 24, 0, 7);
  add_ipv4(&m, IFA_LOCAL, "10.77.1.1");
  add_attr(&m, IFA_CACHEINFO, short_ci, sizeof short_ci);
  ck_assert_int_eq(parse_addr(&m), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWADDR message: IFA_CACHEINFO has "
                            "8 bytes, expected 16");

  ep_err_clear(&err);
  msg_addr(&m, AF_INET, 24, 0, 7);
  add_ipv4(&m, IFA_LOCAL, "10.77.1.1");
  add_attr(&m, IFA_FLAGS, &short_flags, sizeof short_flags);
  ck_assert_int_eq(parse_addr(&m), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWADDR message: IFA_FLAGS has 2 "
                            "bytes, expected 4");

  ep_err_clear(&err);
  msg_addr(&m, AF_INET, 24, 0, 7);
  add_attr(&m, IFA_LOCAL, "0123456789abcdef", 16);
  ck_assert_int_eq(parse_addr(&m), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWADDR message: IPv4 address of "
                            "16 bytes");

  ep_err_clear(&err);
  msg_addr(&m, AF_INET, 24, 0, 7);
  add_cacheinfo(&m, 3600);
  ck_assert_int_eq(parse_addr(&m), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWADDR message without an address");

  ep_err_clear(&err);
  msg_addr(&m, AF_INET, 33, 0, 7);
  add_ipv4(&m, IFA_LOCAL, "10.77.1.1");
  ck_assert_int_eq(parse_addr(&m), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWADDR message with IPv4 prefix /33");
  ck_assert_uint_eq(state.n_addrs, 0);
}
END_TEST

START_TEST(bad_headers_are_refused)
{
  struct msg m;

  msg_lease(&m, 3600);
  ck_assert_int_eq(ep_link_parse_addr(&m, m.u.nh.nlmsg_len - 1, &state, &err),
                   EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWADDR message says 76 bytes, "
                            "75 received");
  ep_err_clear(&err);
  ck_assert_int_eq(ep_link_parse_addr(&m, 10, &state, &err), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWADDR message of 10 bytes is "
                            "shorter than its header");
  ep_err_clear(&err);
  m.u.nh.nlmsg_len = NLMSG_HDRLEN + 4;
  ck_assert_int_eq(parse_addr(&m), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWADDR message of 20 bytes is too "
                            "short for its 8-byte header");
  ep_err_clear(&err);
  msg_lease(&m, 3600);
  m.u.nh.nlmsg_type = RTM_NEWLINK;
  ck_assert_int_eq(parse_addr(&m), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink message of type 16 where RTM_NEWADDR "
                            "was expected");
  ep_err_clear(&err);
  msg_lease(&m, 3600);
  ck_assert_int_eq(ep_link_parse_addr(m.u.b + 1, 64, &state, &err), EP_EINVAL);
  ck_assert_uint_eq(state.n_addrs, 0);
}
END_TEST

/* Every prefix of a valid message, alone in a heap block of its exact
 * size (so AddressSanitizer sees a read past it), with nlmsg_len saying
 * either the full length or the truncated one. */
START_TEST(every_truncation_is_safe)
{
  struct msg     m;
  size_t         full, len;
  int            honest;
  enum ep_status rc;

  msg_lease(&m, 3600);
  full = m.u.nh.nlmsg_len;
  for (honest = 0; honest < 2; honest++) {
    for (len = 0; len <= full; len++) {
      unsigned char *copy = malloc(len ? len : 1);

      ck_assert_ptr_nonnull(copy);
      memcpy(copy, m.u.b, len);
      if (honest && len >= sizeof(struct nlmsghdr))
        ((struct nlmsghdr *)(void *)copy)->nlmsg_len = (uint32_t)len;
      ep_err_clear(&err);
      rc = ep_link_parse_addr(copy, len, &state, &err);
      free(copy);
      if (len == full) {
        ck_assert_int_eq(rc, EP_OK);
      } else if (rc == EP_OK) {
        /* Cut at an attribute boundary: a shorter, valid message. */
        ck_assert(honest);
      } else {
        ck_assert_int_eq(rc, EP_EPROTO);
        ck_assert_str_ne(err.msg, "");
      }
    }
  }
  /* Only the full message and the cuts after the address attributes
   * (both with LOCAL, both without cache info) were kept. */
  ck_assert_uint_gt(state.n_addrs, 0);
  ck_assert(state.addrs[state.n_addrs - 1].valid_lft == 3600);
}
END_TEST

/* ---- RTM_NEWLINK. ---- */

START_TEST(a_link_message_gives_flags_and_operstate)
{
  struct msg m;
  uint8_t    oper = IF_OPER_UP;

  msg_link(&m, 3, IFF_UP | IFF_RUNNING | IFF_LOWER_UP | IFF_BROADCAST);
  add_attr(&m, IFLA_IFNAME, "eth1", 5);
  add_attr(&m, IFLA_OPERSTATE, &oper, sizeof oper);
  ck_assert_int_eq(ep_link_parse_link(&m, m.u.nh.nlmsg_len, &state, &err),
                   EP_OK);
  ck_assert(state.exists && state.admin_up && state.carrier);
  ck_assert_uint_eq(state.index, 3);
  ck_assert_str_eq(state.operstate, "up");

  msg_link(&m, 4, IFF_UP);
  oper = IF_OPER_LOWERLAYERDOWN;
  add_attr(&m, IFLA_OPERSTATE, &oper, sizeof oper);
  ck_assert_int_eq(ep_link_parse_link(&m, m.u.nh.nlmsg_len, &state, &err),
                   EP_OK);
  ck_assert(state.admin_up && !state.carrier);
  ck_assert_str_eq(state.operstate, "lowerlayerdown");

  msg_link(&m, 4, 0);
  oper = 42;
  add_attr(&m, IFLA_OPERSTATE, &oper, sizeof oper);
  ck_assert_int_eq(ep_link_parse_link(&m, m.u.nh.nlmsg_len, &state, &err),
                   EP_OK);
  ck_assert(!state.admin_up);
  ck_assert_str_eq(state.operstate, "42");
}
END_TEST

START_TEST(a_bad_link_message_is_refused)
{
  struct msg m;

  msg_link(&m, 3, IFF_UP);
  add_attr(&m, IFLA_OPERSTATE, "", 0);
  ck_assert_int_eq(ep_link_parse_link(&m, m.u.nh.nlmsg_len, &state, &err),
                   EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWLINK message: IFLA_OPERSTATE has "
                            "0 bytes, expected 1");
  ep_err_clear(&err);
  msg_link(&m, 0, IFF_UP);
  ck_assert_int_eq(ep_link_parse_link(&m, m.u.nh.nlmsg_len, &state, &err),
                   EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWLINK message with interface "
                            "index 0");
  ck_assert(!state.exists);
}
END_TEST

/* ---- Many calls. ---- */

static int
count_fds(void)
{
  DIR           *d = opendir("/proc/self/fd");
  struct dirent *e;
  int            n = 0;

  ck_assert_ptr_nonnull(d);
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.')
      n++;
  closedir(d);
  return n;
}

START_TEST(ten_thousand_reads_keep_no_fd)
{
  int before = count_fds(), i;

  for (i = 0; i < 10000; i++) {
    ck_assert_int_eq(ep_link_state_read(i % 2 ? "lo" : "nosuch0", &state, &err),
                     EP_OK);
    ck_assert(state.exists == (i % 2 == 1));
  }
  ck_assert_int_eq(err.code, EP_OK);
  ck_assert_int_eq(count_fds(), before);
}
END_TEST

struct reader {
  pthread_t thread;
  int       failures;
};

static void *
read_loopback(void *arg)
{
  struct reader       *r = arg;
  struct ep_link_state s;
  struct ep_err        e = EP_ERR_INIT;
  int                  i;

  for (i = 0; i < 500; i++)
    if (ep_link_state_read("lo", &s, &e) != EP_OK || !s.exists ||
        s.n_addrs == 0)
      r->failures++;
  return NULL;
}

START_TEST(threads_read_at_once)
{
  struct reader r[4];
  size_t        i;

  memset(r, 0, sizeof r);
  for (i = 0; i < 4; i++)
    ck_assert_int_eq(pthread_create(&r[i].thread, NULL, read_loopback, &r[i]),
                     0);
  for (i = 0; i < 4; i++) {
    ck_assert_int_eq(pthread_join(r[i].thread, NULL), 0);
    ck_assert_int_eq(r[i].failures, 0);
  }
}
END_TEST

static Suite *
linkstate_suite(void)
{
  Suite *s = suite_create("linkstate");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, setup, NULL);
  /* 10000 netlink round trips, slower under valgrind. */
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, loopback_is_up_with_a_permanent_address);
  tcase_add_test(tc, a_missing_interface_is_not_an_error);
  tcase_add_test(tc, impossible_names_are_refused);
  tcase_add_test(tc, a_finite_lifetime_is_a_lease);
  tcase_add_test(tc, forever_with_the_permanent_flag_is_static);
  tcase_add_test(tc, ifa_flags_overrides_the_header);
  tcase_add_test(tc, without_cacheinfo_the_flag_decides);
  tcase_add_test(tc, ifa_local_is_ours_on_point_to_point);
  tcase_add_test(tc, other_interfaces_and_families_are_skipped);
  tcase_add_test(tc, addresses_past_the_maximum_are_counted_as_dropped);
  tcase_add_test(tc, an_attribute_past_the_end_is_refused);
  tcase_add_test(tc, a_zero_length_attribute_is_refused);
  tcase_add_test(tc, attributes_of_the_wrong_size_are_refused);
  tcase_add_test(tc, bad_headers_are_refused);
  tcase_add_test(tc, every_truncation_is_safe);
  tcase_add_test(tc, a_link_message_gives_flags_and_operstate);
  tcase_add_test(tc, a_bad_link_message_is_refused);
  tcase_add_test(tc, ten_thousand_reads_keep_no_fd);
  tcase_add_test(tc, threads_read_at_once);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(linkstate_suite)
