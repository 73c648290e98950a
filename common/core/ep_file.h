/* Files named by options and profiles (profiles, CA bundles, credentials):
 * opened without blocking and refused unless they are regular files, so a
 * FIFO or a device named by mistake is a configuration error at once, not
 * a run blocked past its deadline (for ever, in a daemon). */
#ifndef EP_FILE_H
#define EP_FILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "ep_err.h"

/* Opens path read-only.  Returns the descriptor, with st filled, or -1
 * with err saying "WHAT PATH: cannot open: ..." (EP_EIO) or "...: not a
 * regular file (a FIFO)" (EP_EINVAL).  what may be NULL ("PATH: ..."). */
int ep_file_open_regular(const char *path, const char *what, struct stat *st,
                         struct ep_err *err);

/* Reads a whole regular file of at most max bytes into a new
 * NUL-terminated buffer (free() it; *len excludes the NUL). */
enum ep_status ep_file_read(const char *path, const char *what, size_t max,
                            char **data, size_t *len, struct ep_err *err);

#endif
