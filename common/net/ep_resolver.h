/* The run's resolver: one c-ares channel per DNS server, so each server's
 * own answer (REFUSED, SERVFAIL, silence) is seen instead of c-ares quietly
 * moving on to the next.  Driven by the run's poll loop; no threads. */
#ifndef EP_RESOLVER_H
#define EP_RESOLVER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "ep_err.h"
#include "ep_iface.h"
#include "ep_pollset.h"
#include "ep_profile.h"

#define EP_DNS_MAX_ADDRS 16
#define EP_DNS_MAX_SERVERS 16
#define EP_DNS_ADDR_TEXT 46 /* INET6_ADDRSTRLEN */

enum ep_dns_outcome {
  EP_DNS_PENDING = 0,
  EP_DNS_ANSWER,      /* NOERROR with addresses */
  EP_DNS_NODATA,      /* NOERROR, no address of the type asked */
  EP_DNS_NXDOMAIN,
  EP_DNS_SERVFAIL,
  EP_DNS_REFUSED,
  EP_DNS_BADREPLY,    /* FORMERR, NOTIMP, a malformed reply */
  EP_DNS_TIMEOUT,     /* no reply in c-ares's tries */
  EP_DNS_UNREACHABLE, /* ICMP refused / network unreachable */
  EP_DNS_CANCELLED    /* still pending at the deadline */
};

/* "NXDOMAIN", "SERVFAIL", "timed out", ... */
const char *ep_dns_outcome_str(enum ep_dns_outcome o);

struct ep_dns_answer {
  enum ep_dns_outcome outcome;
  double              seconds; /* from sending to the reply being read */
  int                 os_errno; /* EP_DNS_UNREACHABLE: the socket's error */
  bool                truncated; /* more addresses than EP_DNS_MAX_ADDRS */
  bool                authentic; /* the AD bit: the resolver validated it */
  size_t              n_addrs;
  char                addrs[EP_DNS_MAX_ADDRS][EP_DNS_ADDR_TEXT];
};

/* How the resolvers of answers stayed silent, in words: "timed out"
 * unless every one was unreachable, then why ("network unreachable",
 * "port unreachable: nothing listening", or "unreachable" when they
 * differ). */
struct ep_errtext ep_dns_silence_words(const struct ep_dns_answer *const *answers,
                                       size_t n);

struct ep_dns_server {
  char label[80]; /* "8.8.8.8" or "127.0.0.1:5353" */
  bool fallback;  /* asked only to tell whether the fallback works */
};

struct ep_resolver;

/* Builds channels for servers (ADDR[:PORT] strings) and the fallback
 * ("system": the resolvers of /etc/resolv.conf; "none"; or ADDR[:PORT]).
 * With no servers, the fallback's servers are the primary ones.  Queries
 * are sent from iface when it is not NULL; each is given at most
 * timeout seconds over two tries.  NULL with err set on failure. */
struct ep_resolver *ep_resolver_new(const struct ep_strlist *servers,
                                    const char *fallback,
                                    const struct ep_iface *iface,
                                    double timeout, struct ep_err *err);
void ep_resolver_free(struct ep_resolver *r);

size_t                      ep_resolver_server_count(const struct ep_resolver *r);
const struct ep_dns_server *ep_resolver_server(const struct ep_resolver *r,
                                               size_t i);

typedef void (*ep_resolve_cb)(void *arg, size_t server,
                              const struct ep_dns_answer *answer);

/* Sends an A query for name to server i; cb runs once, from
 * ep_resolver_process() or ep_resolver_cancel().  now: the loop pass's
 * time; the response time runs from the query's own send to its
 * reply's own read. */
enum ep_status ep_resolver_query(struct ep_resolver *r, size_t server,
                                 const char *name, ep_resolve_cb cb, void *arg,
                                 struct timespec now, struct ep_err *err);

/* A question other than the names' A query. */
struct ep_dns_question {
  int  qtype;     /* 0: A; else the type's number (6: SOA, 28: AAAA) */
  bool dnssec_ok; /* with EDNS0's DO bit: a validating resolver says, by
                     the AD bit, that it validated the answer */
};

/* As ep_resolver_query(), asking how says.  For a type other than A and
 * AAAA the answer's outcome is EP_DNS_ANSWER when the reply has records
 * (what they hold is not read). */
enum ep_status ep_resolver_ask(struct ep_resolver *r, size_t server,
                               const char *name,
                               const struct ep_dns_question *how,
                               ep_resolve_cb cb, void *arg,
                               struct timespec now, struct ep_err *err);

struct ep_lookup_result {
  enum ep_dns_outcome outcome;  /* EP_DNS_ANSWER when addrs has any */
  char                server[80]; /* the resolver that decided */
  bool                via_fallback;
  bool                nobody_answered; /* every resolver silent */
  /* Why no address, in the dns check's words: "NXDOMAIN from 8.8.8.8",
   * "no answer from 8.8.8.8, 8.8.4.4 nor fallback 127.0.0.53
   * (unreachable)"; "" with an answer. */
  char                failure[240];
  double              seconds;
  size_t              n_addrs;
  char                addrs[EP_DNS_MAX_ADDRS][EP_DNS_ADDR_TEXT];
};

typedef void (*ep_lookup_cb)(void *arg, const struct ep_lookup_result *res);


/* Resolves name for a probe, as the dns check judges resolvers: every
 * server is asked; the first configured resolver to answer with addresses
 * decides; the fallback's answer counts only when every configured
 * resolver was silent.  cb runs exactly once. */
enum ep_status ep_resolver_lookup(struct ep_resolver *r, const char *name,
                                  ep_lookup_cb cb, void *arg,
                                  struct timespec now, struct ep_err *err);

/* As ep_resolver_lookup(), for family's addresses: AAAA records for
 * AF_INET6, A records for AF_INET. */
enum ep_status ep_resolver_lookup_family(struct ep_resolver *r,
                                         const char *name, int family,
                                         ep_lookup_cb cb, void *arg,
                                         struct timespec now,
                                         struct ep_err *err);

/* Adds the channels' sockets and next timeout to ps. */
enum ep_status ep_resolver_pollset(struct ep_resolver *r, struct ep_pollset *ps,
                                   struct timespec now);

/* Reads what poll found ready (ps after poll) and runs timeouts; answers
 * are timed at now. */
void ep_resolver_process(struct ep_resolver *r, const struct ep_pollset *ps,
                         struct timespec now);

/* Ends every pending query with EP_DNS_CANCELLED, those still waiting
 * their turn too; the resolver takes no query after. */
void ep_resolver_cancel(struct ep_resolver *r);

/* Queries still waiting for an answer. */
size_t ep_resolver_pending(const struct ep_resolver *r);

/* The socket functions every channel does its I/O through (exposed for
 * the unit tests): sends never raise SIGPIPE, reads are timed. */
struct ares_socket_functions;
const struct ares_socket_functions *ep_resolver_socket_functions(void);

#endif
