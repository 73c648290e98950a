/* Helpers shared by the integration-test servers in tests/servers: options,
 * pid files, UDP sockets, the signal self-pipe, clocks and the poll loop. */

#define _POSIX_C_SOURCE 200809L

#include "ep_server_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RCVBUF_SIZE (1 << 20)

static const char *prog_name = "?";
static void (*usage_fn)(FILE *out);

static volatile sig_atomic_t got_signal;
static int sig_pipe[2] = { -1, -1 };

void
ep_util_init(const char *prog, void (*usage)(FILE *out))
{
  prog_name = prog;
  usage_fn = usage;
}

static void
show_usage(FILE *out)
{
  if (usage_fn != NULL)
    usage_fn(out);
}

int
ep_bad_arg(const char *opt, const char *val, const char *why)
{
  fprintf(stderr, "%s: bad argument %s '%s': %s\n", prog_name, opt, val, why);
  show_usage(stderr);
  return -1;
}

int
ep_missing(const char *what)
{
  fprintf(stderr, "%s: missing %s\n", prog_name, what);
  show_usage(stderr);
  return -1;
}

int
ep_usage_error(const char *msg)
{
  fprintf(stderr, "%s: %s\n", prog_name, msg);
  show_usage(stderr);
  return -1;
}

int
ep_parse_long(const char *s, long min, long max, long *out)
{
  char *end = NULL;
  long v;

  if (s == NULL || *s == '\0')
    return -1;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

int
ep_parse_addr(const char *opt, const char *s, struct in_addr *out)
{
  if (inet_pton(AF_INET, s, out) != 1)
    return ep_bad_arg(opt, s, "not an IPv4 address");
  return 0;
}

int
ep_parse_port(const char *opt, const char *s, long *out)
{
  if (ep_parse_long(s, 1, 65535, out) < 0)
    return ep_bad_arg(opt, s, "port must be 1..65535");
  return 0;
}

int
ep_parse_delay(const char *s, long *out)
{
  if (ep_parse_long(s, 0, EP_MAX_DELAY_MS, out) < 0)
    return ep_bad_arg("-d", s, "delay must be 0..3600000 ms");
  return 0;
}

int
ep_common_opt(int c, const char *arg, struct ep_common *com)
{
  switch (c) {
  case 'l':
    if (ep_parse_addr("-l", arg, &com->listen_addr) < 0)
      return -1;
    com->have_listen = 1;
    return 0;
  case 'p':
    return ep_parse_port("-p", arg, &com->port);
  case 'P':
    if (*arg == '\0')
      return ep_bad_arg("-P", arg, "empty pid file name");
    com->pidfile = arg;
    return 0;
  case 'h':
    show_usage(stdout);
    exit(0);
  case ':':
    fprintf(stderr, "%s: option -%c needs a value\n", prog_name, optopt);
    show_usage(stderr);
    return -1;
  default:
    fprintf(stderr, "%s: unknown option -%c\n", prog_name, optopt);
    show_usage(stderr);
    return -1;
  }
}

int
ep_common_check(int argc, char **argv, const struct ep_common *com)
{
  if (optind < argc)
    return ep_bad_arg("operand", argv[optind], "unexpected argument");
  if (!com->have_listen)
    return ep_missing("-l ADDR");
  if (com->port == 0)
    return ep_missing("-p PORT");
  return 0;
}

/* Put "path.tmp.PID" into tmp; -1 if it does not fit. */
static int
tmp_name(char *tmp, size_t cap, const char *path)
{
  int n = snprintf(tmp, cap, "%s.tmp.%ld", path, (long)getpid());

  return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Write line to tmp, then rename it to path; -1 after a message. */
static int
write_and_rename(const char *tmp, const char *path, const char *line)
{
  FILE *f;

  f = fopen(tmp, "w");
  if (f == NULL) {
    fprintf(stderr, "%s: %s: %s\n", prog_name, tmp, strerror(errno));
    return -1;
  }
  if (fputs(line, f) == EOF) {
    fprintf(stderr, "%s: %s: write failed\n", prog_name, tmp);
    fclose(f);
    unlink(tmp);
    return -1;
  }
  if (fclose(f) != 0) {
    fprintf(stderr, "%s: %s: %s\n", prog_name, tmp, strerror(errno));
    unlink(tmp);
    return -1;
  }
  if (rename(tmp, path) != 0) {
    fprintf(stderr, "%s: %s: %s\n", prog_name, path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

int
ep_write_file_atomic(const char *path, const char *line)
{
  char tmp[PATH_MAX];

  if (tmp_name(tmp, sizeof tmp, path) < 0) {
    fprintf(stderr, "%s: %s: path too long\n", prog_name, path);
    return -1;
  }
  return write_and_rename(tmp, path, line);
}

int
ep_write_pidfile(const char *path)
{
  char tmp[PATH_MAX];
  char line[32];

  if (tmp_name(tmp, sizeof tmp, path) < 0) {
    fprintf(stderr, "%s: pid file path too long\n", prog_name);
    return -1;
  }
  snprintf(line, sizeof line, "%ld\n", (long)getpid());
  return write_and_rename(tmp, path, line);
}

int
ep_set_nonblock_cloexec(int fd)
{
  int fl = fcntl(fd, F_GETFL);

  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
    return -1;
  fl = fcntl(fd, F_GETFD);
  if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
    return -1;
  return 0;
}

/* The cap is net.core.rmem_max; failure is harmless. */
void
ep_bump_rcvbuf(int fd)
{
  int size = RCVBUF_SIZE;

  (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

/* A non-blocking socket of type bound to addr:port, SO_REUSEADDR set so a
 * test can restart a server at once; -1 after saying why. */
static int
open_bound(int type, struct in_addr addr, long port)
{
  struct sockaddr_in sin;
  int fd;
  int one = 1;

  fd = socket(AF_INET, type, 0);
  if (fd < 0) {
    fprintf(stderr, "%s: socket: %s\n", prog_name, strerror(errno));
    return -1;
  }
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
    fprintf(stderr, "%s: SO_REUSEADDR: %s\n", prog_name, strerror(errno));
    close(fd);
    return -1;
  }
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons((uint16_t)port);
  sin.sin_addr = addr;
  if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
    char buf[INET_ADDRSTRLEN];

    if (inet_ntop(AF_INET, &addr, buf, sizeof buf) == NULL)
      strcpy(buf, "?");
    fprintf(stderr, "%s: bind %s:%ld: %s\n", prog_name, buf, port,
            strerror(errno));
    close(fd);
    return -1;
  }
  if (ep_set_nonblock_cloexec(fd) < 0) {
    fprintf(stderr, "%s: fcntl: %s\n", prog_name, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

int
ep_open_udp(struct in_addr addr, long port)
{
  int fd = open_bound(SOCK_DGRAM, addr, port);

  if (fd >= 0)
    ep_bump_rcvbuf(fd);
  return fd;
}

ssize_t
ep_recv_dgram(int fd, unsigned char *buf, size_t cap, struct sockaddr_in *from)
{
  socklen_t fromlen = sizeof *from;
  ssize_t r;

  r = recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, &fromlen);
  if (r < 0)
    return errno == EINTR ? -2 : -1;   /* -1: EAGAIN or a transient error */
  if (fromlen != sizeof *from || from->sin_family != AF_INET)
    return -2;
  return r;
}

void
ep_put32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)((v >> 16) & 0xff);
  p[2] = (unsigned char)((v >> 8) & 0xff);
  p[3] = (unsigned char)(v & 0xff);
}

int64_t
ep_now_ns(void)
{
  struct timespec ts;

  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
    return 0;
  return (int64_t)ts.tv_sec * 1000000000LL + (int64_t)ts.tv_nsec;
}

int64_t
ep_deadline_ns(long delay_ms)
{
  return ep_now_ns() + (int64_t)delay_ms * 1000000LL;
}

int
ep_ms_until(int64_t due_ns)
{
  int64_t diff = due_ns - ep_now_ns();
  int64_t ms;

  if (diff <= 0)
    return 0;
  ms = (diff + 999999) / 1000000;      /* round up: never wake early */
  if (ms > INT_MAX)
    ms = INT_MAX;
  return (int)ms;
}

static void
on_signal(int sig)
{
  int saved = errno;
  unsigned char b = 1;
  ssize_t r;

  (void)sig;
  got_signal = 1;
  r = write(sig_pipe[1], &b, 1);
  (void)r;
  errno = saved;
}

static int
setup_signals(void)
{
  struct sigaction sa;

  if (pipe(sig_pipe) < 0)
    return -1;
  if (ep_set_nonblock_cloexec(sig_pipe[0]) < 0
      || ep_set_nonblock_cloexec(sig_pipe[1]) < 0)
    return -1;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
    return -1;
  sa.sa_handler = SIG_IGN;
  if (sigaction(SIGPIPE, &sa, NULL) < 0)
    return -1;
  return 0;
}

int
ep_signals_setup(void)
{
  if (setup_signals() < 0) {
    fprintf(stderr, "%s: signal setup: %s\n", prog_name, strerror(errno));
    return -1;
  }
  return 0;
}

int
ep_signalled(void)
{
  return got_signal != 0;
}

void
ep_poll_prepare(struct pollfd *pfd, int fd)
{
  pfd[0].fd = sig_pipe[0];
  pfd[0].events = POLLIN;
  pfd[0].revents = 0;
  pfd[1].fd = fd;
  pfd[1].events = POLLIN;
  pfd[1].revents = 0;
}

int
ep_poll(struct pollfd *pfd, nfds_t nfds, int timeout)
{
  if (poll(pfd, nfds, timeout) < 0) {
    if (errno == EINTR)
      return 0;
    fprintf(stderr, "%s: poll: %s\n", prog_name, strerror(errno));
    return -1;
  }
  if (pfd[0].revents != 0)
    return -1;
  return 1;
}

int
ep_finish(const char *pidfile)
{
  if (pidfile != NULL)
    unlink(pidfile);
  close(sig_pipe[0]);
  close(sig_pipe[1]);
  return got_signal ? 0 : 1;
}

int
ep_name_index(const char *s, const char *const names[], size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp(s, names[i]) == 0)
      return (int)i;
  return -1;
}

int
ep_open_tcp_listener(struct in_addr addr, long port, int backlog)
{
  int fd = open_bound(SOCK_STREAM, addr, port);

  if (fd >= 0 && listen(fd, backlog) < 0) {
    fprintf(stderr, "%s: listen on port %ld: %s\n", prog_name, port,
            strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}
