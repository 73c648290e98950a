/* Unit tests for ep_states: what a long-lived front end remembers of each
 * target between runs, and which changes it reports. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_states.h"
#include "ep_unit.h"

static struct ep_check_result result;
static struct ep_state_memory memory;
static char                   seen[1024];

static void
setup(void)
{
  ep_check_result_init(&result);
  result.check = strdup("nats");
  ep_state_memory_init(&memory);
  seen[0] = '\0';
}

static void
teardown(void)
{
  ep_check_result_cleanup(&result);
  ep_state_memory_free(&memory);
}

static void
add_target(const char *name)
{
  ck_assert_ptr_nonnull(ep_check_result_add(&result, name, NULL));
}

/* Records each change as "target:old>new;" (first seen: "target:new;"). */
static void
record(const struct ep_state_change *c, void *arg)
{
  size_t n = strlen(seen);

  ck_assert_ptr_eq(arg, &memory);
  ck_assert_str_eq(c->check, "nats");
  if (c->first_seen)
    snprintf(seen + n, sizeof seen - n, "%s:%s;", c->target->name,
             ep_state_str(c->target->state));
  else
    snprintf(seen + n, sizeof seen - n, "%s:%s>%s;", c->target->name,
             ep_state_str(c->old), ep_state_str(c->target->state));
}

static enum ep_status
update(long seconds)
{
  struct timespec at = {seconds, 0};

  return ep_state_memory_update(&memory, &result, &at, record, &memory);
}

START_TEST(first_run_reports_only_what_is_not_ok)
{
  add_target("a:7422");
  add_target("b:7422");
  result.targets[1].state = EP_STATE_CRITICAL;
  ck_assert_int_eq(update(100), EP_OK);
  ck_assert_str_eq(seen, "b:7422:CRITICAL;");
  ck_assert_uint_eq(memory.n, 2);
  ck_assert_int_eq(ep_state_memory_find(&memory, "nats", "a:7422")->since.tv_sec,
                   100);
  ck_assert_ptr_null(ep_state_memory_find(&memory, "dns", "a:7422"));
}
END_TEST

START_TEST(a_change_is_reported_once_and_dated)
{
  add_target("a:7422");
  ck_assert_int_eq(update(100), EP_OK);
  ck_assert_str_eq(seen, "");
  result.targets[0].state = EP_STATE_CRITICAL;
  ck_assert_int_eq(update(160), EP_OK);
  ck_assert_int_eq(update(220), EP_OK);
  ck_assert_str_eq(seen, "a:7422:OK>CRITICAL;");
  ck_assert_int_eq(ep_state_memory_find(&memory, "nats", "a:7422")->since.tv_sec,
                   160);
  result.targets[0].state = EP_STATE_OK;
  ck_assert_int_eq(update(280), EP_OK);
  ck_assert_str_eq(seen, "a:7422:OK>CRITICAL;a:7422:CRITICAL>OK;");
  ck_assert_int_eq(ep_state_memory_find(&memory, "nats", "a:7422")->since.tv_sec,
                   280);
  ck_assert_uint_eq(memory.n, 1);
}
END_TEST

START_TEST(checks_are_kept_apart)
{
  struct ep_check_result dns;
  struct timespec        at = {5, 0};

  ep_check_result_init(&dns);
  dns.check = strdup("dns");
  ck_assert_ptr_nonnull(ep_check_result_add(&dns, "a:7422", NULL));
  dns.targets[0].state = EP_STATE_WARNING;
  add_target("a:7422");
  ck_assert_int_eq(update(1), EP_OK);
  ck_assert_int_eq(ep_state_memory_update(&memory, &dns, &at, NULL, NULL),
                   EP_OK);
  ck_assert_uint_eq(memory.n, 2);
  ck_assert_int_eq(ep_state_memory_find(&memory, "dns", "a:7422")->state,
                   EP_STATE_WARNING);
  ck_assert_int_eq(ep_state_memory_find(&memory, "nats", "a:7422")->state,
                   EP_STATE_OK);
  ep_check_result_cleanup(&dns);
}
END_TEST

static Suite *
states_suite(void)
{
  Suite *s = suite_create("states");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, first_run_reports_only_what_is_not_ok);
  tcase_add_test(tc, a_change_is_reported_once_and_dated);
  tcase_add_test(tc, checks_are_kept_apart);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(states_suite)
