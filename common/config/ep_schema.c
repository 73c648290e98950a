#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_addr.h"
#include "ep_json.h"
#include "ep_range.h"
#include "ep_schema.h"

#define PATH_TEXT_MAX 128

void
ep_strlist_free(struct ep_strlist *l)
{
  size_t i;

  for (i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

enum ep_status
ep_strlist_add(struct ep_strlist *l, const char *s)
{
  char **v = realloc(l->v, (l->n + 1) * sizeof *v);

  if (!v)
    return EP_ENOMEM;
  l->v = v;
  if (!(v[l->n] = strdup(s)))
    return EP_ENOMEM;
  l->n++;
  return EP_OK;
}

int
ep_strlist_find(const struct ep_strlist *l, const char *s)
{
  size_t i;

  for (i = 0; i < l->n; i++)
    if (strcmp(l->v[i], s) == 0)
      return (int)i;
  return -1;
}

enum ep_status
ep_decode_expected(const struct ep_decoder *d, const char *path,
                   const char *what, json_object *got)
{
  return ep_err_set(d->err, EP_EINVAL, "%s: %s: expected %s, got %s",
                    d->source, path, what, ep_json_type_name(got));
}

enum ep_status
ep_decode_invalid(const struct ep_decoder *d, const char *path,
                  const char *why)
{
  return ep_err_set(d->err, EP_EINVAL, "%s: %s: %s", d->source, path, why);
}

enum ep_status
ep_decode_nomem(const struct ep_decoder *d)
{
  return ep_err_set(d->err, EP_ENOMEM, "%s: out of memory", d->source);
}

enum ep_status
ep_decode_members(const struct ep_decoder *d, const char *path,
                  json_object *o, const char *const *names)
{
  char   why[160];
  size_t i;

  json_object_object_foreach(o, key, val) {
    (void)val;
    for (i = 0; names[i]; i++)
      if (strcmp(names[i], key) == 0)
        break;
    if (!names[i]) {
      snprintf(why, sizeof why, "unknown member \"%.80s\"", key);
      return ep_decode_invalid(d, path, why);
    }
  }
  return EP_OK;
}

static enum ep_status
get_string(const struct ep_decoder *d, const char *path, json_object *v,
           char **out)
{
  char *s;

  if (!json_object_is_type(v, json_type_string))
    return ep_decode_expected(d, path, "a string", v);
  if (json_object_get_string_len(v) == 0)
    return ep_decode_invalid(d, path, "expected a non-empty string");
  if (!(s = strdup(json_object_get_string(v))))
    return ep_decode_nomem(d);
  free(*out);
  *out = s;
  return EP_OK;
}

static enum ep_status
get_int(const struct ep_decoder *d, const char *path, json_object *v, int lo,
        int hi, int *out)
{
  char    why[96];
  int64_t n;

  if (!json_object_is_type(v, json_type_int))
    return ep_decode_expected(d, path, "an integer", v);
  n = json_object_get_int64(v);
  if (n < lo || n > hi) {
    snprintf(why, sizeof why, "expected an integer from %d to %d, got %lld",
             lo, hi, (long long)n);
    return ep_decode_invalid(d, path, why);
  }
  *out = (int)n;
  return EP_OK;
}

static enum ep_status
get_bool(const struct ep_decoder *d, const char *path, json_object *v,
         bool *out)
{
  if (!json_object_is_type(v, json_type_boolean))
    return ep_decode_expected(d, path, "true or false", v);
  *out = json_object_get_boolean(v) != 0;
  return EP_OK;
}

static enum ep_status
get_range(const struct ep_decoder *d, const char *path, json_object *v,
          char **out)
{
  struct ep_range r;
  struct ep_err   rerr = EP_ERR_INIT;
  char            why[EP_ERR_MSG_MAX];

  if (!json_object_is_type(v, json_type_string))
    return ep_decode_expected(d, path,
                              "a threshold range string such as \"0.5\"", v);
  if (ep_range_parse(&r, json_object_get_string(v), NULL, &rerr) != EP_OK) {
    snprintf(why, sizeof why, "%s", rerr.msg);
    return ep_decode_invalid(d, path, why);
  }
  return get_string(d, path, v, out);
}

enum ep_status
ep_decode_text(const struct ep_decoder *d, const char *path, const char *s,
               enum ep_text_rule rule)
{
  struct ep_hostport hp;
  struct ep_err      e = EP_ERR_INIT;
  char               why[EP_ERR_MSG_MAX + 32];

  switch (rule) {
    case EP_TEXT_ANY:
      return EP_OK;
    case EP_TEXT_HOSTPORT:
      ep_hostport_parse(s, 1, "", &hp, &e);
      break;
    case EP_TEXT_HOSTPORT_NEED_PORT:
      if (ep_hostport_parse(s, 0, "", &hp, &e) != EP_OK)
        return ep_decode_invalid(d, path, "expected \"HOST:PORT\"");
      return EP_OK;
    case EP_TEXT_ADDRPORT:
      ep_addrport_parse(s, 53, "", &hp, &e);
      break;
    case EP_TEXT_ADDRESS:
      if (!ep_addr_is_literal(s))
        return ep_decode_invalid(d, path, "expected an IPv4 or IPv6 address");
      return EP_OK;
    case EP_TEXT_RESOLVER:
      if (strcmp(s, "system") == 0 || strcmp(s, "none") == 0 ||
          ep_addrport_parse(s, 53, "", &hp, &e) == EP_OK)
        return EP_OK;
      return ep_decode_invalid(
        d, path, "expected \"system\", \"none\" or an address[:port]");
  }
  if (e.code == EP_OK)
    return EP_OK;
  /* Drop the empty "what" prefix ": " the address parser put first. */
  snprintf(why, sizeof why, "%s", e.msg + 2);
  return ep_decode_invalid(d, path, why);
}

static enum ep_status
get_strlist(const struct ep_decoder *d, const char *path, json_object *v,
            enum ep_text_rule rule, struct ep_strlist *out)
{
  struct ep_strlist l = {NULL, 0};
  char              ipath[PATH_TEXT_MAX + 16];
  enum ep_status    rc = EP_OK;
  size_t            i, n;
  json_object      *e;

  if (!json_object_is_type(v, json_type_array))
    return ep_decode_expected(d, path, "an array of strings", v);
  n = json_object_array_length(v);
  for (i = 0; i < n && rc == EP_OK; i++) {
    snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
    e = json_object_array_get_idx(v, i);
    if (!json_object_is_type(e, json_type_string))
      rc = ep_decode_expected(d, ipath,
                              rule == EP_TEXT_HOSTPORT_NEED_PORT
                                ? "\"HOST:PORT\""
                                : "a string",
                              e);
    else if (json_object_get_string_len(e) == 0)
      rc = ep_decode_invalid(d, ipath, "expected a non-empty string");
    else if ((rc = ep_decode_text(d, ipath, json_object_get_string(e),
                                  rule)) != EP_OK)
      ;
    else if (ep_strlist_find(&l, json_object_get_string(e)) >= 0)
      ; /* the same entry twice is one: one check, one perfdata label */
    else if (ep_strlist_add(&l, json_object_get_string(e)) != EP_OK)
      rc = ep_decode_nomem(d);
  }
  if (rc != EP_OK) {
    ep_strlist_free(&l);
    return rc;
  }
  ep_strlist_free(out);
  *out = l;
  return EP_OK;
}

enum ep_status
ep_field_decode(const struct ep_decoder *d, const char *path,
                const struct ep_field *f, json_object *v, void *s)
{
  char **text = EP_FIELD_AT(s, f->offset, char *);

  switch (f->type) {
    case EP_FIELD_STRING:
      if (get_string(d, path, v, text) != EP_OK)
        return EP_EINVAL;
      return ep_decode_text(d, path, *text, f->text);
    case EP_FIELD_RANGE:
      return get_range(d, path, v, text);
    case EP_FIELD_INT:
      return get_int(d, path, v, f->lo, f->hi,
                     EP_FIELD_AT(s, f->offset, int));
    case EP_FIELD_BOOL:
      return get_bool(d, path, v, EP_FIELD_AT(s, f->offset, bool));
    case EP_FIELD_LIST:
      return get_strlist(d, path, v, f->text,
                         EP_FIELD_AT(s, f->offset, struct ep_strlist));
    case EP_FIELD_CUSTOM:
      return f->decode(d, path, v, EP_FIELD_AT(s, f->offset, void));
  }
  return EP_EINVAL;
}

const struct ep_field *
ep_field_named(const struct ep_field *fields, const char *member)
{
  for (; fields && fields->member; fields++)
    if (strcmp(fields->member, member) == 0)
      return fields;
  return NULL;
}

enum ep_status
ep_fields_decode(const struct ep_decoder *d, const char *path,
                 const struct ep_field *fields, json_object *o, void *s)
{
  const struct ep_field *f;
  char                   mpath[PATH_TEXT_MAX];
  json_object           *v;

  for (f = fields; f->member; f++) {
    if (!json_object_object_get_ex(o, f->member, &v))
      continue;
    snprintf(mpath, sizeof mpath, "%s.%s", path, f->member);
    if (ep_field_decode(d, mpath, f, v, s) != EP_OK)
      return d->err && d->err->code != EP_OK ? d->err->code : EP_EINVAL;
  }
  return EP_OK;
}

void *
ep_section_new(const struct ep_section *section)
{
  const struct ep_field *f;
  void                  *s = calloc(1, section->size ? section->size : 1);

  for (f = section->fields; s && f->member; f++) {
    char **text = EP_FIELD_AT(s, f->offset, char *);

    if (f->type == EP_FIELD_INT)
      *EP_FIELD_AT(s, f->offset, int) = f->default_int;
    else if ((f->type == EP_FIELD_STRING || f->type == EP_FIELD_RANGE) &&
             f->default_string && !(*text = strdup(f->default_string))) {
      ep_section_release(section, s);
      free(s);
      return NULL;
    }
  }
  return s;
}

void
ep_section_release(const struct ep_section *section, void *s)
{
  const struct ep_field *f;

  for (f = section->fields; s && f->member; f++) {
    switch (f->type) {
      case EP_FIELD_STRING:
      case EP_FIELD_RANGE:
        free(*EP_FIELD_AT(s, f->offset, char *));
        *EP_FIELD_AT(s, f->offset, char *) = NULL;
        break;
      case EP_FIELD_LIST:
        ep_strlist_free(EP_FIELD_AT(s, f->offset, struct ep_strlist));
        break;
      case EP_FIELD_CUSTOM:
        f->release(EP_FIELD_AT(s, f->offset, void));
        break;
      case EP_FIELD_INT:
      case EP_FIELD_BOOL:
        break;
    }
  }
}
