/* The machine protocols the machines probe knows, as one constant table:
 * each protocol's name (as a profile or -P names it), its TCP port, the
 * hello that proves a controller speaks it, and a title for people.  Data
 * only: what a hello sends and how its answer is judged live in
 * plugins/machine_hello.h. */
#ifndef EP_PROTOCOLS_H
#define EP_PROTOCOLS_H

#include <stddef.h>

/* The cheap standard request a protocol's controller must answer. */
enum ep_hello {
  EP_HELLO_NONE,           /* connect only: the protocol has no safe hello */
  EP_HELLO_MODBUS,         /* Modbus TCP Read Holding Registers */
  EP_HELLO_OPCUA,          /* OPC UA HEL, expecting ACK (or ERR) */
  EP_HELLO_MTCONNECT_HTTP, /* HTTP GET /probe of an MTConnect agent */
  EP_HELLO_SHDR,           /* MTConnect adapter "* PING" */
  EP_HELLO_ENIP            /* EtherNet/IP ListIdentity */
};

struct ep_protocol {
  const char   *name;  /* "modbus-tcp": lower case, unique */
  unsigned      port;  /* the TCP port controllers listen on */
  enum ep_hello hello;
  const char   *title; /* "Modbus TCP / SeaLevel" */
};

/* Every protocol, in the order they are listed to users. */
extern const struct ep_protocol ep_protocols[];
extern const size_t             ep_protocols_n;

/* The protocol called name (exact, case-sensitive); NULL when there is
 * none or name is NULL.  Points into ep_protocols. */
const struct ep_protocol *ep_protocol_named(const char *name);

/* A hello's name: "none", "modbus", "opcua", "mtconnect-http", "shdr",
 * "enip"; "unknown" for a value outside the enum.  Never NULL. */
const char *ep_hello_name(enum ep_hello h);

/* Writes the protocols' names, comma-separated ("allen-bradley-enip,
 * fanuc-focas, ..."), into buf for messages such as "unknown protocol
 * 'x' (known: ...)".  Like snprintf: always NUL-terminated when size > 0,
 * truncated to fit, and returns the length the whole list needs (not
 * counting the NUL), so a return >= size means it was cut. */
size_t ep_protocol_list(char *buf, size_t size);

#endif
