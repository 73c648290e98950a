/* Unit tests for the nats probe's pure parts: the server's INFO line
 * (ep_nats_parse_info) from real nats-server 2.9.10 client and leafnode
 * listeners, garbage and oversize lines, and the rendering of a stranger's
 * words (ep_nats_safe_text) within its character and buffer limits. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nats.h"

/* A string literal and its length, NULs included. */
#define L(s) s, sizeof(s) - 1

#define SERVER_ID "NDIEGQ3VQ6FOUZHAU7Y2QDHXRGZ3XFNQGKHA7F6YPZ4T5DXNL2BJ3VOW"

/* What nats-server 2.9.10 sends a client on 4222, as read off the wire
 * (line end taken off, the space before it kept). */
static const char client_info[] =
  "INFO {\"server_id\":\"" SERVER_ID "\",\"server_name\":\"n1\","
  "\"version\":\"2.9.10\",\"proto\":1,\"go\":\"go1.19.8\","
  "\"host\":\"0.0.0.0\",\"port\":4222,\"headers\":true,"
  "\"max_payload\":1048576,\"client_id\":5,\"client_ip\":\"127.0.0.1\"} ";

/* ... and on its leafnode port 7422: a client_id too, but leafnode_urls
 * and info_on_connect, and always auth_required with a nonce. */
static const char leafnode_info[] =
  "INFO {\"server_id\":\"" SERVER_ID "\",\"server_name\":\"n1\","
  "\"version\":\"2.9.10\",\"proto\":1,\"go\":\"go1.19.8\","
  "\"host\":\"0.0.0.0\",\"port\":7422,\"headers\":true,"
  "\"auth_required\":true,\"max_payload\":1048576,"
  "\"nonce\":\"o2DCA5SMzoRHaRA\",\"client_id\":7,"
  "\"info_on_connect\":true,\"leafnode_urls\":[\"127.0.0.72:7422\"]} ";

static enum ep_status
parse(const char *line, size_t len, struct ep_nats_info *info, char *why,
      size_t size)
{
  memset(info, 0xa5, sizeof *info); /* the parser must clear it */
  snprintf(why, size, "untouched");
  return ep_nats_parse_info(line, len, info, why, size);
}

/* -------------------------------------------------------------------- */
/* Real servers                                                          */
/* -------------------------------------------------------------------- */

START_TEST(nats_client_listener_info)
{
  struct ep_nats_info info;
  char                why[256];

  ck_assert_int_eq(parse(client_info, strlen(client_info), &info, why,
                         sizeof why),
                   EP_OK);
  ck_assert_str_eq(info.server_id, SERVER_ID);
  ck_assert_str_eq(info.server_name, "n1");
  ck_assert_str_eq(info.version, "2.9.10");
  ck_assert_int_eq(info.proto, 1);
  ck_assert_int_eq(info.max_payload, 1048576);
  ck_assert(!info.tls_required);
  ck_assert(!info.tls_available);
  ck_assert(!info.auth_required);
  ck_assert(!info.leafnode);
}
END_TEST

START_TEST(nats_leafnode_listener_info)
{
  struct ep_nats_info info;
  char                why[256];

  ck_assert_int_eq(parse(leafnode_info, strlen(leafnode_info), &info, why,
                         sizeof why),
                   EP_OK);
  ck_assert_str_eq(info.server_id, SERVER_ID);
  ck_assert_str_eq(info.server_name, "n1");
  ck_assert_str_eq(info.version, "2.9.10");
  ck_assert_int_eq(info.proto, 1);
  ck_assert_int_eq(info.max_payload, 1048576);
  ck_assert(info.leafnode);
  ck_assert(info.auth_required);
  ck_assert(!info.tls_required);
  ck_assert(!info.tls_available);
}
END_TEST

/* Each sign of a leafnode listener on its own, and their absence. */
struct listener_case {
  const char *line;
  bool        leafnode;
};

static const struct listener_case listener_cases[] = {
  {"INFO {\"server_id\":\"S\",\"client_id\":5}", false},
  {"INFO {\"server_id\":\"S\",\"client_id\":5,\"info_on_connect\":false}",
   false},
  {"INFO {\"server_id\":\"S\",\"client_id\":5,"
   "\"connect_urls\":[\"10.0.0.1:4222\"]}",
   false},
  {"INFO {\"server_id\":\"S\",\"client_id\":5,"
   "\"leafnode_urls\":[\"127.0.0.72:7422\"]}",
   true},
  {"INFO {\"server_id\":\"S\",\"client_id\":5,\"leafnode_urls\":[]}", true},
  {"INFO {\"server_id\":\"S\",\"client_id\":5,\"info_on_connect\":true}",
   true},
  /* Older servers' leafnode INFO carried no client_id. */
  {"INFO {\"server_id\":\"S\"}", true},
  {"INFO {\"server_id\":\"S\",\"auth_required\":true,\"nonce\":\"abc\"}",
   true},
};

START_TEST(nats_listener_kind)
{
  const struct listener_case *c = &listener_cases[_i];
  struct ep_nats_info         info;
  char                        why[256];

  ck_assert_msg(parse(c->line, strlen(c->line), &info, why, sizeof why) ==
                  EP_OK,
                "%s: refused: %s", c->line, why);
  ck_assert_msg(info.leafnode == c->leafnode, "%s: leafnode %d, expected %d",
                c->line, info.leafnode, c->leafnode);
}
END_TEST

START_TEST(nats_tls_flags)
{
  struct ep_nats_info info;
  char                why[256];

  ck_assert_int_eq(
    parse(L("INFO {\"server_id\":\"S\",\"client_id\":1,\"tls_required\":true}"),
          &info, why, sizeof why),
    EP_OK);
  ck_assert(info.tls_required);
  ck_assert(!info.tls_available);
  ck_assert(!info.auth_required);

  ck_assert_int_eq(
    parse(L("INFO {\"server_id\":\"S\",\"client_id\":1,\"tls_available\":true}"),
          &info, why, sizeof why),
    EP_OK);
  ck_assert(!info.tls_required);
  ck_assert(info.tls_available);

  ck_assert_int_eq(parse(L("INFO {\"server_id\":\"S\",\"tls_required\":true,"
                           "\"tls_verify\":true,\"tls_available\":true,"
                           "\"auth_required\":true}"),
                         &info, why, sizeof why),
                   EP_OK);
  ck_assert(info.tls_required);
  ck_assert(info.tls_available);
  ck_assert(info.auth_required);

  /* Only JSON true is true: not a string, not a number. */
  ck_assert_int_eq(parse(L("INFO {\"server_id\":\"S\",\"tls_required\":"
                           "\"true\",\"tls_available\":1,"
                           "\"auth_required\":null}"),
                         &info, why, sizeof why),
                   EP_OK);
  ck_assert(!info.tls_required);
  ck_assert(!info.tls_available);
  ck_assert(!info.auth_required);
}
END_TEST

/* Fields of the wrong type are left empty rather than misread. */
START_TEST(nats_wrong_types_ignored)
{
  struct ep_nats_info info;
  char                why[256];

  ck_assert_int_eq(parse(L("INFO {\"server_id\":\"S\",\"server_name\":7,"
                           "\"version\":[\"2.9\"],\"proto\":\"1\","
                           "\"max_payload\":\"big\"}"),
                         &info, why, sizeof why),
                   EP_OK);
  ck_assert_str_eq(info.server_id, "S");
  ck_assert_str_eq(info.server_name, "");
  ck_assert_str_eq(info.version, "");
  ck_assert_int_eq(info.proto, 0);
  ck_assert_int_eq(info.max_payload, 0);
}
END_TEST

/* -------------------------------------------------------------------- */
/* Refusals                                                              */
/* -------------------------------------------------------------------- */

struct refusal {
  const char *line;
  size_t      len;
  const char *why;
};

static const struct refusal refusals[] = {
  /* INFO, but no server_id worth the name. */
  {L("INFO {\"server_name\":\"n1\",\"version\":\"2.9.10\",\"client_id\":5}"),
   "INFO without a server_id"},
  {L("INFO {}"), "INFO without a server_id"},
  {L("INFO {\"server_id\":\"\"}"), "INFO without a server_id"},
  {L("INFO {\"server_id\":42}"), "INFO without a server_id"},
  {L("INFO {\"server_id\":null}"), "INFO without a server_id"},
  /* Other services on a NATS port. */
  {L("SSH-2.0-OpenSSH_9.2p1"), "not NATS: said 'SSH-2.0-OpenSSH_9.2p1'"},
  {L("HTTP/1.1 400 Bad Request"), "not NATS: said 'HTTP/1.1 400 Bad Request'"},
  {L("HTTP/1.1 400"), "not NATS: said 'HTTP/1.1 400'"},
  /* A TLS alert (a TLS-only port answering plain text), NUL and all. */
  {L("\x15\x03\x03\x00\x02\x02\x46"), "not NATS: said '......F'"},
  {L("\x00\x01\x02\x7f\x80\xff"), "not NATS: said '......'"},
  {L("caf\xc3\xa9\tbar"), "not NATS: said 'caf...bar'"},
  {L(""), "not NATS: said ''"},
  {L("INFO"), "not NATS: said 'INFO'"},
  {L("INFO{\"server_id\":\"S\"}"), "not NATS: said 'INFO{\"server_id\":\"S\"}'"},
  {L("info {\"server_id\":\"S\"}"), "not NATS: said 'info {\"server_id\":\"S\"}'"},
  {L("-ERR 'Authorization Violation'"),
   "not NATS: said '-ERR 'Authorization Violation''"},
  /* Exactly 60 characters are repeated whole, 61 are cut. */
  {L("0123456789012345678901234567890123456789012345678901234567890"),
   "not NATS: said '012345678901234567890123456789012345678901234567890123456789...'"},
  {L("012345678901234567890123456789012345678901234567890123456789"),
   "not NATS: said '012345678901234567890123456789012345678901234567890123456789'"},
  {L("<!DOCTYPE html><html><head><title>400 Bad Request</title></head><body>"
     "<h1>Bad Request</h1></body></html>"),
   "not NATS: said '<!DOCTYPE html><html><head><title>400 Bad Request</title></h...'"},
  /* INFO followed by something other than one JSON object. */
  {L("INFO {\"server_id\":}"),
   "INFO is not a JSON object (unexpected character)"},
  {L("INFO hello"), "INFO is not a JSON object (unexpected character)"},
  {L("INFO {\"server_id\" \"S\"}"),
   "INFO is not a JSON object (object property name separator ':' expected)"},
  {L("INFO {\"server_id\":\"S\",,}"),
   "INFO is not a JSON object (quoted object property name expected)"},
  {L("INFO [1,2]"), "INFO is not a JSON object (another JSON value)"},
  {L("INFO [{\"server_id\":\"S\"}]"),
   "INFO is not a JSON object (another JSON value)"},
  {L("INFO \"server_id\""), "INFO is not a JSON object (another JSON value)"},
};

START_TEST(nats_refusals)
{
  const struct refusal *c = &refusals[_i];
  struct ep_nats_info   info;
  char                  why[256];

  ck_assert_msg(parse(c->line, c->len, &info, why, sizeof why) == EP_EPROTO,
                "case %d accepted", _i);
  ck_assert_str_eq(why, c->why);
}
END_TEST

/* INFO with nothing after it, or JSON cut short: refused with the
 * tokener's reason in brackets. */
START_TEST(nats_info_without_complete_json)
{
  static const struct {
    const char *line;
    size_t      len;
  } cases[] = {
    {L("INFO ")},
    {L("INFO {")},
    {L("INFO {\"server_id\":\"S\"")},
    {L("INFO {\"server_id\":\"S\",\"proto\":1")},
    {L("INFO null")},
  };
  struct ep_nats_info info;
  char                why[256];
  size_t              i, n;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ck_assert_msg(parse(cases[i].line, cases[i].len, &info, why, sizeof why) ==
                    EP_EPROTO,
                  "'%s' accepted", cases[i].line);
    n = strlen(why);
    ck_assert_msg(strncmp(why, "INFO is not a JSON object (", 27) == 0 &&
                    n > 28 && why[n - 1] == ')',
                  "'%s': %s", cases[i].line, why);
    ck_assert_str_eq(info.server_id, "");
  }
}
END_TEST

/* "INFO {"server_id":"S","a":" + depth brackets + "1" + closers + "}" */
static size_t
nested_info(char *out, size_t size, int depth)
{
  size_t n = 0;
  int    i;

  n += (size_t)snprintf(out, size, "INFO {\"server_id\":\"S\",\"a\":");
  for (i = 0; i < depth && n + 1 < size; i++)
    out[n++] = '[';
  if (n + 1 < size)
    out[n++] = '1';
  for (i = 0; i < depth && n + 1 < size; i++)
    out[n++] = ']';
  if (n + 1 < size)
    out[n++] = '}';
  out[n] = '\0';
  return n;
}

/* The tokener stops at depth 8 (the INFO object itself is one level):
 * a hostile server cannot make the parser recurse or allocate deeply. */
START_TEST(nats_nesting_limit)
{
  static char         line[EP_NATS_LINE_MAX + 1];
  struct ep_nats_info info;
  char                why[256];
  size_t              len;

  len = nested_info(line, sizeof line, 2);
  ck_assert_int_eq(parse(line, len, &info, why, sizeof why), EP_OK);
  ck_assert_str_eq(info.server_id, "S");
  len = nested_info(line, sizeof line, 6); /* 7 levels in all */
  ck_assert_int_eq(parse(line, len, &info, why, sizeof why), EP_OK);

  len = nested_info(line, sizeof line, 7); /* 8 levels */
  ck_assert_int_eq(parse(line, len, &info, why, sizeof why), EP_EPROTO);
  ck_assert_str_eq(why, "INFO is not a JSON object (nesting too deep)");
  len = nested_info(line, sizeof line, 20);
  ck_assert_int_eq(parse(line, len, &info, why, sizeof why), EP_EPROTO);
  ck_assert_str_eq(why, "INFO is not a JSON object (nesting too deep)");
  /* A whole line of brackets. */
  len = nested_info(line, sizeof line, (int)(EP_NATS_LINE_MAX / 2 - 40));
  ck_assert_int_eq(parse(line, len, &info, why, sizeof why), EP_EPROTO);
  ck_assert_str_eq(why, "INFO is not a JSON object (nesting too deep)");
  /* Objects nest the same way. */
  ck_assert_int_eq(parse(L("INFO {\"server_id\":\"S\",\"a\":{\"b\":{\"c\":{\"d\":"
                           "{\"e\":{\"f\":{\"g\":{\"h\":1}}}}}}}}"),
                         &info, why, sizeof why),
                   EP_EPROTO);
  ck_assert_str_eq(why, "INFO is not a JSON object (nesting too deep)");
}
END_TEST

/* The whole of why is used, never more, and it is always terminated. */
START_TEST(nats_why_fits_its_buffer)
{
  struct ep_nats_info info;
  char                why[64];
  size_t              size;

  for (size = 1; size <= 40; size++) {
    memset(why, 'Z', sizeof why);
    ck_assert_int_eq(ep_nats_parse_info(L("SSH-2.0-OpenSSH_9.2p1"), &info, why,
                                        size),
                     EP_EPROTO);
    ck_assert_uint_lt(strlen(why), size);
    ck_assert_int_eq(strncmp(why, "not NATS: said 'SSH-2.0-OpenSSH_9.2p1'",
                             size - 1),
                     0);
    ck_assert_msg(size == sizeof why || why[size] == 'Z',
                  "wrote past %zu bytes", size);
  }
}
END_TEST

/* -------------------------------------------------------------------- */
/* Fields longer than their room                                         */
/* -------------------------------------------------------------------- */

static size_t
info_with_id(char *out, size_t size, const char *id)
{
  return (size_t)snprintf(out, size,
                          "INFO {\"server_id\":\"%s\",\"server_name\":\"n1\","
                          "\"version\":\"2.9.10\",\"client_id\":5}",
                          id);
}

START_TEST(nats_long_server_id_truncated_safely)
{
  char                id[301], line[1024];
  struct ep_nats_info info;
  char                why[256];
  size_t              len, n;

  memset(id, 'N', 300);
  id[300] = '\0';
  len = info_with_id(line, sizeof line, id);
  ck_assert_int_eq(parse(line, len, &info, why, sizeof why), EP_OK);
  ck_assert_ptr_nonnull(memchr(info.server_id, '\0', sizeof info.server_id));
  n = strlen(info.server_id);
  ck_assert_uint_ge(n, 32);
  ck_assert_uint_lt(n, sizeof info.server_id);
  ck_assert_int_eq(strncmp(info.server_id, id, n < 60 ? n : 60), 0);
  /* The neighbours are untouched. */
  ck_assert_str_eq(info.server_name, "n1");
  ck_assert_str_eq(info.version, "2.9.10");
  ck_assert(!info.leafnode);

  /* A long version and name too. */
  len = (size_t)snprintf(line, sizeof line,
                         "INFO {\"server_id\":\"S\",\"server_name\":\"%s\","
                         "\"version\":\"%s\"}",
                         id, id);
  ck_assert_int_eq(parse(line, len, &info, why, sizeof why), EP_OK);
  ck_assert_str_eq(info.server_id, "S");
  ck_assert_uint_lt(strlen(info.server_name), sizeof info.server_name);
  ck_assert_uint_lt(strlen(info.version), sizeof info.version);
  ck_assert_int_eq(strncmp(info.version, id, 16), 0);
}
END_TEST

/* copy_string() leaves room (size - 4) for "..." after a cut field, so
 * a cut server_id should say it was cut: 60 characters and "...". */
START_TEST(nats_long_server_id_marked_truncated)
{
  char                id[101], line[256], want[64];
  struct ep_nats_info info;
  char                why[256];
  size_t              len;

  memset(id, 'N', 100);
  id[100] = '\0';
  len = info_with_id(line, sizeof line, id);
  ck_assert_int_eq(parse(line, len, &info, why, sizeof why), EP_OK);
  snprintf(want, sizeof want, "%.60s...", id);
  ck_assert_str_eq(info.server_id, want);
}
END_TEST

START_TEST(nats_field_control_characters_replaced)
{
  struct ep_nats_info info;
  char                why[256];

  ck_assert_int_eq(parse(L("INFO {\"server_id\":\"N\\u0001X\\nY\\u001b[31m\","
                           "\"server_name\":\"caf\\u00e9\"}"),
                         &info, why, sizeof why),
                   EP_OK);
  ck_assert_str_eq(info.server_id, "N.X.Y.[31m");
  ck_assert_str_eq(info.server_name, "caf..");
}
END_TEST

/* -------------------------------------------------------------------- */
/* ep_nats_safe_text                                                     */
/* -------------------------------------------------------------------- */

START_TEST(nats_safe_text_renders)
{
  char out[64];

  ep_nats_safe_text(L("hello world"), 60, out, sizeof out);
  ck_assert_str_eq(out, "hello world");
  ep_nats_safe_text(L("hello world"), 11, out, sizeof out);
  ck_assert_str_eq(out, "hello world");
  ep_nats_safe_text(L("hello world"), 10, out, sizeof out);
  ck_assert_str_eq(out, "hello worl...");
  ep_nats_safe_text(L("hello world"), 5, out, sizeof out);
  ck_assert_str_eq(out, "hello...");
  ep_nats_safe_text(L("hello world"), 0, out, sizeof out);
  ck_assert_str_eq(out, "...");
  ep_nats_safe_text(L(""), 60, out, sizeof out);
  ck_assert_str_eq(out, "");
  ep_nats_safe_text(L("\t\r\n\x7f\x80\xff\x00 ~"), 60, out, sizeof out);
  ck_assert_str_eq(out, "....... ~");
  /* Only len bytes are read: what follows is not shown. */
  ep_nats_safe_text("abcdef", 3, 60, out, sizeof out);
  ck_assert_str_eq(out, "abc");
}
END_TEST

/* Cut by the buffer rather than max: as much as fits, terminated. */
START_TEST(nats_safe_text_buffer_limit)
{
  char out[16];

  memset(out, 'Z', sizeof out);
  ep_nats_safe_text(L("hello world"), 60, out, 4);
  ck_assert_str_eq(out, "hel");
  ck_assert_int_eq(out[4], 'Z');
  memset(out, 'Z', sizeof out);
  ep_nats_safe_text(L("hello world"), 60, out, 1);
  ck_assert_str_eq(out, "");
  ck_assert_int_eq(out[1], 'Z');
}
END_TEST

/* Every max and every buffer size: nothing written past size, always
 * terminated, a prefix of the input rendered, "..." only after a cut. */
START_TEST(nats_safe_text_never_overflows)
{
  static const char in[] = "The quick\x01 brown fox";
  const size_t      len = sizeof in - 1;
  char              out[48];
  size_t            max, size, n, shown;

  for (max = 0; max <= len + 2; max++) {
    for (size = 1; size <= 32; size++) {
      memset(out, 'Z', sizeof out);
      ep_nats_safe_text(in, len, max, out, size);
      ck_assert_msg(memchr(out, '\0', size) != NULL,
                    "max %zu size %zu: not terminated", max, size);
      for (n = size; n < sizeof out; n++)
        ck_assert_msg(out[n] == 'Z', "max %zu size %zu: wrote byte %zu", max,
                      size, n);
      n = strlen(out);
      shown = n;
      if (n >= 3 && strcmp(out + n - 3, "...") == 0 && len > max)
        shown = n - 3;
      ck_assert_msg(shown <= max && shown <= len,
                    "max %zu size %zu: '%s' too long", max, size, out);
      ck_assert_msg(memcmp(out, "The quick. brown fox", shown) == 0,
                    "max %zu size %zu: '%s'", max, size, out);
      if (len <= max && size > len)
        ck_assert_msg(strcmp(out, "The quick. brown fox") == 0,
                      "max %zu size %zu: '%s'", max, size, out);
    }
  }
}
END_TEST

/* max characters and "..." exactly fill max + 4 bytes: the cut is still
 * marked (this is the room copy_string() leaves). */
START_TEST(nats_safe_text_ellipsis_fits_exactly)
{
  char out[16];

  memset(out, 'Z', sizeof out);
  ep_nats_safe_text(L("abcdefgh"), 4, out, 8);
  ck_assert_str_eq(out, "abcd...");
  ck_assert_int_eq(out[8], 'Z');
}
END_TEST

/* size 0 is a buffer of no bytes: nothing may be written, like
 * snprintf(buf, 0, ...). */
START_TEST(nats_safe_text_size_zero_writes_nothing)
{
  char out[4];

  memset(out, 'Z', sizeof out);
  ep_nats_safe_text(L("hello"), 60, out, 0);
  ck_assert_int_eq(out[0], 'Z');
}
END_TEST

/* Only the server's refusal of credentials proves the path open; its
 * own timer running out before CONNECT arrived does not. */
START_TEST(nats_err_kinds)
{
  ck_assert_int_eq(ep_nats_classify_err("'Authorization Violation'"),
                   EP_NATS_ERR_AUTH);
  ck_assert_int_eq(ep_nats_classify_err("'User Authentication Expired'"),
                   EP_NATS_ERR_AUTH);
  ck_assert_int_eq(ep_nats_classify_err("'User Authentication Revoked'"),
                   EP_NATS_ERR_AUTH);
  ck_assert_int_eq(ep_nats_classify_err("'Account Authentication Expired'"),
                   EP_NATS_ERR_AUTH);
  ck_assert_int_eq(ep_nats_classify_err("'Authentication Timeout'"),
                   EP_NATS_ERR_AUTH_TIMEOUT);
  ck_assert_int_eq(ep_nats_classify_err("'Maximum Connections Exceeded'"),
                   EP_NATS_ERR_OTHER);
  ck_assert_int_eq(ep_nats_classify_err(""), EP_NATS_ERR_OTHER);
}
END_TEST

static Suite *
nats_suite(void)
{
  Suite *s = suite_create("nats");
  TCase *ti = tcase_create("info");
  TCase *tr = tcase_create("refusals");
  TCase *tl = tcase_create("long fields");
  TCase *tt = tcase_create("safe text");

  tcase_add_test(ti, nats_client_listener_info);
  tcase_add_test(ti, nats_leafnode_listener_info);
  tcase_add_loop_test(ti, nats_listener_kind, 0,
                      (int)(sizeof listener_cases / sizeof listener_cases[0]));
  tcase_add_test(ti, nats_tls_flags);
  tcase_add_test(ti, nats_wrong_types_ignored);
  suite_add_tcase(s, ti);

  tcase_add_loop_test(tr, nats_refusals, 0,
                      (int)(sizeof refusals / sizeof refusals[0]));
  tcase_add_test(tr, nats_info_without_complete_json);
  tcase_add_test(tr, nats_nesting_limit);
  tcase_add_test(tr, nats_why_fits_its_buffer);
  tcase_add_test(tr, nats_err_kinds);
  suite_add_tcase(s, tr);

  tcase_add_test(tl, nats_long_server_id_truncated_safely);
  tcase_add_test(tl, nats_long_server_id_marked_truncated);
  tcase_add_test(tl, nats_field_control_characters_replaced);
  suite_add_tcase(s, tl);

  tcase_add_test(tt, nats_safe_text_renders);
  tcase_add_test(tt, nats_safe_text_buffer_limit);
  tcase_add_test(tt, nats_safe_text_never_overflows);
  tcase_add_test(tt, nats_safe_text_ellipsis_fits_exactly);
  tcase_add_test(tt, nats_safe_text_size_zero_writes_nothing);
  suite_add_tcase(s, tt);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(nats_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
