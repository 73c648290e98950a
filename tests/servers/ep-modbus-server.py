#!/usr/bin/python3
"""A Modbus TCP server for the machines tests: Debian's pymodbus, holding
register 0 of unit 1 set to 1234, on ADDR PORT; its pid in PIDFILE.
With --units-only N, every other unit id gets an exception (gateway target
failed to respond), as a Modbus gateway does for a device that is gone."""
import argparse
import os
import sys

from pymodbus.datastore import (ModbusSequentialDataBlock, ModbusServerContext,
                                ModbusSlaveContext)
from pymodbus.server import StartTcpServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("addr")
    ap.add_argument("port", type=int)
    ap.add_argument("pidfile")
    ap.add_argument("--unit", type=int, default=1)
    args = ap.parse_args()
    block = ModbusSequentialDataBlock(0, [1234] * 16)
    slave = ModbusSlaveContext(hr=block, ir=block, co=block, di=block,
                               zero_mode=True)
    context = ModbusServerContext(slaves={args.unit: slave}, single=False)
    with open(args.pidfile + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(args.pidfile + ".tmp", args.pidfile)
    StartTcpServer(context=context, address=(args.addr, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
