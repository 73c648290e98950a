/* Unit tests for what a proxy's 407 asked for (ep_proxyauth): the
 * schemes named, the cause, and the words for each case of credentials. */
#include "config.h"

#include <check.h>
#include <curl/curl.h>
#include <stdlib.h>

#include "ep_cause.h"
#include "ep_proxyauth.h"

START_TEST(names_safest_first)
{
  char out[64];

  ep_proxy_auth_names((long)(CURLAUTH_BASIC | CURLAUTH_NTLM |
                             CURLAUTH_NEGOTIATE),
                      out, sizeof out);
  ck_assert_str_eq(out, "Negotiate, NTLM, Basic");
  ep_proxy_auth_names(0, out, sizeof out);
  ck_assert_str_eq(out, "");
  ep_proxy_auth_names((long)CURLAUTH_DIGEST, out, 4);
  ck_assert_str_eq(out, "Dig");
}
END_TEST

START_TEST(basic_or_nothing_leaves_the_407)
{
  char out[200] = "unchanged";

  ck_assert_ptr_null(ep_proxy_auth_refusal((long)CURLAUTH_BASIC, true, false,
                                           true, out, sizeof out));
  ck_assert_ptr_null(ep_proxy_auth_refusal(0, false, false, false, out,
                                           sizeof out));
  ck_assert_ptr_null(ep_proxy_auth_refusal((long)CURLAUTH_BEARER, true,
                                           false, true, out, sizeof out));
  ck_assert_str_eq(out, "unchanged");
  ck_assert(!ep_proxy_auth_wants_other((long)CURLAUTH_BASIC));
  ck_assert(ep_proxy_auth_wants_other((long)CURLAUTH_NTLM));
}
END_TEST

START_TEST(each_case_of_credentials)
{
  char        out[200];
  const long  ntlm = (long)CURLAUTH_NTLM;

  ck_assert_str_eq(ep_proxy_auth_refusal(ntlm, false, false, false, out,
                                         sizeof out),
                   EP_CAUSE_PROXY_AUTH_SCHEME);
  ck_assert_str_eq(out, "the proxy requires NTLM authentication; no "
                        "credentials are configured (--proxy-auth-file)");
  ep_proxy_auth_refusal(ntlm, true, true, false, out, sizeof out);
  ck_assert_str_eq(out, "the proxy requires NTLM; only a token is "
                        "configured, which goes as Basic");
  ep_proxy_auth_refusal(ntlm, true, false, false, out, sizeof out);
  ck_assert_str_eq(out, "the proxy requires NTLM; only Basic credentials "
                        "were sent (no time was left to negotiate)");
  ep_proxy_auth_refusal(ntlm | (long)CURLAUTH_BASIC, true, false, true, out,
                        sizeof out);
  ck_assert_str_eq(out, "the proxy requires NTLM, Basic; the configured "
                        "credentials were refused with it");
  ep_proxy_auth_refusal((long)CURLAUTH_NEGOTIATE, true, false, true, out,
                        sizeof out);
  ck_assert_str_eq(out, "the proxy requires Negotiate (Kerberos): it wants "
                        "this host's Kerberos ticket (kinit), not the "
                        "configured user:password");
}
END_TEST

START_TEST(schemes_to_negotiate)
{
  ck_assert_int_eq(ep_proxy_auth_schemes(true), (long)CURLAUTH_BASIC);
  ck_assert_int_eq(ep_proxy_auth_schemes(false),
                   (long)(CURLAUTH_NEGOTIATE | CURLAUTH_DIGEST |
                          CURLAUTH_NTLM | CURLAUTH_BASIC));
  /* A Bearer-only proxy: nothing libcurl could answer it with. */
  ck_assert(!ep_proxy_auth_wants_other((long)CURLAUTH_BEARER));
}
END_TEST

int
main(void)
{
  Suite   *s = suite_create("proxyauth");
  TCase   *t = tcase_create("refusal");
  SRunner *sr;
  int      failed;

  tcase_add_test(t, names_safest_first);
  tcase_add_test(t, basic_or_nothing_leaves_the_407);
  tcase_add_test(t, each_case_of_credentials);
  tcase_add_test(t, schemes_to_negotiate);
  suite_add_tcase(s, t);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
