/* Unit tests for the root-cause rules (ep_diagnosis) and the checklist
 * built on them (ep_checklist): results are made by hand, as the probes
 * would leave them, and the causes, what they explain and the first line
 * are asserted exactly. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ep_cause.h"
#include "ep_checklist.h"
#include "ep_diagnosis.h"
#include "ep_unit.h"
#include "ep_unit_run.h"

static struct ep_run_result run;

static void
setup(void)
{
  ep_unit_run_init(&run);
}

static void
teardown(void)
{
  ep_run_result_cleanup(&run);
}

/* A check that ran, with its summary. */
static struct ep_check_result *
check(const char *name, const char *summary)
{
  struct ep_check_result *c = &run.checks[ep_unit_slot(name)];

  c->ran = true;
  c->check = strdup(name);
  c->summary = strdup(summary);
  return c;
}

/* A target: cause NULL for OK; host and why may be NULL. */
static struct ep_target_result *
target(struct ep_check_result *c, const char *name, enum ep_state st,
       const char *cause, const char *host, const char *why,
       const char *text)
{
  struct ep_target_result *t = ep_check_result_add(c, name, NULL);

  ck_assert_ptr_nonnull(t);
  t->state = st;
  t->cause = cause;
  if (host)
    ck_assert_int_eq(ep_target_set_host(t, host), EP_OK);
  if (why)
    ck_assert_int_eq(ep_target_set_why(t, why), EP_OK);
  ck_assert_int_eq(ep_target_set_text(t, "%s", text), EP_OK);
  c->state = ep_state_worse(c->state, st);
  return t;
}

static void
offset(struct ep_target_result *t, double value)
{
  ck_assert_int_eq(ep_target_add_perf(t,
                                      &(struct ep_figure){
                                        .figure = "offset",
                                        .unit = EP_UNIT_SECONDS,
                                        .label = "x_offset"},
                                      true, value),
                   EP_OK);
}

static void
diagnose(struct ep_diagnosis *d, const char *proxy)
{
  struct ep_diagnosis_opts o = {proxy, 0};

  ck_assert_int_eq(ep_diagnose(&run, &o, d), EP_OK);
}

/* Nothing answers, not even a resolver: one cause for everything. */
START_TEST(no_network)
{
  struct ep_check_result *dns = check("dns",
                                      "8.8.8.8 not answering (network unreachable)");
  struct ep_check_result *nats = check("nats", "x");
  struct ep_diagnosis     d;

  target(dns, "a.example", EP_STATE_CRITICAL, EP_CAUSE_DNS_UNREACHABLE, NULL,
         NULL, "a.example not resolved");
  target(nats, "192.0.2.1:7422", EP_STATE_CRITICAL, EP_CAUSE_TCP_UNREACHABLE,
         NULL, "network unreachable", "192.0.2.1:7422 network unreachable");
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 1);
  ck_assert_str_eq(d.causes[0].code, EP_ROOT_NO_NETWORK);
  ck_assert_str_eq(d.causes[0].text,
                   "no network: every resolver and endpoint is unreachable");
  ck_assert_uint_eq(d.causes[0].n_explained, 2);
  ck_assert_int_eq(d.by[ep_unit_slot("nats")][0], 0);
  ep_diagnosis_free(&d);
}
END_TEST

/* The uplink's modem lost its network: it explains the NATS timeout and
 * the NTP silence, said once with the link's words; a weak signal with
 * nothing failing elsewhere explains nothing and stays the uplink's. */
START_TEST(link_down_explains_timeouts)
{
  struct ep_check_result *uplink = check("uplink", "x");
  struct ep_check_result *nats = check("nats", "x");
  struct ep_check_result *ntp = check("ntp", "x");
  struct ep_diagnosis     d;

  target(uplink, "uplink", EP_STATE_CRITICAL, EP_CAUSE_LINK_DOWN, NULL,
         "cellular uplink (wwan0): modem searching (registration searching)",
         "cellular uplink (wwan0): modem searching ...");
  target(nats, "192.0.2.1:7422", EP_STATE_CRITICAL, EP_CAUSE_TCP_TIMEOUT,
         NULL, "no answer", "192.0.2.1:7422 no answer");
  target(ntp, "192.0.2.9", EP_STATE_CRITICAL, EP_CAUSE_NTP_TIMEOUT, NULL,
         "no answer", "192.0.2.9 no answer");
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 1);
  ck_assert_str_eq(d.causes[0].code, EP_ROOT_LINK);
  ck_assert_str_eq(d.causes[0].text,
                   "cellular uplink (wwan0): modem searching (registration "
                   "searching): it explains 2 failing targets elsewhere");
  ck_assert_int_eq(d.by[ep_unit_slot("nats")][0], 0);
  ck_assert_int_eq(d.by[ep_unit_slot("ntp")][0], 0);
  ck_assert_int_eq(d.by[ep_unit_slot("uplink")][0], 0);
  ep_diagnosis_free(&d);
  ep_run_result_cleanup(&run);
  ep_unit_run_init(&run);
  uplink = check("uplink", "x");
  nats = check("nats", "x");
  target(uplink, "uplink", EP_STATE_WARNING, EP_CAUSE_LINK_WEAK, NULL,
         "wlan0 (WiFi 'plant'): signal -70 dBm (weak)", "...");
  target(nats, "192.0.2.1:7422", EP_STATE_OK, NULL, NULL, NULL, "PONG");
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 1);
  ck_assert_str_eq(d.causes[0].code, EP_CAUSE_LINK_WEAK);
  ep_diagnosis_free(&d);
}
END_TEST

/* No resolver answers, but the NATS addresses do: the names' failures
 * are DNS's, said once. */
START_TEST(no_resolver)
{
  struct ep_check_result *dns = check("dns",
                                      "8.8.8.8 not answering");
  struct ep_check_result *https = check("https", "x");
  struct ep_check_result *nats = check("nats", "ok");
  struct ep_diagnosis     d;

  target(dns, "a.example", EP_STATE_CRITICAL, EP_CAUSE_DNS_TIMEOUT, NULL,
         NULL, "a.example timed out");
  target(https, "a.example", EP_STATE_CRITICAL, EP_CAUSE_UNRESOLVED,
         "a.example", "not resolved", "a.example: not resolved");
  target(nats, "192.0.2.1:7422", EP_STATE_OK, NULL, NULL, NULL, "PONG");
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 1);
  ck_assert_str_eq(d.causes[0].code, EP_ROOT_NO_RESOLVER);
  ck_assert_str_eq(d.causes[0].text, "8.8.8.8 not answering: no name resolves");
  ck_assert_int_eq(d.by[ep_unit_slot("https")][0], 0);
  ck_assert_int_eq(d.by[ep_unit_slot("nats")][0], -1);
  ep_diagnosis_free(&d);
}
END_TEST

/* One name NXDOMAIN explains the HTTPS and NATS targets of that name,
 * not another name's failure, nor a target behind a proxy (no host). */
START_TEST(one_name)
{
  struct ep_check_result *dns = check("dns", "x");
  struct ep_check_result *https = check("https", "x");
  struct ep_check_result *nats = check("nats", "x");
  struct ep_diagnosis     d;

  target(dns, "api.example", EP_STATE_CRITICAL, EP_CAUSE_DNS_NXDOMAIN, NULL,
         NULL, "api.example NXDOMAIN from 8.8.8.8");
  target(dns, "b.example", EP_STATE_OK, NULL, NULL, NULL, "b resolved");
  target(https, "api.example", EP_STATE_CRITICAL, EP_CAUSE_UNRESOLVED,
         "API.example", "not resolved", "api.example: not resolved");
  target(https, "b.example", EP_STATE_CRITICAL, EP_CAUSE_TCP_REFUSED,
         "b.example", "connection refused", "b.example: connection refused");
  target(nats, "api.example:7422", EP_STATE_CRITICAL, EP_CAUSE_UNRESOLVED,
         "api.example", "not resolved", "api.example:7422 not resolved");
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 2);
  ck_assert_str_eq(d.causes[0].code, EP_ROOT_NAME);
  ck_assert_str_eq(d.causes[0].text, "api.example NXDOMAIN from 8.8.8.8: its "
                                     "HTTPS and NATS checks fail");
  ck_assert_uint_eq(d.causes[0].n_explained, 3);
  ck_assert(d.causes[0].rule);
  /* b.example's refusal is its own: HTTPS's symptom. */
  ck_assert_str_eq(d.causes[1].code, EP_CAUSE_TCP_REFUSED);
  ck_assert(!d.causes[1].rule);
  ck_assert_str_eq(d.causes[1].text, "b.example: connection refused");
  ck_assert_int_eq(d.by[ep_unit_slot("https")][1], 1);
  ep_diagnosis_free(&d);
}
END_TEST

static void
addresses(struct ep_target_result *t, const char *addr)
{
  json_object *a = json_object_new_array();

  ck_assert_ptr_nonnull(a);
  json_object_array_add(a, json_object_new_string(addr));
  json_object_object_add(t->data, "addresses", a);
}

/* Two resolvers sending names that do not exist to one portal: one
 * cause, which explains both rows and the targets of the name resolving
 * there, not those of a name resolving elsewhere. */
START_TEST(rewriting_resolvers)
{
  struct ep_check_result  *dns = check("dns", "x");
  struct ep_check_result  *https = check("https", "x");
  struct ep_target_result *t;
  struct ep_diagnosis      d;
  size_t                   k = ep_unit_slot("https");

  t = target(dns, "api.example", EP_STATE_OK, NULL, NULL, NULL, "resolved");
  addresses(t, "198.51.100.1");
  t = target(dns, "b.example", EP_STATE_OK, NULL, NULL, NULL, "resolved");
  addresses(t, "203.0.113.5");
  t = target(dns, "resolver 8.8.8.8", EP_STATE_WARNING, EP_CAUSE_DNS_REWRITE,
             NULL, NULL, "resolver 8.8.8.8 rewrites NXDOMAIN ...");
  addresses(t, "198.51.100.1");
  json_object_object_add(t->data, "resolver",
                         json_object_new_string("8.8.8.8"));
  t = target(dns, "resolver 8.8.4.4", EP_STATE_WARNING, EP_CAUSE_DNS_REWRITE,
             NULL, NULL, "resolver 8.8.4.4 rewrites NXDOMAIN ...");
  addresses(t, "198.51.100.1");
  json_object_object_add(t->data, "resolver",
                         json_object_new_string("8.8.4.4"));
  target(https, "api.example", EP_STATE_CRITICAL, EP_CAUSE_TLS_UNTRUSTED,
         "api.example", "untrusted", "api.example: untrusted");
  target(https, "b.example", EP_STATE_CRITICAL, EP_CAUSE_TCP_REFUSED,
         "b.example", "connection refused", "b.example: connection refused");
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 2);
  ck_assert_str_eq(d.causes[0].code, EP_CAUSE_DNS_REWRITE);
  ck_assert(d.causes[0].rule);
  ck_assert_str_eq(d.causes[0].text,
                   "resolver 8.8.8.8, 8.8.4.4 rewrite NXDOMAIN (captive portal "
                   "or ISP redirect): api.example resolves to 198.51.100.1, "
                   "where 1 target fails");
  ck_assert_uint_eq(d.causes[0].n_explained, 3);
  ck_assert_int_eq(d.by[k][0], 0);
  ck_assert_int_eq(d.by[k][1], 1);
  ck_assert_str_eq(d.causes[1].code, EP_CAUSE_TCP_REFUSED);
  ep_diagnosis_free(&d);
}
END_TEST

/* A rewriting resolver with nothing failing where it sends names explains
 * nothing: it stays the DNS check's own WARNING. */
START_TEST(rewriting_resolver_alone)
{
  struct ep_check_result  *dns = check("dns", "resolver 8.8.8.8 rewrites");
  struct ep_check_result  *https = check("https", "x");
  struct ep_target_result *t;
  struct ep_diagnosis      d;

  t = target(dns, "api.example", EP_STATE_OK, NULL, NULL, NULL, "resolved");
  addresses(t, "203.0.113.5");
  t = target(dns, "resolver 8.8.8.8", EP_STATE_WARNING, EP_CAUSE_DNS_REWRITE,
             NULL, NULL, "resolver 8.8.8.8 rewrites NXDOMAIN ...");
  addresses(t, "198.51.100.1");
  target(https, "api.example", EP_STATE_OK, NULL, "api.example", NULL, "200");
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 1);
  ck_assert(!d.causes[0].rule);
  ck_assert_str_eq(d.causes[0].code, EP_CAUSE_DNS_REWRITE);
  ck_assert_str_eq(d.causes[0].text, "resolver 8.8.8.8 rewrites");
  ep_diagnosis_free(&d);
}
END_TEST

/* The clock behind, and the kernel saying nothing disciplines it: one
 * cause, which explains the "local clock" row too. */
START_TEST(clock_far_off_and_undisciplined)
{
  struct ep_check_result  *ntp = check("ntp", "x");
  struct ep_check_result  *https = check("https", "x");
  struct ep_target_result *t;
  struct ep_diagnosis      d;

  t = target(ntp, "192.0.2.5", EP_STATE_CRITICAL, EP_CAUSE_NTP_OFFSET, NULL,
             NULL, "offset 7200s");
  offset(t, 7200);
  target(ntp, "local clock", EP_STATE_WARNING, EP_CAUSE_CLOCK_UNSYNC, NULL,
         "this host's clock is not synchronised", "NTP servers answer, ...");
  target(https, "a.example", EP_STATE_CRITICAL, EP_CAUSE_TLS_NOT_YET_VALID,
         "a.example", "certificate not yet valid", "a: not yet valid");
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 1);
  ck_assert_str_eq(d.causes[0].code, EP_ROOT_CLOCK);
  ck_assert_str_eq(d.causes[0].text,
                   "this host's clock is 2 hours behind (NTP offset 7200s) "
                   "and nothing disciplines it: certificates look not yet "
                   "valid (1 target)");
  ck_assert_uint_eq(d.causes[0].n_explained, 3);
  ck_assert_int_eq(d.by[ep_unit_slot("ntp")][1], 0);
  ep_diagnosis_free(&d);
}
END_TEST

/* The clock a year ahead explains certificates "expired", not "not yet
 * valid" (the other direction), nor anything when it is close. */
START_TEST(clock_far_off)
{
  struct ep_check_result  *ntp = check("ntp", "x");
  struct ep_check_result  *https = check("https", "x");
  struct ep_target_result *t;
  struct ep_diagnosis      d;

  t = target(ntp, "pool 192.0.2.5", EP_STATE_CRITICAL, EP_CAUSE_NTP_OFFSET,
             "pool", NULL, "offset -31536000s");
  offset(t, -31536000.25);
  target(https, "a.example", EP_STATE_CRITICAL, EP_CAUSE_TLS_EXPIRED,
         "a.example", "certificate expired 275 days ago", "a: expired");
  target(https, "b.example", EP_STATE_CRITICAL, EP_CAUSE_TLS_NOT_YET_VALID,
         "b.example", "certificate not yet valid", "b: not yet valid");
  diagnose(&d, NULL);
  ck_assert_str_eq(d.causes[0].code, EP_ROOT_CLOCK);
  ck_assert_str_eq(d.causes[0].text,
                   "this host's clock is 365 days ahead (NTP offset "
                   "-31536000.25s): certificates look expired (1 target)");
  ck_assert_uint_eq(d.causes[0].n_explained, 2); /* NTP's own and a */
  ck_assert_int_eq(d.by[ep_unit_slot("https")][0], 0);
  ck_assert_int_ne(d.by[ep_unit_slot("https")][1], 0);
  ep_diagnosis_free(&d);
}
END_TEST

START_TEST(clock_close_explains_nothing)
{
  struct ep_check_result  *ntp = check("ntp", "ok");
  struct ep_check_result  *https = check("https", "x");
  struct ep_target_result *t;
  struct ep_diagnosis      d;
  double                   median;

  t = target(ntp, "192.0.2.5", EP_STATE_OK, NULL, NULL, NULL, "offset 30s");
  offset(t, 30);
  t = target(ntp, "192.0.2.6", EP_STATE_OK, NULL, NULL, NULL, "offset 40s");
  offset(t, 40);
  target(https, "a.example", EP_STATE_CRITICAL, EP_CAUSE_TLS_NOT_YET_VALID,
         "a.example", "certificate not yet valid", "a: not yet valid");
  ck_assert(ep_diagnosis_clock_offset(&run, &median));
  ck_assert_double_eq(median, 35);
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 1);
  ck_assert_str_eq(d.causes[0].code, EP_CAUSE_TLS_NOT_YET_VALID);
  ep_diagnosis_free(&d);
}
END_TEST

START_TEST(proxy_refuses)
{
  struct ep_check_result *https = check("https", "x");
  struct ep_diagnosis     d;

  target(https, "a.example", EP_STATE_CRITICAL, EP_CAUSE_PROXY_AUTH, NULL,
         "the proxy answered CONNECT with 407 (proxy authentication "
         "required)",
         "a.example via proxy: ...");
  target(https, "b.example", EP_STATE_CRITICAL, EP_CAUSE_PROXY_AUTH, NULL,
         "the proxy answered CONNECT with 407 (proxy authentication "
         "required)",
         "b.example via proxy: ...");
  diagnose(&d, "http://proxy.plant:3128");
  ck_assert_uint_eq(d.n, 1);
  ck_assert_str_eq(d.causes[0].code, EP_ROOT_PROXY);
  ck_assert_str_eq(d.causes[0].text,
                   "proxy http://proxy.plant:3128: the proxy answered CONNECT "
                   "with 407 (proxy authentication required) (every HTTPS "
                   "target behind it)");
  ck_assert_uint_eq(d.causes[0].n_explained, 2);
  ep_diagnosis_free(&d);
}
END_TEST

/* Every NATS endpoint timing out its connect: the port, said once. */
START_TEST(port_blocked)
{
  struct ep_check_result *nats = check("nats", "x");
  struct ep_diagnosis     d;
  const char             *eps[] = {"54.218.103.126:7422", "52.24.16.63",
                                   "52.34.161.223:7422"};
  size_t                  i;

  for (i = 0; i < 3; i++)
    target(nats, eps[i], EP_STATE_CRITICAL, EP_CAUSE_TCP_TIMEOUT, NULL,
           "timed out connecting (no answer to SYN: filtered?)", eps[i]);
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 1);
  ck_assert_str_eq(d.causes[0].code, EP_ROOT_PORT_BLOCKED);
  ck_assert_str_eq(d.causes[0].text,
                   "outbound TCP 7422 blocked: all 3 NATS endpoints time out "
                   "connecting (no answer to SYN)");
  ep_diagnosis_free(&d);
}
END_TEST

/* IPv6 broken beside working IPv4 is the path's: the targets that met it
 * are one cause, said once with the first one's words. */
START_TEST(ipv6_broken_said_once)
{
  struct ep_check_result *https = check("https", "x");
  struct ep_diagnosis     d;

  target(https, "a.example", EP_STATE_WARNING, EP_CAUSE_IPV6_BROKEN,
         "a.example",
         "IPv6 path broken (IPv4 works): [2001:db8::10]:443: timed out "
         "connecting (no answer to SYN: filtered?)",
         "a.example (192.0.2.10): HTTP 200 in 0.01s");
  target(https, "b.example", EP_STATE_WARNING, EP_CAUSE_IPV6_BROKEN,
         "b.example",
         "IPv6 path broken (IPv4 works): [2001:db8::11]:443: timed out "
         "connecting (no answer to SYN: filtered?)",
         "b.example (192.0.2.11): HTTP 200 in 0.01s");
  target(https, "c.example", EP_STATE_OK, NULL, "c.example", NULL,
         "c.example (192.0.2.12): HTTP 200 in 0.01s");
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 1);
  ck_assert_str_eq(d.causes[0].code, EP_CAUSE_IPV6_BROKEN);
  ck_assert_str_eq(d.causes[0].text,
                   "IPv6 path broken (IPv4 works): [2001:db8::10]:443: timed "
                   "out connecting (no answer to SYN: filtered?) (HTTPS, 2 "
                   "targets)");
  ep_diagnosis_free(&d);
}
END_TEST

/* Every HTTPS target failing the same way: one cause; and the checklist's
 * first line and items say it so. */
START_TEST(all_the_same_and_the_checklist)
{
  struct ep_check_result *dns = check("dns", "2 names resolved");
  struct ep_check_result *https = check("https", "x");
  struct ep_config        cfg;
  struct ep_checklist     cl;
  struct ep_err           err = EP_ERR_INIT;

  target(dns, "a.example", EP_STATE_OK, NULL, NULL, NULL, "a resolved");
  target(dns, "b.example", EP_STATE_OK, NULL, NULL, NULL, "b resolved");
  target(https, "a.example", EP_STATE_CRITICAL, EP_CAUSE_TLS_INTERCEPTION,
         "a.example", "TLS interception suspected (issuer: CN=Plant CA)",
         "a.example (192.0.2.1): TLS interception suspected (issuer: "
         "CN=Plant CA)");
  target(https, "b.example", EP_STATE_CRITICAL, EP_CAUSE_TLS_INTERCEPTION,
         "b.example", "TLS interception suspected (issuer: CN=Plant CA)",
         "b.example (192.0.2.2): TLS interception suspected (issuer: "
         "CN=Plant CA)");
  ep_config_init(&cfg);
  ck_assert_int_eq(ep_checklist_build(&run, &cfg, &cl, &err), EP_OK);
  ck_assert_int_eq(cl.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(cl.summary, "all 2 HTTPS targets: TLS interception "
                               "suspected (issuer: CN=Plant CA)");
  ck_assert_uint_eq(cl.n_items, 3);
  ck_assert_str_eq(cl.items[0].id, "dns");
  ck_assert_int_eq(cl.items[0].state, EP_STATE_OK);
  ck_assert_str_eq(cl.items[0].text, "2 names resolved");
  ck_assert_str_eq(cl.items[1].id, "https");
  ck_assert_str_eq(cl.items[1].text,
                   "a.example (192.0.2.1): TLS interception suspected "
                   "(issuer: CN=Plant CA) (2 of 2 failing)");
  ck_assert_str_eq(cl.items[2].id, "tls_inspection");
  ck_assert_int_eq(cl.items[2].state, EP_STATE_CRITICAL);
  ck_assert_str_eq(cl.items[2].text,
                   "a.example (192.0.2.1): TLS interception suspected "
                   "(issuer: CN=Plant CA) (2 of 2 certificate chains)");
  ep_checklist_free(&cl);
  ep_config_cleanup(&cfg);
}
END_TEST

/* A check whose failures no rule explains speaks with its own first line
 * (it already names what they share). */
START_TEST(symptom_in_the_checks_words)
{
  struct ep_check_result *dns = check("dns",
                                      "8.8.4.4 not answering");
  struct ep_diagnosis     d;

  target(dns, "a.example", EP_STATE_WARNING, EP_CAUSE_DNS_SILENT, NULL, NULL,
         "a.example resolved to 192.0.2.1 via 8.8.8.8; 8.8.4.4 did not "
         "answer");
  target(dns, "b.example", EP_STATE_WARNING, EP_CAUSE_DNS_SILENT, NULL, NULL,
         "b.example resolved ...");
  diagnose(&d, NULL);
  ck_assert_uint_eq(d.n, 1);
  ck_assert_str_eq(d.causes[0].text, "8.8.4.4 not answering");
  ck_assert_int_eq(d.causes[0].state, EP_STATE_WARNING);
  ck_assert(!d.causes[0].rule);
  ep_diagnosis_free(&d);
}
END_TEST

START_TEST(all_well)
{
  struct ep_check_result *dns = check("dns", "1 name");
  struct ep_check_result *nats = check("nats", "ok");
  struct ep_config        cfg;
  struct ep_checklist     cl;
  struct ep_err           err = EP_ERR_INIT;

  target(dns, "a.example", EP_STATE_OK, NULL, NULL, NULL, "a resolved");
  target(nats, "192.0.2.1:7422", EP_STATE_OK, NULL, NULL, NULL, "PONG");
  ep_config_init(&cfg);
  ck_assert_int_eq(ep_checklist_build(&run, &cfg, &cl, &err), EP_OK);
  ck_assert_int_eq(cl.state, EP_STATE_OK);
  ck_assert_str_eq(cl.summary, "every item of the checklist OK: 1 name "
                               "resolves, 1 NATS endpoint answers");
  ck_assert_uint_eq(cl.diag.n, 0);
  ep_checklist_free(&cl);
  ep_config_cleanup(&cfg);
}
END_TEST

static Suite *
diagnosis_suite(void)
{
  Suite *s = suite_create("diagnosis");
  TCase *tc = tcase_create("rules");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, no_network);
  tcase_add_test(tc, no_resolver);
  tcase_add_test(tc, one_name);
  tcase_add_test(tc, rewriting_resolvers);
  tcase_add_test(tc, rewriting_resolver_alone);
  tcase_add_test(tc, clock_far_off);
  tcase_add_test(tc, clock_far_off_and_undisciplined);
  tcase_add_test(tc, clock_close_explains_nothing);
  tcase_add_test(tc, proxy_refuses);
  tcase_add_test(tc, port_blocked);
  tcase_add_test(tc, ipv6_broken_said_once);
  tcase_add_test(tc, all_the_same_and_the_checklist);
  tcase_add_test(tc, symptom_in_the_checks_words);
  tcase_add_test(tc, all_well);
  tcase_add_test(tc, link_down_explains_timeouts);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(diagnosis_suite)
