/* Unit tests for ep_secret: credentials files written to a private
 * temporary directory with exact modes, read back as user:password or a
 * token; refused when others may read or write them, when empty, too long
 * or not a file, with messages that name the file and never its content. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ep_secret.h"

#define WHAT "--creds"

/* Text that must never appear in a message. */
#define SECRET_USER "alice_W7q"
#define SECRET_PASS "Sup3r-S3cret/pw"

static char dir[64];
static char paths[16][128];
static int  n_paths;

static void
setup_dir(void)
{
  snprintf(dir, sizeof dir, "/tmp/check_secret.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  n_paths = 0;
}

static void
teardown_dir(void)
{
  int i;

  for (i = 0; i < n_paths; i++)
    unlink(paths[i]);
  n_paths = 0;
  rmdir(dir);
}

/* Writes len bytes to dir/name with exactly mode; returns the path. */
static const char *
write_file(const char *name, const void *data, size_t len, mode_t mode)
{
  char   *path;
  int     fd;
  ssize_t n;

  ck_assert_int_lt(n_paths, 16);
  path = paths[n_paths++];
  snprintf(path, sizeof paths[0], "%s/%s", dir, name);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
  n = write(fd, data, len);
  ck_assert_int_eq(n, (ssize_t)len);
  ck_assert_int_eq(close(fd), 0);
  ck_assert_int_eq(chmod(path, mode), 0); /* umask-proof */
  return path;
}

static const char *
write_text(const char *name, const char *text, mode_t mode)
{
  return write_file(name, text, strlen(text), mode);
}

static bool
all_zero(const void *p, size_t len)
{
  const unsigned char *b = p;
  size_t               i;

  for (i = 0; i < len; i++)
    if (b[i])
      return false;
  return true;
}

/* Loads path expecting failure: EP_EINVAL, nothing kept, and a message
 * that names the file and not the secret. */
static void
expect_refused(const char *path, const char *want)
{
  struct ep_secret s;
  struct ep_err    err = EP_ERR_INIT;

  memset(&s, 0x5a, sizeof s);
  ck_assert_int_eq(ep_secret_load(path, WHAT, &s, &err), EP_EINVAL);
  ck_assert_int_eq(err.code, EP_EINVAL);
  ck_assert_str_eq(err.msg, want);
  ck_assert_msg(all_zero(&s, sizeof s), "%s: secret not cleared", path);
  ck_assert_ptr_null(strstr(err.msg, SECRET_USER));
  ck_assert_ptr_null(strstr(err.msg, SECRET_PASS));
}

static void
load_ok(const char *path, struct ep_secret *s)
{
  struct ep_err err = EP_ERR_INIT;

  memset(s, 0x5a, sizeof *s);
  ck_assert_msg(ep_secret_load(path, WHAT, s, &err) == EP_OK, "%s: %s", path,
                err.msg);
  ck_assert_int_eq(err.code, EP_OK);
  ck_assert_str_eq(err.msg, "");
}

/* -------------------------------------------------------------------- */
/* Accepted files                                                        */
/* -------------------------------------------------------------------- */

START_TEST(secret_user_password)
{
  struct ep_secret s;

  load_ok(write_text("creds", SECRET_USER ":" SECRET_PASS "\n", 0600), &s);
  ck_assert_str_eq(s.user, SECRET_USER);
  ck_assert_str_eq(s.password, SECRET_PASS);
  ck_assert_str_eq(s.token, "");
}
END_TEST

START_TEST(secret_token)
{
  struct ep_secret s;

  load_ok(write_text("token", "tok_8f3Ab9Zq\n", 0600), &s);
  ck_assert_str_eq(s.token, "tok_8f3Ab9Zq");
  ck_assert_str_eq(s.user, "");
  ck_assert_str_eq(s.password, "");
}
END_TEST

START_TEST(secret_line_ends)
{
  struct ep_secret s;

  load_ok(write_text("crlf", "bob:hunter2\r\n", 0600), &s);
  ck_assert_str_eq(s.user, "bob");
  ck_assert_str_eq(s.password, "hunter2");
  load_ok(write_text("crlf-token", "tok_1\r\n", 0600), &s);
  ck_assert_str_eq(s.token, "tok_1");
  load_ok(write_text("no-newline", "bob:hunter2", 0600), &s);
  ck_assert_str_eq(s.user, "bob");
  ck_assert_str_eq(s.password, "hunter2");
  /* Only the first line is the secret. */
  load_ok(write_text("two-lines", "bob:hunter2\ncarol:other\n", 0600), &s);
  ck_assert_str_eq(s.user, "bob");
  ck_assert_str_eq(s.password, "hunter2");
  ck_assert_str_eq(s.token, "");
}
END_TEST

START_TEST(secret_colon_in_password)
{
  struct ep_secret s;

  load_ok(write_text("colons", "user:pa:ss\n", 0600), &s);
  ck_assert_str_eq(s.user, "user");
  ck_assert_str_eq(s.password, "pa:ss");
  ck_assert_str_eq(s.token, "");
  /* Spaces are part of it: nothing is trimmed but the line end. */
  load_ok(write_text("spaces", " u : p \n", 0600), &s);
  ck_assert_str_eq(s.user, " u ");
  ck_assert_str_eq(s.password, " p ");
}
END_TEST

/* Owner-only and group-readable files are fine; only others matter. */
START_TEST(secret_modes_accepted)
{
  static const mode_t modes[] = {0600, 0400, 0640, 0660, 0700, 0440};
  struct ep_secret    s;
  char                name[32];
  size_t              i;

  for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
    snprintf(name, sizeof name, "mode%03o", (unsigned)modes[i]);
    load_ok(write_text(name, "u:p\n", modes[i]), &s);
    ck_assert_str_eq(s.user, "u");
    ck_assert_str_eq(s.password, "p");
  }
}
END_TEST

/* The longest secret line there is room for: 1023 bytes. */
START_TEST(secret_longest_line)
{
  static char      text[EP_SECRET_MAX + 2];
  struct ep_secret s;

  memset(text, 'T', EP_SECRET_MAX - 1);
  text[EP_SECRET_MAX - 1] = '\n';
  text[EP_SECRET_MAX] = '\0';
  load_ok(write_text("token1023", text, 0600), &s);
  ck_assert_uint_eq(strlen(s.token), EP_SECRET_MAX - 1);
  ck_assert_int_eq(strspn(s.token, "T"), EP_SECRET_MAX - 1);

  memcpy(text, "user:", 5);
  load_ok(write_text("user1023", text, 0600), &s);
  ck_assert_str_eq(s.user, "user");
  ck_assert_uint_eq(strlen(s.password), EP_SECRET_MAX - 1 - 5);
}
END_TEST

/* -------------------------------------------------------------------- */
/* Refused files                                                         */
/* -------------------------------------------------------------------- */

static void
expect_msg(char *buf, size_t size, const char *path, const char *tail)
{
  snprintf(buf, size, WHAT " %s: %s", path, tail);
}

START_TEST(secret_empty)
{
  const char *path;
  char        want[256];

  path = write_text("empty", "", 0600);
  expect_msg(want, sizeof want, path,
             "empty; expected user:password or a token");
  expect_refused(path, want);

  path = write_text("newline", "\n", 0600);
  expect_msg(want, sizeof want, path,
             "empty; expected user:password or a token");
  expect_refused(path, want);

  path = write_text("crlf", "\r\n", 0600);
  expect_msg(want, sizeof want, path,
             "empty; expected user:password or a token");
  expect_refused(path, want);

  /* An empty first line: what follows is not looked at, or shown. */
  path = write_text("blank-first", "\n" SECRET_USER ":" SECRET_PASS "\n", 0600);
  expect_msg(want, sizeof want, path,
             "empty; expected user:password or a token");
  expect_refused(path, want);
}
END_TEST

struct mode_case {
  mode_t      mode;
  const char *tail;
};

static const struct mode_case refused_modes[] = {
  {0644, "others can read it (mode 644); chmod o-rw it"},
  {0604, "others can read it (mode 604); chmod o-rw it"},
  {0602, "others can read it (mode 602); chmod o-rw it"},
  {0666, "others can read it (mode 666); chmod o-rw it"},
  {0444, "others can read it (mode 444); chmod o-rw it"},
  {0755, "others can read it (mode 755); chmod o-rw it"},
};

START_TEST(secret_others_may_not_read_or_write)
{
  const struct mode_case *c = &refused_modes[_i];
  const char             *path;
  char                    want[256];

  path = write_text("creds", SECRET_USER ":" SECRET_PASS "\n", c->mode);
  expect_msg(want, sizeof want, path, c->tail);
  expect_refused(path, want);
}
END_TEST

START_TEST(secret_missing_file)
{
  char path[128], want[256];

  snprintf(path, sizeof path, "%s/no-such-file", dir);
  expect_msg(want, sizeof want, path,
             "cannot open: No such file or directory");
  expect_refused(path, want);
}
END_TEST

START_TEST(secret_directory)
{
  char want[256];

  expect_msg(want, sizeof want, dir, "not a regular file (a directory)");
  expect_refused(dir, want);
}
END_TEST

START_TEST(secret_too_long)
{
  static char text[2001];
  const char *path;
  char        want[256];

  /* A 2000-byte line built of the secret: too long, and not shown. */
  memset(text, 'x', 2000);
  memcpy(text, SECRET_USER ":" SECRET_PASS, strlen(SECRET_USER ":" SECRET_PASS));
  memcpy(text + 1000, SECRET_PASS, strlen(SECRET_PASS));
  text[1999] = '\n';
  path = write_text("long", text, 0600);
  expect_msg(want, sizeof want, path, "longer than 1023 bytes");
  expect_refused(path, want);

  /* 1024 bytes: one too many. */
  memset(text, 'T', EP_SECRET_MAX);
  text[EP_SECRET_MAX] = '\n';
  text[EP_SECRET_MAX + 1] = '\0';
  path = write_text("token1024", text, 0600);
  expect_msg(want, sizeof want, path, "longer than 1023 bytes");
  expect_refused(path, want);

  /* A line with no end, far longer than the reader's buffer. */
  {
    static char huge[10000];

    memset(huge, 'H', sizeof huge);
    path = write_file("huge", huge, sizeof huge, 0600);
    expect_msg(want, sizeof want, path, "longer than 1023 bytes");
    expect_refused(path, want);
  }
}
END_TEST

/* -------------------------------------------------------------------- */
/* Wiping                                                                */
/* -------------------------------------------------------------------- */

START_TEST(secret_wipe_zeroes_everything)
{
  struct ep_secret s;

  load_ok(write_text("creds", SECRET_USER ":" SECRET_PASS "\n", 0600), &s);
  ck_assert_str_eq(s.password, SECRET_PASS);
  ep_secret_wipe(&s);
  ck_assert(all_zero(&s, sizeof s));

  memset(&s, 0xff, sizeof s);
  ep_secret_wipe(&s);
  ck_assert(all_zero(&s, sizeof s));
}
END_TEST


/* The environment's form (EDGEPROBE_PROXY_AUTH): the same rules, the
 * variable named instead of a file. */
START_TEST(secret_from_text)
{
  struct ep_secret s;
  struct ep_err    err = EP_ERR_INIT;
  char             big[EP_SECRET_MAX + 8];

  ck_assert_int_eq(ep_secret_parse(SECRET_USER ":" SECRET_PASS "\n", WHAT,
                                   "ENV_VAR", &s, &err), EP_OK);
  ck_assert_str_eq(s.user, SECRET_USER);
  ck_assert_str_eq(s.password, SECRET_PASS);
  ck_assert_str_eq(s.token, "");
  ck_assert_int_eq(ep_secret_parse("tok3n", WHAT, "ENV_VAR", &s, &err), EP_OK);
  ck_assert_str_eq(s.token, "tok3n");
  ck_assert_int_eq(ep_secret_parse("\n", WHAT, "ENV_VAR", &s, &err),
                   EP_EINVAL);
  ck_assert_str_eq(err.msg, WHAT " ENV_VAR: empty; expected user:password or "
                            "a token");
  ep_err_clear(&err);
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  ck_assert_int_eq(ep_secret_parse(big, WHAT, "ENV_VAR", &s, &err), EP_EINVAL);
  ck_assert(strstr(err.msg, "aaaa") == NULL);
  ep_secret_wipe(&s);
}
END_TEST

static Suite *
secret_suite(void)
{
  Suite *s = suite_create("secret");
  TCase *ta = tcase_create("accepted");
  TCase *tr = tcase_create("refused");
  TCase *tw = tcase_create("wipe");

  tcase_add_checked_fixture(ta, setup_dir, teardown_dir);
  tcase_add_test(ta, secret_user_password);
  tcase_add_test(ta, secret_from_text);
  tcase_add_test(ta, secret_token);
  tcase_add_test(ta, secret_line_ends);
  tcase_add_test(ta, secret_colon_in_password);
  tcase_add_test(ta, secret_modes_accepted);
  tcase_add_test(ta, secret_longest_line);
  suite_add_tcase(s, ta);

  tcase_add_checked_fixture(tr, setup_dir, teardown_dir);
  tcase_add_test(tr, secret_empty);
  tcase_add_loop_test(tr, secret_others_may_not_read_or_write, 0,
                      (int)(sizeof refused_modes / sizeof refused_modes[0]));
  tcase_add_test(tr, secret_missing_file);
  tcase_add_test(tr, secret_directory);
  tcase_add_test(tr, secret_too_long);
  suite_add_tcase(s, tr);

  tcase_add_checked_fixture(tw, setup_dir, teardown_dir);
  tcase_add_test(tw, secret_wipe_zeroes_everything);
  suite_add_tcase(s, tw);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(secret_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
