/* Strict JSON for profiles and peers: json-c in strict mode, plus what it
 * does not check (trailing garbage, duplicate members, NUL bytes), with
 * errors that give the line and column. */
#ifndef EP_JSON_H
#define EP_JSON_H

#include <stddef.h>

#include <json-c/json.h>

#include "ep_err.h"

#define EP_JSON_MAX_DEPTH 32

/* Parses len bytes of text.  source names the input in messages
 * ("site.json").  Returns a new object (json_object_put() it) or NULL with
 * err set to "SOURCE: line L, column C: what". */
json_object *ep_json_parse_strict(const char *text, size_t len,
                                  const char *source, struct ep_err *err);

/* Reads and parses a file of at most max bytes. */
json_object *ep_json_load_file(const char *path, size_t max,
                               struct ep_err *err);

struct ep_buf;

/* Appends s as a quoted JSON string (RFC 8259 escapes; other bytes as
 * they are) to b, which the caller may wipe: unlike json-c, no copy of a
 * secret is left in memory that nobody clears. */
enum ep_status ep_json_add_string(struct ep_buf *b, const char *s);

/* "object", "array", "string", "number", "boolean" or "null". */
const char *ep_json_type_name(const json_object *o);

/* Building documents: json-c's constructors return NULL and its adds fail
 * when memory runs out, which unchecked gives a document silently
 * shorter.  These take val (obj owns it after, or it is freed with
 * json_object_put()) and say EP_ENOMEM when val is NULL (its
 * json_object_new_*() failed), when obj is NULL (its own did), or when
 * json-c cannot add it. */

/* Adds val to the object obj as key. */
enum ep_status ep_json_put(json_object *obj, const char *key,
                           json_object *val);

/* Adds key with the value null: a member every document has, unknown
 * here. */
enum ep_status ep_json_put_null(json_object *obj, const char *key);

/* Appends val to the array arr. */
enum ep_status ep_json_append(json_object *arr, json_object *val);

/* The last step of building val, whose earlier steps said rc: as
 * ep_json_put() or ep_json_append() when rc is EP_OK; else val is freed
 * and rc returned. */
enum ep_status ep_json_put_built(json_object *obj, const char *key,
                                 json_object *val, enum ep_status rc);
enum ep_status ep_json_append_built(json_object *arr, json_object *val,
                                    enum ep_status rc);

/* val when rc (its building) is EP_OK; else NULL, val freed. */
json_object *ep_json_built(json_object *val, enum ep_status rc);

#endif
