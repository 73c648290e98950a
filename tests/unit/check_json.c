/* Unit tests for ep_json: strict parsing (no comments, trailing commas,
 * trailing text, duplicate members, NUL bytes, single quotes) with
 * "SOURCE: line L, column C: what" messages, and reading files. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ep_buf.h"
#include "ep_json.h"

struct bad_json {
  const char *text;
  const char *msg;
};

/* Columns point at the character that is wrong (1-based, in bytes). */
static const struct bad_json bad_cases[] = {
  /* comments */
  {"/* c */ {}", "site.json: line 1, column 1: invalid JSON: unexpected character"},
  {"{\n  \"timeout\": 10 // seconds\n}",
   "site.json: line 2, column 17: invalid JSON: object value separator ',' "
   "expected"},
  {"{\n  # comment\n  \"timeout\": 10\n}",
   "site.json: line 2, column 3: invalid JSON: quoted object property name "
   "expected"},
  /* trailing commas */
  {"{\n  \"timeout\": 10,\n}",
   "site.json: line 3, column 1: invalid JSON: unexpected character"},
  {"[1, 2, ]", "site.json: line 1, column 8: invalid JSON: unexpected character"},
  /* trailing text */
  {"{\"a\": 1}\n\n  }",
   "site.json: line 3, column 3: unexpected text after the JSON value"},
  {"{} {}", "site.json: line 1, column 4: unexpected text after the JSON value"},
  {"{\"a\": 1} x", "site.json: line 1, column 10: unexpected text after the "
                   "JSON value"},
  /* duplicate members */
  {"{\n  \"timeout\": 10,\n  \"dns\": {},\n  \"timeout\": 5\n}",
   "site.json: line 4, column 3: duplicate member \"timeout\""},
  {"{\"dns\": {\"servers\": [], \"servers\": []}}",
   "site.json: line 1, column 25: duplicate member \"servers\""},
  {"[\"x\", {\"k\": 1, \"k\": 2}]",
   "site.json: line 1, column 16: duplicate member \"k\""},
  {"{\"a\": \"}\", \"a\": 1}",
   "site.json: line 1, column 12: duplicate member \"a\""},
  {"{\"a\": [1, {\"b\": 2}], \"a\": 3}",
   "site.json: line 1, column 22: duplicate member \"a\""},
  {"{\"a\\\"b\": 1, \"a\\\"b\": 2}",
   "site.json: line 1, column 13: duplicate member \"a\\\"b\""},
  /* unterminated input */
  {"", "site.json: line 1, column 1: unexpected end of input"},
  {"  \n ", "site.json: line 2, column 2: unexpected end of input"},
  {"{\"a\": [1, 2", "site.json: line 1, column 12: unexpected end of input"},
  {"{\n  \"a\": \"abc", "site.json: line 2, column 12: unexpected end of input"},
  {"{\"a\":", "site.json: line 1, column 6: unexpected end of input"},
  /* single quotes */
  {"{\"a\": 'b'}", "site.json: line 1, column 7: invalid JSON: unexpected "
                   "character"},
  /* other malformed input */
  {"{\"a\" 1}", "site.json: line 1, column 6: invalid JSON: object property "
                "name separator ':' expected"},
  {"{,}", "site.json: line 1, column 2: invalid JSON: quoted object property "
          "name expected"},
  {"{\"a\": tru }", "site.json: line 1, column 10: invalid JSON: boolean "
                    "expected"},
};

START_TEST(json_refuses_with_position)
{
  const struct bad_json *c = &bad_cases[_i];
  struct ep_err          err = EP_ERR_INIT;
  json_object           *o;

  o = ep_json_parse_strict(c->text, strlen(c->text), "site.json", &err);
  ck_assert_ptr_null(o);
  ck_assert_int_eq(err.code, EP_EINVAL);
  ck_assert_str_eq(err.msg, c->msg);
  json_object_put(o);
}
END_TEST

/* Without whitespace in front of the wrong character the column must not
 * move: compact JSON is as common as pretty-printed. */
static const struct bad_json compact_cases[] = {
  {"{\"a\":1,}", "site.json: line 1, column 8: invalid JSON: unexpected character"},
  {"[1,2,]", "site.json: line 1, column 6: invalid JSON: unexpected character"},
  {"{\"a\":1 // c\n}",
   "site.json: line 1, column 8: invalid JSON: object value separator ',' "
   "expected"},
};

START_TEST(json_compact_input_column)
{
  const struct bad_json *c = &compact_cases[_i];
  struct ep_err          err = EP_ERR_INIT;
  json_object           *o;

  o = ep_json_parse_strict(c->text, strlen(c->text), "site.json", &err);
  ck_assert_ptr_null(o);
  ck_assert_str_eq(err.msg, c->msg);
  json_object_put(o);
}
END_TEST

START_TEST(json_refuses_single_quoted_member)
{
  static const char text[] = "{'timeout': 10}";
  struct ep_err     err = EP_ERR_INIT;
  json_object      *o;

  o = ep_json_parse_strict(text, strlen(text), "site.json", &err);
  ck_assert_ptr_null(o);
  ck_assert_str_eq(err.msg,
                   "site.json: line 1, column 2: invalid JSON: single quotes");
  json_object_put(o);
}
END_TEST

/* What json-c's strict mode lets through, each with its message. */
static const struct {
  const char *text;
  size_t      len;
  const char *msg;
} strict_cases[] = {
  {"{\"a\": 1, \"\\u0061\": 2}", 0,
   "site.json: line 1, column 10: duplicate member \"\\u0061\""},
  {"{\"timeout\": 5, \"timeou\\u0074\": 3600}", 0,
   "site.json: line 1, column 16: duplicate member \"timeou\\u0074\""},
  {"{\"a\": 1.}", 0,
   "site.json: line 1, column 7: invalid JSON: a number needs digits after '.'"},
  {"{\"a\": \"x\ty\"}", 0,
   "site.json: line 1, column 9: invalid JSON: control character in a string"},
  {"{\"a\": \"\\ud800\"}", 0,
   "site.json: line 1, column 8: invalid JSON: lone surrogate"},
  {"{\"a\": \"\\udc00\"}", 0,
   "site.json: line 1, column 8: invalid JSON: lone surrogate"},
  {"{\"a\": \"\xc3\x28\"}", 0,
   "site.json: line 1, column 8: invalid JSON: not UTF-8"},
  {"{\"a\": \"\xed\xa0\x80\"}", 0,
   "site.json: line 1, column 8: invalid JSON: not UTF-8"},
  /* json-c ends a string at an escaped NUL: "timeout\u0000" passed the
   * duplicate check and then loaded over "timeout". */
  {"{\"timeout\": 5, \"timeout\\u0000\": 3600}", 0,
   "site.json: line 1, column 24: \\u0000 (a NUL character) in a string"},
  {"{\"name\": \"\\u0000\"}", 0,
   "site.json: line 1, column 11: \\u0000 (a NUL character) in a string"},
};

START_TEST(json_refuses_what_json_c_lets_through)
{
  struct ep_err err = EP_ERR_INIT;
  json_object  *o;
  const char   *t = strict_cases[_i].text;

  o = ep_json_parse_strict(t, strlen(t), "site.json", &err);
  ck_assert_msg(o == NULL, "accepted: %s", t);
  ck_assert_str_eq(err.msg, strict_cases[_i].msg);
  json_object_put(o);
}
END_TEST

/* Valid JSON the strict reader must still take. */
START_TEST(json_accepts_escapes_and_utf8)
{
  static const char text[] =
    "{\"a\\u0062\": \"\\ud83d\\ude00 \xc3\xa9 \\\" \\n\", \"n\": [-0.5e+3, 0, "
    "1E2], \"b\": {\"ab\": true}}";
  struct ep_err err = EP_ERR_INIT;
  json_object  *o;

  o = ep_json_parse_strict(text, strlen(text), "site.json", &err);
  ck_assert_msg(o != NULL, "refused: %s", err.msg);
  json_object_put(o);
}
END_TEST

/* A string written for a peer (NATS CONNECT), escaped as RFC 8259 asks
 * and read back the same by the strict reader. */
START_TEST(json_writes_strings)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
    {"edge", "\"edge\""},
    {"", "\"\""},
    {"a\"b\\c", "\"a\\\"b\\\\c\""},
    {"tab\tnl\n\x01\x1f", "\"tab\\u0009nl\\u000a\\u0001\\u001f\""},
    {"p\xc3\xa9/x", "\"p\xc3\xa9/x\""},
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct ep_buf b;
    struct ep_err err = EP_ERR_INIT;
    json_object  *o;

    ep_buf_init_secret(&b, 256);
    ck_assert_int_eq(ep_json_add_string(&b, cases[i].in), EP_OK);
    ck_assert_str_eq(ep_buf_str(&b), cases[i].out);
    o = ep_json_parse_strict(b.data, b.len, "peer", &err);
    ck_assert_msg(o != NULL, "%s: %s", cases[i].out, err.msg);
    ck_assert_str_eq(json_object_get_string(o), cases[i].in);
    json_object_put(o);
    ep_buf_cleanup(&b);
  }
}
END_TEST

START_TEST(json_refuses_infinity)
{
  static const char text[] = "{\"timeout\": Infinity}";
  struct ep_err     err = EP_ERR_INIT;
  json_object      *o;

  /* RFC 8259 has no Infinity or NaN: a profile must not say that. */
  o = ep_json_parse_strict(text, strlen(text), "site.json", &err);
  ck_assert_ptr_null(o);
  ck_assert_int_eq(err.code, EP_EINVAL);
  json_object_put(o);
}
END_TEST

START_TEST(json_refuses_nul_byte)
{
  static const char text[] = "{\n  \"a\": \"x\0y\"\n}";
  struct ep_err     err = EP_ERR_INIT;
  json_object      *o;

  o = ep_json_parse_strict(text, sizeof text - 1, "site.json", &err);
  ck_assert_ptr_null(o);
  ck_assert_str_eq(err.msg, "site.json: line 2, column 10: NUL byte in the input");
  json_object_put(o);
}
END_TEST

START_TEST(json_refuses_too_deep)
{
  char          text[2 * (EP_JSON_MAX_DEPTH + 1) + 1];
  struct ep_err err = EP_ERR_INIT;
  json_object  *o;
  size_t        n = EP_JSON_MAX_DEPTH;

  memset(text, '[', n);
  memset(text + n, ']', n);
  text[2 * n] = '\0';
  o = ep_json_parse_strict(text, strlen(text), "peer", &err);
  ck_assert_ptr_nonnull(o);
  json_object_put(o);
  n = EP_JSON_MAX_DEPTH + 1;
  memset(text, '[', n);
  memset(text + n, ']', n);
  text[2 * n] = '\0';
  o = ep_json_parse_strict(text, strlen(text), "peer", &err);
  ck_assert_ptr_null(o);
  ck_assert_str_eq(err.msg, "peer: line 1, column 33: invalid JSON: nesting too deep");
}
END_TEST

START_TEST(json_accepts_nested_duplicates_in_different_objects)
{
  static const char text[] =
    "{\n"
    "  \"dns\": {\"servers\": [\"8.8.8.8\"], \"warning\": \"0.5\"},\n"
    "  \"ntp\": {\"servers\": [\"a\"], \"warning\": \"0.5\"},\n"
    "  \"list\": [{\"x\": 1}, {\"x\": 2}, {\"x\": {\"x\": 3}}],\n"
    "  \"a\": \"b\", \"b\": \"a\",\n"
    "  \"s\": \"{\\\"dns\\\": 1, \\\"dns\\\": 2}\"\n"
    "}\n";
  struct ep_err err = EP_ERR_INIT;
  json_object  *o, *v, *w;

  o = ep_json_parse_strict(text, strlen(text), "site.json", &err);
  ck_assert_msg(o != NULL, "refused: %s", err.msg);
  ck_assert_int_eq(err.code, EP_OK);
  ck_assert(json_object_object_get_ex(o, "list", &v));
  ck_assert_uint_eq(json_object_array_length(v), 3);
  ck_assert(json_object_object_get_ex(o, "dns", &v));
  ck_assert(json_object_object_get_ex(v, "warning", &w));
  ck_assert_str_eq(json_object_get_string(w), "0.5");
  ck_assert(json_object_object_get_ex(o, "s", &v));
  ck_assert_str_eq(json_object_get_string(v), "{\"dns\": 1, \"dns\": 2}");
  json_object_put(o);
}
END_TEST

START_TEST(json_accepts_surrounding_whitespace)
{
  static const char text[] = " \t\r\n{\"a\": [true, false, null, 1.5, -2]} \r\n\t";
  struct ep_err     err = EP_ERR_INIT;
  json_object      *o;

  o = ep_json_parse_strict(text, strlen(text), "site.json", &err);
  ck_assert_msg(o != NULL, "refused: %s", err.msg);
  json_object_put(o);
}
END_TEST

START_TEST(json_type_names)
{
  static const char text[] =
    "{\"o\": {}, \"a\": [], \"s\": \"x\", \"i\": 1, \"d\": 1.5, \"b\": true, "
    "\"n\": null}";
  static const struct {
    const char *key, *type;
  } want[] = {{"o", "object"}, {"a", "array"},   {"s", "string"}, {"i", "number"},
              {"d", "number"}, {"b", "boolean"}, {"n", "null"}};
  struct ep_err err = EP_ERR_INIT;
  json_object  *o, *v;
  size_t        i;

  o = ep_json_parse_strict(text, strlen(text), "t", &err);
  ck_assert_ptr_nonnull(o);
  for (i = 0; i < sizeof want / sizeof want[0]; i++) {
    ck_assert(json_object_object_get_ex(o, want[i].key, &v));
    ck_assert_str_eq(ep_json_type_name(v), want[i].type);
  }
  ck_assert_str_eq(ep_json_type_name(NULL), "null");
  json_object_put(o);
}
END_TEST

/* --- files --- */

static char tmpdir[64];

static void
make_tmpdir(void)
{
  snprintf(tmpdir, sizeof tmpdir, "/tmp/check_json.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
remove_tmpdir(void)
{
  char cmd[128];

  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0)
    tmpdir[0] = '\0';
}

static void
write_file(const char *path, const char *text, size_t len)
{
  FILE *f = fopen(path, "wb");

  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(text, 1, len, f), len);
  ck_assert_int_eq(fclose(f), 0);
}

START_TEST(json_load_file_ok)
{
  char          path[128];
  char          want[256];
  struct ep_err err = EP_ERR_INIT;
  json_object  *o, *v;

  snprintf(path, sizeof path, "%s/site.json", tmpdir);
  write_file(path, "{\"timeout\": 5}\n", 15);
  o = ep_json_load_file(path, 1024, &err);
  ck_assert_msg(o != NULL, "refused: %s", err.msg);
  ck_assert(json_object_object_get_ex(o, "timeout", &v));
  ck_assert_int_eq(json_object_get_int(v), 5);
  json_object_put(o);
  /* a bad file is named by its path */
  write_file(path, "{\"timeout\": 5,\n\"timeout\": 6}", 28);
  o = ep_json_load_file(path, 1024, &err);
  ck_assert_ptr_null(o);
  snprintf(want, sizeof want, "%s: line 2, column 1: duplicate member \"timeout\"",
           path);
  ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(json_load_file_missing)
{
  char          path[128], want[256];
  struct ep_err err = EP_ERR_INIT;

  snprintf(path, sizeof path, "%s/nosuch.json", tmpdir);
  ck_assert_ptr_null(ep_json_load_file(path, 1024, &err));
  ck_assert_int_eq(err.code, EP_EIO);
  snprintf(want, sizeof want, "%s: cannot open: No such file or directory",
           path);
  ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(json_load_file_empty)
{
  char          path[128], want[256];
  struct ep_err err = EP_ERR_INIT;

  snprintf(path, sizeof path, "%s/empty.json", tmpdir);
  write_file(path, "", 0);
  ck_assert_ptr_null(ep_json_load_file(path, 1024, &err));
  ck_assert_int_eq(err.code, EP_EINVAL);
  snprintf(want, sizeof want, "%s: empty file, expected a JSON object", path);
  ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(json_load_file_too_large)
{
  char          path[128], want[256];
  struct ep_err err = EP_ERR_INIT;
  json_object  *o;

  snprintf(path, sizeof path, "%s/big.json", tmpdir);
  write_file(path, "{\"a\": \"0123456\"}", 16);
  o = ep_json_load_file(path, 16, &err);
  ck_assert_msg(o != NULL, "refused at the cap: %s", err.msg);
  json_object_put(o);
  ck_assert_ptr_null(ep_json_load_file(path, 15, &err));
  ck_assert_int_eq(err.code, EP_EINVAL);
  snprintf(want, sizeof want, "%s: larger than 15 bytes", path);
  ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(json_put_and_append_build_in_order)
{
  json_object *o = json_object_new_object(), *a = json_object_new_array();

  ck_assert_int_eq(ep_json_put(o, "b", json_object_new_int(1)), EP_OK);
  ck_assert_int_eq(ep_json_put_null(o, "a"), EP_OK);
  ck_assert_int_eq(ep_json_append(a, json_object_new_string("x")), EP_OK);
  ck_assert_int_eq(ep_json_append(a, json_object_new_boolean(0)), EP_OK);
  ck_assert_int_eq(ep_json_put(o, "list", a), EP_OK);
  ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
                   "{\"b\":1,\"a\":null,\"list\":[\"x\",false]}");
  json_object_put(o);
}
END_TEST

/* A constructor that ran out of memory gave NULL: not a null member. */
START_TEST(json_put_refuses_a_missing_value)
{
  json_object *o = json_object_new_object(), *a = json_object_new_array();

  ck_assert_int_eq(ep_json_put(o, "k", NULL), EP_ENOMEM);
  ck_assert_int_eq(ep_json_append(a, NULL), EP_ENOMEM);
  ck_assert_int_eq(json_object_object_length(o), 0);
  ck_assert_int_eq(json_object_array_length(a), 0);
  json_object_put(o);
  json_object_put(a);
}
END_TEST

/* The value is taken either way: freed when it cannot be added. */
START_TEST(json_put_frees_the_value_it_cannot_add)
{
  json_object *v = json_object_new_string("kept");

  json_object_get(v);
  ck_assert_int_eq(ep_json_put(NULL, "k", v), EP_ENOMEM);
  json_object_get(v);
  ck_assert_int_eq(ep_json_append(NULL, v), EP_ENOMEM);
  ck_assert_int_eq(ep_json_put_null(NULL, "k"), EP_ENOMEM);
  /* Both calls dropped their reference: this is the last one. */
  ck_assert_int_eq(json_object_put(v), 1);
}
END_TEST

/* The last step of a build that failed before it drops what was built. */
START_TEST(json_built_drops_a_failed_build)
{
  json_object *o = json_object_new_object(), *a = json_object_new_array();
  json_object *v = json_object_new_string("kept");

  json_object_get(v);
  ck_assert_int_eq(ep_json_put_built(o, "k", v, EP_ENOMEM), EP_ENOMEM);
  json_object_get(v);
  ck_assert_int_eq(ep_json_append_built(a, v, EP_ENOMEM), EP_ENOMEM);
  json_object_get(v);
  ck_assert_ptr_null(ep_json_built(v, EP_ENOMEM));
  ck_assert_int_eq(json_object_put(v), 1);
  ck_assert_int_eq(json_object_object_length(o), 0);
  ck_assert_int_eq(ep_json_put_built(o, "k", json_object_new_int(2), EP_OK),
                   EP_OK);
  ck_assert_int_eq(ep_json_append_built(a, json_object_new_int(3), EP_OK),
                   EP_OK);
  ck_assert_ptr_eq(ep_json_built(a, EP_OK), a);
  ck_assert_int_eq(json_object_object_length(o), 1);
  ck_assert_int_eq(json_object_array_length(a), 1);
  json_object_put(o);
  json_object_put(a);
}
END_TEST

static Suite *
json_suite(void)
{
  Suite *s = suite_create("json");
  TCase *tc = tcase_create("parse");
  TCase *tf = tcase_create("files");

  tcase_add_loop_test(tc, json_refuses_with_position, 0,
                      (int)(sizeof bad_cases / sizeof bad_cases[0]));
  tcase_add_loop_test(tc, json_compact_input_column, 0,
                      (int)(sizeof compact_cases / sizeof compact_cases[0]));
  tcase_add_test(tc, json_refuses_single_quoted_member);
  tcase_add_loop_test(tc, json_refuses_what_json_c_lets_through, 0,
                      (int)(sizeof strict_cases / sizeof strict_cases[0]));
  tcase_add_test(tc, json_accepts_escapes_and_utf8);
  tcase_add_test(tc, json_refuses_infinity);
  tcase_add_test(tc, json_writes_strings);
  tcase_add_test(tc, json_refuses_nul_byte);
  tcase_add_test(tc, json_refuses_too_deep);
  tcase_add_test(tc, json_accepts_nested_duplicates_in_different_objects);
  tcase_add_test(tc, json_accepts_surrounding_whitespace);
  tcase_add_test(tc, json_type_names);
  tcase_add_test(tc, json_put_and_append_build_in_order);
  tcase_add_test(tc, json_put_refuses_a_missing_value);
  tcase_add_test(tc, json_put_frees_the_value_it_cannot_add);
  tcase_add_test(tc, json_built_drops_a_failed_build);
  suite_add_tcase(s, tc);

  tcase_add_checked_fixture(tf, make_tmpdir, remove_tmpdir);
  tcase_add_test(tf, json_load_file_ok);
  tcase_add_test(tf, json_load_file_missing);
  tcase_add_test(tf, json_load_file_empty);
  tcase_add_test(tf, json_load_file_too_large);
  suite_add_tcase(s, tf);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(json_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
