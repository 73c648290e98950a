/* The built-in profiles, embedded from the JSON files in profiles/ at build time by
 * embed-profiles.sh so the installed JSON and the compiled-in text are one
 * source. */
#ifndef EP_BUILTIN_H
#define EP_BUILTIN_H

struct ep_builtin_profile {
  const char *name;
  const char *json;
};

/* Terminated by an entry whose name is NULL. */
extern const struct ep_builtin_profile ep_builtin_profiles[];

#endif
