#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ep_file.h"
#include "ep_json.h"
#include "ep_offsets.h"

#define MAGIC "edgeprobe ntp offsets"
#define FILE_MAX (256u << 10)

static void
clear(struct ep_offset_store *st)
{
  st->n = 0;
}

bool
ep_offsets_parse(struct ep_offset_store *st, const char *text, size_t len,
                 char *why, size_t size)
{
  struct ep_err      err = EP_ERR_INIT;
  json_object       *doc, *v, *servers;
  struct json_object_iterator it, end;
  bool               ok = false;

  clear(st);
  if (!(doc = ep_json_parse_strict(text, len, "state", &err))) {
    snprintf(why, size, "%s", err.msg);
    return false;
  }
  if (!json_object_is_type(doc, json_type_object) ||
      !json_object_object_get_ex(doc, "format", &v) ||
      !json_object_is_type(v, json_type_string) ||
      strcmp(json_object_get_string(v), MAGIC) != 0) {
    snprintf(why, size, "not an edgeprobe NTP state file");
    goto done;
  }
  if (!json_object_object_get_ex(doc, "version", &v) ||
      !json_object_is_type(v, json_type_int) || json_object_get_int(v) != 1) {
    snprintf(why, size, "an unknown version of the state file");
    goto done;
  }
  if (!json_object_object_get_ex(doc, "servers", &servers) ||
      !json_object_is_type(servers, json_type_object)) {
    snprintf(why, size, "no \"servers\" object");
    goto done;
  }
  it = json_object_iter_begin(servers);
  end = json_object_iter_end(servers);
  for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
    json_object *rec = json_object_iter_peek_value(&it), *o, *t;
    const char  *key = json_object_iter_peek_name(&it);
    double       offset, when;

    if (!json_object_is_type(rec, json_type_object) ||
        !json_object_object_get_ex(rec, "offset", &o) ||
        !json_object_object_get_ex(rec, "time", &t) ||
        !(json_object_is_type(o, json_type_double) ||
          json_object_is_type(o, json_type_int)) ||
        !(json_object_is_type(t, json_type_double) ||
          json_object_is_type(t, json_type_int))) {
      snprintf(why, size, "a record without a numeric offset and time");
      goto done;
    }
    offset = json_object_get_double(o);
    when = json_object_get_double(t);
    if (!isfinite(offset) || !isfinite(when) || strlen(key) >= 128) {
      snprintf(why, size, "a record out of range");
      goto done;
    }
    if (ep_offsets_put(st, key, offset, when) != EP_OK) {
      snprintf(why, size, "out of memory");
      goto done;
    }
  }
  ok = true;
done:
  if (!ok)
    clear(st);
  json_object_put(doc);
  return ok;
}

enum ep_status
ep_offsets_open(struct ep_offset_store *st, const char *dir,
                struct ep_err *err)
{
  struct ep_err e = EP_ERR_INIT;
  char         *text;
  size_t        len, n;
  char          why[256];

  memset(st, 0, sizeof *st);
  n = strlen(dir) + sizeof EP_OFFSETS_FILE + 1;
  if (!(st->path = malloc(n)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  snprintf(st->path, n, "%s/%s", dir, EP_OFFSETS_FILE);
  if (access(st->path, F_OK) != 0)
    return EP_OK; /* the first run */
  if (ep_file_read(st->path, NULL, FILE_MAX, &text, &len, &e) != EP_OK) {
    snprintf(st->note, sizeof st->note, "state file %s ignored: %s", st->path,
             e.msg);
    return EP_OK;
  }
  if (!ep_offsets_parse(st, text, len, why, sizeof why))
    snprintf(st->note, sizeof st->note, "state file %s ignored (%s): it will "
             "be written anew", st->path, why);
  free(text);
  return EP_OK;
}

void
ep_offsets_close(struct ep_offset_store *st)
{
  free(st->path);
  free(st->v);
  memset(st, 0, sizeof *st);
}

const struct ep_offset_record *
ep_offsets_get(const struct ep_offset_store *st, const char *key)
{
  size_t i;

  for (i = 0; i < st->n; i++)
    if (strcmp(st->v[i].key, key) == 0)
      return &st->v[i];
  return NULL;
}

enum ep_status
ep_offsets_put(struct ep_offset_store *st, const char *key, double offset,
               double time)
{
  struct ep_offset_record *r = (struct ep_offset_record *)(uintptr_t)
    ep_offsets_get(st, key);
  size_t                   i, oldest = 0;

  if (!r && st->n < EP_OFFSETS_MAX) {
    if (st->n == st->cap) {
      size_t                   cap = st->cap ? st->cap * 2 : 8;
      struct ep_offset_record *v = realloc(st->v, cap * sizeof *v);

      if (!v)
        return EP_ENOMEM;
      st->v = v;
      st->cap = cap;
    }
    r = &st->v[st->n++];
  } else if (!r) {
    for (i = 1; i < st->n; i++)
      if (st->v[i].time < st->v[oldest].time)
        oldest = i;
    r = &st->v[oldest];
  }
  snprintf(r->key, sizeof r->key, "%s", key);
  r->offset = offset;
  r->time = time;
  return EP_OK;
}

/* The store as its file's document, or NULL when out of memory. */
static json_object *
offsets_document(const struct ep_offset_store *st)
{
  json_object   *doc = json_object_new_object(), *servers, *rec;
  enum ep_status rc;
  size_t         i;

  rc = ep_json_put(doc, "format", json_object_new_string(MAGIC));
  if (rc == EP_OK)
    rc = ep_json_put(doc, "version", json_object_new_int(1));
  servers = rc == EP_OK ? json_object_new_object() : NULL;
  for (i = 0; i < st->n && rc == EP_OK; i++) {
    rec = json_object_new_object();
    rc = ep_json_put(rec, "offset", json_object_new_double(st->v[i].offset));
    if (rc == EP_OK)
      rc = ep_json_put(rec, "time", json_object_new_double(st->v[i].time));
    rc = ep_json_put_built(servers, st->v[i].key, rec, rc);
  }
  rc = ep_json_put_built(doc, "servers", servers, rc);
  return ep_json_built(doc, rc);
}

enum ep_status
ep_offsets_save(const struct ep_offset_store *st, struct ep_err *err)
{
  json_object   *doc = offsets_document(st);
  const char    *text = NULL;
  char          *tmp = NULL;
  size_t         n;
  int            fd = -1;
  enum ep_status rc = EP_OK;

  if (doc)
    text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY);
  n = strlen(st->path) + 16;
  if (!text || !(tmp = malloc(n))) {
    rc = ep_err_set(err, EP_ENOMEM, "out of memory");
    goto done;
  }
  /* A temporary file beside it, renamed over it: a reader (another run)
   * sees the old file or the new one, never half of one. */
  snprintf(tmp, n, "%s.XXXXXX", st->path);
  if ((fd = mkstemp(tmp)) < 0) {
    rc = ep_err_set(err, EP_EIO, "%s: %s", tmp, ep_strerror(errno).text);
    goto done;
  }
  n = strlen(text);
  if (write(fd, text, n) != (ssize_t)n || write(fd, "\n", 1) != 1 ||
      fsync(fd) != 0) {
    rc = ep_err_set(err, EP_EIO, "%s: %s", tmp, ep_strerror(errno).text);
    goto done;
  }
  if (close(fd) != 0) {
    fd = -1;
    rc = ep_err_set(err, EP_EIO, "%s: %s", tmp, ep_strerror(errno).text);
    goto done;
  }
  fd = -1;
  if (rename(tmp, st->path) != 0)
    rc = ep_err_set(err, EP_EIO, "%s: %s", st->path, ep_strerror(errno).text);
done:
  if (fd >= 0)
    close(fd);
  if (rc != EP_OK && tmp)
    unlink(tmp);
  free(tmp);
  json_object_put(doc);
  return rc;
}
