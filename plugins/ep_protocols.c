#include "config.h"

#include <string.h>

#include "ep_protocols.h"

/* Ports are the vendors' defaults.  Protocols without a hello are those
 * whose first request is proprietary (FOCAS, Mitsubishi, Heidenhain
 * LSV-2) or goes to a serial device behind a Moxa server, where any byte
 * we sent would reach the machine: for them a connection is the proof. */
const struct ep_protocol ep_protocols[] = {
  {"allen-bradley-enip", 44818, EP_HELLO_ENIP, "Allen-Bradley EtherNet/IP"},
  {"fanuc-focas", 8193, EP_HELLO_NONE, "FANUC FOCAS"},
  {"mtconnect-adapter", 7878, EP_HELLO_SHDR, "MTConnect adapter"},
  {"mtconnect-agent", 5000, EP_HELLO_MTCONNECT_HTTP, "MTConnect agent"},
  {"haas-serial-moxa", 4001, EP_HELLO_NONE, "Haas serial via Moxa"},
  {"haas-mtconnect", 8082, EP_HELLO_MTCONNECT_HTTP, "Haas MTConnect"},
  {"citizen-m700", 683, EP_HELLO_NONE, "Citizen M700"},
  {"mitsubishi", 683, EP_HELLO_NONE, "Mitsubishi"},
  {"heidenhain", 19000, EP_HELLO_NONE, "Heidenhain"},
  {"siemens-opcua", 4840, EP_HELLO_OPCUA, "Siemens OPC UA"},
  {"kepware-opcua", 49320, EP_HELLO_OPCUA, "Kepware OPC UA"},
  {"bystronic-opcua", 56000, EP_HELLO_OPCUA, "Bystronic OPC UA"},
  {"fanuc-robot-opcua", 4880, EP_HELLO_OPCUA, "FANUC robot OPC UA"},
  {"modbus-tcp", 502, EP_HELLO_MODBUS, "Modbus TCP / SeaLevel"},
};

const size_t ep_protocols_n = sizeof ep_protocols / sizeof ep_protocols[0];

const struct ep_protocol *
ep_protocol_named(const char *name)
{
  size_t i;

  if (!name)
    return NULL;
  for (i = 0; i < ep_protocols_n; i++)
    if (strcmp(ep_protocols[i].name, name) == 0)
      return &ep_protocols[i];
  return NULL;
}

const char *
ep_hello_name(enum ep_hello h)
{
  switch (h) {
    case EP_HELLO_NONE:
      return "none";
    case EP_HELLO_MODBUS:
      return "modbus";
    case EP_HELLO_OPCUA:
      return "opcua";
    case EP_HELLO_MTCONNECT_HTTP:
      return "mtconnect-http";
    case EP_HELLO_SHDR:
      return "shdr";
    case EP_HELLO_ENIP:
      return "enip";
  }
  return "unknown";
}

/* Appends len bytes of s at *n, as far as they fit before the NUL;
 * *n counts every byte, fitted or not. */
static void
append(char *buf, size_t size, size_t *n, const char *s, size_t len)
{
  if (*n + 1 < size) {
    size_t room = size - 1 - *n;

    memcpy(buf + *n, s, len < room ? len : room);
  }
  *n += len;
}

size_t
ep_protocol_list(char *buf, size_t size)
{
  size_t i, n = 0;

  for (i = 0; i < ep_protocols_n; i++) {
    if (i > 0)
      append(buf, size, &n, ", ", 2);
    append(buf, size, &n, ep_protocols[i].name, strlen(ep_protocols[i].name));
  }
  if (size > 0)
    buf[n < size ? n : size - 1] = '\0';
  return n;
}
