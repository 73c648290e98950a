/* Host names, addresses and HOST[:PORT] targets as users write them, checked
 * before anything is sent: a bad name is a usage error, not a DNS failure. */
#ifndef EP_ADDR_H
#define EP_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_err.h"

#define EP_HOST_MAX 254 /* 253 characters and the NUL */

struct ep_hostport {
  char     host[EP_HOST_MAX]; /* name or address, without brackets */
  unsigned port;
  bool     is_address;        /* host is a literal IPv4/IPv6 address */
};

/* true when text is a literal IPv4 or IPv6 address. */
bool ep_addr_is_literal(const char *text);

/* Checks a DNS name: at most 253 characters, labels of 1 to 63 letters,
 * digits, '-' or '_', an optional final dot.  On failure err says why,
 * naming what ("-H") and the name. */
enum ep_status ep_hostname_check(const char *name, const char *what,
                                 struct ep_err *err);

/* Parses "HOST", "HOST:PORT", "[V6]:PORT", "V6" into hp.  default_port 0
 * makes the port mandatory.  HOST is a valid name or a literal address. */
enum ep_status ep_hostport_parse(const char *text, unsigned default_port,
                                 const char *what, struct ep_hostport *hp,
                                 struct ep_err *err);

/* Like ep_hostport_parse but HOST must be a literal address (resolvers). */
enum ep_status ep_addrport_parse(const char *text, unsigned default_port,
                                 const char *what, struct ep_hostport *hp,
                                 struct ep_err *err);

/* Why a proxy URL cannot be used ("expected an http:// or https:// URL",
 * "credentials are not allowed in the URL"), or NULL when it can. */
const char *ep_proxy_url_problem(const char *url);

/* "HOST:PORT", or "[V6]:PORT", into out. */
void ep_hostport_format(const struct ep_hostport *hp, char *out, size_t size);

#endif
