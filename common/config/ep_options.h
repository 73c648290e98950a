/* Options: what a user may set on a command line or in collectd's
 * configuration, declared once by whoever owns the setting (the core, a
 * probe kind, a front end): the long and short names the check plugins
 * and the subagent take, collectd's key, which runs take it, the help
 * text, and a check of one value as given.  A front end reads argv or
 * its configuration against these declarations; ep_settings keeps each
 * value with the name it was given under, and whoever declared the
 * option reads it back. */
#ifndef EP_OPTIONS_H
#define EP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_err.h"

struct ep_settings;

/* Which runs take an option. */
enum ep_option_scope {
  EP_SCOPE_SINGLE = 1 << 0,   /* its kind's own check, run alone */
  EP_SCOPE_CHECKLIST = 1 << 1 /* the whole checklist (check_edge, the
                                 subagent, collectd's plugin level) */
};

struct ep_option {
  const char *name;   /* "samples": --samples */
  char        letter; /* 'a': -a; 0 for none */
  const char *arg;    /* "N" in help; NULL: takes no argument */
  const char *key;    /* collectd's "Samples"; NULL: not in collectd */
  unsigned    scope;  /* enum ep_option_scope */
  bool        repeat; /* every value kept, in order (else the last wins) */
  const char *help;   /* the help text's lines after the option's name */
  /* Checks one value as given (what names it: "--samples", "Samples");
   * NULL: any value. */
  enum ep_status (*check)(const char *what, const char *value,
                          struct ep_err *err);
  /* Given alone it means nothing: needs must be given too (why says
   * what it is for). */
  const struct ep_option *needs;
  const char             *needs_why;
  /* Puts the value where its owner keeps it; NULL: kept in the
   * settings' values (ep_settings_value()). */
  enum ep_status (*apply)(struct ep_settings *s, const char *what,
                          const char *value, struct ep_err *err);
};

/* How messages name o on a command line: "-a" when it has a letter,
 * else "--samples". */
const char *ep_option_what(const struct ep_option *o, char *buf,
                           size_t size);

/* For checks: value is a number of seconds ("2.5", "1e2"; no hex, no
 * infinity); "WHAT: 'VALUE' is not a number of seconds" when not. */
enum ep_status ep_option_seconds(const char *what, const char *value,
                                 double *out, struct ep_err *err);

/* For checks: value is a whole number from lo to hi. */
enum ep_status ep_option_whole_number(const char *what, const char *value,
                                      long lo, long hi, const char *unit,
                                      long *out, struct ep_err *err);

#endif
