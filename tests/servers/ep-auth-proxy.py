#!/usr/bin/python3
"""ep-auth-proxy: an HTTP proxy for edgeprobe's tests that answers every
CONNECT with 407 and the Proxy-Authenticate schemes it is given, as a
corporate proxy wanting NTLM or Negotiate does, and never opens a tunnel.

It logs, one line per request, the CONNECT target and the scheme of the
client's Proxy-Authorization (for NTLM, the message type too), never the
credentials themselves.

usage: ep-auth-proxy.py ADDR PORT LOG SCHEME...   (SCHEME: NTLM, Negotiate,
       'Basic realm="plant"', ...)
"""
import base64
import socketserver
import sys

MAX_HEAD = 16384


def ntlm_type(token):
    """The NTLMSSP message type of a base64 token, or '?'."""
    try:
        raw = base64.b64decode(token, validate=True)
    except ValueError:
        return "?"
    if len(raw) >= 12 and raw[:8] == b"NTLMSSP\0":
        return str(raw[8])
    return "?"


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        # Keep-alive, as NTLM is a handshake over one connection.
        while True:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = self.rfile.readline(MAX_HEAD)
                if not line or len(head) > MAX_HEAD:
                    return
                head += line
            lines = head.decode("latin-1").split("\r\n")
            auth = "none"
            for h in lines[1:]:
                name, _, value = h.partition(":")
                if name.strip().lower() == "proxy-authorization":
                    scheme, _, token = value.strip().partition(" ")
                    auth = scheme
                    if scheme.upper() == "NTLM":
                        auth += " type " + ntlm_type(token.strip())
            with open(self.server.log, "a") as log:
                log.write("%s auth=%s\n" % (lines[0], auth))
            reply = "HTTP/1.1 407 Proxy Authentication Required\r\n"
            for s in self.server.schemes:
                reply += "Proxy-Authenticate: %s\r\n" % s
            reply += "Content-Length: 0\r\n\r\n"
            self.wfile.write(reply.encode("latin-1"))
            self.wfile.flush()


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    if len(sys.argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    server = Server((sys.argv[1], int(sys.argv[2])), Handler)
    server.log = sys.argv[3]
    server.schemes = sys.argv[4:]
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
