/* Unit tests for ep_buf: the hard cap set at init, printf, reset and
 * handing the text over. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ep_buf.h"

START_TEST(buf_empty_is_empty_string)
{
  struct ep_buf b;

  ep_buf_init(&b, 16);
  ck_assert_ptr_null(b.data);
  ck_assert_uint_eq(b.len, 0);
  ck_assert_uint_eq(b.max, 16);
  ck_assert_str_eq(ep_buf_str(&b), "");
  ep_buf_cleanup(&b);
  ck_assert_ptr_null(b.data);
  ck_assert_uint_eq(b.max, 16);
}
END_TEST

START_TEST(buf_add_appends_and_terminates)
{
  struct ep_buf b;

  ep_buf_init(&b, 64);
  ck_assert_int_eq(ep_buf_add(&b, "abc", 3), EP_OK);
  ck_assert_int_eq(ep_buf_add(&b, "defXYZ", 3), EP_OK);
  ck_assert_int_eq(ep_buf_add(&b, "", 0), EP_OK);
  ck_assert_uint_eq(b.len, 6);
  ck_assert_str_eq(ep_buf_str(&b), "abcdef");
  ck_assert_int_eq(b.data[6], '\0');
  ep_buf_cleanup(&b);
}
END_TEST

START_TEST(buf_cap_is_enforced)
{
  struct ep_buf b;

  ep_buf_init(&b, 8);
  ck_assert_int_eq(ep_buf_add(&b, "12345", 5), EP_OK);
  /* 5 + 4 > 8: refused, nothing appended */
  ck_assert_int_eq(ep_buf_add(&b, "6789", 4), EP_EINVAL);
  ck_assert_uint_eq(b.len, 5);
  ck_assert_str_eq(ep_buf_str(&b), "12345");
  /* exactly up to the cap is fine */
  ck_assert_int_eq(ep_buf_add(&b, "678", 3), EP_OK);
  ck_assert_uint_eq(b.len, 8);
  ck_assert_str_eq(ep_buf_str(&b), "12345678");
  /* full: even one byte is refused */
  ck_assert_int_eq(ep_buf_add(&b, "9", 1), EP_EINVAL);
  ck_assert_str_eq(ep_buf_str(&b), "12345678");
  ck_assert_int_eq(ep_buf_add(&b, "", 0), EP_OK);
  ck_assert_uint_eq(b.len, 8);
  ep_buf_cleanup(&b);
}
END_TEST

START_TEST(buf_huge_length_does_not_wrap)
{
  struct ep_buf b;

  ep_buf_init(&b, 8);
  ck_assert_int_eq(ep_buf_add(&b, "ab", 2), EP_OK);
  ck_assert_int_eq(ep_buf_add(&b, "x", (size_t)-1), EP_EINVAL);
  ck_assert_int_eq(ep_buf_add(&b, "x", (size_t)-1 - 1), EP_EINVAL);
  ck_assert_str_eq(ep_buf_str(&b), "ab");
  ep_buf_cleanup(&b);
}
END_TEST

START_TEST(buf_zero_cap_refuses_everything)
{
  struct ep_buf b;

  ep_buf_init(&b, 0);
  ck_assert_int_eq(ep_buf_add(&b, "a", 1), EP_EINVAL);
  ck_assert_int_eq(ep_buf_printf(&b, "%d", 1), EP_EINVAL);
  ck_assert_str_eq(ep_buf_str(&b), "");
  ep_buf_cleanup(&b);
}
END_TEST

START_TEST(buf_grows_past_initial_allocation)
{
  struct ep_buf b;
  char          chunk[100];
  size_t        i;

  memset(chunk, 'x', sizeof chunk);
  ep_buf_init(&b, 1000);
  for (i = 0; i < 10; i++)
    ck_assert_int_eq(ep_buf_add(&b, chunk, sizeof chunk), EP_OK);
  ck_assert_uint_eq(b.len, 1000);
  ck_assert_uint_eq(strlen(ep_buf_str(&b)), 1000);
  ck_assert_uint_ge(b.cap, 1001);
  ck_assert_int_eq(ep_buf_add(&b, chunk, 1), EP_EINVAL);
  ep_buf_cleanup(&b);
}
END_TEST

/* A buffer a secret passes through keeps its content as it grows, and
 * stays one that wipes after reset and cleanup. */
START_TEST(buf_secret_grows_and_keeps_content)
{
  struct ep_buf b;
  size_t        i;

  ep_buf_init_secret(&b, 4096);
  for (i = 0; i < 300; i++)
    ck_assert_int_eq(ep_buf_printf(&b, "%zu,", i % 10), EP_OK);
  ck_assert_uint_eq(b.len, 600);
  for (i = 0; i < 300; i++)
    ck_assert_int_eq(b.data[2 * i], (char)('0' + (int)(i % 10)));
  ep_buf_reset(&b);
  ck_assert_str_eq(ep_buf_str(&b), "");
  ck_assert_int_eq(b.wipe, 1);
  ep_buf_cleanup(&b);
  ck_assert_int_eq(b.wipe, 1);
  ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(buf_printf_formats_and_appends)
{
  struct ep_buf b;

  ep_buf_init(&b, 64);
  ck_assert_int_eq(ep_buf_printf(&b, "%s=%d", "n", 42), EP_OK);
  ck_assert_int_eq(ep_buf_printf(&b, ";%.3f%s", 0.5, "s"), EP_OK);
  ck_assert_int_eq(ep_buf_printf(&b, "%s", ""), EP_OK);
  ck_assert_str_eq(ep_buf_str(&b), "n=42;0.500s");
  ck_assert_uint_eq(b.len, 11);
  ep_buf_cleanup(&b);
}
END_TEST

START_TEST(buf_printf_past_cap_leaves_content)
{
  struct ep_buf b;

  ep_buf_init(&b, 10);
  ck_assert_int_eq(ep_buf_printf(&b, "%s", "hello"), EP_OK);
  ck_assert_int_eq(ep_buf_printf(&b, " %s", "world"), EP_EINVAL);
  ck_assert_uint_eq(b.len, 5);
  ck_assert_str_eq(ep_buf_str(&b), "hello");
  ck_assert_int_eq(ep_buf_printf(&b, " %d", 1234), EP_OK);
  ck_assert_str_eq(ep_buf_str(&b), "hello 1234");
  ep_buf_cleanup(&b);
}
END_TEST

START_TEST(buf_reset_keeps_cap)
{
  struct ep_buf b;

  ep_buf_init(&b, 4);
  ck_assert_int_eq(ep_buf_add(&b, "abcd", 4), EP_OK);
  ep_buf_reset(&b);
  ck_assert_uint_eq(b.len, 0);
  ck_assert_str_eq(ep_buf_str(&b), "");
  ck_assert_int_eq(ep_buf_add(&b, "wxyz", 4), EP_OK);
  ck_assert_str_eq(ep_buf_str(&b), "wxyz");
  ck_assert_int_eq(ep_buf_add(&b, "!", 1), EP_EINVAL);
  ep_buf_cleanup(&b);
}
END_TEST

START_TEST(buf_steal_hands_over_and_resets)
{
  struct ep_buf b;
  char         *s;

  ep_buf_init(&b, 32);
  ck_assert_int_eq(ep_buf_printf(&b, "%s %d", "edge", 7), EP_OK);
  s = ep_buf_steal(&b);
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s, "edge 7");
  ck_assert_ptr_null(b.data);
  ck_assert_uint_eq(b.len, 0);
  ck_assert_uint_eq(b.max, 32);
  ck_assert_str_eq(ep_buf_str(&b), "");
  /* still usable, with the same cap */
  ck_assert_int_eq(ep_buf_add(&b, "again", 5), EP_OK);
  ck_assert_str_eq(ep_buf_str(&b), "again");
  ck_assert_str_eq(s, "edge 7");
  free(s);
  ep_buf_cleanup(&b);
}
END_TEST

START_TEST(buf_steal_empty_gives_empty_string)
{
  struct ep_buf b;
  char         *s;

  ep_buf_init(&b, 32);
  s = ep_buf_steal(&b);
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s, "");
  free(s);
  ep_buf_cleanup(&b);
}
END_TEST

static Suite *
buf_suite(void)
{
  Suite *s = suite_create("buf");
  TCase *tc = tcase_create("core");

  tcase_add_test(tc, buf_empty_is_empty_string);
  tcase_add_test(tc, buf_add_appends_and_terminates);
  tcase_add_test(tc, buf_cap_is_enforced);
  tcase_add_test(tc, buf_huge_length_does_not_wrap);
  tcase_add_test(tc, buf_zero_cap_refuses_everything);
  tcase_add_test(tc, buf_grows_past_initial_allocation);
  tcase_add_test(tc, buf_secret_grows_and_keeps_content);
  tcase_add_test(tc, buf_printf_formats_and_appends);
  tcase_add_test(tc, buf_printf_past_cap_leaves_content);
  tcase_add_test(tc, buf_reset_keeps_cap);
  tcase_add_test(tc, buf_steal_hands_over_and_resets);
  tcase_add_test(tc, buf_steal_empty_gives_empty_string);
  suite_add_tcase(s, tc);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(buf_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
