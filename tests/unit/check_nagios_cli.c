/* Unit tests for nagios/ep_nagios_cli: the options of the check plugins,
 * parsed from argv arrays, and usage errors by their exact one-line
 * message. */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "dns_settings.h"
#include "ep_nagios_cli.h"
#include "ntp.h"

#define ARGS_MAX 32
#define ARG_LEN 320

static char expect_buf[64];

/* getopt permutes argv and the settings borrow its strings: keep writable
 * copies alive for the whole test. */
struct args {
  int   argc;
  char *argv[ARGS_MAX + 1];
  char  store[ARGS_MAX][ARG_LEN];
};

/* Fills a with "check_edge_dns" and the NULL-terminated words. */
static void
make_args(struct args *a, ...)
{
  va_list     ap;
  const char *w;

  memset(a, 0, sizeof *a);
  snprintf(a->store[0], ARG_LEN, "%s", "check_edge_dns");
  a->argv[0] = a->store[0];
  a->argc = 1;
  va_start(ap, a);
  while ((w = va_arg(ap, const char *)) != NULL) {
    ck_assert_int_lt(a->argc, ARGS_MAX);
    ck_assert_uint_lt(strlen(w), ARG_LEN);
    snprintf(a->store[a->argc], ARG_LEN, "%s", w);
    a->argv[a->argc] = a->store[a->argc];
    a->argc++;
  }
  va_end(ap);
  a->argv[a->argc] = NULL;
}

/* What the plugin runs: check_edge_dns (-H, -a, -w, -c), check_edge_ntp
 * (-H without -a), check_edge (the whole checklist: none of them). */
#define DNS_EXTRAS (&ep_dns_kind)
#define HOST_ONLY (&ep_ntp_kind)
#define CHECKLIST ((const struct ep_probe_kind *)NULL)

/* The -a addresses given. */
static size_t
expect_count(const struct ep_settings *s, size_t i, const char **value)
{
  struct ep_strlist l = {NULL, 0};
  int               n = ep_settings_values(s, &ep_dns_option_expect, &l);

  if (value)
    *value = i < l.n ? strcpy(expect_buf, l.v[i]) : NULL;
  ep_strlist_free(&l);
  return n < 0 ? 0 : (size_t)n;
}

START_TEST(cli_defaults)
{
  struct args   a;
  struct ep_settings cli;
  struct ep_err err = EP_ERR_INIT;

  make_args(&a, (const char *)NULL);
  ep_settings_init(&cli);
  ck_assert_int_eq(ep_nagios_parse(&cli, a.argc, a.argv, DNS_EXTRAS, &err), EP_OK);
  ck_assert_ptr_null(cli.profile);
  ck_assert_uint_eq(cli.dns_servers.n, 0);
  ck_assert_ptr_null(cli.fallback);
  ck_assert_double_eq(cli.timeout, 0);
  ck_assert_ptr_null(cli.warning);
  ck_assert_ptr_null(cli.critical);
  ck_assert_int_eq(cli.format, EP_FORMAT_NAGIOS);
  ck_assert_int_eq(cli.verbose, 0);
  ck_assert(!cli.help);
  ck_assert(!cli.version);
  ck_assert_uint_eq(cli.hosts.n, 0);
  ck_assert_uint_eq(expect_count(&cli, 0, NULL), 0);
  ep_settings_cleanup(&cli);
}
END_TEST

START_TEST(cli_every_shared_option_short)
{
  struct args   a;
  struct ep_settings cli;
  struct ep_err err = EP_ERR_INIT;

  make_args(&a, "-P", "govcloud", "-D", "8.8.8.8", "-t", "2.5", "-w", "0.5",
            "-c", "@1:2", "-I", "eth0", "-v", "-v", "-h", "-V",
            (const char *)NULL);
  ep_settings_init(&cli);
  ck_assert_int_eq(ep_nagios_parse(&cli, a.argc, a.argv, DNS_EXTRAS, &err), EP_OK);
  ck_assert_str_eq(cli.profile, "govcloud");
  ck_assert_uint_eq(cli.dns_servers.n, 1);
  ck_assert_str_eq(cli.dns_servers.v[0], "8.8.8.8");
  ck_assert_double_eq(cli.timeout, 2.5);
  ck_assert_str_eq(cli.warning, "0.5");
  ck_assert_str_eq(cli.critical, "@1:2");
  ck_assert_str_eq(cli.interface, "eth0");
  ck_assert_int_eq(cli.verbose, 2);
  ck_assert(cli.help);
  ck_assert(cli.version);
  ep_settings_cleanup(&cli);
}
END_TEST

START_TEST(cli_every_shared_option_long)
{
  struct args   a;
  struct ep_settings cli;
  struct ep_err err = EP_ERR_INIT;

  make_args(&a, "--profile=/etc/edgeprobe/site.json", "--dns-server",
            "[2001:db8::53]:5353", "--fallback-dns", "127.0.0.53:53",
            "--timeout", "30", "--warning=1", "--critical", "5", "--cacert",
            "/etc/ca.pem", "--proxy", "http://proxy:3128", "--proxy-auth-file",
            "/etc/proxy.auth", "--proxy-cacert", "/etc/proxy-ca.pem",
            "--interface", "192.0.2.7", "--format", "json", "--verbose",
            "--help", "--version", (const char *)NULL);
  ep_settings_init(&cli);
  ck_assert_int_eq(ep_nagios_parse(&cli, a.argc, a.argv, DNS_EXTRAS, &err), EP_OK);
  ck_assert_str_eq(cli.profile, "/etc/edgeprobe/site.json");
  ck_assert_uint_eq(cli.dns_servers.n, 1);
  ck_assert_str_eq(cli.dns_servers.v[0], "[2001:db8::53]:5353");
  ck_assert_str_eq(cli.fallback, "127.0.0.53:53");
  ck_assert_double_eq(cli.timeout, 30);
  ck_assert_str_eq(cli.warning, "1");
  ck_assert_str_eq(cli.critical, "5");
  ck_assert_str_eq(cli.cacert, "/etc/ca.pem");
  ck_assert_str_eq(cli.proxy, "http://proxy:3128");
  ck_assert_str_eq(cli.proxy_auth_file, "/etc/proxy.auth");
  ck_assert_str_eq(cli.proxy_cacert, "/etc/proxy-ca.pem");
  ck_assert_str_eq(cli.interface, "192.0.2.7");
  ck_assert_int_eq(cli.format, EP_FORMAT_JSON);
  ck_assert_int_eq(cli.verbose, 1);
  ck_assert(cli.help);
  ck_assert(cli.version);
  ep_settings_cleanup(&cli);
}
END_TEST

START_TEST(cli_fallback_keywords_and_format_nagios)
{
  struct args   a;
  struct ep_settings cli;
  struct ep_err err = EP_ERR_INIT;

  make_args(&a, "--fallback-dns", "none", "--format", "json", "--format",
            "nagios", (const char *)NULL);
  ep_settings_init(&cli);
  ck_assert_int_eq(ep_nagios_parse(&cli, a.argc, a.argv, DNS_EXTRAS, &err), EP_OK);
  ck_assert_str_eq(cli.fallback, "none");
  ck_assert_int_eq(cli.format, EP_FORMAT_NAGIOS);
  ep_settings_cleanup(&cli);
  make_args(&a, "--fallback-dns=system", (const char *)NULL);
  ep_settings_init(&cli);
  ck_assert_int_eq(ep_nagios_parse(&cli, a.argc, a.argv, DNS_EXTRAS, &err), EP_OK);
  ck_assert_str_eq(cli.fallback, "system");
  ep_settings_cleanup(&cli);
}
END_TEST

START_TEST(cli_repeatable_dns_and_hosts)
{
  struct args   a;
  struct ep_settings cli;
  struct ep_err err = EP_ERR_INIT;

  const char   *value;

  make_args(&a, "-D", "8.8.8.8", "-H", "api.example.com", "--dns-server",
            "8.8.4.4:53", "-D127.0.0.1:5353", "--hostname", "b.example.com",
            "-a", "192.0.2.1", "-H", "c.example.com", "--expect-address",
            "2001:db8::1", (const char *)NULL);
  ep_settings_init(&cli);
  ck_assert_int_eq(ep_nagios_parse(&cli, a.argc, a.argv, DNS_EXTRAS, &err), EP_OK);
  ck_assert_uint_eq(cli.dns_servers.n, 3);
  ck_assert_str_eq(cli.dns_servers.v[0], "8.8.8.8");
  ck_assert_str_eq(cli.dns_servers.v[1], "8.8.4.4:53");
  ck_assert_str_eq(cli.dns_servers.v[2], "127.0.0.1:5353");
  ck_assert_uint_eq(cli.hosts.n, 3);
  ck_assert_str_eq(cli.hosts.v[0], "api.example.com");
  ck_assert_str_eq(cli.hosts.v[1], "b.example.com");
  ck_assert_str_eq(cli.hosts.v[2], "c.example.com");
  ck_assert_uint_eq(expect_count(&cli, 0, &value), 2);
  ck_assert_str_eq(value, "192.0.2.1");
  expect_count(&cli, 1, &value);
  ck_assert_str_eq(value, "2001:db8::1");
  ep_settings_cleanup(&cli);
  ck_assert_uint_eq(cli.hosts.n, 0);
  ck_assert_ptr_null(cli.hosts.v);
}
END_TEST

START_TEST(cli_parses_twice)
{
  struct args   a, b;
  struct ep_settings cli;
  struct ep_err err = EP_ERR_INIT;

  /* getopt's position is global; each parse must start over. */
  make_args(&a, "-t", "3", "-v", (const char *)NULL);
  ep_settings_init(&cli);
  ck_assert_int_eq(ep_nagios_parse(&cli, a.argc, a.argv, DNS_EXTRAS, &err), EP_OK);
  ep_settings_cleanup(&cli);
  make_args(&b, "-w", "2", "-v", "-v", (const char *)NULL);
  ep_settings_init(&cli);
  ck_assert_int_eq(ep_nagios_parse(&cli, b.argc, b.argv, DNS_EXTRAS, &err), EP_OK);
  ck_assert_str_eq(cli.warning, "2");
  ck_assert_int_eq(cli.verbose, 2);
  ck_assert_double_eq(cli.timeout, 0);
  ep_settings_cleanup(&cli);
}
END_TEST

struct bad_cli {
  const char *words[6];
  const struct ep_probe_kind *extras;
  const char *msg;
};

static const struct bad_cli bad_cases[] = {
  {{"--bogus"}, DNS_EXTRAS, "unknown option --bogus"},
  {{"--bogus=1"}, DNS_EXTRAS, "unknown option --bogus"},
  {{"-Z"}, DNS_EXTRAS, "unknown option -Z"},
  {{"-vZ"}, DNS_EXTRAS, "unknown option -Z"},
  {{"-t"}, DNS_EXTRAS, "option -t needs an argument"},
  {{"--timeout"}, DNS_EXTRAS, "option --timeout needs an argument"},
  {{"-H"}, DNS_EXTRAS, "option -H needs an argument"},
  {{"-v", "-D"}, DNS_EXTRAS, "option -D needs an argument"},
  {{"-t", "0"}, DNS_EXTRAS,
   "-t: '0': the timeout must be more than 0 and at most 3600 seconds"},
  {{"-t", "-1"}, DNS_EXTRAS,
   "-t: '-1': the timeout must be more than 0 and at most 3600 seconds"},
  {{"-t", "3601"}, DNS_EXTRAS,
   "-t: '3601': the timeout must be more than 0 and at most 3600 seconds"},
  {{"-t", "abc"}, DNS_EXTRAS, "-t: 'abc' is not a number of seconds"},
  {{"-t", "inf"}, DNS_EXTRAS, "-t: 'inf' is not a number of seconds"},
  {{"-t", "nan"}, DNS_EXTRAS, "-t: 'nan' is not a number of seconds"},
  {{"-t", "0x10"}, DNS_EXTRAS, "-t: '0x10' is not a number of seconds"},
  {{"-t", "10s"}, DNS_EXTRAS, "-t: '10s' is not a number of seconds"},
  {{"-t", ""}, DNS_EXTRAS, "-t: '' is not a number of seconds"},
  {{"--timeout=5m"}, DNS_EXTRAS, "-t: '5m' is not a number of seconds"},
  {{"-D", "dns.google"}, DNS_EXTRAS,
   "-D: 'dns.google' is not an IPv4 or IPv6 address"},
  {{"-D", "8.8.8.8:0"}, DNS_EXTRAS,
   "-D: '8.8.8.8:0': port must be a number from 1 to 65535"},
  {{"--dns-server", "8.8.8.8:dns"}, DNS_EXTRAS,
   "-D: '8.8.8.8:dns': port is not a number"},
  {{"--fallback-dns", "resolver.local"}, DNS_EXTRAS,
   "--fallback-dns: 'resolver.local' is not an IPv4 or IPv6 address"},
  {{"-a", "192.0.2.1"}, DNS_EXTRAS,
   "-a needs -H: it says what the names given with -H must resolve to"},
  {{"-H", "a.example.com", "-a", "a.example.com"}, DNS_EXTRAS,
   "-a: 'a.example.com' is not an IPv4 or IPv6 address"},
  {{"-H", "a.example.com"}, CHECKLIST, "-H is not an option of this check"},
  {{"--hostname", "a.example.com"}, CHECKLIST, "-H is not an option of this check"},
  {{"-H", "a.example.com", "-a", "192.0.2.1"}, HOST_ONLY,
   "-a is not an option of this check"},
  {{"--format", "xml"}, DNS_EXTRAS, "--format: 'xml': expected nagios or json"},
  {{"--format=JSON"}, DNS_EXTRAS, "--format: 'JSON': expected nagios or json"},
  {{"-v", "stray"}, DNS_EXTRAS, "unexpected argument 'stray'"},
  {{"stray", "-v"}, DNS_EXTRAS, "unexpected argument 'stray'"},
  {{"-H", "a.example.com", "b.example.com"}, DNS_EXTRAS,
   "unexpected argument 'b.example.com'"},
  {{"-v", "--", "-w"}, DNS_EXTRAS, "unexpected argument '-w'"},
  /* check_edge: thresholds come from the profile; drift only with ntp */
  {{"-w", "1"}, CHECKLIST,
   "-w is not an option of this check: its thresholds come from the "
   "profile"},
  {{"-c", "1"}, CHECKLIST,
   "-c is not an option of this check: its thresholds come from the "
   "profile"},
  {{"--state-dir", "/var/lib/edgeprobe"}, DNS_EXTRAS,
   "--state-dir is not an option of this check"},
  {{"--drift-warning", "100"}, DNS_EXTRAS,
   "--drift-warning is not an option of this check"},
};

START_TEST(cli_usage_errors)
{
  const struct bad_cli *c = &bad_cases[_i];
  struct args           a;
  struct ep_settings         cli;
  struct ep_err         err = EP_ERR_INIT;

  make_args(&a, c->words[0], c->words[1], c->words[2], c->words[3],
            c->words[4], c->words[5], (const char *)NULL);
  ep_settings_init(&cli);
  ck_assert_int_eq(ep_nagios_parse(&cli, a.argc, a.argv, c->extras, &err),
                   EP_EINVAL);
  ck_assert_int_eq(err.code, EP_EINVAL);
  ck_assert_str_eq(err.msg, c->msg);
  ep_settings_cleanup(&cli);
}
END_TEST

/* An argument given to an option that takes none is not an unknown
 * option: the message must name the option the user typed. */
START_TEST(cli_argument_to_flag_names_the_option)
{
  struct args   a;
  struct ep_settings cli;
  struct ep_err err = EP_ERR_INIT;

  make_args(&a, "--verbose=2", (const char *)NULL);
  ep_settings_init(&cli);
  ck_assert_int_eq(ep_nagios_parse(&cli, a.argc, a.argv, DNS_EXTRAS, &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg, "option --verbose takes no argument");
  ep_settings_cleanup(&cli);
}
END_TEST

START_TEST(cli_timeout_forms)
{
  static const struct {
    const char *arg;
    double      value;
  } ok[] = {{"10", 10}, {"0.5", 0.5}, {"3600", 3600}, {"1e2", 100},
            {".25", 0.25}, {"0.001", 0.001}};
  struct args   a;
  struct ep_settings cli;
  struct ep_err err = EP_ERR_INIT;
  size_t        i;

  for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    make_args(&a, "-t", ok[i].arg, (const char *)NULL);
    ep_settings_init(&cli);
    ck_assert_msg(ep_nagios_parse(&cli, a.argc, a.argv, DNS_EXTRAS, &err) == EP_OK,
                  "-t %s: %s", ok[i].arg, err.msg);
    ck_assert_double_eq(cli.timeout, ok[i].value);
    ep_settings_cleanup(&cli);
  }
}
END_TEST

START_TEST(cli_host_length_limit)
{
  struct args   a;
  struct ep_settings cli;
  struct ep_err err = EP_ERR_INIT;
  char          host[300];

  memset(host, 'a', 260);
  host[260] = '\0';
  make_args(&a, "-H", host, (const char *)NULL);
  ep_settings_init(&cli);
  ck_assert_int_eq(ep_nagios_parse(&cli, a.argc, a.argv, HOST_ONLY, &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg, "-H: host name is 260 characters, more than 253");
  ep_settings_cleanup(&cli);
}
END_TEST

START_TEST(cli_help_text)
{
  char   h[8192];
  FILE  *f = fmemopen(h, sizeof h, "w");

  ck_assert_ptr_nonnull(f);
  ep_nagios_options_help(f, &ep_dns_kind);
  fclose(f);
  ck_assert_ptr_nonnull(strstr(h, " -P, --profile NAME|FILE\n"));
  ck_assert_ptr_nonnull(strstr(h, " -D, --dns-server ADDR[:PORT]\n"));
  ck_assert_ptr_nonnull(strstr(h, "--format nagios|json"));
  ck_assert_int_eq(h[strlen(h) - 1], '\n');
}
END_TEST

static Suite *
cli_suite(void)
{
  Suite *s = suite_create("cli");
  TCase *tc = tcase_create("core");

  tcase_add_test(tc, cli_defaults);
  tcase_add_test(tc, cli_every_shared_option_short);
  tcase_add_test(tc, cli_every_shared_option_long);
  tcase_add_test(tc, cli_fallback_keywords_and_format_nagios);
  tcase_add_test(tc, cli_repeatable_dns_and_hosts);
  tcase_add_test(tc, cli_parses_twice);
  tcase_add_loop_test(tc, cli_usage_errors, 0,
                      (int)(sizeof bad_cases / sizeof bad_cases[0]));
  tcase_add_test(tc, cli_argument_to_flag_names_the_option);
  tcase_add_test(tc, cli_timeout_forms);
  tcase_add_test(tc, cli_host_length_limit);
  tcase_add_test(tc, cli_help_text);
  suite_add_tcase(s, tc);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(cli_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
