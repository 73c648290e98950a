/* Profiles: what a site must reach, its resolvers, clocks and thresholds.
 * The built-in "standard" and "govcloud" come from the vendor's
 * requirements; a user profile is a JSON file that may extend another. */
#ifndef EP_PROFILE_H
#define EP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_err.h"

struct ep_strlist {
  char **v;
  size_t n;
};

void           ep_strlist_free(struct ep_strlist *l);
enum ep_status ep_strlist_add(struct ep_strlist *l, const char *s);
int            ep_strlist_find(const struct ep_strlist *l, const char *s);

struct ep_dns_name {
  char             *name;
  struct ep_strlist expect; /* addresses the answer must be among; may be empty */
};

struct ep_machine {
  char    *name;
  char    *address;  /* an IP address: the plant network has no DNS here */
  char    *protocol; /* a name of ep_protocols, or NULL: a port alone */
  unsigned port;     /* the protocol's, unless given */
};

struct ep_profile {
  char  *name;        /* "standard", or the file's path */
  char  *description;
  double timeout;     /* seconds, the whole run */
  char  *interface;
  char  *machine_interface; /* the machine network's NIC (LAN port 1) */
  struct {
    struct ep_strlist   servers;  /* ADDR[:PORT] */
    char               *fallback; /* "system", "none" or ADDR[:PORT] */
    struct ep_dns_name *names;
    size_t              n_names;
    char               *warning, *critical;
  } dns;
  struct {
    struct ep_strlist servers;
    int               samples;
    char             *warning, *critical;
    char             *drift_warning, *drift_critical; /* ppm */
  } ntp;
  struct {
    struct ep_strlist targets, expect_issuers;
    char             *cacert;
    char             *warning, *critical;
    int               cert_warning_days, cert_critical_days;
  } https;
  struct {
    struct ep_strlist targets;
    char             *auth_file;
    /* Credentials go only over verified TLS unless this says, in so
     * many words, that a plaintext server may have them. */
    bool              allow_plaintext_credentials;
    char             *warning, *critical;
  } nats;
  struct {
    char *url, *auth_file, *cacert;
  } proxy;
  struct ep_machine *machines;
  size_t             n_machines;
};

/* Names of the built-in profiles, NULL-terminated. */
extern const char *const ep_profile_builtin_names[];

/* Loads a built-in profile by name, or a JSON file by path (anything with a
 * '/' or ending in ".json", or a name that is not built in).  Returns a new
 * profile (ep_profile_free() it) or NULL with err naming the file, the JSON
 * path and what was expected. */
struct ep_profile *ep_profile_load(const char *name_or_path,
                                   struct ep_err *err);

/* Applies a JSON profile held in memory (source names it in messages). */
struct ep_profile *ep_profile_load_text(const char *text, size_t len,
                                        const char *source,
                                        struct ep_err *err);

void ep_profile_free(struct ep_profile *p);

/* Port of a machine protocol from the vendor's table ("modbus-tcp" -> 502),
 * or 0 when unknown. */
unsigned ep_machine_protocol_port(const char *protocol);

/* The table's name of protocol (an older name mapped to today's), or NULL
 * when unknown. */
const char *ep_machine_protocol_name(const char *protocol);

#endif
