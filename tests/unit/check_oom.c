/* Documents when memory runs out: a result builder either finishes its
 * result whole or says EP_ENOMEM, never EP_OK with a document that a
 * failed json-c constructor or add made shorter.  Every allocation from
 * the Nth on fails, for each N until the builder needs fewer than N. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "ep_cause.h"
#include "ep_checklist.h"
#include "ep_config.h"
#include "ep_failalloc.h"
#include "ep_output.h"
#include "ep_range.h"
#include "ep_unit.h"
#include "ep_unit_run.h"
#include "https_report.h"

typedef enum ep_status (*build_fn)(struct ep_check_result *out,
                                   struct ep_err *err);

/* The result as every front end sees it: the JSON document and the
 * plugin output with its details. */
static char *
render(const struct ep_check_result *c)
{
  struct ep_err err = EP_ERR_INIT;
  char         *json = ep_format_json(c, &err);
  char         *text = ep_format_nagios(c, "TEST", 3, &err);
  char         *both;

  ck_assert_ptr_nonnull(json);
  ck_assert_ptr_nonnull(text);
  ck_assert_int_ge(asprintf(&both, "%s%s", json, text), 0);
  free(json);
  free(text);
  return both;
}

/* got is want; else where they part, short enough for check to say. */
static void
same_text(const char *got, const char *want, long n)
{
  size_t i = 0;

  while (got[i] && got[i] == want[i])
    i++;
  ck_assert_msg(got[i] == want[i],
                "allocation %ld failed, and at byte %zu the result has "
                "'%.60s' instead of '%.60s'",
                n, i, got + i, want + i);
}

/* What a test makes with its allocation number fail_at failing (-1:
 * none): its text, or NULL when it said EP_ENOMEM; *failed: it came. */
typedef char *(*make_fn)(build_fn build, long fail_at, bool *failed);

/* make()'s text is whole or NULL, whichever allocation fails. */
static void
whole_or_nothing(make_fn make, build_fn build)
{
  char *want, *got;
  long  n;
  bool  failed;

  if (!ep_failalloc_works())
    return;
  want = make(build, -1, &failed);
  ck_assert_ptr_nonnull(want);
  for (n = 0, failed = true; failed; n++) {
    got = make(build, n, &failed);
    if (got)
      same_text(got, want, n);
    free(got);
  }
  ck_assert_int_gt(n, 10);
  free(want);
}

/* The result build makes, as the front ends show it. */
static char *
result_text(build_fn build, long fail_at, bool *failed)
{
  struct ep_check_result c;
  struct ep_err          err = EP_ERR_INIT;
  enum ep_status         rc;
  char                  *text = NULL;

  ep_check_result_init(&c);
  ep_failalloc_at(fail_at);
  rc = build(&c, &err);
  *failed = ep_failalloc_off();
  if (rc == EP_OK)
    text = render(&c);
  else
    ck_assert_msg(rc == EP_ENOMEM, "allocation %ld failed: %s", fail_at,
                  ep_status_str(rc));
  ep_check_result_cleanup(&c);
  return text;
}

/* Two names: one answered as expected, one with a stray address. */
static enum ep_status
build_dns(struct ep_check_result *out, struct ep_err *err)
{
  static const struct ep_dns_server servers[] = {{"8.8.8.8", false},
                                                 {"127.0.0.53", true}};
  struct ep_dns_answer a[2][2];
  struct ep_dns_name   names[2] = {{"a.example", {NULL, 0}},
                                   {"b.example", {NULL, 0}}};
  struct ep_range      warn, crit;
  char                *expect[] = {"192.0.2.1"};
  enum ep_status       rc = EP_OK;
  size_t               i;

  ep_range_parse(&warn, "0.5", "-w", NULL);
  ep_range_parse(&crit, "2", "-c", NULL);
  names[1].expect.v = expect;
  names[1].expect.n = 1;
  memset(a, 0, sizeof a);
  for (i = 0; i < 2; i++) {
    a[i][0].outcome = EP_DNS_ANSWER;
    a[i][0].seconds = 0.012;
    a[i][0].n_addrs = 2;
    snprintf(a[i][0].addrs[0], EP_DNS_ADDR_TEXT, "192.0.2.1");
    snprintf(a[i][0].addrs[1], EP_DNS_ADDR_TEXT, "192.0.2.9");
    a[i][1].outcome = EP_DNS_TIMEOUT;
  }
  for (i = 0; i < 2 && rc == EP_OK; i++)
    rc = ep_dns_evaluate(&names[i], servers, a[i], 2, &warn, &crit, out, err);
  if (rc == EP_OK)
    rc = ep_dns_summarize(out, servers, 2, &a[0][0], 2, err);
  return rc;
}

START_TEST(dns_result_whole_or_enomem)
{
  whole_or_nothing(result_text, build_dns);
}
END_TEST

/* A target that answered over TLS, one that failed. */
static enum ep_status
build_https(struct ep_check_result *out, struct ep_err *err)
{
  static struct ep_https_target t[2];
  struct ep_https_options       o;

  memset(t, 0, sizeof t);
  memset(&o, 0, sizeof o);
  ep_range_parse(&o.warn, "1", "-w", NULL);
  ep_range_parse(&o.crit, "5", "-c", NULL);
  o.cert_warn_days = 21;
  o.cert_crit_days = 7;
  snprintf(t[0].spec, sizeof t[0].spec, "api.example");
  snprintf(t[0].addr, sizeof t[0].addr, "192.0.2.5");
  t[0].finished = t[0].headers_done = true;
  t[0].status = 204;
  t[0].have_total = t[0].have_tls = true;
  t[0].total_s = 0.25;
  t[0].tls_s = 0.1;
  t[0].seen.have_leaf = true;
  t[0].seen.soonest_days = t[0].seen.leaf_days = 90;
  snprintf(t[0].seen.version, sizeof t[0].seen.version, "TLSv1.3");
  snprintf(t[0].seen.issuer, sizeof t[0].seen.issuer, "CN=Example CA");
  snprintf(t[1].spec, sizeof t[1].spec, "blocked.example");
  snprintf(t[1].failure, sizeof t[1].failure, "refused by policy");
  return ep_https_report(t, 2, &o, out, err);
}

START_TEST(https_result_whole_or_enomem)
{
  whole_or_nothing(result_text, build_https);
}
END_TEST

/* The document of build's result: all of it, or NULL (EP_ENOMEM).  The
 * tree only: json-c's writer does not say when its buffer could not
 * grow, so the text is written with memory to spare. */
static char *
document_text(build_fn build, long fail_at, bool *failed)
{
  struct ep_check_result c;
  struct ep_err          err = EP_ERR_INIT;
  json_object           *doc;
  char                  *text;

  ep_check_result_init(&c);
  ck_assert_int_eq(build(&c, &err), EP_OK);
  c.check = strdup("dns");
  ck_assert_int_eq(ep_check_result_add_note(&c, "a note"), EP_OK);
  ep_failalloc_at(fail_at);
  doc = ep_check_json(&c);
  if (doc && ep_json_add_run_info(doc, &c.started, c.seconds) != EP_OK) {
    json_object_put(doc);
    doc = NULL;
  }
  *failed = ep_failalloc_off();
  text = doc ? ep_json_text(doc, NULL) : NULL;
  json_object_put(doc);
  ep_check_result_cleanup(&c);
  return text;
}

START_TEST(json_document_whole_or_null)
{
  whole_or_nothing(document_text, build_dns);
}
END_TEST

/* A site where one name does not resolve, and HTTPS to it fails for
 * that: the checklist's causes, items and checks, the machines not
 * checked. */
static void
build_site(struct ep_run_result *run, struct ep_checklist *cl)
{
  struct ep_check_result  *dns, *https;
  struct ep_target_result *t;
  struct ep_config         cfg;
  struct ep_err            err = EP_ERR_INIT;

  ep_unit_run_init(run);
  dns = &run->checks[ep_unit_slot("dns")];
  https = &run->checks[ep_unit_slot("https")];
  run->started.tv_sec = 1700000000;
  run->seconds = 0.5;
  ck_assert_int_eq(build_dns(dns, &err), EP_OK);
  dns->ran = true;
  dns->check = strdup("dns");
  https->ran = true;
  https->check = strdup("https");
  https->summary = strdup("b.example: timed out resolving the name");
  https->state = EP_STATE_CRITICAL;
  t = ep_check_result_add(https, "b.example", &err);
  ck_assert_ptr_nonnull(t);
  t->state = EP_STATE_CRITICAL;
  t->cause = EP_CAUSE_UNRESOLVED;
  ck_assert_int_eq(ep_target_set_host(t, "b.example"), EP_OK);
  ck_assert_int_eq(ep_target_set_text(t, "b.example: not resolved"), EP_OK);
  ep_config_init(&cfg);
  ck_assert_int_eq(ep_checklist_build(run, &cfg, cl, &err), EP_OK);
  ep_config_cleanup(&cfg);
}

/* The allocations json-c's writer makes for text, which it does not
 * report failing (its buffer that could not grow): those of a document
 * as long, written last. */
static long
writer_allocations(const char *text)
{
  json_object *doc = json_tokener_parse(text);
  long         before = ep_failalloc_calls;
  char        *again;

  ck_assert_ptr_nonnull(doc);
  again = ep_json_text(doc, NULL);
  before = ep_failalloc_calls - before;
  ck_assert_str_eq(again, text);
  free(again);
  json_object_put(doc);
  return before;
}

/* check_edge's document: all of it, or NULL with EP_ENOMEM, whichever
 * allocation of its tree fails. */
START_TEST(checklist_document_whole_or_null)
{
  struct ep_run_result run;
  struct ep_checklist  cl;
  struct ep_err        err = EP_ERR_INIT;
  char                *want, *got;
  long                 n, tree;

  if (!ep_failalloc_works())
    return;
  build_site(&run, &cl);
  /* Once before counting: a first write sets up what later ones reuse. */
  free(ep_checklist_json(&cl, &run, &err));
  tree = ep_failalloc_calls;
  want = ep_checklist_json(&cl, &run, &err);
  tree = ep_failalloc_calls - tree;
  ck_assert_ptr_nonnull(want);
  ck_assert_ptr_nonnull(strstr(want, "\"root_cause\":\"dns.name\""));
  tree -= writer_allocations(want);
  ck_assert_int_gt(tree, 10);
  for (n = 0; n < tree; n++) {
    struct ep_err e = EP_ERR_INIT;

    ep_failalloc_at(n);
    got = ep_checklist_json(&cl, &run, &e);
    ck_assert(ep_failalloc_off());
    if (got)
      same_text(got, want, n);
    else
      ck_assert_int_eq(e.code, EP_ENOMEM);
    free(got);
  }
  free(want);
  ep_checklist_free(&cl);
  ep_run_result_cleanup(&run);
}
END_TEST

/* The suite tests something: allocations fail on demand, except under
 * valgrind (EP_VALGRIND) or AddressSanitizer. */
START_TEST(allocations_fail_on_demand)
{
  const char *vg = getenv("EP_VALGRIND");

#if !defined(__SANITIZE_ADDRESS__) && !defined(EP_FAILALLOC_ASAN)
  if (!vg || !vg[0])
    ck_assert(ep_failalloc_works());
#endif
  (void)vg;
}
END_TEST

static Suite *
oom_suite(void)
{
  Suite *s = suite_create("oom");
  TCase *tc = tcase_create("results");

  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, allocations_fail_on_demand);
  tcase_add_test(tc, dns_result_whole_or_enomem);
  tcase_add_test(tc, https_result_whole_or_enomem);
  tcase_add_test(tc, json_document_whole_or_null);
  tcase_add_test(tc, checklist_document_whole_or_null);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(oom_suite)
