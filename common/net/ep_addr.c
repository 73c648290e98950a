#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_addr.h"

bool
ep_addr_is_literal(const char *text)
{
  unsigned char buf[16];

  return inet_pton(AF_INET, text, buf) == 1 ||
         inet_pton(AF_INET6, text, buf) == 1;
}

static bool
label_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

enum ep_status
ep_hostname_check(const char *name, const char *what, struct ep_err *err)
{
  size_t      len = strlen(name), label = 0, i;
  const char *w = what ? what : "host name";

  if (len == 0)
    return ep_err_set(err, EP_EINVAL, "%s: empty host name", w);
  if (len > 253 + (name[len - 1] == '.'))
    return ep_err_set(err, EP_EINVAL,
                      "%s: host name is %zu characters, more than 253", w, len);
  if (strchr(name, '*'))
    return ep_err_set(err, EP_EINVAL,
                      "%s: '%s' is a wildcard; list concrete host names", w,
                      name);
  for (i = 0; i < len; i++) {
    if (name[i] == '.') {
      /* Only a final dot may follow nothing, and only after a label. */
      if (label == 0)
        return ep_err_set(err, EP_EINVAL, "%s: '%.*s' has an empty label", w,
                          80, name);
      label = 0;
      continue;
    }
    if (!label_char(name[i]))
      return ep_err_set(err, EP_EINVAL,
                        "%s: '%.*s' has a character not allowed in a host "
                        "name (0x%02x)",
                        w, 80, name, (unsigned char)name[i]);
    if (++label > 63)
      return ep_err_set(err, EP_EINVAL,
                        "%s: '%.*s' has a label longer than 63 characters", w,
                        80, name);
  }
  return EP_OK;
}

static enum ep_status
parse_port(const char *s, const char *text, const char *w, unsigned *port,
           struct ep_err *err)
{
  char         *end;
  unsigned long v;

  if (*s < '0' || *s > '9')
    return ep_err_set(err, EP_EINVAL, "%s: '%s': port is not a number", w,
                      text);
  v = strtoul(s, &end, 10);
  if (*end || v == 0 || v > 65535)
    return ep_err_set(err, EP_EINVAL,
                      "%s: '%s': port must be a number from 1 to 65535", w,
                      text);
  *port = (unsigned)v;
  return EP_OK;
}

static enum ep_status
split(const char *text, unsigned default_port, const char *w,
      struct ep_hostport *hp, struct ep_err *err)
{
  const char *colon, *close, *orig = text;
  size_t      hostlen;

  memset(hp, 0, sizeof *hp);
  hp->port = default_port;
  if (text[0] == '[') {
    close = strchr(text, ']');
    if (!close)
      return ep_err_set(err, EP_EINVAL, "%s: '%s': missing ']'", w, text);
    hostlen = (size_t)(close - text - 1);
    colon = close[1] == ':' ? close + 1 : NULL;
    if (close[1] && !colon)
      return ep_err_set(err, EP_EINVAL, "%s: '%s': expected ':' after ']'", w,
                        text);
    text++;
  } else {
    colon = strchr(text, ':');
    if (colon && strchr(colon + 1, ':'))
      colon = NULL; /* bare IPv6 address, no port */
    hostlen = colon ? (size_t)(colon - text) : strlen(text);
  }
  if (hostlen >= sizeof hp->host)
    return ep_err_set(err, EP_EINVAL,
                      "%s: host name is %zu characters, more than 253", w,
                      hostlen);
  memcpy(hp->host, text, hostlen);
  hp->host[hostlen] = '\0';
  if (colon && parse_port(colon + 1, orig, w, &hp->port, err) != EP_OK)
    return EP_EINVAL;
  if (!hp->port)
    return ep_err_set(err, EP_EINVAL, "%s: '%s': expected \"HOST:PORT\"", w,
                      orig);
  hp->is_address = ep_addr_is_literal(hp->host);
  return EP_OK;
}

enum ep_status
ep_hostport_parse(const char *text, unsigned default_port, const char *what,
                  struct ep_hostport *hp, struct ep_err *err)
{
  const char *w = what ? what : "target";

  if (split(text, default_port, w, hp, err) != EP_OK)
    return EP_EINVAL;
  if (hp->is_address)
    return EP_OK;
  return ep_hostname_check(hp->host, w, err);
}

enum ep_status
ep_addrport_parse(const char *text, unsigned default_port, const char *what,
                  struct ep_hostport *hp, struct ep_err *err)
{
  const char *w = what ? what : "address";

  if (split(text, default_port, w, hp, err) != EP_OK)
    return EP_EINVAL;
  if (!hp->is_address)
    return ep_err_set(err, EP_EINVAL,
                      "%s: '%s' is not an IPv4 or IPv6 address", w, text);
  return EP_OK;
}

void
ep_hostport_format(const struct ep_hostport *hp, char *out, size_t size)
{
  if (strchr(hp->host, ':'))
    snprintf(out, size, "[%s]:%u", hp->host, hp->port);
  else
    snprintf(out, size, "%s:%u", hp->host, hp->port);
}

const char *
ep_proxy_url_problem(const char *url)
{
  const char *rest;

  if (strncmp(url, "http://", 7) == 0)
    rest = url + 7;
  else if (strncmp(url, "https://", 8) == 0)
    rest = url + 8;
  else
    return "expected an http:// or https:// URL";
  if (strchr(rest, '@'))
    return "credentials are not allowed in the URL";
  return NULL;
}
