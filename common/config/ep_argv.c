#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ep_argv.h"
#include "ep_buf.h"

#define LONG_ONLY_BASE 256

/* Every declared option, in the tables' order. */
struct known {
  const struct ep_option **v;
  size_t                   n;
  struct option           *longopts;
  char                    *shortopts;
};

static void
known_free(struct known *k)
{
  free(k->v);
  free(k->longopts);
  free(k->shortopts);
}

static enum ep_status
known_build(struct known *k, const struct ep_option *const *const *tables,
            size_t n, struct ep_err *err)
{
  const struct ep_option *const *t;
  size_t                         i, total = 0, s = 1;

  memset(k, 0, sizeof *k);
  for (i = 0; i < n; i++)
    for (t = tables[i]; t && *t; t++)
      total++;
  k->v = calloc(total + 1, sizeof *k->v);
  k->longopts = calloc(total + 1, sizeof *k->longopts);
  k->shortopts = calloc(2 * total + 2, 1);
  if (!k->v || !k->longopts || !k->shortopts) {
    known_free(k);
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  }
  k->shortopts[0] = ':';
  for (i = 0; i < n; i++)
    for (t = tables[i]; t && *t; t++, k->n++) {
      k->v[k->n] = *t;
      k->longopts[k->n].name = (*t)->name;
      k->longopts[k->n].has_arg = (*t)->arg ? required_argument : no_argument;
      k->longopts[k->n].val =
        (*t)->letter ? (*t)->letter : LONG_ONLY_BASE + (int)k->n;
      if ((*t)->letter) {
        k->shortopts[s++] = (*t)->letter;
        if ((*t)->arg)
          k->shortopts[s++] = ':';
      }
    }
  return EP_OK;
}

static const struct ep_option *
known_option(const struct known *k, int c)
{
  size_t i;

  if (c >= LONG_ONLY_BASE && (size_t)(c - LONG_ONLY_BASE) < k->n)
    return k->v[c - LONG_ONLY_BASE];
  for (i = 0; i < k->n; i++)
    if (k->v[i]->letter && k->v[i]->letter == c)
      return k->v[i];
  return NULL;
}

static size_t
known_index(const struct known *k, const struct ep_option *o)
{
  size_t i;

  for (i = 0; i < k->n && k->v[i] != o; i++)
    ;
  return i;
}

/* "--verbose=2": getopt reports the option's letter, which would blame
 * "-v" for what the user wrote. */
static bool
takes_no_argument(const struct known *k, const char *arg)
{
  size_t len = strcspn(arg, "=");
  size_t i;

  if (strncmp(arg, "--", 2) != 0 || arg[len] != '=')
    return false;
  for (i = 0; i < k->n; i++)
    if (strlen(k->v[i]->name) == len - 2 &&
        strncmp(k->v[i]->name, arg + 2, len - 2) == 0)
      return k->v[i]->arg == NULL;
  return false;
}

/* An option given without the one it needs ("-a needs -H"). */
static enum ep_status
check_needs(const struct known *k, const bool *given, struct ep_err *err)
{
  char   what[64], needs[64];
  size_t i, j;

  for (i = 0; i < k->n; i++) {
    if (!given[i] || !k->v[i]->needs)
      continue;
    for (j = 0; j < k->n && !(given[j] && k->v[j] == k->v[i]->needs); j++)
      ;
    if (j == k->n)
      return ep_err_set(err, EP_EINVAL, "%s needs %s: %s",
                        ep_option_what(k->v[i], what, sizeof what),
                        ep_option_what(k->v[i]->needs, needs, sizeof needs),
                        k->v[i]->needs_why);
  }
  return EP_OK;
}

static enum ep_status
refuse(const struct known *k, char **argv, struct ep_err *err)
{
  const char *arg = argv[optind - 1];

  if (takes_no_argument(k, arg))
    return ep_err_set(err, EP_EINVAL, "option %.*s takes no argument",
                      (int)strcspn(arg, "="), arg);
  if (strncmp(arg, "--", 2) == 0)
    return ep_err_set(err, EP_EINVAL, "unknown option %.*s",
                      (int)strcspn(arg, "="), arg);
  if (optopt)
    return ep_err_set(err, EP_EINVAL, "unknown option -%c", optopt);
  return ep_err_set(err, EP_EINVAL, "unknown option %s", arg);
}

enum ep_status
ep_argv_parse(int argc, char **argv,
              const struct ep_option *const *const *tables, size_t n,
              ep_argv_take take, void *ctx, struct ep_err *err)
{
  const struct ep_option *o;
  struct known            k;
  enum ep_status          rc = EP_OK;
  char                    what[64];
  bool                   *given;
  int                     c;

  if (known_build(&k, tables, n, err) != EP_OK)
    return EP_ENOMEM;
  if (!(given = calloc(k.n + 1, sizeof *given))) {
    known_free(&k);
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  }
  /* getopt keeps its position in globals; a fresh parse starts over. */
  optind = 0;
  opterr = 0;
  while (rc == EP_OK &&
         (c = getopt_long(argc, argv, k.shortopts, k.longopts, NULL)) != -1) {
    if (c == ':')
      rc = ep_err_set(err, EP_EINVAL, "option %s needs an argument",
                      argv[optind - 1]);
    else if (!(o = known_option(&k, c)))
      rc = refuse(&k, argv, err);
    else if ((rc = take(ctx, o, ep_option_what(o, what, sizeof what),
                        o->arg ? optarg : "", err)) == EP_OK)
      given[known_index(&k, o)] = true;
  }
  if (rc == EP_OK && optind < argc)
    rc = ep_err_set(err, EP_EINVAL, "unexpected argument '%s'", argv[optind]);
  if (rc == EP_OK)
    rc = check_needs(&k, given, err);
  free(given);
  known_free(&k);
  return rc;
}

/* Each line of help, indented under its option. */
static enum ep_status
help_lines(struct ep_buf *b, const char *help)
{
  enum ep_status rc = EP_OK;
  size_t         len;

  while (rc == EP_OK && help && *help) {
    len = strcspn(help, "\n");
    rc = ep_buf_printf(b, "    %.*s\n", (int)len, help);
    help += len + (help[len] == '\n');
  }
  return rc;
}

static enum ep_status
add_help(struct ep_buf *b, const struct ep_option *const *opts,
         bool (*shown)(const void *ctx, const struct ep_option *o),
         const void *ctx)
{
  enum ep_status rc = EP_OK;

  for (; rc == EP_OK && opts && *opts; opts++) {
    const struct ep_option *o = *opts;

    if (!shown(ctx, o))
      continue;
    if (o->letter)
      rc = ep_buf_printf(b, " -%c, --%s", o->letter, o->name);
    else
      rc = ep_buf_printf(b, " --%s", o->name);
    if (rc == EP_OK)
      rc = ep_buf_printf(b, "%s%s\n", o->arg ? " " : "", o->arg ? o->arg : "");
    if (rc == EP_OK)
      rc = help_lines(b, o->help);
  }
  return rc;
}

char *
ep_argv_help(const struct ep_option *const *opts,
             bool (*shown)(const void *ctx, const struct ep_option *o),
             const void *ctx)
{
  struct ep_buf b;

  ep_buf_init(&b, 64 * 1024);
  if (add_help(&b, opts, shown, ctx) != EP_OK) {
    ep_buf_cleanup(&b);
    return NULL;
  }
  return ep_buf_steal(&b);
}

char *
ep_argv_kinds_help(const struct ep_section *const *sections,
                   bool (*shown)(const void *ctx, const struct ep_option *o),
                   const void *ctx)
{
  struct ep_buf  b;
  enum ep_status rc = EP_OK;

  ep_buf_init(&b, 64 * 1024);
  for (; rc == EP_OK && *sections; sections++)
    rc = add_help(&b, (*sections)->options, shown, ctx);
  if (rc != EP_OK) {
    ep_buf_cleanup(&b);
    return NULL;
  }
  return ep_buf_steal(&b);
}
