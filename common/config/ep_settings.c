#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_addr.h"
#include "ep_settings.h"

const struct ep_setting_names ep_cli_names = {
  .hosts = "-H",
  .warning = "-w",
  .critical = "-c",
  .timeout = "-t",
  .dns_servers = "-D",
  .fallback = "--fallback-dns",
  .interface = "-I",
  .proxy = "--proxy",
  .proxy_auth_file = "--proxy-auth-file",
  .proxy_cacert = "--proxy-cacert",
  .cacert = "--cacert",
};

void
ep_settings_init(struct ep_settings *s)
{
  memset(s, 0, sizeof *s);
  s->format = EP_FORMAT_NAGIOS;
}

void
ep_settings_cleanup(struct ep_settings *s)
{
  size_t i;

  ep_strlist_free(&s->dns_servers);
  ep_strlist_free(&s->hosts);
  for (i = 0; i < s->n_values; i++) {
    free(s->values[i].what);
    free(s->values[i].value);
  }
  free(s->values);
  ep_settings_init(s);
}

const struct ep_setting_names *
ep_settings_names(const struct ep_settings *s)
{
  return s->names ? s->names : &ep_cli_names;
}

enum ep_status
ep_settings_add(struct ep_settings *s, const struct ep_option *o,
                const char *what, const char *value, struct ep_err *err)
{
  struct ep_setting_value *v;

  if (o->check && o->check(what, value, err) != EP_OK)
    return EP_EINVAL;
  if (o->apply)
    return o->apply(s, what, value, err);
  v = realloc(s->values, (s->n_values + 1) * sizeof *v);
  if (!v)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  s->values = v;
  v += s->n_values;
  v->option = o;
  v->what = strdup(what);
  v->value = strdup(value);
  if (!v->what || !v->value) {
    free(v->what);
    free(v->value);
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  }
  s->n_values++;
  return EP_OK;
}

const char *
ep_settings_value(const struct ep_settings *s, const struct ep_option *o,
                  const char **what)
{
  size_t i = s->n_values;

  while (i-- > 0)
    if (s->values[i].option == o) {
      if (what)
        *what = s->values[i].what;
      return s->values[i].value;
    }
  return NULL;
}

int
ep_settings_values(const struct ep_settings *s, const struct ep_option *o,
                   struct ep_strlist *out)
{
  size_t i;
  int    n = 0;

  for (i = 0; i < s->n_values; i++)
    if (s->values[i].option == o) {
      if (ep_strlist_add(out, s->values[i].value) != EP_OK) {
        ep_strlist_free(out);
        return -1;
      }
      n++;
    }
  return n;
}

const char *
ep_option_what(const struct ep_option *o, char *buf, size_t size)
{
  if (o->letter)
    snprintf(buf, size, "-%c", o->letter);
  else
    snprintf(buf, size, "--%s", o->name);
  return buf;
}

enum ep_status
ep_option_whole_number(const char *what, const char *value, long lo, long hi,
                       const char *unit, long *out, struct ep_err *err)
{
  char *end;
  long  v = strtol(value, &end, 10);

  if (end == value || *end || v < lo || v > hi)
    return ep_err_set(err, EP_EINVAL,
                      "%s: '%s': expected a whole number%s from %ld to %ld",
                      what, value, unit, lo, hi);
  if (out)
    *out = v;
  return EP_OK;
}

/* The core's options: each puts its value into the settings' members. */

static enum ep_status
nomem(struct ep_err *err)
{
  return ep_err_set(err, EP_ENOMEM, "out of memory");
}

static enum ep_status
apply_profile(struct ep_settings *s, const char *what, const char *value,
              struct ep_err *err)
{
  (void)what;
  (void)err;
  s->profile = value;
  return EP_OK;
}

static enum ep_status
apply_dns_server(struct ep_settings *s, const char *what, const char *value,
                 struct ep_err *err)
{
  struct ep_hostport hp;

  if (ep_addrport_parse(value, 53, what, &hp, err) != EP_OK)
    return EP_EINVAL;
  return ep_strlist_add(&s->dns_servers, value) == EP_OK ? EP_OK
                                                        : nomem(err);
}

static enum ep_status
apply_fallback(struct ep_settings *s, const char *what, const char *value,
               struct ep_err *err)
{
  struct ep_hostport hp;

  s->fallback = value;
  if (strcmp(value, "system") != 0 && strcmp(value, "none") != 0 &&
      ep_addrport_parse(value, 53, what, &hp, err) != EP_OK)
    return EP_EINVAL;
  return EP_OK;
}

enum ep_status
ep_option_seconds(const char *what, const char *value, double *out,
                  struct ep_err *err)
{
  char  *end;
  double v = strtod(value, &end);

  if (end == value || *end || !isfinite(v) || strchr(value, 'x') ||
      strchr(value, 'X'))
    return ep_err_set(err, EP_EINVAL, "%s: '%s' is not a number of seconds",
                      what, value);
  *out = v;
  return EP_OK;
}

static enum ep_status
apply_timeout(struct ep_settings *s, const char *what, const char *value,
              struct ep_err *err)
{
  double v;

  if (ep_option_seconds(what, value, &v, err) != EP_OK)
    return EP_EINVAL;
  if (v <= 0 || v > 3600)
    return ep_err_set(err, EP_EINVAL,
                      "%s: '%s': the timeout must be more than 0 and at most "
                      "3600 seconds",
                      what, value);
  s->timeout = v;
  return EP_OK;
}

#define APPLY_STRING(member)                                                 \
  static enum ep_status apply_##member(struct ep_settings *s,                \
                                       const char *what, const char *value, \
                                       struct ep_err *err)                  \
  {                                                                          \
    (void)what;                                                              \
    (void)err;                                                               \
    s->member = value;                                                       \
    return EP_OK;                                                            \
  }
APPLY_STRING(warning)
APPLY_STRING(critical)
APPLY_STRING(cacert)
APPLY_STRING(proxy)
APPLY_STRING(proxy_auth_file)
APPLY_STRING(proxy_cacert)
APPLY_STRING(interface)

static enum ep_status
apply_format(struct ep_settings *s, const char *what, const char *value,
             struct ep_err *err)
{
  if (strcmp(value, "nagios") == 0)
    s->format = EP_FORMAT_NAGIOS;
  else if (strcmp(value, "json") == 0)
    s->format = EP_FORMAT_JSON;
  else
    return ep_err_set(err, EP_EINVAL, "%s: '%s': expected nagios or json",
                      what, value);
  return EP_OK;
}

static enum ep_status
apply_verbose(struct ep_settings *s, const char *what, const char *value,
              struct ep_err *err)
{
  (void)what;
  (void)value;
  (void)err;
  s->verbose++;
  return EP_OK;
}

static enum ep_status
apply_help(struct ep_settings *s, const char *what, const char *value,
           struct ep_err *err)
{
  (void)what;
  (void)value;
  (void)err;
  s->help = true;
  return EP_OK;
}

static enum ep_status
apply_version(struct ep_settings *s, const char *what, const char *value,
              struct ep_err *err)
{
  (void)what;
  (void)value;
  (void)err;
  s->version = true;
  return EP_OK;
}

static enum ep_status
apply_host(struct ep_settings *s, const char *what, const char *value,
           struct ep_err *err)
{
  if (strlen(value) > 253 + 6)
    return ep_err_set(err, EP_EINVAL,
                      "%s: host name is %zu characters, more than 253", what,
                      strlen(value));
  return ep_strlist_add(&s->hosts, value) == EP_OK ? EP_OK : nomem(err);
}

#define BOTH (EP_SCOPE_SINGLE | EP_SCOPE_CHECKLIST)
static const struct ep_option opt_profile = {
  .name = "profile",
  .letter = 'P',
  .arg = "NAME|FILE",
  .key = "Profile",
  .scope = BOTH,
  .help = "standard (default), govcloud, or the path of a JSON profile",
  .apply = apply_profile};
static const struct ep_option opt_dns_server = {
  .name = "dns-server",
  .letter = 'D',
  .arg = "ADDR[:PORT]",
  .key = "DNSServer",
  .scope = BOTH,
  .repeat = true,
  .help = "resolver for every name the check resolves; repeatable,\n"
          "replaces the profile's dns.servers",
  .apply = apply_dns_server};
static const struct ep_option opt_fallback = {
  .name = "fallback-dns",
  .arg = "system|none|ADDR[:PORT]",
  .key = "FallbackDNS",
  .scope = BOTH,
  .help = "asked when the resolvers do not answer (default: profile, system)",
  .apply = apply_fallback};
static const struct ep_option opt_timeout = {
  .name = "timeout",
  .letter = 't',
  .arg = "SECONDS",
  .key = "Timeout",
  .scope = BOTH,
  .help = "deadline for the whole run (default: profile, 10)",
  .apply = apply_timeout};
const struct ep_option ep_option_warning = {
  .name = "warning",
  .letter = 'w',
  .arg = "RANGE",
  .key = "Warning",
  .scope = EP_SCOPE_SINGLE,
  .help = "thresholds on the check's main figure, Monitoring Plugins ranges",
  .apply = apply_warning};
const struct ep_option ep_option_critical = {
  .name = "critical",
  .letter = 'c',
  .arg = "RANGE",
  .key = "Critical",
  .scope = EP_SCOPE_SINGLE,
  .apply = apply_critical};
static const struct ep_option opt_cacert = {
  .name = "cacert",
  .arg = "FILE",
  .key = "CACert",
  .scope = BOTH,
  .help = "trust this CA bundle (https, NATS TLS)",
  .apply = apply_cacert};
static const struct ep_option opt_proxy = {
  .name = "proxy",
  .arg = "URL",
  .key = "Proxy",
  .scope = BOTH,
  .help = "http:// or https:// proxy, no credentials",
  .apply = apply_proxy};
static const struct ep_option opt_proxy_auth_file = {
  .name = "proxy-auth-file",
  .arg = "FILE",
  .key = "ProxyAuthFile",
  .scope = BOTH,
  .help = "user:password for the proxy",
  .apply = apply_proxy_auth_file};
static const struct ep_option opt_proxy_cacert = {
  .name = "proxy-cacert",
  .arg = "FILE",
  .key = "ProxyCACert",
  .scope = BOTH,
  .help = "CA bundle for an https proxy",
  .apply = apply_proxy_cacert};
static const struct ep_option opt_interface = {
  .name = "interface",
  .letter = 'I',
  .arg = "IFACE|ADDR",
  .key = "Interface",
  .scope = BOTH,
  .help = "send every probe from this interface (an address means its interface)",
  .apply = apply_interface};
static const struct ep_option opt_format = {
  .name = "format",
  .arg = "nagios|json",
  .scope = BOTH,
  .help = "output format (default nagios)",
  .apply = apply_format};
static const struct ep_option opt_verbose = {
  .name = "verbose",
  .letter = 'v',
  .scope = BOTH,
  .help = "every target, under its item (-vv: with details)",
  .apply = apply_verbose};
static const struct ep_option opt_help = {
  .name = "help",
  .letter = 'h',
  .scope = BOTH,
  .apply = apply_help};
static const struct ep_option opt_version = {
  .name = "version",
  .letter = 'V',
  .scope = BOTH,
  .apply = apply_version};
const struct ep_option ep_option_hosts = {
  .name = "hostname",
  .letter = 'H',
  .arg = "HOST",
  .key = "Target",
  .scope = EP_SCOPE_SINGLE,
  .repeat = true,
  .apply = apply_host};

const struct ep_option *const ep_core_options[] = {
  &opt_profile,      &opt_dns_server,      &opt_fallback,
  &opt_timeout,      &ep_option_warning,   &ep_option_critical,
  &opt_cacert,       &opt_proxy,           &opt_proxy_auth_file,
  &opt_proxy_cacert, &opt_interface,       &opt_format,
  &opt_verbose,      &opt_help,            &opt_version,
  &ep_option_hosts,  NULL};

void
ep_setting_names_by_key(struct ep_setting_names *names)
{
  static const struct {
    const struct ep_option *option;
    size_t                  at;
  } named[] = {
#define AT(f) offsetof(struct ep_setting_names, f)
    {&ep_option_hosts, AT(hosts)},       {&ep_option_warning, AT(warning)},
    {&ep_option_critical, AT(critical)}, {&opt_timeout, AT(timeout)},
    {&opt_dns_server, AT(dns_servers)},  {&opt_fallback, AT(fallback)},
    {&opt_interface, AT(interface)},     {&opt_proxy, AT(proxy)},
    {&opt_proxy_auth_file, AT(proxy_auth_file)},
    {&opt_proxy_cacert, AT(proxy_cacert)},
    {&opt_cacert, AT(cacert)},
#undef AT
  };
  size_t i;

  memset(names, 0, sizeof *names);
  for (i = 0; i < sizeof named / sizeof named[0]; i++)
    *(const char **)((char *)names + named[i].at) = named[i].option->key;
}
