/* Stable codes for what went wrong with a target, beside the words: JSON
 * output carries them ("cause"), and check_edge's root-cause rules read
 * them instead of parsing text.  A code is never renamed once released;
 * docs/troubleshooting.md lists them. */
#ifndef EP_CAUSE_H
#define EP_CAUSE_H

/* Names (the dns check, and every probe's own lookup). */
#define EP_CAUSE_DNS_NXDOMAIN "dns.nxdomain"
#define EP_CAUSE_DNS_SERVFAIL "dns.servfail"
#define EP_CAUSE_DNS_REFUSED "dns.refused"
#define EP_CAUSE_DNS_NODATA "dns.nodata"
#define EP_CAUSE_DNS_BAD_REPLY "dns.bad_reply"
#define EP_CAUSE_DNS_TIMEOUT "dns.timeout"         /* nobody answered */
#define EP_CAUSE_DNS_UNREACHABLE "dns.unreachable" /* every resolver */
#define EP_CAUSE_DNS_UNEXPECTED "dns.unexpected_address"
#define EP_CAUSE_DNS_TOO_MANY "dns.too_many_addresses"
#define EP_CAUSE_DNS_SLOW "dns.slow"
#define EP_CAUSE_DNS_FALLBACK "dns.fallback_only"  /* resolvers silent */
#define EP_CAUSE_DNS_SILENT "dns.resolver_silent"  /* one of them */
/* A resolver answers a name under .invalid: it rewrites NXDOMAIN. */
#define EP_CAUSE_DNS_REWRITE "dns.nxdomain_rewrite"
#define EP_CAUSE_DNS_NO_DNSSEC "dns.no_dnssec" /* no AD bit, when asked */
/* A probe's target whose name did not resolve (the dns check says why). */
#define EP_CAUSE_UNRESOLVED "unresolved"

/* Connections. */
#define EP_CAUSE_TCP_TIMEOUT "tcp.timeout"         /* no answer to SYN */
#define EP_CAUSE_TCP_REFUSED "tcp.refused"
#define EP_CAUSE_TCP_UNREACHABLE "tcp.unreachable" /* no route, ... */
#define EP_CAUSE_TCP_RESET "tcp.reset"
#define EP_CAUSE_TCP_ERROR "tcp.error"
#define EP_CAUSE_TIMEOUT "timeout"                 /* later, by the deadline */
/* Nothing back after our first flight, until segments were made small:
 * the path drops full-size packets and the ICMP that would say so. */
#define EP_CAUSE_PATH_MTU "path.mtu_blackhole"
/* A target that works over IPv4 fails over IPv6, though this host has a
 * global IPv6 address and a route to the target's AAAA address. */
#define EP_CAUSE_IPV6_BROKEN "path.ipv6_broken"

/* The link the cloud traffic leaves by (the uplink check): no route to
 * the cloud's addresses; a link that is down (no carrier, gone, a WiFi
 * station not associated, a modem not registered); a radio whose signal
 * is under its thresholds.  The last two explain timeouts everywhere. */
#define EP_CAUSE_NO_ROUTE "route.none"
#define EP_CAUSE_LINK_DOWN "link.down"
#define EP_CAUSE_LINK_WEAK "link.weak_signal"

/* TLS. */
#define EP_CAUSE_TLS_INTERCEPTION "tls.interception" /* unknown issuer */
#define EP_CAUSE_TLS_LOCAL_CA "tls.local_ca"  /* verified only through one */
#define EP_CAUSE_TLS_UNEXPECTED_ISSUER "tls.unexpected_issuer"
#define EP_CAUSE_TLS_EXPIRED "tls.expired"
#define EP_CAUSE_TLS_NOT_YET_VALID "tls.not_yet_valid"
#define EP_CAUSE_TLS_WRONG_NAME "tls.wrong_name"
#define EP_CAUSE_TLS_SELF_SIGNED "tls.self_signed"
#define EP_CAUSE_TLS_UNTRUSTED "tls.untrusted"    /* other verify errors */
#define EP_CAUSE_TLS_EXPIRING "tls.expiring"      /* days under a threshold */
#define EP_CAUSE_TLS_SNI_FILTER "tls.sni_filtering"
#define EP_CAUSE_TLS_FAILED "tls.handshake_failed"

/* HTTPS and its proxy. */
#define EP_CAUSE_HTTPS_SLOW "https.slow"
#define EP_CAUSE_HTTPS_ERROR "https.error"
#define EP_CAUSE_PROXY_AUTH "proxy.auth"          /* 401, 407 */
/* 407 to the end, the proxy asking for NTLM, Negotiate or Digest. */
#define EP_CAUSE_PROXY_AUTH_SCHEME "proxy.auth_scheme"
#define EP_CAUSE_PROXY_FORBIDDEN "proxy.forbidden" /* 403 and others */
#define EP_CAUSE_PROXY_UPSTREAM "proxy.upstream"  /* 5xx: cannot reach */
#define EP_CAUSE_PROXY_UNREACHABLE "proxy.unreachable"
#define EP_CAUSE_PROXY_UNRESOLVED "proxy.unresolved"
#define EP_CAUSE_PROXY_TLS "proxy.tls"

/* NATS. */
#define EP_CAUSE_NATS_NOT_NATS "nats.not_nats"
#define EP_CAUSE_NATS_SILENT "nats.silent"        /* connected, no INFO */
#define EP_CAUSE_NATS_AUTH_REFUSED "nats.auth_refused"
#define EP_CAUSE_NATS_SERVER_ERROR "nats.server_error"
#define EP_CAUSE_NATS_SLOW "nats.slow"

/* Machines (the plant side). */
#define EP_CAUSE_MACHINE_BAD_HELLO "machine.bad_hello" /* open, wrong answer */
#define EP_CAUSE_MACHINE_SILENT "machine.silent"   /* open, no answer */
#define EP_CAUSE_MACHINE_SLOW "machine.slow"       /* connect over -w/-c */
#define EP_CAUSE_IFACE_DOWN "iface.down"           /* the machine NIC */
#define EP_CAUSE_IFACE_NO_ADDRESS "iface.no_address"
#define EP_CAUSE_IFACE_DHCP "iface.dhcp_address"   /* not static */
#define EP_CAUSE_IFACE_UNKNOWN "iface.unknown"     /* netlink failed */

/* NTP. */
#define EP_CAUSE_NTP_OFFSET "ntp.offset"
#define EP_CAUSE_NTP_TIMEOUT "ntp.timeout"
#define EP_CAUSE_NTP_UNREACHABLE "ntp.unreachable"
#define EP_CAUSE_NTP_KOD "ntp.kiss_of_death"
#define EP_CAUSE_NTP_UNSYNC "ntp.unsynchronised"
#define EP_CAUSE_NTP_UNTRUSTED "ntp.untrusted_reply"
#define EP_CAUSE_NTP_DRIFT "ntp.drift"
/* This host's clock: the kernel says nothing disciplines it. */
#define EP_CAUSE_CLOCK_UNSYNC "clock.unsynchronised"

#endif
