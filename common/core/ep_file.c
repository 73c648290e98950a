#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "ep_file.h"

static const char *
type_name(mode_t mode)
{
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "a device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "not a plain file";
}

int
ep_file_open_regular(const char *path, const char *what, struct stat *st,
                     struct ep_err *err)
{
  int fd;

  /* O_NONBLOCK: opening a FIFO with no writer would otherwise wait. */
  fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    ep_err_set(err, EP_EIO, "%s%s%s: cannot open: %s", what ? what : "",
               what ? " " : "", path, ep_strerror(errno).text);
    return -1;
  }
  if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    ep_err_set(err, EP_EINVAL, "%s%s%s: not a regular file (%s)",
               what ? what : "", what ? " " : "", path,
               type_name(st->st_mode));
    close(fd);
    return -1;
  }
  return fd;
}

enum ep_status
ep_file_read(const char *path, const char *what, size_t max, char **data,
             size_t *len, struct ep_err *err)
{
  struct stat    st;
  char          *buf = NULL;
  size_t         have = 0;
  ssize_t        n;
  int            fd;
  enum ep_status rc = EP_OK;

  *data = NULL;
  *len = 0;
  if ((fd = ep_file_open_regular(path, what, &st, err)) < 0)
    return err ? err->code : EP_EIO;
  if ((size_t)st.st_size > max) {
    close(fd);
    return ep_err_set(err, EP_EINVAL, "%s%s%s: larger than %zu bytes",
                      what ? what : "", what ? " " : "", path, max);
  }
  if (!(buf = malloc(max + 1))) {
    close(fd);
    return ep_err_set(err, EP_ENOMEM, "%s: out of memory", path);
  }
  /* Read to the end rather than trust st_size: the file may grow. */
  while (have <= max) {
    n = read(fd, buf + have, max + 1 - have);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rc = ep_err_set(err, EP_EIO, "%s%s%s: cannot read: %s",
                      what ? what : "", what ? " " : "", path,
                      ep_strerror(errno).text);
      break;
    }
    if (n == 0)
      break;
    have += (size_t)n;
  }
  close(fd);
  if (rc != EP_OK) {
    free(buf);
    return rc;
  }
  if (have > max) {
    free(buf);
    return ep_err_set(err, EP_EINVAL, "%s%s%s: larger than %zu bytes",
                      what ? what : "", what ? " " : "", path, max);
  }
  buf[have] = '\0';
  *data = buf;
  *len = have;
  return EP_OK;
}
