/* Unit tests for the https probe's pure parts: matching expected issuers
 * against a verified chain's names, hiding credentials in curl's trace,
 * taking a proxy from the environment without its credentials, and the
 * https settings laid over a profile. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ep_sections.h"
#include "ep_nagios_cli.h"
#include "ep_config.h"
#include "https.h"
#include "https_settings.h"

#define HTTPS_OWN(cfg) \
  ((const struct ep_https_own *)ep_config_check(cfg, &ep_https_kind)->own)
#define HTTPS_PART(cfg) \
  ((struct ep_https_profile *)ep_config_part(cfg, &ep_https_kind))

static const char *const chain =
  "/C=US/O=Let's Encrypt/CN=R3\n"
  "/O=Digital Signature Trust Co./CN=DST Root CA X3\n";

START_TEST(issuer_substring_any_case)
{
  struct ep_strlist l = {0};
  const char       *m = NULL;

  ck_assert_int_eq(ep_strlist_add(&l, "DigiCert"), EP_OK);
  ck_assert(!ep_https_issuer_expected(chain, &l, &m));
  ck_assert_ptr_null(m);
  ck_assert_int_eq(ep_strlist_add(&l, "let's encrypt"), EP_OK);
  ck_assert(ep_https_issuer_expected(chain, &l, &m));
  ck_assert_str_eq(m, "let's encrypt");
  ep_strlist_free(&l);
  ck_assert_int_eq(ep_strlist_add(&l, "DST Root"), EP_OK);
  ck_assert(ep_https_issuer_expected(chain, &l, NULL));
  ep_strlist_free(&l);
}
END_TEST

START_TEST(issuer_never_across_lines_or_empty)
{
  struct ep_strlist l = {0};

  /* The end of one issuer and the start of the next are not a name. */
  ck_assert_int_eq(ep_strlist_add(&l, "R3\n/O=Digital"), EP_OK);
  ck_assert(!ep_https_issuer_expected(chain, &l, NULL));
  ep_strlist_free(&l);
  ck_assert_int_eq(ep_strlist_add(&l, "R3"), EP_OK);
  ck_assert(!ep_https_issuer_expected("", &l, NULL));
  ck_assert(!ep_https_issuer_expected(chain, NULL, NULL));
  ep_strlist_free(&l);
}
END_TEST

START_TEST(trace_hides_credentials)
{
  char out[128];

  ep_https_trace_line("Proxy-Authorization: Basic ZWRnZTpTM2NyZXQ=\r\n", 44,
                      out, sizeof out);
  ck_assert_str_eq(out, "Proxy-Authorization: (hidden)");
  ep_https_trace_line("authorization: Bearer abc", 25, out, sizeof out);
  ck_assert_str_eq(out, "authorization: (hidden)");
  ep_https_trace_line("Proxy auth using Basic with user 'edge'", 39, out,
                      sizeof out);
  ck_assert_str_eq(out, "Proxy auth using (hidden)");
  ep_https_trace_line("Set-Cookie: s=1", 15, out, sizeof out);
  ck_assert_str_eq(out, "Set-Cookie: (hidden)");
  ep_https_trace_line("Host: a.example\r\n", 17, out, sizeof out);
  ck_assert_str_eq(out, "Host: a.example");
  /* A stranger's bytes are shown printable only, and cut to fit. */
  ep_https_trace_line("x\001\033y", 4, out, sizeof out);
  ck_assert_str_eq(out, "x..y");
  ep_https_trace_line("abcdefgh", 8, out, 4);
  ck_assert_str_eq(out, "abc");
}
END_TEST

/* The status line as a server sends it: the reason kept printable, and
 * anything else refused. */
START_TEST(status_lines)
{
  static const struct {
    const char *line;
    bool        ok;
    const char *version;
    int         code;
    const char *reason;
  } cases[] = {
    {"HTTP/1.1 200 OK\r\n", true, "1.1", 200, "OK"},
    {"HTTP/1.1 403 Forbidden\r\n", true, "1.1", 403, "Forbidden"},
    {"HTTP/2 200 \r\n", true, "2", 200, ""},
    {"HTTP/2 301\r\n", true, "2", 301, ""},
    {"HTTP/1.0 502 Bad\x01Gateway\xff\r\n", true, "1.0", 502,
     "Bad.Gateway."},
    {"HTTP/1.1 100 Continue\n", true, "1.1", 100, "Continue"},
    {"HTTP/1.1 20 OK\r\n", false, "", 0, ""},
    {"HTTP/1.1 2000 OK\r\n", false, "", 0, ""},
    {"HTTP/1.1 099 Low\r\n", false, "", 0, ""},
    {"HTTP/ 200 OK\r\n", false, "", 0, ""},
    {"HTTP/1.1.1.1.1.1 200 OK\r\n", false, "", 0, ""},
    {"HTTP/1.1\r\n", false, "", 0, ""},
    {"HTTPS/1.1 200 OK\r\n", false, "", 0, ""},
    {"SSH-2.0-OpenSSH_9.2\r\n", false, "", 0, ""},
    {"", false, "", 0, ""},
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct ep_http_status st;

    ck_assert_msg(ep_https_parse_status_line(cases[i].line,
                                             strlen(cases[i].line), &st) ==
                    cases[i].ok,
                  "%s", cases[i].line);
    ck_assert_str_eq(st.version, cases[i].version);
    ck_assert_int_eq(st.code, cases[i].code);
    ck_assert_str_eq(st.reason, cases[i].reason);
  }
}
END_TEST

START_TEST(header_values)
{
  char out[16];

  ck_assert(ep_https_header_value("Server: nginx/1.22.1\r\n", 22, "server",
                                  out, sizeof out));
  ck_assert_str_eq(out, "nginx/1.22.1");
  ck_assert(ep_https_header_value("SERVER:\tsquid \r\n", 16, "server", out,
                                  sizeof out));
  ck_assert_str_eq(out, "squid");
  ck_assert(ep_https_header_value("server: a-very-long-server-name\r\n", 33,
                                  "server", out, sizeof out));
  ck_assert_str_eq(out, "a-very-long-ser");
  ck_assert(!ep_https_header_value("Servers: x\r\n", 12, "server", out,
                                   sizeof out));
  ck_assert(!ep_https_header_value("Server\r\n", 8, "server", out,
                                   sizeof out));
  ck_assert(!ep_https_header_value("X-Server: y\r\n", 13, "server", out,
                                   sizeof out));
}
END_TEST

START_TEST(env_proxy_without_credentials)
{
  bool  creds = true;
  char *url;

  unsetenv("https_proxy");
  unsetenv("HTTPS_PROXY");
  ck_assert_ptr_null(ep_config_env_proxy(&creds));
  ck_assert(!creds);
  setenv("HTTPS_PROXY", "http://proxy.plant:3128", 1);
  url = ep_config_env_proxy(&creds);
  ck_assert_str_eq(url, "http://proxy.plant:3128");
  ck_assert(!creds);
  free(url);
  setenv("https_proxy", "http://edge:S3cret@proxy.plant:3128/", 1);
  url = ep_config_env_proxy(&creds);
  ck_assert_str_eq(url, "http://proxy.plant:3128/");
  ck_assert(creds);
  free(url);
  /* curl's rule: no scheme is http://. */
  setenv("https_proxy", "u:p@10.0.0.1:8080", 1);
  url = ep_config_env_proxy(&creds);
  ck_assert_str_eq(url, "http://10.0.0.1:8080");
  ck_assert(creds);
  free(url);
  /* An '@' in the path is not a credential. */
  setenv("https_proxy", "https://proxy.plant/a@b", 1);
  url = ep_config_env_proxy(&creds);
  ck_assert_str_eq(url, "https://proxy.plant/a@b");
  ck_assert(!creds);
  free(url);
  unsetenv("https_proxy");
  unsetenv("HTTPS_PROXY");
}
END_TEST

/* Parses argv into a config for the https check; returns its status. */
static enum ep_status
configure(struct ep_config *cfg, struct ep_err *err, char **argv)
{
  const struct ep_probe_kind *kinds[] = {&ep_https_kind};
  struct ep_settings  cli;
  enum ep_status rc;
  int            argc = 0;

  while (argv[argc])
    argc++;
  ep_settings_init(&cli);
  ep_config_init(cfg);
  rc = ep_nagios_parse(&cli, argc, argv, &ep_https_kind, err);
  if (rc == EP_OK)
    rc = ep_config_build(cfg, &cli, ep_profile_sections,
                        kinds, 1, err);
  ep_settings_cleanup(&cli);
  return rc;
}

START_TEST(settings_from_profile_and_options)
{
  struct ep_config cfg;
  struct ep_err    err = EP_ERR_INIT;
  char            *plain[] = {"check", NULL};
  char            *opts[] = {"check", "-H", "a.example:8443",
                             "--expect-issuer", "Plant CA",
                             "--cert-warning-days", "30",
                             "--cert-critical-days", "10",
                             "--proxy", "http://p.example:3128", NULL};

  unsetenv("https_proxy");
  unsetenv("HTTPS_PROXY");
  ck_assert_int_eq(configure(&cfg, &err, plain), EP_OK);
  ck_assert_uint_eq(HTTPS_PART(&cfg)->targets.n, 15);
  ck_assert_int_eq(HTTPS_OWN(&cfg)->cert_warn_days, 21);
  ck_assert_int_eq(HTTPS_OWN(&cfg)->cert_crit_days, 7);
  ck_assert_ptr_null(cfg.proxy_url);
  ck_assert_str_eq(ep_config_check(&cfg, &ep_https_kind)->warn.text, "1");
  ep_config_cleanup(&cfg);

  ck_assert_int_eq(configure(&cfg, &err, opts), EP_OK);
  ck_assert_uint_eq(HTTPS_PART(&cfg)->targets.n, 1);
  ck_assert_str_eq(HTTPS_PART(&cfg)->targets.v[0], "a.example:8443");
  ck_assert_str_eq(HTTPS_PART(&cfg)->expect_issuers.v[0], "Plant CA");
  ck_assert_int_eq(HTTPS_OWN(&cfg)->cert_warn_days, 30);
  ck_assert_int_eq(HTTPS_OWN(&cfg)->cert_crit_days, 10);
  ck_assert_str_eq(cfg.proxy_url, "http://p.example:3128");
  ck_assert(!cfg.proxy_from_env);
  ep_config_cleanup(&cfg);

  setenv("https_proxy", "http://u:pw@env.example:3128", 1);
  ck_assert_int_eq(configure(&cfg, &err, plain), EP_OK);
  ck_assert_str_eq(cfg.proxy_url, "http://env.example:3128");
  ck_assert(cfg.proxy_from_env);
  ep_config_cleanup(&cfg);
  unsetenv("https_proxy");
}
END_TEST

/* The same -H twice is one target: one line, one set of perfdata labels. */
START_TEST(settings_same_target_twice_is_one)
{
  struct ep_config cfg;
  struct ep_err    err = EP_ERR_INIT;
  char            *twice[] = {"check", "-H", "a.example", "-H", "b.example",
                              "-H", "a.example", NULL};

  unsetenv("https_proxy");
  unsetenv("HTTPS_PROXY");
  ck_assert_int_eq(configure(&cfg, &err, twice), EP_OK);
  ck_assert_uint_eq(HTTPS_PART(&cfg)->targets.n, 2);
  ck_assert_str_eq(HTTPS_PART(&cfg)->targets.v[0], "a.example");
  ck_assert_str_eq(HTTPS_PART(&cfg)->targets.v[1], "b.example");
  ep_config_cleanup(&cfg);
}
END_TEST

START_TEST(settings_refused)
{
  struct ep_config cfg;
  struct ep_err    err = EP_ERR_INIT;
  char            *days[] = {"check", "--cert-critical-days", "30", NULL};
  char            *bad_days[] = {"check", "--cert-warning-days", "x", NULL};
  char            *auth[] = {"check", "--proxy-auth-file", "/etc/x", NULL};
  char            *creds[] = {"check", "--proxy", "http://u:p@h:1", NULL};
  char            *scheme[] = {"check", "--proxy", "socks5://h:1", NULL};
  char            *issuer[] = {"check", "--expect-issuer", "", NULL};

  unsetenv("https_proxy");
  unsetenv("HTTPS_PROXY");
  ck_assert_int_eq(configure(&cfg, &err, days), EP_EINVAL);
  ck_assert_str_eq(err.msg, "certificate days: critical (30) must not be "
                            "more than warning (21)");
  ep_config_cleanup(&cfg);
  ep_err_clear(&err);
  ck_assert_int_eq(configure(&cfg, &err, bad_days), EP_EINVAL);
  ck_assert_str_eq(err.msg, "--cert-warning-days: 'x': expected a whole "
                            "number of days from 0 to 3650");
  ep_config_cleanup(&cfg);
  ep_err_clear(&err);
  ck_assert_int_eq(configure(&cfg, &err, auth), EP_EINVAL);
  ck_assert_str_eq(err.msg, "proxy credentials given, but no proxy "
                            "(--proxy, proxy.url or https_proxy)");
  ep_config_cleanup(&cfg);
  ep_err_clear(&err);
  ck_assert_int_eq(configure(&cfg, &err, creds), EP_EINVAL);
  ck_assert(strstr(err.msg, "credentials are not allowed") != NULL);
  ck_assert(strstr(err.msg, ":p@") == NULL);
  ep_config_cleanup(&cfg);
  ep_err_clear(&err);
  ck_assert_int_eq(configure(&cfg, &err, scheme), EP_EINVAL);
  ck_assert_str_eq(err.msg, "--proxy: expected an http:// or https:// URL");
  ep_config_cleanup(&cfg);
  ep_err_clear(&err);
  ck_assert_int_eq(configure(&cfg, &err, issuer), EP_EINVAL);
  ep_config_cleanup(&cfg);
}
END_TEST

static Suite *
https_suite(void)
{
  Suite *s = suite_create("https");
  TCase *tc = tcase_create("pure");
  TCase *ts = tcase_create("settings");

  tcase_add_test(tc, issuer_substring_any_case);
  tcase_add_test(tc, issuer_never_across_lines_or_empty);
  tcase_add_test(tc, trace_hides_credentials);
  tcase_add_test(tc, env_proxy_without_credentials);
  tcase_add_test(tc, status_lines);
  tcase_add_test(tc, header_values);
  suite_add_tcase(s, tc);
  tcase_add_test(ts, settings_from_profile_and_options);
  tcase_add_test(ts, settings_same_target_twice_is_one);
  tcase_add_test(ts, settings_refused);
  suite_add_tcase(s, ts);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(https_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
