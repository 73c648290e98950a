#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_buf.h"
#include "ep_file.h"
#include "ep_json.h"

static void
line_col(const char *text, size_t off, unsigned *line, unsigned *col)
{
  size_t i;

  *line = 1;
  *col = 1;
  for (i = 0; i < off; i++) {
    if (text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

static json_object *
fail_at(const char *text, size_t off, const char *source, struct ep_err *err,
        const char *what)
{
  unsigned line, col;

  line_col(text, off, &line, &col);
  ep_err_set(err, EP_EINVAL, "%s: line %u, column %u: %s", source, line, col,
             what);
  return NULL;
}

/* A strict RFC 8259 reader over text json-c has already taken, for what
 * json-c's strict mode still lets through: single quotes, Infinity,
 * "1.", raw control characters, lone surrogates, invalid UTF-8, and
 * duplicate members, compared after unescaping ("a" and "\u0061"). */
struct scan {
  const char    *t;
  size_t         len, off;
  const char    *source;
  struct ep_err *err;
  int            depth;
};

static bool
scan_fail(struct scan *s, size_t off, const char *what)
{
  fail_at(s->t, off, s->source, s->err, what);
  return false;
}

static void
skip_ws(struct scan *s)
{
  while (s->off < s->len && strchr(" \t\r\n", s->t[s->off]) && s->t[s->off])
    s->off++;
}

static int
hex4(const char *p)
{
  int v = 0, i;

  for (i = 0; i < 4; i++) {
    char c = p[i];

    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= c - '0';
    else if (c >= 'a' && c <= 'f')
      v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v |= c - 'A' + 10;
    else
      return -1;
  }
  return v;
}

static bool
put_utf8(struct ep_buf *out, unsigned long cp)
{
  char   b[4];
  size_t n;

  if (!out)
    return true;
  if (cp < 0x80) {
    b[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    b[0] = (char)(0xc0 | (cp >> 6));
    b[1] = (char)(0x80 | (cp & 0x3f));
    n = 2;
  } else if (cp < 0x10000) {
    b[0] = (char)(0xe0 | (cp >> 12));
    b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    b[2] = (char)(0x80 | (cp & 0x3f));
    n = 3;
  } else {
    b[0] = (char)(0xf0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    b[3] = (char)(0x80 | (cp & 0x3f));
    n = 4;
  }
  return ep_buf_add(out, b, n) == EP_OK;
}

/* Length of a valid UTF-8 sequence at p (at most n bytes), 0 if invalid:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
  size_t        need, i;
  unsigned long cp;

  if (p[0] < 0x80)
    return 1;
  if (p[0] >= 0xc2 && p[0] <= 0xdf)
    need = 2, cp = p[0] & 0x1f;
  else if (p[0] >= 0xe0 && p[0] <= 0xef)
    need = 3, cp = p[0] & 0x0f;
  else if (p[0] >= 0xf0 && p[0] <= 0xf4)
    need = 4, cp = p[0] & 0x07;
  else
    return 0;
  if (n < need)
    return 0;
  for (i = 1; i < need; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
      (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
    return 0;
  return need;
}

/* A string at s->off; its unescaped bytes go to out when not NULL. */
static bool
scan_string(struct scan *s, struct ep_buf *out)
{
  size_t start = s->off, n;

  if (s->off < s->len && s->t[s->off] == '\'')
    return scan_fail(s, s->off, "invalid JSON: single quotes");
  if (s->off >= s->len || s->t[s->off] != '"')
    return scan_fail(s, s->off, "invalid JSON: expected a string");
  s->off++;
  while (s->off < s->len) {
    unsigned char c = (unsigned char)s->t[s->off];

    if (c == '"') {
      s->off++;
      return true;
    }
    if (c < 0x20)
      return scan_fail(s, s->off, "invalid JSON: control character in a string");
    if (c == '\\') {
      char e = s->off + 1 < s->len ? s->t[s->off + 1] : '\0';
      const char *map = strchr("\"\\/bfnrt", e);

      if (e && map) {
        static const char to[] = "\"\\/\b\f\n\r\t";

        if (out && ep_buf_add(out, &to[map - "\"\\/bfnrt"], 1) != EP_OK)
          return scan_fail(s, s->off, "out of memory");
        s->off += 2;
        continue;
      }
      if (e == 'u' && s->off + 6 <= s->len) {
        int           u = hex4(s->t + s->off + 2);
        unsigned long cp = (unsigned long)u;

        if (u < 0)
          return scan_fail(s, s->off, "invalid JSON: bad \\u escape");
        s->off += 6;
        /* json-c would end the string at the NUL: "timeout\u0000" would
         * pass the duplicate check and then load as "timeout". */
        if (u == 0)
          return scan_fail(s, s->off - 6,
                           "\\u0000 (a NUL character) in a string");
        if (u >= 0xdc00 && u <= 0xdfff)
          return scan_fail(s, s->off - 6, "invalid JSON: lone surrogate");
        if (u >= 0xd800 && u <= 0xdbff) {
          int lo = s->off + 6 <= s->len && s->t[s->off] == '\\' &&
                       s->t[s->off + 1] == 'u'
                     ? hex4(s->t + s->off + 2)
                     : -1;

          if (lo < 0xdc00 || lo > 0xdfff)
            return scan_fail(s, s->off - 6, "invalid JSON: lone surrogate");
          cp = 0x10000 + (((unsigned long)u - 0xd800) << 10) +
               ((unsigned long)lo - 0xdc00);
          s->off += 6;
        }
        if (!put_utf8(out, cp))
          return scan_fail(s, s->off, "out of memory");
        continue;
      }
      return scan_fail(s, s->off, "invalid JSON: bad escape in a string");
    }
    n = utf8_len((const unsigned char *)s->t + s->off, s->len - s->off);
    if (n == 0)
      return scan_fail(s, s->off, "invalid JSON: not UTF-8");
    if (out && ep_buf_add(out, s->t + s->off, n) != EP_OK)
      return scan_fail(s, s->off, "out of memory");
    s->off += n;
  }
  return scan_fail(s, start, "invalid JSON: unterminated string");
}

static bool
digits(struct scan *s)
{
  size_t start = s->off;

  while (s->off < s->len && s->t[s->off] >= '0' && s->t[s->off] <= '9')
    s->off++;
  return s->off > start;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
scan_number(struct scan *s)
{
  size_t start = s->off;

  if (s->t[s->off] == '-')
    s->off++;
  if (s->off < s->len && s->t[s->off] == '0')
    s->off++;
  else if (!digits(s))
    return scan_fail(s, start, "invalid JSON: not a number");
  if (s->off < s->len && s->t[s->off] == '.') {
    s->off++;
    if (!digits(s))
      return scan_fail(s, start, "invalid JSON: a number needs digits after '.'");
  }
  if (s->off < s->len && (s->t[s->off] == 'e' || s->t[s->off] == 'E')) {
    s->off++;
    if (s->off < s->len && (s->t[s->off] == '+' || s->t[s->off] == '-'))
      s->off++;
    if (!digits(s))
      return scan_fail(s, start, "invalid JSON: a number needs digits in its exponent");
  }
  return true;
}

static bool scan_value(struct scan *s);

static bool
scan_object(struct scan *s)
{
  struct ep_buf *keys = NULL;
  size_t         n_keys = 0, i, at;
  bool           ok = false;

  s->off++;
  skip_ws(s);
  if (s->off < s->len && s->t[s->off] == '}') {
    s->off++;
    return true;
  }
  for (;;) {
    struct ep_buf *v = realloc(keys, (n_keys + 1) * sizeof *keys);

    if (!v) {
      scan_fail(s, s->off, "out of memory");
      break;
    }
    keys = v;
    ep_buf_init(&keys[n_keys], 1u << 20);
    at = s->off;
    if (!scan_string(s, &keys[n_keys++]))
      break;
    for (i = 0; i + 1 < n_keys; i++) {
      if (keys[i].len == keys[n_keys - 1].len &&
          memcmp(ep_buf_str(&keys[i]), ep_buf_str(&keys[n_keys - 1]),
                 keys[i].len) == 0) {
        char what[160];

        snprintf(what, sizeof what, "duplicate member %.*s",
                 (int)(s->off - at > 100 ? 100 : s->off - at), s->t + at);
        scan_fail(s, at, what);
        goto done;
      }
    }
    skip_ws(s);
    if (s->off >= s->len || s->t[s->off] != ':') {
      scan_fail(s, s->off, "invalid JSON: expected ':'");
      break;
    }
    s->off++;
    if (!scan_value(s))
      break;
    skip_ws(s);
    if (s->off < s->len && s->t[s->off] == ',') {
      s->off++;
      skip_ws(s);
      continue;
    }
    if (s->off < s->len && s->t[s->off] == '}') {
      s->off++;
      ok = true;
    } else {
      scan_fail(s, s->off, "invalid JSON: expected ',' or '}'");
    }
    break;
  }
done:
  for (i = 0; i < n_keys; i++)
    ep_buf_cleanup(&keys[i]);
  free(keys);
  return ok;
}

static bool
scan_array(struct scan *s)
{
  s->off++;
  skip_ws(s);
  if (s->off < s->len && s->t[s->off] == ']') {
    s->off++;
    return true;
  }
  for (;;) {
    if (!scan_value(s))
      return false;
    skip_ws(s);
    if (s->off < s->len && s->t[s->off] == ',') {
      s->off++;
      continue;
    }
    if (s->off < s->len && s->t[s->off] == ']') {
      s->off++;
      return true;
    }
    return scan_fail(s, s->off, "invalid JSON: expected ',' or ']'");
  }
}

static bool
scan_word(struct scan *s, const char *word)
{
  size_t n = strlen(word);

  if (s->len - s->off >= n && memcmp(s->t + s->off, word, n) == 0) {
    s->off += n;
    return true;
  }
  return false;
}

static bool
scan_value(struct scan *s)
{
  bool ok;
  char c, what[96];

  skip_ws(s);
  if (s->off >= s->len)
    return scan_fail(s, s->off, "unexpected end of input");
  c = s->t[s->off];
  if (c == '{' || c == '[') {
    if (++s->depth > EP_JSON_MAX_DEPTH)
      return scan_fail(s, s->off, "invalid JSON: nested too deeply");
    ok = c == '{' ? scan_object(s) : scan_array(s);
    s->depth--;
    return ok;
  }
  if (c == '"')
    return scan_string(s, NULL);
  if (c == '-' || (c >= '0' && c <= '9'))
    return scan_number(s);
  if (scan_word(s, "true") || scan_word(s, "false") || scan_word(s, "null"))
    return true;
  if (c == '\'')
    return scan_fail(s, s->off, "invalid JSON: single quotes");
  snprintf(what, sizeof what, "invalid JSON: unexpected '%.*s'",
           (int)strcspn(s->t + s->off, " \t\r\n,:]}") > 40
             ? 40
             : (int)strcspn(s->t + s->off, " \t\r\n,:]}"),
           s->t + s->off);
  return scan_fail(s, s->off, what);
}

static bool
check_structure(const char *text, size_t len, const char *source,
                struct ep_err *err)
{
  struct scan s = {text, len, 0, source, err, 0};

  if (!scan_value(&s))
    return false;
  skip_ws(&s);
  if (s.off < len)
    return scan_fail(&s, s.off, "unexpected text after the JSON value");
  return true;
}

json_object *
ep_json_parse_strict(const char *text, size_t len, const char *source,
                     struct ep_err *err)
{
  struct json_tokener   *tok;
  json_object           *obj = NULL;
  enum json_tokener_error jerr;
  size_t                 end;
  char                   what[160];

  if (memchr(text, '\0', len))
    return fail_at(text, (size_t)((const char *)memchr(text, '\0', len) - text),
                   source, err, "NUL byte in the input");
  tok = json_tokener_new_ex(EP_JSON_MAX_DEPTH);
  if (!tok) {
    ep_err_set(err, EP_ENOMEM, "%s: out of memory", source);
    return NULL;
  }
  /* Trailing text is checked below, for a clearer message than json-c's. */
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
                                JSON_TOKENER_ALLOW_TRAILING_CHARS);
  obj = json_tokener_parse_ex(tok, text, (int)len);
  jerr = json_tokener_get_error(tok);
  end = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  if (jerr == json_tokener_continue || (!obj && jerr == json_tokener_success)) {
    json_object_put(obj);
    return fail_at(text, len, source, err, "unexpected end of input");
  }
  if (jerr != json_tokener_success) {
    snprintf(what, sizeof what, "invalid JSON: %s",
             json_tokener_error_desc(jerr));
    /* json-c stops at the character it rejected. */
    return fail_at(text, end, source, err, what);
  }
  for (; end < len; end++) {
    if (!strchr(" \t\r\n", text[end])) {
      json_object_put(obj);
      return fail_at(text, end, source, err,
                     "unexpected text after the JSON value");
    }
  }
  if (!check_structure(text, len, source, err)) {
    json_object_put(obj);
    return NULL;
  }
  return obj;
}

json_object *
ep_json_load_file(const char *path, size_t max, struct ep_err *err)
{
  char        *buf;
  size_t       n;
  json_object *obj = NULL;

  if (ep_file_read(path, NULL, max, &buf, &n, err) != EP_OK)
    return NULL;
  if (n == 0)
    ep_err_set(err, EP_EINVAL, "%s: empty file, expected a JSON object", path);
  else
    obj = ep_json_parse_strict(buf, n, path, err);
  free(buf);
  return obj;
}

enum ep_status
ep_json_add_string(struct ep_buf *b, const char *s)
{
  static const char hex[] = "0123456789abcdef";
  enum ep_status    rc = ep_buf_add(b, "\"", 1);
  char              esc[6];

  for (; rc == EP_OK && *s; s++) {
    unsigned char c = (unsigned char)*s;

    if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = (char)c;
      rc = ep_buf_add(b, esc, 2);
    } else if (c < 0x20) {
      memcpy(esc, "\\u00", 4);
      esc[4] = hex[c >> 4];
      esc[5] = hex[c & 15];
      rc = ep_buf_add(b, esc, 6);
    } else {
      rc = ep_buf_add(b, s, 1);
    }
  }
  explicit_bzero(esc, sizeof esc);
  return rc == EP_OK ? ep_buf_add(b, "\"", 1) : rc;
}

const char *
ep_json_type_name(const json_object *o)
{
  switch (json_object_get_type(o)) {
    case json_type_null:
      return "null";
    case json_type_boolean:
      return "boolean";
    case json_type_double:
    case json_type_int:
      return "number";
    case json_type_object:
      return "object";
    case json_type_array:
      return "array";
    case json_type_string:
      return "string";
  }
  return "value";
}

enum ep_status
ep_json_put(json_object *obj, const char *key, json_object *val)
{
  if (!obj || !val || json_object_object_add(obj, key, val) != 0) {
    json_object_put(val);
    return EP_ENOMEM;
  }
  return EP_OK;
}

enum ep_status
ep_json_put_null(json_object *obj, const char *key)
{
  if (!obj || json_object_object_add(obj, key, NULL) != 0)
    return EP_ENOMEM;
  return EP_OK;
}

enum ep_status
ep_json_append(json_object *arr, json_object *val)
{
  if (!arr || !val || json_object_array_add(arr, val) != 0) {
    json_object_put(val);
    return EP_ENOMEM;
  }
  return EP_OK;
}

enum ep_status
ep_json_put_built(json_object *obj, const char *key, json_object *val,
                  enum ep_status rc)
{
  if (rc == EP_OK)
    return ep_json_put(obj, key, val);
  json_object_put(val);
  return rc;
}

enum ep_status
ep_json_append_built(json_object *arr, json_object *val, enum ep_status rc)
{
  if (rc == EP_OK)
    return ep_json_append(arr, val);
  json_object_put(val);
  return rc;
}

json_object *
ep_json_built(json_object *val, enum ep_status rc)
{
  if (rc == EP_OK)
    return val;
  json_object_put(val);
  return NULL;
}
