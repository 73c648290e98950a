/* A command line read against declared options (ep_options.h): getopt's
 * work and its errors, the same for every front end that takes argv (the
 * check plugins, the subagent).  What each option means stays with the
 * front end, which is handed every option given, in order. */
#ifndef EP_ARGV_H
#define EP_ARGV_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_options.h"
#include "ep_schema.h"

/* Takes one option given: what is how messages name it ("-a",
 * "--samples"), value its argument ("" for an option without one). */
typedef enum ep_status (*ep_argv_take)(void *ctx, const struct ep_option *o,
                                       const char *what, const char *value,
                                       struct ep_err *err);

/* Reads argv against the options of tables (each NULL-terminated; n of
 * them), calling take for each option given.  EP_EINVAL with one line on
 * an unknown option, a missing or unexpected argument, a stray argument,
 * or take's error; EP_ENOMEM.  Not thread-safe (getopt). */
enum ep_status ep_argv_parse(int argc, char **argv,
                             const struct ep_option *const *const *tables,
                             size_t n, ep_argv_take take, void *ctx,
                             struct ep_err *err);

/* The help of the options of opts (NULL-terminated) that shown accepts:
 * " -P, --profile NAME|FILE" and each line of its help indented under
 * it.  A string to free(), or NULL when out of memory. */
char *ep_argv_help(const struct ep_option *const *opts,
                   bool (*shown)(const void *ctx, const struct ep_option *o),
                   const void *ctx);

/* The same over the options of every kind's declarations (sections,
 * NULL-terminated): what a front end running the whole checklist lists
 * as the kinds' options. */
char *ep_argv_kinds_help(const struct ep_section *const *sections,
                         bool (*shown)(const void *ctx,
                                       const struct ep_option *o),
                         const void *ctx);

#endif
