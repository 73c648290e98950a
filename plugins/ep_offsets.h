/* The last NTP offset of each server address, kept between runs of the
 * check plugins in STATE_DIR/ntp-offsets.json (--state-dir), so that the
 * drift can be told from one run to the next.  Written atomically (a
 * temporary file renamed over the old one); a corrupt or foreign file is
 * ignored, with a note saying so, and replaced at the next save. */
#ifndef EP_OFFSETS_H
#define EP_OFFSETS_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_err.h"

#define EP_OFFSETS_FILE "ntp-offsets.json"
#define EP_OFFSETS_MAX 256 /* records kept; the oldest go first */

struct ep_offset_record {
  char   key[128]; /* the address's line: "0.pool.example 192.0.2.1" */
  double offset;   /* s */
  double time;     /* when measured: Unix time, s */
};

struct ep_offset_store {
  char                    *path;
  struct ep_offset_record *v;
  size_t                   n, cap;
  char                     note[320]; /* why a file was ignored; "" */
};

/* Opens DIR's store: a missing file is an empty store; one that cannot be
 * read as ours is an empty store with note set.  EP_ENOMEM only. */
enum ep_status ep_offsets_open(struct ep_offset_store *st, const char *dir,
                               struct ep_err *err);
void           ep_offsets_close(struct ep_offset_store *st);

/* The record of key, or NULL. */
const struct ep_offset_record *ep_offsets_get(const struct ep_offset_store *st,
                                              const char *key);

/* Sets key's record (adding it, or replacing the oldest when full). */
enum ep_status ep_offsets_put(struct ep_offset_store *st, const char *key,
                              double offset, double time);

/* Writes the store atomically; EP_EIO with a message on failure. */
enum ep_status ep_offsets_save(const struct ep_offset_store *st,
                               struct ep_err *err);

/* Loads a store's records from JSON text (pure, for tests and fuzzing);
 * false with why set when the text is not a store of ours. */
bool ep_offsets_parse(struct ep_offset_store *st, const char *text,
                      size_t len, char *why, size_t size);

#endif
