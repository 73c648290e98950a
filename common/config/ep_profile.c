#include "config.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_addr.h"
#include "ep_builtin.h"
#include "ep_json.h"
#include "ep_profile.h"

#define PROFILE_FILE_MAX (1u << 20)
#define EXTENDS_DEPTH_MAX 8
#define PATH_TEXT_MAX 128

const char *const ep_profile_builtin_names[] = {"standard", "govcloud", NULL};

/* The core's own members, as the kinds declare theirs: "$" itself, and
 * its parts of "$.dns", "$.https" and "$.proxy". */
static enum ep_status decode_timeout(const struct ep_decoder *d,
                                     const char *path, json_object *v,
                                     void *field);
static enum ep_status decode_proxy_url(const struct ep_decoder *d,
                                       const char *path, json_object *v,
                                       void *field);
static void release_nothing(void *field) { (void)field; }

#define CORE(m) offsetof(struct ep_profile, m)
static const struct ep_field top_fields[] = {
  {.member = "description", .type = EP_FIELD_STRING,
   .offset = CORE(description)},
  {.member = "timeout", .type = EP_FIELD_CUSTOM, .offset = CORE(timeout),
   .decode = decode_timeout, .release = release_nothing},
  {.member = "interface", .type = EP_FIELD_STRING, .offset = CORE(interface)},
  {.member = "machine_interface", .type = EP_FIELD_STRING,
   .offset = CORE(machine_interface)},
  {NULL}};
static const struct ep_field dns_fields[] = {
  {.member = "servers", .type = EP_FIELD_LIST, .offset = CORE(resolvers),
   .text = EP_TEXT_ADDRPORT},
  {.member = "fallback", .type = EP_FIELD_STRING, .offset = CORE(fallback),
   .text = EP_TEXT_RESOLVER},
  {NULL}};
static const struct ep_field https_fields[] = {
  {.member = "cacert", .type = EP_FIELD_STRING, .offset = CORE(cacert)},
  {NULL}};
static const struct ep_field proxy_fields[] = {
  {.member = "url", .type = EP_FIELD_CUSTOM, .offset = CORE(proxy.url),
   .decode = decode_proxy_url, .release = release_nothing},
  {.member = "auth_file", .type = EP_FIELD_STRING,
   .offset = CORE(proxy.auth_file)},
  {.member = "cacert", .type = EP_FIELD_STRING, .offset = CORE(proxy.cacert)},
  {NULL}};
static const struct {
  const char            *member;
  const struct ep_field *fields;
} core_sections[] = {
  {"dns", dns_fields}, {"https", https_fields}, {"proxy", proxy_fields}};
#define N_CORE_SECTIONS (sizeof core_sections / sizeof core_sections[0])

static enum ep_status
decode_timeout(const struct ep_decoder *d, const char *path, json_object *v,
               void *field)
{
  double t;

  if (!json_object_is_type(v, json_type_int) &&
      !json_object_is_type(v, json_type_double))
    return ep_decode_expected(d, path, "a number of seconds", v);
  t = json_object_get_double(v);
  if (!(t > 0 && t <= 3600))
    return ep_decode_invalid(d, path,
                             "expected seconds greater than 0, at most 3600");
  *(double *)field = t;
  return EP_OK;
}

static enum ep_status
decode_proxy_url(const struct ep_decoder *d, const char *path, json_object *v,
                 void *field)
{
  char      **url = field;
  const char *why;

  if (!json_object_is_type(v, json_type_string))
    return ep_decode_expected(d, path, "a string", v);
  if (json_object_get_string_len(v) == 0)
    return ep_decode_invalid(d, path, "expected a non-empty string");
  free(*url);
  if (!(*url = strdup(json_object_get_string(v))))
    return ep_decode_nomem(d);
  if ((why = ep_proxy_url_problem(*url)) != NULL)
    return ep_decode_invalid(
      d, path,
      strncmp(why, "credentials", 11) == 0
        ? "credentials are not allowed in the URL; use auth_file"
        : why);
  return EP_OK;
}

static size_t
n_sections(const struct ep_profile *p)
{
  size_t n = 0;

  while (p->sections && p->sections[n])
    n++;
  return n;
}

void *
ep_profile_part(const struct ep_profile *p, const struct ep_section *section)
{
  size_t i;

  for (i = 0; p->sections && p->sections[i]; i++)
    if (p->sections[i] == section)
      return p->parts[i];
  return NULL;
}

void
ep_profile_free(struct ep_profile *p)
{
  size_t i;

  if (!p)
    return;
  free(p->name);
  free(p->description);
  free(p->interface);
  free(p->machine_interface);
  ep_strlist_free(&p->resolvers);
  free(p->fallback);
  free(p->cacert);
  free(p->proxy.url);
  free(p->proxy.auth_file);
  free(p->proxy.cacert);
  for (i = 0; p->parts && i < n_sections(p); i++) {
    ep_section_release(p->sections[i], p->parts[i]);
    free(p->parts[i]);
  }
  free(p->parts);
  free(p);
}

/* Defaults for members no profile in the chain sets. */
static struct ep_profile *
profile_new(const struct ep_section *const *sections)
{
  struct ep_profile *p = calloc(1, sizeof *p);
  size_t             i;

  if (!p)
    return NULL;
  p->sections = sections;
  p->timeout = 10;
  p->fallback = strdup("system");
  p->parts = calloc(n_sections(p) + 1, sizeof *p->parts);
  if (!p->fallback || !p->parts) {
    ep_profile_free(p);
    return NULL;
  }
  for (i = 0; i < n_sections(p); i++)
    if (!(p->parts[i] = ep_section_new(sections[i]))) {
      ep_profile_free(p);
      return NULL;
    }
  return p;
}

static const struct ep_field *
core_fields_of(const char *member)
{
  size_t i;

  for (i = 0; i < N_CORE_SECTIONS; i++)
    if (strcmp(core_sections[i].member, member) == 0)
      return core_sections[i].fields;
  return NULL;
}

/* The index of the kinds' section called member, or -1. */
static int
kind_section(const struct ep_profile *p, const char *member)
{
  size_t i;

  for (i = 0; i < n_sections(p); i++)
    if (strcmp(p->sections[i]->member, member) == 0)
      return (int)i;
  return -1;
}

/* "$": the core's members, the core's sections and the kinds'. */
static enum ep_status
check_top_members(const struct ep_decoder *d, const struct ep_profile *p,
                  json_object *doc)
{
  char why[160];

  json_object_object_foreach(doc, key, val) {
    (void)val;
    if (strcmp(key, "extends") == 0 || ep_field_named(top_fields, key) ||
        core_fields_of(key) || kind_section(p, key) >= 0)
      continue;
    snprintf(why, sizeof why, "unknown member \"%.80s\"", key);
    return ep_decode_invalid(d, "$", why);
  }
  return EP_OK;
}

/* "$.X" where the core and a kind may each declare members. */
static enum ep_status
decode_object_section(const struct ep_decoder *d, struct ep_profile *p,
                      const char *member, json_object *o)
{
  const struct ep_field *core = core_fields_of(member);
  int                    k = kind_section(p, member);
  const struct ep_field *kind = k >= 0 ? p->sections[k]->fields : NULL;
  char                   path[PATH_TEXT_MAX], why[160];

  snprintf(path, sizeof path, "$.%s", member);
  if (!json_object_is_type(o, json_type_object))
    return ep_decode_expected(d, path, "an object", o);
  json_object_object_foreach(o, key, val) {
    (void)val;
    if (ep_field_named(core, key) || ep_field_named(kind, key))
      continue;
    snprintf(why, sizeof why, "unknown member \"%.80s\"", key);
    return ep_decode_invalid(d, path, why);
  }
  if (core && ep_fields_decode(d, path, core, o, p) != EP_OK)
    return EP_EINVAL;
  if (kind && ep_fields_decode(d, path, kind, o, p->parts[k]) != EP_OK)
    return EP_EINVAL;
  return EP_OK;
}

/* Every section doc holds, the core's first, then the kinds' in their
 * order. */
static enum ep_status
decode_sections(const struct ep_decoder *d, struct ep_profile *p,
                json_object *doc)
{
  const struct ep_section *s;
  json_object             *v;
  char                     path[PATH_TEXT_MAX];
  size_t                   i;

  if (ep_fields_decode(d, "$", top_fields, doc, p) != EP_OK)
    return EP_EINVAL;
  for (i = 0; i < N_CORE_SECTIONS; i++)
    if (json_object_object_get_ex(doc, core_sections[i].member, &v) &&
        kind_section(p, core_sections[i].member) < 0 &&
        decode_object_section(d, p, core_sections[i].member, v) != EP_OK)
      return EP_EINVAL;
  for (i = 0; i < n_sections(p); i++) {
    s = p->sections[i];
    if (!json_object_object_get_ex(doc, s->member, &v))
      continue;
    snprintf(path, sizeof path, "$.%s", s->member);
    if (s->array ? ep_field_decode(d, path, &s->fields[0], v, p->parts[i])
                 : decode_object_section(d, p, s->member, v))
      return EP_EINVAL;
  }
  return EP_OK;
}

static struct ep_profile *load(const char *name_or_path,
                               const struct ep_section *const *sections,
                               int depth, struct ep_err *err);

static const char *
builtin_text(const char *name)
{
  size_t i;

  for (i = 0; ep_builtin_profiles[i].name; i++)
    if (strcmp(ep_builtin_profiles[i].name, name) == 0)
      return ep_builtin_profiles[i].json;
  return NULL;
}

/* A relative "extends" path is taken relative to the extending file. */
static char *
resolve_extends(const char *base_source, const char *target)
{
  char  *copy, *dir, *out;
  size_t n;

  if (builtin_text(target) || target[0] == '/' || !strchr(base_source, '/'))
    return strdup(target);
  if (!(copy = strdup(base_source)))
    return NULL;
  dir = dirname(copy);
  n = strlen(dir) + strlen(target) + 2;
  if ((out = malloc(n)))
    snprintf(out, n, "%s/%s", dir, target);
  free(copy);
  return out;
}

static struct ep_profile *
apply(json_object *doc, const char *source,
      const struct ep_section *const *sections, int depth,
      struct ep_err *err)
{
  struct ep_decoder  d = {source, err};
  struct ep_profile *p = NULL;
  json_object       *v;
  char              *base;

  if (!json_object_is_type(doc, json_type_object)) {
    ep_decode_expected(&d, "$", "an object", doc);
    return NULL;
  }
  if (!json_object_object_get_ex(doc, "extends", &v)) {
    if (!(p = profile_new(sections)))
      ep_decode_nomem(&d);
  } else if (!json_object_is_type(v, json_type_string) ||
             json_object_get_string_len(v) == 0) {
    ep_decode_expected(&d, "$.extends", "a profile name or path", v);
  } else if (depth >= EXTENDS_DEPTH_MAX) {
    ep_decode_invalid(&d, "$.extends",
                      "profiles extend each other too deeply (a cycle?)");
  } else if (!(base = resolve_extends(source, json_object_get_string(v)))) {
    ep_decode_nomem(&d);
  } else {
    p = load(base, sections, depth + 1, err);
    free(base);
  }
  if (!p)
    return NULL;
  free(p->name);
  if (!(p->name = strdup(source)) || check_top_members(&d, p, doc) != EP_OK ||
      decode_sections(&d, p, doc) != EP_OK) {
    if (err && err->code == EP_OK)
      ep_decode_nomem(&d);
    ep_profile_free(p);
    return NULL;
  }
  return p;
}

static struct ep_profile *
load_text(const char *text, size_t len, const char *source,
          const struct ep_section *const *sections, int depth,
          struct ep_err *err)
{
  json_object       *doc = ep_json_parse_strict(text, len, source, err);
  struct ep_profile *p;

  if (!doc)
    return NULL;
  p = apply(doc, source, sections, depth, err);
  json_object_put(doc);
  return p;
}

static struct ep_profile *
load(const char *name_or_path, const struct ep_section *const *sections,
     int depth, struct ep_err *err)
{
  const char        *text = builtin_text(name_or_path);
  json_object       *doc;
  struct ep_profile *p;

  if (text)
    return load_text(text, strlen(text), name_or_path, sections, depth,
                     err);
  doc = ep_json_load_file(name_or_path, PROFILE_FILE_MAX, err);
  if (!doc)
    return NULL;
  p = apply(doc, name_or_path, sections, depth, err);
  json_object_put(doc);
  return p;
}

struct ep_profile *
ep_profile_load(const char *name_or_path,
                const struct ep_section *const *sections, struct ep_err *err)
{
  if (!builtin_text(name_or_path) && !strchr(name_or_path, '/')) {
    size_t n = strlen(name_or_path);

    if (n < 5 || strcmp(name_or_path + n - 5, ".json") != 0) {
      ep_err_set(err, EP_EINVAL,
                 "unknown profile '%s': built-in profiles are standard and "
                 "govcloud; a profile file is given by its path",
                 name_or_path);
      return NULL;
    }
  }
  return load(name_or_path, sections, 0, err);
}

struct ep_profile *
ep_profile_load_text(const char *text, size_t len, const char *source,
                     const struct ep_section *const *sections,
                     struct ep_err *err)
{
  return load_text(text, len, source, sections, 0, err);
}
