#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agentx_options.h"
#include "ep_argv.h"
#include "ep_sections.h"

#define TABLES_MAX 32

struct parse {
  struct ep_settings    *settings;
  struct agentx_options *options;
};

/* -i (from 0.01 s: the tests' soaks run back to back) and --ntp-interval
 * (from 1 s) up to a day. */
static enum ep_status
seconds(const char *what, const char *value, double min, double *out,
        struct ep_err *err)
{
  double v;

  if (ep_option_seconds(what, value, &v, err) != EP_OK)
    return EP_EINVAL;
  if (v < min || v > 86400)
    return ep_err_set(err, EP_EINVAL,
                      "%s: '%s': the interval must be from %g to 86400 "
                      "seconds", what, value, min);
  *out = v;
  return EP_OK;
}

static const struct ep_option opt_socket = {
  .name = "agentx-socket", .letter = 'x', .arg = "ADDR"};
static const struct ep_option opt_interval = {
  .name = "interval", .letter = 'i', .arg = "SECONDS"};
static const struct ep_option opt_foreground = {.name = "foreground",
                                                .letter = 'f'};
static const struct ep_option opt_user = {
  .name = "user", .letter = 'u', .arg = "USER"};
static const struct ep_option opt_pidfile = {.name = "pidfile",
                                             .arg = "FILE"};
static const struct ep_option opt_ntp_interval = {.name = "ntp-interval",
                                                  .arg = "SECONDS"};
static const struct ep_option *const own_options[] = {
  &opt_socket, &opt_interval, &opt_foreground, &opt_user,
  &opt_pidfile, &opt_ntp_interval, NULL};

static enum ep_status
take_own(struct agentx_options *o, const struct ep_option *opt,
         const char *what, const char *value, struct ep_err *err)
{
  if (opt == &opt_socket)
    o->agentx_socket = value;
  else if (opt == &opt_interval)
    return seconds(what, value, 0.01, &o->interval, err);
  else if (opt == &opt_ntp_interval)
    return seconds(what, value, 1, &o->ntp_interval, err);
  else if (opt == &opt_foreground)
    o->foreground = true;
  else if (opt == &opt_user)
    o->user = value;
  else
    o->pidfile = value;
  return EP_OK;
}

static bool
is_own(const struct ep_option *o)
{
  const struct ep_option *const *k;

  for (k = own_options; *k; k++)
    if (*k == o)
      return true;
  return false;
}

static enum ep_status
take(void *ctx, const struct ep_option *o, const char *what,
     const char *value, struct ep_err *err)
{
  struct parse *p = ctx;

  if (is_own(o))
    return take_own(p->options, o, what, value, err);
  if (!(o->scope & EP_SCOPE_CHECKLIST))
    return ep_err_set(err, EP_EINVAL, "%s is not an option of this check",
                      what);
  return ep_settings_add(p->settings, o, what, value, err);
}

enum ep_status
agentx_options_parse(struct ep_settings *s, struct agentx_options *o,
                     int argc, char **argv, struct ep_err *err)
{
  const struct ep_option *const *tables[TABLES_MAX];
  const struct ep_section *const *k;
  struct parse                   p = {s, o};
  size_t                         n = 0;

  tables[n++] = own_options;
  tables[n++] = ep_core_options;
  for (k = ep_profile_sections; *k && n < TABLES_MAX; k++)
    if ((*k)->options)
      tables[n++] = (*k)->options;
  return ep_argv_parse(argc, argv, tables, n, take, &p, err);
}

static bool
shown(const void *ctx, const struct ep_option *o)
{
  (void)ctx;
  return o->scope & EP_SCOPE_CHECKLIST;
}

char *
agentx_options_help(void)
{
  return ep_argv_help(ep_core_options, shown, NULL);
}

char *
agentx_kind_options_help(void)
{
  return ep_argv_kinds_help(ep_profile_sections, shown, NULL);
}
