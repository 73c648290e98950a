#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ep_file.h"
#include "ep_secret.h"

enum ep_status
ep_secret_parse(const char *text, const char *what, const char *source,
                struct ep_secret *s, struct ep_err *err)
{
  size_t      len = strcspn(text, "\r\n");
  const char *colon = memchr(text, ':', len);

  memset(s, 0, sizeof *s);
  if (len == 0)
    return ep_err_set(err, EP_EINVAL, "%s %s: empty; expected user:password "
                                      "or a token", what, source);
  if (len >= EP_SECRET_MAX)
    return ep_err_set(err, EP_EINVAL, "%s %s: longer than %d bytes", what,
                      source, EP_SECRET_MAX - 1);
  if (colon) {
    memcpy(s->user, text, (size_t)(colon - text));
    memcpy(s->password, colon + 1, len - (size_t)(colon - text) - 1);
  } else {
    memcpy(s->token, text, len);
  }
  return EP_OK;
}

enum ep_status
ep_secret_load(const char *path, const char *what, struct ep_secret *s,
               struct ep_err *err)
{
  char           buf[2 * EP_SECRET_MAX + 2];
  struct stat    st;
  ssize_t        n;
  int            fd;
  enum ep_status rc = EP_OK;

  memset(s, 0, sizeof *s);
  /* Every failure to use the file is a configuration error. */
  if ((fd = ep_file_open_regular(path, what, &st, err)) < 0) {
    if (err && err->code == EP_EIO)
      err->code = EP_EINVAL;
    return EP_EINVAL;
  }
  if (st.st_mode & (S_IROTH | S_IWOTH)) {
    close(fd);
    return ep_err_set(err, EP_EINVAL,
                      "%s %s: others can read it (mode %03o); chmod o-rw it",
                      what, path, (unsigned)(st.st_mode & 0777));
  }
  n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0)
    return ep_err_set(err, EP_EINVAL, "%s %s: cannot read: %s", what, path,
                      ep_strerror(errno).text);
  buf[n] = '\0';
  rc = ep_secret_parse(buf, what, path, s, err);
  explicit_bzero(buf, sizeof buf);
  return rc;
}

void
ep_secret_wipe(struct ep_secret *s)
{
  explicit_bzero(s, sizeof *s);
}
