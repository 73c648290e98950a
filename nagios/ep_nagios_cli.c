#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ep_argv.h"
#include "ep_nagios_cli.h"
#include "ep_sections.h"

struct parse {
  struct ep_settings         *settings;
  const struct ep_probe_kind *own; /* NULL: the whole checklist */
};

/* The kind's declarations that o is one of, or NULL: the core's. */
static const struct ep_section *
owner_of(const struct ep_option *o)
{
  const struct ep_section *const *s;
  const struct ep_option *const  *k;

  for (s = ep_profile_sections; *s; s++)
    for (k = (*s)->options; k && *k; k++)
      if (*k == o)
        return *s;
  return NULL;
}

static bool
taken(const struct parse *p, const struct ep_option *o)
{
  const struct ep_section *owner = owner_of(o);

  if (!p->own)
    return o->scope & EP_SCOPE_CHECKLIST;
  if (owner && owner != p->own->section)
    return false;
  return o->scope & EP_SCOPE_SINGLE;
}

static enum ep_status
take(void *ctx, const struct ep_option *o, const char *what,
     const char *value, struct ep_err *err)
{
  struct parse *p = ctx;

  if (taken(p, o))
    return ep_settings_add(p->settings, o, what, value, err);
  if (o == &ep_option_warning || o == &ep_option_critical)
    return ep_err_set(err, EP_EINVAL,
                      "%s is not an option of this check: its thresholds "
                      "come from the profile",
                      what);
  return ep_err_set(err, EP_EINVAL, "%s is not an option of this check",
                    what);
}

/* The tables: the core's, then each kind's. */
static size_t
tables_of(const struct ep_option *const **tables, size_t max)
{
  const struct ep_section *const *s;
  size_t                         n = 0;

  tables[n++] = ep_core_options;
  for (s = ep_profile_sections; *s && n < max; s++)
    if ((*s)->options)
      tables[n++] = (*s)->options;
  return n;
}

enum ep_status
ep_nagios_parse(struct ep_settings *s, int argc, char **argv,
                const struct ep_probe_kind *own, struct ep_err *err)
{
  const struct ep_option *const *tables[32];
  struct parse                   p = {s, own};

  /* -I of a check run alone is the interface its own probes leave from
   * (check_edge_machines: the machine network's). */
  s->interface_is_own = own != NULL;
  return ep_argv_parse(argc, argv, tables, tables_of(tables, 32), take, &p,
                       err);
}

static bool
shown(const void *ctx, const struct ep_option *o)
{
  return taken(ctx, o);
}

void
ep_nagios_options_help(FILE *out, const struct ep_probe_kind *own)
{
  struct parse p = {NULL, own};
  char        *text = ep_argv_help(ep_core_options, shown, &p);

  if (text)
    fputs(text, out);
  free(text);
}

char *
ep_nagios_kind_options_help(const struct ep_probe_kind *own)
{
  struct parse p = {NULL, own};

  return ep_argv_kinds_help(ep_profile_sections, shown, &p);
}
