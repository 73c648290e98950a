/* check_edge_machines: the plant side.  From the machine network's
 * interface, every machine controller's protocol port, and the protocol's
 * hello where one is standard, so that "port open" reads "the controller
 * answers". */
#include "config.h"

#include "ep_nagios.h"
#include "tcp.h"

static const struct ep_nagios_check machines_check = {
  "check_edge_machines",
  &ep_tcp_kind,
  "connects to every machine of the profile (or -H) on its protocol's port\n"
  "from the machine network's interface (-I), all at once, and sends the\n"
  "protocol's hello where one is standard: Modbus TCP (a read of holding\n"
  "register 0), OPC UA (HEL), MTConnect agents (GET /probe), MTConnect\n"
  "adapters (SHDR * PING), EtherNet/IP (ListIdentity); FOCAS, Heidenhain,\n"
  "M700 and the Moxa serial port are connect only.  With -I, the interface\n"
  "must be up with a static IPv4 address (a DHCP lease is a WARNING)",
  "[-P PROFILE] [-H [NAME=]ADDR:PROTOCOL|PORT]... [-I IFACE]\n"
  "   [-w RANGE] [-c RANGE] [-t SECONDS] [--format nagios|json] [-v]",
  "Options of this check:\n"
  " -H, --hostname [NAME=]ADDR:PROTOCOL  or  [NAME=]ADDR:PORT\n"
  "    a machine, repeatable, replacing the profile's; PROTOCOL is one of\n"
  "    allen-bradley-enip, fanuc-focas, mtconnect-adapter, mtconnect-agent,\n"
  "    haas-serial-moxa, haas-mtconnect, citizen-m700, mitsubishi,\n"
  "    heidenhain, siemens-opcua, kepware-opcua, bystronic-opcua,\n"
  "    fanuc-robot-opcua, modbus-tcp (an IPv6 ADDR in brackets)\n"
  " -I, --interface IFACE|ADDR\n"
  "    the machine network's interface (LAN port 1); default: the\n"
  "    profile's machine_interface, else as the routing table says\n"
  " -w/-c apply to each machine's connect time in seconds (default none)\n",
  " check_edge_machines -I eno1\n"
  "    the profile's machines, from eno1, whose address must be static\n"
  " check_edge_machines -H haas-vf2=10.20.0.31:haas-mtconnect \\\n"
  "     -H press-4=10.20.0.40:modbus-tcp\n"
  "    two machines, by name\n"
};

int
main(int argc, char **argv)
{
  return ep_nagios_main(argc, argv, &machines_check);
}
