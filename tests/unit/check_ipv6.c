/* Unit tests for ep_ipv6: which addresses count as global, and the route
 * check on this host's loopback (a UDP connect, nothing sent). */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <string.h>

#include "ep_ipv6.h"
#include "ep_unit.h"

static bool
global(const char *text)
{
  struct in6_addr a;

  ck_assert_int_eq(inet_pton(AF_INET6, text, &a), 1);
  return ep_ipv6_is_global(&a);
}

START_TEST(global_addresses)
{
  ck_assert(global("2001:db8::1"));
  ck_assert(global("2a00:1450:4001::1"));
  ck_assert(!global("::"));
  ck_assert(!global("::1"));
  ck_assert(!global("fe80::1"));
  ck_assert(!global("fec0::1"));
  ck_assert(!global("fd00::2"));
  ck_assert(!global("fc00::1"));
  ck_assert(!global("ff02::1"));
  ck_assert(!global("::ffff:192.0.2.1"));
}
END_TEST

START_TEST(loopback_has_no_global_address)
{
  struct ep_iface lo;

  memset(&lo, 0, sizeof lo);
  strcpy(lo.name, "lo");
  ck_assert(!ep_ipv6_host_has_global(&lo));
}
END_TEST

START_TEST(route_to_loopback)
{
  char why[160] = "";

  ck_assert_msg(ep_ipv6_route(NULL, "::1", why, sizeof why), "%s", why);
}
END_TEST

START_TEST(route_needs_an_ipv6_address)
{
  char why[160] = "";

  ck_assert(!ep_ipv6_route(NULL, "192.0.2.1", why, sizeof why));
  ck_assert_str_eq(why, "not an IPv6 address");
}
END_TEST

/* From lo, only ::1 is reachable: a global address has no route there,
 * or only a source that cannot reach it. */
START_TEST(route_from_loopback_to_global)
{
  struct ep_iface lo;
  char            why[160] = "";

  memset(&lo, 0, sizeof lo);
  strcpy(lo.name, "lo");
  ck_assert(!ep_ipv6_route(&lo, "2001:db8::1", why, sizeof why));
  ck_assert_msg(strncmp(why, "no route: ", 10) == 0 ||
                  strncmp(why, "only a ", 7) == 0,
                "%s", why);
}
END_TEST

static Suite *
ipv6_suite(void)
{
  Suite *s = suite_create("ipv6");
  TCase *tc = tcase_create("core");

  tcase_add_test(tc, global_addresses);
  tcase_add_test(tc, loopback_has_no_global_address);
  tcase_add_test(tc, route_to_loopback);
  tcase_add_test(tc, route_needs_an_ipv6_address);
  tcase_add_test(tc, route_from_loopback_to_global);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(ipv6_suite)
