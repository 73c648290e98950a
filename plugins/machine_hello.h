/* The hellos of the machines probe: per protocol, the bytes of one cheap
 * standard request (nothing that writes or changes a machine) and the
 * judge of what came back.  Pure functions: no sockets, no allocation;
 * every length read from a peer is checked before use. */
#ifndef EP_MACHINE_HELLO_H
#define EP_MACHINE_HELLO_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_protocols.h"

/* Room for any `what` the judge writes; a smaller buffer gets it cut. */
#define EP_HELLO_WHAT_MAX 256
/* Room for any request ep_hello_request() builds. */
#define EP_HELLO_REQUEST_MAX 512
/* The most bytes of a peer's words a WRONG `what` shows, escaped. */
#define EP_HELLO_SAID_MAX 40

/* Writes the request for hello h to a controller at host:port into buf.
 * host (a name or address; an IPv6 address without brackets is put in
 * them, a zone such as %eth0 dropped) and port are used only by the
 * OPC UA and HTTP hellos, in the endpoint URL and the Host header.
 * Returns the request's length; 0 for EP_HELLO_NONE, when cap is too
 * small, or when host is NULL, longer than 255 bytes or holds, before
 * any zone, anything but letters, digits and "-._:" (so it cannot inject
 * into a header; a zone is dropped unread, nothing of it reaches the
 * request), or port is not 1 to 65535 (those two only where they are
 * used). */
size_t ep_hello_request(enum ep_hello h, const char *host, unsigned port,
                        unsigned char *buf, size_t cap);

enum ep_hello_verdict {
  EP_HELLO_MORE,     /* not decided yet: read more, then judge again */
  EP_HELLO_ANSWERED, /* the peer speaks the protocol */
  EP_HELLO_WRONG     /* it does not, or broke it */
};

/* Judges the first len bytes a peer sent after the request (all of them
 * so far, not the latest read); closed says it has closed, so no more
 * will come.  Never MORE when closed, or once len reaches
 * ep_hello_reply_max(h) (bytes past that are not looked at).  Unless
 * what_size is 0, what gets a NUL-terminated description: on ANSWERED
 * what was found ("Modbus reply, unit 1, register 0 = 1234"); on WRONG
 * what was wrong and what the peer said ("not HTTP: said 'SSH-2.0...'"),
 * printable ASCII kept, everything else (quote and backslash included)
 * as \xNN, at most EP_HELLO_SAID_MAX bytes of it then "...";
 * on MORE, "". EP_HELLO_NONE is ANSWERED at once ("connected"). */
enum ep_hello_verdict ep_hello_judge(enum ep_hello h, const unsigned char *data,
                                     size_t len, bool closed, char *what,
                                     size_t what_size);

/* Writes data as a WRONG `what` shows it, quotes included ("'SSH-2.0-
 * OpenSSH\x0D\x0A'"), into out, cut to fit size; for saying what a peer
 * sent before a deadline without the judge's "closed ..." words. */
void ep_hello_said(const unsigned char *data, size_t len, char *out,
                   size_t size);

/* The most bytes to read before judging for good: 64 KiB for HTTP,
 * 4 KiB for SHDR, 8 KiB for OPC UA, 600 for EtherNet/IP, 300 for Modbus,
 * 0 for EP_HELLO_NONE. */
size_t ep_hello_reply_max(enum ep_hello h);

#endif
