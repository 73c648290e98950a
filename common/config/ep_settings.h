/* The settings a front end lays over a profile: a check plugin's command
 * line, collectd's <Plugin> block, the subagent's options.  The core's
 * own are members here; a probe kind's options (ep_options.h) are kept
 * as given, each with the name it was given under, for the kind to read
 * back.  ep_config_build() checks them the same way for every front end,
 * naming each setting as its user wrote it. */
#ifndef EP_SETTINGS_H
#define EP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_options.h"
#include "ep_profile.h"

enum ep_format { EP_FORMAT_NAGIOS, EP_FORMAT_JSON };

/* What each of the core's settings is called where the user wrote it,
 * for messages: "-H" on a command line, "Target" in collectd's
 * configuration. */
struct ep_setting_names {
  const char *hosts, *warning, *critical, *timeout;
  const char *dns_servers, *fallback, *interface, *proxy, *proxy_auth_file;
  const char *proxy_cacert, *cacert;
};

/* The command line's names (the default when names is NULL). */
extern const struct ep_setting_names ep_cli_names;

/* The names of a configuration of keys (collectd's): each setting named
 * by the key its option declares. */
void ep_setting_names_by_key(struct ep_setting_names *names);

/* One value of a kind's option, as given. */
struct ep_setting_value {
  const struct ep_option *option;
  char                   *what;  /* "--samples", "Samples" */
  char                   *value;
};

struct ep_settings {
  const struct ep_setting_names *names; /* NULL: the command line's */
  const char       *profile; /* strings are borrowed: they must outlive */
  struct ep_strlist dns_servers; /* ep_config_build(); lists are owned */
  const char       *fallback;
  double            timeout; /* 0: the profile's */
  const char       *warning, *critical;
  const char       *cacert, *proxy, *proxy_auth_file, *proxy_cacert;
  const char       *interface;
  /* -I names the network the check run alone uses itself (a check
   * plugin's), rather than the cloud side (collectd's Interface). */
  bool              interface_is_own;
  enum ep_format    format;
  int               verbose;
  bool              help, version;
  struct ep_strlist hosts;
  struct ep_setting_value *values; /* the kinds' options, in order */
  size_t                   n_values;
};

void ep_settings_init(struct ep_settings *s);
void ep_settings_cleanup(struct ep_settings *s);

/* The names of s's settings. */
const struct ep_setting_names *ep_settings_names(const struct ep_settings *s);

/* Keeps value (copied) of o, given as what, after o's check.  EP_EINVAL
 * with the check's message; EP_ENOMEM. */
enum ep_status ep_settings_add(struct ep_settings *s,
                               const struct ep_option *o, const char *what,
                               const char *value, struct ep_err *err);

/* The last value given for o, or NULL; *what (may be NULL) says how it
 * was named. */
const char *ep_settings_value(const struct ep_settings *s,
                              const struct ep_option *o, const char **what);

/* Every value given for o, in order, into out (ep_strlist_free() it);
 * their count, or -1 when out of memory. */
int ep_settings_values(const struct ep_settings *s, const struct ep_option *o,
                       struct ep_strlist *out);

/* The core's options, NULL-terminated: -P, -D, --fallback-dns, -t, -w,
 * -c, --cacert, the proxy's, -I, --format, -v, -h, -V, -H.  Their apply
 * puts each into s's members. */
extern const struct ep_option *const ep_core_options[];
extern const struct ep_option ep_option_hosts, ep_option_warning,
  ep_option_critical;

#endif
