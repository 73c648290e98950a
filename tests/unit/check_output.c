/* Unit tests for ep_result and ep_output: states and their order, numbers
 * as perfdata wants them, and the Monitoring Plugins and JSON renderings of
 * one result tree, as exact text. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ep_output.h"
#include "ep_range.h"
#include "ep_result.h"

/* --- states --- */

START_TEST(state_names)
{
  ck_assert_str_eq(ep_state_str(EP_STATE_OK), "OK");
  ck_assert_str_eq(ep_state_str(EP_STATE_WARNING), "WARNING");
  ck_assert_str_eq(ep_state_str(EP_STATE_CRITICAL), "CRITICAL");
  ck_assert_str_eq(ep_state_str(EP_STATE_UNKNOWN), "UNKNOWN");
  ck_assert_int_eq(EP_STATE_OK, 0);
  ck_assert_int_eq(EP_STATE_WARNING, 1);
  ck_assert_int_eq(EP_STATE_CRITICAL, 2);
  ck_assert_int_eq(EP_STATE_UNKNOWN, 3);
}
END_TEST

START_TEST(state_worse_order)
{
  /* CRITICAL > WARNING > UNKNOWN > OK */
  static const enum ep_state order[] = {EP_STATE_OK, EP_STATE_UNKNOWN,
                                        EP_STATE_WARNING, EP_STATE_CRITICAL};
  size_t i, j;

  for (i = 0; i < 4; i++) {
    for (j = 0; j < 4; j++) {
      enum ep_state want = order[i > j ? i : j];

      ck_assert_msg(ep_state_worse(order[i], order[j]) == want,
                    "worse(%s, %s) should be %s", ep_state_str(order[i]),
                    ep_state_str(order[j]), ep_state_str(want));
    }
  }
}
END_TEST

START_TEST(state_from_ranges)
{
  struct ep_range warn, crit, unset;
  struct ep_err   err = EP_ERR_INIT;

  ck_assert_int_eq(ep_range_parse(&warn, "0.5", "-w", &err), EP_OK);
  ck_assert_int_eq(ep_range_parse(&crit, "2", "-c", &err), EP_OK);
  ck_assert_int_eq(ep_range_parse(&unset, NULL, "-c", &err), EP_OK);
  ck_assert_int_eq(ep_state_from_ranges(0, &warn, &crit), EP_STATE_OK);
  ck_assert_int_eq(ep_state_from_ranges(0.5, &warn, &crit), EP_STATE_OK);
  ck_assert_int_eq(ep_state_from_ranges(0.5001, &warn, &crit),
                   EP_STATE_WARNING);
  ck_assert_int_eq(ep_state_from_ranges(2, &warn, &crit), EP_STATE_WARNING);
  ck_assert_int_eq(ep_state_from_ranges(2.0001, &warn, &crit),
                   EP_STATE_CRITICAL);
  /* below both ranges' start of 0: critical wins */
  ck_assert_int_eq(ep_state_from_ranges(-1, &warn, &crit), EP_STATE_CRITICAL);
  ck_assert_int_eq(ep_state_from_ranges(100, NULL, NULL), EP_STATE_OK);
  ck_assert_int_eq(ep_state_from_ranges(100, &warn, NULL), EP_STATE_WARNING);
  ck_assert_int_eq(ep_state_from_ranges(100, NULL, &crit), EP_STATE_CRITICAL);
  ck_assert_int_eq(ep_state_from_ranges(100, &unset, &unset), EP_STATE_OK);
}
END_TEST

/* An NTP-like result: a target per address, the host naming the pool. */
static void
address_target(struct ep_check_result *c, const char *name, const char *host,
               enum ep_state st, bool measured, double delay)
{
  struct ep_target_result *t = ep_check_result_add(c, name, NULL);

  ck_assert_ptr_nonnull(t);
  t->state = st;
  t->cause = st == EP_STATE_OK ? NULL : "ntp.silent";
  if (host)
    ck_assert_int_eq(ep_target_set_host(t, host), EP_OK);
  ck_assert_int_eq(ep_target_set_text(t, "%s text", name), EP_OK);
  ck_assert_int_eq(ep_target_add_perf(
                     t,
                     &(struct ep_figure){.figure = "delay",
                                         .instance = name,
                                         .unit = EP_UNIT_SECONDS,
                                         .label = name},
                     measured, delay),
                   EP_OK);
}

START_TEST(result_by_host_keeps_a_target_per_server)
{
  struct ep_check_result c, by;

  ep_check_result_init(&c);
  ep_check_result_init(&by);
  c.check = strdup("ntp");
  c.ran = true;
  address_target(&c, "pool.example 10.0.0.1", "pool.example", EP_STATE_CRITICAL,
                 false, 0);
  address_target(&c, "10.9.9.9", NULL, EP_STATE_OK, true, 0.002);
  address_target(&c, "pool.example 10.0.0.2", "pool.example", EP_STATE_OK, true,
                 0.030);
  address_target(&c, "pool.example 10.0.0.3", "pool.example", EP_STATE_WARNING,
                 true, 0.010);
  address_target(&c, "dead.example 10.1.0.1", "dead.example", EP_STATE_CRITICAL,
                 false, 0);
  address_target(&c, "dead.example 10.1.0.2", "dead.example", EP_STATE_UNKNOWN,
                 false, 0);
  ck_assert_int_eq(ep_check_result_by_host(&c, "delay", &by), EP_OK);
  ck_assert_uint_eq(by.n_targets, 3);
  ck_assert(by.ran);
  ck_assert_str_eq(by.check, "ntp");
  /* The pool: its address with the shortest delay, named after it. */
  ck_assert_str_eq(by.targets[0].name, "pool.example");
  ck_assert_int_eq(by.targets[0].state, EP_STATE_WARNING);
  ck_assert_str_eq(by.targets[0].text, "pool.example 10.0.0.3 text");
  ck_assert_str_eq(ep_target_lowest_instance(&by.targets[0], "delay"),
                   "pool.example 10.0.0.3");
  ck_assert_str_eq(by.targets[1].name, "10.9.9.9");
  /* Nothing measured: the first address speaks for the server. */
  ck_assert_str_eq(by.targets[2].name, "dead.example");
  ck_assert_int_eq(by.targets[2].state, EP_STATE_CRITICAL);
  ck_assert_str_eq(by.targets[2].cause, "ntp.silent");
  ck_assert_ptr_null(ep_target_lowest_instance(&by.targets[2], "delay"));
  ep_check_result_cleanup(&by);
  ep_check_result_init(&by);
  /* A result already by server copies as it is. */
  {
    struct ep_check_result again;

    ep_check_result_init(&again);
    ck_assert_int_eq(ep_check_result_by_host(&c, "delay", &by), EP_OK);
    ck_assert_int_eq(ep_check_result_by_host(&by, "delay", &again), EP_OK);
    ck_assert_uint_eq(again.n_targets, 3);
    ck_assert_str_eq(again.targets[0].text, "pool.example 10.0.0.3 text");
    ep_check_result_cleanup(&again);
  }
  ep_check_result_cleanup(&by);
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(result_settle_takes_worst)
{
  struct ep_check_result   c;
  struct ep_target_result *t;
  struct ep_err            err = EP_ERR_INIT;

  ep_check_result_init(&c);
  ep_check_result_settle(&c);
  ck_assert_int_eq(c.state, EP_STATE_OK);
  t = ep_check_result_add(&c, "a", &err);
  ck_assert_ptr_nonnull(t);
  ck_assert_int_eq(t->state, EP_STATE_OK);
  ck_assert_ptr_nonnull(t->data);
  ck_assert_ptr_null(t->text);
  t->state = EP_STATE_UNKNOWN;
  t = ep_check_result_add(&c, "b", &err);
  t->state = EP_STATE_WARNING;
  t = ep_check_result_add(&c, "c", &err);
  ck_assert_uint_eq(c.n_targets, 3);
  ck_assert_str_eq(c.targets[0].name, "a");
  ep_check_result_settle(&c);
  ck_assert_int_eq(c.state, EP_STATE_WARNING);
  c.targets[2].state = EP_STATE_CRITICAL;
  ep_check_result_settle(&c);
  ck_assert_int_eq(c.state, EP_STATE_CRITICAL);
  ep_check_result_cleanup(&c);
  ck_assert_uint_eq(c.n_targets, 0);
  ck_assert_ptr_null(c.targets);
}
END_TEST

/* --- numbers --- */

struct num_case {
  double      v;
  const char *text;
};

static const struct num_case num_cases[] = {
  {0.0023, "0.0023"},     {15, "15"},           {-2.5, "-2.5"},
  {1e-7, "0"},            {-1e-7, "0"},         {0.1234567, "0.123457"},
  {0, "0"},               {0.5, "0.5"},         {100, "100"},
  {1e15, "1000000000000000"}, {12.3456789, "12.345679"}, {-0.000001, "-0.000001"},
  {0.012, "0.012"},       {3600, "3600"},
};

START_TEST(format_number)
{
  char out[64];

  ep_format_number(out, sizeof out, num_cases[_i].v);
  ck_assert_str_eq(out, num_cases[_i].text);
}
END_TEST

START_TEST(format_number_not_finite)
{
  char out[64];

  ep_format_number(out, sizeof out, NAN);
  ck_assert_str_eq(out, "U");
  ep_format_number(out, sizeof out, INFINITY);
  ck_assert_str_eq(out, "U");
}
END_TEST

/* --- rendering --- */

/* Two targets, one fine and measured, one CRITICAL and unmeasured. */
static void
build_two(struct ep_check_result *c)
{
  struct ep_range          warn, crit;
  struct ep_err            err = EP_ERR_INIT;
  struct ep_target_result *t;
  const double             zero = 0;

  ck_assert_int_eq(ep_range_parse(&warn, "0.5", "-w", &err), EP_OK);
  ck_assert_int_eq(ep_range_parse(&crit, "2", "-c", &err), EP_OK);
  ep_check_result_init(c);
  c->check = strdup("dns");
  c->summary = strdup("b.example NXDOMAIN from 8.8.8.8 (1 of 2 names fine)");
  t = ep_check_result_add(c, "a.example", &err);
  ck_assert_ptr_nonnull(t);
  ck_assert_int_eq(ep_target_set_text(t, "%s resolved to %s via %s in %ss",
                                      "a.example", "192.0.2.1", "8.8.8.8",
                                      "0.0023"),
                   EP_OK);
  ck_assert_int_eq(ep_target_add_perf(t,
                                      &(struct ep_figure){
                                        .figure = "response_time",
                                        .unit = EP_UNIT_SECONDS,
                                        .label = "a.example",
                                        .warn = &warn,
                                        .crit = &crit,
                                        .min = &zero},
                                      true, 0.0023),
                   EP_OK);
  json_object_object_add(t->data, "response_time", json_object_new_double(0.0023));
  t = ep_check_result_add(c, "b.example", &err);
  ck_assert_ptr_nonnull(t);
  t->state = EP_STATE_CRITICAL;
  ck_assert_int_eq(ep_target_set_text(t, "b.example NXDOMAIN from 8.8.8.8"),
                   EP_OK);
  ck_assert_int_eq(ep_target_add_perf(t,
                                      &(struct ep_figure){
                                        .figure = "response_time",
                                        .unit = EP_UNIT_SECONDS,
                                        .label = "b.example",
                                        .warn = &warn,
                                        .crit = &crit,
                                        .min = &zero},
                                      false, 123),
                   EP_OK);
  ep_check_result_settle(c);
}

START_TEST(nagios_two_targets)
{
  struct ep_check_result c;
  struct ep_err          err = EP_ERR_INIT;
  char                  *out;

  build_two(&c);
  ck_assert_int_eq(c.state, EP_STATE_CRITICAL);
  out = ep_format_nagios(&c, "DNS", 0, &err);
  ck_assert_ptr_nonnull(out);
  ck_assert_str_eq(out,
                   "EDGE DNS CRITICAL - b.example NXDOMAIN from 8.8.8.8 (1 of 2 "
                   "names fine) | 'a.example'=0.0023s;0.5;2;0 "
                   "'b.example'=U;0.5;2;0\n"
                   "[OK] a.example resolved to 192.0.2.1 via 8.8.8.8 in "
                   "0.0023s\n"
                   "[CRITICAL] b.example NXDOMAIN from 8.8.8.8\n");
  free(out);
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(nagios_verbose_details)
{
  struct ep_check_result c;
  struct ep_err          err = EP_ERR_INIT;
  char                  *out;

  build_two(&c);
  ck_assert_int_eq(ep_target_add_detail(&c.targets[0], "8.8.8.8: %s in %ss",
                                        "answered", "0.0023"),
                   EP_OK);
  ck_assert_int_eq(ep_target_add_detail(&c.targets[0], "8.8.4.4: a | b"),
                   EP_OK);
  ck_assert_str_eq(c.targets[0].detail,
                   "8.8.8.8: answered in 0.0023s\n8.8.4.4: a | b");
  /* without -v the details stay out */
  out = ep_format_nagios(&c, "DNS", 0, &err);
  ck_assert_ptr_nonnull(out);
  ck_assert_ptr_null(strstr(out, "answered"));
  free(out);
  out = ep_format_nagios(&c, "DNS", 1, &err);
  ck_assert_ptr_nonnull(out);
  ck_assert_str_eq(out,
                   "EDGE DNS CRITICAL - b.example NXDOMAIN from 8.8.8.8 (1 of 2 "
                   "names fine) | 'a.example'=0.0023s;0.5;2;0 "
                   "'b.example'=U;0.5;2;0\n"
                   "[OK] a.example resolved to 192.0.2.1 via 8.8.8.8 in "
                   "0.0023s\n"
                   "    8.8.8.8: answered in 0.0023s\n"
                   "    8.8.4.4: a / b\n"
                   "[CRITICAL] b.example NXDOMAIN from 8.8.8.8\n");
  free(out);
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(nagios_text_cannot_break_the_format)
{
  struct ep_check_result   c;
  struct ep_target_result *t;
  struct ep_err            err = EP_ERR_INIT;
  char                    *out;

  ep_check_result_init(&c);
  c.check = strdup("dns");
  c.summary = strdup("a|b\nc");
  c.state = EP_STATE_WARNING;
  t = ep_check_result_add(&c, "x", &err);
  t->state = EP_STATE_WARNING;
  ck_assert_int_eq(ep_target_set_text(t, "pipe | here\tand\r\nthere"), EP_OK);
  out = ep_format_nagios(&c, "DNS", 0, &err);
  ck_assert_ptr_nonnull(out);
  ck_assert_str_eq(out, "EDGE DNS WARNING - a/b c\n"
                        "[WARNING] pipe / here and  there\n");
  free(out);
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(nagios_label_quoting)
{
  struct ep_check_result   c;
  struct ep_target_result *t;
  struct ep_err            err = EP_ERR_INIT;
  const double             min = 0, max = 100;
  char                    *out;

  ep_check_result_init(&c);
  c.check = strdup("ntp");
  c.summary = strdup("fine");
  t = ep_check_result_add(&c, "n", &err);
  ck_assert_int_eq(ep_target_add_perf(t,
                                      &(struct ep_figure){.figure = "count",
                                                          .unit =
                                                            EP_UNIT_COUNT,
                                                          .label = "a=b'c d"},
                                      true, 15),
                   EP_OK);
  ck_assert_int_eq(ep_target_add_perf(t,
                                      &(struct ep_figure){.figure = "pct",
                                                          .unit =
                                                            EP_UNIT_PERCENT,
                                                          .label = "pct",
                                                          .min = &min,
                                                          .max = &max},
                                      true, 42.5),
                   EP_OK);
  ck_assert_int_eq(ep_target_add_perf(t,
                                      &(struct ep_figure){.figure = "cap",
                                                          .unit =
                                                            EP_UNIT_BYTES,
                                                          .label = "cap",
                                                          .max = &max},
                                      true, -2.5),
                   EP_OK);
  out = ep_format_nagios(&c, "NTP", 0, &err);
  ck_assert_ptr_nonnull(out);
  ck_assert_str_eq(out, "EDGE NTP OK - fine | 'a_b_c d'=15;; 'pct'=42.5%;;;0;100 "
                        "'cap'=-2.5B;;;;100\n"
                        "[OK] n\n");
  free(out);
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(nagios_without_perfdata)
{
  struct ep_check_result c;
  struct ep_err          err = EP_ERR_INIT;
  char                  *out;

  ep_check_result_init(&c);
  c.check = strdup("dns");
  c.summary = strdup("no names to resolve");
  c.state = EP_STATE_UNKNOWN;
  out = ep_format_nagios(&c, "DNS", 0, &err);
  ck_assert_ptr_nonnull(out);
  ck_assert_str_eq(out, "EDGE DNS UNKNOWN - no names to resolve\n");
  free(out);
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(json_document)
{
  struct ep_check_result c;
  struct ep_err          err = EP_ERR_INIT;
  char                  *out;
  json_object           *doc, *v, *targets, *t, *perf, *p, *d;

  build_two(&c);
  out = ep_format_json(&c, &err);
  ck_assert_ptr_nonnull(out);
  /* one line, newline-terminated */
  ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
  doc = json_tokener_parse(out);
  ck_assert_ptr_nonnull(doc);
  ck_assert(json_object_object_get_ex(doc, "check", &v));
  ck_assert_str_eq(json_object_get_string(v), "dns");
  ck_assert(json_object_object_get_ex(doc, "state", &v));
  ck_assert_str_eq(json_object_get_string(v), "CRITICAL");
  ck_assert(json_object_object_get_ex(doc, "exit_code", &v));
  ck_assert(json_object_is_type(v, json_type_int));
  ck_assert_int_eq(json_object_get_int(v), 2);
  ck_assert(json_object_object_get_ex(doc, "summary", &v));
  ck_assert_str_eq(json_object_get_string(v),
                   "b.example NXDOMAIN from 8.8.8.8 (1 of 2 names fine)");
  ck_assert(json_object_object_get_ex(doc, "targets", &targets));
  ck_assert_uint_eq(json_object_array_length(targets), 2);

  t = json_object_array_get_idx(targets, 0);
  ck_assert(json_object_object_get_ex(t, "name", &v));
  ck_assert_str_eq(json_object_get_string(v), "a.example");
  ck_assert(json_object_object_get_ex(t, "state", &v));
  ck_assert_str_eq(json_object_get_string(v), "OK");
  ck_assert(json_object_object_get_ex(t, "text", &v));
  ck_assert_str_eq(json_object_get_string(v),
                   "a.example resolved to 192.0.2.1 via 8.8.8.8 in 0.0023s");
  ck_assert(json_object_object_get_ex(t, "perfdata", &perf));
  ck_assert_uint_eq(json_object_array_length(perf), 1);
  p = json_object_array_get_idx(perf, 0);
  ck_assert(json_object_object_get_ex(p, "label", &v));
  ck_assert_str_eq(json_object_get_string(v), "a.example");
  ck_assert(json_object_object_get_ex(p, "value", &v));
  ck_assert_ptr_nonnull(v);
  ck_assert_double_eq_tol(json_object_get_double(v), 0.0023, 1e-12);
  ck_assert(json_object_object_get_ex(p, "uom", &v));
  ck_assert_str_eq(json_object_get_string(v), "s");
  ck_assert(json_object_object_get_ex(p, "warning", &v));
  ck_assert_str_eq(json_object_get_string(v), "0.5");
  ck_assert(json_object_object_get_ex(p, "critical", &v));
  ck_assert_str_eq(json_object_get_string(v), "2");
  ck_assert(json_object_object_get_ex(p, "min", &v));
  ck_assert_double_eq(json_object_get_double(v), 0);
  /* every member is there, null when unknown */
  ck_assert(json_object_object_get_ex(p, "max", &v));
  ck_assert_ptr_null(v);
  ck_assert(json_object_object_get_ex(p, "figure", &v));
  ck_assert_str_eq(json_object_get_string(v), "response_time");
  ck_assert(json_object_object_get_ex(p, "unit", &v));
  ck_assert_str_eq(json_object_get_string(v), "seconds");
  ck_assert(json_object_object_get_ex(p, "instance", &v));
  ck_assert_ptr_null(v);
  ck_assert(json_object_object_get_ex(t, "cause", &v));
  ck_assert_ptr_null(v);
  ck_assert(json_object_object_get_ex(doc, "schema_version", &v));
  ck_assert_int_eq(json_object_get_int(v), EP_JSON_SCHEMA_VERSION);
  ck_assert(json_object_object_get_ex(doc, "edgeprobe_version", &v));
  ck_assert_str_eq(json_object_get_string(v), PACKAGE_VERSION);
  ck_assert(json_object_object_get_ex(doc, "time", &v));
  ck_assert_ptr_null(v); /* this result never ran */
  ck_assert(json_object_object_get_ex(t, "details", &d));
  ck_assert(json_object_object_get_ex(d, "response_time", &v));
  ck_assert_double_eq_tol(json_object_get_double(v), 0.0023, 1e-12);

  t = json_object_array_get_idx(targets, 1);
  ck_assert(json_object_object_get_ex(t, "state", &v));
  ck_assert_str_eq(json_object_get_string(v), "CRITICAL");
  ck_assert(json_object_object_get_ex(t, "perfdata", &perf));
  p = json_object_array_get_idx(perf, 0);
  /* unmeasured: the member is there, and null */
  ck_assert(json_object_object_get_ex(p, "value", &v));
  ck_assert_ptr_null(v);
  json_object_put(doc);
  free(out);
  ep_check_result_cleanup(&c);
}
END_TEST

START_TEST(json_escapes_text)
{
  struct ep_check_result c;
  struct ep_err          err = EP_ERR_INIT;
  char                  *out;
  json_object           *doc, *v;

  ep_check_result_init(&c);
  c.check = strdup("dns");
  c.summary = strdup("quote \" slash / pipe | newline \n end");
  c.state = EP_STATE_UNKNOWN;
  out = ep_format_json(&c, &err);
  ck_assert_ptr_nonnull(out);
  ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
  doc = json_tokener_parse(out);
  ck_assert_ptr_nonnull(doc);
  ck_assert(json_object_object_get_ex(doc, "summary", &v));
  ck_assert_str_eq(json_object_get_string(v),
                   "quote \" slash / pipe | newline \n end");
  ck_assert(json_object_object_get_ex(doc, "exit_code", &v));
  ck_assert_int_eq(json_object_get_int(v), 3);
  ck_assert(json_object_object_get_ex(doc, "targets", &v));
  ck_assert_uint_eq(json_object_array_length(v), 0);
  json_object_put(doc);
  free(out);
  ep_check_result_cleanup(&c);
}
END_TEST

/* A result that never got a check name (a run that failed early) must
 * still render, not crash. */
START_TEST(json_without_check_name)
{
  struct ep_check_result c;
  struct ep_err          err = EP_ERR_INIT;
  char                  *out;
  json_object           *doc, *v;

  ep_check_result_init(&c);
  c.state = EP_STATE_UNKNOWN;
  out = ep_format_json(&c, &err);
  ck_assert_ptr_nonnull(out);
  doc = json_tokener_parse(out);
  ck_assert_ptr_nonnull(doc);
  ck_assert(json_object_object_get_ex(doc, "state", &v));
  ck_assert_str_eq(json_object_get_string(v), "UNKNOWN");
  json_object_put(doc);
  free(out);
  ep_check_result_cleanup(&c);
}
END_TEST

static Suite *
output_suite(void)
{
  Suite *s = suite_create("output");
  TCase *tr = tcase_create("result");
  TCase *to = tcase_create("output");

  tcase_add_test(tr, state_names);
  tcase_add_test(tr, state_worse_order);
  tcase_add_test(tr, state_from_ranges);
  tcase_add_test(tr, result_settle_takes_worst);
  tcase_add_test(tr, result_by_host_keeps_a_target_per_server);
  suite_add_tcase(s, tr);

  tcase_add_loop_test(to, format_number, 0,
                      (int)(sizeof num_cases / sizeof num_cases[0]));
  tcase_add_test(to, format_number_not_finite);
  tcase_add_test(to, nagios_two_targets);
  tcase_add_test(to, nagios_verbose_details);
  tcase_add_test(to, nagios_text_cannot_break_the_format);
  tcase_add_test(to, nagios_label_quoting);
  tcase_add_test(to, nagios_without_perfdata);
  tcase_add_test(to, json_document);
  tcase_add_test(to, json_escapes_text);
  tcase_add_test(to, json_without_check_name);
  suite_add_tcase(s, to);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(output_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
