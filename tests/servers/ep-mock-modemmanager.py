#!/usr/bin/python3
"""A mock ModemManager on the bus in $DBUS_SYSTEM_BUS_ADDRESS (never the
real system bus: it refuses to start without that variable).

It owns org.freedesktop.ModemManager1, whose /org/freedesktop/ModemManager1
is an ObjectManager (python3-dbusmock), and adds one modem in the scenario
the options describe.  It prints READY once the objects exist and runs
until killed (or until the bus goes away).

  ep-mock-modemmanager.py --port wwan0 --state connected --tech lte \\
      --operator Telekom.de --registration home --quality 71 \\
      --rsrp -95 --rsrq -11 --sinr 8
"""

import argparse
import os
import sys
import time

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

import dbusmock
from dbusmock import mockobject

MM = 'org.freedesktop.ModemManager1'
MM_PATH = '/org/freedesktop/ModemManager1'
MODEM = MM + '.Modem'
GPP = MODEM + '.Modem3gpp'
SIGNAL = MODEM + '.Signal'

STATES = {'failed': -1, 'unknown': 0, 'initializing': 1, 'locked': 2,
          'disabled': 3, 'disabling': 4, 'enabling': 5, 'enabled': 6,
          'searching': 7, 'registered': 8, 'disconnecting': 9,
          'connecting': 10, 'connected': 11}
REGISTRATIONS = {'idle': 0, 'home': 1, 'searching': 2, 'denied': 3,
                 'unknown': 4, 'roaming': 5}
TECHS = {'none': 0, 'gsm': 1 << 1, 'umts': 1 << 5, 'hspa': (1 << 5) | (1 << 8),
         'lte': 1 << 14, '5g': (1 << 14) | (1 << 15)}
PORT_AT, PORT_NET = 3, 2


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--port', default='wwan0', help='the modem\'s net port')
    p.add_argument('--state', choices=STATES, default='connected')
    p.add_argument('--tech', choices=TECHS, default='lte')
    p.add_argument('--operator', default='Telekom.de')
    p.add_argument('--registration', choices=REGISTRATIONS, default='home')
    p.add_argument('--quality', type=int, default=71)
    p.add_argument('--model', default='EM7455')
    p.add_argument('--manufacturer', default='Sierra Wireless')
    for fig in ('rsrp', 'rsrq', 'sinr', 'rssi', 'ecio', 'rscp'):
        p.add_argument('--' + fig, type=float)
    p.add_argument('--signal-tech', choices=('lte', '5g', 'umts', 'gsm'),
                   help='which Modem.Signal dict holds the figures '
                        '[as --tech: lte, 5g, umts or gsm]')
    p.add_argument('--no-signal', action='store_true',
                   help='no Modem.Signal interface (an old modem)')
    p.add_argument('--no-3gpp', action='store_true',
                   help='no Modem.Modem3gpp interface')
    p.add_argument('--rate0', choices=('announce', 'quiet', 'never',
                                       'refuse'),
                   help='Modem.Signal at Rate 0: Setup fills the figures '
                        'after 0.3 s and emits PropertiesChanged (announce), '
                        'fills them silently (quiet), never fills them '
                        '(never), or fails (refuse)')
    p.add_argument('--second-modem', metavar='PORT',
                   help='a second modem, on net port PORT, with other values')
    p.add_argument('--extra-modems', type=int, default=0, metavar='N',
                   help='N more modems, on other ports, before ours')
    p.add_argument('--long-strings', type=int, default=0, metavar='BYTES',
                   help='operator and model names this long (UTF-8 "ä"s)')
    p.add_argument('--wrong-types', action='store_true',
                   help='State a string, SignalQuality a plain u, '
                        'AccessTechnologies an i; the rest as usual')
    p.add_argument('--silent', action='store_true',
                   help='own the name but never read a message')
    p.add_argument('--no-modem', action='store_true',
                   help='the ObjectManager with no modem at all')
    return p.parse_args()


def figures_dict(args, names):
    d = {}
    for fig, key in names:
        v = getattr(args, fig)
        if v is not None:
            d[key] = dbus.Double(v)
    return dbus.Dictionary(d, signature='sv')


def signal_dicts(args):
    """Modem.Signal's technology dicts; only one holds figures."""
    tech = args.signal_tech or {'5g': '5g', 'umts': 'umts', 'hspa': 'umts',
                                'gsm': 'gsm'}.get(args.tech, 'lte')
    empty = dbus.Dictionary({}, signature='sv')
    dicts = {k: empty for k in ('Cdma', 'Evdo', 'Gsm', 'Umts', 'Lte', 'Nr5g')}
    if tech == 'lte':
        dicts['Lte'] = figures_dict(args, [('rsrp', 'rsrp'), ('rsrq', 'rsrq'),
                                           ('sinr', 'snr'), ('rssi', 'rssi')])
    elif tech == '5g':
        dicts['Nr5g'] = figures_dict(args, [('rsrp', 'rsrp'),
                                            ('rsrq', 'rsrq'), ('sinr', 'snr')])
    elif tech == 'umts':
        dicts['Umts'] = figures_dict(args, [('rssi', 'rssi'),
                                            ('ecio', 'ecio'), ('rscp', 'rscp')])
    else:
        dicts['Gsm'] = figures_dict(args, [('rssi', 'rssi')])
    return dicts


def modem_props(args, port, operator, model):
    props = {
        'Manufacturer': dbus.String(args.manufacturer),
        'Model': dbus.String(model),
        'State': dbus.Int32(STATES[args.state]),
        'AccessTechnologies': dbus.UInt32(TECHS[args.tech]),
        'SignalQuality': dbus.Struct((dbus.UInt32(args.quality),
                                      dbus.Boolean(True)), signature='ub'),
        'Ports': dbus.Array([dbus.Struct(('cdc-wdm0', dbus.UInt32(6)),
                                         signature='su'),
                             dbus.Struct(('ttyUSB2', dbus.UInt32(PORT_AT)),
                                         signature='su'),
                             dbus.Struct((port, dbus.UInt32(PORT_NET)),
                                         signature='su')],
                            signature='(su)'),
        # Real ModemManager properties of types the client skips.
        'Sim': dbus.ObjectPath(MM_PATH + '/SIM/0'),
        'Bands': dbus.Array([dbus.UInt32(31), dbus.UInt32(33)],
                            signature='u'),
        'OwnNumbers': dbus.Array(['+4915112345678'], signature='s'),
        'SupportedModes': dbus.Array([dbus.Struct((dbus.UInt32(12),
                                                   dbus.UInt32(8)),
                                                  signature='uu')],
                                     signature='(uu)'),
    }
    if args.wrong_types:
        props['State'] = dbus.String(args.state)
        props['SignalQuality'] = dbus.UInt32(args.quality)
        props['AccessTechnologies'] = dbus.Int32(TECHS[args.tech])
    return props


def setup_method(args, figures):
    """Modem.Signal.Setup as ModemManager does it: the rate is set at once,
    the figures come with the next refresh."""
    def fill(obj):
        obj.props[SIGNAL].update(figures)
        if args.rate0 == 'announce':
            # dbusmock's UpdateProperties cannot wrap a dict in a variant.
            obj.EmitSignal(dbus.PROPERTIES_IFACE, 'PropertiesChanged',
                           'sa{sv}as',
                           [SIGNAL, dbus.Dictionary(figures, signature='sv'),
                            dbus.Array([], signature='s')])
        return False

    def setup(obj, rate):
        if args.rate0 == 'refuse':
            raise dbus.exceptions.DBusException(
                'modem not enabled', name=MM + '.Error.Core.WrongState')
        obj.props[SIGNAL]['Rate'] = dbus.UInt32(rate)
        if args.rate0 != 'never':
            GLib.timeout_add(300, fill, obj)
    return setup


def add_modem(bus_name, manager, path, args, port, operator, model):
    modem = mockobject.DBusMockObject(bus_name, path, MODEM,
                                      modem_props(args, port, operator, model))
    modem.object_manager = manager
    mockobject.objects[path] = modem
    if not args.no_3gpp:
        modem.AddProperties(GPP, {
            'RegistrationState': dbus.UInt32(REGISTRATIONS[args.registration]),
            'OperatorName': dbus.String(operator),
            'OperatorCode': dbus.String('26201'),
        })
    if args.no_signal:
        return modem
    dicts = signal_dicts(args)
    if args.rate0:
        empty = dbus.Dictionary({}, signature='sv')
        figures = {k: v for k, v in dicts.items() if len(v)}
        dicts = {k: empty for k in dicts}
        modem.AddMethod(SIGNAL, 'Setup', 'u', '', setup_method(args, figures))
    props = {'Rate': dbus.UInt32(0 if args.rate0 else 5)}
    props.update(dicts)
    modem.AddProperties(SIGNAL, props)
    return modem


def ready():
    """Says so, then lets dbusmock's call log (stdout) go nowhere: whoever
    waited for READY may close the pipe."""
    print('READY', flush=True)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)


def silent(bus):
    """Owns the name and never reads again: calls to it wait forever."""
    bus.request_name(MM, dbus.bus.NAME_FLAG_DO_NOT_QUEUE)
    ready()
    while True:
        time.sleep(3600)


def main():
    args = parse_args()
    if not os.environ.get('DBUS_SYSTEM_BUS_ADDRESS'):
        sys.exit('ep-mock-modemmanager: DBUS_SYSTEM_BUS_ADDRESS is not set; '
                 'this mock never runs on the real system bus')
    if args.silent:
        silent(dbus.bus.BusConnection(os.environ['DBUS_SYSTEM_BUS_ADDRESS']))
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbusmock.DBusTestCase.get_dbus(system_bus=True)
    bus.add_signal_receiver(lambda: loop.quit(), signal_name='Disconnected',
                            path='/org/freedesktop/DBus/Local',
                            dbus_interface='org.freedesktop.DBus.Local')
    bus_name = dbus.service.BusName(MM, bus, do_not_queue=True)
    manager = mockobject.DBusMockObject(bus_name, MM_PATH, MM, {}, None, True)
    mockobject.objects[MM_PATH] = manager
    if not args.no_modem:
        operator, model = args.operator, args.model
        if args.long_strings:
            operator = model = '\u00e4' * (args.long_strings // 2)
        for i in range(args.extra_modems):
            add_modem(bus_name, manager, f'{MM_PATH}/Modem/{100 + i}', args,
                      f'wwx{i}', 'Other', 'Other')
        add_modem(bus_name, manager, MM_PATH + '/Modem/0', args, args.port,
                  operator, model)
        if args.second_modem:
            add_modem(bus_name, manager, MM_PATH + '/Modem/1', args,
                      args.second_modem, 'Second', 'Second')
    ready()
    loop = GLib.MainLoop()
    loop.run()


if __name__ == '__main__':
    main()
