/* Secrets (NATS and proxy credentials) come from files, never from the
 * command line; a file others can read is refused, and the secret never
 * appears in a message. */
#ifndef EP_SECRET_H
#define EP_SECRET_H

#include <stddef.h>

#include "ep_err.h"

#define EP_SECRET_MAX 1024

struct ep_secret {
  char user[EP_SECRET_MAX];
  char password[EP_SECRET_MAX];
  char token[EP_SECRET_MAX]; /* set when the file holds no ':' */
};

/* Reads "user:password" or a token (first line; a final newline is not
 * part of it).  EP_EINVAL naming the file (and never its content) when it
 * cannot be read, is readable by others, is empty or too long. */
enum ep_status ep_secret_load(const char *path, const char *what,
                              struct ep_secret *s, struct ep_err *err);

/* The same from text (an environment variable's value): source names
 * it in messages ("EDGEPROBE_PROXY_AUTH"). */
enum ep_status ep_secret_parse(const char *text, const char *what,
                               const char *source, struct ep_secret *s,
                               struct ep_err *err);

/* Overwrites the secret in memory. */
void ep_secret_wipe(struct ep_secret *s);

#endif
