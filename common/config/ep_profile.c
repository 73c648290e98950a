#include "config.h"

#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_addr.h"
#include "ep_builtin.h"
#include "ep_json.h"
#include "ep_profile.h"
#include "ep_protocols.h"
#include "ep_range.h"

#define PROFILE_FILE_MAX (1u << 20)
#define EXTENDS_DEPTH_MAX 8
#define PATH_TEXT_MAX 128

const char *const ep_profile_builtin_names[] = {"standard", "govcloud", NULL};

/* The name a profile of 0.5 and earlier used for EtherNet/IP. */
static const char old_enip_name[] = "allen-bradley-ethernetip";

const char *
ep_machine_protocol_name(const char *protocol)
{
  const struct ep_protocol *pr;

  if (protocol && strcmp(protocol, old_enip_name) == 0)
    protocol = "allen-bradley-enip";
  pr = ep_protocol_named(protocol);
  return pr ? pr->name : NULL;
}

unsigned
ep_machine_protocol_port(const char *protocol)
{
  const struct ep_protocol *pr =
    ep_protocol_named(ep_machine_protocol_name(protocol));

  return pr ? pr->port : 0;
}

void
ep_strlist_free(struct ep_strlist *l)
{
  size_t i;

  for (i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

enum ep_status
ep_strlist_add(struct ep_strlist *l, const char *s)
{
  char **v = realloc(l->v, (l->n + 1) * sizeof *v);

  if (!v)
    return EP_ENOMEM;
  l->v = v;
  if (!(v[l->n] = strdup(s)))
    return EP_ENOMEM;
  l->n++;
  return EP_OK;
}

int
ep_strlist_find(const struct ep_strlist *l, const char *s)
{
  size_t i;

  for (i = 0; i < l->n; i++)
    if (strcmp(l->v[i], s) == 0)
      return (int)i;
  return -1;
}

static void
free_names(struct ep_profile *p)
{
  size_t i;

  for (i = 0; i < p->dns.n_names; i++) {
    free(p->dns.names[i].name);
    ep_strlist_free(&p->dns.names[i].expect);
  }
  free(p->dns.names);
  p->dns.names = NULL;
  p->dns.n_names = 0;
}

static void
free_machines(struct ep_profile *p)
{
  size_t i;

  for (i = 0; i < p->n_machines; i++) {
    free(p->machines[i].name);
    free(p->machines[i].address);
    free(p->machines[i].protocol);
  }
  free(p->machines);
  p->machines = NULL;
  p->n_machines = 0;
}

void
ep_profile_free(struct ep_profile *p)
{
  if (!p)
    return;
  free(p->name);
  free(p->description);
  free(p->interface);
  free(p->machine_interface);
  ep_strlist_free(&p->dns.servers);
  free(p->dns.fallback);
  free_names(p);
  free(p->dns.warning);
  free(p->dns.critical);
  ep_strlist_free(&p->ntp.servers);
  free(p->ntp.warning);
  free(p->ntp.critical);
  free(p->ntp.drift_warning);
  free(p->ntp.drift_critical);
  ep_strlist_free(&p->https.targets);
  ep_strlist_free(&p->https.expect_issuers);
  free(p->https.cacert);
  free(p->https.warning);
  free(p->https.critical);
  ep_strlist_free(&p->nats.targets);
  free(p->nats.auth_file);
  free(p->nats.warning);
  free(p->nats.critical);
  free(p->proxy.url);
  free(p->proxy.auth_file);
  free(p->proxy.cacert);
  free_machines(p);
  free(p);
}

/* Defaults for members no profile in the chain sets. */
static struct ep_profile *
profile_new(void)
{
  struct ep_profile *p = calloc(1, sizeof *p);

  if (!p)
    return NULL;
  p->timeout = 10;
  p->dns.fallback = strdup("system");
  p->ntp.samples = 1;
  p->https.cert_warning_days = 21;
  p->https.cert_critical_days = 7;
  if (!p->dns.fallback) {
    ep_profile_free(p);
    return NULL;
  }
  return p;
}

/* Decoding context: where we are, for messages. */
struct dec {
  const char    *source;
  struct ep_err *err;
};

static enum ep_status
expected(struct dec *d, const char *path, const char *what, json_object *got)
{
  return ep_err_set(d->err, EP_EINVAL, "%s: %s: expected %s, got %s",
                    d->source, path, what, ep_json_type_name(got));
}

static enum ep_status
invalid(struct dec *d, const char *path, const char *why)
{
  return ep_err_set(d->err, EP_EINVAL, "%s: %s: %s", d->source, path, why);
}

static enum ep_status
nomem(struct dec *d)
{
  return ep_err_set(d->err, EP_ENOMEM, "%s: out of memory", d->source);
}

static enum ep_status
get_string(struct dec *d, const char *path, json_object *v, char **out)
{
  char *s;

  if (!json_object_is_type(v, json_type_string))
    return expected(d, path, "a string", v);
  if (json_object_get_string_len(v) == 0)
    return invalid(d, path, "expected a non-empty string");
  if (!(s = strdup(json_object_get_string(v))))
    return nomem(d);
  free(*out);
  *out = s;
  return EP_OK;
}

static enum ep_status
get_int(struct dec *d, const char *path, json_object *v, int lo, int hi,
        int *out)
{
  char    why[96];
  int64_t n;

  if (!json_object_is_type(v, json_type_int))
    return expected(d, path, "an integer", v);
  n = json_object_get_int64(v);
  if (n < lo || n > hi) {
    snprintf(why, sizeof why, "expected an integer from %d to %d, got %lld",
             lo, hi, (long long)n);
    return invalid(d, path, why);
  }
  *out = (int)n;
  return EP_OK;
}

static enum ep_status
get_bool(struct dec *d, const char *path, json_object *v, bool *out)
{
  if (!json_object_is_type(v, json_type_boolean))
    return expected(d, path, "true or false", v);
  *out = json_object_get_boolean(v) != 0;
  return EP_OK;
}

static enum ep_status
get_range(struct dec *d, const char *path, json_object *v, char **out)
{
  struct ep_range r;
  struct ep_err   rerr = EP_ERR_INIT;
  char            why[EP_ERR_MSG_MAX];

  if (!json_object_is_type(v, json_type_string))
    return expected(d, path, "a threshold range string such as \"0.5\"", v);
  if (ep_range_parse(&r, json_object_get_string(v), NULL, &rerr) != EP_OK) {
    snprintf(why, sizeof why, "%s", rerr.msg);
    return invalid(d, path, why);
  }
  return get_string(d, path, v, out);
}

enum kind { ANY_STRING, HOSTPORT, HOSTPORT_NEED_PORT, ADDRPORT, ADDRESS };

static enum ep_status
check_kind(struct dec *d, const char *path, const char *s, enum kind k)
{
  struct ep_hostport hp;
  struct ep_err      e = EP_ERR_INIT;
  char               why[EP_ERR_MSG_MAX + 32];

  switch (k) {
    case ANY_STRING:
      return EP_OK;
    case HOSTPORT:
      ep_hostport_parse(s, 1, "", &hp, &e);
      break;
    case HOSTPORT_NEED_PORT:
      if (ep_hostport_parse(s, 0, "", &hp, &e) != EP_OK)
        return invalid(d, path, "expected \"HOST:PORT\"");
      return EP_OK;
    case ADDRPORT:
      ep_addrport_parse(s, 53, "", &hp, &e);
      break;
    case ADDRESS:
      if (!ep_addr_is_literal(s))
        return invalid(d, path, "expected an IPv4 or IPv6 address");
      return EP_OK;
  }
  if (e.code == EP_OK)
    return EP_OK;
  /* Drop the empty "what" prefix ": " the address parser put first. */
  snprintf(why, sizeof why, "%s", e.msg + 2);
  return invalid(d, path, why);
}

static enum ep_status
get_strlist(struct dec *d, const char *path, json_object *v, enum kind k,
            struct ep_strlist *out)
{
  struct ep_strlist l = {NULL, 0};
  char              ipath[PATH_TEXT_MAX + 16];
  enum ep_status    rc = EP_OK;
  size_t            i, n;
  json_object      *e;

  if (!json_object_is_type(v, json_type_array))
    return expected(d, path, "an array of strings", v);
  n = json_object_array_length(v);
  for (i = 0; i < n && rc == EP_OK; i++) {
    snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
    e = json_object_array_get_idx(v, i);
    if (!json_object_is_type(e, json_type_string))
      rc = expected(d, ipath, k == HOSTPORT_NEED_PORT ? "\"HOST:PORT\""
                                                      : "a string", e);
    else if (json_object_get_string_len(e) == 0)
      rc = invalid(d, ipath, "expected a non-empty string");
    else if ((rc = check_kind(d, ipath, json_object_get_string(e), k)) != EP_OK)
      ;
    else if (ep_strlist_add(&l, json_object_get_string(e)) != EP_OK)
      rc = nomem(d);
  }
  if (rc != EP_OK) {
    ep_strlist_free(&l);
    return rc;
  }
  ep_strlist_free(out);
  *out = l;
  return EP_OK;
}

/* Every member of o must be among names[]; "$.dns: unknown member "x"". */
static enum ep_status
check_members(struct dec *d, const char *path, json_object *o,
              const char *const *names)
{
  char  why[160];
  size_t i;

  json_object_object_foreach(o, key, val) {
    (void)val;
    for (i = 0; names[i]; i++)
      if (strcmp(names[i], key) == 0)
        break;
    if (!names[i]) {
      snprintf(why, sizeof why, "unknown member \"%.80s\"", key);
      return invalid(d, path, why);
    }
  }
  return EP_OK;
}

static enum ep_status
decode_dns_names(struct dec *d, json_object *v, struct ep_profile *p)
{
  static const char *const members[] = {"name", "expect", NULL};
  struct ep_dns_name      *names;
  char                     path[PATH_TEXT_MAX];
  char                     mpath[PATH_TEXT_MAX + 16];
  size_t                   i, n;
  json_object             *e, *m;
  struct ep_err            herr = EP_ERR_INIT;

  if (!json_object_is_type(v, json_type_array))
    return expected(d, "$.dns.names", "an array of objects", v);
  n = json_object_array_length(v);
  names = calloc(n ? n : 1, sizeof *names);
  if (!names)
    return nomem(d);
  free_names(p);
  p->dns.names = names;
  for (i = 0; i < n; i++) {
    snprintf(path, sizeof path, "$.dns.names[%zu]", i);
    e = json_object_array_get_idx(v, i);
    if (!json_object_is_type(e, json_type_object))
      return expected(d, path, "an object with \"name\"", e);
    if (check_members(d, path, e, members) != EP_OK)
      return EP_EINVAL;
    p->dns.n_names = i + 1;
    snprintf(mpath, sizeof mpath, "%s.name", path);
    if (!json_object_object_get_ex(e, "name", &m))
      return invalid(d, path, "missing member \"name\"");
    if (get_string(d, mpath, m, &names[i].name) != EP_OK)
      return EP_EINVAL;
    if (ep_hostname_check(names[i].name, "", &herr) != EP_OK)
      return invalid(d, mpath, herr.msg + 2);
    snprintf(mpath, sizeof mpath, "%s.expect", path);
    if (json_object_object_get_ex(e, "expect", &m) &&
        get_strlist(d, mpath, m, ADDRESS, &names[i].expect) != EP_OK)
      return EP_EINVAL;
  }
  return EP_OK;
}

static enum ep_status
decode_dns(struct dec *d, json_object *o, struct ep_profile *p)
{
  static const char *const members[] = {"servers", "fallback", "names",
                                        "warning", "critical", NULL};
  json_object *v;

  if (!json_object_is_type(o, json_type_object))
    return expected(d, "$.dns", "an object", o);
  if (check_members(d, "$.dns", o, members) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "servers", &v) &&
      get_strlist(d, "$.dns.servers", v, ADDRPORT, &p->dns.servers) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "fallback", &v)) {
    if (get_string(d, "$.dns.fallback", v, &p->dns.fallback) != EP_OK)
      return EP_EINVAL;
    if (strcmp(p->dns.fallback, "system") != 0 &&
        strcmp(p->dns.fallback, "none") != 0 &&
        check_kind(d, "$.dns.fallback", p->dns.fallback, ADDRPORT) != EP_OK) {
      ep_err_clear(d->err);
      return invalid(d, "$.dns.fallback",
                     "expected \"system\", \"none\" or an address[:port]");
    }
  }
  if (json_object_object_get_ex(o, "names", &v) &&
      decode_dns_names(d, v, p) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "warning", &v) &&
      get_range(d, "$.dns.warning", v, &p->dns.warning) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "critical", &v) &&
      get_range(d, "$.dns.critical", v, &p->dns.critical) != EP_OK)
    return EP_EINVAL;
  return EP_OK;
}

static enum ep_status
decode_ntp(struct dec *d, json_object *o, struct ep_profile *p)
{
  static const char *const members[] = {"servers", "samples", "warning",
                                        "critical", "drift_warning",
                                        "drift_critical", NULL};
  json_object *v;

  if (!json_object_is_type(o, json_type_object))
    return expected(d, "$.ntp", "an object", o);
  if (check_members(d, "$.ntp", o, members) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "servers", &v) &&
      get_strlist(d, "$.ntp.servers", v, HOSTPORT, &p->ntp.servers) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "samples", &v) &&
      get_int(d, "$.ntp.samples", v, 1, 8, &p->ntp.samples) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "warning", &v) &&
      get_range(d, "$.ntp.warning", v, &p->ntp.warning) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "critical", &v) &&
      get_range(d, "$.ntp.critical", v, &p->ntp.critical) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "drift_warning", &v) &&
      get_range(d, "$.ntp.drift_warning", v, &p->ntp.drift_warning) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "drift_critical", &v) &&
      get_range(d, "$.ntp.drift_critical", v, &p->ntp.drift_critical) !=
        EP_OK)
    return EP_EINVAL;
  return EP_OK;
}

static enum ep_status
decode_https(struct dec *d, json_object *o, struct ep_profile *p)
{
  static const char *const members[] = {
    "targets",  "expect_issuers",    "cacert",             "warning",
    "critical", "cert_warning_days", "cert_critical_days", NULL};
  json_object *v;

  if (!json_object_is_type(o, json_type_object))
    return expected(d, "$.https", "an object", o);
  if (check_members(d, "$.https", o, members) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "targets", &v) &&
      get_strlist(d, "$.https.targets", v, HOSTPORT, &p->https.targets) !=
        EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "expect_issuers", &v) &&
      get_strlist(d, "$.https.expect_issuers", v, ANY_STRING,
                  &p->https.expect_issuers) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "cacert", &v) &&
      get_string(d, "$.https.cacert", v, &p->https.cacert) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "warning", &v) &&
      get_range(d, "$.https.warning", v, &p->https.warning) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "critical", &v) &&
      get_range(d, "$.https.critical", v, &p->https.critical) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "cert_warning_days", &v) &&
      get_int(d, "$.https.cert_warning_days", v, 0, 3650,
              &p->https.cert_warning_days) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "cert_critical_days", &v) &&
      get_int(d, "$.https.cert_critical_days", v, 0, 3650,
              &p->https.cert_critical_days) != EP_OK)
    return EP_EINVAL;
  return EP_OK;
}

static enum ep_status
decode_nats(struct dec *d, json_object *o, struct ep_profile *p)
{
  static const char *const members[] = {
    "targets", "auth_file", "allow_plaintext_credentials", "warning",
    "critical", NULL};
  json_object *v;

  if (!json_object_is_type(o, json_type_object))
    return expected(d, "$.nats", "an object", o);
  if (check_members(d, "$.nats", o, members) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "targets", &v) &&
      get_strlist(d, "$.nats.targets", v, HOSTPORT_NEED_PORT,
                  &p->nats.targets) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "auth_file", &v) &&
      get_string(d, "$.nats.auth_file", v, &p->nats.auth_file) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "allow_plaintext_credentials", &v) &&
      get_bool(d, "$.nats.allow_plaintext_credentials", v,
               &p->nats.allow_plaintext_credentials) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "warning", &v) &&
      get_range(d, "$.nats.warning", v, &p->nats.warning) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "critical", &v) &&
      get_range(d, "$.nats.critical", v, &p->nats.critical) != EP_OK)
    return EP_EINVAL;
  return EP_OK;
}

static enum ep_status
decode_proxy(struct dec *d, json_object *o, struct ep_profile *p)
{
  static const char *const members[] = {"url", "auth_file", "cacert", NULL};
  json_object *v;
  const char  *why;

  if (!json_object_is_type(o, json_type_object))
    return expected(d, "$.proxy", "an object", o);
  if (check_members(d, "$.proxy", o, members) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "url", &v)) {
    if (get_string(d, "$.proxy.url", v, &p->proxy.url) != EP_OK)
      return EP_EINVAL;
    if ((why = ep_proxy_url_problem(p->proxy.url)) != NULL)
      return invalid(d, "$.proxy.url",
                     strncmp(why, "credentials", 11) == 0
                       ? "credentials are not allowed in the URL; use auth_file"
                       : why);
  }
  if (json_object_object_get_ex(o, "auth_file", &v) &&
      get_string(d, "$.proxy.auth_file", v, &p->proxy.auth_file) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(o, "cacert", &v) &&
      get_string(d, "$.proxy.cacert", v, &p->proxy.cacert) != EP_OK)
    return EP_EINVAL;
  return EP_OK;
}

/* A machine: name and address, and a protocol of the table, or a port,
 * or both (the port then overrides the protocol's). */
static enum ep_status
decode_machine(struct dec *d, const char *path, json_object *e,
               struct ep_machine *m)
{
  static const char *const members[] = {"name", "address", "protocol", "port",
                                        NULL};
  char         mpath[PATH_TEXT_MAX + 16];
  json_object *v;
  char        *protocol = NULL;

  if (!json_object_is_type(e, json_type_object))
    return expected(d, path, "an object", e);
  if (check_members(d, path, e, members) != EP_OK)
    return EP_EINVAL;
  if (!json_object_object_get_ex(e, "name", &v))
    return invalid(d, path, "missing member \"name\"");
  snprintf(mpath, sizeof mpath, "%s.name", path);
  if (get_string(d, mpath, v, &m->name) != EP_OK)
    return EP_EINVAL;
  if (!*m->name || strlen(m->name) > 63 || strpbrk(m->name, " '=|\"\\"))
    return invalid(d, mpath, "expected 1 to 63 characters without spaces, "
                             "quotes, '=' or '|' (it labels perfdata)");
  if (!json_object_object_get_ex(e, "address", &v))
    return invalid(d, path, "missing member \"address\"");
  snprintf(mpath, sizeof mpath, "%s.address", path);
  if (get_string(d, mpath, v, &m->address) != EP_OK ||
      check_kind(d, mpath, m->address, ADDRESS) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(e, "protocol", &v)) {
    snprintf(mpath, sizeof mpath, "%s.protocol", path);
    if (get_string(d, mpath, v, &protocol) != EP_OK)
      return EP_EINVAL;
    m->protocol = protocol && ep_machine_protocol_name(protocol)
                    ? strdup(ep_machine_protocol_name(protocol))
                    : NULL;
    if (!ep_machine_protocol_name(protocol)) {
      free(protocol);
      return invalid(d, mpath, "unknown protocol (see the README's table)");
    }
    free(protocol);
    if (!m->protocol)
      return nomem(d);
    m->port = ep_machine_protocol_port(m->protocol);
  }
  if (json_object_object_get_ex(e, "port", &v)) {
    snprintf(mpath, sizeof mpath, "%s.port", path);
    if (!json_object_is_type(v, json_type_int) ||
        json_object_get_int64(v) < 1 || json_object_get_int64(v) > 65535)
      return expected(d, mpath, "a TCP port, 1 to 65535", v);
    m->port = (unsigned)json_object_get_int64(v);
  }
  if (!m->port)
    return invalid(d, path, "missing member \"protocol\" or \"port\"");
  return EP_OK;
}

static enum ep_status
decode_machines(struct dec *d, json_object *v, struct ep_profile *p)
{
  char               path[PATH_TEXT_MAX];
  size_t             i, j, n;
  struct ep_machine *ms;

  if (!json_object_is_type(v, json_type_array))
    return expected(d, "$.machines", "an array of objects", v);
  n = json_object_array_length(v);
  if (!(ms = calloc(n ? n : 1, sizeof *ms)))
    return nomem(d);
  free_machines(p);
  p->machines = ms;
  for (i = 0; i < n; i++) {
    snprintf(path, sizeof path, "$.machines[%zu]", i);
    p->n_machines = i + 1;
    if (decode_machine(d, path, json_object_array_get_idx(v, i), &ms[i]) !=
        EP_OK)
      return EP_EINVAL;
    for (j = 0; j < i; j++)
      if (strcmp(ms[j].name, ms[i].name) == 0)
        return invalid(d, path, "a second machine of that name");
  }
  return EP_OK;
}

static struct ep_profile *load(const char *name_or_path, int depth,
                               struct ep_err *err);

static const char *
builtin_text(const char *name)
{
  size_t i;

  for (i = 0; ep_builtin_profiles[i].name; i++)
    if (strcmp(ep_builtin_profiles[i].name, name) == 0)
      return ep_builtin_profiles[i].json;
  return NULL;
}

/* A relative "extends" path is taken relative to the extending file. */
static char *
resolve_extends(const char *base_source, const char *target)
{
  char  *copy, *dir, *out;
  size_t n;

  if (builtin_text(target) || target[0] == '/' || !strchr(base_source, '/'))
    return strdup(target);
  if (!(copy = strdup(base_source)))
    return NULL;
  dir = dirname(copy);
  n = strlen(dir) + strlen(target) + 2;
  if ((out = malloc(n)))
    snprintf(out, n, "%s/%s", dir, target);
  free(copy);
  return out;
}

static struct ep_profile *
apply(json_object *doc, const char *source, int depth, struct ep_err *err)
{
  static const char *const members[] = {
    "extends", "description", "timeout", "interface", "machine_interface",
    "dns",     "ntp",         "https",   "proxy",     "nats",
    "machines", NULL};
  struct dec         d = {source, err};
  struct ep_profile *p = NULL;
  json_object       *v;
  char              *base;

  if (!json_object_is_type(doc, json_type_object)) {
    expected(&d, "$", "an object", doc);
    return NULL;
  }
  if (check_members(&d, "$", doc, members) != EP_OK)
    return NULL;
  if (json_object_object_get_ex(doc, "extends", &v)) {
    if (!json_object_is_type(v, json_type_string) ||
        json_object_get_string_len(v) == 0) {
      expected(&d, "$.extends", "a profile name or path", v);
      return NULL;
    }
    if (depth >= EXTENDS_DEPTH_MAX) {
      invalid(&d, "$.extends", "profiles extend each other too deeply "
                               "(a cycle?)");
      return NULL;
    }
    if (!(base = resolve_extends(source, json_object_get_string(v)))) {
      nomem(&d);
      return NULL;
    }
    p = load(base, depth + 1, err);
    free(base);
  } else {
    p = profile_new();
    if (!p)
      nomem(&d);
  }
  if (!p)
    return NULL;
  free(p->name);
  if (!(p->name = strdup(source)))
    goto fail;
  if (json_object_object_get_ex(doc, "description", &v) &&
      get_string(&d, "$.description", v, &p->description) != EP_OK)
    goto fail;
  if (json_object_object_get_ex(doc, "timeout", &v)) {
    double t;

    if (!json_object_is_type(v, json_type_int) &&
        !json_object_is_type(v, json_type_double)) {
      expected(&d, "$.timeout", "a number of seconds", v);
      goto fail;
    }
    t = json_object_get_double(v);
    if (!(t > 0 && t <= 3600)) {
      invalid(&d, "$.timeout", "expected seconds greater than 0, at most 3600");
      goto fail;
    }
    p->timeout = t;
  }
  if (json_object_object_get_ex(doc, "interface", &v) &&
      get_string(&d, "$.interface", v, &p->interface) != EP_OK)
    goto fail;
  if (json_object_object_get_ex(doc, "machine_interface", &v) &&
      get_string(&d, "$.machine_interface", v, &p->machine_interface) != EP_OK)
    goto fail;
  if (json_object_object_get_ex(doc, "dns", &v) && decode_dns(&d, v, p))
    goto fail;
  if (json_object_object_get_ex(doc, "ntp", &v) && decode_ntp(&d, v, p))
    goto fail;
  if (json_object_object_get_ex(doc, "https", &v) && decode_https(&d, v, p))
    goto fail;
  if (json_object_object_get_ex(doc, "nats", &v) && decode_nats(&d, v, p))
    goto fail;
  if (json_object_object_get_ex(doc, "proxy", &v) && decode_proxy(&d, v, p))
    goto fail;
  if (json_object_object_get_ex(doc, "machines", &v) &&
      decode_machines(&d, v, p))
    goto fail;
  return p;
fail:
  if (err && err->code == EP_OK)
    nomem(&d);
  ep_profile_free(p);
  return NULL;
}

static struct ep_profile *
load_text(const char *text, size_t len, const char *source, int depth,
          struct ep_err *err)
{
  json_object       *doc = ep_json_parse_strict(text, len, source, err);
  struct ep_profile *p;

  if (!doc)
    return NULL;
  p = apply(doc, source, depth, err);
  json_object_put(doc);
  return p;
}

static struct ep_profile *
load(const char *name_or_path, int depth, struct ep_err *err)
{
  const char        *text = builtin_text(name_or_path);
  json_object       *doc;
  struct ep_profile *p;

  if (text)
    return load_text(text, strlen(text), name_or_path, depth, err);
  doc = ep_json_load_file(name_or_path, PROFILE_FILE_MAX, err);
  if (!doc)
    return NULL;
  p = apply(doc, name_or_path, depth, err);
  json_object_put(doc);
  return p;
}

struct ep_profile *
ep_profile_load(const char *name_or_path, struct ep_err *err)
{
  if (!builtin_text(name_or_path) && !strchr(name_or_path, '/')) {
    size_t n = strlen(name_or_path);

    if (n < 5 || strcmp(name_or_path + n - 5, ".json") != 0) {
      ep_err_set(err, EP_EINVAL,
                 "unknown profile '%s': built-in profiles are standard and "
                 "govcloud; a profile file is given by its path",
                 name_or_path);
      return NULL;
    }
  }
  return load(name_or_path, 0, err);
}

struct ep_profile *
ep_profile_load_text(const char *text, size_t len, const char *source,
                     struct ep_err *err)
{
  return load_text(text, len, source, 0, err);
}
