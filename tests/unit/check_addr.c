/* Unit tests for ep_addr: host names, literal addresses and HOST[:PORT]
 * targets, refused with the exact message before anything is sent. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ep_addr.h"

/* A name of len characters made of 63-character labels: "aaa...a.bbb...". */
static void
make_name(char *out, size_t len)
{
  size_t i, label = 0;

  for (i = 0; i < len; i++) {
    if (label == 63 && i + 1 < len) {
      out[i] = '.';
      label = 0;
    } else {
      out[i] = (char)('a' + (i % 26));
      label++;
    }
  }
  out[len] = '\0';
}

static const char *const good_names[] = {
  "example.com",
  "a",
  "localhost",
  "a.b.c.d.e",
  "example.com.",
  "API.MachineMetrics.com",
  "under_score.example",
  "xn--bcher-kva.example",
  "a-b-c.example-1.com",
  "0.resinio.pool.ntp.org",
  "352302322568.dkr.ecr.us-west-2.amazonaws.com",
  /* 63 characters: the longest label */
  "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.example",
};

START_TEST(hostname_accepts_good_names)
{
  struct ep_err err = EP_ERR_INIT;

  ck_assert_msg(ep_hostname_check(good_names[_i], "-H", &err) == EP_OK,
                "'%s' refused: %s", good_names[_i], err.msg);
  ck_assert_int_eq(err.code, EP_OK);
}
END_TEST

START_TEST(hostname_253_characters_ok_254_refused)
{
  char          name[300];
  struct ep_err err = EP_ERR_INIT;

  make_name(name, 253);
  ck_assert_uint_eq(strlen(name), 253);
  ck_assert_int_eq(ep_hostname_check(name, "-H", &err), EP_OK);
  /* The final dot of a fully qualified name does not count. */
  strcat(name, ".");
  ck_assert_int_eq(ep_hostname_check(name, "-H", &err), EP_OK);
  make_name(name, 254);
  ck_assert_int_eq(ep_hostname_check(name, "-H", &err), EP_EINVAL);
  ck_assert_str_eq(err.msg, "-H: host name is 254 characters, more than 253");
}
END_TEST

struct bad_name {
  const char *name;
  const char *msg;
};

static const struct bad_name bad_names[] = {
  {"", "-H: empty host name"},
  {"a..b", "-H: 'a..b' has an empty label"},
  {".example.com", "-H: '.example.com' has an empty label"},
  {".", "-H: '.' has an empty label"},
  {"example.com..", "-H: 'example.com..' has an empty label"},
  {"*.example.com", "-H: '*.example.com' is a wildcard; list concrete host names"},
  {"api.*.example.com",
   "-H: 'api.*.example.com' is a wildcard; list concrete host names"},
  {"exa mple.com",
   "-H: 'exa mple.com' has a character not allowed in a host name (0x20)"},
  {"bad!.com", "-H: 'bad!.com' has a character not allowed in a host name (0x21)"},
  {"host:53", "-H: 'host:53' has a character not allowed in a host name (0x3a)"},
  {"caf\xc3\xa9.example",
   "-H: 'caf\xc3\xa9.example' has a character not allowed in a host name (0xc3)"},
  {"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl.example",
   "-H: 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl.example' "
   "has a label longer than 63 characters"},
};

START_TEST(hostname_rejects_bad_names)
{
  struct ep_err err = EP_ERR_INIT;

  ck_assert_int_eq(ep_hostname_check(bad_names[_i].name, "-H", &err),
                   EP_EINVAL);
  ck_assert_int_eq(err.code, EP_EINVAL);
  ck_assert_str_eq(err.msg, bad_names[_i].msg);
}
END_TEST

START_TEST(hostname_default_what)
{
  struct ep_err err = EP_ERR_INIT;

  ck_assert_int_eq(ep_hostname_check("a..b", NULL, &err), EP_EINVAL);
  ck_assert_str_eq(err.msg, "host name: 'a..b' has an empty label");
}
END_TEST

START_TEST(addr_is_literal)
{
  ck_assert(ep_addr_is_literal("8.8.8.8"));
  ck_assert(ep_addr_is_literal("127.0.0.53"));
  ck_assert(ep_addr_is_literal("::1"));
  ck_assert(ep_addr_is_literal("2001:4860:4860::8888"));
  ck_assert(ep_addr_is_literal("::ffff:192.0.2.1"));
  ck_assert(!ep_addr_is_literal("256.1.1.1"));
  ck_assert(!ep_addr_is_literal("8.8.8"));
  ck_assert(!ep_addr_is_literal("dns.google"));
  ck_assert(!ep_addr_is_literal("8.8.8.8:53"));
  ck_assert(!ep_addr_is_literal("[::1]"));
  ck_assert(!ep_addr_is_literal(""));
}
END_TEST

struct hp_case {
  const char *text;
  unsigned    default_port;
  const char *host; /* NULL: refused with msg */
  unsigned    port;
  bool        is_address;
  const char *msg;
};

static const struct hp_case hp_cases[] = {
  {"example.com", 443, "example.com", 443, false, NULL},
  {"example.com:8443", 443, "example.com", 8443, false, NULL},
  {"example.com:1", 0, "example.com", 1, false, NULL},
  {"example.com:65535", 0, "example.com", 65535, false, NULL},
  {"54.218.103.126:7422", 0, "54.218.103.126", 7422, true, NULL},
  {"8.8.8.8", 53, "8.8.8.8", 53, true, NULL},
  {"[2001:db8::1]:5353", 53, "2001:db8::1", 5353, true, NULL},
  {"[::1]", 53, "::1", 53, true, NULL},
  {"2001:db8::1", 53, "2001:db8::1", 53, true, NULL},
  {"::1", 123, "::1", 123, true, NULL},
  {"example.com:0", 443, NULL, 0, false,
   "-H: 'example.com:0': port must be a number from 1 to 65535"},
  {"example.com:65536", 443, NULL, 0, false,
   "-H: 'example.com:65536': port must be a number from 1 to 65535"},
  {"example.com:abc", 443, NULL, 0, false,
   "-H: 'example.com:abc': port is not a number"},
  {"example.com:", 443, NULL, 0, false,
   "-H: 'example.com:': port is not a number"},
  {"example.com:-1", 443, NULL, 0, false,
   "-H: 'example.com:-1': port is not a number"},
  {"example.com:53x", 443, NULL, 0, false,
   "-H: 'example.com:53x': port must be a number from 1 to 65535"},
  {"example.com", 0, NULL, 0, false, "-H: 'example.com': expected \"HOST:PORT\""},
  {"2001:db8::1", 0, NULL, 0, false, "-H: '2001:db8::1': expected \"HOST:PORT\""},
  {"[::1", 53, NULL, 0, false, "-H: '[::1': missing ']'"},
  {"[::1]53", 53, NULL, 0, false, "-H: '[::1]53': expected ':' after ']'"},
  {"a..b:53", 0, NULL, 0, false, "-H: 'a..b' has an empty label"},
  {"*.example.com:443", 0, NULL, 0, false,
   "-H: '*.example.com' is a wildcard; list concrete host names"},
  {"bad_host!:443", 0, NULL, 0, false,
   "-H: 'bad_host!' has a character not allowed in a host name (0x21)"},
};

START_TEST(hostport_parse_forms)
{
  const struct hp_case *c = &hp_cases[_i];
  struct ep_hostport    hp;
  struct ep_err         err = EP_ERR_INIT;
  enum ep_status        rc;

  rc = ep_hostport_parse(c->text, c->default_port, "-H", &hp, &err);
  if (c->host) {
    ck_assert_msg(rc == EP_OK, "'%s' refused: %s", c->text, err.msg);
    ck_assert_str_eq(hp.host, c->host);
    ck_assert_uint_eq(hp.port, c->port);
    ck_assert(hp.is_address == c->is_address);
  } else {
    ck_assert_msg(rc == EP_EINVAL, "'%s' accepted", c->text);
    ck_assert_str_eq(err.msg, c->msg);
  }
}
END_TEST

/* The message quotes the target as the user wrote it, brackets included. */
START_TEST(hostport_bracket_errors_quote_the_whole_target)
{
  struct ep_hostport hp;
  struct ep_err      err = EP_ERR_INIT;

  ck_assert_int_eq(ep_hostport_parse("[::1]:0", 53, "-D", &hp, &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg,
                   "-D: '[::1]:0': port must be a number from 1 to 65535");
  ep_err_clear(&err);
  ck_assert_int_eq(ep_hostport_parse("[::1]:abc", 53, "-D", &hp, &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg, "-D: '[::1]:abc': port is not a number");
  ep_err_clear(&err);
  ck_assert_int_eq(ep_hostport_parse("[::1]", 0, "-D", &hp, &err), EP_EINVAL);
  ck_assert_str_eq(err.msg, "-D: '[::1]': expected \"HOST:PORT\"");
}
END_TEST

START_TEST(hostport_default_what)
{
  struct ep_hostport hp;
  struct ep_err      err = EP_ERR_INIT;

  ck_assert_int_eq(ep_hostport_parse("example.com", 0, NULL, &hp, &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg, "target: 'example.com': expected \"HOST:PORT\"");
}
END_TEST

START_TEST(hostport_name_too_long)
{
  char               text[300];
  struct ep_hostport hp;
  struct ep_err      err = EP_ERR_INIT;

  make_name(text, 260);
  strcat(text, ":53");
  ck_assert_int_eq(ep_hostport_parse(text, 0, "-H", &hp, &err), EP_EINVAL);
  ck_assert_str_eq(err.msg, "-H: host name is 260 characters, more than 253");
}
END_TEST

START_TEST(addrport_accepts_addresses)
{
  struct ep_hostport hp;
  struct ep_err      err = EP_ERR_INIT;

  ck_assert_int_eq(ep_addrport_parse("8.8.8.8", 53, "-D", &hp, &err), EP_OK);
  ck_assert_str_eq(hp.host, "8.8.8.8");
  ck_assert_uint_eq(hp.port, 53);
  ck_assert(hp.is_address);
  ck_assert_int_eq(ep_addrport_parse("127.0.0.1:5353", 53, "-D", &hp, &err),
                   EP_OK);
  ck_assert_str_eq(hp.host, "127.0.0.1");
  ck_assert_uint_eq(hp.port, 5353);
  ck_assert_int_eq(
    ep_addrport_parse("[2001:4860:4860::8888]:5353", 53, "-D", &hp, &err),
    EP_OK);
  ck_assert_str_eq(hp.host, "2001:4860:4860::8888");
  ck_assert_uint_eq(hp.port, 5353);
  ck_assert_int_eq(ep_addrport_parse("2001:4860:4860::8844", 53, "-D", &hp,
                                     &err),
                   EP_OK);
  ck_assert_uint_eq(hp.port, 53);
  ck_assert_int_eq(err.code, EP_OK);
}
END_TEST

START_TEST(addrport_rejects_names)
{
  struct ep_hostport hp;
  struct ep_err      err = EP_ERR_INIT;

  ck_assert_int_eq(ep_addrport_parse("dns.google", 53, "-D", &hp, &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg, "-D: 'dns.google' is not an IPv4 or IPv6 address");
  ep_err_clear(&err);
  ck_assert_int_eq(ep_addrport_parse("dns.google:53", 53, "-D", &hp, &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg,
                   "-D: 'dns.google:53' is not an IPv4 or IPv6 address");
  ep_err_clear(&err);
  ck_assert_int_eq(ep_addrport_parse("256.1.1.1", 53, NULL, &hp, &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg, "address: '256.1.1.1' is not an IPv4 or IPv6 address");
  ep_err_clear(&err);
  ck_assert_int_eq(ep_addrport_parse("8.8.8.8:0", 53, "-D", &hp, &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg, "-D: '8.8.8.8:0': port must be a number from 1 to 65535");
}
END_TEST

START_TEST(hostport_format)
{
  struct ep_hostport hp;
  struct ep_err      err = EP_ERR_INIT;
  char               out[EP_HOST_MAX + 8];

  ck_assert_int_eq(ep_hostport_parse("example.com", 443, NULL, &hp, &err),
                   EP_OK);
  ep_hostport_format(&hp, out, sizeof out);
  ck_assert_str_eq(out, "example.com:443");
  ck_assert_int_eq(ep_hostport_parse("::1", 53, NULL, &hp, &err), EP_OK);
  ep_hostport_format(&hp, out, sizeof out);
  ck_assert_str_eq(out, "[::1]:53");
  ck_assert_int_eq(ep_hostport_parse("[2001:db8::1]:5353", 53, NULL, &hp, &err),
                   EP_OK);
  ep_hostport_format(&hp, out, sizeof out);
  ck_assert_str_eq(out, "[2001:db8::1]:5353");
}
END_TEST

static Suite *
addr_suite(void)
{
  Suite *s = suite_create("addr");
  TCase *tc = tcase_create("core");

  tcase_add_loop_test(tc, hostname_accepts_good_names, 0,
                      (int)(sizeof good_names / sizeof good_names[0]));
  tcase_add_test(tc, hostname_253_characters_ok_254_refused);
  tcase_add_loop_test(tc, hostname_rejects_bad_names, 0,
                      (int)(sizeof bad_names / sizeof bad_names[0]));
  tcase_add_test(tc, hostname_default_what);
  tcase_add_test(tc, addr_is_literal);
  tcase_add_loop_test(tc, hostport_parse_forms, 0,
                      (int)(sizeof hp_cases / sizeof hp_cases[0]));
  tcase_add_test(tc, hostport_bracket_errors_quote_the_whole_target);
  tcase_add_test(tc, hostport_default_what);
  tcase_add_test(tc, hostport_name_too_long);
  tcase_add_test(tc, addrport_accepts_addresses);
  tcase_add_test(tc, addrport_rejects_names);
  tcase_add_test(tc, hostport_format);
  suite_add_tcase(s, tc);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(addr_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
