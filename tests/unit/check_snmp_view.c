/* Unit tests for the SNMP view (snmp/ep_snmp_view): results made by hand,
 * as the probes leave them, become EDGEPROBE-MIB's instances in OID
 * order, with the MIB's units; GET and GETNEXT find what snmpd's
 * requests name. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "ep_sections.h"
#include "ep_snmp_view.h"
#include "ep_json.h"
#include "ep_unit.h"
#include "ep_unit_run.h"

#define OBJ(...)                                                               \
  (const ep_oid[]){EP_MIB_ROOT, EP_MIB_OBJECTS, __VA_ARGS__},                  \
    EP_MIB_ROOT_LEN + 1 +                                                      \
      sizeof((ep_oid[]){__VA_ARGS__}) / sizeof(ep_oid)

static struct ep_run_result   run;
static struct ep_checklist    checklist;
static struct ep_state_memory states;
static struct ep_snmp_view    view;

static void
setup(void)
{
  ep_unit_run_init(&run);
  memset(&checklist, 0, sizeof checklist);
  ep_state_memory_init(&states);
  memset(&view, 0, sizeof view);
  run.started.tv_sec = 1796137253; /* 2026-12-01 15:00:53 UTC */
  run.started.tv_nsec = 250000000;
  run.seconds = 0.3125;
}

static void
teardown(void)
{
  ep_snmp_view_free(&view);
  ep_state_memory_free(&states);
  ep_run_result_cleanup(&run);
}

static struct ep_check_result *
check(const char *name)
{
  size_t k = ep_unit_slot(name);

  run.checks[k].ran = true;
  run.checks[k].check = strdup(name);
  return &run.checks[k];
}

static struct ep_target_result *
target(struct ep_check_result *c, const char *name, enum ep_state state)
{
  struct ep_target_result *t = ep_check_result_add(c, name, NULL);

  ck_assert_ptr_nonnull(t);
  t->state = state;
  ck_assert_int_eq(ep_target_set_text(t, "%s text", name), EP_OK);
  return t;
}

static void
figure(struct ep_target_result *t, const char *fig, const char *instance,
       bool measured, double v)
{
  ck_assert_int_eq(ep_target_add_perf(
                     t,
                     &(struct ep_figure){.figure = fig,
                                         .instance = instance,
                                         .unit = EP_UNIT_SECONDS,
                                         .label = fig},
                     measured, v),
                   EP_OK);
}

/* The view of the run, told by source_profile (or not) which checks
 * need each DNS name. */
static void
build_from(const struct ep_profile *source_profile)
{
  struct ep_snmp_view_input in = {.version = "9.9.9",
                                  .profile = "standard",
                                  .interval = 60,
                                  .runs = 7,
                                  .run = &run,
                                  .checklist = &checklist,
                                  .states = &states,
                                  .source_profile = source_profile};
  size_t                    k;

  for (k = 0; k < run.n; k++)
    if (run.checks[k].ran)
      ep_state_memory_update(&states, &run.checks[k], &run.started, NULL,
                             NULL);
  ck_assert_int_eq(ep_snmp_view_build(&view, &in, NULL), EP_OK);
}

static void
build(void)
{
  build_from(NULL);
}

static const struct ep_snmp_value *
get(const ep_oid *oid, size_t len)
{
  return ep_snmp_view_get(&view, oid, len);
}

static int64_t
number(const ep_oid *oid, size_t len)
{
  const struct ep_snmp_value *v = get(oid, len);

  ck_assert_ptr_nonnull(v);
  ck_assert_int_ne(v->type, EP_SNMP_OCTETS);
  return v->number;
}

static void
ck_text(const ep_oid *oid, size_t len, const char *want)
{
  const struct ep_snmp_value *v = get(oid, len);

  ck_assert_ptr_nonnull(v);
  ck_assert_int_eq(v->type, EP_SNMP_OCTETS);
  ck_assert_uint_eq(v->len, strlen(want));
  ck_assert(memcmp(v->octets, want, v->len) == 0);
}

START_TEST(figures_in_the_mibs_units_and_order)
{
  struct ep_check_result  *ntp = check("ntp");
  struct ep_check_result  *dns = check("dns");
  struct ep_target_result *t;
  size_t                   i;

  t = target(dns, "api.example.com", EP_STATE_OK);
  figure(t, "response_time", NULL, true, 0.3017584);
  t = target(dns, "gone.example.com", EP_STATE_CRITICAL);
  t->cause = "dns.nxdomain";
  figure(t, "response_time", NULL, false, 0);
  /* A pool: the address with the shortest delay stands for the server. */
  t = target(ntp, "pool.ntp.org", EP_STATE_OK);
  figure(t, "offset", "10.0.0.1", true, 0.5);
  figure(t, "delay", "10.0.0.1", true, 0.020);
  figure(t, "offset", "10.0.0.2", true, -0.0021);
  figure(t, "delay", "10.0.0.2", true, 0.004);
  figure(t, "stratum", "10.0.0.2", true, 2);
  figure(t, "drift", "10.0.0.2", true, -12.3456);
  t = target(ntp, "far.example", EP_STATE_CRITICAL);
  figure(t, "offset", "10.0.0.3", true, 31536000.0); /* a year ahead */
  figure(t, "delay", "10.0.0.3", true, 0.001);
  figure(t, "stratum", "10.0.0.3", true, 99);
  checklist.state = EP_STATE_CRITICAL;
  snprintf(checklist.summary, sizeof checklist.summary, "gone.example.com "
                                                        "does not resolve");
  checklist.diag.n = 1;
  checklist.diag.causes[0].code = "dns.nxdomain";
  build();

  for (i = 1; i < view.n; i++) {
    const struct ep_snmp_value *a = &view.v[i - 1], *b = &view.v[i];
    size_t                      j = 0;

    while (j < a->oid_len && j < b->oid_len && a->oid[j] == b->oid[j])
      j++;
    /* a before b: a is a proper prefix of b, or smaller where they differ. */
    ck_assert_msg(j < b->oid_len && (j == a->oid_len || a->oid[j] < b->oid[j]),
                  "instances %zu and %zu out of order", i - 1, i);
  }
  ck_text(OBJ(1, EP_MIB_VERSION, 0), "9.9.9");
  ck_text(OBJ(1, EP_MIB_PROFILE, 0), "standard");
  ck_assert_int_eq(number(OBJ(1, EP_MIB_OVERALL_STATE, 0)), 2);
  ck_text(OBJ(1, EP_MIB_ROOT_CAUSE, 0), "gone.example.com does not resolve");
  ck_text(OBJ(1, EP_MIB_ROOT_CAUSE_CODE, 0), "dns.nxdomain");
  ck_assert_int_eq(number(OBJ(1, EP_MIB_LAST_RUN_DURATION, 0)), 313);
  ck_assert_int_eq(number(OBJ(1, EP_MIB_RUNS, 0)), 7);
  ck_assert_int_eq(get(OBJ(1, EP_MIB_RUNS, 0))->type, EP_SNMP_COUNTER);
  ck_assert_int_eq(number(OBJ(1, EP_MIB_INTERVAL, 0)), 60);
  /* epDnsTable: rows by position. */
  ck_text(OBJ(2, 1, 2, 1), "api.example.com");
  ck_text(OBJ(2, 1, 2, 2), "gone.example.com");
  ck_assert_int_eq(number(OBJ(2, 1, 3, 2)), 2);
  ck_text(OBJ(2, 1, 4, 1), "api.example.com text");
  ck_text(OBJ(2, 1, 5, 1), "");
  ck_text(OBJ(2, 1, 5, 2), "dns.nxdomain");
  ck_assert_int_eq(number(OBJ(2, 1, 7, 1)), 301758);
  ck_assert_int_eq(get(OBJ(2, 1, 7, 1))->type, EP_SNMP_UNSIGNED);
  ck_assert_ptr_null(get(OBJ(2, 1, 7, 2))); /* not measured: absent */
  ck_assert_ptr_null(get(OBJ(2, 1, 2, 3)));
  /* No profile told which checks need the names: no epDnsNeededBy. */
  ck_assert_ptr_null(get(OBJ(2, 1, 8, 1)));
  /* epNtpTable: signed microseconds, ppb, from the nearest address. */
  ck_assert_int_eq(number(OBJ(3, 1, 7, 1)), -2100);
  ck_assert_int_eq(number(OBJ(3, 1, 8, 1)), 4000);
  ck_assert_int_eq(number(OBJ(3, 1, 9, 1)), 2);
  ck_assert_int_eq(number(OBJ(3, 1, 10, 1)), -12346);
  ck_assert_int_eq(number(OBJ(3, 1, 7, 2)), 2147483647L);
  ck_assert_int_eq(number(OBJ(3, 1, 9, 2)), 16); /* a stratum over 16 */
  ck_assert_ptr_null(get(OBJ(3, 1, 10, 2)));
  /* No HTTPS or NATS run: no rows. */
  ck_assert_ptr_null(get(OBJ(4, 1, 2, 1)));
}
END_TEST

START_TEST(dates_are_utc_date_and_time)
{
  const struct ep_snmp_value *v;
  const unsigned char         want[] = {0x07, 0xEA, 12, 1, 15, 0, 53, 2,
                                        '+',  0,    0};

  check("nats");
  target(&run.checks[ep_unit_slot("nats")], "n:7422", EP_STATE_OK);
  build();
  v = get(OBJ(1, EP_MIB_LAST_RUN, 0));
  ck_assert_ptr_nonnull(v);
  ck_assert_uint_eq(v->len, EP_MIB_DATE_LEN);
  ck_assert(memcmp(v->octets, want, sizeof want) == 0);
  v = get(OBJ(5, 1, 6, 1));
  ck_assert_ptr_nonnull(v);
  ck_assert(memcmp(v->octets, want, sizeof want) == 0);
}
END_TEST

START_TEST(getnext_walks_the_module_and_leaves_it)
{
  const ep_oid                before[] = {1, 3, 6, 1, 4, 1, 8072};
  const ep_oid                after[] = {1, 3, 6, 1, 4, 1, 8073};
  const struct ep_snmp_value *v;

  check("dns");
  target(&run.checks[ep_unit_slot("dns")], "a.example", EP_STATE_OK);
  target(&run.checks[ep_unit_slot("dns")], "b.example", EP_STATE_OK);
  build();
  v = ep_snmp_view_next(&view, before, 7, false);
  ck_assert_ptr_eq(v, &view.v[0]); /* epVersion.0 */
  v = ep_snmp_view_next(&view, OBJ(2, 1, 2, 1), false);
  ck_assert_ptr_eq(v, get(OBJ(2, 1, 2, 2)));
  v = ep_snmp_view_next(&view, OBJ(2, 1, 2, 1), true);
  ck_assert_ptr_eq(v, get(OBJ(2, 1, 2, 1)));
  /* A column prefix finds its first row; past the last row, the next
   * column. */
  v = ep_snmp_view_next(&view, OBJ(2, 1, 3), false);
  ck_assert_ptr_eq(v, get(OBJ(2, 1, 3, 1)));
  v = ep_snmp_view_next(&view, OBJ(2, 1, 2, 9), false);
  ck_assert_ptr_eq(v, get(OBJ(2, 1, 3, 1)));
  ck_assert_ptr_null(ep_snmp_view_next(&view, after, 7, false));
  ck_assert_ptr_null(ep_snmp_view_next(&view, view.v[view.n - 1].oid,
                                       view.v[view.n - 1].oid_len, false));
}
END_TEST

START_TEST(dns_rows_say_which_checks_need_their_names)
{
  /* A name in several lists, in another case in one of them; literal
   * addresses and ports, which name nothing to resolve. */
  static const char text[] =
    "{\"dns\": {\"names\": [{\"name\": \"api.example.com\"}]},\n"
    " \"https\": {\"targets\": [\"API.example.com\", \"app.example.com:8443\",\n"
    "                         \"192.0.2.9\"]},\n"
    " \"ntp\": {\"servers\": [\"0.pool.ntp.org\", \"10.0.0.1\",\n"
    "                      \"app.example.com\"]},\n"
    " \"nats\": {\"targets\": [\"nats.example.com:7422\",\n"
    "                        \"app.example.com:7422\", \"52.24.16.63:7422\"]},\n"
    " \"proxy\": {\"url\": \"http://proxy.example.com:3128/\"}}\n";
  static const char *const want[][2] = {
    {"api.example.com", "dns,https"},    {"app.example.com", "ntp,https,nats"},
    {"0.pool.ntp.org", "ntp"},           {"nats.example.com", "nats"},
    {"proxy.example.com", "proxy"},
  };
  struct ep_err           err = EP_ERR_INIT;
  struct ep_profile      *p;
  struct ep_dns_name     *names;
  struct ep_check_result *dns = check("dns");
  size_t                  n, i;

  p = ep_profile_load_text(text, strlen(text), "site.json",
                           ep_profile_sections, &err);
  ck_assert_msg(p != NULL, "%s", err.msg);
  /* The rows as the dns check makes them: a target per name collected. */
  ck_assert_int_eq(ep_dns_collect_names(p, &names, &n, &err), EP_OK);
  ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
  for (i = 0; i < n; i++)
    target(dns, names[i].name, EP_STATE_OK);
  ep_dns_names_free(names, n);
  build_from(p);
  ep_profile_free(p); /* the view keeps nothing of it */

  for (i = 0; i < sizeof want / sizeof want[0]; i++) {
    ck_text(OBJ(2, 1, 2, i + 1), want[i][0]);
    ck_text(OBJ(2, 1, 8, i + 1), want[i][1]);
  }
  ck_assert_ptr_null(get(OBJ(2, 1, 8, 6)));
  /* A walk reaches the column after epDnsResponseTime; it ends the view. */
  ck_assert_ptr_eq(ep_snmp_view_next(&view, OBJ(2, 1, 7), false),
                   get(OBJ(2, 1, 8, 1)));
  ck_assert_ptr_eq(&view.v[view.n - 1], get(OBJ(2, 1, 8, 5)));
}
END_TEST

START_TEST(before_the_first_run)
{
  struct ep_snmp_view_input in = {.version = "1", .profile = "p",
                                  .interval = 0.5};

  ck_assert_int_eq(ep_snmp_view_build(&view, &in, NULL), EP_OK);
  ck_assert_int_eq(number(OBJ(1, EP_MIB_OVERALL_STATE, 0)), 3);
  ck_text(OBJ(1, EP_MIB_ROOT_CAUSE, 0), "no probe run has ended yet");
  ck_assert_ptr_null(get(OBJ(1, EP_MIB_LAST_RUN, 0)));
  ck_assert_int_eq(number(OBJ(1, EP_MIB_RUNS, 0)), 0);
  ck_assert_int_eq(number(OBJ(1, EP_MIB_INTERVAL, 0)), 1);
  ck_assert_uint_eq(view.n, 7);
}
END_TEST

START_TEST(text_is_ascii_cut_at_255_octets)
{
  char   text[400], out[EP_MIB_TEXT_MAX];
  size_t i;

  for (i = 0; i < 300; i++)
    text[i] = 'b';
  text[300] = '\0';
  ck_assert_uint_eq(ep_snmp_text(text, out), 255);
  ck_assert_uint_eq(ep_snmp_text("issuer: Caf\xc3\xa9\tCA", out), 16);
  ck_assert(memcmp(out, "issuer: Caf???CA", 16) == 0);
  ck_assert_int_eq(ep_snmp_check_number("https"), 3);
  ck_assert_int_eq(ep_snmp_check_number("tcp"), 0);
}
END_TEST

/* The uplink's link: words from its JSON "link" (a null is absent), its
 * radio's figures in signed hundredths and kilobits. */
START_TEST(uplink_link_columns)
{
  struct ep_check_result  *uplink = check("uplink");
  struct ep_target_result *t = target(uplink, "uplink", EP_STATE_WARNING);
  json_object             *link = json_object_new_object();
  json_object             *cell = json_object_new_object();

  ck_assert_int_eq(ep_json_put(cell, "operator",
                               json_object_new_string("Telekom.de")), EP_OK);
  ck_assert_int_eq(ep_json_put(link, "interface",
                               json_object_new_string("wwan0")), EP_OK);
  ck_assert_int_eq(ep_json_put_null(link, "gateway"), EP_OK);
  ck_assert_int_eq(ep_json_put(link, "cellular", cell), EP_OK);
  ck_assert_int_eq(ep_json_put(t->data, "link", link), EP_OK);
  figure(t, "rsrp", NULL, true, -95.5);
  figure(t, "tx_bitrate", NULL, true, 433.3e6);
  figure(t, "signal", NULL, true, -58);
  build();
  ck_text(OBJ(8, 1, 19, 1), "wwan0");
  ck_assert_ptr_null(get(OBJ(8, 1, 20, 1)));  /* no gateway */
  ck_assert_ptr_null(get(OBJ(8, 1, 21, 1)));  /* no kind said */
  ck_text(OBJ(8, 1, 32, 1), "Telekom.de");
  ck_assert_int_eq(number(OBJ(8, 1, 35, 1)), -9550);
  ck_assert_int_eq(get(OBJ(8, 1, 35, 1))->type, EP_SNMP_INTEGER);
  ck_assert_int_eq(number(OBJ(8, 1, 29, 1)), 433300);
  ck_assert_int_eq(number(OBJ(8, 1, 28, 1)), -58);
}
END_TEST

START_TEST(objects_and_instances)
{
  /* A missing instance of an object: noSuchInstance. */
  ck_assert(ep_snmp_is_object(OBJ(1, EP_MIB_VERSION, 0)));
  ck_assert(ep_snmp_is_object(OBJ(1, EP_MIB_INTERVAL, 0)));
  ck_assert(ep_snmp_is_object(OBJ(2, 1, 7, 9)));
  ck_assert(ep_snmp_is_object(OBJ(3, 1, 10, 1)));
  ck_assert(ep_snmp_is_object(OBJ(5, 1, 9, 3)));
  /* No such object: noSuchObject. */
  ck_assert(!ep_snmp_is_object(OBJ(1, EP_MIB_INTERVAL + 1, 0)));
  ck_assert(ep_snmp_is_object(OBJ(2, 1, 8, 1))); /* epDnsNeededBy */
  ck_assert(!ep_snmp_is_object(OBJ(2, 1, 9, 1)));
  ck_assert(!ep_snmp_is_object(OBJ(3, 1, 11, 1)));
  ck_assert(!ep_snmp_is_object(OBJ(2, 1, 1, 1))); /* the index */
  ck_assert(!ep_snmp_is_object(OBJ(EP_MIB_NOTIFY, 1, 0)));
  /* epMachineTable: the target column, the hello time; nothing past it */
  ck_assert(ep_snmp_is_object(OBJ(7, 1, 2, 1)));
  ck_assert(ep_snmp_is_object(OBJ(7, 1, 8, 1)));
  ck_assert(!ep_snmp_is_object(OBJ(7, 1, 9, 1)));
  /* epUplinkTable: the target column, the link's last; nothing past it */
  ck_assert(ep_snmp_is_object(OBJ(8, 1, 2, 1)));
  ck_assert(ep_snmp_is_object(OBJ(8, 1, 18, 1)));
  ck_assert(ep_snmp_is_object(OBJ(8, 1, 19, 1)));
  ck_assert(ep_snmp_is_object(OBJ(8, 1, 39, 1)));
  ck_assert(!ep_snmp_is_object(OBJ(8, 1, 40, 1)));
  ck_assert(!ep_snmp_is_object(OBJ(9, 1, 2, 1)));
  ck_assert(!ep_snmp_is_object(OBJ(2, 1)));
}
END_TEST

static Suite *
snmp_view_suite(void)
{
  Suite *s = suite_create("snmp_view");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, figures_in_the_mibs_units_and_order);
  tcase_add_test(tc, dates_are_utc_date_and_time);
  tcase_add_test(tc, getnext_walks_the_module_and_leaves_it);
  tcase_add_test(tc, dns_rows_say_which_checks_need_their_names);
  tcase_add_test(tc, before_the_first_run);
  tcase_add_test(tc, text_is_ascii_cut_at_255_octets);
  tcase_add_test(tc, objects_and_instances);
  tcase_add_test(tc, uplink_link_columns);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(snmp_view_suite)
