/* Helpers shared by the integration-test servers in tests/servers: options,
 * pid files, UDP sockets, the signal self-pipe, clocks and the poll loop. */
#ifndef EP_SERVER_UTIL_H
#define EP_SERVER_UTIL_H

#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define EP_MAX_DELAY_MS 3600000L

/* The options every server takes: -l ADDR -p PORT [-P PIDFILE]. */
struct ep_common
{
  struct in_addr listen_addr;
  int have_listen;
  long port;
  const char *pidfile;
};

/* Set the program name used in messages and the usage printer; call first. */
void ep_util_init(const char *prog, void (*usage)(FILE *out));
/* Report "bad argument OPT 'VAL': WHY" and the usage; returns -1. */
int ep_bad_arg(const char *opt, const char *val, const char *why);
/* Report "missing WHAT" and the usage; returns -1. */
int ep_missing(const char *what);
/* Report msg and the usage; returns -1. */
int ep_usage_error(const char *msg);
/* Parse a decimal long within min..max into *out; 0, or -1 if invalid. */
int ep_parse_long(const char *s, long min, long max, long *out);
/* Parse IPv4 address s given to option opt; -1 after a usage error. */
int ep_parse_addr(const char *opt, const char *s, struct in_addr *out);
/* Parse port s (1..65535) given to option opt; -1 after a usage error. */
int ep_parse_port(const char *opt, const char *s, long *out);
/* Parse -d DELAY_MS (0..EP_MAX_DELAY_MS); -1 after a usage error. */
int ep_parse_delay(const char *s, long *out);
/* Handle -l, -p, -P, -h and getopt's ':' / '?' result c; -1 after an error. */
int ep_common_opt(int c, const char *arg, struct ep_common *com);
/* After getopt: reject operands, require -l and -p; -1 after an error. */
int ep_common_check(int argc, char **argv, const struct ep_common *com);
/* Write line to path atomically (temp file + rename); -1 after a message. */
int ep_write_file_atomic(const char *path, const char *line);
/* Write our pid to path atomically; -1 after a message. */
int ep_write_pidfile(const char *path);
/* Make fd non-blocking and close-on-exec; 0, or -1 with errno set. */
int ep_set_nonblock_cloexec(int fd);
/* Best effort: a 1 MiB receive buffer, so bursts queue rather than drop. */
void ep_bump_rcvbuf(int fd);
/* Bind a non-blocking UDP socket to addr:port; fd, or -1 after a message. */
int ep_open_udp(struct in_addr addr, long port);
/* Listen on TCP addr:port (non-blocking, close-on-exec, SO_REUSEADDR);
 * fd, or -1 after a message. */
int ep_open_tcp_listener(struct in_addr addr, long port, int backlog);
/* Receive one IPv4 datagram: its length, -1 when none is left, -2 to skip. */
ssize_t ep_recv_dgram(int fd, unsigned char *buf, size_t cap,
                      struct sockaddr_in *from);
/* Store v big-endian in p[0..3]. */
void ep_put32(unsigned char *p, uint32_t v);
/* CLOCK_MONOTONIC in nanoseconds (0 if unavailable). */
int64_t ep_now_ns(void);
/* The monotonic time delay_ms milliseconds from now, in nanoseconds. */
int64_t ep_deadline_ns(long delay_ms);
/* Milliseconds until monotonic time due_ns, rounded up, for poll(). */
int ep_ms_until(int64_t due_ns);
/* SIGTERM/SIGINT write to a self-pipe, SIGPIPE ignored; -1 after a message. */
int ep_signals_setup(void);
/* Non-zero once SIGTERM or SIGINT has arrived. */
int ep_signalled(void);
/* Fill pfd[0] with the signal pipe and pfd[1] with fd, both for POLLIN. */
void ep_poll_prepare(struct pollfd *pfd, int fd);
/* poll(): 1 to handle events, 0 to poll again, -1 to stop (signal or error). */
int ep_poll(struct pollfd *pfd, nfds_t nfds, int timeout);
/* Remove pidfile (if any), close the signal pipe; returns the exit code. */
int ep_finish(const char *pidfile);

/* Index of s in names (n entries), or -1 when it is not there. */
int ep_name_index(const char *s, const char *const names[], size_t n);

#endif
