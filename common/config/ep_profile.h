/* Profiles: what a site must reach, its resolvers, clocks and thresholds.
 * The built-in "standard" and "govcloud" come from the vendor's
 * requirements; a user profile is a JSON file that may extend another.
 * The core's own members are here; each probe kind's part ("$.ntp",
 * "$.machines") is decoded from the kind's declaration (ep_schema.h) into
 * a struct the kind alone knows. */
#ifndef EP_PROFILE_H
#define EP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_err.h"
#include "ep_schema.h"

struct ep_profile {
  char  *name;        /* "standard", or the file's path */
  char  *description;
  double timeout;     /* seconds, the whole run */
  char  *interface;
  char  *machine_interface; /* the machine network's NIC (LAN port 1) */
  struct ep_strlist resolvers;    /* $.dns.servers: ADDR[:PORT] */
  char             *fallback;     /* $.dns.fallback: system, none, ADDR */
  char             *cacert;       /* $.https.cacert: every TLS check's */
  struct {
    char *url, *auth_file, *cacert;
  } proxy;
  /* Each kind's part, in the order of sections (NULL-terminated). */
  const struct ep_section *const *sections;
  void                          **parts;
};

/* Names of the built-in profiles, NULL-terminated. */
extern const char *const ep_profile_builtin_names[];

/* Loads a built-in profile by name, or a JSON file by path (anything with a
 * '/' or ending in ".json", or a name that is not built in); sections
 * (NULL-terminated) are the kinds' parts it may hold.  Returns a new
 * profile (ep_profile_free() it) or NULL with err naming the file, the JSON
 * path and what was expected. */
struct ep_profile *ep_profile_load(const char *name_or_path,
                                   const struct ep_section *const *sections,
                                   struct ep_err *err);

/* Applies a JSON profile held in memory (source names it in messages). */
struct ep_profile *ep_profile_load_text(const char *text, size_t len,
                                        const char *source,
                                        const struct ep_section *const *sections,
                                        struct ep_err *err);

void ep_profile_free(struct ep_profile *p);

/* The part of p that section declares (never NULL for one of p's
 * sections), or NULL when p has no such section. */
void *ep_profile_part(const struct ep_profile *p,
                      const struct ep_section *section);

#endif
