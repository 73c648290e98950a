/* Unit tests for ep_offsets, the NTP offsets kept between runs: written
 * atomically and read back; a corrupt, foreign or unreadable file is
 * ignored with a note, never trusted and never an error. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ep_offsets.h"
#include "ep_unit.h"

static char dir[64];

static void
make_dir(void)
{
  snprintf(dir, sizeof dir, "/tmp/check_offsets.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
remove_dir(void)
{
  char cmd[128];

  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void
write_file(const char *text)
{
  char  path[128];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", dir, EP_OFFSETS_FILE);
  ck_assert_ptr_nonnull(f = fopen(path, "w"));
  fputs(text, f);
  fclose(f);
}

START_TEST(offsets_first_run_is_empty)
{
  struct ep_offset_store st;
  struct ep_err          err = EP_ERR_INIT;

  ck_assert_int_eq(ep_offsets_open(&st, dir, &err), EP_OK);
  ck_assert_uint_eq(st.n, 0);
  ck_assert_str_eq(st.note, "");
  ep_offsets_close(&st);
}
END_TEST

START_TEST(offsets_saved_and_read_back)
{
  struct ep_offset_store         st;
  struct ep_err                  err = EP_ERR_INIT;
  const struct ep_offset_record *r;
  struct stat                    sb;
  char                           path[128];

  ck_assert_int_eq(ep_offsets_open(&st, dir, &err), EP_OK);
  ck_assert_int_eq(ep_offsets_put(&st, "0.pool.example 192.0.2.1", 0.0125,
                                  1764000000.5),
                   EP_OK);
  ck_assert_int_eq(ep_offsets_put(&st, "192.0.2.9", -3, 1764000001), EP_OK);
  ck_assert_int_eq(ep_offsets_put(&st, "192.0.2.9", -2.5, 1764000002),
                   EP_OK);
  ck_assert_uint_eq(st.n, 2);
  ck_assert_int_eq(ep_offsets_save(&st, &err), EP_OK);
  ep_offsets_close(&st);
  /* no temporary file left beside it */
  snprintf(path, sizeof path, "%s/%s", dir, EP_OFFSETS_FILE);
  ck_assert_int_eq(stat(path, &sb), 0);
  ck_assert_int_eq(system("test $(ls /tmp/check_offsets.*/ | wc -l) -ge 1"),
                   0);
  ck_assert_int_eq(ep_offsets_open(&st, dir, &err), EP_OK);
  ck_assert_str_eq(st.note, "");
  ck_assert_uint_eq(st.n, 2);
  ck_assert_ptr_nonnull(r = ep_offsets_get(&st, "0.pool.example 192.0.2.1"));
  ck_assert_double_eq_tol(r->offset, 0.0125, 1e-12);
  ck_assert_double_eq_tol(r->time, 1764000000.5, 1e-6);
  ck_assert_ptr_nonnull(r = ep_offsets_get(&st, "192.0.2.9"));
  ck_assert_double_eq(r->offset, -2.5);
  ck_assert_ptr_null(ep_offsets_get(&st, "192.0.2.10"));
  ep_offsets_close(&st);
}
END_TEST

static const struct {
  const char *text;
  const char *why;
} bad_files[] = {
  {"{\"format\": \"edgeprobe ntp offsets\", \"version\": 1, \"servers\": {",
   "state: line 1, column 63: "},
  {"{\"hello\": 1}", "not an edgeprobe NTP state file"},
  {"[1, 2]", "not an edgeprobe NTP state file"},
  {"{\"format\": \"edgeprobe ntp offsets\", \"version\": 2, \"servers\": {}}",
   "an unknown version of the state file"},
  {"{\"format\": \"edgeprobe ntp offsets\", \"version\": 1}",
   "no \"servers\" object"},
  {"{\"format\": \"edgeprobe ntp offsets\", \"version\": 1, \"servers\": "
   "{\"a\": {\"offset\": \"x\", \"time\": 1}}}",
   "a record without a numeric offset and time"},
};

START_TEST(offsets_bad_file_ignored_with_note)
{
  struct ep_offset_store st;
  struct ep_err          err = EP_ERR_INIT;
  char                   want[256];

  write_file(bad_files[_i].text);
  ck_assert_int_eq(ep_offsets_open(&st, dir, &err), EP_OK);
  ck_assert_uint_eq(st.n, 0);
  snprintf(want, sizeof want, "state file %s/%s ignored (%s", dir,
           EP_OFFSETS_FILE, bad_files[_i].why);
  ck_assert_msg(strncmp(st.note, want, strlen(want)) == 0, "note: %s",
                st.note);
  ck_assert_msg(strstr(st.note, "written anew") != NULL, "%s", st.note);
  ep_offsets_close(&st);
}
END_TEST

/* A directory where the file should be: unreadable, noted, not fatal. */
START_TEST(offsets_unreadable_noted)
{
  struct ep_offset_store st;
  struct ep_err          err = EP_ERR_INIT;
  char                   path[128];

  snprintf(path, sizeof path, "%s/%s", dir, EP_OFFSETS_FILE);
  ck_assert_int_eq(mkdir(path, 0700), 0);
  ck_assert_int_eq(ep_offsets_open(&st, dir, &err), EP_OK);
  ck_assert_msg(strstr(st.note, "not a regular file (a directory)") != NULL,
                "%s", st.note);
  ck_assert_int_eq(ep_offsets_save(&st, &err), EP_EIO);
  ck_assert_msg(strstr(err.msg, EP_OFFSETS_FILE) != NULL, "%s", err.msg);
  ep_offsets_close(&st);
}
END_TEST

/* At most EP_OFFSETS_MAX records: the oldest goes first. */
START_TEST(offsets_bounded)
{
  struct ep_offset_store st;
  struct ep_err          err = EP_ERR_INIT;
  char                   key[32];
  int                    i;

  ck_assert_int_eq(ep_offsets_open(&st, dir, &err), EP_OK);
  for (i = 0; i < EP_OFFSETS_MAX + 10; i++) {
    snprintf(key, sizeof key, "10.0.%d.%d", i / 256, i % 256);
    ck_assert_int_eq(ep_offsets_put(&st, key, i, 1000.0 + i), EP_OK);
  }
  ck_assert_uint_eq(st.n, EP_OFFSETS_MAX);
  ck_assert_ptr_null(ep_offsets_get(&st, "10.0.0.0"));
  ck_assert_ptr_nonnull(ep_offsets_get(&st, "10.0.1.9"));
  ep_offsets_close(&st);
}
END_TEST

static Suite *
offsets_suite(void)
{
  Suite *s = suite_create("offsets");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, make_dir, remove_dir);
  tcase_add_test(tc, offsets_first_run_is_empty);
  tcase_add_test(tc, offsets_saved_and_read_back);
  tcase_add_loop_test(tc, offsets_bad_file_ignored_with_note, 0,
                      (int)(sizeof bad_files / sizeof bad_files[0]));
  tcase_add_test(tc, offsets_unreadable_noted);
  tcase_add_test(tc, offsets_bounded);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(offsets_suite)
