#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct key {
  size_t off, len;
};

struct level {
  int         is_object;
  int         want_key;
  struct key *keys;
  size_t      n_keys;
};

/* Returns the offset just past the string that opens at text[off]. */
static size_t
skip_string(const char *text, size_t len, size_t off)
{
  for (off++; off < len && text[off] != '"'; off++)
    if (text[off] == '\\')
      off++;
  return off + 1;
}

static bool
word_is(const char *p, size_t n, const char *word)
{
  return strlen(word) == n && memcmp(p, word, n) == 0;
}

/* json-c keeps the last of duplicate members silently; a profile with two
 * "timeout" members is ambiguous, so find the second one.  The text has
 * already parsed, so the scan only tracks strings and nesting. */
static bool
check_structure(const char *text, size_t len, const char *source,
                 struct ep_err *err)
{
  struct level stack[EP_JSON_MAX_DEPTH + 1];
  struct level *top;
  size_t        depth = 0, off = 0, end, i;
  bool          ok = true;
  struct key   *keys;

  memset(stack, 0, sizeof stack);
  while (off < len) {
    char c = text[off];

    top = depth ? &stack[depth - 1] : NULL;
    if (c == '"') {
      end = skip_string(text, len, off);
      if (top && top->is_object && top->want_key) {
        for (i = 0; i < top->n_keys; i++) {
          if (top->keys[i].len == end - off &&
              memcmp(text + top->keys[i].off, text + off, end - off) == 0) {
            char what[160];

            snprintf(what, sizeof what, "duplicate member %.*s",
                     (int)(end - off > 100 ? 100 : end - off), text + off);
            fail_at(text, off, source, err, what);
            ok = false;
            goto done;
          }
        }
        keys = realloc(top->keys, (top->n_keys + 1) * sizeof *keys);
        if (!keys) {
          ep_err_set(err, EP_ENOMEM, "%s: out of memory", source);
          ok = false;
          goto done;
        }
        top->keys = keys;
        top->keys[top->n_keys].off = off;
        top->keys[top->n_keys++].len = end - off;
        top->want_key = 0;
      }
      off = end;
      continue;
    }
    /* json-c's strict mode still takes 'single quotes' and Infinity. */
    if (c == '\'') {
      fail_at(text, off, source, err, "invalid JSON: single quotes");
      ok = false;
      goto done;
    }
    if ((c >= '0' && c <= '9') || c == '-') {
      while (off < len && strchr("0123456789eE+-.", text[off]))
        off++;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      end = off;
      while (end < len && ((text[end] >= 'a' && text[end] <= 'z') ||
                           (text[end] >= 'A' && text[end] <= 'Z')))
        end++;
      if (!word_is(text + off, end - off, "true") &&
          !word_is(text + off, end - off, "false") &&
          !word_is(text + off, end - off, "null")) {
        char what[96];

        snprintf(what, sizeof what, "invalid JSON: unexpected '%.*s'",
                 (int)(end - off > 40 ? 40 : end - off), text + off);
        fail_at(text, off, source, err, what);
        ok = false;
        goto done;
      }
      off = end;
      continue;
    }
    if ((c == '{' || c == '[') && depth <= EP_JSON_MAX_DEPTH) {
      stack[depth].is_object = c == '{';
      stack[depth].want_key = c == '{';
      stack[depth].keys = NULL;
      stack[depth].n_keys = 0;
      depth++;
    } else if ((c == '}' || c == ']') && depth > 0) {
      depth--;
      free(stack[depth].keys);
      stack[depth].keys = NULL;
    } else if (c == ',' && top && top->is_object) {
      top->want_key = 1;
    }
    off++;
  }
done:
  for (i = 0; i < depth; i++)
    free(stack[i].keys);
  return ok;
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
  FILE        *f;
  char        *buf;
  size_t       n;
  json_object *obj = NULL;

  f = fopen(path, "rb");
  if (!f) {
    ep_err_set(err, EP_EIO, "%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  buf = malloc(max + 1);
  if (!buf) {
    fclose(f);
    ep_err_set(err, EP_ENOMEM, "%s: out of memory", path);
    return NULL;
  }
  n = fread(buf, 1, max + 1, f);
  if (ferror(f))
    ep_err_set(err, EP_EIO, "%s: cannot read: %s", path, strerror(errno));
  else if (n > max)
    ep_err_set(err, EP_EINVAL, "%s: larger than %zu bytes", path, max);
  else if (n == 0)
    ep_err_set(err, EP_EINVAL, "%s: empty file, expected a JSON object", path);
  else
    obj = ep_json_parse_strict(buf, n, path, err);
  fclose(f);
  free(buf);
  return obj;
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
