/* What the kernel answers the uplink's route and link lookups: the input
 * is one netlink message, handed as it is to ep_route_parse(),
 * ep_route_parse_default() and ep_link_info_parse(), then again with its
 * header made to say its true length and each parser's type, so that the
 * attribute walks are reached without the fuzzer guessing a header.  Each
 * parse reads a heap copy of exactly the input's size, so that a read
 * past it is seen.  Checks what uplink_route.h promises: a refused
 * message leaves out unchanged and says why; a taken one has bounded,
 * NUL-terminated texts.  A broken promise aborts, which libFuzzer and
 * tests/fuzz/replay.sh both report. */
#include "config.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_fuzz.h"
#include "uplink_route.h"

#define FILL 0xA5

static void
fail(const char *why, size_t len)
{
  fprintf(stderr, "fuzz_rtnl_route: %s (%zu bytes)\n", why, len);
  abort();
}

/* A text inside its buffer: NUL-terminated there. */
static size_t
text_in(const char *s, size_t size, size_t len)
{
  const char *nul = memchr(s, '\0', size);

  if (!nul)
    fail("text not NUL-terminated inside its buffer", len);
  return (size_t)(nul - s);
}

/* A refusal: a known status, a message, out as it was. */
static void
refused(enum ep_status rc, const struct ep_err *err, const void *out,
        const void *before, size_t size, size_t len)
{
  if (rc != EP_EPROTO && rc != EP_EINVAL && rc != EP_ESYS)
    fail("a status a parser does not return", len);
  if (err->code != rc || err->msg[0] == '\0')
    fail("a refusal without its message", len);
  if (memcmp(out, before, size) != 0)
    fail("a refused message changed out", len);
}

/* A gateway or source: empty, or an address that reads back. */
static void
address_text(const char *s, size_t size, size_t len)
{
  unsigned char a[16];

  if (text_in(s, size, len) == 0)
    return;
  if (inet_pton(AF_INET, s, a) != 1 && inet_pton(AF_INET6, s, a) != 1)
    fail("an address text that is not an address", len);
}

static void
route(const unsigned char *msg, size_t len)
{
  struct ep_route out, before;
  struct ep_err   err = EP_ERR_INIT;
  enum ep_status  rc;

  memset(&out, FILL, sizeof out);
  before = out;
  rc = ep_route_parse(msg, len, &out, &err);
  if (rc != EP_OK) {
    refused(rc, &err, &out, &before, sizeof out, len);
    return;
  }
  if (out.index == 0 || out.ifname[0] != '\0')
    fail("a route without an index, or with a name", len);
  address_text(out.gateway, sizeof out.gateway, len);
  address_text(out.source, sizeof out.source, len);
  if (out.has_gateway != (out.gateway[0] != '\0'))
    fail("has_gateway and gateway disagree", len);
}

static void
default_route(const unsigned char *msg, size_t len, unsigned index)
{
  struct ep_err  err = EP_ERR_INIT;
  bool           on = true, off = false;
  enum ep_status rc;

  rc = ep_route_parse_default(msg, len, index, &on, &err);
  if (rc != EP_OK)
    refused(rc, &err, &on, &(bool){true}, sizeof on, len);
  ep_err_clear(&err);
  if (ep_route_parse_default(msg, len, index, &off, &err) != rc)
    fail("a verdict that depends on what *on held", len);
  if (rc == EP_OK && on != off)
    fail("a verdict that depends on what *on held", len);
}

static void
link_msg(const unsigned char *msg, size_t len)
{
  struct ep_link_info out, before;
  struct ep_err       err = EP_ERR_INIT;
  enum ep_status      rc;

  memset(&out, FILL, sizeof out);
  before = out;
  rc = ep_link_info_parse(msg, len, &out, &err);
  if (rc != EP_OK) {
    refused(rc, &err, &out, &before, sizeof out, len);
    return;
  }
  if (out.index == 0)
    fail("a link without an index", len);
  text_in(out.ifname, sizeof out.ifname, len);
  text_in(out.info_kind, sizeof out.info_kind, len);
  if (text_in(out.operstate, sizeof out.operstate, len) == 0)
    fail("a link without an operstate", len);
  if (out.kind != before.kind ||
      memcmp(&out.have_speed, &before.have_speed,
             sizeof out - offsetof(struct ep_link_info, have_speed)) != 0)
    fail("the parser wrote what ep_link_info_get() fills", len);
}

static void
all(const unsigned char *msg, size_t len)
{
  route(msg, len);
  link_msg(msg, len);
  default_route(msg, len, 1);
  default_route(msg, len, len > 24 ? msg[24] : 2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  unsigned char   *copy = calloc(1, size ? size : 1);
  struct nlmsghdr  nh;

  if (!copy)
    return 0;
  if (size)
    memcpy(copy, data, size);
  all(copy, size);
  if (size >= sizeof nh) {
    memcpy(&nh, copy, sizeof nh);
    nh.nlmsg_len = (uint32_t)size;
    nh.nlmsg_type = RTM_NEWROUTE;
    memcpy(copy, &nh, sizeof nh);
    route(copy, size);
    default_route(copy, size, 1);
    nh.nlmsg_type = RTM_NEWLINK;
    memcpy(copy, &nh, sizeof nh);
    link_msg(copy, size);
  }
  free(copy);
  return 0;
}
