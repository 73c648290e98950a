/* Unit tests for agentx_mailbox: one update waits at a time, a newer run
 * replaces its view and carries its state changes along, the changes are
 * bounded, and a stop asked from a signal handler is seen. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentx_mailbox.h"
#include "ep_unit.h"

/* An update with n notices named PREFIX-0 ... PREFIX-(n-1). */
static struct agentx_update *
update_with(const char *prefix, size_t n)
{
  struct agentx_update *u = calloc(1, sizeof *u);
  char                  name[64];
  size_t                i;

  ck_assert_ptr_nonnull(u);
  if (n) {
    u->notices = calloc(n, sizeof *u->notices);
    ck_assert_ptr_nonnull(u->notices);
  }
  for (i = 0; i < n; i++) {
    snprintf(name, sizeof name, "%s-%zu", prefix, i);
    u->notices[i].target = strdup(name);
    u->notices[i].cause = strdup("");
    u->notices[i].now = EP_STATE_CRITICAL;
  }
  u->n_notices = n;
  return u;
}

START_TEST(one_update_waits_and_wakes_once)
{
  struct agentx_mailbox m;
  struct agentx_update *a = update_with("a", 1), *got;

  ck_assert_int_eq(agentx_mailbox_init(&m), 0);
  ck_assert_ptr_null(agentx_mailbox_take(&m));
  agentx_mailbox_post(&m, a);
  ck_assert(!agentx_mailbox_read_wakes(&m));
  got = agentx_mailbox_take(&m);
  ck_assert_ptr_eq(got, a);
  ck_assert_ptr_null(agentx_mailbox_take(&m));
  agentx_update_free(got);
  agentx_mailbox_destroy(&m);
}
END_TEST

START_TEST(a_newer_run_replaces_the_view_and_keeps_the_changes)
{
  struct agentx_mailbox m;
  struct agentx_update *a = update_with("a", 2), *b = update_with("b", 1);
  struct agentx_update *got;

  ck_assert_int_eq(agentx_mailbox_init(&m), 0);
  agentx_mailbox_post(&m, a);
  agentx_mailbox_post(&m, b); /* a is freed: its view is stale */
  got = agentx_mailbox_take(&m);
  ck_assert_ptr_eq(got, b);
  ck_assert_uint_eq(got->n_notices, 3);
  ck_assert_str_eq(got->notices[0].target, "a-0");
  ck_assert_str_eq(got->notices[1].target, "a-1");
  ck_assert_str_eq(got->notices[2].target, "b-0");
  ck_assert_uint_eq(got->notices_dropped, 0);
  agentx_update_free(got);
  agentx_mailbox_destroy(&m);
}
END_TEST

START_TEST(many_runs_never_queue_more_than_one_view)
{
  struct agentx_mailbox m;
  struct agentx_update *got;
  int                   i;

  ck_assert_int_eq(agentx_mailbox_init(&m), 0);
  /* More than a pipe could hold as pointers: nothing blocks, nothing
   * piles up. */
  for (i = 0; i < 20000; i++)
    agentx_mailbox_post(&m, update_with("r", 0));
  got = agentx_mailbox_take(&m);
  ck_assert_ptr_nonnull(got);
  ck_assert_ptr_null(agentx_mailbox_take(&m));
  agentx_update_free(got);
  agentx_mailbox_destroy(&m);
}
END_TEST

START_TEST(the_oldest_changes_go_beyond_the_bound_and_are_counted)
{
  struct agentx_mailbox m;
  struct agentx_update *got;

  ck_assert_int_eq(agentx_mailbox_init(&m), 0);
  agentx_mailbox_post(&m, update_with("a", AGENTX_NOTICES_MAX));
  agentx_mailbox_post(&m, update_with("b", 10));
  got = agentx_mailbox_take(&m);
  ck_assert_uint_eq(got->n_notices, AGENTX_NOTICES_MAX);
  ck_assert_uint_eq(got->notices_dropped, 10);
  ck_assert_str_eq(got->notices[0].target, "a-10");
  ck_assert_str_eq(got->notices[AGENTX_NOTICES_MAX - 1].target, "b-9");
  agentx_update_free(got);
  agentx_mailbox_destroy(&m);
}
END_TEST

START_TEST(changes_already_sent_are_not_carried)
{
  struct agentx_update *current = update_with("a", 3);
  struct agentx_update *next = update_with("b", 1);

  agentx_notices_carry(next, current, 2);
  ck_assert_uint_eq(next->n_notices, 2);
  ck_assert_str_eq(next->notices[0].target, "a-2");
  ck_assert_str_eq(next->notices[1].target, "b-0");
  ck_assert_uint_eq(current->n_notices, 0);
  agentx_update_free(current);
  agentx_update_free(next);
}
END_TEST

START_TEST(a_stop_is_seen_among_updates)
{
  struct agentx_mailbox m;

  ck_assert_int_eq(agentx_mailbox_init(&m), 0);
  agentx_mailbox_post(&m, update_with("a", 0));
  agentx_mailbox_ask_stop(m.wake[1]);
  ck_assert(agentx_mailbox_read_wakes(&m));
  ck_assert(!agentx_mailbox_read_wakes(&m));
  agentx_mailbox_destroy(&m); /* frees the update still waiting */
}
END_TEST

START_TEST(what_is_given_back_is_freed_at_the_next_post)
{
  struct agentx_mailbox m;
  struct agentx_update *a = update_with("a", 1);

  ck_assert_int_eq(agentx_mailbox_init(&m), 0);
  agentx_mailbox_give_back(&m, a);
  ck_assert_ptr_eq(m.spent, a);
  agentx_mailbox_post(&m, update_with("b", 0));
  ck_assert_ptr_null(m.spent); /* freed: valgrind and ASan see a leak else */
  agentx_mailbox_give_back(&m, update_with("c", 0));
  agentx_mailbox_destroy(&m); /* frees b, still waiting, and c */
}
END_TEST

static Suite *
mailbox_suite(void)
{
  Suite *s = suite_create("agentx_mailbox");
  TCase *tc = tcase_create("mailbox");

  tcase_add_test(tc, one_update_waits_and_wakes_once);
  tcase_add_test(tc, a_newer_run_replaces_the_view_and_keeps_the_changes);
  tcase_add_test(tc, many_runs_never_queue_more_than_one_view);
  tcase_add_test(tc, the_oldest_changes_go_beyond_the_bound_and_are_counted);
  tcase_add_test(tc, changes_already_sent_are_not_carried);
  tcase_add_test(tc, a_stop_is_seen_among_updates);
  tcase_add_test(tc, what_is_given_back_is_freed_at_the_next_post);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(mailbox_suite)
