/* A profile section as data: each probe kind declares the members of its
 * part of a profile (their JSON types, limits and defaults) and where each
 * goes in its own settings struct; the profile loader decodes, checks and
 * frees every section from these declarations alone, naming the "$.path"
 * of whatever is wrong.  The core declares its own members the same way
 * (timeout, interface, the resolvers, the proxy). */
#ifndef EP_SCHEMA_H
#define EP_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "ep_err.h"
#include "ep_options.h"

struct ep_strlist {
  char **v;
  size_t n;
};

void           ep_strlist_free(struct ep_strlist *l);
enum ep_status ep_strlist_add(struct ep_strlist *l, const char *s);
int            ep_strlist_find(const struct ep_strlist *l, const char *s);

enum ep_field_type {
  EP_FIELD_STRING, /* char *, non-empty */
  EP_FIELD_RANGE,  /* char *, a threshold range ("0.5", "10:") */
  EP_FIELD_INT,    /* int, from lo to hi */
  EP_FIELD_BOOL,   /* bool */
  EP_FIELD_LIST,   /* struct ep_strlist of non-empty strings, each once
                      (a repeated entry is dropped) */
  EP_FIELD_CUSTOM  /* decode() and release() say */
};

/* What a string (or each string of a list) must be. */
enum ep_text_rule {
  EP_TEXT_ANY,
  EP_TEXT_HOSTPORT,           /* HOST[:PORT] */
  EP_TEXT_HOSTPORT_NEED_PORT, /* HOST:PORT */
  EP_TEXT_ADDRPORT,           /* ADDR[:PORT], an address literal */
  EP_TEXT_ADDRESS,            /* an IPv4 or IPv6 address */
  EP_TEXT_RESOLVER            /* system, none or ADDR[:PORT] */
};

/* Where decoding is, for messages: the file and what went wrong. */
struct ep_decoder {
  const char    *source;
  struct ep_err *err;
};

struct ep_field {
  const char        *member; /* "servers" */
  enum ep_field_type type;
  size_t             offset; /* in the section's struct */
  enum ep_text_rule  text;
  int                lo, hi;         /* EP_FIELD_INT */
  int                default_int;    /* EP_FIELD_INT */
  const char        *default_string; /* STRING, RANGE: NULL for none */
  /* The host names of this list (HOST[:PORT]) are ones the check needs
   * resolved: the DNS check resolves them too.  0: not a host list; the
   * DNS check takes them in increasing rank. */
  unsigned           resolve_rank;
  /* EP_FIELD_CUSTOM: decodes v at path into field; frees field. */
  enum ep_status (*decode)(const struct ep_decoder *d, const char *path,
                           json_object *v, void *field);
  void (*release)(void *field);
};

/* What a kind takes: its part of a profile, "$.ntp" (an object of
 * fields), or, with array set, "$.machines" (its one custom field decodes
 * the whole member); and its options. */
struct ep_section {
  const char                    *member; /* "ntp" */
  bool                           array;
  size_t                         size;   /* of its settings struct */
  const struct ep_field         *fields; /* ended by a NULL member */
  const struct ep_option *const *options; /* NULL-terminated, or NULL */
};

/* For a kind's settings struct s: the field at offset, as type. */
#define EP_FIELD_AT(s, offset, type) ((type *)((char *)(s) + (offset)))

/* A new struct of section's size with every field at its default; NULL
 * when out of memory. */
void *ep_section_new(const struct ep_section *section);
/* Frees what section's fields own in s (not s itself). */
void  ep_section_release(const struct ep_section *section, void *s);

/* Decodes the members of object o that fields declare, over what s
 * holds (a list replaces a list); path is "$.ntp".  The caller has
 * refused members nobody declares.  EP_EINVAL with the member's path and
 * what was expected. */
enum ep_status ep_fields_decode(const struct ep_decoder *d, const char *path,
                                const struct ep_field *fields,
                                json_object *o, void *s);

/* The field called member, or NULL. */
const struct ep_field *ep_field_named(const struct ep_field *fields,
                                      const char *member);

/* The decoders' messages, for custom fields:
 * "SOURCE: PATH: expected WHAT, got TYPE" and "SOURCE: PATH: WHY". */
enum ep_status ep_decode_expected(const struct ep_decoder *d,
                                  const char *path, const char *what,
                                  json_object *got);
enum ep_status ep_decode_invalid(const struct ep_decoder *d, const char *path,
                                 const char *why);
enum ep_status ep_decode_nomem(const struct ep_decoder *d);
/* Every member of o is among names (NULL-terminated). */
enum ep_status ep_decode_members(const struct ep_decoder *d, const char *path,
                                 json_object *o, const char *const *names);
/* One field's value at path, by its declaration. */
enum ep_status ep_field_decode(const struct ep_decoder *d, const char *path,
                               const struct ep_field *f, json_object *v,
                               void *s);
/* s is text of rule (path names it in the message). */
enum ep_status ep_decode_text(const struct ep_decoder *d, const char *path,
                              const char *s, enum ep_text_rule rule);

#endif
